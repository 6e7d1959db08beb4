// A static server for `trunk build --release` output (dist/), used by the end-to-end suite's
// global setup (e2e/global-setup.mjs) and runnable on its own:
//
//   node e2e/serve.mjs [DIR] [PORT]      serve DIR (default <repo>/dist) on 127.0.0.1:PORT
//                                        (default 0: a free port); prints the URL
//
// node:http only. Correct MIME types (application/wasm for .wasm, which streaming instantiation
// requires), `Cache-Control: no-store`, /favicon.ico answered with 204 when there is no such file,
// and index.html for paths without a file extension (app routes); a missing asset with an
// extension is a real 404, so a broken reference shows up as a console error in a test.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

function isFile(file) {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves `root` on 127.0.0.1 (port 0 = a free one); resolves to { server, baseUrl, close }.
 */
export function startStaticServer(root, port = 0) {
  root = path.resolve(root);
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
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const close = () => {
        server.closeAllConnections();
        return new Promise((done) => server.close(() => done()));
      };
      resolve({ server, baseUrl: `http://127.0.0.1:${address.port}`, close });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] || path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  const { baseUrl, close } = await startStaticServer(root, Number(process.argv[3] || 0));
  console.log(`serving ${path.resolve(root)} at ${baseUrl}`);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => close().then(() => process.exit(0)));
}
