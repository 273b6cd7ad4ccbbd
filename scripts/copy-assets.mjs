// Copies the plain-JavaScript worker scripts next to the compiled loader: Node and bundlers load them as files.
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const rel of ['threads/thread-worker.js']) {
  const to = join(root, 'dist', rel);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(join(root, 'src', rel), to);
}
