/** Conformance of the embedding ops (positionalSinusoidal, encoderForward, encoderBackward) on every backend. */
import { describe, expect, it } from 'vitest';
import { WasmRuntimeError } from '../src/index.js';
import { useKernelBackends, type AnyKernels } from './helpers/kernels.js';
import { bitsEqual, seeded } from './helpers/tolerance.js';
import { dot64, expectClose, gradCheck, reductionTol } from './helpers/close.js';

// ---- float64 definitions -------------------------------------------------------------------------------
function sinusoid64(T: number, C: number): Float64Array {
  const out = new Float64Array(T * C);
  for (let t = 0; t < T; t++) {
    for (let c = 0; c < C; c++) {
      const angle = t / 10000 ** ((2 * Math.floor(c / 2)) / C);
      out[t * C + c] = c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}

/** dwte, dwpe (T+3 rows), their counts of contributions, starting from dwte0 / dwpe0. */
function backward64(dwte0: Float32Array, dwpe0: Float32Array, dout: Float32Array, ids: Int32Array, B: number, T: number, C: number) {
  const dwte = Float64Array.from(dwte0);
  const dwpe = Float64Array.from(dwpe0);
  const count = new Map<number, number>();
  for (let r = 0; r < B * T; r++) {
    count.set(ids[r], (count.get(ids[r]) ?? 0) + 1);
    for (let i = 0; i < C; i++) {
      dwte[ids[r] * C + i] += dout[r * C + i];
      dwpe[(r % T) * C + i] += dout[r * C + i];
    }
  }
  return { dwte, dwpe, maxCount: Math.max(B, ...count.values()) };
}

function seededIds(seed: number, n: number, V: number): Int32Array {
  return Int32Array.from(seeded(seed, n), (v) => Math.min(V - 1, Math.floor(((v + 1) / 2) * V)));
}

function sinusoidal(k: AnyKernels, T: number, C: number): Float32Array {
  const O = k.alloc(T * C);
  k.positionalSinusoidal(O, T, C);
  const out = k.read(O);
  k.free(O);
  return out;
}

function forward(k: AnyKernels, ids: Int32Array, wte: Float32Array, wpe: Float32Array, B: number, T: number, C: number) {
  const [I, E, P, O] = [k.fromI32(ids), k.from(wte), k.from(wpe), k.alloc(B * T * C)];
  k.encoderForward(O, I, E, P, B, T, C);
  const out = k.read(O);
  for (const buf of [I, E, P, O]) k.free(buf);
  return out;
}

function backward(k: AnyKernels, dwte0: Float32Array, dwpe0: Float32Array | null, dout: Float32Array, ids: Int32Array,
                  B: number, T: number, C: number, times = 1) {
  const [DE, G, I] = [k.from(dwte0), k.from(dout), k.fromI32(ids)];
  const DP = dwpe0 === null ? null : k.from(dwpe0);
  for (let i = 0; i < times; i++) k.encoderBackward(DE, DP, G, I, B, T, C);
  const res = { dwte: k.read(DE), dwpe: DP === null ? null : k.read(DP) };
  for (const buf of [DE, G, I, ...(DP === null ? [] : [DP])]) k.free(buf);
  return res;
}

// (B, T, C, V): C = 1, C not a multiple of 4, tiny vocabularies (tokens repeat), edges of 32-row/32-column tasks.
const SHAPES: [number, number, number, number][] = [
  [1, 1, 1, 1], [1, 1, 5, 3], [2, 3, 7, 2], [1, 33, 4, 5], [3, 17, 33, 7], [4, 16, 64, 100], [2, 40, 65, 1], [2, 70, 3, 4],
];

describe('encoder', () => {
  const backends = useKernelBackends();

  it('positionalSinusoidal matches the float64 table (one rounding)', () => {
    for (const { name, k } of backends()) {
      for (const [T, C] of [[1, 1], [1, 2], [3, 5], [33, 6], [70, 31], [1024, 128]]) {
        // The f64 trig of the two runtimes may differ in the last f64 bit; after rounding to f32, ≤ 1 f32 ulp.
        expectClose(sinusoidal(k, T, C), sinusoid64(T, C), { abs: 2 ** -24, rel: 2 ** -23 }, `${name} T=${T} C=${C}`);
      }
    }
  });

  it('encoderForward is exact (one rounding) and reads only the first T rows of wpe', () => {
    for (const { name, k } of backends()) {
      for (const [B, T, C, V] of SHAPES) {
        const ids = seededIds(B * T + V, B * T, V);
        const [wte, wpe] = [seeded(C, V * C), seeded(C + 1, (T + 3) * C)];
        wpe.fill(NaN, T * C);
        const want = new Float32Array(B * T * C);
        for (let r = 0; r < B * T; r++) for (let i = 0; i < C; i++) want[r * C + i] = wte[ids[r] * C + i] + wpe[(r % T) * C + i];
        expect(bitsEqual(forward(k, ids, wte, wpe, B, T, C), want), `${name} B=${B} T=${T} C=${C} V=${V}`).toBe(true);
      }
    }
  });

  it('encoderBackward matches the float64 scatter, with and without dwpe, and backends agree bit for bit', () => {
    for (const [B, T, C, V] of SHAPES) {
      const ids = seededIds(B * T + V + 1, B * T, V);
      const [g, dwte0, dwpe0] = [seeded(C + 2, B * T * C), seeded(C + 3, V * C), seeded(C + 4, (T + 3) * C)];
      const want = backward64(dwte0, dwpe0, g, ids, B, T, C);
      const tag = `B=${B} T=${T} C=${C} V=${V}`;
      const results = backends().map(({ name, k }) => {
        const got = backward(k, dwte0, dwpe0, g, ids, B, T, C);
        expectClose(got.dwte, want.dwte, reductionTol(want.maxCount, 2), `${name} dwte ${tag}`);
        expectClose(got.dwpe!, want.dwpe, reductionTol(B, 2), `${name} dwpe ${tag}`);
        expect(bitsEqual(got.dwpe!.subarray(T * C), dwpe0.subarray(T * C)), `${name} rows ≥ T untouched`).toBe(true);
        const noPos = backward(k, dwte0, null, g, ids, B, T, C);
        expect(bitsEqual(noPos.dwte, got.dwte), `${name} dwte without dwpe ${tag}`).toBe(true);
        return got;
      });
      // Every backend adds each element's contributions in (b, t) order, in float32: the same bits.
      for (const r of results.slice(1)) {
        expect(bitsEqual(r.dwte, results[0].dwte) && bitsEqual(r.dwpe!, results[0].dwpe!), `backends agree ${tag}`).toBe(true);
      }
    }
  });

  it('hand-computed case with a token shared by several positions', () => {
    const wte = Float32Array.of(1, 2, 10, 20, 100, 200); // V = 3, C = 2
    const wpe = Float32Array.of(0.5, 0.25, 0.125, 0.0625);
    const dout = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8); // B = 2, T = 2
    for (const { name, k } of backends()) {
      expect(Array.from(forward(k, Int32Array.of(2, 0, 2, 1), wte, wpe, 2, 2, 2)), name)
        .toEqual([100.5, 200.25, 1.125, 2.0625, 100.5, 200.25, 10.125, 20.0625]);
      // Tokens [1, 1 | 1, 0]: token 1 collects three rows, position 0 two.
      const g = backward(k, new Float32Array(6), new Float32Array(4).fill(0.5), dout, Int32Array.of(1, 1, 1, 0), 2, 2, 2);
      expect(Array.from(g.dwte), `${name} dwte`).toEqual([7, 8, 9, 12, 0, 0]);
      expect(Array.from(g.dwpe!), `${name} dwpe`).toEqual([6.5, 8.5, 10.5, 12.5]);
      // pos 2, channels 2-3 of a C = 4 table: angle 2 / 10000^(2/4) = 0.02.
      expectClose(sinusoidal(k, 3, 4), [0, 1, 0, 1, Math.sin(1), Math.cos(1), Math.sin(0.01), Math.cos(0.01),
                                        Math.sin(2), Math.cos(2), Math.sin(0.02), Math.cos(0.02)], { abs: 3e-8, rel: 0 }, `${name} sinusoid`);
    }
  });

  it('accumulates: two backward calls double the gradients', () => {
    const [B, T, C, V] = [3, 10, 9, 4];
    const ids = seededIds(3, B * T, V);
    const g = seeded(4, B * T * C);
    for (const { name, k } of backends()) {
      const once = backward(k, new Float32Array(V * C), new Float32Array(T * C), g, ids, B, T, C);
      const twice = backward(k, new Float32Array(V * C), new Float32Array(T * C), g, ids, B, T, C, 2);
      // The second call continues each element's running sum, so "twice" is equal up to rounding of 2·B·T terms.
      const tol = reductionTol(2 * B * T, 2);
      expectClose(twice.dwte, Array.from(once.dwte, (v) => 2 * v), tol, `${name} dwte`);
      expectClose(twice.dwpe!, Array.from(once.dwpe!, (v) => 2 * v), tol, `${name} dwpe`);
      expect(twice.dwte.some((v, i) => v !== once.dwte[i]), `${name} second call adds`).toBe(true);
    }
  });

  it('wasm refuses a token outside [0, V) and stays usable', () => {
    for (const { name, k } of backends().filter((b) => b.k.backend === 'wasm')) {
      const wte = new Float32Array(3 * 2);
      for (const bad of [3, -1]) {
        expect(() => forward(k, Int32Array.of(0, bad), wte, new Float32Array(4), 1, 2, 2), `${name} ${bad}`).toThrow(WasmRuntimeError);
        expect(() => backward(k, wte, null, new Float32Array(4), Int32Array.of(bad, 0), 1, 2, 2), `${name} ${bad}`).toThrow(WasmRuntimeError);
      }
      expect(Array.from(forward(k, Int32Array.of(2), Float32Array.of(0, 0, 0, 0, 1, 2), Float32Array.of(1, 1), 1, 1, 2))).toEqual([2, 3]);
    }
  });

  it('wasm on 1 and 2 threads agree bit for bit on a shape that goes parallel', () => {
    const [B, T, C, V] = [4, 520, 1024, 64]; // work estimates B·T·C/2 and 40·T·C (sinusoid) ≥ 2^20: the pool is used
    const ids = seededIds(5, B * T, V);
    const [wte, wpe, g] = [seeded(6, V * C), seeded(7, T * C), seeded(8, B * T * C)];
    const runs = backends().filter((b) => b.k.backend === 'wasm').map(({ k }) => {
      const d = backward(k, new Float32Array(V * C), new Float32Array(T * C), g, ids, B, T, C);
      return [forward(k, ids, wte, wpe, B, T, C), d.dwte, d.dwpe!, sinusoidal(k, T, C)];
    });
    expect(runs.length).toBe(2);
    runs[0].forEach((t, j) => expect(bitsEqual(t, runs[1][j]), `tensor ${j}`).toBe(true));
  });

  it('JS backward passes a finite-difference check of dwte and dwpe', () => {
    const js = backends().find((b) => b.name === 'js')!.k;
    const [B, T, C, V] = [2, 3, 5, 4];
    const ids = seededIds(9, B * T, V);
    const [wte, wpe, w] = [seeded(10, V * C), seeded(11, T * C), seeded(12, B * T * C)];
    const d = backward(js, new Float32Array(V * C), new Float32Array(T * C), w, ids, B, T, C);
    const out = new Float32Array(B * T * C);
    const loss = () => (js.encoderForward(out, ids, wte, wpe, B, T, C), dot64(w, out));
    gradCheck('dwte', wte, d.dwte, loss);
    gradCheck('dwpe', wpe, d.dwpe!, loss);
  });
});
