// The procedure catalogue in a real browser: a search typed without diacritics, a procedure's page with its fees
// and the lower online price, the e-form checked on the server (every bad field named next to it, then the
// confirmation that the form is valid and that nothing was filed), and the administrator confirming a finding of
// the catalogue review. Every page passes axe-core without serious or critical violations.
//
// Run through ./scripts/test, which starts `motcua demo` (with the demo catalogue of Đà Nẵng) and sets MOTCUA_E2E_URL.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, field, launch, logIn, TEST_TIMEOUT_MS, waitForPath, withPage } from './helpers.js';

const BIRTH = '1.001193';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});


/** Searches the catalogue from its page. */
async function search(page, words) {
  await page.getByRole('searchbox', { name: 'Tên hoặc mã thủ tục' }).fill(words);
  await page.getByRole('button', { name: 'Tìm kiếm', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/thu-tuc' && url.searchParams.get('q') === words);
}

test('catalogue: search without diacritics, the procedure page, fees with the online price', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'thu-tuc', async (page) => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Chính', exact: true }).getByRole('link', { name: 'Thủ tục hành chính', exact: true }).click();
    await waitForPath(page, '/thu-tuc');
    await page.getByRole('heading', { level: 1, name: 'Thủ tục hành chính' }).waitFor();
    await checkA11y(page);

    await search(page, 'dang ky khai sinh');
    const result = page.getByRole('link', { name: 'Thủ tục đăng ký khai sinh', exact: true });
    await result.waitFor();
    await checkA11y(page);
    await result.click();
    await waitForPath(page, `/thu-tuc/${BIRTH}`);
    await page.getByRole('heading', { level: 1, name: 'Thủ tục đăng ký khai sinh' }).waitFor();
    await page.getByText('Dịch vụ công thiết yếu', { exact: true }).first().waitFor();
    // Demo values are marked, and the published time without a unit is flagged for the reader.
    assert.ok((await page.getByText('Minh họa — không phải số liệu chính thức', { exact: true }).count()) > 0);
    await page.getByText(/chưa ghi rõ đơn vị/).waitFor();
    await checkA11y(page);

    await page.goto('/thu-tuc');
    await search(page, 'dang ky thuong tru');
    await page.getByRole('link', { name: 'Đăng ký thường trú', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng ký thường trú' }).waitFor();
    const fees = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Phí, lệ phí', exact: true }) });
    const row = fees.getByRole('row').filter({ hasText: 'Lệ phí đăng ký cư trú' });
    await row.getByRole('cell', { name: '20.000 đ', exact: true }).waitFor();
    await row.getByRole('cell', { name: '10.000 đ (bằng 50% mức thu)', exact: true }).waitFor();
    await fees.getByText(/Khi nộp trực tuyến: 10\.000 đ/).waitFor();
    await checkA11y(page);

    await page.goto('/thu-tuc?q=khong+co+thu+tuc+nao+nhu+vay');
    await page.getByText('Không tìm thấy thủ tục phù hợp.', { exact: true }).waitFor();
  });
});

test('e-form: every bad field is named next to it, then valid values are confirmed without filing anything', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'thu-tuc-nop', async (page) => {
    await page.goto(`/thu-tuc/${BIRTH}`);
    await page.getByRole('link', { name: 'Nộp trực tuyến', exact: true }).first().click();
    await waitForPath(page, `/thu-tuc/${BIRTH}/nop`);
    await page.getByRole('heading', { level: 2, name: 'Tờ khai đăng ký khai sinh' }).waitFor();
    await page.getByText('Tự động điền từ CSDL quốc gia về dân cư khi đăng nhập VNeID').first().waitFor();
    await checkA11y(page);

    // Sent empty: the server names every missing or bad field, in a summary and next to each field.
    await field(page, 'Ngày, tháng, năm sinh của trẻ').fill('2025-09-05');
    await page.getByRole('button', { name: 'Kiểm tra tờ khai', exact: true }).click();
    const summary = page.getByRole('alert').filter({ hasText: /Tờ khai còn \d+ thông tin chưa hợp lệ/ });
    await summary.waitFor();
    const childName = field(page, 'Họ, chữ đệm và tên của trẻ');
    assert.equal(await childName.getAttribute('aria-invalid'), 'true');
    const describedBy = (await childName.getAttribute('aria-describedby')).split(' ');
    const message = page.locator(`[id="${describedBy.at(-1)}"]`);
    assert.equal((await message.innerText()).trim(), 'Vui lòng nhập thông tin này.');
    await summary.getByRole('link', { name: /^Giới tính của trẻ: / }).waitFor();
    // The date that was valid is kept and not flagged.
    const birthDate = field(page, 'Ngày, tháng, năm sinh của trẻ');
    assert.equal(await birthDate.inputValue(), '2025-09-05');
    assert.equal(await birthDate.getAttribute('aria-invalid'), null);
    await checkA11y(page);

    // Now properly filled in.
    const fill = async (label, value) => field(page, label).fill(value);
    await fill('Họ, chữ đệm và tên người yêu cầu', 'Trần Thị Mai');
    await fill('Số định danh cá nhân của người yêu cầu', '048190001234');
    await field(page, 'Tỉnh, thành phố').selectOption({ label: 'Thành phố Đà Nẵng' });
    await field(page, 'Xã, phường, đặc khu').selectOption({ label: 'Phường Hội An' });
    await fill('Số nhà, đường, thôn, tổ dân phố', '12 Trần Phú');
    await field(page, 'Quan hệ với trẻ').selectOption({ label: 'Mẹ' });
    await fill('Số điện thoại', '0905 123 456');
    await fill('Họ, chữ đệm và tên của trẻ', 'Nguyễn Minh Khôi');
    await field(page, 'Giới tính của trẻ').selectOption({ label: 'Nam' });
    await fill('Nơi sinh', 'Bệnh viện Phụ sản – Nhi Đà Nẵng');
    await fill('Dân tộc của trẻ', 'Kinh');
    await fill('Quốc tịch của trẻ', 'Việt Nam');
    await fill('Quê quán của trẻ', 'Xã Điện Bàn, thành phố Đà Nẵng');
    await field(page, 'Giấy chứng sinh').setInputFiles({
      name: 'giay-chung-sinh.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n'),
    });
    await page.getByRole('button', { name: 'Kiểm tra tờ khai', exact: true }).click();

    const valid = page.getByRole('status').filter({ has: page.getByRole('heading', { name: 'Tờ khai hợp lệ' }) });
    await valid.waitFor();
    await valid.getByText('Hồ sơ chưa được nộp.').waitFor();
    await valid.getByText('12 Trần Phú, Phường Hội An, Thành phố Đà Nẵng').waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'no error is left');
    await checkA11y(page);
  });
});

test('administrator: the catalogue pages, and a finding of the review confirmed', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'ra-soat', async (page) => {
    await page.goto('/dang-nhap');
    await logIn(page, 'admin');
    await waitForPath(page, '/can-bo');

    await page.getByRole('link', { name: 'Quản trị danh mục thủ tục', exact: true }).click();
    await waitForPath(page, '/quan-tri/thu-tuc');
    await page.getByRole('heading', { level: 1, name: 'Quản trị danh mục thủ tục' }).waitFor();
    await checkA11y(page);
    await page.goto(`/quan-tri/thu-tuc/${BIRTH}`);
    await page.getByRole('heading', { level: 2, name: 'Phiên bản' }).waitFor();
    await page.getByRole('button', { name: 'Dừng công khai', exact: true }).waitFor();
    await checkA11y(page);

    await page.goto('/can-bo');
    await page.getByRole('link', { name: 'Rà soát danh mục thủ tục', exact: true }).click();
    await waitForPath(page, '/quan-tri/ra-soat');
    await page.getByRole('heading', { level: 1, name: 'Rà soát danh mục thủ tục' }).waitFor();
    await checkA11y(page);

    // The household book (abolished since 2023) still demanded by an interlinked birth procedure.
    const item = page.locator('section[id="tt-2.000986"]');
    await item.getByText('Sổ hộ khẩu', { exact: true }).first().waitFor();
    await item.getByRole('button', { name: /^Xác nhận: bỏ Sổ hộ khẩu/ }).first().click();
    await page.waitForURL((url) => url.pathname === '/quan-tri/ra-soat' && url.searchParams.has('da_ghi'));
    await page.getByRole('status').filter({ hasText: 'Đã ghi nhận quyết định.' }).waitFor();
    await page.locator('section[id="tt-2.000986"]').getByText('Đã xác nhận', { exact: true }).first().waitFor();
    await checkA11y(page);
  });
});
