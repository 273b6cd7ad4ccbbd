/**
 * Conformance of crossEntropyForward / crossEntropyBackward on every backend: against a float64 definition,
 * exact numbers on uniform logits (loss = ln V), ignored rows, in-place backward, write (not accumulate)
 * semantics, refused targets, wasm-1t vs wasm-2t bit for bit, finite differences on the JS backend.
 *
 * Bounds: the float32 sum of V exponentials is within (V + 4)·ε relative of the exact one (and each exp within
 * a few ulp), so lse and the losses are within ε·((V + 8) + 2·|lse|) absolute; a probability p derived from the
 * stored lse is within p·ε·(V + 8 + 2·|lse|), and the gradient within that times the scale plus rounding.
 */
import { describe, expect, it } from 'vitest';
import { useKernelBackends, type AnyKernels } from './helpers/kernels.js';
import { bitsEqual, expectWithinBound, F32_EPS, seeded } from './helpers/tolerance.js';

const IGNORE = -100;

function makeCase(N: number, V: number, seed: number, amp: number) {
  const logits = seeded(seed, N * V).map((x) => x * amp);
  const targets = new Int32Array(N);
  for (let n = 0; n < N; n++) targets[n] = n % 5 === 3 ? IGNORE : Math.floor(((seeded(seed + 1 + n, 1)[0] + 1) / 2) * V);
  return { logits, targets };
}

function reference64(logits: Float32Array, targets: Int32Array, N: number, V: number, scale: number) {
  const lse = new Float64Array(N), losses = new Float64Array(N), lseBound = new Float64Array(N);
  const d = new Float64Array(N * V), dBound = new Float64Array(N * V);
  let sum = 0, count = 0;
  for (let n = 0; n < N; n++) {
    let max = -Infinity;
    for (let j = 0; j < V; j++) max = Math.max(max, logits[n * V + j]);
    let s = 0;
    for (let j = 0; j < V; j++) s += Math.exp(logits[n * V + j] - max);
    lse[n] = max + Math.log(s);
    lseBound[n] = F32_EPS * (V + 8 + 2 * Math.abs(lse[n]));
    const t = targets[n];
    if (t !== IGNORE) { losses[n] = lse[n] - logits[n * V + t]; sum += losses[n]; count++; }
    for (let j = 0; j < V; j++) {
      if (t === IGNORE) continue;
      const p = Math.exp(logits[n * V + j] - lse[n]);
      d[n * V + j] = (p - (j === t ? 1 : 0)) * scale;
      dBound[n * V + j] = Math.abs(scale) * (p * F32_EPS * (V + 8 + 2 * Math.abs(lse[n])) + 4 * F32_EPS) + 1e-30;
    }
  }
  return { lse, losses, lseBound, d, dBound, mean: count === 0 ? NaN : sum / count };
}

function forward(k: AnyKernels, logits: Float32Array, targets: Int32Array, N: number, V: number) {
  const [L, S, X, T] = [k.from(seeded(5, N)), k.from(seeded(6, N)), k.from(logits), k.fromI32(targets)];
  const mean = k.crossEntropyForward(L, S, X, T, N, V, IGNORE);
  const res = { losses: k.read(L), lse: k.read(S), mean };
  for (const b of [L, S, X, T]) k.free(b);
  return res;
}

/** Backward into a separate garbage-filled buffer, and in place over a copy of the logits. */
function backward(k: AnyKernels, logits: Float32Array, lse: Float32Array, targets: Int32Array, N: number, V: number, scale: number) {
  const [D, X, S, T] = [k.from(seeded(7, N * V)), k.from(logits), k.from(lse), k.fromI32(targets)];
  k.crossEntropyBackward(D, X, S, T, N, V, IGNORE, scale);
  const d = k.read(D);
  k.crossEntropyBackward(D, X, S, T, N, V, IGNORE, scale); // writes: a second call changes nothing
  const again = k.read(D);
  k.crossEntropyBackward(X, X, S, T, N, V, IGNORE, scale);
  const inPlace = k.read(X);
  for (const b of [D, X, S, T]) k.free(b);
  return { d, again, inPlace };
}

const SHAPES: [number, number][] = [[1, 1], [1, 2], [2, 3], [4, 4], [5, 7], [6, 33], [13, 257], [3, 1000], [20, 4099]];

describe('cross-entropy kernels', () => {
  const backends = useKernelBackends();

  it('match the float64 definition; the backward writes and works in place', () => {
    for (const { name, k } of backends()) {
      SHAPES.forEach(([N, V], i) => {
        for (const amp of [1, 30]) {
          const { logits, targets } = makeCase(N, V, 100 + i, amp);
          const counted = Array.from(targets).filter((t) => t !== IGNORE).length;
          const scale = 1 / Math.max(counted, 1);
          const ref = reference64(logits, targets, N, V, scale);
          const tag = `${name} ${N}x${V} amp ${amp}`;
          const f = forward(k, logits, targets, N, V);
          expectWithinBound(f.lse, ref.lse, ref.lseBound, `lse ${tag}`);
          expectWithinBound(f.losses, ref.losses, ref.lseBound.map((b, n) => (targets[n] === IGNORE ? 0 : 2 * b)), `losses ${tag}`);
          if (counted === 0) expect(f.mean, tag).toBeNaN();
          else expect(Math.abs(f.mean - ref.mean), `mean ${tag}`).toBeLessThanOrEqual(2 * Math.max(...ref.lseBound));
          const b = backward(k, logits, f.lse, targets, N, V, scale);
          expectWithinBound(b.d, ref.d, ref.dBound, `dlogits ${tag}`);
          expect(bitsEqual(b.again, b.d), `second call ${tag}`).toBe(true);
          expect(bitsEqual(b.inPlace, b.d), `in place ${tag}`).toBe(true);
        }
      });
    }
  });

  it('hand-computed: uniform logits give ln V and (1/V − onehot)·scale; no counted row gives NaN', () => {
    const N = 3, V = 10;
    const logits = new Float32Array(N * V).fill(0.25);
    const targets = Int32Array.of(2, IGNORE, 9);
    for (const { name, k } of backends()) {
      const f = forward(k, logits, targets, N, V);
      expect(f.mean, name).toBeCloseTo(Math.log(10), 6);
      expect(f.losses[0], name).toBeCloseTo(Math.log(10), 6);
      expect(f.losses[1], name).toBe(0);
      expect(f.lse[1], name).toBeCloseTo(0.25 + Math.log(10), 6);
      const { d } = backward(k, logits, f.lse, targets, N, V, 0.5);
      for (let j = 0; j < V; j++) {
        expect(d[j], `${name} d[0,${j}]`).toBeCloseTo(j === 2 ? 0.5 * (0.1 - 1) : 0.05, 7);
        expect(d[V + j], `${name} ignored row`).toBe(0);
      }
      // Huge logits do not overflow: [1000, 0] with target 1 costs 1000.
      expect(forward(k, Float32Array.of(1000, 0), Int32Array.of(1), 1, 2).mean, name).toBeCloseTo(1000, 3);
      expect(forward(k, Float32Array.of(1, 2), Int32Array.of(IGNORE), 1, 2).mean, name).toBeNaN();
    }
  });

  it('refuses a target outside [0, V) that is not ignoreIndex, before writing', () => {
    for (const { name, k } of backends()) {
      for (const bad of [5, -1]) {
        const [L, S, X, T] = [k.from([7, 7]), k.from([7, 7]), k.from(seeded(1, 10)), k.fromI32([0, bad])];
        expect(() => k.crossEntropyForward(L, S, X, T, 2, 5, IGNORE), `${name} forward target ${bad}`).toThrow();
        expect(Array.from(k.read(L)), name).toEqual([7, 7]);
        expect(() => k.crossEntropyBackward(X, X, S, T, 2, 5, IGNORE, 1), `${name} backward target ${bad}`).toThrow();
        expect(bitsEqual(k.read(X), seeded(1, 10)), name).toBe(true);
        for (const b of [L, S, X, T]) k.free(b);
      }
    }
  });

  it('wasm on 1 and 2 threads gives identical bits on shapes that go parallel', () => {
    const N = 256, V = 4096;
    const { logits, targets } = makeCase(N, V, 300, 4);
    const [one, two] = backends().filter((b) => b.name !== 'js').map(({ k }) => {
      const f = forward(k, logits, targets, N, V);
      return { ...f, d: backward(k, logits, f.lse, targets, N, V, 1 / N).d };
    });
    expect(bitsEqual(one.losses, two.losses) && bitsEqual(one.lse, two.lse) && bitsEqual(one.d, two.d)).toBe(true);
    expect(Object.is(one.mean, two.mean)).toBe(true);
  });

  it('the gradient matches finite differences of the loss (JS backend)', () => {
    const k = backends().find((b) => b.name === 'js')!.k;
    const N = 4, V = 7, s = 0.75;
    const { logits, targets } = makeCase(N, V, 200, 2);
    // L = s·Σ_n loss_n, whose gradient is the backward with dlossScale = s.
    const loss = () => forward(k, logits, targets, N, V).losses.reduce((acc, l) => acc + s * l, 0);
    const { d } = backward(k, logits, forward(k, logits, targets, N, V).lse, targets, N, V, s);
    for (let i = 0; i < logits.length; i++) {
      const h = 1e-2, orig = logits[i];
      logits[i] = orig + h; const up = loss();
      logits[i] = orig - h; const down = loss();
      logits[i] = orig;
      const fd = (up - down) / (2 * h);
      expect(Math.abs(fd - d[i]), `[${i}] fd ${fd} analytic ${d[i]}`).toBeLessThanOrEqual(1e-3 + 1e-2 * Math.max(Math.abs(fd), Math.abs(d[i])));
    }
  });
});
