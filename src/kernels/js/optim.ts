import { ShapeError } from '../../errors.js';
/**
 * Pure-TypeScript optimizer ops, bit for bit the wasm ones (crate/src/ops/optim.rs): every AdamW operation is
 * done in float64 and rounded to float32 with Math.fround right after (for +, −, ×, ÷ and √ of float32
 * operands that equals the float32 operation), the bias corrections use the same repeated squaring, and the
 * gradient norm sums in the same fixed chunks and lanes.
 */
import type { JsKernels } from '../types.js';

/** Elements per partial sum of the gradient norm. Must match `CHUNK` in crate/src/ops/optim.rs. */
const NORM_CHUNK = 1 << 14;

/** x^n by binary exponentiation (the same products as `pow_by_squaring` in optim.rs). */
export function powBySquaring(x: number, n: number): number {
  let base = x;
  let acc = 1;
  for (let k = n >>> 0; k > 0; k >>>= 1) {
    if (k & 1) acc *= base;
    base *= base;
  }
  return acc;
}

export function jsOptimOps(): Pick<JsKernels, 'adamw' | 'gradNorm' | 'scale'> {
  return {
    adamw(params, grads, m, v, N, decayRanges, R, lr, beta1, beta2, eps, weightDecay, step) {
      if (!(step >= 1)) throw new ShapeError(`adamw: step counts from 1, got ${step}`);
      const f = Math.fround;
      const b1 = f(beta1), b2 = f(beta2), lr32 = f(lr), eps32 = f(eps);
      const omb1 = f(1 - b1), omb2 = f(1 - b2);
      const bc1 = f(1 - powBySquaring(b1, step)), bc2 = f(1 - powBySquaring(b2, step));
      const lrwd = f(lr32 * f(weightDecay));
      const inRange = (i: number) => {
        for (let r = 0; r < R; r++) if (decayRanges[2 * r] <= i && i < decayRanges[2 * r + 1]) return true;
        return false;
      };
      let i = 0;
      while (i < N) {
        // One span with the same decay on/off: up to the next range boundary.
        const decay = inRange(i);
        let next = N;
        for (let r = 0; r < 2 * R; r++) {
          const b = decayRanges[r];
          if (b > i && b < next) next = b;
        }
        for (; i < next; i++) {
          const g = grads[i];
          const mi = f(f(b1 * m[i]) + f(omb1 * g));
          const vi = f(f(b2 * v[i]) + f(f(omb2 * g) * g));
          m[i] = mi;
          v[i] = vi;
          const mHat = f(mi / bc1), vHat = f(vi / bc2);
          let p = params[i];
          if (decay) p = f(p - f(lrwd * p));
          params[i] = f(p - f(lr32 * f(mHat / f(f(Math.sqrt(vHat)) + eps32))));
        }
      }
    },

    gradNorm(grads, N) {
      let total = 0;
      for (let i0 = 0; i0 < N; i0 += NORM_CHUNK) {
        const i1 = Math.min(i0 + NORM_CHUNK, N);
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        let i = i0;
        for (; i + 4 <= i1; i += 4) {
          const x0 = grads[i], x1 = grads[i + 1], x2 = grads[i + 2], x3 = grads[i + 3];
          a0 += x0 * x0; a1 += x1 * x1; a2 += x2 * x2; a3 += x3 * x3;
        }
        // Tail: element j of the tail into accumulator j, as in the Rust chunk sum.
        if (i < i1) { a0 += grads[i] * grads[i]; i++; }
        if (i < i1) { a1 += grads[i] * grads[i]; i++; }
        if (i < i1) { a2 += grads[i] * grads[i]; i++; }
        total += (a0 + a1) + (a2 + a3);
      }
      return Math.sqrt(total);
    },

    scale(buf, N, s) {
      const s32 = Math.fround(s);
      for (let i = 0; i < N; i++) buf[i] *= s32;
    },
  };
}
