#!/usr/bin/env node
// `npm run playground [-- --port N] [-- --no-isolation]`: builds the playground and serves it on 127.0.0.1.
// By default with the COOP/COEP headers that make the page cross-origin isolated, which browsers require before
// they hand out SharedArrayBuffer, so the worker can run the threaded wasm build; --no-isolation serves
// without them, and the worker falls back to the single-thread SIMD build.
import { createServer } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sendFile } from '../../scripts/serve-file.mjs';
import { buildPlayground, OUT_DIR } from './build.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** Serves `dir` on 127.0.0.1 (`port` 0: a free one). Resolves to { url, close }. */
export function startPlaygroundServer({ dir = OUT_DIR, isolated = true, port = 0 } = {}) {
  const server = createServer(async (req, res) => {
    let path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (path.endsWith(sep) || path === '.') path = join(path, 'index.html');
    const file = join(dir, path);
    if (!file.startsWith(dir + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (!(await sendFile(res, file, { types: TYPES, isolated }))) res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let args;
  try {
    args = parseArgs({
      options: { port: { type: 'string', default: '8080' }, 'no-isolation': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (err) {
    console.error(`playground: ${err.message}`);
    process.exit(2);
  }
  if (args.help) {
    console.log('usage: npm run playground [-- --port 8080] [-- --no-isolation]\n\n' +
      'Builds examples/browser/ into examples/browser/dist/ and serves it on 127.0.0.1.\n' +
      '  --port N         port to listen on (default 8080; 0 picks a free one)\n' +
      '  --no-isolation   serve without COOP/COEP: no SharedArrayBuffer, so one wasm thread');
    process.exit(0);
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`playground: --port must be an integer in [0, 65535], got ${JSON.stringify(args.port)}`);
    process.exit(2);
  }
  try {
    await buildPlayground();
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
  const isolated = !args['no-isolation'];
  const { url } = await startPlaygroundServer({ isolated, port });
  console.log(`wasm-gpt playground: ${url}  (${isolated ? 'cross-origin isolated: threaded wasm in the worker' : 'no COOP/COEP: one wasm thread'}; Ctrl-C stops)`);
}
