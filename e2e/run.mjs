// End-to-end test runner: serves the `trunk build --release` output and drives Debian Chromium
// through playwright-core (Playwright's own browser download does not work on this machine).
//
//   node e2e/run.mjs [FILTER...]      run every test whose "<spec>: <test>" name contains a FILTER
//
// Spec files: every `*.spec.mjs` in the spec directory, run in name order. A spec exports
//   export const tests = { 'loads the page': async ({ page, baseUrl, context, screenshot }) => {…} };
// or an array of named async functions (or of { name, fn } objects); a default export of either
// shape works too. Optional exports:
//   export const timeoutMs = 60_000;                    per-test timeout for this spec's tests
//   export const allowConsoleErrors = [/expected 404/];  console errors these RegExps match are ok
// Each test gets a fresh page (storage and cookies of the served origin cleared first), a
// console-error collector (console messages of type "error" and uncaught page errors fail the
// test) and a screenshot after it, pass or fail, at <screenshots>/<spec>-<test>.png.
// `screenshot(label)` in a test saves an extra <spec>-<test>-<label>.png.
//
// Output: `ok - <spec>: <test>` / `not ok - <spec>: <test>` (with the error indented below),
// then the last line is exactly `N passed, M failed`. Exit status 0 only if nothing failed.
// With no spec files it prints `0 passed, 0 failed` and exits 0 without starting a browser.
//
// Environment (all optional):
//   E2E_DIST          directory to serve                    (default: <repo>/dist)
//   E2E_SPECS         directory holding *.spec.mjs          (default: <repo>/e2e)
//   E2E_SCREENSHOTS   where screenshots go                  (default: <repo>/e2e/screenshots)
//   E2E_TIMEOUT_MS    default per-test timeout in ms        (default: 120000)
//   E2E_FILTER        like the FILTER arguments (comma-separated substrings)
//   E2E_CHROMIUM      browser executable                    (default: /usr/bin/chromium)
//   E2E_HEADED=1      show the browser window (needs a display)
//
// The static server (node:http) listens on a random free port on 127.0.0.1, sends correct MIME
// types (application/wasm for .wasm, which streaming instantiation requires), answers
// /favicon.ico with 204 when there is no such file, and falls back to index.html for paths
// without a file extension (app routes); a missing asset with an extension is a real 404.

import { createServer } from 'node:http';
import { createReadStream, existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const e2eDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.dirname(e2eDir);

const config = {
  dist: path.resolve(process.env.E2E_DIST || path.join(repoDir, 'dist')),
  specs: path.resolve(process.env.E2E_SPECS || e2eDir),
  screenshots: path.resolve(process.env.E2E_SCREENSHOTS || path.join(e2eDir, 'screenshots')),
  timeoutMs: Number(process.env.E2E_TIMEOUT_MS || 120_000),
  filters: [...process.argv.slice(2), ...(process.env.E2E_FILTER || '').split(',')]
    .map((f) => f.trim())
    .filter(Boolean),
  chromium: process.env.E2E_CHROMIUM || '/usr/bin/chromium',
  headless: process.env.E2E_HEADED !== '1',
};

// The flags verified in ../shared/TOOLCHAIN.md: root needs --no-sandbox, and without the
// background-networking flags Chromium floods the closed network with refused connections.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Console errors that never fail a test. The server answers /favicon.ico itself, so this only
// matters if a page asks for some other icon path that is missing.
const defaultAllowedConsoleErrors = [/favicon\.ico/i];

const mimeTypes = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.webmanifest': 'application/manifest+json',
};

/** A path relative to the current directory when it is inside it, else absolute. */
function displayPath(file) {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}

function isFile(file) {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Serves `root` on 127.0.0.1 at a free port; resolves to { server, baseUrl }. */
function startStaticServer(root) {
  const server = createServer((request, response) => {
    const send = (status, file) => {
      const headers = { 'Cache-Control': 'no-store' };
      if (file) headers['Content-Type'] = mimeTypes[path.extname(file).toLowerCase()] || 'application/octet-stream';
      response.writeHead(status, headers);
      if (!file || request.method === 'HEAD') return response.end();
      createReadStream(file)
        .on('error', () => response.destroy())
        .pipe(response);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405);

    let pathname;
    try {
      pathname = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    } catch {
      return send(400);
    }
    const file = path.join(root, path.normalize(pathname));
    if (file !== root && !file.startsWith(root + path.sep)) return send(403);

    if (isFile(file)) return send(200, file);
    if (isFile(path.join(file, 'index.html'))) return send(200, path.join(file, 'index.html'));
    if (pathname === '/favicon.ico') return send(204);
    if (path.extname(pathname) === '' && isFile(path.join(root, 'index.html'))) {
      return send(200, path.join(root, 'index.html'));
    }
    return send(404);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ server, baseUrl: `http://127.0.0.1:${port}` });
    });
  });
}

function safeName(name) {
  return String(name)
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 120) || 'test';
}

/** An error whose message says everything: printed without the runner's own stack frames. */
function plainError(message) {
  const error = new Error(message);
  error.stack = `Error: ${message}`;
  return error;
}

/** Turns a spec module's export into [{ name, fn }]. */
function testsOf(module) {
  const exported = module.tests ?? module.default;
  if (exported == null) throw plainError('exports neither `tests` nor a default export');
  const entries = Array.isArray(exported)
    ? exported.map((item, index) => {
        if (typeof item === 'function') return [item.name || `test ${index + 1}`, item];
        if (Array.isArray(item)) return item;
        return [item?.name ?? `test ${index + 1}`, item?.fn ?? item?.test ?? item?.run];
      })
    : Object.entries(exported);
  return entries.map(([name, fn]) => {
    if (typeof fn !== 'function') throw plainError(`test "${name}" is not a function`);
    return { name: String(name), fn };
  });
}

function describeError(error) {
  const text = error instanceof Error ? error.stack || error.message : String(error);
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

function withTimeout(promise, timeoutMs, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(plainError(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function clearOriginStorage(context, page, baseUrl) {
  await context.clearCookies();
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('Storage.clearDataForOrigin', { origin: baseUrl, storageTypes: 'all' });
  } finally {
    await cdp.detach().catch(() => {});
  }
}

async function runTest({ context, baseUrl, spec, test }) {
  const fullName = `${spec.name}: ${test.name}`;
  const shotBase = path.join(config.screenshots, `${safeName(spec.base)}-${safeName(test.name)}`);
  const page = await context.newPage();
  const consoleErrors = [];
  const allowed = [...defaultAllowedConsoleErrors, ...spec.allowConsoleErrors];
  const isAllowed = (text) => allowed.some((pattern) => pattern.test(text));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const where = message.location()?.url || '';
    const text = `console.error: ${message.text()}${where ? ` (${where})` : ''}`;
    if (!isAllowed(text)) consoleErrors.push(text);
  });
  page.on('pageerror', (error) => {
    const text = `uncaught page error: ${error.stack || error.message || error}`;
    if (!isAllowed(text)) consoleErrors.push(text);
  });
  const screenshot = (label) =>
    page.screenshot({ path: `${shotBase}-${safeName(label)}.png`, fullPage: true });

  const started = Date.now();
  let failure = null;
  try {
    await clearOriginStorage(context, page, baseUrl);
    await withTimeout(
      Promise.resolve().then(() => test.fn({ page, baseUrl, context, screenshot })),
      spec.timeoutMs,
      `test "${fullName}"`,
    );
  } catch (error) {
    failure = error;
  }
  try {
    await page.screenshot({ path: `${shotBase}.png`, fullPage: true, timeout: 10_000 });
  } catch (error) {
    console.error(`# could not take a screenshot for ${fullName}: ${error.message}`);
  }
  await page.close().catch(() => {});
  if (!failure && consoleErrors.length > 0) {
    failure = plainError(`console errors during the test:\n${consoleErrors.join('\n')}`);
  } else if (failure && consoleErrors.length > 0) {
    const extra = `\nconsole errors during the test:\n${consoleErrors.join('\n')}`;
    if (failure instanceof Error) failure.stack = `${failure.stack || failure.message}${extra}`;
    else failure = plainError(`${failure}${extra}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (failure) {
    console.log(`not ok - ${fullName} (${seconds} s)`);
    console.log(describeError(failure));
    console.log(`    screenshot: ${displayPath(`${shotBase}.png`)}`);
  } else {
    console.log(`ok - ${fullName} (${seconds} s)`);
  }
  return !failure;
}

/** Imports every spec; a spec that fails to load counts as one failed test. */
async function loadSpecs(files) {
  const specs = [];
  const loadFailures = [];
  for (const file of files) {
    const name = path.basename(file);
    const base = name.replace(/\.spec\.mjs$/, '');
    try {
      const module = await import(pathToFileURL(file).href);
      const timeoutMs = Number(module.timeoutMs ?? config.timeoutMs);
      if (!(timeoutMs > 0)) throw plainError(`timeoutMs must be a positive number, got ${module.timeoutMs}`);
      const allowConsoleErrors = (module.allowConsoleErrors ?? []).map((p) =>
        p instanceof RegExp ? p : new RegExp(String(p)),
      );
      let tests = testsOf(module);
      if (config.filters.length > 0) {
        tests = tests.filter((t) => config.filters.some((f) => `${name}: ${t.name}`.includes(f)));
      }
      specs.push({ name, base, tests, timeoutMs, allowConsoleErrors });
    } catch (error) {
      loadFailures.push({ name, error });
    }
  }
  return { specs, loadFailures };
}

async function main() {
  const files = existsSync(config.specs)
    ? readdirSync(config.specs)
        .filter((f) => f.endsWith('.spec.mjs'))
        .sort()
        .map((f) => path.join(config.specs, f))
    : [];

  let passed = 0;
  let failed = 0;
  const { specs, loadFailures } = await loadSpecs(files);
  for (const { name, error } of loadFailures) {
    console.log(`not ok - ${name}: (loading the spec)`);
    console.log(describeError(error));
    failed += 1;
  }
  const total = specs.reduce((sum, spec) => sum + spec.tests.length, 0);
  if (total === 0) return { passed, failed };

  if (!isFile(path.join(config.dist, 'index.html'))) {
    console.log(`not ok - setup: ${path.join(config.dist, 'index.html')} is missing`);
    console.log('    build the app first: trunk build --release');
    return { passed, failed: failed + total };
  }
  mkdirSync(config.screenshots, { recursive: true });
  if (config.filters.length === 0) {
    for (const f of readdirSync(config.screenshots)) {
      if (f.endsWith('.png')) rmSync(path.join(config.screenshots, f), { force: true });
    }
  }

  const { server, baseUrl } = await startStaticServer(config.dist);
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'flinkscope-e2e-'));
  let context;
  try {
    console.log(`# serving ${config.dist} at ${baseUrl}; ${total} test(s) in ${specs.length} spec(s)`);
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: config.chromium,
      headless: config.headless,
      args: config.headless ? chromiumArgs : chromiumArgs.filter((a) => a !== '--headless'),
      viewport: { width: 1280, height: 720 },
    });
    // launchPersistentContext opens one blank page; each test opens its own.
    for (const page of context.pages()) await page.close().catch(() => {});
    for (const spec of specs) {
      for (const test of spec.tests) {
        if (await runTest({ context, baseUrl, spec, test })) passed += 1;
        else failed += 1;
      }
    }
  } catch (error) {
    // The browser could not start (or died): every test not yet counted fails.
    console.log('not ok - setup: the browser run failed');
    console.log(describeError(error));
    failed = total + loadFailures.length - passed;
  } finally {
    if (context) await context.close().catch(() => {});
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(userDataDir, { recursive: true, force: true });
  }
  return { passed, failed };
}

main().then(
  ({ passed, failed }) => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed > 0 ? 1 : 0);
  },
  (error) => {
    console.log('not ok - runner crashed');
    console.log(describeError(error));
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
