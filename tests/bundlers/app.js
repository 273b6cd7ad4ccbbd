// The tiny app each bundler builds (tests/bundlers.browser.test.ts), written as a user would, with no
// configuration: the worker from 'wasm-gpt/worker', the model classes from 'wasm-gpt'. It trains a few steps in
// the worker, streams greedy text back, provokes a ConfigError inside the worker, and runs one forward pass on
// the page's main thread; the outcome goes to window.__result for the test to read.
import { CharTokenizer, ConfigError, GPT, WasmGptError } from 'wasm-gpt';
import { createWorker } from 'wasm-gpt/worker';

const TEXT = 'the cat sat on the mat. the dog sat on the log. '.repeat(40);

async function run() {
  const tokenizer = CharTokenizer.fromCorpus(TEXT);
  const ids = Uint16Array.from(tokenizer.encode(TEXT));
  const config = { vocabSize: tokenizer.vocabSize, blockSize: 32, nLayer: 1, nHead: 2, nEmbd: 32 };

  const worker = await createWorker();
  const model = await worker.createModel(config, { seed: 1 });
  const trainer = await model.createTrainer({ trainData: ids, batchSize: 4, lr: 1e-2, seed: 1 });
  const losses = [];
  await trainer.train({ steps: 6, onStep: (s) => losses.push(s.loss) });

  const sampler = await model.createSampler({ tokenizer });
  const chunks = [];
  const stream = sampler.stream({ prompt: 'the ', maxNewTokens: 12, temperature: 0 });
  let next = await stream.next();
  while (!next.done) {
    chunks.push(next.value.text);
    next = await stream.next();
  }
  const generated = await sampler.generate({ prompt: 'the ', maxNewTokens: 12, temperature: 0 });

  let configError;
  try {
    await worker.createModel({ ...config, nLayer: 0 });
  } catch (err) {
    configError = {
      isConfigError: err instanceof ConfigError, isWasmGptError: err instanceof WasmGptError, name: err.name,
      key: err.key, message: err.message,
    };
  }

  const page = await GPT.create(config, { seed: 1 });
  const pageLoss = page.loss(ids.subarray(0, 32), ids.subarray(1, 33), 1, 32);
  const pageBackend = page.backend;
  page.dispose();
  const capabilities = worker.capabilities;
  await worker.terminate();
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated === true, hardwareConcurrency: navigator.hardwareConcurrency,
    capabilities, losses, streamed: chunks.join(''), chunkCount: chunks.length, generated: generated.sequences[0].text,
    configError, pageLoss, pageBackend,
  };
}

run().then(
  (result) => { window.__result = result; },
  (err) => { window.__result = { error: `${err && err.name}: ${err && err.message}\n${err && err.stack}` }; },
);
