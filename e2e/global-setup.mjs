// Playwright global setup: serves dist/ (the `trunk build --release` output) on a free port of
// 127.0.0.1 for the whole run, and hands the URL to the workers through E2E_BASE_URL (workers are
// started after this and inherit the environment; playwright.config.mjs reads it as baseURL).
// The returned function is the global teardown.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startStaticServer } from './serve.mjs';
import { distDir } from './paths.mjs';

export default async function globalSetup() {
  const index = path.join(distDir, 'index.html');
  if (!existsSync(index)) {
    throw new Error(`${index} is missing: build the app first (trunk build --release)`);
  }
  const { baseUrl, close } = await startStaticServer(distDir);
  process.env.E2E_BASE_URL = baseUrl;
  console.log(`# serving ${distDir} at ${baseUrl}`);
  return close;
}
