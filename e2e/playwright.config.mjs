// @playwright/test configuration for the end-to-end suite against the release build (dist/).
//
//   scripts/test.sh e2e                                   build, then run everything (what CI does)
//   npx --prefix e2e playwright test -c e2e/playwright.config.mjs [FILTER…] [--grep REGEXP]
//
// Debian's Chromium at /usr/bin/chromium (Playwright's own browser download does not work on
// this machine; see ../shared/TOOLCHAIN.md). Each test gets Playwright's default fresh browser
// context, so IndexedDB, cookies and storage start empty. One worker: the machine has 2 cores and
// the specs measure frame times. The global setup serves dist/ on a free 127.0.0.1 port.
//
// Environment (all optional): E2E_DIST (directory to serve, default <repo>/dist), E2E_CHROMIUM
// (browser executable, default /usr/bin/chromium), E2E_HEADED=1 (show the window).
import { defineConfig } from '@playwright/test';
import path from 'node:path';
import { e2eDir } from './paths.mjs';

const headless = process.env.E2E_HEADED !== '1';

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
].filter((flag) => headless || flag !== '--headless');

export default defineConfig({
  testDir: e2eDir,
  testMatch: '*.spec.mjs',
  // Screenshots (one per test, pass or fail, plus the labelled ones a test takes); emptied at the
  // start of every run. Gitignored.
  outputDir: path.join(e2eDir, 'test-results'),
  globalSetup: path.join(e2eDir, 'global-setup.mjs'),
  // Per test; the specs that simulate long runs raise it with test.describe.configure.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  retries: 0,
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], [path.join(e2eDir, 'summary-reporter.mjs')]],
  use: {
    baseURL: process.env.E2E_BASE_URL,
    browserName: 'chromium',
    headless,
    viewport: { width: 1280, height: 720 },
    launchOptions: {
      executablePath: process.env.E2E_CHROMIUM || '/usr/bin/chromium',
      args: chromiumArgs,
    },
    screenshot: { mode: 'on', fullPage: true },
    // No traces: recording one (even only kept on failure) slows the page and skews the frame
    // times the specs print.
    trace: 'off',
    actionTimeout: 10_000,
  },
});
