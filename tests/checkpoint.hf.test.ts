import { mkdtemp, readdir, readFile, rm, stat, rename as realRename, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  configFromHF, configToHF, decodeCheckpoint, encodeCheckpoint, loadCheckpointOPFS, paramsFromHF, paramsToHF,
  readSafetensors, saveCheckpointOPFS, writeSafetensors, type OPFSDirectory, type OPFSFile, type TensorInput,
} from '../src/checkpoint/index.js';
import { loadCheckpointDir, saveCheckpointDir } from '../src/checkpoint/node.js';
import { paramsFromHFInPlace } from '../src/checkpoint/hf-gpt2.js';
import { FormatError, ShapeError, WasmGptError } from '../src/errors.js';
import { paramLayout, type ModelDims } from '../src/model/layout.js';

// Fault injection for the atomic-save tests: a write or a rename of a chosen path throws, as a full disk would.
const fault = vi.hoisted(() => ({ write: '', rename: '', renameOnce: true }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    open: async (...args: Parameters<typeof fs.open>) => {
      const handle = await fs.open(...args);
      if (fault.write !== '' && String(args[0]).endsWith(fault.write) && args[1] === 'w') {
        handle.writeFile = async () => {
          throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
        };
      }
      return handle;
    },
    rename: async (from: string, to: string) => {
      if (fault.rename !== '' && String(to).endsWith(fault.rename)) {
        if (fault.renameOnce) fault.rename = '';
        throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      }
      return fs.rename(from, to);
    },
  };
});

const GPT2: ModelDims = {
  vocabSize: 13, blockSize: 6, nLayer: 2, nHead: 2, nEmbd: 4, activation: 'gelu', norm: 'pre',
  positional: 'learned', bias: true, tieEmbeddings: true, dropout: 0.1, layerNormEps: 1e-5,
};
const VARIANTS: [string, ModelDims][] = [
  ['GPT-2', GPT2],
  ['post-norm, ReLU, sinusoidal, untied, no bias', { ...GPT2, norm: 'post', activation: 'relu', positional: 'sinusoidal', tieEmbeddings: false, bias: false, dropout: 0 }],
  ['pre-norm, untied, no bias', { ...GPT2, tieEmbeddings: false, bias: false }],
  ['post-norm with biases and learned positions, tied', { ...GPT2, norm: 'post', layerNormEps: 1e-6 }],
];

/** Distinct values everywhere, so any misplaced or mis-transposed element shows. */
function distinctParams(dims: ModelDims): Float32Array {
  const p = new Float32Array(paramLayout(dims).total);
  for (let i = 0; i < p.length; i++) p[i] = (i + 1) * 0.001 * (i % 2 ? -1 : 1);
  return p;
}

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && new Uint32Array(a.buffer, a.byteOffset, a.length).every((x, i) => x === new Uint32Array(b.buffer, b.byteOffset, b.length)[i]);
}

function fromHF(dims: ModelDims, tensors: Map<string, TensorInput>): Float32Array {
  return paramsFromHF(dims, tensors, 'test.safetensors');
}

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('config.json ⇄ ModelDims', () => {
  it.each(VARIANTS)('%s: round trip, with GPT2Config keys', (_, dims) => {
    const json = configToHF(dims);
    expect(json).toMatchObject({
      model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], vocab_size: dims.vocabSize, n_positions: dims.blockSize,
      n_ctx: dims.blockSize, n_embd: dims.nEmbd, n_layer: dims.nLayer, n_head: dims.nHead, layer_norm_epsilon: dims.layerNormEps,
      activation_function: dims.activation === 'gelu' ? 'gelu_new' : 'relu', tie_word_embeddings: dims.tieEmbeddings,
      resid_pdrop: dims.dropout, embd_pdrop: dims.dropout, attn_pdrop: dims.dropout,
      positional_encoding: dims.positional, norm_placement: dims.norm, bias: dims.bias,
    });
    expect(configFromHF(JSON.parse(JSON.stringify(json)))).toEqual(dims);
  });

  it('missing keys take GPT2Config defaults (the 124M model) and ours for the variant keys', () => {
    expect(configFromHF({})).toEqual({
      vocabSize: 50257, blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768, activation: 'gelu', norm: 'pre',
      positional: 'learned', bias: true, tieEmbeddings: true, dropout: 0.1, layerNormEps: 1e-5,
    });
    expect(configFromHF({ n_ctx: 256 }).blockSize).toBe(256); // old configs without n_positions
    expect(configFromHF({ activation_function: 'gelu_pytorch_tanh' }).activation).toBe('gelu');
  });

  it('rejects what our model cannot run, naming the key', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ activation_function: 'gelu' }, 'activation_function must be one of "gelu_new", "gelu_pytorch_tanh", "relu", got "gelu"'],
      [{ activation_function: 'silu' }, 'activation_function must be one of'],
      [{ model_type: 'llama' }, 'model_type is "llama", expected "gpt2"'],
      [{ n_embd: 10, n_head: 4 }, 'n_embd 10 is not divisible by n_head 4'],
      [{ n_layer: 2.5 }, 'n_layer must be a positive integer, got 2.5'],
      [{ vocab_size: 0 }, 'vocab_size must be a positive integer, got 0'],
      [{ n_head: '12' }, 'n_head must be a positive integer, got "12"'],
      [{ n_positions: 64, n_ctx: 32 }, 'n_ctx 32 differs from n_positions 64'],
      [{ n_inner: 100 }, 'n_inner 100 is not supported'],
      [{ scale_attn_by_inverse_layer_idx: true }, 'scale_attn_by_inverse_layer_idx = true is not supported'],
      [{ scale_attn_weights: false }, 'scale_attn_weights = false is not supported'],
      [{ add_cross_attention: true }, 'add_cross_attention = true is not supported'],
      [{ norm_placement: 'sandwich' }, 'norm_placement must be one of "pre", "post", got "sandwich"'],
      [{ positional_encoding: 'rope' }, 'positional_encoding must be one of "learned", "sinusoidal", got "rope"'],
      [{ tie_word_embeddings: 'yes' }, 'tie_word_embeddings must be true or false, got "yes"'],
      [{ bias: 1 }, 'bias must be true or false, got 1'],
      [{ resid_pdrop: 1.5 }, 'resid_pdrop must be a probability in [0, 1), got 1.5'],
      [{ layer_norm_epsilon: 0 }, 'layer_norm_epsilon must be a number in (0, 1) (as GPTConfig.layerNormEps), got 0'],
    ];
    for (const [json, message] of cases) {
      const e = errorOf(() => configFromHF(json, 'ckpt/config.json'));
      expect(e, JSON.stringify(json)).toBeInstanceOf(FormatError);
      expect(e.message.startsWith('ckpt/config.json: '), e.message).toBe(true);
      expect(e.message).toContain(message);
    }
    expect(errorOf(() => configFromHF([1]))).toBeInstanceOf(FormatError);
  });
});

describe('parameters ⇄ Hugging Face GPT-2 tensors', () => {
  it('GPT-2: exactly GPT2LMHeadModel\'s names and shapes, in layout order, no lm_head when tied', () => {
    const hf = paramsToHF(GPT2, distinctParams(GPT2));
    const C = 4;
    const layer = (i: number): [string, number[]][] => [
      [`transformer.h.${i}.ln_1.weight`, [C]], [`transformer.h.${i}.ln_1.bias`, [C]],
      [`transformer.h.${i}.attn.c_attn.weight`, [C, 3 * C]], [`transformer.h.${i}.attn.c_attn.bias`, [3 * C]],
      [`transformer.h.${i}.attn.c_proj.weight`, [C, C]], [`transformer.h.${i}.attn.c_proj.bias`, [C]],
      [`transformer.h.${i}.ln_2.weight`, [C]], [`transformer.h.${i}.ln_2.bias`, [C]],
      [`transformer.h.${i}.mlp.c_fc.weight`, [C, 4 * C]], [`transformer.h.${i}.mlp.c_fc.bias`, [4 * C]],
      [`transformer.h.${i}.mlp.c_proj.weight`, [4 * C, C]], [`transformer.h.${i}.mlp.c_proj.bias`, [C]],
    ];
    const want: [string, number[]][] = [
      ['transformer.wte.weight', [13, C]], ['transformer.wpe.weight', [6, C]],
      // layout order is tensor-major (all ln_1 weights, then all ln_1 biases, ...), so compare as sets + shapes
      ...layer(0), ...layer(1),
      ['transformer.ln_f.weight', [C]], ['transformer.ln_f.bias', [C]],
    ];
    expect(new Map([...hf].map(([n, t]) => [n, t.shape]))).toEqual(new Map(want));
    expect([...hf.keys()].slice(0, 4)).toEqual(['transformer.wte.weight', 'transformer.wpe.weight', 'transformer.h.0.ln_1.weight', 'transformer.h.1.ln_1.weight']);
  });

  it('the variant has no wpe, no ln_f, no linear biases, and an untied lm_head [V, C]', () => {
    const dims = VARIANTS[1][1];
    const names = [...paramsToHF(dims, distinctParams(dims)).keys()];
    expect(names.filter((n) => !n.startsWith('transformer.h.'))).toEqual(['transformer.wte.weight', 'lm_head.weight']);
    expect(names.filter((n) => n.startsWith('transformer.h.0.'))).toEqual([
      'transformer.h.0.ln_1.weight', 'transformer.h.0.ln_1.bias', 'transformer.h.0.attn.c_attn.weight',
      'transformer.h.0.attn.c_proj.weight', 'transformer.h.0.ln_2.weight', 'transformer.h.0.ln_2.bias',
      'transformer.h.0.mlp.c_fc.weight', 'transformer.h.0.mlp.c_proj.weight',
    ]);
    expect(paramsToHF(dims, distinctParams(dims)).get('lm_head.weight')!.shape).toEqual([13, 4]);
  });

  it('Conv1D weights are the transpose of ours: HF[l][in][out] = ours[l][out][in]', () => {
    const params = distinctParams(GPT2);
    const hf = paramsToHF(GPT2, params);
    const layout = paramLayout(GPT2);
    const C = GPT2.nEmbd;
    const cases: [string, string, number, number][] = [
      ['qkvw', 'attn.c_attn.weight', 3 * C, C], ['attprojw', 'attn.c_proj.weight', C, C],
      ['fcw', 'mlp.c_fc.weight', 4 * C, C], ['fcprojw', 'mlp.c_proj.weight', C, 4 * C],
    ];
    for (const [ours, name, OUT, IN] of cases) {
      const t = layout.tensors.get(ours)!;
      for (const l of [0, 1]) {
        const w = hf.get(`transformer.h.${l}.${name}`)!;
        expect(w.shape).toEqual([IN, OUT]);
        for (let o = 0; o < OUT; o++) {
          for (let i = 0; i < IN; i++) {
            expect(w.data[i * OUT + o]).toBe(params[t.offset + l * t.layerStride + o * IN + i]);
          }
        }
      }
    }
    // untransposed tensors are views of the parameter buffer
    const wte = hf.get('transformer.wte.weight')!.data;
    expect(wte.buffer).toBe(params.buffer);
    expect(Array.from(wte.subarray(0, 3))).toEqual(Array.from(params.subarray(0, 3)));
  });

  it.each(VARIANTS)('%s: paramsFromHF(paramsToHF(p)) is p, bit for bit, also through safetensors bytes', (_, dims) => {
    const params = distinctParams(dims);
    const hf = paramsToHF(dims, params);
    expect(bitsEqual(fromHF(dims, hf), params)).toBe(true);
    const file = readSafetensors(writeSafetensors(hf, { format: 'pt' }), 'mem');
    expect(bitsEqual(fromHF(dims, file.tensors), params)).toBe(true);
  });

  it.each(VARIANTS)('%s: a file we wrote becomes the parameters where it lies, bit for bit', (_, dims) => {
    const params = distinctParams(dims);
    const bytes = writeSafetensors(paramsToHF(dims, params), { format: 'pt' });
    const inPlace = paramsFromHFInPlace(dims, readSafetensors(bytes, 'mem').tensors, 'mem')!;
    expect(inPlace.buffer).toBe(bytes.buffer);
    expect(bitsEqual(inPlace, params)).toBe(true);
  });

  it('in place only when the file holds our layout: another order is left to the copying path, untouched', () => {
    const params = distinctParams(GPT2);
    const reversed = new Map([...paramsToHF(GPT2, params)].reverse());
    const bytes = writeSafetensors(reversed, { format: 'pt' });
    const before = bytes.slice();
    const file = readSafetensors(bytes, 'mem');
    expect(paramsFromHFInPlace(GPT2, file.tensors, 'mem')).toBeUndefined();
    expect(bytes).toEqual(before);
    expect(bitsEqual(fromHF(GPT2, file.tensors), params)).toBe(true);
  });

  it('in place refuses a non-finite weight like the copying path, naming the tensor and element', () => {
    const params = distinctParams(GPT2);
    const qkv = paramLayout(GPT2).tensors.get('qkvw')!;
    params[qkv.offset + qkv.layerStride + 5] = NaN;
    const copy = errorOf(() => fromHF(GPT2, readSafetensors(writeSafetensors(paramsToHF(GPT2, params), { format: 'pt' }), 'test.safetensors').tensors));
    const inPlace = errorOf(() => paramsFromHFInPlace(GPT2, readSafetensors(writeSafetensors(paramsToHF(GPT2, params), { format: 'pt' }), 'test.safetensors').tensors, 'test.safetensors'));
    expect(inPlace).toBeInstanceOf(FormatError);
    expect(inPlace.message).toBe(copy.message);
    expect((inPlace as FormatError).key).toBe('transformer.h.1.attn.c_attn.weight');
  });

  it('loads names with or without the transformer. prefix, skipping the attn.bias / masked_bias buffers', () => {
    const params = distinctParams(GPT2);
    const hf = paramsToHF(GPT2, params);
    const bare = new Map<string, TensorInput>([...hf].map(([n, t]) => [n.replace(/^transformer\./, ''), t]));
    const withBuffers = new Map(bare);
    withBuffers.set('h.0.attn.bias', { shape: [1, 1, 6, 6], data: new Float32Array(36) });
    withBuffers.set('h.1.attn.masked_bias', { shape: [], data: new Float32Array([-1e4]) });
    withBuffers.set('transformer.h.1.attn.bias', { shape: [1, 1, 6, 6], data: new Float32Array(36) });
    expect(bitsEqual(fromHF(GPT2, bare), params)).toBe(true);
    expect(bitsEqual(fromHF(GPT2, withBuffers), params)).toBe(true);
    // mixed: some prefixed, some not (a hand-merged file) is still one consistent set of names
    const mixed = new Map<string, TensorInput>([...hf].map(([n, t], i) => [i % 2 ? n : n.replace(/^transformer\./, ''), t]));
    expect(bitsEqual(fromHF(GPT2, mixed), params)).toBe(true);
  });

  it('skips boolean attn.bias buffers in a real file without converting them', () => {
    // what older transformers versions saved: a BOOL causal mask per layer
    const hf = paramsToHF(GPT2, distinctParams(GPT2));
    const file = writeSafetensors(hf, { format: 'pt' });
    const headerLength = new DataView(file.buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength)));
    const dataLength = file.length - 8 - headerLength;
    header['h.0.attn.bias'] = { dtype: 'BOOL', shape: [1, 1, 6, 6], data_offsets: [dataLength, dataLength + 36] };
    const json = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + dataLength + 36);
    new DataView(out.buffer).setUint32(0, json.length, true);
    out.set(json, 8);
    out.set(file.subarray(8 + headerLength), 8 + json.length);
    const parsed = readSafetensors(out, 'mem');
    expect(parsed.tensors.get('h.0.attn.bias')!.dtype).toBe('BOOL');
    expect(bitsEqual(fromHF(GPT2, parsed.tensors), distinctParams(GPT2))).toBe(true);
  });

  it('a tied lm_head.weight equal to wte is accepted; a different one is an error', () => {
    const params = distinctParams(GPT2);
    const hf = paramsToHF(GPT2, params);
    const wte = hf.get('transformer.wte.weight')!;
    const same = new Map<string, TensorInput>(hf).set('lm_head.weight', { shape: [13, 4], data: wte.data.slice() });
    expect(bitsEqual(fromHF(GPT2, same), params)).toBe(true);
    const other = wte.data.slice();
    other[7] += 1;
    const differs = new Map<string, TensorInput>(hf).set('lm_head.weight', { shape: [13, 4], data: other });
    expect(errorOf(() => fromHF(GPT2, differs)).message).toContain('lm_head.weight: differs from wte.weight, but tie_word_embeddings is true');
  });

  it('reports every missing, unexpected and misshapen tensor at once, naming file, tensor and shapes', () => {
    const hf = new Map<string, TensorInput>(paramsToHF(GPT2, distinctParams(GPT2)));
    hf.delete('transformer.h.1.mlp.c_fc.bias');
    hf.delete('transformer.ln_f.weight');
    hf.set('transformer.h.0.attn.c_attn.weight', { shape: [12, 4], data: new Float32Array(48) }); // (out, in): not Conv1D
    hf.set('transformer.h.2.ln_1.weight', { shape: [4], data: new Float32Array(4) }); // a third layer
    hf.set('lm_head.weight', { shape: [4, 13], data: new Float32Array(52) });
    const e = errorOf(() => fromHF(GPT2, hf));
    expect(e).toBeInstanceOf(FormatError);
    expect(e.message).toContain('test.safetensors: tensors do not match the config (5 problems)');
    expect(e.message).toContain('transformer.h.0.attn.c_attn.weight: shape [12, 4], expected [4, 12]');
    expect(e.message).toContain('transformer.h.1.mlp.c_fc.bias: missing (expected shape [16])');
    expect(e.message).toContain('transformer.ln_f.weight: missing (expected shape [4])');
    expect(e.message).toContain('transformer.h.2.ln_1.weight: unexpected for this config');
    expect(e.message).toContain('lm_head.weight: shape [4, 13], expected [13, 4] (tied to wte.weight)');
    // an untied config without its head
    const untied = VARIANTS[2][1];
    const noHead = new Map<string, TensorInput>(paramsToHF(untied, distinctParams(untied)));
    noHead.delete('lm_head.weight');
    expect(errorOf(() => fromHF(untied, noHead)).message).toContain('lm_head.weight: missing (expected shape [13, 4])');
    // the same tensor under both spellings
    const twice = new Map<string, TensorInput>(paramsToHF(GPT2, distinctParams(GPT2)));
    twice.set('wte.weight', twice.get('transformer.wte.weight')!);
    expect(errorOf(() => fromHF(GPT2, twice)).message).toContain('wte.weight: present both with and without the "transformer." prefix');
    // data that does not fill its declared shape
    const short = new Map<string, TensorInput>(paramsToHF(GPT2, distinctParams(GPT2)));
    short.set('transformer.ln_f.bias', { shape: [4], data: new Float32Array(3) });
    expect(errorOf(() => fromHF(GPT2, short)).message).toContain('transformer.ln_f.bias: 3 values for shape [4]');
  });

  it('paramsToHF checks the parameter count', () => {
    expect(() => paramsToHF(GPT2, new Float32Array(10))).toThrow(ShapeError);
  });
});

describe('checkpoint files', () => {
  const state = () => ({
    tensors: { m: Float32Array.from({ length: 50 }, (_, i) => i / 7), v: new Float32Array([1, 2, 3]) },
    meta: { step: 42, rng: [1, 2, 3, 4], schedule: { name: 'cosine', warmup: 10 }, note: null },
  });

  it.each(VARIANTS)('%s: encode → decode gives the dims, parameters and training state back', (_, dims) => {
    const params = distinctParams(dims);
    const files = encodeCheckpoint(dims, params, state());
    expect([...files.keys()]).toEqual(['config.json', 'model.safetensors', 'generation_config.json', 'training_state.safetensors', 'training_state.json', 'checksums.json']);
    expect(readSafetensors(files.get('model.safetensors')!, 'm').metadata).toEqual({ format: 'pt' });
    const back = decodeCheckpoint(files);
    expect(back.dims).toEqual(dims);
    expect(bitsEqual(back.params, params)).toBe(true);
    expect(back.state!.meta).toEqual(state().meta);
    expect(Array.from(back.state!.tensors.m)).toEqual(Array.from(state().tensors.m));
    expect(Array.from(back.state!.tensors.v)).toEqual([1, 2, 3]);
    const noState = encodeCheckpoint(dims, params);
    expect([...noState.keys()]).toEqual(['config.json', 'model.safetensors', 'generation_config.json', 'checksums.json']);
    expect(decodeCheckpoint(Object.fromEntries(noState)).state).toBeUndefined();
  });

  it('a checksum index catches a flipped bit, a truncation and a missing file, naming the file', () => {
    const files = encodeCheckpoint(GPT2, distinctParams(GPT2), state());
    const flipped = new Map(files);
    const model = files.get('model.safetensors')!.slice();
    model[model.length - 3] ^= 0x10;
    flipped.set('model.safetensors', model);
    expect(() => decodeCheckpoint(flipped, 'ckpt')).toThrow(/^ckpt\/model\.safetensors: checksum [0-9a-f]{32} differs from [0-9a-f]{32} recorded in ckpt\/checksums\.json/);
    const short = new Map(files).set('training_state.json', files.get('training_state.json')!.subarray(1));
    expect(() => decodeCheckpoint(short, 'ckpt')).toThrow(/^ckpt\/training_state\.json: \d+ bytes, ckpt\/checksums\.json recorded \d+/);
    const gone = new Map([...files].filter(([n]) => n !== 'training_state.json'));
    expect(() => decodeCheckpoint(gone, 'ckpt')).toThrow('ckpt/training_state.json: missing, but ckpt/checksums.json lists it');
    const err = errorOf(() => decodeCheckpoint(flipped, 'ckpt')) as FormatError;
    expect(err).toBeInstanceOf(FormatError);
    expect(err.file).toBe('ckpt/model.safetensors');
  });

  it('decoding names the missing or broken file', () => {
    // Without the checksum index, which would catch every change below first.
    const files = new Map([...encodeCheckpoint(GPT2, distinctParams(GPT2), state())].filter(([n]) => n !== 'checksums.json'));
    const without = (name: string) => new Map([...files].filter(([n]) => n !== name));
    expect(() => decodeCheckpoint(without('config.json'), 'ckpt')).toThrow('ckpt/config.json: missing');
    expect(() => decodeCheckpoint(without('model.safetensors'), 'ckpt')).toThrow('ckpt/model.safetensors: missing');
    expect(() => decodeCheckpoint(without('training_state.json'), 'ckpt')).toThrow('ckpt/training_state.json: missing, but training_state.safetensors is there');
    expect(() => decodeCheckpoint(without('training_state.safetensors'), 'ckpt')).toThrow('ckpt/training_state.safetensors: missing, but training_state.json is there');
    const broken = new Map(files).set('config.json', new TextEncoder().encode('{"n_embd": '));
    expect(() => decodeCheckpoint(broken, 'ckpt')).toThrow('ckpt/config.json: not valid JSON');
    const future = new Map(files).set('training_state.json', new TextEncoder().encode('{"format": "wasm-gpt-training-state", "version": 9, "meta": {}}'));
    expect(() => decodeCheckpoint(future, 'ckpt')).toThrow('ckpt/training_state.json: training state version 9, this library reads 1');
    // found by the fuzz campaign: an epsilon GPTConfig refuses, and a negative AdamW second moment
    const eps = new Map(files).set('config.json', new TextEncoder().encode(JSON.stringify({ ...configToHF(GPT2), layer_norm_epsilon: 16 })));
    expect(() => decodeCheckpoint(eps, 'ckpt')).toThrow('ckpt/config.json: layer_norm_epsilon must be a number in (0, 1)');
    const n = paramLayout(GPT2).total;
    const trainerMeta = {
      format: 'wasm-gpt-trainer-1', step: 1, skippedSteps: 0, seed: 0, batchSize: 1, blockSize: 2, gradAccumSteps: 1,
      loader: { order: 'random', rng: [1, 2, 3, 4], epoch: 0, cursor: 0 },
    };
    const v = new Float32Array(n);
    v[5] = -1;
    const negative = new Map([...encodeCheckpoint(GPT2, distinctParams(GPT2), { tensors: { 'adamw.m': new Float32Array(n), 'adamw.v': v }, meta: trainerMeta })].filter(([k]) => k !== 'checksums.json'));
    expect(() => decodeCheckpoint(negative, 'ckpt')).toThrow('ckpt/training_state.safetensors: tensor adamw.v element 5 is -1, but second moments are ≥ 0');
    const foreign = new Map(files).set('training_state.json', new TextEncoder().encode('{"step": 3}'));
    expect(() => decodeCheckpoint(foreign, 'ckpt')).toThrow('ckpt/training_state.json: not a wasm-gpt training state');
    // a config that disagrees with the weights
    const wider = new Map(files).set('config.json', new TextEncoder().encode(JSON.stringify({ ...configToHF(GPT2), n_embd: 8 })));
    expect(() => decodeCheckpoint(wider, 'ckpt')).toThrow('ckpt/model.safetensors: tensors do not match the config');
    const model = files.get('model.safetensors')!;
    const truncated = new Map(files).set('model.safetensors', model.subarray(0, model.length - 4));
    expect(() => decodeCheckpoint(truncated, 'ckpt')).toThrow('ckpt/model.safetensors: tensor "transformer.ln_f.bias": data_offsets');
    expect(() => encodeCheckpoint(GPT2, new Float32Array(3))).toThrow(ShapeError);
  });
});

describe('Node checkpoint directories (atomic save)', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'wasm-gpt-ckpt-'));
    Object.assign(fault, { write: '', rename: '', renameOnce: true });
  });
  afterEach(async () => {
    Object.assign(fault, { write: '', rename: '', renameOnce: true });
    await rm(root, { recursive: true, force: true });
  });

  const paramsA = distinctParams(GPT2);
  const paramsB = paramsA.map((x) => -2 * x);

  it('saves and loads, and a second save replaces the first, leaving no temp or old directory', async () => {
    const dir = join(root, 'run', 'ckpt');
    await saveCheckpointDir(dir, GPT2, paramsA, { tensors: { m: new Float32Array([1, 2]) }, meta: { step: 1 } });
    expect((await readdir(dir)).sort()).toEqual(['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors', 'training_state.json', 'training_state.safetensors']);
    const a = await loadCheckpointDir(dir);
    expect(bitsEqual(a.params, paramsA)).toBe(true);
    expect(a.state!.meta).toEqual({ step: 1 });
    // the written config.json is the HF config, human-readable (no tokenizer given: no bos/eos ids)
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'))).toEqual({ ...configToHF(GPT2), bos_token_id: null, eos_token_id: null });

    await saveCheckpointDir(dir, GPT2, paramsB);
    const b = await loadCheckpointDir(dir);
    expect(bitsEqual(b.params, paramsB)).toBe(true);
    expect(b.state).toBeUndefined(); // the old training state does not leak into the new checkpoint
    expect((await readdir(join(root, 'run'))).sort()).toEqual(['ckpt']);
  });

  it('a write that fails mid-save leaves the old checkpoint intact and removes the temp directory', async () => {
    const dir = join(root, 'ckpt');
    await saveCheckpointDir(dir, GPT2, paramsA);
    fault.write = 'model.safetensors'; // config.json is written, then the disk "fills up"
    const e = await saveCheckpointDir(dir, GPT2, paramsB).then(() => null, (err: Error) => err);
    expect(e).toBeInstanceOf(WasmGptError);
    expect(e!.message).toContain(`saving checkpoint ${dir}: writing ${join(`${dir}.tmp`, 'model.safetensors')} failed: ENOSPC`);
    fault.write = '';
    expect(bitsEqual((await loadCheckpointDir(dir)).params, paramsA)).toBe(true);
    expect((await readdir(root)).sort()).toEqual(['ckpt']);
  });

  it('a failed rename into place puts the old checkpoint back', async () => {
    const dir = join(root, 'ckpt');
    await saveCheckpointDir(dir, GPT2, paramsA);
    fault.rename = dir; // the rename ckpt.tmp → ckpt fails once (ckpt → ckpt.old went through)
    await expect(saveCheckpointDir(dir, GPT2, paramsB)).rejects.toThrow('renaming ckpt.tmp into place failed');
    expect(bitsEqual((await loadCheckpointDir(dir)).params, paramsA)).toBe(true);
    expect((await readdir(root)).sort()).toEqual(['ckpt']);
  });

  it('when putting the old checkpoint back fails as well, load still finds it in <dir>.old', async () => {
    const dir = join(root, 'ckpt');
    await saveCheckpointDir(dir, GPT2, paramsA);
    fault.rename = dir;
    fault.renameOnce = false; // every rename onto ckpt fails, the rollback's too
    await expect(saveCheckpointDir(dir, GPT2, paramsB)).rejects.toThrow(WasmGptError);
    fault.rename = '';
    expect((await readdir(root)).sort()).toEqual(['ckpt.old']);
    expect(bitsEqual((await loadCheckpointDir(dir)).params, paramsA)).toBe(true);
  });

  it('after a crash between the two renames, load falls back to <dir>.old and the next save completes', async () => {
    const dir = join(root, 'ckpt');
    await saveCheckpointDir(dir, GPT2, paramsA);
    // the state a crash right after "rename ckpt → ckpt.old" leaves: no ckpt, a complete ckpt.old, a complete ckpt.tmp
    await realRename(dir, `${dir}.old`);
    await mkdir(`${dir}.tmp`);
    expect(bitsEqual((await loadCheckpointDir(dir)).params, paramsA)).toBe(true);
    await saveCheckpointDir(dir, GPT2, paramsB);
    expect(bitsEqual((await loadCheckpointDir(dir)).params, paramsB)).toBe(true);
    expect((await readdir(root)).sort()).toEqual(['ckpt']);
  });

  it('loading a missing directory or a directory without a model names the path', async () => {
    await expect(loadCheckpointDir(join(root, 'nope'))).rejects.toThrow(`${join(root, 'nope')}: no checkpoint directory there`);
    const dir = join(root, 'partial');
    await saveCheckpointDir(dir, GPT2, paramsA);
    await rm(join(dir, 'model.safetensors'));
    await expect(loadCheckpointDir(dir)).rejects.toThrow(`${dir}/model.safetensors: missing`);
    expect((await stat(dir)).isDirectory()).toBe(true);
  });
});

/** An in-memory OPFS directory tree with the File System Access semantics the helpers rely on. */
class MemoryDirectory implements OPFSDirectory {
  readonly files = new Map<string, Uint8Array>();
  readonly dirs = new Map<string, MemoryDirectory>();
  constructor(readonly withMove: boolean, readonly failWrite: { name: string } = { name: '' }) {}

  async getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<OPFSDirectory> {
    let d = this.dirs.get(name);
    if (d === undefined) {
      if (!options?.create) throw Object.assign(new Error(`${name} not found`), { name: 'NotFoundError' });
      d = new MemoryDirectory(this.withMove, this.failWrite);
      this.dirs.set(name, d);
    }
    return d;
  }

  async getFileHandle(name: string, options?: { create?: boolean }): Promise<OPFSFile> {
    if (!this.files.has(name)) {
      if (!options?.create) throw Object.assign(new Error(`${name} not found`), { name: 'NotFoundError' });
      this.files.set(name, new Uint8Array(0));
    }
    const file: OPFSFile = {
      getFile: async () => new Blob([this.files.get(name)!.slice()]),
      // like OPFS: writes go to a swap buffer that replaces the file only on close()
      createWritable: async () => {
        const chunks: Uint8Array[] = [];
        return {
          write: async (data: Uint8Array) => {
            if (name === this.failWrite.name) throw Object.assign(new Error('quota exceeded'), { name: 'QuotaExceededError' });
            chunks.push(data.slice());
          },
          close: async () => {
            this.files.set(name, new Uint8Array(await new Blob(chunks).arrayBuffer()));
          },
          abort: async () => undefined,
        };
      },
    };
    if (this.withMove) {
      file.move = async (newName: string) => {
        this.files.set(newName, this.files.get(name)!);
        this.files.delete(name);
      };
    }
    return file;
  }

  async removeEntry(name: string): Promise<void> {
    if (!this.files.delete(name) && !this.dirs.delete(name)) throw Object.assign(new Error(`${name} not found`), { name: 'NotFoundError' });
  }
}

describe.each([['with move()', true], ['without move() (copy)', false]])('OPFS checkpoints %s', (_, withMove) => {
  const paramsA = distinctParams(GPT2);
  const paramsB = paramsA.map((x) => x + 1);

  it('save → load round trip; a re-save replaces the files and drops a stale training state', async () => {
    const root = new MemoryDirectory(withMove);
    await saveCheckpointOPFS('run1', GPT2, paramsA, { tensors: { m: new Float32Array([5]) }, meta: { step: 3 } }, root);
    const dir = root.dirs.get('run1')!;
    expect([...dir.files.keys()].sort()).toEqual(['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors', 'training_state.json', 'training_state.safetensors']);
    const a = await loadCheckpointOPFS('run1', root);
    expect(bitsEqual(a.params, paramsA)).toBe(true);
    expect(a.state!.meta).toEqual({ step: 3 });
    await saveCheckpointOPFS('run1', GPT2, paramsB, undefined, root);
    expect([...dir.files.keys()].sort()).toEqual(['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors']);
    expect(bitsEqual((await loadCheckpointOPFS('run1', root)).params, paramsB)).toBe(true);
    await expect(loadCheckpointOPFS('missing', root)).rejects.toThrow('OPFS missing: no such checkpoint directory');
  });

  it('a write failing before the commit marker leaves the old checkpoint; its .tmp debris is dropped', async () => {
    const fail = { name: '' };
    const root = new MemoryDirectory(withMove, fail);
    await saveCheckpointOPFS('run', GPT2, paramsA, undefined, root);
    fail.name = 'model.safetensors.tmp';
    await expect(saveCheckpointOPFS('run', GPT2, paramsB, undefined, root)).rejects.toThrow('quota exceeded');
    fail.name = '';
    const dir = root.dirs.get('run')!;
    expect([...dir.files.keys()].sort()).toEqual(['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors']);
    expect(bitsEqual((await loadCheckpointOPFS('run', root)).params, paramsA)).toBe(true);
  });

  it('an interrupted commit (marker written, one file moved) is finished by the next load', async () => {
    const root = new MemoryDirectory(withMove);
    await saveCheckpointOPFS('run', GPT2, paramsA, undefined, root);
    const dir = root.dirs.get('run')!;
    // the state a crash leaves halfway through step 2: config.json already new, model.safetensors still old
    const next = encodeCheckpoint({ ...GPT2, layerNormEps: 1e-6 }, paramsB);
    dir.files.set('config.json', next.get('config.json')!);
    dir.files.set('model.safetensors.tmp', next.get('model.safetensors')!);
    dir.files.set('checksums.json.tmp', next.get('checksums.json')!);
    dir.files.set('commit.tmp', new TextEncoder().encode(JSON.stringify(['config.json', 'model.safetensors', 'checksums.json'])));
    const loaded = await loadCheckpointOPFS('run', root);
    expect(loaded.dims.layerNormEps).toBe(1e-6);
    expect(bitsEqual(loaded.params, paramsB)).toBe(true);
    expect([...dir.files.keys()].sort()).toEqual(['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors']);
  });

  it('an unreadable commit marker counts as no commit: the old checkpoint stays', async () => {
    const root = new MemoryDirectory(withMove);
    await saveCheckpointOPFS('run', GPT2, paramsA, undefined, root);
    const dir = root.dirs.get('run')!;
    dir.files.set('model.safetensors.tmp', encodeCheckpoint(GPT2, paramsB).get('model.safetensors')!);
    dir.files.set('commit.tmp', new TextEncoder().encode('["config.js'));
    expect(bitsEqual((await loadCheckpointOPFS('run', root)).params, paramsA)).toBe(true);
    expect([...dir.files.keys()].sort()).toEqual(['checksums.json', 'config.json', 'generation_config.json', 'model.safetensors']);
  });

  it('without an OPFS root and no navigator.storage, says so', async () => {
    await expect(loadCheckpointOPFS('x')).rejects.toThrow('OPFS is not available here');
  });
});
