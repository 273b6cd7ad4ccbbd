// `npm start`: the demo (src/cli/demo.ts). Needs the build (`npm install` runs it; else `npm run build`).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const missing = [join(root, 'dist', 'cli', 'demo.js'), join(root, 'pkg', 'wasm_gpt_simd.wasm')].filter((f) => !existsSync(f));
if (missing.length > 0) {
  console.error(`npm start: ${missing.map((f) => f.slice(root.length + 1)).join(' and ')} not built yet; run \`npm run build\` first`);
  process.exit(1);
}
const { runDemo } = await import('../dist/cli/demo.js');
// The wasm thread pool keeps the event loop alive: exit once the demo is done.
process.exit(await runDemo(process.argv.slice(2)));
