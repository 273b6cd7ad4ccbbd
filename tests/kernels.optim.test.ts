/**
 * Conformance of adamw / gradNorm / scale on every backend: AdamW against a float64 definition and a
 * hand-computed two-step example, decay only inside decayRanges, first step ≈ lr·sign(g); the JS twin and
 * both wasm thread counts agree bit for bit (every operation is a correctly rounded float32 one, and the norm
 * sums in one fixed order); gradNorm against float64; scale exactly.
 */
import { describe, expect, it } from 'vitest';
import { useKernelBackends, type AnyKernels } from './helpers/kernels.js';
import { bitsEqual, expectWithinBound, F32_EPS, seeded } from './helpers/tolerance.js';

interface Hyper { lr: number; beta1: number; beta2: number; eps: number; wd: number }

/** Float64 AdamW on the float32 hyper-parameters the kernels receive; `mag` bounds the terms of each sum. */
function adamw64(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, ranges: number[], h32: Hyper, step: number) {
  const f = Math.fround;
  const h = { lr: f(h32.lr), beta1: f(h32.beta1), beta2: f(h32.beta2), eps: f(h32.eps), wd: f(h32.wd) };
  const N = p.length;
  const mag = { m: new Float64Array(N), v: new Float64Array(N), p: new Float64Array(N) };
  const P = Float64Array.from(p), M = Float64Array.from(m), Vv = Float64Array.from(v);
  for (let i = 0; i < N; i++) {
    mag.m[i] = Math.abs(h.beta1 * M[i]) + Math.abs((1 - h.beta1) * g[i]);
    mag.v[i] = Math.abs(h.beta2 * Vv[i]) + Math.abs((1 - h.beta2) * g[i] * g[i]);
    M[i] = h.beta1 * M[i] + (1 - h.beta1) * g[i];
    Vv[i] = h.beta2 * Vv[i] + (1 - h.beta2) * g[i] * g[i];
    const mh = M[i] / (1 - h.beta1 ** step), vh = Vv[i] / (1 - h.beta2 ** step);
    let decay = false;
    for (let r = 0; r < ranges.length; r += 2) if (ranges[r] <= i && i < ranges[r + 1]) decay = true;
    const decayTerm = decay ? h.lr * h.wd * P[i] : 0;
    const update = h.lr * mh / (Math.sqrt(vh) + h.eps);
    P[i] -= decayTerm + update;
    // The update carries ~10 roundings (m, v, m̂, v̂, √, +eps, ÷, ×lr); the decay and the subtractions a few.
    mag.p[i] = 12 * Math.abs(update) + 3 * Math.abs(decayTerm) + Math.abs(P[i]) + 2 * Math.abs(P[i] + decayTerm + update);
  }
  return { p: P, m: M, v: Vv, mag };
}

function adamw(k: AnyKernels, p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, ranges: number[], h: Hyper, steps: number[], grads?: Float32Array[]) {
  const [P, G, M, V, R] = [k.from(p), k.from(g), k.from(m), k.from(v), k.fromI32(ranges.length ? ranges : [0, 0])];
  steps.forEach((step, j) => {
    if (grads) k.write(G, grads[j]);
    k.adamw(P, G, M, V, p.length, R, ranges.length / 2, h.lr, h.beta1, h.beta2, h.eps, h.wd, step);
  });
  const res = { p: k.read(P), m: k.read(M), v: k.read(V) };
  for (const b of [P, G, M, V, R]) k.free(b);
  return res;
}

function state(N: number, seed: number) {
  return {
    p: seeded(seed, N),
    g: seeded(seed + 1, N),
    m: seeded(seed + 2, N).map((x) => 0.1 * x),
    v: seeded(seed + 3, N).map((x) => 0.01 * x * x),
  };
}

const H: Hyper = { lr: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, wd: 0.1 };

describe('optimizer kernels', () => {
  const backends = useKernelBackends();

  it('adamw matches the float64 definition; all backends agree bit for bit', () => {
    for (const N of [1, 3, 5, 17, 1000, 40_001]) {
      const { p, g, m, v } = state(N, N);
      const ranges = [[1, 3], [2, 9], [10, 10], [13, N - 2], [16381, 16389]].flatMap(([a, b]) => [Math.min(a, N), Math.max(Math.min(a, N), Math.min(b, N))]);
      const want = adamw64(p, g, m, v, ranges, H, 7);
      const results = backends().map(({ name, k }) => ({ name, r: adamw(k, p, g, m, v, ranges, H, [7]) }));
      for (const { name, r } of results) {
        // Two products and a sum for m and v (1 − β is exact in float32 for these β): ≤ 2ε·Σ|terms|.
        expectWithinBound(r.p, want.p, want.mag.p.map((x) => F32_EPS * x + 1e-30), `${name} N ${N} params`);
        expectWithinBound(r.m, want.m, want.mag.m.map((x) => 2 * F32_EPS * x + 1e-30), `${name} N ${N} m`);
        expectWithinBound(r.v, want.v, want.mag.v.map((x) => 3 * F32_EPS * x + 1e-30), `${name} N ${N} v`);
        const first = results[0].r;
        expect(bitsEqual(r.p, first.p) && bitsEqual(r.m, first.m) && bitsEqual(r.v, first.v), `${name} vs ${results[0].name}`).toBe(true);
      }
    }
  });

  it('two steps by hand, decay on the first parameter only', () => {
    // p = [1, −2], g1 = [0.5, −0.25], g2 = [−0.1, 0.3], lr 0.1, β 0.9/0.99, wd 0.5 on [0, 1).
    // Step 1: m̂ = g, v̂ = g², so p0 = 1 − 0.05 − 0.1 = 0.85, p1 = −2 + 0.1 = −1.9.
    // Step 2: m = [0.035, 0.0075], v = [0.002575, 0.00151875], p ≈ [0.7562903, −1.9142886].
    const h = { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, wd: 0.5 };
    const g1 = Float32Array.of(0.5, -0.25), g2 = Float32Array.of(-0.1, 0.3);
    for (const { name, k } of backends()) {
      const one = adamw(k, Float32Array.of(1, -2), g1, new Float32Array(2), new Float32Array(2), [0, 1], h, [1]);
      expect(one.p[0], name).toBeCloseTo(0.85, 6);
      expect(one.p[1], name).toBeCloseTo(-1.9, 6);
      const two = adamw(k, Float32Array.of(1, -2), g1, new Float32Array(2), new Float32Array(2), [0, 1], h, [1, 2], [g1, g2]);
      expect(two.m[0], name).toBeCloseTo(0.035, 7);
      expect(two.m[1], name).toBeCloseTo(0.0075, 7);
      expect(two.v[0], name).toBeCloseTo(0.002575, 8);
      expect(two.v[1], name).toBeCloseTo(0.00151875, 8);
      expect(two.p[0], name).toBeCloseTo(0.7562903, 6);
      expect(two.p[1], name).toBeCloseTo(-1.9142886, 6);
    }
  });

  it('first step moves each parameter by ≈ lr·sign(g); decay only inside the ranges', () => {
    const N = 100, lr = 0.01;
    const { p, g } = state(N, 50);
    for (const { name, k } of backends()) {
      const r = adamw(k, p, g, new Float32Array(N), new Float32Array(N), [], { ...H, lr, wd: 0 }, [1]);
      for (let i = 0; i < N; i++) expect(r.p[i] - p[i], `${name} [${i}]`).toBeCloseTo(-lr * Math.sign(g[i]), 5);
      // Zero gradients: the Adam update is 0, so only decayed parameters move, by −lr·wd·p.
      const z = adamw(k, p, new Float32Array(N), new Float32Array(N), new Float32Array(N), [10, 20, 50, 60], { ...H, lr, wd: 0.5 }, [3]);
      for (let i = 0; i < N; i++) {
        const decayed = (i >= 10 && i < 20) || (i >= 50 && i < 60);
        expect(z.p[i], `${name} [${i}]`).toBe(decayed ? Math.fround(p[i] - Math.fround(Math.fround(lr * 0.5) * p[i])) : p[i]);
      }
    }
  });

  it('gradNorm matches float64 and is the same double on every backend; scale is exact', () => {
    for (const N of [0, 1, 3, 5, 16383, 16391, 3 * 16384 + 2, 300_000]) {
      const g = seeded(N + 90, N);
      let want = 0;
      for (let i = 0; i < N; i++) want += g[i] * g[i];
      want = Math.sqrt(want);
      const norms = backends().map(({ name, k }) => {
        const G = k.from(g);
        const norm = k.gradNorm(G, N);
        expect(Math.abs(norm - want), `${name} N ${N}`).toBeLessThanOrEqual(1e-12 * want);
        k.scale(G, N, 0.3);
        const scaled = k.read(G);
        k.free(G);
        expect(bitsEqual(scaled, g.map((x) => Math.fround(x * Math.fround(0.3)))), `${name} scale N ${N}`).toBe(true);
        return norm;
      });
      expect(Object.is(norms[0], norms[1]) && Object.is(norms[0], norms[2]), `norms ${norms}`).toBe(true);
    }
    for (const { k } of backends()) {
      const G = k.from([3, 4]);
      expect(k.gradNorm(G, 2)).toBe(5);
      k.free(G);
    }
  });

  it('wasm on 1 and 2 threads gives identical bits on sizes that go parallel', () => {
    const N = (1 << 20) + 13;
    const { p, g, m, v } = state(N, 7);
    const [one, two] = backends().filter((b) => b.name !== 'js').map(({ k }) => adamw(k, p, g, m, v, [100, 30_000, 50_000, N], H, [3]));
    expect(bitsEqual(one.p, two.p) && bitsEqual(one.m, two.m) && bitsEqual(one.v, two.v)).toBe(true);
  });
});
