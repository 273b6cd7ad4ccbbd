// `npm test`: the whole suite in one command, ending with one summary line `N passed, N failed`.
//   1. native `cargo test` of the crate, serial and with the rayon `threads` feature (kernels vs references,
//      thread-count independence);
//   2. the TypeScript build (child-process tests import dist/);
//   3. vitest: wasm vs references in Node, both artifacts, errors, and the real-browser tests in Chromium.
// Extra arguments go to vitest (e.g. `npm test -- tests/wasm-gemm.test.ts`); WASM_GPT_SKIP_CARGO=1 skips step 1.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let passed = 0;
let failed = 0;
let skipped = 0;

function run(cmd, args, capture = false) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: capture ? ['inherit', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8' });
  if (capture) process.stdout.write(res.stdout ?? '');
  return res;
}

if (process.env.WASM_GPT_SKIP_CARGO !== '1') {
  for (const features of [[], ['--features', 'threads']]) {
    const res = run('bash', ['scripts/cargo.sh', 'test', '--release', ...features], true);
    const results = [...(res.stdout ?? '').matchAll(/test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/g)];
    if (results.length === 0) {
      failed += 1; // the build itself failed
      console.error('wasm-gpt: cargo test did not run');
    }
    for (const r of results) {
      passed += +r[1];
      failed += +r[2];
      skipped += +r[3];
    }
  }
}

const build = run('npm', ['run', '--silent', 'build:ts']);
if (build.status !== 0) {
  failed += 1;
  console.error('wasm-gpt: TypeScript build failed');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-gpt-vitest-'));
  const report = join(dir, 'report.json');
  const vitest = run(process.execPath, [
    join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json',
    `--outputFile.json=${report}`, ...process.argv.slice(2),
  ]);
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numFailedTestSuites > 0 && r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
    skipped += r.numPendingTests + r.numTodoTests;
  } catch {
    failed += 1;
    console.error(`wasm-gpt: vitest produced no report (exit ${vitest.status})`);
  }
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
