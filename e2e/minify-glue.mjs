// Trunk post-build hook (see Trunk.toml): in release builds, minifies wasm-bindgen's JS glue and
// updates its Subresource Integrity hash in index.html. Trunk's own JS minifier cannot parse the
// glue (it stops at `export default` and logs "Failed to minify JS"), so the glue shipped
// unminified: 8.3 KB gzip instead of 6.3 KB. terser is pinned in package.json.
//
// It also shortens the wasm's import names. wasm-bindgen names each JS function the wasm imports
// `__wbg_<name>_<16 hex digits>` (178 of them here), spelled once in the wasm's import section and
// once as a key of the glue's imports object: random hex that gzip cannot shrink, in two files.
// Each becomes `_<base 36 index>` in both, and the import module `./<crate>_bg.js` becomes `m`
// (measured: 2.9 KB less gzip). Export names are left alone; a name found anywhere else in the glue
// stops the build rather than renaming half of it.
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { leb, lebBytes, orderFunctions } from './order-functions.mjs';

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

const utf8 = new TextEncoder();
const nameBytes = (text) => [...lebBytes(utf8.encode(text).length), ...utf8.encode(text)];

/** Rewrites the import section of `wasm` with `rename(module, field)` → [module, field]. */
function renameImports(wasm, rename) {
  const decoder = new TextDecoder();
  const readName = (at) => {
    const [length, start] = leb(wasm, at);
    return [decoder.decode(wasm.subarray(start, start + length)), start + length];
  };
  const parts = [wasm.subarray(0, 8)];
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, start] = leb(wasm, at + 1);
    const end = start + size;
    if (id !== 2) {
      parts.push(wasm.subarray(at, end));
      at = end;
      continue;
    }
    let [count, cursor] = leb(wasm, start);
    const body = [...lebBytes(count)];
    while (count-- > 0) {
      const [module, afterModule] = readName(cursor);
      const [field, afterField] = readName(afterModule);
      // Only function imports (kind 0, a type index) are expected from wasm-bindgen.
      if (wasm[afterField] !== 0) throw new Error(`import ${module}.${field} is not a function`);
      const [, afterType] = leb(wasm, afterField + 1);
      const [newModule, newField] = rename(module, field);
      body.push(...nameBytes(newModule), ...nameBytes(newField), ...wasm.subarray(afterField, afterType));
      cursor = afterType;
    }
    if (cursor !== end) throw new Error('the import section did not parse to its end');
    parts.push(Uint8Array.from([2, ...lebBytes(body.length), ...body]));
    at = end;
  }
  return Buffer.concat(parts);
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('_bg.wasm'))) {
  const full = path.join(dir, file);
  const glueFile = file.replace(/_bg\.wasm$/, '.js');
  const gluePath = path.join(dir, glueFile);
  const wasm = readFileSync(full);
  let glue = readFileSync(gluePath, 'utf8');
  const names = new Map();
  let moduleName = null;
  const shortened = renameImports(wasm, (module, field) => {
    moduleName ??= module;
    if (module !== moduleName) throw new Error(`a second import module ${module}`);
    if (!names.has(field)) names.set(field, `_${names.size.toString(36)}`);
    return ['m', names.get(field)];
  });
  // The features the page's wasm uses: rustc's wasm32 defaults (its target-features section is
  // stripped by trunk's wasm-opt, so binaryen must be told).
  const renamed = orderFunctions(shortened, [
    '--enable-bulk-memory',
    '--enable-nontrapping-float-to-int',
    '--enable-sign-ext',
    '--enable-mutable-globals',
    '--enable-reference-types',
    '--enable-multivalue',
  ]);
  const moduleKey = JSON.stringify(moduleName);
  if (glue.split(moduleKey).length !== 2) throw new Error(`${moduleKey} is not once in ${glueFile}`);
  glue = glue.replace(moduleKey, '"m"');
  for (const [field, short] of names) {
    const pattern = new RegExp(`(?<![\\w$])${field.replaceAll('$', '\\$')}(?![\\w$])`, 'g');
    const found = glue.match(pattern)?.length ?? 0;
    if (found !== 1) throw new Error(`import ${field} is ${found} times in ${glueFile}, expected once`);
    glue = glue.replace(pattern, short);
  }
  const before = sri(wasm);
  if (!index.includes(before)) {
    console.error(`minify-glue: index.html references ${file} without the expected integrity`);
    process.exit(1);
  }
  index = index.replaceAll(before, sri(renamed));
  writeFileSync(full, renamed);
  // The glue's own integrity is recomputed below, after minifying it.
  const glueBefore = readFileSync(gluePath, 'utf8');
  index = index.replaceAll(sri(glueBefore), sri(glue));
  writeFileSync(gluePath, glue);
  console.log(`minify-glue: ${file}: ${names.size} imports renamed, functions ordered by similarity, ${wasm.length} -> ${renamed.length} bytes`);
}

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
