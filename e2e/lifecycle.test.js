// The whole life of a counter dossier in a real browser: the reception officer of Phường Hội An receives a dossier
// for a demo citizen (the citizen's ID number typed in), prints the receipt and downloads its PDF, starts processing;
// the handling officer, the head of department and the head of agency each move it to the next step of the
// procedure's workflow; the clerk issues the signed result with its file and the counter returns it. The citizen then
// logs in with VNeID (the reference identity provider the demo mounts) and finds the dossier in "Hồ sơ của tôi" with
// every step in its timeline and a portal notice of every change of status.
//
// Run through ./scripts/test, which starts `motcua demo` and sets MOTCUA_E2E_URL.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, field, launch, logIn, newPage, TEST_TIMEOUT_MS, waitForPath, withPage } from './helpers.js';

/** Copy of a civil-status extract: commune level; handler → head of department → head of agency → clerk. */
const PROCEDURE = '2.000635';
const CODE = /^000\.66\.60\.H17-\d{6}-\d{4}$/;
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Runs `fn(page)` logged in as a demo officer, in a context of their own. */
async function asOfficer(username, fn) {
  await withPage(browser, `vong-doi-${username}`, async (page) => {
    await page.goto('/dang-nhap');
    await logIn(page, username);
    await waitForPath(page, '/can-bo');
    await fn(page);
  });
}

/** Clicks an action button on the dossier page and waits for the confirmation. */
async function act(page, label, status) {
  await page.getByRole('form', { name: label }).getByRole('button', { name: label, exact: true }).click();
  await page.getByRole('status').filter({ hasText: `Đã thực hiện: ${label}. Trạng thái hiện tại: ${status}.` }).waitFor();
}

/** The text of the definition that follows a term in a `<dl>`. */
async function fact(page, term) {
  return (await page.locator('dl.facts dt', { hasText: term }).first().locator('xpath=following-sibling::dd[1]').innerText()).trim();
}

test('a counter dossier from reception through every workflow step to the returned result, seen by its citizen', { timeout: TEST_TIMEOUT_MS }, async () => {
  // The citizen's identity as the reference identity provider lists it (the first demo citizen, level 2).
  const citizen = await newPage(browser);
  await citizen.page.goto('/dang-nhap/vneid?next=/ca-nhan/ho-so');
  await citizen.page.getByRole('heading', { level: 1, name: 'Đăng nhập bằng tài khoản định danh điện tử' }).waitFor();
  const label = (await citizen.page.locator('fieldset label').first().innerText()).trim();
  const [, name, idNumber] = label.match(/^(.+?) — số định danh (\d{12}),/);

  let dossierPath;
  let code;
  await asOfficer('tiepnhan.hoian', async (page) => {
    await page.goto(`/can-bo/tiep-nhan/${PROCEDURE}`);
    await page.getByRole('heading', { level: 1, name: /^Tiếp nhận hồ sơ: Cấp bản sao Trích lục hộ tịch/ }).waitFor();
    await field(page, 'Số định danh cá nhân của người nộp').fill(idNumber);
    await field(page, 'Họ, chữ đệm và tên người nộp').fill(name);
    await field(page, 'Số điện thoại người nộp').fill('0905123456');
    await field(page, 'Thư điện tử người nộp').fill('nguoi.nop@example.vn');
    await field(page, 'Họ, chữ đệm và tên').fill(name);
    await field(page, 'Số định danh cá nhân').fill(idNumber);
    await field(page, 'Tỉnh, thành phố').selectOption({ label: 'Thành phố Đà Nẵng' });
    await field(page, 'Xã, phường, đặc khu').selectOption({ label: 'Phường Hội An' });
    await field(page, 'Số nhà, đường, thôn, tổ dân phố').fill('12 Trần Phú');
    await field(page, 'Số điện thoại').fill('0905123456');
    await field(page, 'Giấy tờ cần cấp bản sao').selectOption({ label: 'Bản sao Giấy khai sinh' });
    await field(page, 'Nơi đã đăng ký sự kiện hộ tịch').fill('Ủy ban nhân dân phường Hội An');
    await field(page, 'Số bản sao').fill('1');
    await page.getByRole('checkbox', { name: /^Hộ chiếu\/Thẻ căn cước công dân/ }).check();
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ', exact: true }).click();
    await page.waitForURL((url) => /^\/can-bo\/ho-so\/[0-9a-f-]{36}$/.test(url.pathname));
    dossierPath = new URL(page.url()).pathname;
    const heading = page.getByRole('heading', { level: 1, name: /^Hồ sơ 000\.66\.60\.H17-/ });
    code = (await heading.innerText()).replace(/^Hồ sơ /, '').trim();
    assert.match(code, CODE);
    assert.match(await fact(page, 'Trạng thái'), /^Được tiếp nhận/);

    // The printable receipt, and its PDF (Mẫu 01) answers as a PDF.
    await page.getByRole('link', { name: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', exact: true }).click();
    await waitForPath(page, `${dossierPath}/bien-nhan`);
    await page.getByRole('article').getByText(code, { exact: true }).waitFor();
    await page.goBack();
    await waitForPath(page, dossierPath);
    const pdfLink = page.getByRole('link', { name: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)', exact: true });
    const pdf = await page.request.get(await pdfLink.getAttribute('href'));
    assert.equal(pdf.status(), 200);
    assert.match(pdf.headers()['content-type'], /^application\/pdf/);
    assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');

    await act(page, 'Chuyển xử lý', 'Đang xử lý');
    assert.match(await fact(page, 'Bước xử lý'), /^Thẩm định, xử lý hồ sơ \(chuyên viên thụ lý\)/);
  });

  // handler → head of department → head of agency (approves) → clerk.
  const steps = [
    ['thuly.hoian', /^Kiểm tra, cho ý kiến \(lãnh đạo phòng\)/],
    ['truongphong.hoian', /^Phê duyệt, ký kết quả \(lãnh đạo cơ quan\)/],
    ['lanhdao.hoian', /^Vào sổ, đóng dấu, trả kết quả \(văn thư\)/],
  ];
  for (const [username, next] of steps) {
    await asOfficer(username, async (page) => {
      await page.goto(dossierPath);
      await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
      await act(page, 'Chuyển bước xử lý', 'Đang xử lý');
      assert.match(await fact(page, 'Bước xử lý'), next);
    });
  }

  // The clerk issues the signed result with its file, then the dossier's result.
  await asOfficer('vanthu.hoian', async (page) => {
    await page.goto(`${dossierPath}/tai-lieu`);
    await page.getByLabel('Tệp kết quả (PDF hoặc XML)').setInputFiles({ name: 'ban-sao-giay-khai-sinh.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Ký và phát hành', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /Đã ký và phát hành kết quả điện tử/ }).waitFor();
    await page.getByRole('row').filter({ hasText: 'ban-sao-giay-khai-sinh.pdf' }).waitFor();
    await page.goto(dossierPath);
    await act(page, 'Ban hành kết quả', 'Đã xử lý xong');
  });

  // The counter returns it.
  await asOfficer('tiepnhan.hoian', async (page) => {
    await page.goto(dossierPath);
    await page.getByLabel('Hình thức trả kết quả').selectOption('counter');
    await act(page, 'Trả kết quả', 'Đã trả kết quả');
    const history = page.getByRole('table', { name: 'Quá trình giải quyết' });
    assert.equal(await history.getByRole('cell', { name: 'Chuyển bước xử lý', exact: true }).count(), 3);
  });

  // The citizen logs in as that person and follows the dossier.
  const page = citizen.page;
  try {
    await page.locator('fieldset label').filter({ hasText: idNumber }).getByRole('radio').check();
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await waitForPath(page, '/ca-nhan/ho-so');
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ của tôi' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: code });
    await row.getByRole('cell', { name: 'Đã trả kết quả', exact: true }).waitFor();

    // A portal notice of every change of status, newest first.
    const notices = page.getByRole('region', { name: 'Thông báo' }).getByRole('listitem').filter({ hasText: code });
    const subjects = (await notices.allInnerTexts()).map((t) => t.split(' — ')[0].trim());
    assert.deepEqual(subjects, [
      `Hồ sơ ${code}: Đã trả kết quả`,
      `Hồ sơ ${code}: Đã xử lý xong`,
      `Hồ sơ ${code}: Đang xử lý`,
      `Hồ sơ ${code}: Được tiếp nhận`,
    ]);
    await checkA11y(page);

    // The timeline names every step and where it was done.
    await row.getByRole('link', { name: code }).click();
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    const timeline = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Nơi thực hiện' }) });
    const actions = (await timeline.locator('tbody tr td:nth-child(2)').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(actions.map((a) => a.split(':')[0]), [
      'Tiếp nhận trực tiếp',
      'Chuyển xử lý',
      'Chuyển bước xử lý',
      'Chuyển bước xử lý',
      'Chuyển bước xử lý',
      'Ban hành kết quả',
      'Trả kết quả',
    ]);
    assert.match(actions[4], /^Chuyển bước xử lý: /);
    for (const cell of await timeline.locator('tbody tr td:nth-child(3)').allInnerTexts()) {
      assert.match(cell, /Hội An/);
    }
    await page.getByRole('region', { name: 'Thông báo về hồ sơ' }).getByText(`Hồ sơ ${code}: Đã trả kết quả`).waitFor();
    await checkA11y(page);
  } finally {
    await citizen.context.close();
  }
});

test('an online draft is saved as the citizen types and restored in a new browser after logging in again', { timeout: TEST_TIMEOUT_MS }, async () => {
  const form = '/thu-tuc/1.001570/nop';
  /** Logs in as the third demo citizen from the form's VNeID link; the form comes back. */
  async function logInAndOpen(page) {
    await page.goto(form);
    await page.getByRole('link', { name: 'đăng nhập bằng tài khoản định danh điện tử VNeID' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập bằng tài khoản định danh điện tử' }).waitFor();
    await page.locator('fieldset label').nth(2).getByRole('radio').check();
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await waitForPath(page, form);
  }

  const first = await newPage(browser);
  try {
    await logInAndOpen(first.page);
    await field(first.page, 'Tên hộ kinh doanh').fill('Hộ kinh doanh Bản Nháp');
    await field(first.page, 'Mã số hộ kinh doanh').fill('40A8009999');
    // Saved on the server a moment after typing stops.
    await first.page.getByRole('status').filter({ hasText: /^Đã lưu nháp lúc \d{2}:\d{2}\.$/ }).waitFor();
  } finally {
    await first.context.close(); // the browser is closed: no cookie, no local storage survives
  }

  await withPage(browser, 'ban-nhap', async (page) => {
    await logInAndOpen(page);
    await page.getByText(/^Đã khôi phục bản nháp bạn lưu lúc/).waitFor();
    assert.equal(await field(page, 'Tên hộ kinh doanh').inputValue(), 'Hộ kinh doanh Bản Nháp');
    assert.equal(await field(page, 'Mã số hộ kinh doanh').inputValue(), '40A8009999');
    await checkA11y(page);
  });
});
