// Property-based fuzzing of every file parser (seeded, shrinking): damaged copies of files the library wrote
// either load or are refused with a typed error naming the file, in bounded time. The long campaign with one
// process per variant is `npm run fuzz`; this is its in-CI share (a few seconds per parser).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configToHF, decodeCheckpoint, encodeCheckpoint, readSafetensors } from '../src/checkpoint/index.js';
import { decodeShard, encodeShard } from '../src/data/shards.js';
import { FormatError, MemoryLimitError, TokenizerError, WasmGptError } from '../src/errors.js';
import { resolveConfig } from '../src/model/config.js';
import { paramLayout } from '../src/model/layout.js';
import { ByteLevelBPETokenizer } from '../src/tokenizer/bpe.js';
import { BYTE_TO_CHAR } from '../src/tokenizer/bytes.js';
import { loadTokenizer } from '../src/tokenizer/load.js';

const SEED = 20261204;
const RUNS = 300;
/** No single parse of these small files may take longer: work is linear in the file, not in a number in it. */
const MAX_MS = 1500;

const DIMS = resolveConfig({ vocabSize: 40, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8 });
const params = Float32Array.from({ length: paramLayout(DIMS).total }, (_, i) => Math.sin(i) * 0.1);
const STATE_META = {
  format: 'wasm-gpt-trainer-1', step: 2, skippedSteps: 0, seed: 5, batchSize: 2, blockSize: 8, gradAccumSteps: 1,
  loader: { order: 'random', rng: [1, 2, 3, 4], epoch: 0, cursor: 0 }, schedule: { kind: 'constant', lr: 0.001 }, elapsed: 1,
};
const n = paramLayout(DIMS).total;
const CHECKPOINT = encodeCheckpoint(DIMS, params, { tensors: { 'adamw.m': new Float32Array(n), 'adamw.v': new Float32Array(n) }, meta: STATE_META });
const enc = new TextEncoder();

/** Bytes damage as data, so fast-check can shrink it: byte writes, then a cut. */
const byteDamage = fc.record({
  writes: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 }),
  cut: fc.option(fc.nat(), { nil: undefined }),
});
function damage(bytes: Uint8Array, d: { writes: { at: number; value: number }[]; cut?: number }): Uint8Array {
  const out = bytes.slice();
  for (const w of d.writes) out[w.at % Math.max(1, out.length)] = w.value;
  return d.cut === undefined ? out : out.subarray(0, d.cut % (out.length + 1));
}

/** Values that sit on a boundary (sizes, ids, u32, floats) or have the wrong type. */
const hostile = fc.oneof(
  fc.constantFrom(0, -1, 1.5, 2 ** 24 + 1, 2 ** 31, 2 ** 32, 2 ** 53, 1e9, 1e15, 1e308, -1e308, '', 'x', null, true, [], {}),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Runs `load`; a refusal must be one of `classes` and name `file`; returns in bounded time either way. */
function loadsOrRefuses(load: () => unknown, file: string, classes: (abstract new (...a: never[]) => Error)[] = [FormatError]): void {
  const started = performance.now();
  try {
    load();
  } catch (e) {
    if (!classes.some((c) => e instanceof c)) throw new Error(`expected ${classes.map((c) => c.name).join(' or ')}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    expect((e as Error).message).toContain(file);
  }
  expect(performance.now() - started).toBeLessThan(MAX_MS);
}

describe('fuzz: checkpoints', () => {
  const without = (name: string) => new Map([...CHECKPOINT].filter(([k]) => k !== name));

  it('config.json with any key set to a hostile value loads or is refused naming config.json (before allocating)', () => {
    const base = configToHF(DIMS) as unknown as Record<string, unknown>;
    const keys = [...Object.keys(base), 'n_ctx', 'n_inner', 'model_type'];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...keys), hostile), { minLength: 1, maxLength: 3 }), (edits) => {
        const config = { ...base };
        for (const [k, v] of edits) config[k] = v;
        const files = without('checksums.json').set('config.json', enc.encode(JSON.stringify(config)));
        loadsOrRefuses(() => decodeCheckpoint(files, 'ck'), 'ck/', [FormatError, MemoryLimitError]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('training_state.json with a hostile meta field loads or is refused naming the file', () => {
    const keys = [...Object.keys(STATE_META), 'loader.rng', 'loader.cursor', 'loader.order'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), hostile, (key, value) => {
        const meta = structuredClone(STATE_META) as Record<string, unknown>;
        if (key.startsWith('loader.')) (meta.loader as Record<string, unknown>)[key.slice(7)] = value;
        else meta[key] = value;
        const json = enc.encode(JSON.stringify({ format: 'wasm-gpt-training-state', version: 1, meta }));
        const files = without('checksums.json').set('training_state.json', json);
        loadsOrRefuses(() => decodeCheckpoint(files, 'ck'), 'ck/training_state');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a damaged file of a checkpoint with its checksum index is always refused, naming that file', () => {
    const names = [...CHECKPOINT.keys()].filter((k) => k !== 'checksums.json');
    fc.assert(
      fc.property(fc.constantFrom(...names), byteDamage, (name, d) => {
        const bytes = damage(CHECKPOINT.get(name)!, d);
        fc.pre(bytes.length !== CHECKPOINT.get(name)!.length || bytes.some((b, i) => b !== CHECKPOINT.get(name)![i]));
        const files = new Map(CHECKPOINT).set(name, bytes);
        expect(() => decodeCheckpoint(files, 'ck')).toThrow(`ck/${name}`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('model.safetensors (F32) with damaged bytes loads or is refused naming it; non-finite weights never load', () => {
    fc.assert(
      fc.property(byteDamage, (d) => {
        const files = without('checksums.json').set('model.safetensors', damage(CHECKPOINT.get('model.safetensors')!, d));
        loadsOrRefuses(() => {
          const ck = decodeCheckpoint(files, 'ck');
          expect(ck.params.every(Number.isFinite)).toBe(true);
        }, 'ck/');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a safetensors header with a hostile dtype, shape or offsets is refused naming the file', () => {
    const bytes = CHECKPOINT.get('model.safetensors')!;
    const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))) as Record<string, Record<string, unknown>>;
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.constantFrom('dtype', 'shape', 'data_offsets'), hostile, (name, field, value) => {
        const h = structuredClone(header);
        h[name][field] = value;
        const json = enc.encode(JSON.stringify(h));
        const out = new Uint8Array(8 + json.length + bytes.length - 8 - len);
        new DataView(out.buffer).setUint32(0, json.length, true);
        out.set(json, 8);
        out.set(bytes.subarray(8 + len), 8 + json.length);
        loadsOrRefuses(() => readSafetensors(out, 'm.safetensors').tensors.forEach((t) => t.toFloat32()), 'm.safetensors');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('fuzz: tokenizers and shards', () => {
  const vocab: Record<string, number> = {};
  [...Array(256).keys()].forEach((b, id) => (vocab[BYTE_TO_CHAR[b]] = id));
  vocab['he'] = 256;
  vocab['ll'] = 257;
  vocab['<|endoftext|>'] = 258;
  const merges = '#version: 0.2\nh e\nl l\n';

  it('vocab.json with hostile ids loads or is refused naming the file, in time linear in its size', () => {
    const tokens = Object.keys(vocab);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...tokens), hostile), { minLength: 1, maxLength: 3 }), (edits) => {
        const v: Record<string, unknown> = { ...vocab };
        for (const [t, id] of edits) v[t] = id;
        loadsOrRefuses(() => ByteLevelBPETokenizer.fromVocabMerges(JSON.stringify(v), merges), 'vocab.json', [FormatError, TokenizerError]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('tokenizer.json with hostile values anywhere loads or is refused naming the file', () => {
    const json = JSON.parse(ByteLevelBPETokenizer.fromVocabMerges(vocab, merges).toTokenizerJson()) as Record<string, unknown>;
    fc.assert(
      fc.property(fc.constantFrom('model.vocab.he', 'model.merges', 'added_tokens', 'model.type', 'pre_tokenizer', 'normalizer', 'model'), hostile, (path, value) => {
        const j = structuredClone(json);
        const keys = path.split('.');
        let node = j as Record<string, unknown>;
        for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
        node[keys[keys.length - 1]] = value;
        loadsOrRefuses(() => loadTokenizer(JSON.stringify(j)), 'tokenizer', [FormatError, TokenizerError]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('tiktoken ranks with a hostile rank or token load or are refused naming the file', () => {
    const lines = [...Array(256).keys()].map((b, i) => `${btoa(String.fromCharCode(b))} ${i}`);
    lines.push(`${btoa('he')} 256`);
    fc.assert(
      fc.property(fc.nat(lines.length - 1), fc.oneof(fc.constantFrom('0', '-1', '1e9', '4294967296', '257', 'x'), fc.nat().map(String)), fc.boolean(), (i, rank, dropLine) => {
        const l = [...lines];
        if (dropLine) l.splice(i, 1);
        else l[i] = `${l[i].split(' ')[0]} ${rank}`;
        loadsOrRefuses(() => ByteLevelBPETokenizer.fromTiktoken(l.join('\n')), 'tiktoken', [FormatError, TokenizerError]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a damaged token shard loads or is refused naming the file', () => {
    const shard = encodeShard(Array.from({ length: 300 }, (_, i) => (i * 7) % 500), 500);
    fc.assert(
      fc.property(byteDamage, (d) => loadsOrRefuses(() => decodeShard(damage(shard, d), 'train.bin'), 'train.bin')),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('every refusal above is a WasmGptError (the classes used are its subclasses)', () => {
    for (const c of [FormatError, MemoryLimitError, TokenizerError]) expect(c.prototype).toBeInstanceOf(WasmGptError);
  });
});
