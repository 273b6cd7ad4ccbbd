import { describe, expect, it } from 'vitest';
import { GPTEngine } from '../src/model/engine.js';
import type { ModelDims } from '../src/model/layout.js';
import { bitsEqual, expectClose, TOL, withinTol } from './helpers/tolerance.js';
import { useKernelBackends, type AnyKernels } from './helpers/kernels.js';

const BASE: ModelDims = {
  vocabSize: 11, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8, activation: 'gelu', norm: 'pre',
  positional: 'learned', bias: true, tieEmbeddings: true, dropout: 0, layerNormEps: 1e-5,
};
const VARIANTS: [string, Partial<ModelDims>][] = [
  ['GPT-2: pre-norm, GELU, learned positions, tied', {}],
  ['original Transformer: post-norm, ReLU, sinusoidal, untied, no bias', { norm: 'post', activation: 'relu', positional: 'sinusoidal', tieEmbeddings: false, bias: false }],
  ['pre-norm with dropout', { dropout: 0.1 }],
];
const B = 2;
const T = 5;
const tokens = [1, 4, 2, 9, 0, 3, 3, 7, 10, 5];
const targets = [4, 2, 9, 0, 6, 3, 7, -1, 5, 1];

function engine(k: AnyKernels, dims: ModelDims) {
  const e = new GPTEngine(k, dims, B, T);
  e.initGpt2(1234);
  // Larger weights than GPT-2's init so every path carries signal at this tiny size.
  const p = k.read(e.params);
  for (let i = 0; i < p.length; i++) p[i] *= 10;
  for (const t of e.layout.tensors.values()) if (t.name.startsWith('ln')) for (let i = 0; i < t.size; i++) p[t.offset + i] = 1 + 0.1 * Math.sin(i + t.offset);
  k.write(e.params, p);
  return e;
}

describe('GPT engine (forward, backward, AdamW) on every backend', () => {
  const backends = useKernelBackends();

  it.each(VARIANTS)('%s: gradients match finite differences of the loss', (_, variant) => {
    const dims = { ...BASE, ...variant };
    for (const { name, k } of backends()) {
      const e = engine(k, dims);
      const training = dims.dropout > 0;
      e.zeroGrad();
      e.forward(tokens, targets, training, 99);
      e.backward();
      const grads = k.read(e.grads);
      const params = k.read(e.params);
      const h = 1e-2;
      let checked = 0;
      for (const t of e.layout.tensors.values()) {
        for (const j of [0, Math.floor(t.size / 2), t.size - 1]) {
          const i = t.offset + j;
          const orig = params[i];
          k.write(e.params, [orig + h], i);
          const up = e.forward(tokens, targets, training, 99);
          k.write(e.params, [orig - h], i);
          const down = e.forward(tokens, targets, training, 99);
          k.write(e.params, [orig], i);
          const fd = (up - down) / (2 * h);
          expect(withinTol(grads[i], fd, TOL.MODEL_FINITE_DIFF), `${name} d${t.name}[${j}]: analytic ${grads[i]}, numeric ${fd}`).toBe(true);
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(30);
      e.free();
    }
  });

  it.each(VARIANTS)('%s: wasm and JS agree; wasm is bitwise identical on 1 and 2 threads', (_, variant) => {
    const dims = { ...BASE, ...variant };
    const results = backends().map(({ name, k }) => {
      const e = engine(k, dims);
      e.zeroGrad();
      const loss = e.forward(tokens, targets, dims.dropout > 0, 5);
      e.backward();
      const out = { name, loss, grads: k.read(e.grads) };
      e.free();
      return out;
    });
    const [one, two, js] = results;
    expect(one.loss).toBe(two.loss);
    expect(bitsEqual(one.grads, two.grads)).toBe(true);
    expect(Math.abs(one.loss - js.loss)).toBeLessThan(1e-4 * Math.abs(js.loss));
    expectClose('wasm vs JS gradients', one.grads, js.grads, TOL.BACKENDS);
  });

  it('a few AdamW steps drive the loss of a fixed batch down, identically on 1 and 2 threads', () => {
    const losses = backends().map(({ k }) => {
      const e = engine(k, BASE);
      const out: number[] = [];
      for (let step = 1; step <= 10; step++) {
        e.zeroGrad();
        out.push(e.forward(tokens, targets));
        e.backward();
        e.clipGradients(1.0);
        e.update({ lr: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 }, step);
      }
      e.free();
      return out;
    });
    expect(losses[0]).toEqual(losses[1]);
    expect(losses[0][9]).toBeLessThan(0.7 * losses[0][0]);
    for (let i = 0; i < 10; i++) expect(Math.abs(losses[0][i] - losses[2][i])).toBeLessThan(1e-3 * losses[2][i] + 1e-4);
  });
});

describe('gradient clipping', () => {
  it('follows PyTorch clip_grad_norm_: coefficient maxNorm / (norm + 1e-6), applied whenever it is below 1', async () => {
    const { createJsKernels } = await import('../src/kernels/index.js');
    const k = createJsKernels();
    const e = new GPTEngine(k, BASE, 1, 2);
    const n = e.layout.total;
    const clipAt = (norm: number, maxNorm: number) => {
      const g = new Float32Array(n);
      g[0] = norm; // one non-zero gradient: its value is the norm
      k.write(e.grads, g);
      const reported = e.clipGradients(maxNorm);
      return { reported, after: k.read(e.grads)[0] };
    };
    // just under maxNorm: torch still scales (by ~0.9999995)
    const near = clipAt(0.9999995, 1);
    expect(near.reported).toBeCloseTo(0.9999995, 7);
    expect(near.after).toBe(Math.fround(Math.fround(0.9999995) * Math.fround(1 / (Math.fround(0.9999995) + 1e-6))));
    expect(near.after).toBeLessThan(Math.fround(0.9999995));
    // well under: untouched; above: scaled to maxNorm / (norm + 1e-6)
    expect(clipAt(0.5, 1).after).toBe(0.5);
    expect(clipAt(4, 1).after).toBeCloseTo(4 / (4 + 1e-6), 6);
    expect(clipAt(4, Infinity).after).toBe(4);
    e.free();
  });
});
