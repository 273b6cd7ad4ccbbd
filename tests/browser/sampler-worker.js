// A compute worker that owns a model and a Sampler, exposed to the page with comlink. Chunks stream back
// through a callback the page passes as a comlink proxy; an AbortSignal cannot cross postMessage, so the page
// asks the worker to abort instead.
import * as Comlink from '../../node_modules/comlink/dist/esm/comlink.mjs';
import { CharTokenizer, GPT, Sampler } from '../../dist/index.js';

const tokenizer = CharTokenizer.fromCorpus('the cat sat on the mat. ');
// Expose first: messages that arrive before comlink listens would be lost, and loading the model awaits.
const ready = GPT.create({ vocabSize: tokenizer.vocabSize, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 32 }, { seed: 3 })
  .then((gpt) => new Sampler(gpt, { tokenizer }));
let controller;

Comlink.expose({
  async generate(options, onChunk) {
    const sampler = await ready;
    controller = new AbortController();
    const stream = sampler.stream({ ...options, signal: controller.signal });
    for (;;) {
      const next = await stream.next();
      if (next.done) return next.value;
      await onChunk(next.value);
    }
  },
  abort: () => controller?.abort(),
});
