/** Conformance of the q8 weight ops (quantizeQ8, dequantizeQ8, matmulForwardQ8, encoderForwardQ8) on every backend. */
import { describe, expect, it } from 'vitest';
import { q8Floats } from '../src/kernels/q8-layout.js';
import { useKernelBackends, type AnyKernels } from './helpers/kernels.js';
import { bitsEqual, seeded } from './helpers/tolerance.js';

function quantize(k: AnyKernels, w: Float32Array, rows: number, cols: number): Float32Array {
  const [W, Q] = [k.from(w), k.alloc(q8Floats(rows, cols))];
  k.quantizeQ8(Q, W, rows, cols);
  const q = k.read(Q);
  k.free(W);
  k.free(Q);
  return q;
}

function dequantize(k: AnyKernels, q: Float32Array, rows: number, cols: number): Float32Array {
  const [Q, W] = [k.from(q), k.alloc(rows * cols)];
  k.dequantizeQ8(W, Q, rows, cols);
  const w = k.read(W);
  k.free(Q);
  k.free(W);
  return w;
}

function matmul(k: AnyKernels, x: Float32Array, q: Float32Array, bias: Float32Array | null, N: number, C: number, OC: number): Float32Array {
  const [X, Q, O] = [k.from(x), k.from(q), k.alloc(N * OC)];
  const Bi = bias === null ? null : k.from(bias);
  k.matmulForwardQ8(O, X, Q, Bi, N, C, OC);
  const out = k.read(O);
  for (const b of [X, Q, O, ...(Bi === null ? [] : [Bi])]) k.free(b);
  return out;
}

/** Weights with blocks of very different magnitudes (as trained layers have), so per-block scales matter. */
function weights(seed: number, rows: number, cols: number): Float32Array {
  const w = seeded(seed, rows * cols);
  for (let i = 0; i < w.length; i++) w[i] *= 2 ** ((Math.floor(i / 32) % 7) - 3);
  return w;
}

// (N, C, OC): N = 1..5 (decode, beams) and prefills; OC odd, below and across groups of 4; C one block and many.
const SHAPES: [number, number, number][] = [
  [1, 32, 1], [1, 64, 5], [2, 96, 7], [3, 128, 12], [4, 32, 3], [5, 160, 9], [1, 768, 33], [17, 64, 8], [1, 768, 3072],
  [40, 128, 301], // a prefill: inputs quantized in parallel, rows two at a time plus an odd one
];

describe('q8', () => {
  const backends = useKernelBackends();

  it('quantizeQ8 is bitwise the same on every backend, and dequantizes within half a step of each block', () => {
    for (const [rows, cols] of [[1, 32], [3, 64], [7, 96], [64, 768]]) {
      const w = weights(rows * 7 + cols, rows, cols);
      const [first, ...rest] = backends().map(({ name, k }) => ({ name, q: quantize(k, w, rows, cols), k }));
      for (const { name, q } of rest) expect(bitsEqual(q, first.q), `${name} vs ${first.name} ${rows}x${cols}`).toBe(true);
      const back = dequantize(first.k, first.q, rows, cols);
      for (let r = 0; r < rows; r++) {
        for (let b = 0; b < cols / 32; b++) {
          let amax = 0;
          for (let i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(w[r * cols + b * 32 + i]));
          for (let i = 0; i < 32; i++) {
            const at = r * cols + b * 32 + i;
            expect(Math.abs(back[at] - w[at]), `[${r},${b * 32 + i}]`).toBeLessThanOrEqual((amax / 127) * 0.5 * (1 + 1e-6));
          }
        }
      }
      for (const { name, k } of backends()) expect(bitsEqual(dequantize(k, first.q, rows, cols), back), `dequantize ${name}`).toBe(true);
    }
  });

  it('matmulForwardQ8 is bitwise the same on every backend and close to the float product of its weights', () => {
    for (const [N, C, OC] of SHAPES) {
      const w = weights(N + C + OC, OC, C);
      const x = seeded(C * 3 + N, N * C);
      const bias = seeded(OC, OC);
      const [{ k: k0 }] = backends();
      const q = quantize(k0, w, OC, C);
      const deq = dequantize(k0, q, OC, C);
      for (const b of [null, bias]) {
        const outs = backends().map(({ name, k }) => ({ name, out: matmul(k, x, q, b, N, C, OC) }));
        for (const { name, out } of outs.slice(1)) {
          expect(bitsEqual(out, outs[0].out), `${name} vs ${outs[0].name} ${N}x${C}x${OC} bias ${b !== null}`).toBe(true);
        }
        // Against the dequantized weights in float64: the int16 inputs are off by ≤ half a step of
        // max|x_block| / 32767, so an output by ≤ Σ |w|·step/2, plus float32 rounding of the block sums.
        const got = outs[0].out;
        for (let n = 0; n < N; n++) {
          for (let o = 0; o < OC; o++) {
            let want = b === null ? 0 : b[o];
            let bound = 1e-6 * (1 + Math.abs(want));
            for (let blk = 0; blk < C / 32; blk++) {
              let xmax = 0;
              for (let i = 0; i < 32; i++) xmax = Math.max(xmax, Math.abs(x[n * C + blk * 32 + i]));
              for (let i = 0; i < 32; i++) {
                const kk = blk * 32 + i;
                want += deq[o * C + kk] * x[n * C + kk];
                bound += Math.abs(deq[o * C + kk]) * (xmax / 32767) * 0.5 + 4 * 2 ** -24 * Math.abs(deq[o * C + kk] * x[n * C + kk]);
              }
            }
            const err = Math.abs(got[n * OC + o] - want);
            if (!(err <= bound)) throw new Error(`${N}x${C}x${OC} [${n},${o}]: |Δ| ${err} > bound ${bound}`);
          }
        }
      }
    }
  });

  it('a row gives the same outputs alone as inside a batch (prefill and decode agree)', () => {
    const [N, C, OC] = [6, 256, 70];
    const q = quantize(backends()[0].k, weights(1, OC, C), OC, C);
    const x = seeded(2, N * C);
    for (const { name, k } of backends()) {
      const all = matmul(k, x, q, null, N, C, OC);
      for (const n of [0, 3, 5]) {
        expect(bitsEqual(matmul(k, x.subarray(n * C, (n + 1) * C), q, null, 1, C, OC), all.subarray(n * OC, (n + 1) * OC)), `${name} row ${n}`).toBe(true);
      }
    }
  });

  it('encoderForwardQ8 adds the dequantized token row to its position, bitwise on every backend', () => {
    const [B, T, C, V] = [2, 5, 96, 11];
    const [{ k: k0 }] = backends();
    const q = quantize(k0, weights(3, V, C), V, C);
    const deq = dequantize(k0, q, V, C);
    const wpe = seeded(4, T * C);
    const tokens = Int32Array.from([10, 0, 3, 3, 7, 1, 10, 2, 9, 4]);
    const want = new Float32Array(B * T * C);
    for (let i = 0; i < B * T; i++) for (let c = 0; c < C; c++) want[i * C + c] = deq[tokens[i] * C + c] + wpe[(i % T) * C + c];
    for (const { name, k } of backends()) {
      const [I, E, P, O] = [k.fromI32(tokens), k.from(q), k.from(wpe), k.alloc(B * T * C)];
      k.encoderForwardQ8(O, I, E, P, B, T, C, V);
      expect(bitsEqual(k.read(O), want), name).toBe(true);
      for (const b of [I, E, P, O]) k.free(b);
    }
  });
});
