// Small helpers for e2e/*.spec.mjs. Elements are found by `data-testid` (Playwright's
// getByTestId default), so the tests do not depend on CSS classes or copy text.
//
//   import { openApp, click, expectText, assertEqual } from './lib.mjs';
//   export const tests = {
//     'starts and completes a checkpoint': async ({ page, baseUrl }) => {
//       await openApp(page, baseUrl, { seed: 7, speed: 'max' });
//       await click(page, 'start');
//       await expectText(page, 'checkpoint-status', /checkpoint 3 completed/, 60_000);
//     },
//   };

const DEFAULT_TIMEOUT_MS = 10_000;
const POLL_INTERVAL_MS = 50;

/** The locator for `[data-testid="<testid>"]`. */
export function byTestId(page, testid) {
  return page.getByTestId(testid);
}

/** Opens `baseUrl` with the given query parameters and waits for the page's load event. */
export async function openApp(page, baseUrl, params = {}) {
  const url = new URL(baseUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  await page.goto(url.href, { waitUntil: 'load' });
}

/** Waits until the element with this testid is visible (or another `state`); returns its locator. */
export async function waitForTestId(page, testid, timeout = DEFAULT_TIMEOUT_MS, state = 'visible') {
  const locator = byTestId(page, testid).first();
  try {
    await locator.waitFor({ state, timeout });
  } catch (error) {
    throw new Error(`[data-testid="${testid}"] did not become ${state} within ${timeout} ms`, {
      cause: error,
    });
  }
  return locator;
}

/** Clicks the element with this testid once it is visible. */
export async function click(page, testid, timeout = DEFAULT_TIMEOUT_MS) {
  const locator = await waitForTestId(page, testid, timeout);
  await locator.click({ timeout });
}

/** The trimmed text content of the first element with this testid, or null if there is none. */
export async function textOf(page, testid) {
  const locator = byTestId(page, testid).first();
  if ((await locator.count()) === 0) return null;
  const text = await locator.textContent();
  return text == null ? null : text.trim();
}

/** How many elements carry this testid right now. */
export async function countTestId(page, testid) {
  return byTestId(page, testid).count();
}

/**
 * Polls `probe()` until `accept(value)` holds; returns that value. Throws after `timeout` ms with
 * `message` and the last value seen. Use this instead of sleeping.
 */
export async function waitUntil(probe, accept = Boolean, { timeout = DEFAULT_TIMEOUT_MS, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await probe();
    if (await accept(last)) return last;
    if (Date.now() >= deadline) {
      throw new Error(`${message} not met within ${timeout} ms; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Turns a string (substring), RegExp or function into a predicate on text. */
function textPredicate(expected) {
  if (typeof expected === 'function') return expected;
  if (expected instanceof RegExp) return (text) => expected.test(text);
  return (text) => text.includes(String(expected));
}

/**
 * Waits until the text of the element with this testid satisfies `predicate` (a substring, a
 * RegExp or a function of the text); returns the text.
 */
export async function expectText(page, testid, predicate, timeout = DEFAULT_TIMEOUT_MS) {
  const accept = textPredicate(predicate);
  return waitUntil(
    () => textOf(page, testid),
    (text) => text != null && accept(text),
    { timeout, message: `text of [data-testid="${testid}"] matching ${describe(predicate)}` },
  );
}

/** Waits until the text of the element with this testid, read as a number, satisfies `predicate`. */
export async function expectNumber(page, testid, predicate, timeout = DEFAULT_TIMEOUT_MS) {
  const text = await expectText(page, testid, (t) => predicate(parseNumber(t)), timeout);
  return parseNumber(text);
}

/** The first number in a text ("1,234 records" → 1234); NaN if there is none. */
export function parseNumber(text) {
  const match = String(text).replace(/,/g, '').match(/-?\d+(\.\d+)?/);
  return match ? Number(match[0]) : NaN;
}

function describe(value) {
  if (typeof value === 'function') return value.name ? `predicate ${value.name}` : 'the predicate';
  if (value instanceof RegExp) return String(value);
  return JSON.stringify(value);
}

/** Throws `message` unless `condition` is truthy. */
export function assert(condition, message = 'assertion failed') {
  if (!condition) throw new Error(message);
}

/** Throws unless `actual === expected` (or deep-equal for arrays and plain objects). */
export function assertEqual(actual, expected, message = 'values differ') {
  const same =
    actual === expected ||
    (typeof actual === 'object' && actual !== null && JSON.stringify(actual) === JSON.stringify(expected));
  if (!same) {
    throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

/** Throws unless `text` matches `pattern` (a RegExp or a substring). */
export function assertMatch(text, pattern, message = 'text does not match') {
  if (!textPredicate(pattern)(String(text))) {
    throw new Error(`${message}: ${JSON.stringify(text)} does not match ${describe(pattern)}`);
  }
}
