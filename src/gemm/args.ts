/**
 * Argument checking shared by every public GEMM entry point (wasm and pure TypeScript), run once before any
 * kernel so a bad call never reaches one: each message names the argument, what was expected and what was got.
 */
import { ShapeError, describeValue } from '../errors.js';
import { WASM32_MAX_BYTES } from '../wasm/artifacts.js';

/** `C ← α·op(A)·op(B) + β·C` with op(A) M×K, op(B) K×N, C M×N, all row-major. */
export interface MatmulOptions {
  /** Rows of op(A) and C. */
  m: number;
  /** Columns of op(B) and C. */
  n: number;
  /** Columns of op(A), rows of op(B): the reduction length. */
  k: number;
  /** Read A as its transpose: A is stored K×M. */
  transA?: boolean;
  /** Read B as its transpose: B is stored N×K. */
  transB?: boolean;
  /** Scale of the product (default 1). */
  alpha?: number;
  /** Scale of the existing C (default 0: C is overwritten and not read, so NaNs in it do not leak). */
  beta?: number;
}

/** Adds row strides, for operating on sub-matrices of larger buffers. */
export interface GemmOptions extends MatmulOptions {
  /** Row stride of A as stored (default: its column count). */
  lda?: number;
  ldb?: number;
  ldc?: number;
}

/** Every parameter of one product, defaults filled in: what the unchecked inner GEMMs take. */
export interface GemmShape {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  lda: number;
  ldb: number;
  ldc: number;
}

export interface ResolvedGemm extends GemmShape {
  /** Elements of each buffer the product touches (from its first element). */
  aExtent: number;
  bExtent: number;
  cExtent: number;
}

function size(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number') throw new ShapeError(`${fn}: ${name} must be a number, got ${describeValue(value)}`);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ShapeError(`${fn}: ${name} must be a non-negative integer, got ${describeValue(value)}`);
  }
  return value;
}

function flag(fn: string, name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new ShapeError(`${fn}: ${name} must be a boolean, got ${describeValue(value)}`);
  return value;
}

function scalar(fn: string, name: string, value: unknown, dflt: number): number {
  if (value === undefined) return dflt;
  if (typeof value !== 'number') throw new ShapeError(`${fn}: ${name} must be a number, got ${describeValue(value)}`);
  return value;
}

/** Elements spanned by `rows` rows of `cols` with stride `ld`. */
function extent(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

function checkAddressable(fn: string, name: string, dims: string, elements: number): void {
  const bytes = elements * 4;
  if (bytes > WASM32_MAX_BYTES) {
    throw new ShapeError(
      `${fn}: ${name} (${dims}) needs ${(bytes / 2 ** 30).toFixed(2)} GiB as float32, ` +
        `more than the 4 GiB wasm32 address space`,
    );
  }
}

/** Validates options and returns every derived quantity; `packed` forbids custom strides (plain matmul). */
export function resolveGemm(fn: string, options: unknown, packed: boolean): ResolvedGemm {
  if (typeof options !== 'object' || options === null) {
    throw new ShapeError(`${fn}: options must be an object {m, n, k, ...}, got ${describeValue(options)}`);
  }
  const o = options as Record<string, unknown>;
  const m = size(fn, 'm', o.m);
  const n = size(fn, 'n', o.n);
  const k = size(fn, 'k', o.k);
  const transA = flag(fn, 'transA', o.transA);
  const transB = flag(fn, 'transB', o.transB);
  const alpha = scalar(fn, 'alpha', o.alpha, 1);
  const beta = scalar(fn, 'beta', o.beta, 0);
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const stride = (name: string, value: unknown, cols: number) => {
    if (value === undefined) return Math.max(cols, 1);
    if (packed) throw new ShapeError(`${fn}: ${name} is not accepted here (use gemm for strided matrices)`);
    const ld = size(fn, name, value);
    if (ld < Math.max(cols, 1)) {
      throw new ShapeError(`${fn}: ${name} must be at least the row length ${Math.max(cols, 1)}, got ${ld}`);
    }
    return ld;
  };
  const lda = stride('lda', o.lda, aCols);
  const ldb = stride('ldb', o.ldb, bCols);
  const ldc = stride('ldc', o.ldc, n);
  const aExtent = extent(aRows, aCols, lda);
  const bExtent = extent(bRows, bCols, ldb);
  const cExtent = extent(m, n, ldc);
  checkAddressable(fn, 'A', `${aRows}×${aCols}`, aExtent);
  checkAddressable(fn, 'B', `${bRows}×${bCols}`, bExtent);
  checkAddressable(fn, 'C', `${m}×${n}`, cExtent);
  return { transA, transB, m, n, k, alpha, beta, lda, ldb, ldc, aExtent, bExtent, cExtent };
}

/** Checks one operand's type and length against the extent the product needs. */
export function checkOperand(
  fn: string,
  name: string,
  value: unknown,
  needed: number,
  shape: string,
  exact: boolean,
): asserts value is Float32Array {
  if (!(value instanceof Float32Array)) {
    throw new ShapeError(`${fn}: ${name} must be a Float32Array, got ${describeValue(value)}`);
  }
  if (exact ? value.length !== needed : value.length < needed) {
    throw new ShapeError(
      `${fn}: ${name} has length ${value.length}, expected ${exact ? '' : 'at least '}${needed} (${shape})`,
    );
  }
}

/** Human-readable shape of each operand for error messages. */
export function operandShapes(g: ResolvedGemm): { a: string; b: string; c: string } {
  return {
    a: g.transA ? `Aᵀ stored k×m = ${g.k}×${g.m}` : `A is m×k = ${g.m}×${g.k}`,
    b: g.transB ? `Bᵀ stored n×k = ${g.n}×${g.k}` : `B is k×n = ${g.k}×${g.n}`,
    c: `C is m×n = ${g.m}×${g.n}`,
  };
}
