// The reception desk in a real browser: the reception officer of Phường Hội An picks a procedure, sends the form
// empty and sees every problem named next to its field, fills it in and ticks the components, receives the dossier
// (its code and appointment at once), opens the printable receipt and starts processing. Every page passes axe-core
// without serious or critical violations, and nothing needs JavaScript.
//
// Run through ./scripts/test, which starts `motcua demo` (with the demo catalogue and accounts) and sets
// MOTCUA_E2E_URL.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, field, launch, logIn, TEST_TIMEOUT_MS, waitForPath, withPage } from './helpers.js';

/** Temporary suspension of a household business: commune level, one working day. */
const PROCEDURE = '1.001570';
/** Phường Hội An receives under the agency code of its centre. */
const CODE = /^000\.66\.60\.H17-\d{6}-\d{4}$/;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});


/** The text of the definition that follows a term in a `<dl>`. */
async function fact(page, term) {
  return (await page.locator('dl.facts dt', { hasText: term }).first().locator('xpath=following-sibling::dd[1]').innerText()).trim();
}

test('reception desk: per-field errors, a received dossier with its code and appointment, the receipt, processing', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'tiep-nhan', async (page) => {
    await page.goto('/dang-nhap');
    await logIn(page, 'tiepnhan.hoian');
    await waitForPath(page, '/can-bo');

    await page.getByRole('link', { name: 'Tiếp nhận hồ sơ', exact: true }).click();
    await waitForPath(page, '/can-bo/tiep-nhan');
    await page.getByRole('heading', { level: 1, name: 'Tiếp nhận hồ sơ' }).waitFor();
    await checkA11y(page);
    await page.getByLabel('Thủ tục do đơn vị thực hiện', { exact: true }).selectOption(PROCEDURE);
    await page.getByRole('button', { name: 'Chọn thủ tục', exact: true }).click();
    await waitForPath(page, `/can-bo/tiep-nhan/${PROCEDURE}`);
    await page.getByRole('heading', { level: 1, name: /^Tiếp nhận hồ sơ: Tạm ngừng kinh doanh/ }).waitFor();
    await checkA11y(page);

    // Sent empty: a summary at the top and each message next to its field.
    const receive = page.getByRole('button', { name: 'Tiếp nhận hồ sơ', exact: true });
    await receive.click();
    const summary = page.getByRole('alert').filter({ hasText: /Chưa tiếp nhận được hồ sơ: có \d+ thông tin chưa hợp lệ/ });
    await summary.waitFor();
    const idNumber = field(page, 'Số định danh cá nhân của người nộp');
    assert.equal(await idNumber.getAttribute('aria-invalid'), 'true');
    const describedBy = (await idNumber.getAttribute('aria-describedby')).split(' ');
    const message = page.locator(`[id="${describedBy.at(-1)}"]`);
    assert.equal((await message.innerText()).trim(), 'Số định danh cá nhân phải gồm đúng 12 chữ số hợp lệ.');
    const owner = field(page, 'Họ, chữ đệm và tên chủ hộ kinh doanh');
    assert.equal(await owner.getAttribute('aria-invalid'), 'true');
    await summary.getByRole('link', { name: /^Thành phần hồ sơ: Thiếu thành phần hồ sơ bắt buộc: Giấy đề nghị/ }).waitFor();
    await checkA11y(page);

    // Filled in, the mandatory component ticked.
    await field(page, 'Số định danh cá nhân của người nộp').fill('048203000001');
    await field(page, 'Họ, chữ đệm và tên người nộp').fill('Nguyễn Thị Dân');
    await field(page, 'Số điện thoại người nộp').fill('0905 123 456');
    await field(page, 'Họ, chữ đệm và tên chủ hộ kinh doanh').fill('Nguyễn Thị Dân');
    await field(page, 'Số định danh cá nhân').fill('048203000001');
    await field(page, 'Tỉnh, thành phố').selectOption({ label: 'Thành phố Đà Nẵng' });
    await field(page, 'Xã, phường, đặc khu').selectOption({ label: 'Phường Hội An' });
    await field(page, 'Số nhà, đường, thôn, tổ dân phố').fill('12 Trần Phú');
    await field(page, 'Số điện thoại').fill('0905 123 456');
    await field(page, 'Mã số hộ kinh doanh').fill('40A8001234');
    await field(page, 'Tên hộ kinh doanh').fill('Hộ kinh doanh Dân Phát');
    await field(page, 'Đề nghị').selectOption({ label: 'Tạm ngừng kinh doanh' });
    await field(page, 'Từ ngày').fill('2026-12-01');
    const mandatory = page.getByRole('checkbox', { name: /^Giấy đề nghị đăng ký tạm ngừng kinh doanh/ });
    await mandatory.check();
    await receive.click();

    // The dossier: its code, status and appointment.
    await page.waitForURL((url) => /^\/can-bo\/ho-so\/[0-9a-f-]{36}$/.test(url.pathname));
    const dossierPath = new URL(page.url()).pathname;
    const heading = page.getByRole('heading', { level: 1, name: /^Hồ sơ 000\.66\.60\.H17-/ });
    await heading.waitFor();
    const code = (await heading.innerText()).replace(/^Hồ sơ /, '').trim();
    assert.match(code, CODE);
    await page.getByRole('status').filter({ hasText: `Đã tiếp nhận hồ sơ ${code}.` }).waitFor();
    assert.match(await fact(page, 'Trạng thái'), /^Được tiếp nhận \(mã trạng thái quốc gia 2\)$/);
    assert.match(await fact(page, 'Hẹn trả kết quả'), /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    const history = page.getByRole('table', { name: 'Quá trình giải quyết' });
    await history.getByRole('cell', { name: 'Tiếp nhận trực tiếp', exact: true }).waitFor();
    await checkA11y(page);

    // The receipt, printable without the portal's frame.
    await page.getByRole('link', { name: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', exact: true }).click();
    await waitForPath(page, `${dossierPath}/bien-nhan`);
    await page.getByRole('heading', { level: 1, name: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả' }).waitFor();
    await page.getByRole('article').getByText(code, { exact: true }).waitFor();
    await page.getByRole('cell', { name: /^Giấy đề nghị đăng ký tạm ngừng kinh doanh/ }).waitFor();
    await checkA11y(page);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.site').isVisible(), false, 'the portal header is not printed');
    assert.equal(await page.locator('.receipt').isVisible(), true);
    await page.emulateMedia({ media: 'screen' });
    const pin = await fact(page, 'Mã tra cứu tình trạng hồ sơ').then((t) => t.slice(0, 6));
    assert.match(pin, /^\d{6}$/);

    // Into processing, from the inbox.
    await page.goto('/can-bo/ho-so');
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ đang giải quyết' }).waitFor();
    await checkA11y(page);
    await page.getByRole('link', { name: code, exact: true }).click();
    await waitForPath(page, dossierPath);
    await page.getByRole('button', { name: 'Chuyển xử lý', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Đã thực hiện: Chuyển xử lý. Trạng thái hiện tại: Đang xử lý.' }).waitFor();
    assert.match(await fact(page, 'Trạng thái'), /^Đang xử lý \(mã trạng thái quốc gia 4\)$/);
    await page.getByLabel('Lý do', { exact: false }).first().waitFor();
    await checkA11y(page);

    // Anyone with the code and the receipt's PIN sees the status, without personal data; a wrong PIN is refused.
    await page.goto('/tra-cuu-ho-so');
    await page.getByLabel('Mã hồ sơ').fill(code);
    await page.getByLabel('4 số cuối điện thoại hoặc mã tra cứu').fill('000000');
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await page.getByRole('alert').filter({ hasText: 'Không tìm thấy hồ sơ' }).waitFor();
    await page.getByLabel('4 số cuối điện thoại hoặc mã tra cứu').fill(pin);
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await page.getByRole('heading', { level: 2, name: `Hồ sơ ${code}` }).waitFor();
    await page.getByRole('cell', { name: 'Chuyển xử lý', exact: true }).waitFor();
    assert.equal(await page.getByText('048203000001').count(), 0, 'no personal data');
    await checkA11y(page);
  });
});
