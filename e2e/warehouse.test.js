// The personal data warehouse in a real browser, end to end: a citizen logs in with VNeID (the reference identity
// provider that `motcua demo` mounts at /reference/idp) and files online for a disability certificate (1.001699); the
// reception officer of Phường Hội An receives it, starts processing and issues its signed electronic result; the
// citizen finds the result in "Kho dữ liệu điện tử của tôi" and downloads it; then files for the monthly social
// allowance (1.001776), whose component "Giấy xác nhận khuyết tật" the earlier result stands in for, by choosing it
// from the warehouse — nothing is uploaded; and the officer's view of the second dossier shows the component as taken
// from the warehouse (DuocLayTuKhoDMQG), with the very bytes of the result.
//
// Run through ./scripts/test, which starts `motcua demo` and sets MOTCUA_E2E_URL.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { checkA11y, field, launch, logIn, newPage, resultsDir, TEST_TIMEOUT_MS, waitForPath } from './helpers.js';

/** Disability certificate: commune level, VNeID level 1; its result is a `disability_certificate`. */
const FIRST = { code: '1.001699', title: /^Nộp trực tuyến: Xác định, xác định lại mức độ khuyết tật/ };
/** Monthly social allowance: its component tp2 may be the disability certificate (result of 1.001699). */
const SECOND = { code: '1.001776', title: /^Nộp trực tuyến: Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng/ };
/** A result PDF (the bytes only need to be a PDF). */
const RESULT = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% Giấy xác nhận khuyết tật\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Fills a text control unless the login or the registry filled and locked it. */
async function fillIfEditable(locator, value) {
  if ((await locator.getAttribute('readonly')) === null && (await locator.inputValue()) === '') {
    await locator.fill(value);
  }
}

/** Picks an option of a select unless it is locked (a disabled copy of a prefilled value). */
async function chooseIfEditable(locator, label) {
  if (!(await locator.isDisabled()) && (await locator.inputValue()) === '') {
    await locator.selectOption({ label });
  }
}

/** The text of the definition that follows a term in a `<dl class="facts">`. */
async function fact(page, term) {
  return (await page.locator('dl.facts dt', { hasText: term }).first().locator('xpath=following-sibling::dd[1]').innerText()).trim();
}

/** The citizen's own data and the competent commune, common to both e-forms. */
async function fillCommon(page) {
  await fillIfEditable(field(page, 'Ngày, tháng, năm sinh'), '1990-05-12');
  await chooseIfEditable(field(page, 'Giới tính'), 'Nữ');
  await page.getByLabel('Xã, phường, đặc khu', { exact: true }).selectOption({ label: 'Phường Hội An' });
  await page.getByLabel('Số nhà, đường, thôn, tổ dân phố', { exact: true }).fill('12 Trần Phú');
  await fillIfEditable(field(page, 'Số điện thoại'), '0905123456');
  await field(page, 'Cơ quan giải quyết (xã, phường, đặc khu)').selectOption({ label: 'Phường Hội An' });
}

/** Files the open e-form and returns the new dossier's id and code from "Hồ sơ của tôi". */
async function file(page) {
  await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
  await page.waitForURL((url) => /^\/ca-nhan\/ho-so\/[0-9a-f-]{36}$/.test(url.pathname));
  await page.getByRole('status').filter({ hasText: 'Đã nộp hồ sơ trực tuyến' }).waitFor();
  const id = new URL(page.url()).pathname.split('/').at(-1);
  return { id, code: await fact(page, 'Mã hồ sơ') };
}

/** Runs `fn` and keeps a screenshot of every open page in e2e/test-results, also (above all) when it fails. */
async function withScreenshots(pages, fn) {
  try {
    await fn();
  } finally {
    mkdirSync(resultsDir, { recursive: true });
    for (const [name, page] of Object.entries(pages)) {
      try {
        await page.screenshot({ path: join(resultsDir, `${name}.png`), fullPage: true, timeout: 10_000 });
      } catch (err) {
        console.error(`# screenshot ${name}.png failed: ${err.message}`);
      }
    }
  }
}

test('a citizen files a second dossier with a result from the warehouse instead of an upload', { timeout: TEST_TIMEOUT_MS }, async () => {
  const citizen = await newPage(browser);
  const officer = await newPage(browser);
  const [c, o] = [citizen.page, officer.page];
  try {
    await withScreenshots({ 'kho-cong-dan': c, 'kho-can-bo': o }, async () => {
      // The citizen logs in through the reference identity provider from the form (the first demo citizen).
      await c.goto(`/thu-tuc/${FIRST.code}/nop`);
      await c.getByRole('link', { name: 'đăng nhập bằng tài khoản định danh điện tử VNeID' }).click();
      await c.getByRole('heading', { level: 1, name: 'Đăng nhập bằng tài khoản định danh điện tử' }).waitFor();
      await c.locator('fieldset label').first().getByRole('radio').check();
      await c.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
      await waitForPath(c, `/thu-tuc/${FIRST.code}/nop`);
      await c.getByRole('link', { name: /^Hồ sơ của tôi \(/ }).waitFor();
      await c.getByRole('heading', { level: 1, name: FIRST.title }).waitFor();
      await fillCommon(c);
      await field(c, 'Đề nghị').selectOption({ label: 'Xác định mức độ khuyết tật' });
      await field(c, 'Dạng khuyết tật').selectOption({ label: 'Khuyết tật vận động' });
      await field(c, 'Mô tả tình trạng').fill('Liệt hai chân sau tai nạn lao động');
      await c.getByRole('checkbox', { name: /^Đơn đề nghị xác định, xác định lại mức độ khuyết tật/ }).check();
      const first = await file(c);

      // The reception officer receives it, starts processing and issues the signed electronic result.
      await o.goto('/dang-nhap');
      await logIn(o, 'tiepnhan.hoian');
      await waitForPath(o, '/can-bo');
      await o.goto(`/can-bo/ho-so/${first.id}`);
      await o.getByRole('heading', { level: 1, name: `Hồ sơ ${first.code}` }).waitFor();
      await o.getByRole('button', { name: 'Tiếp nhận hồ sơ', exact: true }).click();
      await o.getByRole('status').filter({ hasText: 'Đã thực hiện: Tiếp nhận hồ sơ.' }).waitFor();
      await o.getByRole('button', { name: 'Chuyển xử lý', exact: true }).click();
      await o.getByRole('status').filter({ hasText: 'Đã thực hiện: Chuyển xử lý.' }).waitFor();
      await o.getByRole('link', { name: /Xem tệp của từng thành phần/ }).click();
      await waitForPath(o, `/can-bo/ho-so/${first.id}/tai-lieu`);
      await o.getByLabel('Tệp kết quả (PDF hoặc XML)').setInputFiles({ name: 'giay-xac-nhan-khuyet-tat.pdf', mimeType: 'application/pdf', buffer: RESULT });
      await o.getByRole('button', { name: 'Ký và phát hành', exact: true }).click();
      await o.getByRole('status').filter({ hasText: /Đã ký và phát hành kết quả điện tử/ }).waitFor();
      const issued = await o.getByRole('row').filter({ hasText: 'giay-xac-nhan-khuyet-tat.pdf' }).innerText();
      const result = issued.match(/KQ[0-9A-Z]{10}/)[0];
      const sha256 = issued.match(/[0-9a-f]{64}/)[0];

      // The citizen's warehouse lists the result; its link downloads exactly the issued bytes.
      await c.goto('/ca-nhan/ho-so');
      await c.getByRole('link', { name: 'Kho dữ liệu điện tử của tôi' }).click();
      await waitForPath(c, '/ca-nhan/kho-du-lieu');
      await c.getByRole('heading', { level: 1, name: 'Kho dữ liệu điện tử của tôi' }).waitFor();
      const row = c.getByRole('row').filter({ hasText: result });
      await row.getByRole('cell', { name: 'Kết quả giải quyết điện tử', exact: true }).waitFor();
      await checkA11y(c);
      const [download] = await Promise.all([c.waitForEvent('download'), row.getByRole('link', { name: 'giay-xac-nhan-khuyet-tat.pdf' }).click()]);
      assert.equal(download.suggestedFilename(), 'giay-xac-nhan-khuyet-tat.pdf');
      assert.deepEqual(readFileSync(await download.path()), RESULT);

      // The second dossier: the result is offered for the component it stands in for; the citizen chooses it, and
      // uploads nothing (the form's own optional file field stays empty).
      await c.goto(`/thu-tuc/${SECOND.code}/nop`);
      await c.getByRole('heading', { level: 1, name: SECOND.title }).waitFor();
      await fillCommon(c);
      await field(c, 'Đề nghị').selectOption({ label: 'Hưởng trợ cấp' });
      await field(c, 'Thuộc đối tượng').selectOption({ label: 'Người khuyết tật nặng, đặc biệt nặng' });
      await field(c, 'Hoàn cảnh hiện tại').fill('Không có thu nhập ổn định');
      await field(c, 'Hình thức nhận tiền').selectOption({ label: 'Nhận tiền mặt' });
      const components = c.getByRole('group', { name: 'Thành phần hồ sơ nộp kèm' });
      await components.getByRole('checkbox', { name: /^Tờ khai đề nghị trợ cấp xã hội hàng tháng/ }).check();
      const offer = components.getByRole('combobox', { name: /^Lấy từ Kho dữ liệu cá nhân: Giấy xác nhận khuyết tật/ });
      const option = offer.locator('option', { hasText: `mã ${result}` });
      await option.waitFor({ state: 'attached' });
      await offer.selectOption(await option.getAttribute('value'));
      for (const input of await c.locator('form.eform input[type="file"]').all()) {
        assert.equal(await input.inputValue(), '', 'nothing is uploaded');
      }
      await checkA11y(c);
      const second = await file(c);
      assert.notEqual(second.id, first.id);

      // The officer's view of the second dossier: the component came from the warehouse, with the result's bytes.
      await o.goto(`/can-bo/ho-so/${second.id}/tai-lieu`);
      await o.getByRole('heading', { level: 1, name: 'Thành phần hồ sơ và tệp đính kèm' }).waitFor();
      const component = o.getByRole('row').filter({ hasText: /^Giấy xác nhận khuyết tật \(đối với người khuyết tật\)/ }).filter({ hasText: 'giay-xac-nhan-khuyet-tat.pdf' });
      await component.getByRole('cell', { name: 'Lấy từ Kho dữ liệu cá nhân', exact: true }).waitFor();
      const text = await component.innerText();
      assert.match(text, /DuocLayTuKhoDMQG/);
      assert.ok(text.includes(sha256), 'the same content, not a copy of other bytes');
      await checkA11y(o);
    });
  } finally {
    await citizen.context.close();
    await officer.context.close();
  }
});
