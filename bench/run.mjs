// `npm run bench`: every benchmark in bench/, one after another, with the same flags (--quick, --json FILE).
// With --json, each benchmark writes FILE with its name inserted before the extension.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
// Not run here: helpers (lib, tfjs-node), and peers.mjs, which loads other engines and takes ~10 minutes
// (`npm run bench:peers`).
const NOT_BENCHES = ['run.mjs', 'lib.mjs', 'tfjs-node.mjs', 'peers.mjs'];
const benches = readdirSync(here).filter((f) => f.endsWith('.mjs') && !NOT_BENCHES.includes(f)).sort();
let failed = 0;
for (const file of benches) {
  const name = file.replace(/\.mjs$/, '');
  const args = argv.map((a, i) => (argv[i - 1] === '--json' ? a.replace(/(\.json)?$/, `.${name}.json`) : a));
  console.log(`\n## ${name}\n`);
  const res = spawnSync(process.execPath, [join(here, file), ...args], { stdio: 'inherit' });
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
