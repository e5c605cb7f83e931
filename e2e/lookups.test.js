// "Ai đã tra cứu thông tin của tôi" in a real browser: a citizen logs in through the reference identity provider
// that `motcua demo` mounts at /reference/idp, opens two procedures' online forms — each prefilled from the demo's
// population registry, each prefill a lookup in the national population database written to the lookup log — then
// goes from "Hồ sơ của tôi" to the page listing who looked up their data, and finds both lookups, newest first, with
// the unit, the purpose, the procedure and the fields that were read.
//
// Run through ./scripts/test, which starts `motcua demo` and sets MOTCUA_E2E_URL.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, field, launch, TEST_TIMEOUT_MS, waitForPath, withPage } from './helpers.js';

/** Notification of a commune festival: its form reads only the organiser's name from the registry. */
const FIRST = '1.003622';
/** Temporary suspension of a household business: name, permanent address and phone from the registry. */
const SECOND = '1.001570';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a citizen sees in "Ai đã tra cứu thông tin của tôi" the registry lookups that prefilled their forms', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'ai-da-tra-cuu', async (page) => {
    // Log in from the first form as the fourth demo citizen (level 2: prefill needs it), whom the other browser
    // tests do not use, so the newest lookups of their record are this test's.
    await page.goto(`/thu-tuc/${FIRST}/nop`);
    await page.getByRole('link', { name: 'đăng nhập bằng tài khoản định danh điện tử VNeID' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập bằng tài khoản định danh điện tử' }).waitFor();
    const choice = page.locator('fieldset label').nth(3);
    const [, name, idNumber] = (await choice.innerText()).trim().match(/^(.+?) — số định danh (\d{12}),/);
    await choice.getByRole('radio').check();
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();

    // Back on the first form: the organiser's name comes from the registry (one lookup).
    await waitForPath(page, `/thu-tuc/${FIRST}/nop`);
    const organiser = field(page, 'Họ tên người đại diện ban tổ chức');
    assert.equal(await organiser.inputValue(), name, 'prefilled from the population registry');
    assert.notEqual(await organiser.getAttribute('readonly'), null);

    // Then the second form: another lookup, of more fields.
    await page.goto(`/thu-tuc/${SECOND}/nop`);
    const owner = field(page, 'Họ, chữ đệm và tên chủ hộ kinh doanh');
    assert.equal(await owner.inputValue(), name);
    assert.notEqual(await owner.getAttribute('readonly'), null);

    // "Hồ sơ của tôi" links to the page of lookups.
    await page.getByRole('link', { name: `Hồ sơ của tôi (${name})` }).click();
    await waitForPath(page, '/ca-nhan/ho-so');
    await page.getByRole('link', { name: 'Ai đã tra cứu thông tin của tôi' }).click();
    await waitForPath(page, '/ca-nhan/ai-da-tra-cuu');
    await page.getByRole('heading', { level: 1, name: 'Ai đã tra cứu thông tin của tôi' }).waitFor();
    await page.getByText(`số định danh cá nhân ${idNumber}`).waitFor();
    await checkA11y(page);

    // Both lookups, newest first: the second form's, then the first's; by the portal for the citizen themself, to
    // prefill the form, with the fields read.
    const table = page.getByRole('table', { name: 'Các lần tra cứu thông tin của bạn' });
    const rows = table.locator('tbody tr');
    assert.ok((await rows.count()) >= 2, 'both lookups are listed');
    const cells = async (i) => (await rows.nth(i).getByRole('cell').allInnerTexts()).map((t) => t.trim());
    const [newest, older] = [await cells(0), await cells(1)];
    const columns = (await table.locator('thead th').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(columns, ['Thời điểm', 'Đơn vị', 'Người tra cứu', 'Mục đích', 'Hồ sơ / thủ tục', 'Thông tin được tra cứu', 'Kết quả']);
    const col = (row, name) => row[columns.indexOf(name)];

    assert.match(col(newest, 'Hồ sơ / thủ tục'), new RegExp(`/ ${SECOND.replace('.', '\\.')}$`));
    assert.match(col(older, 'Hồ sơ / thủ tục'), new RegExp(`/ ${FIRST.replace('.', '\\.')}$`));
    for (const row of [newest, older]) {
      assert.equal(col(row, 'Đơn vị'), 'Cổng dịch vụ công (điền sẵn tờ khai cho chính công dân)');
      assert.equal(col(row, 'Người tra cứu'), 'Hệ thống (cho công dân)');
      assert.equal(col(row, 'Mục đích'), 'Điền sẵn tờ khai điện tử theo yêu cầu của chính công dân');
      assert.match(col(row, 'Thời điểm'), /^\d{2}\/\d{2}\/\d{4}/);
    }
    // The fields read: the first form asked for the name only, the second also for the address and the phone.
    assert.equal(col(older, 'Thông tin được tra cứu'), 'Họ, chữ đệm và tên');
    assert.equal(col(newest, 'Thông tin được tra cứu'), 'Họ, chữ đệm và tên, Nơi thường trú, Số điện thoại');
    assert.equal(col(newest, 'Kết quả'), 'Có kết quả');
  });
});
