// `npm install` in a clone runs this (npm's `prepare`): install the Rust toolchain if missing, build the wasm
// artifacts when crate/ changed since the last build, then compile the TypeScript. Set WASM_GPT_SKIP_WASM=1 to
// skip the toolchain and wasm steps (e.g. when pkg/ was built elsewhere).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Build output goes to stderr: `npm pack --json` (which runs this through prepack) owns stdout.
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['inherit', 2, 2] });

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function wasmUpToDate() {
  const outputs = ['wasm_gpt_threads_simd.wasm', 'wasm_gpt_simd.wasm', 'wasm_gpt_threads_relaxed_simd.wasm', 'wasm_gpt_relaxed_simd.wasm'].map((f) => join(root, 'pkg', f));
  if (!outputs.every(existsSync)) return false;
  const oldestOutput = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  const inputs = ['crate/src', 'crate/Cargo.toml', 'scripts/build-wasm.sh'].map((p) => newestMtime(join(root, p)));
  return Math.max(...inputs) <= oldestOutput;
}

if (process.env.WASM_GPT_SKIP_WASM === '1') {
  console.error('wasm-gpt: WASM_GPT_SKIP_WASM=1, not building wasm');
} else if (wasmUpToDate()) {
  console.error('wasm-gpt: pkg/*.wasm up to date');
} else {
  run('bash', ['scripts/setup-toolchain.sh']);
  run('bash', ['scripts/build-wasm.sh']);
}
run('npm', ['run', '--silent', 'build:ts']);
