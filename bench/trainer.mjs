// Trainer overhead: the share of a training step spent outside the kernels (batch sampling, schedule, option
// bookkeeping, JS↔wasm glue, the event-loop yield of `run`), on the tiny config (L=4, H=4, C=128, V=256,
// T=128, B=16), wasm with all threads. Measured directly: every kernel call is timed, and the overhead is the
// step's wall time minus the kernels' time, so machine-speed drift cancels out of the share.
import { GPT, Trainer } from '../dist/index.js';
import { Results, fmt, parseArgs, printTable } from './lib.mjs';

const args = parseArgs();
const steps = args.quick ? 8 : 30;

function timedKernels(k, into) {
  const out = { ...k };
  for (const [name, fn] of Object.entries(k)) {
    if (typeof fn !== 'function') continue;
    out[name] = (...a) => {
      const t0 = performance.now();
      const r = fn(...a);
      into.ms += performance.now() - t0;
      return r;
    };
  }
  return out;
}

const gpt = await GPT.create({ preset: 'tiny' }, { seed: 1 });
const kernelTime = { ms: 0 };
// The trainer reaches the kernels through the model: swap in the timing wrapper before it builds its engine.
Object.defineProperty(gpt, 'kernels', { value: timedKernels(gpt.kernels, kernelTime) });
let s = 7;
const data = Uint16Array.from({ length: 200_000 }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % 256);
const trainer = new Trainer(gpt, { trainData: data, batchSize: 16, lr: { kind: 'cosine', lr: 1e-3, totalSteps: 1000, warmupSteps: 10 } });

await trainer.train({ steps: 3 }); // warm-up: V8 tiers, thread pool spin-up, scratch growth
const shares = [];
const t0 = performance.now();
kernelTime.ms = 0;
let tokensPerSec = [];
await trainer.train({
  steps,
  onStep: (info) => tokensPerSec.push(info.tokensPerSec),
});
const wall = performance.now() - t0;
shares.push(1 - kernelTime.ms / wall);
tokensPerSec.sort((a, b) => a - b);
const median = tokensPerSec[tokensPerSec.length >> 1];

const results = new Results();
results.add('trainer', 'wasm', gpt.kernels.backend === 'wasm' ? 'all' : 1, 'tiny B16 T128', 'overhead_share', shares[0]);
results.add('trainer', 'wasm', 'all', 'tiny B16 T128', 'tokens_per_sec', median);
printTable(['config', 'steps', 'wall ms/step', 'kernels ms/step', 'overhead', 'tokens/s (median step)'], [
  ['tiny B16 T128', steps, fmt(wall / steps, 2), fmt(kernelTime.ms / steps, 2), `${fmt(100 * shares[0], 2)}%`, fmt(median, 0)],
]);
console.log(`overhead = (wall time of Trainer.train - time inside kernel calls) / wall time; target < 2%`);
results.writeJson(args.json);
process.exit(0);
