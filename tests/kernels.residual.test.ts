/** Conformance of residualForward / residualBackward on every backend (wasm 1 thread, wasm 2 threads, JS). */
import { describe, expect, it } from 'vitest';
import { useKernelBackends, type AnyKernels } from './helpers/kernels.js';
import { bitsEqual, seeded } from './helpers/tolerance.js';
import { dot64, gradCheck } from './helpers/close.js';

function forward(k: AnyKernels, a: Float32Array, b: Float32Array): Float32Array {
  const [A, B, O] = [k.from(a), k.from(b), k.alloc(a.length)];
  k.residualForward(O, A, B, a.length);
  const out = k.read(O);
  k.free(A); k.free(B); k.free(O);
  return out;
}

/** Runs the backward `times` times on gradients starting at d1, d2. */
function backward(k: AnyKernels, d1: Float32Array, d2: Float32Array, g: Float32Array, times = 1): [Float32Array, Float32Array] {
  const [D1, D2, G] = [k.from(d1), k.from(d2), k.from(g)];
  for (let i = 0; i < times; i++) k.residualBackward(D1, D2, G, g.length);
  const res: [Float32Array, Float32Array] = [k.read(D1), k.read(D2)];
  k.free(D1); k.free(D2); k.free(G);
  return res;
}

describe('residual', () => {
  const backends = useKernelBackends();

  it('matches the float64 definition (one rounding: exact) for edge sizes', () => {
    for (const { name, k } of backends()) {
      for (const n of [1, 3, 4, 5, 17, 1000, 16 * 1024 + 3]) {
        const [a, b, g] = [seeded(n, n), seeded(n + 1, n), seeded(n + 2, n)];
        const want = Float32Array.from(a, (x, i) => x + b[i]);
        expect(bitsEqual(forward(k, a, b), want), `${name} forward n=${n}`).toBe(true);
        const [d1, d2] = backward(k, a, b, g);
        expect(bitsEqual(d1, Float32Array.from(a, (x, i) => x + g[i])), `${name} dinp1 n=${n}`).toBe(true);
        expect(bitsEqual(d2, Float32Array.from(b, (x, i) => x + g[i])), `${name} dinp2 n=${n}`).toBe(true);
      }
    }
  });

  it('hand-computed case, in place, and N = 0', () => {
    for (const { name, k } of backends()) {
      const A = k.from([1, 2, 3, 4, 5]);
      const B = k.from([0.5, -2, 0.25, 10, -5]);
      k.residualForward(A, A, B, 5); // x += f(x)
      expect(Array.from(k.read(A)), name).toEqual([1.5, 0, 3.25, 14, 0]);
      k.residualForward(A, B, B, 0);
      expect(Array.from(k.read(A)), `${name} N = 0 writes nothing`).toEqual([1.5, 0, 3.25, 14, 0]);
      k.free(A); k.free(B);
    }
  });

  it('accumulates: two backward calls double the gradients', () => {
    for (const { name, k } of backends()) {
      const g = seeded(7, 101);
      const [d1, d2] = backward(k, new Float32Array(101), new Float32Array(101), g, 2);
      const twice = g.map((x) => 2 * x);
      expect(bitsEqual(d1, twice) && bitsEqual(d2, twice), name).toBe(true);
    }
  });

  it('wasm on 1 and 2 threads agree bit for bit on a shape that goes parallel', () => {
    const n = 1_100_000; // the export's work estimate N must reach 2^20 for the pool to be used
    const [a, b, g] = [seeded(11, n), seeded(12, n), seeded(13, n)];
    const runs = backends().filter((x) => x.k.backend === 'wasm').map(({ k }) => [forward(k, a, b), ...backward(k, a, b, g)]);
    expect(runs.length).toBe(2);
    for (let j = 0; j < 3; j++) expect(bitsEqual(runs[0][j], runs[1][j]), `tensor ${j}`).toBe(true);
  });

  it('JS backward passes a finite-difference check', () => {
    const js = backends().find((x) => x.name === 'js')!.k;
    const [a, b, w] = [seeded(21, 9), seeded(22, 9), seeded(23, 9)];
    const [da, db] = backward(js, new Float32Array(9), new Float32Array(9), w);
    const out = new Float32Array(9);
    const loss = () => (js.residualForward(out, a, b, 9), dot64(w, out));
    gradCheck('dinp1', a, da, loss);
    gradCheck('dinp2', b, db, loss);
  });
});
