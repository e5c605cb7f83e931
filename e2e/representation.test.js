// Filing for one's child in a real browser: a mother logs in through the reference identity provider that
// `motcua demo` mounts at /reference/idp, opens a procedure's online form, asks in "Nộp cho con" for the form to be
// filled with her child's data — the demo's population registry confirms she is the child's mother (a logged
// lookup) and the child's name comes back locked — files it, and finds "Nộp thay cho" with her child on the dossier
// page. The child then logs in and finds the dossier, read-only, under "Hồ sơ người khác nộp thay cho tôi".
//
// The demo data: the first citizen the reference provider lists (Lê Thu Loan, level 2) is, in the reference
// population registry's demo population, the mother of the second, third and fourth (same household). The third is
// the child here; the lookups test logs in as the fourth, so the child's lookups do not disturb it.
//
// Run through ./scripts/test, which starts `motcua demo` and sets MOTCUA_E2E_URL.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, field, launch, TEST_TIMEOUT_MS, waitForPath, withPage } from './helpers.js';

/** Temporary suspension of a household business: the owner's name comes from the registry. */
const PROCEDURE = '1.001570';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The name and ID number of the n-th citizen on the reference provider's login page. */
async function listed(page, n) {
  const label = (await page.locator('fieldset label').nth(n).innerText()).trim();
  const [, name, idNumber] = label.match(/^(.+?) — số định danh (\d{12}),/);
  return { name, idNumber };
}

/** Fills a form control unless it is locked (prefilled, readonly). */
async function fillIfEditable(locator, value) {
  if ((await locator.getAttribute('readonly')) === null) {
    await locator.fill(value);
  }
}

test('a mother files for her child with the child\'s data prefilled; the child sees it read-only', { timeout: TEST_TIMEOUT_MS }, async () => {
  let child;
  let code;
  await withPage(browser, 'nop-cho-con', async (page) => {
    await page.goto(`/thu-tuc/${PROCEDURE}/nop`);
    await page.getByRole('link', { name: 'đăng nhập bằng tài khoản định danh điện tử VNeID' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập bằng tài khoản định danh điện tử' }).waitFor();
    const mother = await listed(page, 0);
    child = await listed(page, 2);
    await page.locator('fieldset label').nth(0).getByRole('radio').check();
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await waitForPath(page, `/thu-tuc/${PROCEDURE}/nop`);
    // Her own form first: her name from the registry.
    const owner = field(page, 'Họ, chữ đệm và tên chủ hộ kinh doanh');
    assert.equal(await owner.inputValue(), mother.name);

    // "Nộp cho con": the child's ID number, then the form is filled with the child's data, locked.
    const section = page.getByRole('region', { name: 'Nộp cho con' });
    await section.getByLabel('Số định danh cá nhân của con', { exact: true }).fill(child.idNumber);
    await section.getByRole('button', { name: 'Điền sẵn thông tin của con', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Tờ khai đã được điền sẵn thông tin của con' }).waitFor();
    assert.equal(await owner.inputValue(), child.name, 'the child\'s name from the population registry');
    assert.notEqual(await owner.getAttribute('readonly'), null, 'and locked');
    assert.equal(await field(page, 'Số định danh cá nhân').inputValue(), child.idNumber);
    const behalf = page.getByLabel('Hồ sơ này nộp cho', { exact: true });
    assert.equal(await behalf.inputValue(), 'parent');
    assert.equal(await page.getByLabel('Số định danh cá nhân của người được nộp thay', { exact: true }).inputValue(), child.idNumber);
    await checkA11y(page);

    await page.getByLabel('Số nhà, đường, thôn, tổ dân phố', { exact: true }).fill('25 Nguyễn Thái Học');
    await page.getByLabel('Xã, phường, đặc khu', { exact: true }).selectOption({ label: 'Phường Hội An' });
    await fillIfEditable(field(page, 'Số điện thoại'), '0905123457');
    await field(page, 'Mã số hộ kinh doanh').fill('40A8005678');
    await field(page, 'Tên hộ kinh doanh').fill('Hộ kinh doanh Con Gái');
    await field(page, 'Đề nghị').selectOption({ label: 'Tạm ngừng kinh doanh' });
    await field(page, 'Từ ngày').fill('2026-12-15');
    await field(page, 'Cơ quan giải quyết (xã, phường, đặc khu)').selectOption({ label: 'Phường Hội An' });
    for (const box of await page.getByRole('group', { name: 'Thành phần hồ sơ nộp kèm' }).getByRole('checkbox').all()) {
      await box.check();
    }
    await page.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();

    // Filed by the mother, for her child: "Nộp thay cho" names the child, the relation verified in the registry.
    await page.waitForURL((url) => url.pathname.startsWith('/ca-nhan/ho-so/'));
    await page.getByRole('status').filter({ hasText: 'Đã nộp hồ sơ trực tuyến' }).waitFor();
    const fact = (term) => page.locator('dl.facts dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');
    code = (await fact('Mã hồ sơ').innerText()).trim();
    assert.match(await fact('Người nộp').innerText(), new RegExp(`^${mother.name} — số định danh ${mother.idNumber}$`));
    assert.equal((await fact('Nộp thay cho').innerText()).trim(), `${child.name} — số định danh ${child.idNumber}`);
    assert.match(await fact('Quan hệ đại diện').innerText(), /^Cha, mẹ nộp cho con — đã xác minh qua Cơ sở dữ liệu quốc gia về dân cư$/);
    await checkA11y(page);
  });

  // The child logs in: the dossier is listed apart from their own, and opens read-only with its timeline.
  await withPage(browser, 'nop-thay-cho-toi', async (page) => {
    await page.goto('/dang-nhap/vneid?next=/ca-nhan/ho-so');
    await page.locator('fieldset label').filter({ hasText: child.idNumber }).getByRole('radio').check();
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await waitForPath(page, '/ca-nhan/ho-so');
    const filedForMe = page.getByRole('table', { name: 'Hồ sơ người khác nộp thay cho tôi, mới nhất trước' });
    const row = filedForMe.getByRole('row').filter({ hasText: code });
    await row.getByRole('cell', { name: 'Mới đăng ký', exact: true }).waitFor();
    await checkA11y(page);
    await row.getByRole('link', { name: code }).click();
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${code}` }).waitFor();
    await page.getByText(/nộp thay cho bạn\. Bạn xem được trạng thái và quá trình giải quyết/).waitFor();
    const steps = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Nơi thực hiện' }) });
    await steps.getByRole('row').filter({ hasText: 'Người nộp thay cho bạn' }).first().waitFor();
    assert.equal(await page.getByText('Mã tra cứu').count(), 0, 'the receipt\'s lookup PIN is the filer\'s');
    await checkA11y(page);
  });
});
