// Shared helpers for the browser tests (node:test + playwright-core).
//
// The tests drive Debian's Chromium (/usr/bin/chromium) through playwright-core.
// Never run `npx playwright install`: it downloads its own browser, which this
// network refuses. scripts/test starts `motcua demo` and passes its address in
// MOTCUA_E2E_URL.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** Base address of the server under test, without a trailing slash. */
export const baseUrl = (process.env.MOTCUA_E2E_URL ?? '').replace(/\/+$/, '');
if (!baseUrl) {
  // Fail loudly rather than testing some default port that may be another program.
  throw new Error('MOTCUA_E2E_URL is not set; run the browser tests through ./scripts/test');
}

/** Playwright's auto-waiting limit for actions, assertions and navigations (ms). */
export const TIMEOUT_MS = 30_000;

/** node:test limit for one whole test, so a stuck browser cannot hang CI forever. */
export const TEST_TIMEOUT_MS = 120_000;

/** Where screenshots go (gitignored); humans look at them after a run. */
export const resultsDir = join(here, 'test-results');

// The flags are what this machine needs: --no-sandbox because CI runs as root,
// and the background-networking/component-update/sync flags because the closed
// network refuses Chromium's calls home (it retries them many at a time).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The password of every demo account (`motcua demo`). */
export const DEMO_PASSWORD = 'MotCua@2025';

/** Fills and submits the login form on the current page (/dang-nhap). */
export async function logIn(page, username, password = DEMO_PASSWORD) {
  await page.getByLabel('Tên đăng nhập', { exact: true }).fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
}

/**
 * A form control by its label, which ends with the visual required marker “*” on required fields (screen readers
 * get the `required` attribute instead).
 */
export function field(page, label) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByLabel(new RegExp(`^${escaped}( \\*)?$`));
}

/** Starts headless Debian Chromium. Close it with `browser.close()`. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.MOTCUA_E2E_CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    timeout: TIMEOUT_MS,
  });
}

/** A fresh context (own cookies) and page with the default timeouts set. */
export async function newPage(browser) {
  const context = await browser.newContext({
    baseURL: baseUrl,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(TIMEOUT_MS);
  const page = await context.newPage();
  return { context, page };
}

/**
 * Runs `fn(page)` in a fresh context and always saves a full-page screenshot to
 * e2e/test-results/<name>.png, also when the test fails (that is when it helps most).
 */
export async function withPage(browser, name, fn) {
  const { context, page } = await newPage(browser);
  try {
    await fn(page);
  } finally {
    try {
      mkdirSync(resultsDir, { recursive: true });
      await page.screenshot({ path: join(resultsDir, `${name}.png`), fullPage: true, timeout: 10_000 });
    } catch (err) {
      // A failed screenshot must not hide the test's own error.
      console.error(`# screenshot ${name}.png failed: ${err.message}`);
    }
    await context.close();
  }
}

/** The path part of an href as the browser resolves it against the current page. */
export async function hrefPath(locator) {
  const href = await locator.getAttribute('href');
  assert.ok(href !== null, 'the link has no href');
  return new URL(href, locator.page().url()).pathname;
}

/** Waits until the page's path is exactly `path` (query and fragment ignored). */
export function waitForPath(page, path) {
  return page.waitForURL((url) => url.pathname === path);
}

let axeSource;

/**
 * Runs axe-core on the current page and fails on any violation of impact
 * 'serious' or 'critical'. Minor and moderate findings are printed, not failed.
 */
export async function checkA11y(page) {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    try {
      await page.addScriptTag({ content: axeSource });
    } catch {
      // An inline <script> is refused by a Content-Security-Policy without
      // 'unsafe-inline'. Evaluating through the DevTools protocol is not subject
      // to the page's CSP, so the site keeps its real policy during the test.
    }
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
      await page.evaluate(axeSource);
    }
  }
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of results.violations) {
    if (!bad.includes(v)) console.log(`# axe (${v.impact}) ${page.url()}: ${v.id}: ${v.help}`);
  }
  const report = bad
    .map((v) => {
      const targets = v.nodes.map((n) => `    - ${n.target.join(' ')}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`);
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${targets.join('\n')}`;
    })
    .join('\n');
  assert.equal(bad.length, 0, `accessibility violations on ${page.url()}:\n${report}`);
}
