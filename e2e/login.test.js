// Officer login in a real browser: the form, a wrong password, and a successful
// login to /can-bo followed by logout.
//
// Run through ./scripts/test, which starts `motcua demo` (it seeds the demo
// account admin / MotCua@2025) and sets MOTCUA_E2E_URL.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, DEMO_PASSWORD, launch, logIn, TEST_TIMEOUT_MS, waitForPath, withPage } from './helpers.js';

const DEMO_USER = 'admin';
const DEMO_FULL_NAME = 'Quản trị viên thành phố';
const WRONG_CREDENTIALS = 'Tên đăng nhập hoặc mật khẩu không đúng';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});


test('login page: labelled form, wrong password is refused with an alert', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'login-failure', async (page) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Đăng nhập cán bộ', exact: true }).first().click();
    await waitForPath(page, '/dang-nhap');

    const username = page.getByLabel('Tên đăng nhập', { exact: true });
    const password = page.getByLabel('Mật khẩu', { exact: true });
    assert.equal(await username.getAttribute('name'), 'username');
    assert.equal(await password.getAttribute('name'), 'password');
    assert.equal(await password.getAttribute('type'), 'password');
    await checkA11y(page);

    await logIn(page, DEMO_USER, 'not-the-password');
    const alert = page.getByRole('alert').filter({ hasText: WRONG_CREDENTIALS });
    await alert.first().waitFor();
    assert.notEqual(new URL(page.url()).pathname, '/can-bo', 'a wrong password must not reach /can-bo');
    // The error state (alert, possibly aria-invalid fields) must be accessible too.
    await checkA11y(page);
  });
});

test('login as the demo officer, see /can-bo, log out', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'login-success', async (page) => {
    await page.goto('/dang-nhap');
    await logIn(page, DEMO_USER, DEMO_PASSWORD);
    await waitForPath(page, '/can-bo');

    await page.getByText('Xin chào').first().waitFor();
    await page.getByText(DEMO_FULL_NAME).first().waitFor();
    await checkA11y(page);

    await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();
    await waitForPath(page, '/');
    await page.getByRole('heading', { level: 1 }).first().waitFor();

    // The session is really gone: the officer page no longer greets the officer.
    await page.goto('/can-bo');
    assert.equal(
      await page.getByText(DEMO_FULL_NAME).count(),
      0,
      `after logout ${page.url()} still shows "${DEMO_FULL_NAME}"`,
    );
  });
});

test('administrator edits the 2025 calendar and office hours; errors are shown, pages are accessible', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'admin-calendar', async (page) => {
    await page.goto('/dang-nhap');
    await logIn(page, DEMO_USER, DEMO_PASSWORD);
    await waitForPath(page, '/can-bo');

    await page.goto('/lich?nam=2025');
    await page.getByRole('link', { name: 'Sửa lịch nghỉ năm 2025' }).click();
    await waitForPath(page, '/quan-tri/lich/2025');
    const text = page.getByLabel('Lịch nghỉ năm 2025 (định dạng TOML)');
    assert.match(await text.inputValue(), /year = 2025/);
    await checkA11y(page);
    await text.fill('year = 2025\nenabled = ');
    await page.getByRole('button', { name: 'Lưu lịch nghỉ' }).click();
    await page.getByRole('alert').filter({ hasText: 'không đúng định dạng' }).waitFor();
    await checkA11y(page);

    await page.goto('/don-vi/p48.stp');
    await page.getByRole('link', { name: 'Sửa giờ làm việc' }).click();
    await waitForPath(page, '/quan-tri/gio-lam-viec/p48.stp');
    await checkA11y(page);
    await page.getByLabel('Thứ Hai', { exact: true }).fill('08:00-12:00, 13:30-17:30');
    await page.getByRole('button', { name: 'Lưu giờ làm việc' }).click();
    await waitForPath(page, '/don-vi/p48.stp');
    await page.getByText(/Thứ Hai: 08:00-12:00, 13:30-17:30/).waitFor();
  });
});
