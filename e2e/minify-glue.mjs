// Trunk post-build hook (see Trunk.toml): in release builds, minifies wasm-bindgen's JS glue and
// updates its Subresource Integrity hash in index.html. Trunk's own JS minifier cannot parse the
// glue (it stops at `export default` and logs "Failed to minify JS"), so the glue shipped
// unminified: 8.3 KB gzip instead of 6.3 KB. terser is pinned in package.json.
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
// Imported only here, so a debug build (`trunk serve`) never needs terser.
const { minify } = await import('terser');
const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('minify-glue: TRUNK_STAGING_DIR is not set (run by trunk only)');
  process.exit(1);
}
const indexPath = path.join(dir, 'index.html');
let index = readFileSync(indexPath, 'utf8');
const sri = (text) => `sha384-${createHash('sha384').update(text).digest('base64')}`;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
  const full = path.join(dir, file);
  const source = readFileSync(full, 'utf8');
  const { code } = await minify(source, { module: true, compress: true, mangle: true });
  // index.html pins the file by its hash (modulepreload integrity); the new text needs the new one.
  const before = sri(source);
  if (index.includes(file) && !index.includes(before)) {
    console.error(`minify-glue: index.html references ${file} without the expected integrity`);
    process.exit(1);
  }
  index = index.replaceAll(before, sri(code));
  writeFileSync(full, code);
  console.log(`minify-glue: ${file} ${source.length} -> ${code.length} bytes`);
}
writeFileSync(indexPath, index);
