/**
 * Hugging Face conventions: Hub-layout folders through `GPT.fromPretrained` (directory and HTTP, with
 * progress), generation_config.json ⇄ Sampler defaults, tokenizer files in checkpoints, bos/eos ids in
 * config.json, and snake_case option names refused with the camelCase one they meant.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeExtras, generationConfigFromHF, generationConfigToHF } from '../src/checkpoint/index.js';
import { loadCheckpoint, saveCheckpoint } from '../src/checkpoint/node.js';
import type { DownloadProgress } from '../src/checkpoint/pretrained.js';
import { ConfigError, FormatError, WasmGptError } from '../src/errors.js';
import { GPT } from '../src/model/gpt.js';
import type { ModelDims } from '../src/model/layout.js';
import { resolveOptions, unknownOption, withDefaults, type GenerateOptions } from '../src/sampler/options.js';
import { Sampler } from '../src/sampler/sampler.js';
import { Trainer } from '../src/train/trainer.js';
import { CharTokenizer } from '../src/tokenizer/char.js';
import type { Tokenizer } from '../src/tokenizer/types.js';
import { HUB_GENERATION, HUB_PROMPT, saveHubModel } from './helpers/hub-model.js';

const HUB_FILES = ['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'];
/** What fromPretrained reads: the Hub files plus our checksum index, which vouches for them. */
const READ_FILES = ['checksums.json', ...HUB_FILES];
const bitsEqual = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && new Uint32Array(a.buffer, a.byteOffset, a.length).every((v, i) => v === new Uint32Array(b.buffer, b.byteOffset, b.length)[i]);

/** Serves `root` over HTTP, logging request paths; `chunked` drops Content-Length (progress total unknown);
 * `status` answers the given paths with that HTTP status instead; `delayMs` answers them that much later. */
async function serve(root: string, opts: { chunked?: boolean; status?: Record<string, number>; delayMs?: Record<string, number> } = {}) {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    if (opts.delayMs?.[path] !== undefined) await new Promise((r) => setTimeout(r, opts.delayMs![path]));
    if (opts.status?.[path] !== undefined) return void res.writeHead(opts.status[path]).end();
    let body: Buffer;
    try {
      body = await readFile(join(root, path));
    } catch {
      return void res.writeHead(404).end('not found');
    }
    if (opts.chunked) {
      res.writeHead(200);
      for (let i = 0; i < body.length; i += 4096) res.write(body.subarray(i, i + 4096));
      res.end();
    } else {
      res.writeHead(200, { 'content-length': body.length }).end(body);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

describe('GPT.fromPretrained and Hub-layout checkpoints', () => {
  let root: string;
  let dir: string;
  let gpt: GPT;
  let tokenizer: Tokenizer;
  let expectedText: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'wasm-gpt-hub-'));
    dir = join(root, 'tiny-gpt2');
    ({ gpt, tokenizer } = await saveHubModel(dir));
    const sampler = new Sampler(gpt, { tokenizer });
    expectedText = (await sampler.generate({ prompt: HUB_PROMPT, ...HUB_GENERATION })).sequences[0].text!;
  }, 60_000);
  afterAll(async () => {
    gpt?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('saveCheckpoint with a tokenizer writes a complete Hugging Face GPT-2 folder', async () => {
    expect((await readdir(dir)).sort()).toEqual(['checksums.json', ...HUB_FILES]);
    const eot = tokenizer.eotId!;
    expect(eot).toBe(269);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect([config.bos_token_id, config.eos_token_id, config.vocab_size]).toEqual([eot, eot, 270]);
    expect(JSON.parse(await readFile(join(dir, 'generation_config.json'), 'utf8'))).toEqual({
      bos_token_id: eot, eos_token_id: eot, do_sample: false, max_new_tokens: 16,
    });
    expect(JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8'))).toEqual({
      tokenizer_class: 'GPT2Tokenizer', model_max_length: 32, bos_token: '<|endoftext|>', eos_token: '<|endoftext|>',
      unk_token: '<|endoftext|>', add_prefix_space: false, clean_up_tokenization_spaces: false,
    });
    expect(await readFile(join(dir, 'tokenizer.json'), 'utf8')).toBe(tokenizer.save());
  });

  it('loads from a directory: same weights, tokenizer and greedy text; generation_config.json becomes the defaults', async () => {
    expect(expectedText.length).toBeGreaterThan(10);
    const events: DownloadProgress[] = [];
    const p = await GPT.fromPretrained(dir, { progress: (e) => events.push(e) });
    try {
      expect(bitsEqual(p.model.getParameters(), gpt.getParameters())).toBe(true);
      expect(p.tokenizer!.save()).toBe(tokenizer.save());
      expect(p.generationConfig).toEqual({ temperature: 0, maxNewTokens: 16, endTokens: [269] });
      const sampler = new Sampler(p.model, { tokenizer: p.tokenizer, defaults: p.generationConfig });
      const r = await sampler.generate({ prompt: HUB_PROMPT });
      expect(r.sequences[0].text).toBe(expectedText);
      expect(r.sequences[0].tokens.length).toBeLessThanOrEqual(16);
      // a local file is one event, complete, marked as not downloaded
      expect(events.map((e) => e.file).sort()).toEqual(READ_FILES);
      for (const e of events) expect([e.loaded === e.total, e.cached]).toEqual([true, true]);
    } finally {
      p.model.dispose();
    }
  });

  it('loads over HTTP with byte progress per file (with and without Content-Length); optional files may be absent', async () => {
    const sizes = Object.fromEntries(await Promise.all(READ_FILES.map(async (f) => [f, (await readFile(join(dir, f))).length] as const)));
    for (const chunked of [false, true]) {
      const server = await serve(root, { chunked });
      try {
        const events: DownloadProgress[] = [];
        const p = await GPT.fromPretrained(`${server.url}/tiny-gpt2`, { progress: (e) => events.push(e), backend: 'js' });
        const text = (await new Sampler(p.model, { tokenizer: p.tokenizer, defaults: p.generationConfig }).generate({ prompt: HUB_PROMPT })).sequences[0].text;
        expect(text).toBe(expectedText);
        expect(p.model.backend).toBe('js');
        p.model.dispose();
        expect(server.requests.sort()).toEqual(READ_FILES.map((f) => `/tiny-gpt2/${f}`));
        for (const file of READ_FILES) {
          const mine = events.filter((e) => e.file === file);
          expect(mine[0]).toEqual({ file, loaded: 0, total: chunked ? undefined : sizes[file], cached: false });
          expect(mine.at(-1)).toEqual({ file, loaded: sizes[file], total: sizes[file], cached: false });
          for (let i = 1; i < mine.length; i++) expect(mine[i].loaded).toBeGreaterThanOrEqual(mine[i - 1].loaded);
        }
        // model.safetensors (~140 KB) arrives in several reads: progress in between, not just start and end
        expect(events.filter((e) => e.file === 'model.safetensors').length).toBeGreaterThan(2);
      } finally {
        await server.close();
      }
    }

    // only the two required files: no tokenizer, greedy defaults from config.json's eos_token_id
    const bare = join(root, 'bare');
    await rm(bare, { recursive: true, force: true });
    await saveCheckpoint(bare, gpt);
    // as a Hub folder would be: no generation config, and no checksum index vouching for one
    await rm(join(bare, 'generation_config.json'));
    await rm(join(bare, 'checksums.json'));
    const server = await serve(root);
    try {
      const p = await GPT.fromPretrained(new URL(`${server.url}/bare/`), { backend: 'js' });
      expect(p.tokenizer).toBeUndefined();
      expect(p.generationConfig).toEqual({ temperature: 0 }); // saved without a tokenizer: eos_token_id null
      p.model.dispose();
    } finally {
      await server.close();
    }
  });

  it('reports a missing folder, a missing required file and HTTP failures with typed errors', async () => {
    await expect(GPT.fromPretrained(join(root, 'nope'))).rejects.toThrow(new FormatError(`${join(root, 'nope')}: no such directory`));
    await expect(GPT.fromPretrained('openai-community/gpt2')).rejects.toThrow(new FormatError(
      'openai-community/gpt2: no such directory (for the Hub model, pass its URL: https://huggingface.co/openai-community/gpt2/resolve/main)'));
    const server = await serve(root, { status: { '/tiny-gpt2/tokenizer.json': 500 }, delayMs: { '/slow/config.json': 100 } });
    try {
      await expect(GPT.fromPretrained(`${server.url}/missing`)).rejects.toThrow(FormatError);
      await expect(GPT.fromPretrained(`${server.url}/missing`)).rejects.toThrow(/missing\/config.json: not found \(HTTP 404\)/);
      // Named even when its 404 comes last (fetched together with the weights, it sometimes lost the race).
      await expect(GPT.fromPretrained(`${server.url}/slow`)).rejects.toThrow(/slow\/config.json: not found \(HTTP 404\)/);
      const err = await GPT.fromPretrained(`${server.url}/tiny-gpt2`).catch((e) => e);
      expect(err).toBeInstanceOf(WasmGptError);
      expect(err.message).toMatch(/tiny-gpt2\/tokenizer.json failed: HTTP 500/);
    } finally {
      await server.close();
    }
    const bad = join(root, 'bad-generation');
    await saveCheckpoint(bad, gpt, { tokenizer });
    await writeFile(join(bad, 'generation_config.json'), JSON.stringify({ do_sample: true, typical_p: 0.9 }));
    // edited after saving: the checksum index catches it first; without the index the content is judged
    await expect(GPT.fromPretrained(bad)).rejects.toThrow(new RegExp(`${bad}/generation_config.json: 34 bytes, .*checksums.json recorded \\d+ \\(truncated or replaced\\)`));
    await rm(join(bad, 'checksums.json'));
    await expect(GPT.fromPretrained(bad)).rejects.toThrow(`${bad}/generation_config.json: typical_p = 0.9 is not supported`);
  });

  it('verifies checksums.json for the files it reads, on disk and over HTTP; files it does not read are not required', async () => {
    const flipped = join(root, 'flipped');
    await saveCheckpoint(flipped, gpt, { tokenizer });
    const model = await readFile(join(flipped, 'model.safetensors'));
    model[model.length - 3] ^= 0x10; // one bit of the last weight: still finite, still the right size
    await writeFile(join(flipped, 'model.safetensors'), model);
    const expected = (where: string) => ({ name: 'FormatError', file: `${where}/model.safetensors` });
    await expect(GPT.fromPretrained(flipped)).rejects.toMatchObject(expected(flipped));
    await expect(GPT.fromPretrained(flipped)).rejects.toThrow(/model.safetensors: checksum [0-9a-f]{32} differs from [0-9a-f]{32} recorded in .*checksums.json \(the file is corrupted\)/);
    const server = await serve(root);
    try {
      await expect(GPT.fromPretrained(`${server.url}/flipped`)).rejects.toMatchObject(expected(`${server.url}/flipped`));
    } finally {
      await server.close();
    }
    // a checkpoint saved with its training state lists training_state.json too, which fromPretrained never reads
    const resumable = join(root, 'resumable');
    await saveCheckpoint(resumable, gpt, { tokenizer, trainer: new Trainer(gpt, { trainData: new Uint16Array(64), batchSize: 1, blockSize: 8 }) });
    const index = JSON.parse(await readFile(join(resumable, 'checksums.json'), 'utf8'));
    expect(Object.keys(index.files)).toContain('training_state.json');
    await rm(join(resumable, 'training_state.json'));
    const p = await GPT.fromPretrained(resumable);
    expect(bitsEqual(p.model.getParameters(), gpt.getParameters())).toBe(true);
    p.model.dispose();
  });

  it('loads the PyTorch-written fixture (config.json + model.safetensors only) as loadCheckpoint does', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/gpt2-tiny', import.meta.url));
    const p = await GPT.fromPretrained(fixture, { backend: 'js' });
    const ck = await loadCheckpoint(fixture, { backend: 'js' });
    expect(bitsEqual(p.model.getParameters(), ck.model.getParameters())).toBe(true);
    expect(p.tokenizer).toBeUndefined();
    expect(p.generationConfig).toEqual({ temperature: 0 }); // no generation_config.json, no eos_token_id: greedy
    p.model.dispose();
    ck.model.dispose();
  });

  it('refuses unknown options, naming the transformers habit and its replacement', async () => {
    const err = (o: object) => GPT.fromPretrained(dir, o as never).catch((e) => e);
    const forced = await err({ force_download: true });
    expect(forced).toBeInstanceOf(ConfigError);
    expect([forced.key, forced.message]).toEqual(['force_download', "fromPretrained has no option 'force_download'; use cache: 'reload' (known: progress, cache, backend, threads, core)"]);
    expect((await err({ cache: 'always' })).key).toBe('cache');
    expect((await err({ progress: 1 })).key).toBe('progress');
    expect((await err({ seed: 1 })).key).toBe('seed');
  });

  it('loadCheckpoint and toCheckpoint carry the tokenizer and generation defaults too', async () => {
    const ck = await loadCheckpoint(dir);
    expect(ck.tokenizer!.save()).toBe(tokenizer.save());
    expect(ck.generationConfig).toEqual({ temperature: 0, maxNewTokens: 16, endTokens: [269] });
    ck.model.dispose();
    const chars = CharTokenizer.fromCorpus('ab');
    const small = await GPT.create({ vocabSize: 8, blockSize: 8, nLayer: 1, nHead: 1, nEmbd: 4 }, { backend: 'js' });
    const files = small.toCheckpoint({ tokenizer: chars, generationConfig: { numBeams: 2, lengthPenalty: 0.5 } });
    expect([...files.keys()].sort()).toEqual(['checksums.json', ...HUB_FILES]);
    const get = (n: string) => JSON.parse(new TextDecoder().decode(files.get(n)));
    // a char tokenizer's JSON is ours, so it names no transformers class
    expect(get('tokenizer_config.json').tokenizer_class).toBeUndefined();
    expect(get('generation_config.json')).toEqual({
      bos_token_id: 2, eos_token_id: 2, do_sample: false, num_beams: 2, length_penalty: 0.5, early_stopping: 'never', max_new_tokens: 100,
    });
    const back = decodeExtras((n) => files.get(n), small.config, 'mem');
    expect(back.tokenizer).toBeInstanceOf(CharTokenizer);
    expect(back.generationConfig).toEqual({ numBeams: 2, lengthPenalty: 0.5, earlyStopping: false, maxNewTokens: 100, endTokens: [2] });
    expect(() => small.toCheckpoint({ generationConfig: { seed: 3 } })).toThrow(new ConfigError('seed', 'generationConfig.seed is a per-call option and cannot be saved in generation_config.json'));
    expect(() => small.toCheckpoint({ generationConfig: { numBeams: 2, topK: 3 } })).toThrow(ConfigError);
    expect(() => small.toCheckpoint({ tokenizer: CharTokenizer.fromCorpus('abcdefghij') })).toThrow(/11 tokens but the model's vocabulary has 8/);
    small.dispose();
  });
});

describe('generation_config.json ⇄ Sampler options', () => {
  const V = 50257;
  it("reads transformers' defaults: greedy unless do_sample, top-k 50 when sampling, beams", () => {
    // openai-community/gpt2's generation_config.json
    const gpt2 = { _from_model_config: true, bos_token_id: 50256, eos_token_id: 50256, transformers_version: '4.26.0.dev0' };
    expect(generationConfigFromHF(gpt2, V)).toEqual({ temperature: 0, endTokens: [50256] });
    expect(generationConfigFromHF({ do_sample: true, top_p: 0.9, max_new_tokens: 50 }, V)).toEqual({ temperature: 1, topK: 50, topP: 0.9, maxNewTokens: 50 });
    expect(generationConfigFromHF({ do_sample: true, temperature: 0.7, top_k: 0, min_p: 0.05 }, V)).toEqual({ temperature: 0.7, topK: 0, minP: 0.05 });
    expect(generationConfigFromHF({ num_beams: 4, early_stopping: true, num_return_sequences: 2 }, V)).toEqual({ numBeams: 4, earlyStopping: true, numReturnSequences: 2 });
    expect(generationConfigFromHF({ repetition_penalty: 1.3, no_repeat_ngram_size: 3, eos_token_id: [1, 2], stop_strings: '\n' }, V))
      .toEqual({ temperature: 0, repetitionPenalty: 1.3, noRepeatNgramSize: 3, endTokens: [1, 2], stopStrings: ['\n'] });
    // GPT2Config's default eos 50256 in a small-vocabulary model can never be produced: no end token, as in transformers
    expect(generationConfigFromHF({ eos_token_id: 50256 }, 300)).toEqual({ temperature: 0, endTokens: [] });
    expect(generationConfigFromHF({ eos_token_id: [7, 50256] }, 300)).toEqual({ temperature: 0, endTokens: [7] });
    // settings that decode the same are accepted at their "off" value
    expect(generationConfigFromHF({ typical_p: 1, num_beam_groups: 1, max_length: 20, pad_token_id: null }, V)).toEqual({ temperature: 0 });
  });

  it('refuses what the Sampler cannot do, naming file and key', () => {
    const bad: [object, string][] = [
      [{ num_beams: 3, do_sample: true }, 'g.json: do_sample with num_beams 3 (beam-search sampling) is not supported'],
      [{ do_sample: true, temperature: 0 }, 'g.json: temperature must be a number > 0 with do_sample, got 0'],
      [{ eos_token_id: -1 }, 'g.json: eos_token_id -1 is not a token id (a non-negative integer or a list of them)'],
      [{ eos_token_id: [1, 'x'] }, 'g.json: eos_token_id [1,"x"] is not a token id (a non-negative integer or a list of them)'],
      [{ diversity_penalty: 0.5 }, 'g.json: diversity_penalty = 0.5 is not supported by the wasm-gpt Sampler (only 0)'],
      [{ do_sample: 'yes' }, 'g.json: do_sample must be true or false, got "yes"'],
      [[], 'g.json: not a JSON object'],
    ];
    for (const [json, message] of bad) expect(() => generationConfigFromHF(json, V, 'g.json')).toThrow(new FormatError(message));
  });

  const dims: ModelDims = {
    vocabSize: 50, blockSize: 64, nLayer: 1, nHead: 1, nEmbd: 4, activation: 'gelu', norm: 'pre', positional: 'learned',
    bias: true, tieEmbeddings: true, dropout: 0, layerNormEps: 1e-5,
  };
  const stripRandom = (r: ReturnType<typeof resolveOptions>) => ({ ...r, seed: 0, endTokens: [...r.endTokens].sort() });

  it('property: saving Sampler defaults and reading them back decodes identically', () => {
    const sampling = fc.record({
      temperature: fc.oneof(fc.constant(0), fc.double({ min: 0.05, max: 3, noNaN: true })),
      topK: fc.integer({ min: 0, max: 60 }),
      topP: fc.double({ min: 0.05, max: 1, noNaN: true }),
      minP: fc.double({ min: 0, max: 1, noNaN: true }),
      numReturnSequences: fc.integer({ min: 1, max: 4 }),
    }, { requiredKeys: [] });
    const beams = fc.record({
      numBeams: fc.integer({ min: 2, max: 6 }),
      lengthPenalty: fc.double({ min: -2, max: 2, noNaN: true }),
      earlyStopping: fc.boolean(),
    }, { requiredKeys: ['numBeams'] });
    const common = fc.record({
      maxNewTokens: fc.integer({ min: 1, max: 500 }),
      repetitionPenalty: fc.double({ min: 0.5, max: 2, noNaN: true }),
      noRepeatNgramSize: fc.integer({ min: 0, max: 4 }),
      endTokens: fc.oneof(fc.integer({ min: 0, max: 49 }), fc.array(fc.integer({ min: 0, max: 49 }), { maxLength: 3 })),
    }, { requiredKeys: [] });
    const eot = fc.option(fc.integer({ min: 0, max: 49 }), { nil: undefined });
    fc.assert(fc.property(fc.oneof(sampling, beams), common, eot, (strategy, rest, eotId) => {
      const options: GenerateOptions = { ...strategy, ...rest };
      let want;
      try {
        want = resolveOptions({ ...options, bos: 0 }, dims, undefined);
      } catch (e) {
        if (e instanceof ConfigError) return; // a contradictory bag (e.g. topK with temperature 0) is not saveable
        throw e;
      }
      const json = JSON.parse(JSON.stringify(generationConfigToHF(options, eotId)));
      const back = generationConfigFromHF(json, dims.vocabSize);
      const got = resolveOptions({ ...back, bos: 0 }, dims, undefined);
      // without endTokens the file states the tokenizer's eot, which is what the Sampler would default to
      const wantEnds = options.endTokens === undefined && eotId !== undefined ? new Set([eotId]) : want.endTokens;
      expect(stripRandom(got)).toEqual(stripRandom({ ...want, endTokens: wantEnds }));
    }), { numRuns: 400, seed: 17 });
  });
});

describe('Sampler option names', () => {
  const KNOWN = ['maxNewTokens', 'topK', 'topP', 'minP', 'numBeams', 'repetitionPenalty', 'noRepeatNgramSize', 'numReturnSequences',
    'lengthPenalty', 'earlyStopping', 'stopStrings', 'endTokens', 'temperature', 'slideKeep', 'onContextFull', 'logprobs'];
  const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

  it("refuses transformers' snake_case names with the camelCase one to use", () => {
    for (const [key, hint] of [
      ['max_new_tokens', 'maxNewTokens'], ['top_p', 'topP'], ['top_k', 'topK'], ['num_beams', 'numBeams'],
      ['repetition_penalty', 'repetitionPenalty'], ['no_repeat_ngram_size', 'noRepeatNgramSize'],
      ['do_sample', 'temperature (wasm-gpt samples by default, at temperature 1; do_sample: false is temperature: 0)'],
      ['max_length', 'maxNewTokens (it counts generated tokens only, not the prompt)'], ['eos_token_id', 'endTokens'],
    ]) {
      const e = unknownOption(key);
      expect([e.key, e.message]).toEqual([key, `unknown option "${key}"; did you mean ${hint}?`]);
    }
    expect(unknownOption('tempreature').message).toMatch(/^unknown option "tempreature"; known: prompt, bos, maxNewTokens/);
  });

  it('property: any case, underscore or dash spelling of an option is refused with its name (seeded)', () => {
    const spelling = fc.constantFrom(...KNOWN).chain((k) => fc.tuple(fc.constant(k), fc.constantFrom(
      snake(k), snake(k).toUpperCase(), snake(k).replace(/_/g, '-'), k.toLowerCase(), k[0].toUpperCase() + k.slice(1),
    )));
    fc.assert(fc.property(spelling, ([known, key]) => {
      fc.pre(key !== known);
      const e = (() => {
        try {
          resolveOptions({ [key]: 1, bos: 0 } as GenerateOptions, { vocabSize: 4, blockSize: 8 } as ModelDims, undefined);
        } catch (err) {
          return err as ConfigError;
        }
        throw new Error(`accepted ${key}`);
      })();
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.key).toBe(key);
      expect(e.message).toBe(`unknown option "${key}"; did you mean ${known}?`);
    }), { numRuns: 300, seed: 5 });
    // strings that spell no option get the list, never a wrong suggestion
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 12 }), (key) => {
      const folded = key.toLowerCase().replace(/[_-]/g, '');
      fc.pre(![...KNOWN, 'prompt', 'bos', 'seed', 'signal', 'dosample', 'maxlength', 'eostokenid', 'bostokenid', 'padtokenid', 'streamer', 'generationconfig']
        .some((k) => k.toLowerCase() === folded));
      expect(unknownOption(key).message).toMatch(/; known: /);
    }), { numRuns: 300, seed: 6 });
  });

  it('property: a call over defaults keeps every call key, and a call that picks a strategy drops the defaults\' one', () => {
    const strategyKeys = ['temperature', 'topK', 'topP', 'minP', 'numBeams', 'lengthPenalty', 'earlyStopping', 'numReturnSequences'];
    const bag = fc.dictionary(fc.constantFrom(...strategyKeys, 'maxNewTokens', 'repetitionPenalty', 'stopStrings'), fc.integer(), { maxKeys: 5 });
    fc.assert(fc.property(bag, bag, (defaults, call) => {
      const merged = withDefaults(defaults as GenerateOptions, call as GenerateOptions) as Record<string, unknown>;
      for (const [k, v] of Object.entries(call)) expect(merged[k]).toBe(v);
      const callPicks = strategyKeys.some((k) => k in call);
      for (const k of strategyKeys) if (!(k in call)) expect(merged[k]).toBe(callPicks ? undefined : defaults[k]);
    }), { numRuns: 500, seed: 9 });
  });

  it('greedy defaults give way to a call that samples; bad defaults are refused when the Sampler is made', async () => {
    const gpt = await GPT.create({ vocabSize: 6, blockSize: 8, nLayer: 1, nHead: 1, nEmbd: 4 }, { backend: 'js', seed: 2 });
    const sampler = new Sampler(gpt, { defaults: { temperature: 0, maxNewTokens: 3, endTokens: [] } });
    const greedy = await sampler.generate({ bos: 0 });
    expect(greedy.sequences[0].tokens).toHaveLength(3);
    const sampled = await sampler.generate({ bos: 0, topK: 2, seed: 4 });
    expect(sampled.seed).toBe(4);
    expect(sampled.sequences[0].tokens).toHaveLength(3);
    expect(() => new Sampler(gpt, { defaults: { max_new_tokens: 5 } as GenerateOptions })).toThrow(new ConfigError('defaults.max_new_tokens', 'unknown option "defaults.max_new_tokens"; did you mean maxNewTokens?'));
    expect(() => new Sampler(gpt, { defaults: { prompt: 'x' } })).toThrow(ConfigError);
    expect(() => new Sampler(gpt, { generationConfig: {} } as never)).toThrow(ConfigError);
    gpt.dispose();
  });
});
