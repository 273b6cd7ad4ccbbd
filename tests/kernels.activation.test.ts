/** Conformance of GELU (tanh approximation) and ReLU, forward and backward, on every backend. */
import { describe, expect, it } from 'vitest';
import { useKernelBackends, type AnyKernels } from './helpers/kernels.js';
import { bitsEqual, seeded } from './helpers/tolerance.js';
import { dot64, expectClose, gradCheck, type Tol } from './helpers/close.js';

// ---- float64 definitions -------------------------------------------------------------------------------
const S = Math.sqrt(2 / Math.PI);
const gelu64 = (x: number) => 0.5 * x * (1 + Math.tanh(S * (x + 0.044715 * x ** 3)));
const geluGrad64 = (x: number) => {
  const t = Math.tanh(S * (x + 0.044715 * x ** 3));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * S * (1 + 3 * 0.044715 * x * x);
};
const relu64 = (x: number) => (x < 0 ? 0 : x);
const reluGrad64 = (x: number) => (x > 0 ? 1 : 0);

// The wasm tanh is within ~1e-7 absolute of the true one; after 0.5·x·(1 + t) with |x| ≤ 6 that is ≤ 1e-6.
const GELU_TOL: Tol = { abs: 2e-6, rel: 1e-5 };

type Act = 'gelu' | 'relu';

function forward(k: AnyKernels, act: Act, x: Float32Array): Float32Array {
  const [X, O] = [k.from(x), k.alloc(x.length)];
  (act === 'gelu' ? k.geluForward : k.reluForward)(O, X, x.length);
  const out = k.read(O);
  k.free(X); k.free(O);
  return out;
}

function backward(k: AnyKernels, act: Act, d0: Float32Array, x: Float32Array, g: Float32Array, times = 1, accumulate = true): Float32Array {
  const [D, X, G] = [k.from(d0), k.from(x), k.from(g)];
  for (let i = 0; i < times; i++) (act === 'gelu' ? k.geluBackward : k.reluBackward)(D, X, G, x.length, accumulate);
  const out = k.read(D);
  k.free(D); k.free(X); k.free(G);
  return out;
}

/** Inputs over [-scale, scale) plus the special points (zeros, saturated tanh). */
function inputs(seed: number, n: number, scale: number): Float32Array {
  const x = seeded(seed, n).map((v) => v * scale);
  [0, -0, 1e-30, -12, 12, 40, -40].forEach((v, i) => { if (3 * i < n) x[3 * i] = v; });
  return x;
}

describe('activation', () => {
  const backends = useKernelBackends();

  it('overwrite mode ignores NaN in dinp and equals accumulating into zeros, bit for bit', () => {
    for (const { name, k } of backends()) {
      for (const n of [1, 5, 130, 16 * 1024 + 5]) {
        // dout = -1 at the special inputs too, so -0 products are part of the check
        const [x, g] = [inputs(n + 3, n, 6), seeded(n + 4, n).map((v, i) => (i % 3 === 0 ? -1 : v))];
        for (const act of ['gelu', 'relu'] as const) {
          const zeros = backward(k, act, new Float32Array(n), x, g);
          const over = backward(k, act, new Float32Array(n).fill(NaN), x, g, 1, false);
          expect(bitsEqual(over, zeros), `${name} ${act} n=${n}`).toBe(true);
        }
      }
    }
  });

  it('GELU matches the float64 definition for edge sizes (forward and backward)', () => {
    for (const { name, k } of backends()) {
      for (const n of [1, 2, 3, 4, 5, 7, 130, 16 * 1024 + 5]) {
        const [x, g, d0] = [inputs(n, n, 6), seeded(n + 1, n), seeded(n + 2, n)];
        expectClose(forward(k, 'gelu', x), Array.from(x, gelu64), GELU_TOL, `${name} gelu n=${n}`);
        const want = Array.from(x, (v, i) => d0[i] + geluGrad64(v) * g[i]);
        expectClose(backward(k, 'gelu', d0, x, g), want, GELU_TOL, `${name} gelu backward n=${n}`);
      }
    }
  });

  it('ReLU matches the definition exactly (NaN passes forward, gradient 0 at x ≤ 0)', () => {
    for (const { name, k } of backends()) {
      for (const n of [1, 3, 4, 9, 1001]) {
        const [x, g, d0] = [inputs(n, n, 1), seeded(n + 1, n), seeded(n + 2, n)];
        if (n > 5) x[5] = NaN;
        const out = forward(k, 'relu', x);
        expect(bitsEqual(out.map((v) => (Number.isNaN(v) ? 0 : v)), x.map((v) => (Number.isNaN(v) ? 0 : relu64(v)))), `${name} relu n=${n}`).toBe(true);
        if (n > 5) expect(out[5], `${name} relu(NaN)`).toBeNaN();
        const want = Float32Array.from(x, (v, i) => d0[i] + reluGrad64(v) * g[i]);
        expect(bitsEqual(backward(k, 'relu', d0, x, g), want), `${name} relu backward n=${n}`).toBe(true);
      }
    }
  });

  it('hand-computed values', () => {
    const x = Float32Array.of(0, 1, -1, 2, -0.5, 10, -10);
    // gelu_new and its derivative at these points, from the formula in float64 (7+ significant digits).
    const gelu = [0, 0.8411919906, -0.1588080094, 1.9545976941, -0.1542859902, 10, 0];
    const grad = [0.5, 1.0829640838, -0.0829640838, 1.0860992566, 0.1326300965, 1, 0];
    for (const { name, k } of backends()) {
      expectClose(forward(k, 'gelu', x), gelu, GELU_TOL, `${name} gelu`);
      expectClose(backward(k, 'gelu', new Float32Array(7), x, new Float32Array(7).fill(1)), grad, GELU_TOL, `${name} gelu'`);
      expect(Array.from(forward(k, 'relu', x)), `${name} relu`).toEqual([0, 1, 0, 2, 0, 10, 0]);
      expect(Array.from(backward(k, 'relu', new Float32Array(7), x, new Float32Array(7).fill(3))), `${name} relu'`)
        .toEqual([0, 3, 0, 3, 0, 3, 0]);
    }
  });

  it('accumulates: two backward calls double the gradient', () => {
    for (const { name, k } of backends()) {
      for (const act of ['gelu', 'relu'] as const) {
        const [x, g] = [inputs(31, 203, 4), seeded(32, 203)];
        const once = backward(k, act, new Float32Array(203), x, g);
        const twice = backward(k, act, new Float32Array(203), x, g, 2);
        expect(bitsEqual(twice, once.map((v) => 2 * v)), `${name} ${act}`).toBe(true);
      }
    }
  });

  it('forward in place (out = inp)', () => {
    for (const { name, k } of backends()) {
      const x = inputs(41, 77, 4);
      for (const act of ['gelu', 'relu'] as const) {
        const X = k.from(x);
        (act === 'gelu' ? k.geluForward : k.reluForward)(X, X, 77);
        expect(bitsEqual(k.read(X), forward(k, act, x)), `${name} ${act}`).toBe(true);
        k.free(X);
      }
    }
  });

  it('wasm on 1 and 2 threads agree bit for bit on a shape that goes parallel', () => {
    const n = 600_000; // work estimates GELU 32·N, ReLU 2·N: both ≥ 2^20, so the pool is used
    const [x, g, d0] = [inputs(51, n, 5), seeded(52, n), seeded(53, n)];
    const runs = backends()
      .filter((b) => b.k.backend === 'wasm')
      .map(({ k }) => (['gelu', 'relu'] as const).flatMap((act) => [forward(k, act, x), backward(k, act, d0, x, g)]));
    expect(runs.length).toBe(2);
    runs[0].forEach((t, j) => expect(bitsEqual(t, runs[1][j]), `tensor ${j}`).toBe(true));
  });

  it('JS backward passes a finite-difference check', () => {
    const js = backends().find((b) => b.name === 'js')!.k;
    const w = seeded(61, 25);
    const x = inputs(62, 25, 3);
    const out = new Float32Array(25);
    gradCheck('gelu', x, backward(js, 'gelu', new Float32Array(25), x, w), () => (js.geluForward(out, x, 25), dot64(w, out)));
    const xr = seeded(63, 25).map((v) => (Math.abs(v) < 0.05 ? v + Math.sign(v || 1) * 0.1 : v)); // away from the kink
    gradCheck('relu', xr, backward(js, 'relu', new Float32Array(25), xr, w), () => (js.reluForward(out, xr, 25), dot64(w, out)));
  });
});
