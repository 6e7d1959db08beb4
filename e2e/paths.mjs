// Where the end-to-end suite finds the build and writes its artifacts.
//   E2E_DIST   directory to serve (default: <repo>/dist)
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const e2eDir = path.dirname(fileURLToPath(import.meta.url));
export const repoDir = path.dirname(e2eDir);
export const distDir = path.resolve(process.env.E2E_DIST || path.join(repoDir, 'dist'));
