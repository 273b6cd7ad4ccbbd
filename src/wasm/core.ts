/**
 * A loaded wasm-gpt core: one wasm instance, its memory, and (in the threads build) its worker pool.
 * Everything crosses the boundary as pointers and sizes; data lives in resident {@link WasmF32Array}s so
 * later layers (the model, the sampler) never copy per call.
 */
import { ShapeError, WasmGptError, WasmRuntimeError } from '../errors.js';
import { checkOperand, operandShapes, resolveGemm, type GemmOptions, type MatmulOptions } from '../gemm/args.js';
import type { ThreadPoolHandle } from '../threads/pool.js';
import type { ArtifactName } from './artifacts.js';
import type { GemmKernelName, GemmKernelProbe } from './gemm-kernels.js';
import { Status, type CoreExports } from './exports.js';

/** What the loader picked and why. */
export interface Capabilities {
  /** Which binary is running. */
  artifact: ArtifactName;
  /** SIMD128 kernels (every artifact has them). */
  simd: boolean;
  /**
   * Relaxed-SIMD build: multiply-adds are `f32x4.relaxed_madd`, fused where the CPU has FMA (results may
   * differ from the SIMD128 builds within the bound in README "Relaxed SIMD"; never across thread counts).
   */
  relaxedSimd: boolean;
  /**
   * With `relaxedSimd`: whether this engine rounds those multiply-adds once (a hardware FMA, e.g. V8 on x86 with
   * FMA3 or on ARM64). False otherwise; then the results equal the SIMD128 builds' bit for bit.
   */
  fusedMultiplyAdd: boolean;
  /** True when kernels run on a pool of worker threads. */
  threads: boolean;
  /** Threads kernels run on (1 without a pool). */
  threadCount: number;
  /** Logical cores the platform reports. */
  cores: number;
  /** Whether SharedArrayBuffer (hence the threads artifact) is usable here. */
  sharedMemory: boolean;
  /** Why this artifact and thread count were chosen. */
  reason: string;
  /** Register-tile shape of the SGEMM micro-kernel (rows×columns); results are the same for every shape. */
  gemmKernel: GemmKernelName;
  /** Single-thread GFLOP/s of each shape from the load-time probe; empty when `gemmKernel` was forced. */
  gemmKernelProbe: GemmKernelProbe;
}

const F32 = 4;
const ALIGN = 16;

type ElementArray = Float32Array | Int32Array;
type ElementCtor<T extends ElementArray> = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T };

/** A typed buffer resident in wasm memory. Free it with `free()` when done (or let the core go). */
abstract class WasmArray<T extends ElementArray> {
  #core: WasmCore;
  #ptr: number;
  #owner: WasmArray<T> | undefined;
  readonly length: number;
  protected abstract readonly ctor: ElementCtor<T>;

  /** @internal */
  constructor(core: WasmCore, ptr: number, length: number, owner?: WasmArray<T>) {
    this.#core = core;
    this.#ptr = ptr;
    this.length = length;
    this.#owner = owner;
  }

  /**
   * A window of `length` elements starting at element `offset`, sharing this buffer's memory (like
   * `TypedArray.subarray`). It does not own the memory: `free()` on it does nothing, and it must not be used
   * after the buffer it came from is freed.
   */
  subarray(offset: number, length: number): this {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.length) {
      throw new ShapeError(`${this.constructor.name}.subarray: [${offset}, ${offset + length}) is outside length ${this.length}`);
    }
    const Ctor = this.constructor as new (core: WasmCore, ptr: number, length: number, owner: WasmArray<T>) => this;
    return new Ctor(this.#core, this.ptr + offset * 4, length, this.#owner ?? this);
  }

  /** Byte offset in wasm memory. */
  get ptr(): number {
    if (this.#ptr === 0 || this.#owner?.freed) throw new WasmGptError(`${this.constructor.name} used after free()`);
    return this.#ptr;
  }

  get freed(): boolean {
    return this.#ptr === 0;
  }

  /** @internal The core this buffer lives in. */
  get core(): WasmCore {
    return this.#core;
  }

  /** A live view over the wasm memory; take a new one after any call that may grow memory. */
  view(): T {
    return new this.ctor(this.#core.memory.buffer, this.ptr, this.length);
  }

  /** Copies `data` in at element `offset`. */
  set(data: ArrayLike<number>, offset = 0): this {
    if (offset < 0 || !Number.isInteger(offset) || offset + data.length > this.length) {
      throw new ShapeError(`${this.constructor.name}.set: ${data.length} values at offset ${offset} exceed length ${this.length}`);
    }
    this.view().set(data, offset);
    return this;
  }

  /** Copies the contents out, into `out` when given (no allocation), else into a new array. */
  read(out?: T): T {
    if (out === undefined) return this.view().slice() as T;
    if (!(out instanceof this.ctor)) throw new ShapeError(`${this.constructor.name}.read: out must be a ${this.ctor.name}`);
    if (out.length < this.length) {
      throw new ShapeError(`${this.constructor.name}.read: out has length ${out.length}, expected at least ${this.length}`);
    }
    out.set(this.view() as never);
    return out;
  }

  free(): void {
    if (this.#ptr === 0 || this.#owner !== undefined) return;
    this.#core.release(this.#ptr, this.length);
    this.#ptr = 0;
  }
}

/** A Float32 buffer resident in wasm memory. */
export class WasmF32Array extends WasmArray<Float32Array> {
  protected readonly ctor = Float32Array;
}

/** An Int32 buffer resident in wasm memory (token ids, targets). */
export class WasmI32Array extends WasmArray<Int32Array> {
  protected readonly ctor = Int32Array;
}

export class WasmCore {
  /** @internal */ readonly memory: WebAssembly.Memory;
  #exports: CoreExports;
  #pool: ThreadPoolHandle | undefined;
  #capabilities: Capabilities;
  #poisoned: string | undefined;
  #panicMessage: string | undefined;
  #staging: { a?: WasmF32Array; b?: WasmF32Array; c?: WasmF32Array } = {};

  /** @internal Use `initWasm()`. */
  constructor(
    memory: WebAssembly.Memory,
    exports: CoreExports,
    pool: ThreadPoolHandle | undefined,
    capabilities: Capabilities,
  ) {
    this.memory = memory;
    this.#exports = exports;
    this.#pool = pool;
    this.#capabilities = capabilities;
  }

  /** @internal Called from the `wgpt_report_panic` import just before the trap it explains. */
  notePanic(message: string): void {
    this.#panicMessage = message;
  }

  capabilities(): Capabilities {
    return { ...this.#capabilities, gemmKernelProbe: { ...this.#capabilities.gemmKernelProbe } };
  }

  /**
   * Runs an export, turning a trap into a `WasmRuntimeError` carrying the Rust panic message. After a trap the
   * instance's state is unknown, so every later call fails fast instead of computing on corrupt memory.
   */
  #call<T>(what: string, f: (x: CoreExports) => T): T {
    if (this.#poisoned !== undefined) {
      throw new WasmRuntimeError(`wasm-gpt core is unusable after an earlier failure (${this.#poisoned})`);
    }
    try {
      return f(this.#exports);
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) {
        const reason = this.#panicMessage ?? err.message;
        this.#poisoned = reason;
        throw new WasmRuntimeError(`${what} failed in wasm: ${reason}`, { cause: err });
      }
      throw err;
    }
  }

  #checkStatus(what: string, status: number): void {
    if (status === Status.Ok) return;
    const name = Object.entries(Status).find(([, v]) => v === status)?.[0] ?? `status ${status}`;
    throw new WasmRuntimeError(`${what}: the wasm core refused the call (${name})`);
  }

  #allocBytes(fn: string, length: number): number {
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
      throw new ShapeError(`${fn}: length must be a non-negative integer, got ${String(length)}`);
    }
    if (length * F32 > 2 ** 32 - ALIGN) {
      throw new ShapeError(`${fn}: ${length} elements exceed the 4 GiB wasm32 address space`);
    }
    const ptr = this.#call(fn, (x) => x.wgpt_alloc(Math.max(length, 1) * F32, ALIGN)) >>> 0;
    if (ptr === 0) {
      throw new WasmRuntimeError(
        `${fn}: out of wasm memory for ${length} elements (${(length * F32 / 2 ** 20).toFixed(1)} MiB); ` +
          `the instance holds ${(this.memory.buffer.byteLength / 2 ** 20).toFixed(0)} MiB`,
      );
    }
    new Uint8Array(this.memory.buffer, ptr, Math.max(length, 1) * F32).fill(0);
    return ptr;
  }

  /** Allocates a zero-initialised float32 buffer of `length` elements in wasm memory. */
  alloc(length: number): WasmF32Array {
    return new WasmF32Array(this, this.#allocBytes('alloc', length), length);
  }

  /** Allocates a float32 buffer holding a copy of `data`. */
  from(data: ArrayLike<number>): WasmF32Array {
    return this.alloc(data.length).set(data);
  }

  /** Allocates a zero-initialised int32 buffer (token ids, targets). */
  allocI32(length: number): WasmI32Array {
    return new WasmI32Array(this, this.#allocBytes('allocI32', length), length);
  }

  /** Allocates an int32 buffer holding a copy of `data`. */
  fromI32(data: ArrayLike<number>): WasmI32Array {
    return this.allocI32(data.length).set(data);
  }

  /**
   * @internal For the op glue in src/kernels/wasm/ and src/testing.ts: runs an export with the same trap
   * handling as every other call.
   */
  invoke<T>(what: string, fn: (exports: CoreExports) => T): T {
    return this.#call(what, fn);
  }

  /** @internal Like `invoke`, for exports that return a `Status`: a non-zero one becomes an error naming `what`. */
  invokeStatus(what: string, fn: (exports: CoreExports) => number): void {
    this.#checkStatus(what, this.#call(what, fn));
  }

  /** @internal */
  release(ptr: number, length: number): void {
    if (this.#poisoned === undefined) this.#exports.wgpt_free(ptr, Math.max(length, 1) * F32, ALIGN);
  }

  /**
   * `C ← α·op(A)·op(B) + β·C` on resident buffers (no copies): the fast path for repeated products.
   * Optional `lda/ldb/ldc` select sub-matrices of larger row-major buffers. C must not overlap A or B.
   */
  gemm(a: WasmF32Array, b: WasmF32Array, c: WasmF32Array, options: GemmOptions): void {
    this.checkedGemm('gemm', 'wgpt_sgemm', a, b, c, options);
  }

  /** @internal `gemm`'s checks, then the named GEMM export (src/testing.ts runs the reference kernel). */
  checkedGemm(
    fn: string,
    kernel: 'wgpt_sgemm' | 'wgpt_sgemm_ref',
    a: WasmF32Array,
    b: WasmF32Array,
    c: WasmF32Array,
    options: GemmOptions,
  ): void {
    const g = resolveGemm(fn, options, false);
    const shapes = operandShapes(g);
    for (const [name, buf, needed, shape] of [
      ['a', a, g.aExtent, shapes.a],
      ['b', b, g.bExtent, shapes.b],
      ['c', c, g.cExtent, shapes.c],
    ] as const) {
      if (!(buf instanceof WasmF32Array)) throw new ShapeError(`${fn}: ${name} must be a WasmF32Array from this core`);
      if (buf.length < needed) {
        throw new ShapeError(`${fn}: ${name} has length ${buf.length}, expected at least ${needed} (${shape})`);
      }
    }
    const overlaps = (x: WasmF32Array) => x.ptr < c.ptr + c.length * F32 && c.ptr < x.ptr + x.length * F32;
    if (g.cExtent > 0 && (overlaps(a) || overlaps(b))) {
      throw new ShapeError(`${fn}: c must not overlap a or b (the product reads them while writing C)`);
    }
    const status = this.#call(fn, (x) =>
      x[kernel](+g.transA, +g.transB, g.m, g.n, g.k, g.alpha, a.ptr, g.lda, b.ptr, g.ldb, g.beta, c.ptr, g.ldc),
    );
    this.#checkStatus(fn, status);
  }

  /**
   * `op(A)·op(B)` (times α, plus β·out) for plain arrays: copies A and B into reusable staging buffers in wasm
   * memory, multiplies, and copies C into `out` (a new array when omitted; pass one to avoid allocating).
   * For repeated products on the same data, `gemm` on resident buffers skips the copies.
   */
  matmul(a: Float32Array, b: Float32Array, options: MatmulOptions, out?: Float32Array): Float32Array {
    const g = resolveGemm('matmul', options, true);
    const shapes = operandShapes(g);
    checkOperand('matmul', 'a', a, g.m * g.k, shapes.a, true);
    checkOperand('matmul', 'b', b, g.k * g.n, shapes.b, true);
    if (out !== undefined) checkOperand('matmul', 'out', out, g.m * g.n, shapes.c, true);
    const sa = this.#stage('a', g.m * g.k).set(a);
    const sb = this.#stage('b', g.k * g.n).set(b);
    const sc = this.#stage('c', g.m * g.n);
    if (g.beta !== 0 && out !== undefined) sc.set(out);
    this.gemm(sa, sb, sc, options);
    const result = out ?? new Float32Array(g.m * g.n);
    result.set(sc.view().subarray(0, g.m * g.n));
    return result;
  }

  #stage(slot: 'a' | 'b' | 'c', length: number): WasmF32Array {
    const cur = this.#staging[slot];
    if (cur !== undefined && cur.length >= length) return cur;
    cur?.free();
    // Grow geometrically so a sequence of slightly larger products does not reallocate every time.
    const buf = this.alloc(Math.max(length, Math.ceil((cur?.length ?? 0) * 1.5)));
    this.#staging[slot] = buf;
    return buf;
  }

  /** Ends the worker threads. The core must not be used afterwards. */
  async terminate(): Promise<void> {
    this.#poisoned ??= 'terminated';
    await this.#pool?.terminate();
  }
}
