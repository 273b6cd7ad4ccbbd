import { describe, expect, it } from 'vitest';
import { dropoutUniform } from '../src/kernels/index.js';
import { bitsEqual, seeded } from './helpers/tolerance.js';
import { useKernelBackends, type AnyKernels } from './helpers/kernels.js';
import { expectClose } from './helpers/close.js';

/** The definition in float64: softmax(scale·q·kᵀ) over keys ≤ t, times v, heads side by side. */
function attention64(qkv: Float32Array, B: number, T: number, C: number, NH: number, dropout: number, seed: number) {
  const hs = C / NH;
  const out = new Float64Array(B * T * C);
  const lse = new Float64Array(B * NH * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let h = 0; h < NH; h++) {
    const s: number[] = [];
    for (let j = 0; j <= t; j++) {
      let x = 0;
      for (let d = 0; d < hs; d++) x += qkv[(b * T + t) * 3 * C + h * hs + d] * qkv[(b * T + j) * 3 * C + C + h * hs + d];
      s.push(x / Math.sqrt(hs));
    }
    const m = Math.max(...s);
    const sum = s.reduce((a, x) => a + Math.exp(x - m), 0);
    lse[(b * NH + h) * T + t] = m + Math.log(sum);
    for (let j = 0; j <= t; j++) {
      let p = Math.exp(s[j] - m) / sum;
      if (dropout > 0) p *= dropoutUniform(seed, ((b * NH + h) * T + t) * T + j) >= dropout ? 1 / (1 - dropout) : 0;
      for (let d = 0; d < hs; d++) out[(b * T + t) * C + h * hs + d] += p * qkv[(b * T + j) * 3 * C + 2 * C + h * hs + d];
    }
  }
  return { out, lse };
}

function run(k: AnyKernels, qkvData: Float32Array, doutData: Float32Array, B: number, T: number, C: number, NH: number, dropout: number) {
  const qkv = k.from(qkvData);
  const out = k.alloc(B * T * C);
  const lse = k.alloc(B * NH * T);
  const dout = k.from(doutData);
  const dqkv = k.alloc(B * T * 3 * C);
  k.attentionForward(out, lse, qkv, B, T, C, NH, dropout, 11);
  k.attentionBackward(dqkv, dout, qkv, out, lse, B, T, C, NH, dropout, 11, true);
  const res = { out: k.read(out), lse: k.read(lse), dqkv: k.read(dqkv) };
  k.attentionBackward(dqkv, dout, qkv, out, lse, B, T, C, NH, dropout, 11, true);
  const twice = k.read(dqkv);
  // overwrite mode: garbage in dqkv is never read
  k.fill(dqkv, NaN);
  k.attentionBackward(dqkv, dout, qkv, out, lse, B, T, C, NH, dropout, 11, false);
  const overwritten = k.read(dqkv);
  for (const x of [qkv, out, lse, dout, dqkv]) k.free(x);
  return { ...res, twice, overwritten };
}

describe('causal self-attention kernels', () => {
  const backends = useKernelBackends();

  it('dropoutUniform matches the Rust hash on fixed values', () => {
    expect(dropoutUniform(0, 0)).toBe(0);
    expect(dropoutUniform(1, 0)).toBe(0.0077651143074035645);
    expect(dropoutUniform(42, 123456)).toBe(0.9509989619255066);
    expect(dropoutUniform(7, 4294967295)).toBe(0.3373183608055115);
  });

  it.each([
    [1, 1, 4, 1, 0], [2, 5, 6, 2, 0], [1, 49, 10, 2, 0], [2, 20, 16, 4, 0.2],
  ])('forward matches the float64 definition, backward accumulates or overwrites (B=%i T=%i C=%i NH=%i dropout=%f)', (B, T, C, NH, dropout) => {
    const qkv = seeded(1, B * T * 3 * C).map((x) => 2 * x);
    const dout = seeded(2, B * T * C);
    const want = attention64(qkv, B, T, C, NH, dropout, 11);
    for (const { name, k } of backends()) {
      const r = run(k, qkv, dout, B, T, C, NH, dropout);
      expectClose(r.out, want.out, { abs: 2e-5, rel: 2e-4 }, `${name} out`);
      expectClose(r.lse, want.lse, { abs: 2e-5, rel: 2e-4 }, `${name} lse`);
      for (let i = 0; i < r.dqkv.length; i++) {
        expect(Math.abs(r.twice[i] - 2 * r.dqkv[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(r.dqkv[i])));
      }
      expect(bitsEqual(r.overwritten, r.dqkv), `${name} overwrite (accumulate = false) equals accumulating into zeros`).toBe(true);
    }
  });

  it('backward agrees across backends and with finite differences of the forward', () => {
    const [B, T, C, NH] = [1, 7, 8, 2];
    const qkv = seeded(3, B * T * 3 * C);
    const w = seeded(4, B * T * C);
    const grads = backends().map(({ name, k }) => ({ name, dqkv: run(k, qkv, w, B, T, C, NH, 0).dqkv }));
    // loss = Σ w·out, differentiated numerically in float64 through the definition.
    const h = 1e-3;
    for (const i of [0, 5, 13, 30, 47, 70, 100, 160]) {
      const x = Float32Array.from(qkv);
      x[i] = qkv[i] + h;
      const up = attention64(x, B, T, C, NH, 0, 0).out.reduce((a, o, j) => a + o * w[j], 0);
      x[i] = qkv[i] - h;
      const down = attention64(x, B, T, C, NH, 0, 0).out.reduce((a, o, j) => a + o * w[j], 0);
      const fd = (up - down) / (2 * h);
      for (const g of grads) {
        expect(Math.abs(g.dqkv[i] - fd), `${g.name} dqkv[${i}]`).toBeLessThanOrEqual(1e-3 + 1e-2 * Math.abs(fd));
      }
    }
  });

  it('wasm gives bitwise identical results on 1 and 2 threads', () => {
    const [B, T, C, NH] = [4, 64, 64, 4];
    const qkv = seeded(5, B * T * 3 * C);
    const dout = seeded(6, B * T * C);
    const [one, two] = backends().filter((b) => b.name !== 'js').map(({ k }) => run(k, qkv, dout, B, T, C, NH, 0.1));
    expect(bitsEqual(one.out, two.out)).toBe(true);
    expect(bitsEqual(one.lse, two.lse)).toBe(true);
    expect(bitsEqual(one.dqkv, two.dqkv)).toBe(true);
  });
});
