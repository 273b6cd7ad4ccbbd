// Trains a small GPT in a wasm-gpt worker from a page (bundled by esbuild together with dist/worker/gpt-worker.js)
// while a 10 ms timer on the page's main thread measures how long the thread is ever kept busy.
import { createWorker } from '../../dist/worker/index.js';

const CONFIG = { vocabSize: 32, blockSize: 32, nLayer: 2, nHead: 4, nEmbd: 64 };

/** A learnable stream: the next token is a fixed function of the previous one 90% of the time. */
function corpus(n) {
  const out = new Uint16Array(n);
  let s = 1;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = 1; i < n; i++) out[i] = rand() < 0.9 ? (out[i - 1] * 13 + 5) % 32 : Math.floor(rand() * 32);
  return out;
}

async function main() {
  const paths = {
    url: new URL('./gpt-worker.js', import.meta.url),
    wasmUrl: { 'threads-simd': '/pkg/wasm_gpt_threads_simd.wasm', simd: '/pkg/wasm_gpt_simd.wasm' },
    threadWorkerUrl: '/dist/threads/thread-worker.js',
  };
  let missingWorker;
  try {
    await createWorker({ ...paths, url: new URL('./no-such-worker.js', import.meta.url) });
  } catch (err) {
    missingWorker = `${err.name}: ${err.message}`;
  }

  const w = await createWorker(paths);
  const model = await w.createModel(CONFIG, { seed: 1 });
  const trainer = await model.createTrainer({ trainData: corpus(20_000), batchSize: 8, lr: 3e-3, seed: 1 });

  let ticks = 0;
  let maxGap = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 10);
  const t0 = performance.now();
  last = t0;
  const losses = [];
  const summary = await trainer.train({ steps: 60, onStep: (s) => losses.push(s.loss) });
  const trainMs = performance.now() - t0;
  clearInterval(timer);

  const ac = new AbortController();
  const aborted = await trainer.train({
    steps: 100_000,
    signal: ac.signal,
    onStep: (s) => { if (s.step === summary.steps + 2) ac.abort(); },
  });
  const params = await model.getParameters();
  const sent = params.slice();
  await model.setParameters(sent);
  await w.terminate();
  let afterTerminate;
  try {
    await model.forward([1], 1, 1);
  } catch (err) {
    afterTerminate = `${err.name}: ${err.message}`;
  }
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
    capabilities: w.capabilities,
    losses,
    steps: summary.steps,
    trainMs,
    ticks,
    maxGap,
    abortedRun: { steps: aborted.steps, aborted: aborted.aborted },
    parameters: params.length === model.parameterCount,
    sentDetached: sent.byteLength === 0,
    afterTerminate,
    missingWorker,
  };
}

main().then(
  (result) => { window.__result = result; document.getElementById('log').textContent = JSON.stringify(result, null, 2); },
  (err) => { window.__result = { error: String(err && err.stack ? err.stack : err) }; },
);
