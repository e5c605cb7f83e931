// The citizen portal in a real browser: a citizen opens a procedure's online form, is offered the VNeID login, logs
// in through the reference identity provider that `motcua demo` mounts at /reference/idp (a real OpenID Connect
// authorization-code flow with PKCE over HTTP), comes back to the form with the data the login and the population
// registry provide filled in and locked, files the dossier, and finds it in "Hồ sơ của tôi" with its timeline.
// Every page of the motcua portal passes axe-core without serious or critical violations.
//
// Run through ./scripts/test, which starts `motcua demo` and sets MOTCUA_E2E_URL.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, field, launch, TEST_TIMEOUT_MS, waitForPath, withPage } from './helpers.js';

/** Temporary suspension of a household business: commune level, level-1 accounts may file it. */
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

/** Fills a form control unless it is locked (prefilled, readonly). */
async function fillIfEditable(locator, value) {
  if ((await locator.getAttribute('readonly')) === null) {
    await locator.fill(value);
  }
}

test('a citizen logs in with VNeID, files online and follows the dossier in "Hồ sơ của tôi"', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'cong-dan', async (page) => {
    await page.goto(`/thu-tuc/${PROCEDURE}/nop`);
    await page.getByRole('heading', { level: 1, name: /^Nộp trực tuyến: Tạm ngừng kinh doanh/ }).waitFor();
    await checkA11y(page);
    assert.equal(await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).count(), 0, 'a visitor cannot file');
    await page.getByRole('link', { name: 'đăng nhập bằng tài khoản định danh điện tử VNeID' }).click();

    // The reference identity provider's page: pick the first demo citizen (level 2).
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập bằng tài khoản định danh điện tử' }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/reference\/idp\/authorize$/);
    const choice = page.locator('fieldset label').first();
    const first = choice.getByRole('radio');
    const label = (await choice.innerText()).trim();
    const [, name, idNumber] = label.match(/^(.+?) — số định danh (\d{12}),/);
    await first.check();
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();

    // Back on the form, logged in: the header names the citizen, their identity is not typed again.
    await waitForPath(page, `/thu-tuc/${PROCEDURE}/nop`);
    await page.getByRole('link', { name: `Hồ sơ của tôi (${name})` }).waitFor();
    await page.getByText(`số định danh cá nhân ${idNumber}`).waitFor();
    const id = field(page, 'Số định danh cá nhân');
    assert.equal(await id.inputValue(), idNumber, 'the ID number comes from the login');
    assert.notEqual(await id.getAttribute('readonly'), null, 'and cannot be changed');
    // The demo's population registry knows the citizen: the owner's name is filled from it and locked, with a way
    // to report it wrong.
    const owner = field(page, 'Họ, chữ đệm và tên chủ hộ kinh doanh');
    assert.equal(await owner.inputValue(), name);
    assert.notEqual(await owner.getAttribute('readonly'), null);
    await checkA11y(page);
    await page.locator('.field', { has: owner }).getByRole('link', { name: 'Báo sai thông tin' }).click();
    await waitForPath(page, '/ca-nhan/bao-sai');
    await checkA11y(page);
    await page.getByLabel('Thông tin đúng là', { exact: true }).fill('Họ tên đúng như trên thẻ căn cước');
    await page.getByRole('button', { name: 'Gửi báo sai thông tin', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Đã ghi nhận báo sai thông tin' }).waitFor();
    await page.getByRole('link', { name: 'Quay lại tờ khai' }).click();
    await waitForPath(page, `/thu-tuc/${PROCEDURE}/nop`);

    await page.getByLabel('Số nhà, đường, thôn, tổ dân phố', { exact: true }).fill('12 Trần Phú');
    await page.getByLabel('Xã, phường, đặc khu', { exact: true }).selectOption({ label: 'Phường Hội An' });
    await fillIfEditable(field(page, 'Số điện thoại'), '0905123456');
    await field(page, 'Mã số hộ kinh doanh').fill('40A8001234');
    await field(page, 'Tên hộ kinh doanh').fill('Hộ kinh doanh Dân Phát');
    await field(page, 'Đề nghị').selectOption({ label: 'Tạm ngừng kinh doanh' });
    await field(page, 'Từ ngày').fill('2026-12-01');
    await field(page, 'Cơ quan giải quyết (xã, phường, đặc khu)').selectOption({ label: 'Phường Hội An' });
    for (const box of await page.getByRole('group', { name: 'Thành phần hồ sơ nộp kèm' }).getByRole('checkbox').all()) {
      await box.check();
    }
    await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();

    // Filed: the dossier page, with its code and the submission in its timeline.
    await page.waitForURL((url) => url.pathname.startsWith('/ca-nhan/ho-so/'));
    await page.getByRole('status').filter({ hasText: 'Đã nộp hồ sơ trực tuyến' }).waitFor();
    const code = (await page.locator('dl.facts dt', { hasText: 'Mã hồ sơ' }).locator('xpath=following-sibling::dd[1]').innerText()).trim();
    assert.match(code, CODE);
    const steps = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Nơi thực hiện' }) });
    await steps.getByRole('row').filter({ hasText: 'Bạn (người nộp hồ sơ)' }).waitFor();
    await checkA11y(page);

    // "Hồ sơ của tôi" lists it, newest first; its link opens the same dossier.
    await page.getByRole('link', { name: 'Về danh sách hồ sơ của tôi' }).click();
    await waitForPath(page, '/ca-nhan/ho-so');
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ của tôi' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: code });
    await row.getByRole('cell', { name: 'Mới đăng ký', exact: true }).waitFor();
    await checkA11y(page);
    await row.getByRole('link', { name: code }).click();
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();

    // Logging out ends the session: "Hồ sơ của tôi" asks for the login again.
    await page.goto('/ca-nhan/ho-so');
    await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();
    await waitForPath(page, '/');
    await page.getByRole('link', { name: 'Đăng nhập bằng VNeID' }).waitFor();
  });
});
