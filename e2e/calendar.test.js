// The working calendar page in a real browser: a year in month views, the holidays and
// swapped days of the shipped 2025 schedule, navigation between years, accessibility.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, launch, TEST_TIMEOUT_MS, waitForPath, withPage } from './helpers.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('calendar: 2025 month views with Tết, the swapped Saturday and year navigation', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'lich-2025', async (page) => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Chính', exact: true }).getByRole('link', { name: 'Lịch làm việc', exact: true }).click();
    await waitForPath(page, '/lich');
    await page.goto('/lich?nam=2025');
    await page.getByRole('heading', { level: 1, name: 'Lịch làm việc năm 2025' }).waitFor();
    // Twelve months, each a section with its own heading and grid.
    assert.equal(await page.getByRole('heading', { level: 2, name: /^Tháng \d+\/2025$/ }).count(), 12);
    const april = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Tháng 4/2025', exact: true }) });
    await april.getByText(/26\/04\/2025 — Ngày làm bù/).waitFor();
    const january = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Tháng 1/2025', exact: true }) });
    await january.getByText(/29\/01\/2025 — Ngày nghỉ lễ, Tết: Tết Nguyên đán/).waitFor();
    await page.getByText('250', { exact: true }).waitFor();
    await checkA11y(page);

    await page.getByRole('link', { name: 'Năm 2026 ›' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lịch làm việc năm 2026' }).waitFor();
  });
});
