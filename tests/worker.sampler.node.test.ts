/**
 * The Sampler in a Node worker_threads worker (dist/worker, comlink): the same sequences as in-process, chunks
 * streamed back in order, abort from the main side, typed option errors. Imports dist/ like worker.node.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CharTokenizer, ConfigError, GPT, Sampler, type GenerateOptions, type GenerationChunk } from '../dist/index.js';
import { createWorker, type GPTWorker, type RemoteGPT, type RemoteSampler } from '../dist/worker/index.js';

const tokenizer = CharTokenizer.fromCorpus('the cat sat on the mat. ');
const CONFIG = { vocabSize: tokenizer.vocabSize, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 32 };

describe('Sampler in a worker (Node)', () => {
  let w: GPTWorker;
  let model: RemoteGPT;
  let remote: RemoteSampler;
  let local: Sampler;
  let gpt: GPT;
  beforeAll(async () => {
    w = await createWorker({ threads: 2 });
    model = await w.createModel(CONFIG, { seed: 4 });
    remote = await model.createSampler({ tokenizer });
    gpt = await GPT.create(CONFIG, { seed: 4, threads: 2 });
    local = new Sampler(gpt, { tokenizer });
  });
  afterAll(async () => {
    await w?.terminate();
    local?.dispose();
    gpt?.dispose();
  });

  it('generates the same sequences as in-process, beams included', async () => {
    expect(remote.hasTokenizer).toBe(true);
    for (const opts of [
      { prompt: 'the ', temperature: 0.9, topP: 0.95, seed: 7, maxNewTokens: 25, numReturnSequences: 2, logprobs: true },
      { prompt: 'the ', numBeams: 3, numReturnSequences: 2, maxNewTokens: 12 },
    ] as GenerateOptions[]) {
      expect(await remote.generate(opts)).toEqual(await local.generate(opts));
    }
  });

  it('streams chunks back in order; they add up to the result', async () => {
    const opts: GenerateOptions = { prompt: [1, 2, 3], temperature: 1, seed: 11, maxNewTokens: 20, numReturnSequences: 2, endTokens: [] };
    const stream = remote.stream(opts);
    const chunks: GenerationChunk[] = [];
    let next = await stream.next();
    while (!next.done) {
      chunks.push(next.value);
      next = await stream.next();
    }
    expect(next.value).toEqual(await local.generate(opts));
    expect(chunks.length).toBe(40);
    for (const [i, q] of next.value.sequences.entries()) {
      expect(chunks.filter((c) => c.sequence === i).map((c) => c.token)).toEqual(q.tokens);
      expect(chunks.filter((c) => c.sequence === i).map((c) => c.text).join('')).toBe(q.text);
    }
  });

  it('an AbortSignal on the main side stops generation in the worker; the sampler stays usable', async () => {
    const ac = new AbortController();
    const seen: GenerationChunk[] = [];
    await expect((async () => {
      for await (const c of remote.stream({ prompt: 'the ', maxNewTokens: 1_000_000, onContextFull: 'slide', endTokens: [], signal: ac.signal })) {
        seen.push(c);
        if (seen.length === 5) ac.abort();
      }
    })()).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen.length).toBeLessThan(100_000);
    // generate() too, aborted from a timer; then leaving a stream early also stops it.
    const timer = new AbortController();
    setTimeout(() => timer.abort(), 50);
    await expect(remote.generate({ prompt: 'the ', maxNewTokens: 1_000_000, onContextFull: 'slide', endTokens: [], signal: timer.signal }))
      .rejects.toMatchObject({ name: 'AbortError' });
    for await (const c of remote.stream({ prompt: 'the ', maxNewTokens: 1_000_000, onContextFull: 'slide', endTokens: [] })) {
      if (c.token >= 0) break;
    }
    const r = await remote.generate({ prompt: 'the ', temperature: 0, maxNewTokens: 5 });
    expect(r.sequences[0].tokens).toEqual((await local.generate({ prompt: 'the ', temperature: 0, maxNewTokens: 5 })).sequences[0].tokens);
  });

  it('option errors keep their class and key; a disposed sampler refuses calls', async () => {
    const err = await remote.generate({ numBeams: 2, temperature: 0.5 }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('temperature');
    await expect(remote.stream({ topK: -1 }).next()).rejects.toBeInstanceOf(ConfigError);
    await expect(model.createSampler({ tokenizr: tokenizer } as never)).rejects.toThrow(/option .tokenizr./);
    const other = await model.createSampler();
    expect(other.hasTokenizer).toBe(false);
    await expect(other.generate({ prompt: 'text' })).rejects.toThrow(/needs a tokenizer/);
    await other.dispose();
    await expect(other.generate({ prompt: [1] })).rejects.toThrow(/disposed/);
  });

  it('a q8 copy made in the worker samples what the in-process q8 model samples, and saves a q8 checkpoint', async () => {
    const q = await model.quantize('q8');
    expect(q.dtype).toBe('q8');
    expect(q.byteLength).toBeLessThan(0.4 * q.parameterCount * 4);
    const qLocal = gpt.quantize('q8');
    const sampler = await q.createSampler({ tokenizer });
    const opts: GenerateOptions = { prompt: 'the ', temperature: 0.9, seed: 3, maxNewTokens: 20 };
    expect(await sampler.generate(opts)).toEqual(await new Sampler(qLocal, { tokenizer }).generate(opts));
    const files = await q.toCheckpoint();
    expect(JSON.parse(new TextDecoder().decode(files.get('config.json'))).quantization.quant_method).toBe('wasm-gpt-q8');
    // Loaded back in the worker (and a float32 checkpoint quantized there while loading): the same text.
    for (const back of [await w.loadQuantizedCheckpoint(files), await w.loadQuantizedCheckpoint(gpt.toCheckpoint())]) {
      expect(await (await back.createSampler({ tokenizer })).generate(opts)).toEqual(await sampler.generate(opts));
      await back.dispose();
    }
    await q.dispose();
    await expect(q.createSampler()).rejects.toThrow(/disposed/);
    qLocal.dispose();
  });
});
