/**
 * Conformance of dropoutForward / dropoutBackward: the counter-based mask is defined by `dropoutUniform`, and
 * every backend must produce exactly inp[i] · (dropoutUniform(seed, offset + i) ≥ p ? fround(1/(1 − p)) : 0)
 * — bit for bit, since a float32 product is correctly rounded everywhere. Also: fixed values of the hash
 * (asserted in crate/src/ops/dropout.rs too), in-place operation, p = 0, offsets, write semantics, wasm-1t vs
 * wasm-2t, and the kept fraction.
 */
import { describe, expect, it } from 'vitest';
import { dropoutUniform } from '../src/kernels/index.js';
import { useKernelBackends, type AnyKernels } from './helpers/kernels.js';
import { bitsEqual, seeded } from './helpers/tolerance.js';

function definition(inp: Float32Array, N: number, p: number, seed: number, offset: number): Float32Array {
  const out = new Float32Array(N);
  const scale = Math.fround(1 / (1 - p));
  for (let i = 0; i < N; i++) out[i] = inp[i] * (dropoutUniform(seed, offset + i) >= p ? scale : 0);
  return out;
}

function run(k: AnyKernels, which: 'dropoutForward' | 'dropoutBackward', inp: Float32Array, p: number, seed: number, offset: number, inPlace = false) {
  const N = inp.length;
  const X = k.from(inp);
  const O = inPlace ? X : k.from(new Float32Array(N).fill(NaN));
  k[which](O, X, N, p, seed, offset);
  const out = k.read(O);
  k.free(X);
  if (!inPlace) k.free(O);
  return out;
}

describe('dropout kernels', () => {
  const backends = useKernelBackends();

  it('dropoutUniform reproduces the fixed table shared with the Rust test', () => {
    // (seed, counter, 2^24·uniform); counters wrap modulo 2^32 like the Rust u32 arithmetic.
    const table: [number, number, number][] = [
      [0, 0, 0], [1, 0, 130277], [0, 1, 6850960], [12345, 678, 2028737], [0xffffffff, 0xffffffff, 3531235], [42, 1000000, 7646342],
    ];
    for (const [seed, counter, k24] of table) expect(dropoutUniform(seed, counter) * 2 ** 24, `${seed}, ${counter}`).toBe(k24);
    expect(dropoutUniform(7, 2 ** 32 + 5)).toBe(dropoutUniform(7, 5));
  });

  it('forward and backward equal the definition bit for bit, in place too', () => {
    for (const { name, k } of backends()) {
      for (const N of [0, 1, 3, 4, 63, 64, 65, 1000, 40_000]) {
        // 0.7 rounds to float32 below itself: comparing in float32 would keep uniform values equal to fround(0.7).
        for (const p of [0, 0.1, 0.5, 0.7]) {
          const inp = seeded(N + 1, N), seed = 7 * N + 1, offset = 0xfffffff0; // the counter wraps past 2^32
          const want = definition(inp, N, p, seed, offset);
          const tag = `${name} N ${N} p ${p}`;
          expect(bitsEqual(run(k, 'dropoutForward', inp, p, seed, offset), want), `forward ${tag}`).toBe(true);
          expect(bitsEqual(run(k, 'dropoutForward', inp, p, seed, offset, true), want), `in place ${tag}`).toBe(true);
          expect(bitsEqual(run(k, 'dropoutBackward', inp, p, seed, offset), want), `backward ${tag}`).toBe(true);
          expect(bitsEqual(run(k, 'dropoutBackward', inp, p, seed, offset, true), want), `backward in place ${tag}`).toBe(true);
        }
      }
    }
  });

  it('p = 0 copies; the mask depends only on (seed, offset + i); about 1 − p of the elements survive', () => {
    const N = 50_000, p = 0.3, scale = Math.fround(1 / (1 - p));
    const inp = seeded(3, N);
    for (const { name, k } of backends()) {
      expect(bitsEqual(run(k, 'dropoutForward', inp, 0, 1, 2), inp), `${name} p = 0`).toBe(true);
      const whole = run(k, 'dropoutForward', inp, p, 11, 0);
      const tail = run(k, 'dropoutForward', inp.subarray(1000), p, 11, 1000);
      expect(bitsEqual(tail, whole.subarray(1000)), `${name} offset`).toBe(true);
      expect(bitsEqual(run(k, 'dropoutForward', inp, p, 12, 0), whole), `${name} other seed`).toBe(false);
      const kept = whole.filter((x, i) => x === Math.fround(inp[i] * scale) && x !== 0).length / N;
      expect(Math.abs(kept - (1 - p)), `${name} kept ${kept}`).toBeLessThan(0.01);
      // Backward = dout · the forward's mask: the gradient of Σ w·out is w·mask (finite differences are exact
      // for this linear map, so compare with the definition directly).
      const w = seeded(4, N);
      expect(bitsEqual(run(k, 'dropoutBackward', w, p, 11, 0), definition(w, N, p, 11, 0)), `${name} backward mask`).toBe(true);
    }
  });

  it('refuses p outside [0, 1)', () => {
    for (const { name, k } of backends()) {
      const X = k.from([1, 2]);
      for (const p of [1, -0.1, NaN]) expect(() => k.dropoutForward(X, X, 2, p, 0, 0), `${name} p ${p}`).toThrow();
      k.free(X);
    }
  });

  it('wasm on 1 and 2 threads (and JS) give identical bits on sizes that go parallel', () => {
    const N = 300_001, inp = seeded(5, N);
    const outs = backends().map(({ k }) => run(k, 'dropoutForward', inp, 0.2, 9, 3));
    expect(bitsEqual(outs[0], outs[1]) && bitsEqual(outs[0], outs[2])).toBe(true);
  });

  it('gradient matches finite differences (JS backend)', () => {
    const k = backends().find((b) => b.name === 'js')!.k;
    const N = 37, p = 0.3, inp = seeded(70, N), w = seeded(71, N);
    const loss = () => run(k, 'dropoutForward', inp, p, 5, 11).reduce((acc, x, i) => acc + x * w[i], 0);
    const d = run(k, 'dropoutBackward', w, p, 5, 11);
    for (let i = 0; i < N; i++) {
      const h = 1e-2, orig = inp[i];
      inp[i] = orig + h; const up = loss();
      inp[i] = orig - h; const down = loss();
      inp[i] = orig;
      const fd = (up - down) / (2 * h);
      expect(Math.abs(fd - d[i]), `[${i}]`).toBeLessThanOrEqual(1e-3 + 1e-2 * Math.max(Math.abs(fd), Math.abs(d[i])));
    }
  });
});
