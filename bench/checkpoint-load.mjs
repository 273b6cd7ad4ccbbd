// Load time of a GPT-2-shaped checkpoint (124M parameters, 498 MB of float32), this build against another
// build in the same run, alternating, so machine load affects both sides alike:
//
//   node bench/checkpoint-load.mjs --baseline /work/baseline [--rounds 5]
//
// Times `loadCheckpointDir` (read + verify + decode into one Float32Array) and `loadCheckpoint` (the same plus
// the wasm model) for each build, and prints the medians and this/baseline ratios, of wall time and of the
// process's CPU time (user + system, which a machine shared with other jobs disturbs far less). The checkpoint is written
// once by this build (with its checksums.json, which the baseline does not read).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const baselineRoot = opt('baseline', undefined);
if (baselineRoot === undefined) throw new Error('usage: node bench/checkpoint-load.mjs --baseline PATH_TO_OTHER_CHECKOUT [--rounds N]');
const ROUNDS = Number(opt('rounds', 5));

const here = new URL('../dist/', import.meta.url);
const there = pathToFileURL(resolve(baselineRoot, 'dist') + '/');
const builds = {
  this: await import(new URL('checkpoint/node.js', here).href),
  baseline: await import(new URL('checkpoint/node.js', there).href),
};
const { resolveConfig } = await import(new URL('model/config.js', here).href);
const { paramLayout } = await import(new URL('model/layout.js', here).href);

const dims = resolveConfig('gpt2');
const n = paramLayout(dims).total;
const params = new Float32Array(n);
let s = 1;
for (let i = 0; i < n; i++) params[i] = ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.04;
const dir = join(await mkdtemp(join(tmpdir(), 'wasm-gpt-loadbench-')), 'gpt2');
await builds.this.saveCheckpointDir(dir, dims, params);

const times = { this: { decode: [], model: [], decodeCpu: [], modelCpu: [] }, baseline: { decode: [], model: [], decodeCpu: [], modelCpu: [] } };
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let round = 0; round < ROUNDS; round++) {
  for (const name of round % 2 === 0 ? ['this', 'baseline'] : ['baseline', 'this']) {
    let t = performance.now();
    let c = cpuMs();
    const ck = await builds[name].loadCheckpointDir(dir);
    times[name].decode.push(performance.now() - t);
    times[name].decodeCpu.push(cpuMs() - c);
    if (ck.params.length !== n) throw new Error(`${name}: ${ck.params.length} parameters`);
    t = performance.now();
    c = cpuMs();
    const { model } = await builds[name].loadCheckpoint(dir, { threads: 1 });
    times[name].model.push(performance.now() - t);
    times[name].modelCpu.push(cpuMs() - c);
    model.dispose();
  }
}
await rm(resolve(dir, '..'), { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`GPT-2 (124M) checkpoint, ${ROUNDS} alternating rounds, medians (ms):`);
for (const what of ['decode', 'decodeCpu', 'model', 'modelCpu']) {
  const a = median(times.this[what]);
  const b = median(times.baseline[what]);
  const label = { decode: 'loadCheckpointDir, wall', decodeCpu: 'loadCheckpointDir, CPU', model: 'loadCheckpoint, wall', modelCpu: 'loadCheckpoint, CPU' }[what];
  console.log(`  ${label.padEnd(30)} this ${a.toFixed(0).padStart(6)}   baseline ${b.toFixed(0).padStart(6)}   this/baseline ${(a / b).toFixed(3)}`);
}
