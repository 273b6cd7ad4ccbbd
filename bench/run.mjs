// `npm run bench`: every benchmark in bench/, one after another, with the same flags (--quick, --json FILE).
// With --json, each benchmark writes FILE with its name inserted before the extension.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const benches = readdirSync(here).filter((f) => f.endsWith('.mjs') && !['run.mjs', 'lib.mjs'].includes(f)).sort();
let failed = 0;
for (const file of benches) {
  const name = file.replace(/\.mjs$/, '');
  const args = argv.map((a, i) => (argv[i - 1] === '--json' ? a.replace(/(\.json)?$/, `.${name}.json`) : a));
  console.log(`\n## ${name}\n`);
  const res = spawnSync(process.execPath, [join(here, file), ...args], { stdio: 'inherit' });
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
