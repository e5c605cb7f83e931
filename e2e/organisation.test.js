// Organisation accounts in a real browser: a person logs in through the reference identity provider with the
// account of an organisation (listed under "Tổ chức, doanh nghiệp"), is told on the form that the dossier will be
// the organisation's, files a procedure open to organisations, and finds it on "Hồ sơ của tổ chức" with who filed
// it. A procedure for citizens only says why it cannot be filed with this account.
//
// Run through ./scripts/test, which starts `motcua demo` and sets MOTCUA_E2E_URL.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, field, launch, TEST_TIMEOUT_MS, waitForPath, withPage } from './helpers.js';

/** Certification of a copy from the original: open to citizens and organisations, commune level. */
const PROCEDURE = '2.000815';
const ORGANISATION = 'Công ty TNHH Xây dựng Hòa Xuân';
const TAX_CODE = '0401234566';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a person files for an organisation with its account and finds it in "Hồ sơ của tổ chức"', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'to-chuc', async (page) => {
    await page.goto(`/thu-tuc/${PROCEDURE}/nop`);
    await page.getByRole('link', { name: 'đăng nhập bằng tài khoản định danh điện tử VNeID' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập bằng tài khoản định danh điện tử' }).waitFor();
    const organisations = page.getByRole('group', { name: 'Tổ chức, doanh nghiệp' });
    const account = organisations.locator('label').filter({ hasText: ORGANISATION });
    const [, person] = (await account.innerText()).trim().match(/người sử dụng: (.+)$/);
    await account.getByRole('radio').check();
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();

    // Back on the form: the header and the notice name the organisation; no "file for another person".
    await waitForPath(page, `/thu-tuc/${PROCEDURE}/nop`);
    await page.getByRole('link', { name: `Hồ sơ của tổ chức (${ORGANISATION} — ${person})` }).waitFor();
    await page.getByText(`mã số thuế ${TAX_CODE}`).waitFor();
    assert.equal(await page.getByRole('group', { name: 'Nộp cho' }).count(), 0, 'an organisation files its own dossiers');
    await checkA11y(page);

    const phone = field(page, 'Số điện thoại');
    if ((await phone.getAttribute('readonly')) === null) {
      await phone.fill('0905123456');
    }
    await field(page, 'Tên giấy tờ cần chứng thực bản sao').fill('Giấy chứng nhận đăng ký doanh nghiệp');
    await field(page, 'Cơ quan, tổ chức cấp giấy tờ').fill('Sở Tài chính thành phố Đà Nẵng');
    await field(page, 'Số trang của bản chính').fill('2');
    await field(page, 'Số bản sao cần chứng thực').fill('3');
    await field(page, 'Hình thức nhận').selectOption({ label: 'Bản sao giấy' });
    await field(page, 'Cơ quan giải quyết (xã, phường, đặc khu)').selectOption({ label: 'Phường Hội An' });
    for (const box of await page.getByRole('group', { name: 'Thành phần hồ sơ nộp kèm' }).getByRole('checkbox').all()) {
      await box.check();
    }
    await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();

    // Filed as the organisation's dossier.
    await page.waitForURL((url) => url.pathname.startsWith('/ca-nhan/ho-so/'));
    await page.getByRole('status').filter({ hasText: 'Đã nộp hồ sơ trực tuyến' }).waitFor();
    await page.getByText(`${ORGANISATION} — mã số thuế ${TAX_CODE}`).waitFor();
    const code = (await page.locator('dl.facts dt', { hasText: 'Mã hồ sơ' }).locator('xpath=following-sibling::dd[1]').innerText()).trim();
    await checkA11y(page);

    // "Hồ sơ của tổ chức" lists it with who filed it.
    await page.goto('/ca-nhan/ho-so');
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ của tổ chức' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: code });
    await row.getByRole('cell', { name: person, exact: true }).waitFor();
    await page.getByRole('link', { name: 'Kho dữ liệu điện tử của tổ chức' }).waitFor();
    await checkA11y(page);

    // A procedure for citizens only cannot be filed with the organisation's account, and the form says why.
    await page.goto('/thu-tuc/1.001570/nop');
    await page.getByText('không dành cho tổ chức, doanh nghiệp').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).count(), 0);
  });
});
