// Empties dist/, then puts the plain-JavaScript files where the compiled code expects them: the thread worker next to the compiled
// pool (dist/threads/), and the module naming the wasm URLs next to the .wasm files (pkg/). Runs before tsc,
// which reads pkg/wasm-urls.d.ts.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// A clean dist/: files of modules since removed from src/ would otherwise ship (with source maps to nothing).
rmSync(join(root, 'dist'), { recursive: true, force: true });
const copies = [
  ['src/threads/thread-worker.js', 'dist/threads/thread-worker.js'],
  ['scripts/pkg-assets/wasm-urls.js', 'pkg/wasm-urls.js'],
  ['scripts/pkg-assets/wasm-urls.d.ts', 'pkg/wasm-urls.d.ts'],
];
for (const [from, to] of copies) {
  mkdirSync(dirname(join(root, to)), { recursive: true });
  cpSync(join(root, from), join(root, to));
}
