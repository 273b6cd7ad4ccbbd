import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { F32_EPS, TOL, expectClose, reductionTol } from './helpers/tolerance.js';

const testutil = readFileSync(new URL('../crate/src/ops/testutil.rs', import.meta.url), 'utf8');

/** `pub const NAME: Tol = Tol { abs: A, rel: R };` of crate/src/ops/testutil.rs. */
function rustTol(name: string): { abs: number; rel: number } {
  const m = new RegExp(`pub const ${name}: Tol = Tol \\{ abs: ([0-9.e-]+), rel: ([0-9.e-]+) \\}`).exec(testutil);
  if (m === null) throw new Error(`testutil.rs has no Tol::${name}`);
  return { abs: Number(m[1]), rel: Number(m[2]) };
}

describe('tolerance rules', () => {
  it('the TypeScript rules mirror crate/src/ops/testutil.rs', () => {
    expect(rustTol('STRICT')).toEqual(TOL.STRICT);
    expect(rustTol('FINITE_DIFF')).toEqual(TOL.FINITE_DIFF);
    expect(testutil).toContain('(k as f64 + 4.0) * f32::EPSILON as f64 * scale + 1e-7, rel: 1e-5');
    expect(reductionTol(96, 2)).toEqual({ abs: 100 * F32_EPS * 2 + 1e-7, rel: 1e-5 });
  });

  it('expectClose passes inside the bound and names the element outside it', () => {
    expectClose('inside', [1 + 1e-6, NaN], [1, NaN], TOL.STRICT);
    expect(() => expectClose('w', [0, 1.001], [0, 1], TOL.STRICT)).toThrow(/w: NOT OK[\s\S]*\[1\] got 1.001, want 1/);
  });
});
