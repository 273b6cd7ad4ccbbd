// A minimal static server for browser tests and examples: serves the repository root, optionally with the
// COOP/COEP headers that make a page cross-origin isolated (and so give it SharedArrayBuffer and threads).
import { createServer } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendFile } from '../../scripts/serve-file.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.css': 'text/css',
};

/**
 * Starts a server on 127.0.0.1 (random port) for `root` (default: the repository; a folder path ending in the
 * separator). Resolves to { url, close }. A path naming a folder serves its index.html.
 */
export function startServer({ isolated, root = ROOT }) {
  const server = createServer(async (req, res) => {
    let path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (path.endsWith('/')) path += 'index.html';
    const file = join(root, path);
    if (!file.startsWith(root) || file.includes(`${sep}node_modules${sep}.`)) {
      res.writeHead(403).end();
      return;
    }
    if (!(await sendFile(res, file, { types: TYPES, isolated }))) res.writeHead(404).end('not found');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
