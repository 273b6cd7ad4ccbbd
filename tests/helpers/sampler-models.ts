/**
 * Small models for the sampler tests: trained for a few hundred steps on a repeating text so their logits
 * are peaked (greedy and beam search then follow the text, and ties are impossible), or random with large
 * weights (for exhaustive beam checks over a tiny vocabulary).
 */
import { GPTEngine } from '../../src/model/engine.js';
import type { ModelDims } from '../../src/model/layout.js';
import type { Tokenizer } from '../../src/tokenizer/types.js';
import type { AnyKernels } from './kernels.js';

export const DIMS_BASE: Omit<ModelDims, 'vocabSize'> = {
  blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 32, activation: 'gelu', norm: 'pre', positional: 'learned',
  bias: true, tieEmbeddings: true, dropout: 0, layerNormEps: 1e-5,
};

/** Host parameters of a model trained on `text` (next-token prediction, AdamW, fixed data order). */
export function trainOn(k: AnyKernels, tokenizer: Tokenizer, text: string, steps = 150, dims: Partial<ModelDims> = {}): { dims: ModelDims; params: Float32Array } {
  const full: ModelDims = { ...DIMS_BASE, vocabSize: tokenizer.vocabSize, ...dims };
  const [B, T] = [8, full.blockSize];
  const ids = tokenizer.encode(text);
  const e = new GPTEngine(k, full, B, T);
  e.initGpt2(1);
  let s = 7;
  for (let step = 1; step <= steps; step++) {
    const x: number[] = [];
    const y: number[] = [];
    for (let b = 0; b < B; b++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const o = s % (ids.length - T - 1);
      x.push(...ids.slice(o, o + T));
      y.push(...ids.slice(o + 1, o + T + 1));
    }
    e.zeroGrad();
    e.forward(x, y);
    e.backward();
    e.update({ lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0 }, step);
  }
  const params = k.read(e.params);
  e.free();
  return { dims: full, params };
}

/** Host parameters of a random model with weights 8× GPT-2's init (peaked, distinct scores). */
export function randomModel(k: AnyKernels, dims: ModelDims, seed: number): Float32Array {
  const e = new GPTEngine(k, dims, 1, dims.blockSize);
  e.initGpt2(seed);
  const p = k.read(e.params);
  for (const t of e.layout.tensors.values()) {
    for (let i = 0; i < t.size; i++) p[t.offset + i] = t.name.startsWith('ln') ? 1 + 0.1 * Math.sin(i) : 8 * p[t.offset + i];
  }
  e.free();
  return p;
}

/** Logits (T, V) of one sequence by the training engine's full forward: the no-cache reference. */
export function fullForwardLogits(k: AnyKernels, dims: ModelDims, params: Float32Array, seq: number[]): Float32Array {
  const e = new GPTEngine(k, dims, 1, seq.length, k.from(params), true);
  e.forward(seq);
  const logits = k.read(e.a('logits'));
  k.free(e.params);
  e.free();
  return logits;
}
