/** Conformance of layernormForward / layernormBackward on every backend against a float64 definition. */
import { describe, expect, it } from 'vitest';
import { useKernelBackends, type AnyKernels } from './helpers/kernels.js';
import { bitsEqual, seeded } from './helpers/tolerance.js';
import { dot64, expectClose, gradCheck, reductionTol, type Tol } from './helpers/close.js';

const EPS = 1e-5;

// ---- float64 definition --------------------------------------------------------------------------------
function forward64(inp: Float32Array, w: Float32Array, b: Float32Array, N: number, C: number, eps: number) {
  const out = new Float64Array(N * C);
  const mean = new Float64Array(N);
  const rstd = new Float64Array(N);
  for (let r = 0; r < N; r++) {
    let m = 0;
    for (let i = 0; i < C; i++) m += inp[r * C + i];
    m /= C;
    let v = 0;
    for (let i = 0; i < C; i++) v += (inp[r * C + i] - m) ** 2;
    const s = 1 / Math.sqrt(v / C + eps);
    for (let i = 0; i < C; i++) out[r * C + i] = (inp[r * C + i] - m) * s * w[i] + b[i];
    mean[r] = m;
    rstd[r] = s;
  }
  return { out, mean, rstd };
}

/** Gradients (added to zero) from the textbook derivative of the normalisation, using the exact statistics. */
function backward64(dout: Float32Array, inp: Float32Array, w: Float32Array, N: number, C: number, eps: number) {
  const { mean, rstd } = forward64(inp, w, new Float32Array(C), N, C, eps);
  const dinp = new Float64Array(N * C);
  const dw = new Float64Array(C);
  const db = new Float64Array(C);
  for (let r = 0; r < N; r++) {
    const norm = (i: number) => (inp[r * C + i] - mean[r]) * rstd[r];
    let a = 0;
    let c = 0;
    for (let i = 0; i < C; i++) {
      const dn = w[i] * dout[r * C + i];
      a += dn;
      c += dn * norm(i);
      dw[i] += norm(i) * dout[r * C + i];
      db[i] += dout[r * C + i];
    }
    for (let i = 0; i < C; i++) dinp[r * C + i] = rstd[r] * (w[i] * dout[r * C + i] - a / C - norm(i) * (c / C));
  }
  return { dinp, dw, db };
}

interface Case { inp: Float32Array; w: Float32Array; b: Float32Array; dout: Float32Array }

function makeCase(seed: number, N: number, C: number): Case {
  // Rows with non-zero means and different scales; weights around 1.
  const inp = seeded(seed, N * C).map((v, j) => {
    const r = Math.floor(j / C);
    return v * (1 + (r % 3)) + 0.5 * (r % 5) - 1;
  });
  return { inp, w: seeded(seed + 1, C).map((v) => 1 + 0.5 * v), b: seeded(seed + 2, C), dout: seeded(seed + 3, N * C) };
}

function runForward(k: AnyKernels, c: Case, N: number, C: number, eps = EPS) {
  const [X, W, B, O, M, R] = [k.from(c.inp), k.from(c.w), k.from(c.b), k.alloc(N * C), k.alloc(N), k.alloc(N)];
  k.layernormForward(O, M, R, X, W, B, N, C, eps);
  const res = { out: k.read(O), mean: k.read(M), rstd: k.read(R) };
  for (const buf of [X, W, B, O, M, R]) k.free(buf);
  return res;
}

/** Runs the backward `times` times into zeroed gradients, with the forward's statistics. */
function runBackward(k: AnyKernels, c: Case, mean: Float32Array, rstd: Float32Array, N: number, C: number, times = 1, accumulate = true) {
  const [DX, DW, DB] = [k.alloc(N * C), k.alloc(C), k.alloc(C)];
  if (!accumulate) k.fill(DX, NaN); // overwrite mode must never read it
  const [G, X, W, M, R] = [k.from(c.dout), k.from(c.inp), k.from(c.w), k.from(mean), k.from(rstd)];
  for (let i = 0; i < times; i++) k.layernormBackward(DX, DW, DB, G, X, W, M, R, N, C, accumulate);
  const res = { dinp: k.read(DX), dw: k.read(DW), db: k.read(DB) };
  for (const buf of [DX, DW, DB, G, X, W, M, R]) k.free(buf);
  return res;
}

// |inp| ≤ 4 and rows normalise to |norm| ≲ 3, so outputs are ≲ 3·1.5 + 1; the statistics are C-term sums and
// the parameter gradients N-term sums of terms ≲ 3.
const outTol = (C: number): Tol => reductionTol(C, 8);
const dinpTol = (C: number): Tol => reductionTol(C, 16);

const SHAPES: [number, number][] = [[1, 1], [1, 4], [3, 1], [2, 3], [5, 7], [33, 5], [31, 130], [65, 33], [40, 768]];

describe('layernorm', () => {
  const backends = useKernelBackends();

  it('forward matches the float64 definition for edge shapes', () => {
    for (const { name, k } of backends()) {
      for (const [N, C] of SHAPES) {
        const c = makeCase(N * 100 + C, N, C);
        const want = forward64(c.inp, c.w, c.b, N, C, EPS);
        const got = runForward(k, c, N, C);
        const tag = `${name} N=${N} C=${C}`;
        expectClose(got.mean, want.mean, reductionTol(C, 4), `mean ${tag}`);
        expectClose(got.rstd, want.rstd, { abs: 1e-6, rel: 2 * (C + 4) * 2 ** -23 + 1e-5 }, `rstd ${tag}`);
        expectClose(got.out, want.out, outTol(C), `out ${tag}`);
      }
    }
  });

  it('backward matches the float64 derivative for edge shapes', () => {
    for (const { name, k } of backends()) {
      for (const [N, C] of SHAPES) {
        const c = makeCase(N * 100 + C + 7, N, C);
        const { mean, rstd } = runForward(k, c, N, C);
        const want = backward64(c.dout, c.inp, c.w, N, C, EPS);
        const got = runBackward(k, c, mean, rstd, N, C);
        const tag = `${name} N=${N} C=${C}`;
        expectClose(got.dinp, want.dinp, dinpTol(C), `dinp ${tag}`);
        expectClose(got.dw, want.dw, reductionTol(N, 4), `dweight ${tag}`);
        expectClose(got.db, want.db, reductionTol(N, 1), `dbias ${tag}`);
      }
    }
  });

  it('hand-computed case: row [1, 2, 3, 4], weight 2, bias 0.5, eps 0', () => {
    const r = 2 / Math.sqrt(5); // rstd = 1/√1.25
    const c: Case = { inp: Float32Array.of(1, 2, 3, 4), w: new Float32Array(4).fill(2), b: new Float32Array(4).fill(0.5),
                      dout: Float32Array.of(1, 0, 0, 0) };
    for (const { name, k } of backends()) {
      const f = runForward(k, c, 1, 4, 0);
      expect(f.mean[0], name).toBe(2.5);
      expectClose(f.rstd, [r], { abs: 1e-7, rel: 0 }, `${name} rstd`);
      expectClose(f.out, [-1.5, -0.5, 0.5, 1.5].map((d) => d * r * 2 + 0.5), { abs: 1e-6, rel: 0 }, `${name} out`);
      // dout = e0: dnorm = [2,0,0,0], means 0.5 and −2·1.5r/4; dinp = r·(dnorm − 0.5 − norm·mean(dnorm·norm)).
      const g = runBackward(k, c, f.mean, f.rstd, 1, 4);
      expectClose(g.dinp, [0.6, -0.8, -0.2, 0.4].map((v) => v * r), { abs: 1e-6, rel: 0 }, `${name} dinp`);
      expectClose(g.dw, [-1.5 * r, 0, 0, 0], { abs: 1e-6, rel: 0 }, `${name} dweight`);
      expect(Array.from(g.db), `${name} dbias`).toEqual([1, 0, 0, 0]);
    }
  });

  it('overwrite mode ignores NaN in dinp and equals accumulating into zeros, bit for bit', () => {
    for (const { name, k } of backends()) {
      for (const [N, C] of SHAPES) {
        const c = makeCase(N * 100 + C + 13, N, C);
        const { mean, rstd } = runForward(k, c, N, C);
        const zeros = runBackward(k, c, mean, rstd, N, C);
        const over = runBackward(k, c, mean, rstd, N, C, 1, false);
        for (const key of ['dinp', 'dw', 'db'] as const) {
          expect(bitsEqual(over[key], zeros[key]), `${name} N=${N} C=${C} ${key}`).toBe(true);
        }
      }
    }
  });

  it('accumulates: two backward calls double every gradient', () => {
    const [N, C] = [40, 9];
    for (const { name, k } of backends()) {
      const c = makeCase(5, N, C);
      const { mean, rstd } = runForward(k, c, N, C);
      const once = runBackward(k, c, mean, rstd, N, C);
      const twice = runBackward(k, c, mean, rstd, N, C, 2);
      for (const key of ['dinp', 'dw', 'db'] as const) {
        expectClose(twice[key], Array.from(once[key], (v) => 2 * v), { abs: 0, rel: 1e-7 }, `${name} ${key}`);
      }
    }
  });

  it('wasm on 1 and 2 threads agree bit for bit on a shape that goes parallel', () => {
    const [N, C] = [2100, 257]; // work estimate 2·N·C ≥ 2^20, so the pool is used; 66 row blocks
    const c = makeCase(9, N, C);
    const runs = backends().filter((b) => b.k.backend === 'wasm').map(({ k }) => {
      const f = runForward(k, c, N, C);
      const g = runBackward(k, c, f.mean, f.rstd, N, C);
      return [f.out, f.mean, f.rstd, g.dinp, g.dw, g.db];
    });
    expect(runs.length).toBe(2);
    runs[0].forEach((t, j) => expect(bitsEqual(t, runs[1][j]), `tensor ${j}`).toBe(true));
  });

  it('JS backward passes a finite-difference check of every gradient', () => {
    const js = backends().find((b) => b.name === 'js')!.k;
    const [N, C] = [3, 5];
    const c = makeCase(11, N, C);
    const f = runForward(js, c, N, C);
    const g = runBackward(js, c, f.mean, f.rstd, N, C);
    const [out, m, r] = [new Float32Array(N * C), new Float32Array(N), new Float32Array(N)];
    const loss = () => (js.layernormForward(out, m, r, c.inp, c.w, c.b, N, C, EPS), dot64(c.dout, out));
    gradCheck('dinp', c.inp, g.dinp, loss);
    gradCheck('dweight', c.w, g.dw, loss);
    gradCheck('dbias', c.b, g.db, loss);
  });
});
