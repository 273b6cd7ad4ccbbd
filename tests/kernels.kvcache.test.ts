import { describe, expect, it } from 'vitest';
import { bitsEqual, seeded } from './helpers/tolerance.js';
import { useKernelBackends, type AnyKernels } from './helpers/kernels.js';
import { expectClose } from './helpers/close.js';

/** The definition in float64: new keys/values written at pos.., then causal softmax attention over the cache. */
function kvAttention64(kv0: Float32Array, qkv: Float32Array, B: number, Tq: number, pos: number, maxT: number, C: number, NH: number) {
  const hs = C / NH;
  const kv = Float32Array.from(kv0);
  // (B, 2, NH, maxT, hs): channel c of position t is head c / hs, lane c % hs.
  const at = (b: number, which: number, t: number, c: number) => (((b * 2 + which) * NH + Math.floor(c / hs)) * maxT + t) * hs + (c % hs);
  for (let b = 0; b < B; b++) for (let t = 0; t < Tq; t++) for (let c = 0; c < C; c++) {
    kv[at(b, 0, pos + t, c)] = qkv[(b * Tq + t) * 3 * C + C + c];
    kv[at(b, 1, pos + t, c)] = qkv[(b * Tq + t) * 3 * C + 2 * C + c];
  }
  const out = new Float64Array(B * Tq * C);
  for (let b = 0; b < B; b++) for (let t = 0; t < Tq; t++) for (let h = 0; h < NH; h++) {
    const s: number[] = [];
    for (let j = 0; j <= pos + t; j++) {
      let x = 0;
      for (let d = 0; d < hs; d++) x += qkv[(b * Tq + t) * 3 * C + h * hs + d] * kv[at(b, 0, j, h * hs + d)];
      s.push(x / Math.sqrt(hs));
    }
    const m = Math.max(...s);
    const sum = s.reduce((a, x) => a + Math.exp(x - m), 0);
    for (let j = 0; j <= pos + t; j++) {
      const p = Math.exp(s[j] - m) / sum;
      for (let d = 0; d < hs; d++) out[(b * Tq + t) * C + h * hs + d] += p * kv[at(b, 1, j, h * hs + d)];
    }
  }
  return { out, kv };
}

function runForward(k: AnyKernels, kvData: Float32Array, qkvData: Float32Array, B: number, Tq: number, pos: number, maxT: number, C: number, NH: number) {
  const kv = k.from(kvData);
  const qkv = k.from(qkvData);
  const out = k.alloc(B * Tq * C);
  k.kvAttentionForward(out, kv, qkv, B, Tq, pos, maxT, C, NH);
  const res = { out: k.read(out), kv: k.read(kv) };
  for (const x of [kv, qkv, out]) k.free(x);
  return res;
}

describe('KV-cache attention kernels', () => {
  const backends = useKernelBackends();

  it.each([
    // B, Tq, pos, maxT, C, NH
    [1, 1, 0, 1, 4, 1], [2, 1, 7, 16, 6, 2], [1, 49, 0, 60, 10, 2], [2, 5, 44, 49, 16, 4], [3, 50, 3, 64, 12, 3],
  ])('forward matches the float64 definition and writes only the new positions (B=%i Tq=%i pos=%i maxT=%i C=%i NH=%i)',
    (B, Tq, pos, maxT, C, NH) => {
      const kv = seeded(1, B * 2 * maxT * C); // junk in the unused positions must stay and must not be read
      const qkv = seeded(2, B * Tq * 3 * C).map((x) => 2 * x);
      const want = kvAttention64(kv, qkv, B, Tq, pos, maxT, C, NH);
      for (const { name, k } of backends()) {
        const r = runForward(k, kv, qkv, B, Tq, pos, maxT, C, NH);
        expectClose(r.out, want.out, { abs: 2e-5, rel: 2e-4 }, `${name} out`);
        expect(bitsEqual(r.kv, want.kv), `${name} cache`).toBe(true);
      }
    });

  it('prefill then one row at a time equals attentionForward over the whole sequence', () => {
    const [B, T, C, NH] = [2, 30, 16, 2];
    const qkv = seeded(3, B * T * 3 * C).map((x) => 2 * x);
    for (const { name, k } of backends()) {
      const full = k.alloc(B * T * C);
      const lse = k.alloc(B * NH * T);
      const qkvBuf = k.from(qkv);
      k.attentionForward(full, lse, qkvBuf, B, T, C, NH, 0, 0);
      const want = k.read(full);
      const kv = k.alloc(B * 2 * T * C);
      const got = new Float32Array(B * T * C);
      let pos = 0;
      for (const chunk of [11, ...Array<number>(T - 11).fill(1)]) {
        const rows = new Float32Array(B * chunk * 3 * C);
        for (let b = 0; b < B; b++) rows.set(qkv.subarray((b * T + pos) * 3 * C, (b * T + pos + chunk) * 3 * C), b * chunk * 3 * C);
        const rowsBuf = k.from(rows);
        const out = k.alloc(B * chunk * C);
        k.kvAttentionForward(out, kv, rowsBuf, B, chunk, pos, T, C, NH);
        const o = k.read(out);
        for (let b = 0; b < B; b++) got.set(o.subarray(b * chunk * C, (b + 1) * chunk * C), (b * T + pos) * C);
        k.free(rowsBuf);
        k.free(out);
        pos += chunk;
      }
      expectClose(got, want, { abs: 2e-5, rel: 2e-4 }, `${name} incremental vs full`);
      for (const x of [full, lse, qkvBuf, kv]) k.free(x);
    }
  });

  it('reorder copies whole rows (repeats, cycles, dropped rows) and nothing past len', () => {
    const [L, maxT, C, NH] = [2, 6, 6, 2];
    const hs = C / NH;
    for (const order of [[0, 1, 2], [1, 0], [2, 2, 0, 1, 1], [3, 3, 1, 0, 2, 5, 5], [0, 0, 0, 0]]) {
      const B = order.length;
      for (const len of [0, 2, maxT]) {
        const kv0 = seeded(4 + B, L * B * 2 * maxT * C);
        const want = Float32Array.from(kv0);
        for (let l = 0; l < L; l++) for (let b = 0; b < B; b++) for (let seg = 0; seg < 2 * NH; seg++) {
          const dst = ((l * B + b) * 2 * NH + seg) * maxT * hs;
          const src = ((l * B + order[b]) * 2 * NH + seg) * maxT * hs;
          want.set(kv0.subarray(src, src + len * hs), dst);
        }
        for (const { name, k } of backends()) {
          const kv = k.from(kv0);
          const ord = k.fromI32(order);
          k.kvReorder(kv, ord, L, B, maxT, C, NH, len);
          expect(bitsEqual(k.read(kv), want), `${name} order ${order} len ${len}`).toBe(true);
          k.free(kv);
          k.free(ord);
        }
      }
    }
  });

  it('wasm gives bitwise identical results on 1 and 2 threads', () => {
    // Large enough for the pool: decode over 1000 cached positions, and a 97-row prefill.
    const [B, Tq, pos, maxT, C, NH] = [2, 1, 1000, 1024, 256, 4];
    const kv = seeded(5, B * 2 * maxT * C);
    const qkv = seeded(6, B * Tq * 3 * C);
    const [one, two] = backends().filter((b) => b.name !== 'js').map(({ k }) => runForward(k, kv, qkv, B, Tq, pos, maxT, C, NH));
    expect(bitsEqual(one.out, two.out)).toBe(true);
    expect(bitsEqual(one.kv, two.kv)).toBe(true);
    const [pre1, pre2] = backends().filter((b) => b.name !== 'js').map(({ k }) => runForward(k, kv, seeded(7, B * 97 * 3 * C), B, 97, 0, maxT, C, NH));
    expect(bitsEqual(pre1.out, pre2.out)).toBe(true);
  });
});
