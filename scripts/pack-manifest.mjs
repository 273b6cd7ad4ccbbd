// npm's prepack/postpack pair. A clone needs `prepare` (it builds pkg/ and dist/ on `npm install`), but a
// published manifest must not carry it: installing the package would then run a build that needs Rust and
// apt, and npm warns about install scripts. So `prepack` builds, then rewrites package.json without its
// scripts (none of them work outside a clone: they call files under scripts/, which are not shipped) and
// without `allowScripts` (which dev dependencies may run install scripts in a clone), and
// `postpack` puts the original back. Everything goes to stderr: `npm pack --json` owns stdout. Both rewrites
// are atomic (a rename), so a process reading package.json meanwhile (Node resolving `#platform`) never sees
// half a file. WASM_GPT_PACK_NO_BUILD=1 skips the build when dist/ and pkg/ are known fresh (the bundler tests).
//
//   node scripts/pack-manifest.mjs prepack | postpack
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = join(root, 'package.json');
const saved = join(root, '.package.json.prepack');

const step = process.argv[2];
if (step === 'prepack') {
  if (existsSync(saved)) {
    // A previous pack died between the two steps: package.json is the stripped one. Refuse rather than lose
    // the scripts for good.
    console.error(`wasm-gpt: ${saved} exists (an earlier npm pack did not finish); restore it with 'node scripts/pack-manifest.mjs postpack'`);
    process.exit(1);
  }
  if (process.env.WASM_GPT_PACK_NO_BUILD !== '1') {
    execFileSync(process.execPath, [join(root, 'scripts', 'prepare.mjs')], { cwd: root, stdio: ['ignore', 2, 2] });
  }
  const text = readFileSync(manifest, 'utf8');
  const published = JSON.parse(text);
  delete published.scripts;
  delete published.allowScripts; // npm 11's approval of our dev dependencies' install scripts: ours, not a user's
  writeFileSync(saved, text);
  const next = `${manifest}.next`;
  writeFileSync(next, `${JSON.stringify(published, null, 2)}\n`);
  renameSync(next, manifest);
} else if (step === 'postpack') {
  if (existsSync(saved)) renameSync(saved, manifest);
} else {
  console.error('usage: node scripts/pack-manifest.mjs prepack|postpack');
  process.exit(2);
}
