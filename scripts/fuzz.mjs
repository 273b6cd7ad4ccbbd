// `npm run fuzz -- --n 2000`: the long fuzz campaign. For every loader, N mutated copies of files the library
// wrote (scripts/fuzz/seeds.mjs, damaged by scripts/fuzz/mutate.mjs), and every bad argument of
// scripts/fuzz/arguments.mjs, each run in its own process (scripts/fuzz/child.mjs) under a watchdog. Writes a
// table of outcomes per loader to stdout and to fuzz-out/report.md, the details to fuzz-out/report.json, and
// keeps every variant that did not end in a clear typed error under fuzz-out/failures/ to replay with
// `node scripts/fuzz/child.mjs <loader> <dir>`.
//
//   accepted   loaded and used without error (a mutation that kept the file valid, or damaged only weights)
//   rejected   a WasmGptError whose message names the variant's file (for arguments: the argument)
//   unclear    any other error, or one that names no file
//   hang       still running at the watchdog (default 10 s), killed
//   crash      exited without reporting (a signal, an abort, out of memory)
//
// Options: --n N (variants per loader, default 200), --from I (first variant, to continue a run), --seed S, --jobs J (default 2), --timeout SECONDS (10),
// --only loader,loader (or 'args'), --out DIR (fuzz-out).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rngFrom, mutateBytes, mutateJson, mutateLines, mutateSafetensors } from './fuzz/mutate.mjs';
import { makeSeeds, writeFiles } from './fuzz/seeds.mjs';
import { CASES } from './fuzz/arguments.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const N = Number(opt('n', 200));
/** First variant index: `--from 1474 --n 2000` continues a campaign (same seed) that stopped at 1474. */
const FROM = Number(opt('from', 0));
const SEED = Number(opt('seed', 1));
const JOBS = Number(opt('jobs', 2));
const TIMEOUT_MS = Number(opt('timeout', 10)) * 1000;
const ONLY = opt('only', undefined)?.split(',');
const OUT = opt('out', 'fuzz-out');
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = new URL('../dist/', import.meta.url);
/** The child, bundled with dist/ into one file, with the wasm artifacts copied beside it (where the bundle's
 * `new URL('./wasm_gpt_….wasm', import.meta.url)` looks, as in any bundled app): it parses faster than the
 * module graph, and a `build:ts` or `build:wasm` during the campaign cannot change it. */
const BUNDLE_DIR = join(root, '.fuzz', String(process.pid));
const CHILD = join(BUNDLE_DIR, 'child.mjs');

/** Which file of a variant to damage, and how. */
function mutateVariant(loader, files, rng) {
  const out = new Map(files);
  const mutateNamed = (name) => {
    const bytes = out.get(name);
    const m = name.endsWith('.json') ? mutateJson : name.endsWith('.safetensors') ? mutateSafetensors
      : name.endsWith('.txt') || name.endsWith('.tiktoken') ? mutateLines : mutateBytes;
    out.set(name, m(bytes, rng));
  };
  switch (loader) {
    case 'checkpoint': {
      // Most damage goes to the JSON files, whose checks are the most numerous; the index is dropped more often
      // than not, or it would catch every change first.
      const target = rng.pick(['config.json', 'config.json', 'config.json', 'training_state.json', 'training_state.json',
        'training_state.json', 'training_state.safetensors', 'model.safetensors', 'checksums.json', 'delete']);
      if (target !== 'checksums.json' && rng.chance(0.7)) out.delete('checksums.json');
      if (target === 'delete') out.delete(rng.pick([...out.keys()]));
      else mutateNamed(target);
      break;
    }
    case 'model.safetensors': mutateNamed('model.safetensors'); break;
    case 'vocab.json+merges.txt': mutateNamed(rng.chance(0.5) ? 'vocab.json' : 'merges.txt'); break;
    default: for (const name of out.keys()) mutateNamed(name);
  }
  // A second damage now and then: checks that only fire behind another one.
  if (rng.chance(0.15) && out.size > 0) mutateNamed(rng.pick([...out.keys()]));
  return out;
}

function runChild(childArgs) {
  return new Promise((resolve) => {
    const started = performance.now();
    // No V8 worker threads: thousands of short processes, each on one core anyway.
    const child = spawn(process.execPath, ['--v8-pool-size=0', CHILD, ...childArgs], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Math.round(performance.now() - started);
      const line = stdout.split('\n').find((l) => l.startsWith('FUZZ-RESULT '));
      if (timedOut) return resolve({ outcome: 'hang', ms });
      if (line === undefined) return resolve({ outcome: 'crash', code, signal, stderr: stderr.slice(-600), ms });
      resolve({ ...JSON.parse(line.slice('FUZZ-RESULT '.length)), wallMs: ms });
    });
  });
}

function classify(result, mustName) {
  if (result.outcome !== 'rejected') return result.outcome;
  return result.wasmGpt && mustName.some((n) => result.message.toLowerCase().includes(n.toLowerCase())) ? 'rejected' : 'unclear';
}

async function pool(tasks, jobs) {
  let next = 0;
  await Promise.all(Array.from({ length: jobs }, async () => {
    while (next < tasks.length) await tasks[next++]();
  }));
}

const CATEGORIES = ['accepted', 'rejected', 'unclear', 'hang', 'crash'];
const emptyRow = () => ({ variants: 0, accepted: 0, rejected: 0, unclear: 0, hang: 0, crash: 0, slowestMs: 0, maxRssMiB: 0, examples: [] });

function bundleChild() {
  const esbuild = join(root, 'node_modules', '.bin', 'esbuild');
  const res = spawnSync(esbuild, [join(root, 'scripts', 'fuzz', 'child.mjs'), '--bundle', '--platform=node', '--format=esm',
    `--outfile=${CHILD}`, '--log-level=error'], { stdio: 'inherit' });
  if (res.status !== 0) throw new Error('bundling scripts/fuzz/child.mjs failed (run npm run build:ts first)');
  for (const file of readdirSync(join(root, 'pkg')).filter((f) => f.endsWith('.wasm'))) {
    copyFileSync(join(root, 'pkg', file), join(BUNDLE_DIR, file));
  }
}

/**
 * Every seed, undamaged, must load and run: otherwise the campaign would measure a broken setup (a wasm core
 * that cannot be found fails every variant that gets past the file checks, and reads as "unclear").
 */
async function preflight(seeds, work) {
  for (const [loader, variants] of Object.entries(seeds)) {
    for (const [i, files] of variants.entries()) {
      const dir = join(work, `preflight-${loader.replace(/[^a-z0-9.]+/gi, '_')}-${i}`);
      await writeFiles(dir, files);
      const result = await runChild([loader, dir]);
      await rm(dir, { recursive: true, force: true });
      if (result.outcome !== 'accepted') {
        throw new Error(`preflight: the undamaged ${loader} seed ${i} was not accepted (${result.outcome}: ${result.message ?? result.stderr ?? ''})`);
      }
    }
  }
}

async function main() {
  await mkdir(join(OUT, 'failures'), { recursive: true });
  bundleChild();
  const work = await mkdtemp(join(tmpdir(), 'wasm-gpt-fuzz-'));
  const seeds = await makeSeeds(join(work, 'seeds'), dist);
  const loaders = Object.keys(seeds).filter((l) => ONLY === undefined || ONLY.includes(l));
  await preflight(Object.fromEntries(loaders.map((l) => [l, seeds[l]])), work);
  const rows = {};
  const started = Date.now();
  let done = 0;
  const total = loaders.length * (N - FROM) + (ONLY === undefined || ONLY.includes('args') ? CASES.length : 0);
  const progress = () => {
    if (++done % 50 === 0 || done === total) process.stderr.write(`\r${done}/${total} variants, ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (done % 500 === 0) void writeReport(rows, started, false);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, async () => {
      await writeReport(rows, started, false);
      await rm(BUNDLE_DIR, { recursive: true, force: true });
      process.exit(130);
    });
  }
  const record = async (row, result, category, keep) => {
    row.variants++;
    row[category]++;
    row.slowestMs = Math.max(row.slowestMs, result.wallMs ?? result.ms ?? 0);
    row.maxRssMiB = Math.max(row.maxRssMiB, result.maxRssMiB ?? 0);
    // Files that loaded are fine; a bad argument that was accepted is worth a look.
    if (category !== 'rejected' && (category !== 'accepted' || keep === undefined)) {
      if (row.examples.length < 20) row.examples.push({ category, ...result, variant: keep?.name });
      if (keep !== undefined) await keep.save();
    }
    progress();
  };

  // Interleaved (variant i of every loader, then i + 1, ...), so a campaign stopped early has covered every
  // loader equally; the report is rewritten every 500 variants and on SIGINT/SIGTERM.
  const tasks = [];
  for (const loader of loaders) rows[loader] = emptyRow();
  for (let i = FROM; i < N; i++) {
    for (const loader of loaders) {
      const row = rows[loader];
      tasks.push(async () => {
        const rng = rngFrom((SEED * 1_000_003 + i * 7919) ^ hash(loader));
        const seedFiles = rng.pick(seeds[loader]);
        const files = mutateVariant(loader, seedFiles, rng);
        const dir = join(work, `${loader}-${i}`);
        await writeFiles(dir, files);
        const result = await runChild([loader, dir]);
        const category = classify(result, [dir]);
        const name = `${loader.replace(/[^a-z0-9.]+/gi, '_')}-${i}`;
        await record(row, result, category, { name, save: () => cp(dir, join(OUT, 'failures', name), { recursive: true }) });
        await rm(dir, { recursive: true, force: true });
      });
    }
  }
  if (ONLY === undefined || ONLY.includes('args')) {
    const row = (rows['bad arguments'] = emptyRow());
    // First: they are few, and a campaign stopped early still has all of them.
    CASES.forEach((c, i) => tasks.unshift(async () => {
      const result = await runChild(['args', String(i)]);
      const category = result.outcome === 'accepted' ? 'accepted' : classify(result, [c.names]);
      await record(row, { label: c.label, ...result }, category);
    }));
  }
  await pool(tasks, JOBS);
  process.stderr.write('\n');
  await rm(work, { recursive: true, force: true });
  await rm(BUNDLE_DIR, { recursive: true, force: true });

  await writeReport(rows, started, true);
  const bad = Object.values(rows).reduce((a, r) => a + r.unclear + r.hang + r.crash, 0);
  process.exitCode = bad > 0 ? 1 : 0;
}

async function writeReport(rows, started, final) {
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const lines = [
    `Fuzz campaign${final ? '' : ' (partial)'}: variants ${FROM}…${N - 1} per loader asked, seed ${SEED}, ${TIMEOUT_MS / 1000} s watchdog, one process per variant, ${seconds} s on ${JOBS} jobs.`,
    '',
    '| loader | variants | accepted | rejected (typed, names the file) | unclear | hangs | crashes | slowest (ms) | max RSS (MiB) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...Object.entries(rows).map(([name, r]) =>
      `| ${name} | ${r.variants} | ${r.accepted} | ${r.rejected} | ${r.unclear} | ${r.hang} | ${r.crash} | ${r.slowestMs} | ${r.maxRssMiB} |`),
  ];
  const table = lines.join('\n');
  if (!final) {
    await writeFile(join(OUT, 'report.md'), table + '\n');
    await writeFile(join(OUT, 'report.json'), JSON.stringify({ n: N, seed: SEED, seconds: Number(seconds), partial: true, rows }, null, 2));
    return;
  }
  console.log(table);
  for (const [name, r] of Object.entries(rows)) {
    for (const e of r.examples.slice(0, 5)) console.log(`  ${name} ${e.category}: ${e.label ?? e.variant ?? ''} ${e.name ?? ''} ${(e.message ?? e.stderr ?? '').slice(0, 200).replace(/\n/g, ' ')}`);
  }
  if (rows['bad arguments']) {
    const acceptedArgs = rows['bad arguments'].accepted;
    if (acceptedArgs > 0) console.log(`  (${acceptedArgs} bad-argument cases were accepted; see report.json)`);
  }
  await writeFile(join(OUT, 'report.md'), table + '\n');
  await writeFile(join(OUT, 'report.json'), JSON.stringify({ n: N, seed: SEED, seconds: Number(seconds), rows }, null, 2));
}

function hash(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

await main();
