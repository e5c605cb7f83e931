// Public portal pages in a real browser: home, administrative units, a legacy
// (pre-2025) unit and its successor, and the 404 page.
//
// Run through ./scripts/test, which starts `motcua demo` and sets MOTCUA_E2E_URL.
// Strings are the exact Vietnamese texts of the page contract.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, hrefPath, launch, TEST_TIMEOUT_MS, waitForPath, withPage } from './helpers.js';

const TITLE = 'Hệ thống thông tin giải quyết thủ tục hành chính';
// Commune-level names after the 2025 reorganisation: wards, communes and special zones.
const COMMUNE_NAME = /^(Phường|Xã|Đặc khu) \S/;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The innermost <section> that holds a heading with exactly this text. */
function sectionWithHeading(page, heading) {
  return page
    .locator('section')
    .filter({ has: page.getByRole('heading', { name: heading, exact: true }) })
    .last();
}

test('home page: Vietnamese title, main navigation, services, accessible', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'home', async (page) => {
    const res = await page.goto('/');
    assert.equal(res?.status(), 200);
    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');

    const h1 = page.getByRole('heading', { level: 1 }).first();
    await h1.waitFor();
    assert.ok((await h1.innerText()).includes(TITLE), `h1 is "${await h1.innerText()}"`);

    const nav = page.getByRole('navigation', { name: 'Chính', exact: true });
    await nav.waitFor();
    const links = {
      'Trang chủ': '/',
      'Đơn vị hành chính': '/don-vi',
      'Đăng nhập cán bộ': '/dang-nhap',
      'Tài liệu API': '/api/docs/',
    };
    for (const [name, path] of Object.entries(links)) {
      const link = nav.getByRole('link', { name, exact: true });
      assert.equal(await hrefPath(link), path, `nav link "${name}"`);
    }

    await page.getByRole('heading', { name: 'Dịch vụ', exact: true }).first().waitFor();
    await checkA11y(page);
  });
});

test('units: province list, then Đà Nẵng with its communes and departments', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'don-vi', async (page) => {
    await page.goto('/');
    await page
      .getByRole('navigation', { name: 'Chính', exact: true })
      .getByRole('link', { name: 'Đơn vị hành chính', exact: true })
      .click();
    await waitForPath(page, '/don-vi');

    const table = page.getByRole('table').first();
    await table.waitFor();
    // The 34 provinces and centrally-run cities in force since 1 July 2025.
    const hrefs = await table.locator('a[href]').evaluateAll((as) => as.map((a) => new URL(a.href).pathname));
    const units = new Set(hrefs.filter((p) => /^\/don-vi\/[^/]+$/.test(p)));
    assert.equal(units.size, 34, `expected 34 province links, got ${units.size}: ${[...units].join(' ')}`);

    const row = page.getByRole('row').filter({ hasText: 'Thành phố Đà Nẵng' });
    await row.first().waitFor();
    assert.equal(await row.count(), 1, 'exactly one row mentions Thành phố Đà Nẵng');
    await checkA11y(page);

    await row.locator('a[href$="/don-vi/p48"]').first().click();
    await waitForPath(page, '/don-vi/p48');
  });

  await withPage(browser, 'don-vi-p48', async (page) => {
    await page.goto('/don-vi/p48');
    await page.getByText('Thành phố Đà Nẵng', { exact: true }).first().waitFor();

    const children = sectionWithHeading(page, 'Đơn vị trực thuộc');
    await children.waitFor();
    const hoiAn = children.getByRole('link', { name: 'Phường Hội An', exact: true });
    assert.equal(await hrefPath(hoiAn), '/don-vi/c20410');
    await children.getByText('Đặc khu Hoàng Sa', { exact: true }).first().waitFor();

    // 23 wards, 70 communes and the special zone of Hoàng Sa: 94 since 1 July 2025.
    const communes = await children.getByRole('link').evaluateAll((as, re) => {
      const rx = new RegExp(re);
      return [...new Set(as.filter((a) => rx.test(a.textContent.trim().replace(/\s+/g, ' '))).map((a) => new URL(a.href).pathname))];
    }, COMMUNE_NAME.source);
    assert.equal(communes.length, 94, `expected 94 commune-level links under "Đơn vị trực thuộc", got ${communes.length}`);

    await children.getByRole('link', { name: /^Sở Tư pháp/ }).first().waitFor();
    await checkA11y(page);
  });
});

test('legacy unit: Phường Minh An is dissolved and links to its successor', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'don-vi-legacy', async (page) => {
    const res = await page.goto('/don-vi/qn-minh-an');
    assert.equal(res?.status(), 200);
    await page.getByText('Phường Minh An', { exact: true }).first().waitFor();
    await page.getByText(/Đã giải thể|Hết hiệu lực/).first().waitFor();

    const successors = sectionWithHeading(page, 'Đơn vị kế thừa');
    await successors.waitFor();
    const link = successors.getByRole('link', { name: 'Phường Hội An', exact: true });
    assert.equal(await hrefPath(link), '/don-vi/c20410');
    await checkA11y(page);

    await link.click();
    await waitForPath(page, '/don-vi/c20410');
    await page.getByRole('heading', { level: 1 }).filter({ hasText: 'Phường Hội An' }).first().waitFor();
  });
});

test('unknown page: 404 with a Vietnamese message', { timeout: TEST_TIMEOUT_MS }, async () => {
  await withPage(browser, 'not-found', async (page) => {
    const res = await page.goto('/khong-co-trang-nay');
    assert.equal(res?.status(), 404);
    await page.getByText('Không tìm thấy').first().waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
    await checkA11y(page);
  });
});
