/**
 * The KV-cache inference session against the training engine's full forward: at every step, the logits of
 * the incremental decode equal those the full forward computes at that position.
 *
 * Tolerance: |Δ| ≤ 2e-5 + 2e-5·|logit|. Both sides are float32 and compute the same function, but in
 * different summation orders (decode-time products take the matrix-vector path, cached attention reduces
 * over keys in its own blocks): each op differs by a few ulps, and two layers plus the classifier carry that
 * to ≤ 4e-7·(1 + |logit|) measured here, so the bound leaves a 50× margin. It still catches a wrong
 * position, a stale cache row or a missing LayerNorm, which move logits by > 1e-2.
 */
import { describe, expect, it } from 'vitest';
import { GPTEngine } from '../src/model/engine.js';
import { InferenceSession, kvCacheFloats } from '../src/model/inference.js';
import type { ModelDims } from '../src/model/layout.js';
import { bitsEqual } from './helpers/tolerance.js';
import { expectClose } from './helpers/close.js';
import { useKernelBackends, type AnyKernels } from './helpers/kernels.js';

const TOL = { abs: 2e-5, rel: 2e-5 };
const BASE: ModelDims = {
  vocabSize: 23, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 16, activation: 'gelu', norm: 'pre',
  positional: 'learned', bias: true, tieEmbeddings: true, dropout: 0, layerNormEps: 1e-5,
};
const VARIANTS: [string, Partial<ModelDims>][] = [
  ['GPT-2: pre-norm, GELU, learned positions, tied', {}],
  ['post-norm, ReLU, sinusoidal, untied, no bias', { norm: 'post', activation: 'relu', positional: 'sinusoidal', tieEmbeddings: false, bias: false }],
];

/** An engine of batch B, length blockSize, with weights large enough that every path carries signal. */
function engine(k: AnyKernels, dims: ModelDims, B: number) {
  const e = new GPTEngine(k, dims, B, dims.blockSize);
  e.initGpt2(77);
  const p = k.read(e.params);
  for (let i = 0; i < p.length; i++) p[i] *= 8;
  for (const t of e.layout.tensors.values()) if (t.name.startsWith('ln')) for (let i = 0; i < t.size; i++) p[t.offset + i] = 1 + 0.1 * Math.sin(i);
  k.write(e.params, p);
  return e;
}

/** Full-forward logits (B·T, V) of sequences padded to the engine's T (causal: padding never matters). */
function fullLogits(e: GPTEngine<unknown, unknown>, seqs: number[][]): Float32Array {
  const T = e.T;
  e.forward(seqs.flatMap((s) => [...s, ...Array<number>(T - s.length).fill(0)]));
  return e.k.read(e.a('logits'));
}

const row = (logits: Float32Array, V: number, r: number) => logits.subarray(r * V, (r + 1) * V);

describe('KV-cache inference session', () => {
  const backends = useKernelBackends();

  it.each(VARIANTS)('%s: prefill then decode gives the full forward\'s logits at every step', (_, variant) => {
    const dims = { ...BASE, ...variant };
    const V = dims.vocabSize;
    const seq = [3, 17, 0, 9, 22, 5, 5, 1, 12, 8, 19, 2, 4, 6, 11, 7];
    for (const { name, k } of backends()) {
      const e = engine(k, dims, 1);
      const want = fullLogits(e, [seq]);
      for (const maxRows of [undefined, 3]) { // 3: the 5-token prefill runs in two chunks
        const s = new InferenceSession({ kernels: k, config: dims, params: e.params }, { maxRows });
        expectClose(s.prefill(seq.slice(0, 5)), row(want, V, 4), TOL, `${name} prefill`);
        for (let t = 5; t < seq.length; t++) {
          expectClose(s.forward([seq[t]]), row(want, V, t), TOL, `${name} step ${t} (maxRows ${maxRows})`);
        }
        expect(s.length).toBe(16);
        expect(s.history(0)).toEqual(seq);
        expect(() => s.forward([1])).toThrow(/exceed maxLength 16/);
        s.free();
      }
      e.free();
    }
  });

  it.each(VARIANTS)('%s: batched rows, beam reordering and a sliding window', (_, variant) => {
    const dims = { ...BASE, ...variant };
    const V = dims.vocabSize;
    for (const { name, k } of backends()) {
      const e = engine(k, dims, 3);
      const s = new InferenceSession({ kernels: k, config: dims, params: e.params }, { batch: 3, maxLength: 10 });
      // Three rows from one prompt, then different tokens per row.
      const seqs = [[4, 8, 15], [4, 8, 15], [4, 8, 15]];
      let logits = s.prefill(seqs[0]);
      const check = (label: string) => {
        const want = fullLogits(e, seqs);
        for (let b = 0; b < 3; b++) expectClose(row(logits, V, b), row(want, V, b * e.T + seqs[b].length - 1), TOL, `${name} ${label} row ${b}`);
      };
      check('prefill');
      for (const next of [[1, 2, 3], [16, 0, 4], [0, 0, 9]]) {
        next.forEach((t, b) => seqs[b].push(t));
        logits = s.forward(next);
        check(`decode ${next}`);
      }
      // Beam search continues rows 2, 2 and 0.
      s.reorder([2, 2, 0]);
      const [a, b, c] = [seqs[2], seqs[2], seqs[0]].map((x) => [...x]);
      seqs.splice(0, 3, a, b, c);
      for (const next of [[5, 6, 7], [8, 9, 10]]) {
        next.forEach((t, r) => seqs[r].push(t));
        logits = s.forward(next);
        check(`after reorder ${next}`);
      }
      expect(s.history(1)).toEqual(seqs[1]);
      // The cache is full (8 of 10 used, then 2 more); slide to the last 4 tokens, positions restart at 0.
      s.forward([1, 1, 1]);
      seqs.forEach((q) => q.push(1));
      logits = s.forward([2, 2, 2]);
      seqs.forEach((q) => q.push(2));
      expect(s.length).toBe(10);
      s.slide(4);
      seqs.forEach((q, r) => seqs.splice(r, 1, q.slice(-4)));
      logits = s.forward([3, 4, 5]);
      [3, 4, 5].forEach((t, r) => seqs[r].push(t));
      check('after slide');
      expect(s.length).toBe(5);
      s.free();
      e.free();
    }
  });

  it('wasm decode is bitwise identical on 1 and 2 threads; the cache size is L·B·2·maxT·C', () => {
    const dims = { ...BASE, nEmbd: 64, nHead: 4, blockSize: 64 };
    const runs = backends().filter((b) => b.name !== 'js').map(({ k }) => {
      const e = engine(k, dims, 1);
      const s = new InferenceSession({ kernels: k, config: dims, params: e.params }, { batch: 2 });
      const out = [Float32Array.from(s.prefill([1, 2, 3, 4, 5, 6, 7, 8]))];
      for (let t = 0; t < 20; t++) out.push(Float32Array.from(s.forward([t % 23, (t * 7) % 23])));
      s.free();
      e.free();
      return out;
    });
    runs[0].forEach((x, i) => expect(bitsEqual(x, runs[1][i]), `step ${i}`).toBe(true));
    expect(kvCacheFloats(dims, 2, 64)).toBe(2 * 2 * 2 * 64 * 64);
  });

  it('rejects bad input with errors that name the problem', () => {
    const [{ k }] = backends();
    const e = engine(k, BASE, 1);
    const model = { kernels: k, config: BASE, params: e.params };
    expect(() => new InferenceSession(model, { maxLength: 17 })).toThrow(/maxLength 17 exceeds the model's blockSize 16/);
    expect(() => new InferenceSession(model, { batch: 0 })).toThrow(/batch must be a positive integer, got 0/);
    expect(() => new InferenceSession({ ...model, params: k.alloc(5) })).toThrow(/params has 5 floats/);
    const s = new InferenceSession(model, { batch: 2 });
    expect(() => s.prefill([])).toThrow(/prompt is empty/);
    expect(() => s.prefill([1, 23])).toThrow(/token 23 at index 1 is not an id in \[0, 23\)/);
    expect(() => s.forward([1, 2, 3])).toThrow(/3 tokens do not split into 2 rows/);
    expect(() => s.reorder([0, 2])).toThrow(/order\[1\] = 2 is not a row in \[0, 2\)/);
    s.free();
    expect(() => s.forward([1, 1])).toThrow(/after free/);
    e.free();
  });
});
