// lib.mjs - helpers of the browser end-to-end tests (t/api/run e2e): Debian's chromium
// driven by playwright-core (the library only, no browser download), one browser per
// test file, a fresh context (cookies, storage) per test, axe-core for accessibility,
// screenshots of every failure, and the stack-side helpers of the API tests
// (../api/lib.mjs: sql, mailOf, tokenFor, ...) for what a test sets up or checks.
//
//   import { e2e, checkA11y, shot, expectText } from './lib.mjs';
//   e2e('the home page says hello', async ({ page }) => { ... });
//
// Every wait is bounded: TIMEOUT (10 s) for a control or a text to appear, STEP_TIMEOUT
// for a whole test. A failed test leaves a full-page screenshot in var/test/e2e/
// (its name and a timestamp) and the browser's console errors in its message.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export * from '../api/lib.mjs';
import { HTTP, VAR } from '../api/lib.mjs';

const ROOT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BASE = HTTP;
/** How long a control, a text or a navigation may take to appear. */
export const TIMEOUT = 10_000;
/** How long one test may take in all. */
export const TEST_TIMEOUT = 90_000;
/** Where failure screenshots (and, by default, shot()'s images) go. */
export const OUT = join(VAR ?? join(ROOT_DIR, 'var/test'), 'e2e');
const SHOTS = process.env.SOUK_E2E_SCREENSHOTS
  ? resolve(ROOT_DIR, process.env.SOUK_E2E_SCREENSHOTS) : join(OUT, 'screenshots');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };
const CHROMIUM = process.env.SOUK_E2E_CHROMIUM ?? '/usr/bin/chromium';

let browserPromise = null;
function browser() {
  browserPromise ??= chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    timeout: 30_000,
  });
  return browserPromise;
}
after(async () => {
  if (browserPromise) await (await browserPromise).close();
});

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

/**
 * A browser test: e2e(name, async ({ page, context }) => ...). The page starts on no
 * URL; page.goto('/path') is relative to the stack. Uncaught exceptions in the page
 * fail the test (after it ran), as does anything the body throws.
 */
export function e2e(name, fn, { timeout = TEST_TIMEOUT } = {}) {
  return test(name, { timeout }, async (t) => {
    const b = await browser();
    const context = await b.newContext({
      baseURL: BASE,
      viewport: DESKTOP,
      locale: 'en-IN',
      timezoneId: 'Asia/Kolkata',
      acceptDownloads: true,
    });
    context.setDefaultTimeout(TIMEOUT);
    context.setDefaultNavigationTimeout(TIMEOUT);
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // a failed request is logged below with its URL
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`http ${r.status()} ${r.request().method()} ${r.url().replace(BASE, '')}`);
    });
    try {
      await fn({ page, context, t });
      const thrown = problems.filter((p) => p.startsWith('page error'));
      assert.deepEqual(thrown, [], 'uncaught exceptions in the page');
    } catch (err) {
      mkdirSync(OUT, { recursive: true });
      const file = join(OUT, `${slug(name)}-${stamp()}.png`);
      try {
        await page.screenshot({ path: file, fullPage: true, timeout: 5000 });
      } catch { /* the page may be gone */ }
      let where = '';
      try { where = page.url(); } catch { /* closed */ }
      const more = `\n  at ${where}\n  screenshot: ${file}` +
        (problems.length ? `\n  in the browser:\n    ${problems.slice(-15).join('\n    ')}` : '');
      if (err && typeof err === 'object') {
        // the reporter prints the stack, which begins with the message as it was made
        const first = String(err.message ?? '');
        err.message = first + more;
        if (typeof err.stack === 'string' && err.stack.includes(first)) err.stack = err.stack.replace(first, first + more);
      }
      throw err;
    } finally {
      await context.close().catch(() => {});
    }
  });
}

/** A second page in its own context (another person), closed by the caller. */
export async function newContext() {
  const b = await browser();
  const context = await b.newContext({ baseURL: BASE, viewport: DESKTOP, locale: 'en-IN', timezoneId: 'Asia/Kolkata' });
  context.setDefaultTimeout(TIMEOUT);
  return context;
}

/**
 * Runs axe-core on the page as it is and fails on any serious or critical violation,
 * naming the rule, its impact and the elements (their CSS targets).
 */
export async function checkA11y(page, name) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length === 0) return results;
  const lines = bad.map((v) => `  ${v.id} (${v.impact}): ${v.help}\n` +
    v.nodes.slice(0, 8).map((n) => `      ${n.target.join(' ')}${n.failureSummary ? ` -- ${n.failureSummary.split('\n').slice(1, 3).map((l) => l.trim()).join('; ')}` : ''}`).join('\n') +
    (v.nodes.length > 8 ? `\n      ... and ${v.nodes.length - 8} more` : ''));
  throw new assert.AssertionError({ message: `accessibility: ${name} (${page.url()}) has ${bad.length} serious/critical violations:\n${lines.join('\n')}` });
}

/**
 * Screenshots of the page at phone and desktop size: NAME-phone.png and NAME-desktop.png
 * in $SOUK_E2E_SCREENSHOTS (docs/screenshots, to refresh the committed images) or
 * var/test/e2e/screenshots. The viewport is put back afterwards.
 */
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  for (const [size, vp] of [['phone', PHONE], ['desktop', DESKTOP]]) {
    await page.setViewportSize(vp);
    await settle(page);
    await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`), animations: 'disabled', caret: 'hide', timeout: TIMEOUT });
  }
  await page.setViewportSize(before);
}

/** Waits until the page is quiet: no spinner, fonts and images loaded (bounded). */
export async function settle(page) {
  await page.waitForLoadState('load', { timeout: TIMEOUT }).catch(() => {});
  await page.locator('.spinner').first().waitFor({ state: 'detached', timeout: TIMEOUT }).catch(() => {});
  await page.evaluate(() => document.fonts?.ready).catch(() => {});
  await page.waitForTimeout(150);
}

/** Polls fn (async, returning truthy when done) for up to timeout; fails with what. */
export async function eventually(fn, what, { timeout = TIMEOUT, every = 150 } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) { last = e; }
    if (Date.now() > end) {
      throw new assert.AssertionError({ message: `timed out after ${timeout} ms: ${what}${last instanceof Error ? ` (${last.message.split('\n')[0]})` : ''}` });
    }
    await new Promise((r) => setTimeout(r, every));
  }
}

/** Waits for a locator to be visible (the first match). */
export async function visible(locator, timeout = TIMEOUT) {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator.first();
}

/** Waits until the text of target (a page: its <main>; or a locator) matches re. */
export async function expectText(target, re, { timeout = TIMEOUT } = {}) {
  const loc = typeof target.locator === 'function' && typeof target.goto === 'function'
    ? target.locator('main') : target;
  let text = '';
  await eventually(async () => {
    text = (await loc.first().innerText({ timeout: 1000 })).replace(/\s+/g, ' ');
    return re.test(text);
  }, `text ${re}`, { timeout }).catch((e) => {
    e.message += `\n  the text was: ${text.slice(0, 600)}`;
    throw e;
  });
  return text;
}

/** Waits for the URL's path (and query) to match re. */
export async function expectPath(page, re, { timeout = TIMEOUT } = {}) {
  await eventually(() => {
    const u = new URL(page.url());
    return re.test(u.pathname + u.search);
  }, `the URL ${re} (it is ${page.url()})`, { timeout });
}

/** The one <h1> of the page, once it is there. */
export async function heading(page, re) {
  const h = page.getByRole('heading', { level: 1, name: re });
  await visible(h);
  return h;
}

/** Reads a whole download (Playwright's download event) as a Buffer. */
export async function downloadBytes(download) {
  const stream = await download.createReadStream();
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Runs trigger() and waits for the download it starts: {download, bytes}. */
export async function downloaded(page, trigger, { timeout = 20_000 } = {}) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout }), trigger()]);
  const failure = await download.failure();
  assert.equal(failure, null, `the download failed: ${failure}`);
  return { download, bytes: await downloadBytes(download) };
}
