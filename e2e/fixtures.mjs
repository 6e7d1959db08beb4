// `test` and `expect` for e2e/*.spec.mjs: @playwright/test's, with the fixtures every spec
// shares. Elements are found by `data-testid` (page.getByTestId), so the tests do not depend on
// CSS classes or copy text.
//
//   import { test, expect, openApp } from './fixtures.mjs';
//   test('starts', async ({ page }) => {
//     await openApp(page, { seed: 7 });
//     await expect(page.getByTestId('job-state')).toHaveText('RUNNING');
//   });
//
// Fixtures:
//   consoleErrors       (automatic) every console message of type "error" and every uncaught page
//                       error in the test's browser context fails the test, except those matched
//                       by `allowConsoleErrors`
//   allowConsoleErrors  option: RegExps of tolerated errors, /favicon\.ico/ by default; a spec adds
//                       its own with test.use({ allowConsoleErrors: [...defaultAllowed, /…/] })
//   frameP95            frameP95(page, ms): the p95 of requestAnimationFrame intervals over ms
//   takeScreenshot      takeScreenshot(label): an extra full-page shot <outputDir>/<test>/<label>.png,
//                       attached to the report (Playwright's `screenshot: 'on'` takes the one at
//                       the end of every test)
import { test as base, expect } from '@playwright/test';
import axe from 'axe-core';

export { expect };

/** Console errors no test fails on: a page asking for a missing icon. */
export const defaultAllowedConsoleErrors = [/favicon\.ico/i];

function safeName(name) {
  return String(name)
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 120) || 'shot';
}

export const test = base.extend({
  allowConsoleErrors: [defaultAllowedConsoleErrors, { option: true }],

  consoleErrors: [
    async ({ context, allowConsoleErrors }, use) => {
      const errors = [];
      const isAllowed = (text) => allowConsoleErrors.some((pattern) => pattern.test(text));
      context.on('console', (message) => {
        if (message.type() !== 'error') return;
        const where = message.location()?.url || '';
        const text = `console.error: ${message.text()}${where ? ` (${where})` : ''}`;
        if (!isAllowed(text)) errors.push(text);
      });
      context.on('weberror', (webError) => {
        const error = webError.error();
        const text = `uncaught page error: ${error?.stack || error?.message || error}`;
        if (!isAllowed(text)) errors.push(text);
      });
      await use(errors);
      if (errors.length > 0) {
        const failure = new Error(`console errors during the test:\n${errors.join('\n')}`);
        failure.stack = failure.message;
        throw failure;
      }
    },
    { auto: true },
  ],

  takeScreenshot: async ({ page }, use, testInfo) => {
    await use(async (label) => {
      const file = testInfo.outputPath(`${safeName(label)}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await testInfo.attach(label, { path: file, contentType: 'image/png' });
    });
  },
});

/** Opens the app (the baseURL) with the given query parameters and waits for the load event. */
export async function openApp(page, params = {}) {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const search = query.toString();
  await page.goto(search ? `/?${search}` : '/', { waitUntil: 'load' });
}

/** The trimmed text of the first element with this testid, or null if there is none. */
export async function textOf(page, testid) {
  const locator = page.getByTestId(testid).first();
  if ((await locator.count()) === 0) return null;
  const text = await locator.textContent();
  return text == null ? null : text.trim();
}

/** The digits of an element's text read as one number ("1,234" → 1234); NaN if it is missing. */
export async function numberOf(page, testid) {
  const text = await textOf(page, testid);
  return text == null ? NaN : Number(text.replace(/[^0-9]/g, ''));
}

/** p95 of requestAnimationFrame intervals over `ms`. */
export async function frameP95(page, ms) {
  return page.evaluate((duration) => new Promise((resolve) => {
    const deltas = []; let last = null; const end = performance.now() + duration;
    const frame = (t) => {
      if (last !== null) deltas.push(t - last);
      last = t;
      if (t < end) requestAnimationFrame(frame);
      else { deltas.sort((a, b) => a - b); resolve(deltas[Math.floor(deltas.length * 0.95)]); }
    };
    requestAnimationFrame(frame);
  }), ms);
}

/** axe-core over the whole page: the serious and critical violations, printed and returned. */
export async function seriousAxe(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: axe.source });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  console.log(`a11y: ${label}: ${result.violations.length} violations, ${serious.length} serious or critical`);
  return serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`);
}
