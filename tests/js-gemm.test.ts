import { describe, expect, it } from 'vitest';
import { ShapeError, gemmJs, matmulJs } from '../src/index.js';
import { matmulJsNaive } from '../src/testing.js';
import { expectWithinBound, gemmReference64, seeded } from './helpers/tolerance.js';

const TRANSPOSES = [[false, false], [false, true], [true, false], [true, true]] as const;

describe('pure-TypeScript GEMM', () => {
  it.each([
    ['matmulJs', matmulJs],
    ['matmulJsNaive', matmulJsNaive],
  ] as const)('%s matches the float64 product for every transpose and edge shape', (_, fn) => {
    let seed = 1;
    for (const [m, n, k] of [[1, 1, 1], [1, 9, 130], [3, 5, 7], [17, 33, 129], [40, 3, 300]]) {
      for (const [transA, transB] of TRANSPOSES) {
        for (const [alpha, beta] of [[1, 0], [0.5, 2]]) {
          const g = { m, n, k, transA, transB, alpha, beta };
          const a = seeded(seed++, m * k);
          const b = seeded(seed++, k * n);
          const c = seeded(seed++, m * n);
          const { want, bound } = gemmReference64(a, b, c, g);
          expectWithinBound(fn(a, b, g, c.slice()), want, bound, `${JSON.stringify(g)}`);
        }
      }
    }
  });

  it('gemmJs handles strides and leaves padding alone', () => {
    const g = { m: 9, n: 11, k: 13, lda: 20, ldb: 15, ldc: 14, transA: true, beta: 1 };
    const a = seeded(1, g.k * g.lda);
    const b = seeded(2, g.k * g.ldb);
    const c = seeded(3, g.m * g.ldc);
    const { want, bound } = gemmReference64(a, b, c, g);
    const got = c.slice();
    gemmJs(a, b, got, g);
    expectWithinBound(got, want, bound, 'strided gemmJs');
    expect(got[g.n]).toBe(c[g.n]);
  });

  it('propagates NaN and Inf from A and B like the wasm kernel', () => {
    const out = matmulJs(new Float32Array([0, 1]), new Float32Array([Infinity, 2]), { m: 1, n: 1, k: 2 });
    expect(Number.isNaN(out[0])).toBe(true); // 0·∞ is NaN
  });

  it('checks arguments the same way as the wasm path', () => {
    expect(() => matmulJs(new Float32Array(5), new Float32Array(6), { m: 2, n: 2, k: 3 })).toThrow(
      /matmulJs: a has length 5, expected 6/,
    );
    expect(() => matmulJsNaive(new Float32Array(6), new Float32Array(6), { m: 2, n: -1, k: 3 })).toThrow(ShapeError);
  });
});
