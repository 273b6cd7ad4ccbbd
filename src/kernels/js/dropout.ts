import { ShapeError } from '../../errors.js';
/**
 * Pure-TypeScript dropout (same semantics and the same bits as crate/src/ops/dropout.rs): element i is kept
 * when dropoutUniform(seed, offset + i) ≥ p and then multiplied by float32(1/(1 − p)); dropped elements are
 * multiplied by 0. A float32 × float32 product is exact in float64, so storing it rounds exactly like the
 * wasm f32 multiply. In place allowed; p = 0 copies.
 */
import { dropoutUniform } from '../types.js';
import type { JsKernels } from '../types.js';

function applyMask(fn: string, out: Float32Array, inp: Float32Array, N: number, p: number, seed: number, offset: number): void {
  if (!(p >= 0 && p < 1)) throw new ShapeError(`${fn}: p must be in [0, 1), got ${p}`);
  if (p === 0) {
    if (out !== inp) out.set(inp.subarray(0, N));
    return;
  }
  const scale = Math.fround(1 / (1 - p));
  const s = seed >>> 0;
  const o = offset >>> 0;
  for (let i = 0; i < N; i++) out[i] = inp[i] * (dropoutUniform(s, o + i) >= p ? scale : 0);
}

export function jsDropoutOps(): Pick<JsKernels, 'dropoutForward' | 'dropoutBackward'> {
  return {
    dropoutForward: (out, inp, N, p, seed, offset) => applyMask('dropoutForward', out, inp, N, p, seed, offset),
    // forward: out = inp · mask  ⇒  dinp = dout · mask (written, not accumulated)
    dropoutBackward: (dinp, dout, N, p, seed, offset) => applyMask('dropoutBackward', dinp, dout, N, p, seed, offset),
  };
}
