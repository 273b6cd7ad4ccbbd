// Trains a small GPT in a wasm-gpt worker from a page (bundled by esbuild together with dist/worker/gpt-worker.js)
// while a 10 ms timer on the page's main thread measures how long the thread is ever kept busy; then samples
// from it there, streaming the tokens back to the page, and aborts a second generation from the page.
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
    wasmUrl: {
      'threads-simd': '/pkg/wasm_gpt_threads_simd.wasm',
      simd: '/pkg/wasm_gpt_simd.wasm',
      'threads-relaxed-simd': '/pkg/wasm_gpt_threads_relaxed_simd.wasm',
      'relaxed-simd': '/pkg/wasm_gpt_relaxed_simd.wasm',
    },
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
  const sampler = await model.createSampler();
  const stream = sampler.stream({ prompt: [1, 2, 3], temperature: 0, maxNewTokens: 20 });
  const streamed = [];
  let next = await stream.next();
  while (!next.done) {
    streamed.push(next.value.token);
    next = await stream.next();
  }
  const stopSampling = new AbortController();
  let sampledBeforeAbort = 0;
  let samplingAbort;
  try {
    const long = { prompt: [1], maxNewTokens: 1_000_000, onContextFull: 'slide', signal: stopSampling.signal };
    for await (const chunk of sampler.stream(long)) if (chunk.token >= 0 && ++sampledBeforeAbort === 5) stopSampling.abort();
  } catch (err) {
    samplingAbort = err.name;
  }
  await sampler.dispose();
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
    sampled: { tokens: next.value.sequences[0].tokens, streamed, finishReason: next.value.sequences[0].finishReason },
    sampledBeforeAbort,
    samplingAbort,
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
