/**
 * Conformance of matmulForward / matmulBackward (the linear layer, weight (OC, C)) on every backend: against a
 * float64 definition within the rigorous K-term error bound, wasm-1t vs wasm-2t bit for bit, accumulation,
 * a null bias, hand-computed numbers, and finite differences on the JS backend.
 */
import { describe, expect, it } from 'vitest';
import { useKernelBackends, type AnyKernels } from './helpers/kernels.js';
import { bitsEqual, expectWithinBound, F32_EPS, seeded } from './helpers/tolerance.js';

interface Shape { N: number; C: number; OC: number }

/** Float64 forward with the per-element bound (K + 4)·ε·Σ|terms| (K = C products + the bias). */
function forward64(inp: Float32Array, w: Float32Array, bias: Float32Array | null, { N, C, OC }: Shape) {
  const want = new Float64Array(N * OC);
  const bound = new Float64Array(N * OC);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < OC; o++) {
      let s = bias ? bias[o] : 0;
      let mag = Math.abs(s);
      for (let c = 0; c < C; c++) {
        s += inp[n * C + c] * w[o * C + c];
        mag += Math.abs(inp[n * C + c] * w[o * C + c]);
      }
      want[n * OC + o] = s;
      bound[n * OC + o] = (C + 5) * F32_EPS * mag + 1e-30;
    }
  }
  return { want, bound };
}

/** Float64 backward added to the initial gradients, with bounds as above. */
function backward64(dinp0: Float32Array, dw0: Float32Array, db0: Float32Array, dout: Float32Array, inp: Float32Array, w: Float32Array, { N, C, OC }: Shape) {
  const dinp = { want: new Float64Array(N * C), bound: new Float64Array(N * C) };
  const dw = { want: new Float64Array(OC * C), bound: new Float64Array(OC * C) };
  const db = { want: new Float64Array(OC), bound: new Float64Array(OC) };
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      let s = dinp0[n * C + c], mag = Math.abs(s);
      for (let o = 0; o < OC; o++) { const t = dout[n * OC + o] * w[o * C + c]; s += t; mag += Math.abs(t); }
      dinp.want[n * C + c] = s; dinp.bound[n * C + c] = (OC + 5) * F32_EPS * mag + 1e-30;
    }
  }
  for (let o = 0; o < OC; o++) {
    for (let c = 0; c < C; c++) {
      let s = dw0[o * C + c], mag = Math.abs(s);
      for (let n = 0; n < N; n++) { const t = dout[n * OC + o] * inp[n * C + c]; s += t; mag += Math.abs(t); }
      dw.want[o * C + c] = s; dw.bound[o * C + c] = (N + 5) * F32_EPS * mag + 1e-30;
    }
    let s = db0[o], mag = Math.abs(s);
    for (let n = 0; n < N; n++) { s += dout[n * OC + o]; mag += Math.abs(dout[n * OC + o]); }
    db.want[o] = s; db.bound[o] = (N + 5) * F32_EPS * mag + 1e-30;
  }
  return { dinp, dw, db };
}

function runForward(k: AnyKernels, inp: Float32Array, w: Float32Array, bias: Float32Array | null, s: Shape): Float32Array {
  const [I, W, B, O] = [k.from(inp), k.from(w), bias ? k.from(bias) : null, k.from(seeded(999, s.N * s.OC))];
  k.matmulForward(O, I, W, B, s.N, s.C, s.OC);
  const out = k.read(O);
  for (const b of [I, W, B, O]) if (b) k.free(b);
  return out;
}

/** Runs the backward `times` times from the given initial gradients; returns the gradients. */
function runBackward(k: AnyKernels, g0: Float32Array[], dout: Float32Array, inp: Float32Array, w: Float32Array, s: Shape, withBias = true, times = 1, accumulate = true) {
  const [dI, dW, dB, G, I, W] = [k.from(g0[0]), k.from(g0[1]), k.from(g0[2]), k.from(dout), k.from(inp), k.from(w)];
  for (let t = 0; t < times; t++) k.matmulBackward(dI, dW, withBias ? dB : null, G, I, W, s.N, s.C, s.OC, accumulate);
  const res = [k.read(dI), k.read(dW), k.read(dB)];
  for (const b of [dI, dW, dB, G, I, W]) k.free(b);
  return res;
}

// Edges of the wasm SGEMM tiles (MR 6, NR 8, KC 256, small-M below 4 rows) and of the dbias column blocks.
const SHAPES: Shape[] = [
  { N: 1, C: 1, OC: 1 }, { N: 1, C: 7, OC: 5 }, { N: 3, C: 13, OC: 70 }, { N: 5, C: 33, OC: 3 },
  { N: 7, C: 257, OC: 19 }, { N: 50, C: 31, OC: 129 }, { N: 5, C: 9, OC: 1030 }, { N: 64, C: 128, OC: 384 },
];

describe('matmul kernels', () => {
  const backends = useKernelBackends();

  it('forward matches the float64 definition, with and without bias', () => {
    for (const { name, k } of backends()) {
      SHAPES.forEach((s, i) => {
        const inp = seeded(10 + i, s.N * s.C), w = seeded(20 + i, s.OC * s.C), bias = seeded(30 + i, s.OC);
        for (const b of [bias, null]) {
          const { want, bound } = forward64(inp, w, b, s);
          expectWithinBound(runForward(k, inp, w, b, s), want, bound, `${name} forward ${JSON.stringify(s)} bias=${b !== null}`);
        }
      });
    }
  });

  it('backward matches the float64 definition and accumulates into existing gradients', () => {
    for (const { name, k } of backends()) {
      SHAPES.forEach((s, i) => {
        const inp = seeded(40 + i, s.N * s.C), w = seeded(50 + i, s.OC * s.C), dout = seeded(60 + i, s.N * s.OC);
        const g0 = [seeded(70, s.N * s.C), seeded(71, s.OC * s.C), seeded(72, s.OC)];
        const [dinp, dw, db] = runBackward(k, g0, dout, inp, w, s);
        const want = backward64(g0[0], g0[1], g0[2], dout, inp, w, s);
        const tag = `${name} ${JSON.stringify(s)}`;
        expectWithinBound(dinp, want.dinp.want, want.dinp.bound, `dinp ${tag}`);
        expectWithinBound(dw, want.dw.want, want.dw.bound, `dweight ${tag}`);
        expectWithinBound(db, want.db.want, want.db.bound, `dbias ${tag}`);
        // A null dbias leaves it alone and changes nothing else.
        const [dinpN, dwN, dbN] = runBackward(k, g0, dout, inp, w, s, false);
        expect(bitsEqual(dinpN, dinp) && bitsEqual(dwN, dw) && bitsEqual(dbN, g0[2]), `null dbias ${tag}`).toBe(true);
      });
    }
  });

  it('overwrite mode ignores NaN in dinp and equals accumulating into zeros; parameter gradients still accumulate', () => {
    for (const { name, k } of backends()) {
      [...SHAPES, { N: 3, C: 4, OC: 0 }].forEach((s, i) => {
        const inp = seeded(110 + i, s.N * s.C), w = seeded(120 + i, s.OC * s.C), dout = seeded(130 + i, s.N * s.OC);
        const params0 = [seeded(71, s.OC * s.C), seeded(72, s.OC)];
        const zeros = runBackward(k, [new Float32Array(s.N * s.C), ...params0], dout, inp, w, s);
        const over = runBackward(k, [new Float32Array(s.N * s.C).fill(NaN), ...params0], dout, inp, w, s, true, 1, false);
        over.forEach((g, j) => expect(bitsEqual(g, zeros[j]), `${name} ${JSON.stringify(s)} gradient ${j}`).toBe(true));
      });
    }
  });

  it('backward twice from zero doubles the gradients', () => {
    const s = { N: 9, C: 20, OC: 11 };
    const inp = seeded(80, s.N * s.C), w = seeded(81, s.OC * s.C), dout = seeded(82, s.N * s.OC);
    const zeros = [new Float32Array(s.N * s.C), new Float32Array(s.OC * s.C), new Float32Array(s.OC)];
    const want = backward64(zeros[0], zeros[1], zeros[2], dout, inp, w, s);
    const doubled = [want.dinp, want.dw, want.db].map(({ want: x, bound }) => ({
      want: x.map((v) => 2 * v),
      bound: bound.map((b, i) => 2 * b + 2 * F32_EPS * Math.abs(2 * x[i])),
    }));
    for (const { name, k } of backends()) {
      const once = runBackward(k, zeros, dout, inp, w, s, true, 1);
      const twice = runBackward(k, zeros, dout, inp, w, s, true, 2);
      twice.forEach((g, j) => expectWithinBound(g, doubled[j].want, doubled[j].bound, `${name} gradient ${j} after two calls`));
      // The wasm GEMM (one K block here) computes g identically both times and then adds it: g + g = 2g exactly.
      // (gemmJs accumulates every product straight into C, so JS is only within the bound.)
      if (name !== 'js') for (const j of [0, 1]) expect(bitsEqual(twice[j], once[j].map((x) => 2 * x)), `${name} gradient ${j}`).toBe(true);
    }
  });

  it('hand-computed small case', () => {
    // inp [[1, 2]], W [[1, 0], [0, 1], [1, 1]], bias [0.5, -1, 0]  →  out [[1.5, 1, 3]]
    // dout [[1, 1, 1]]  →  dinp [[2, 2]], dweight [[1, 2], [1, 2], [1, 2]], dbias [1, 1, 1]
    const s = { N: 1, C: 2, OC: 3 };
    const inp = Float32Array.of(1, 2), w = Float32Array.of(1, 0, 0, 1, 1, 1), bias = Float32Array.of(0.5, -1, 0);
    for (const { name, k } of backends()) {
      expect(Array.from(runForward(k, inp, w, bias, s)), name).toEqual([1.5, 1, 3]);
      const zeros = [new Float32Array(2), new Float32Array(6), new Float32Array(3)];
      const [dinp, dw, db] = runBackward(k, zeros, Float32Array.of(1, 1, 1), inp, w, s);
      expect([Array.from(dinp), Array.from(dw), Array.from(db)], name).toEqual([[2, 2], [1, 2, 1, 2, 1, 2], [1, 1, 1]]);
    }
  });

  it('wasm on 1 and 2 threads gives identical bits on shapes that go parallel', () => {
    const s = { N: 256, C: 128, OC: 1100 }; // 36 M multiply-adds per product, two dbias blocks
    const inp = seeded(90, s.N * s.C), w = seeded(91, s.OC * s.C), bias = seeded(92, s.OC), dout = seeded(93, s.N * s.OC);
    const g0 = [seeded(94, s.N * s.C), seeded(95, s.OC * s.C), seeded(96, s.OC)];
    const [one, two] = backends().filter((b) => b.name !== 'js').map(({ k }) => [runForward(k, inp, w, bias, s), ...runBackward(k, g0, dout, inp, w, s)]);
    one.forEach((x, j) => expect(bitsEqual(two[j], x), `output ${j}`).toBe(true));
  });

  it('gradients match finite differences (JS backend, float64 loss)', () => {
    const k = backends().find((b) => b.name === 'js')!.k;
    const s = { N: 3, C: 4, OC: 5 };
    const inp = seeded(100, s.N * s.C), w = seeded(101, s.OC * s.C), bias = seeded(102, s.OC), wl = seeded(103, s.N * s.OC);
    const loss = () => runForward(k, inp, w, bias, s).reduce((acc, x, i) => acc + x * wl[i], 0);
    const zeros = [new Float32Array(s.N * s.C), new Float32Array(s.OC * s.C), new Float32Array(s.OC)];
    const grads = runBackward(k, zeros, wl, inp, w, s); // dout = ∂loss/∂out = wl
    [inp, w, bias].forEach((x, j) => {
      for (let i = 0; i < x.length; i++) {
        const h = 1e-2, orig = x[i];
        x[i] = orig + h; const up = loss();
        x[i] = orig - h; const down = loss();
        x[i] = orig;
        const fd = (up - down) / (2 * h);
        expect(Math.abs(fd - grads[j][i]), `param ${j} [${i}]: fd ${fd} analytic ${grads[j][i]}`).toBeLessThanOrEqual(1e-3 + 1e-2 * Math.max(Math.abs(fd), Math.abs(grads[j][i])));
      }
    });
  });
});
