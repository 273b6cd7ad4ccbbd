/**
 * The typed table of the Rust core's exports (crate/src/ffi.rs). One declaration per export, with argument
 * names; pointers are byte offsets into the wasm memory (`usize` = u32, coerce with `>>> 0`).
 * A test asserts every name listed here exists in both built artifacts.
 */

/** Result codes of exports. Must match `Status` in crate/src/ffi.rs. */
export const Status = {
  Ok: 0,
  InvalidArgument: 1,
  OutOfMemory: 2,
  ThreadsUnavailable: 3,
  AlreadyInitialised: 4,
} as const;

/** Must match `ABI_VERSION` in crate/src/ffi.rs. */
export const ABI_VERSION = 1;

type Ptr = number;

export interface CoreExports {
  wgpt_abi_version(): number;
  wgpt_init(): void;
  wgpt_threads_supported(): number;
  wgpt_simd_enabled(): number;
  wgpt_alloc(size: number, align: number): Ptr;
  wgpt_free(ptr: Ptr, size: number, align: number): void;
  wgpt_thread_pool_init(threads: number): number;
  wgpt_worker_entry(): void;
  wgpt_thread_count(): number;
  wgpt_sgemm(
    transA: number, transB: number, m: number, n: number, k: number, alpha: number,
    a: Ptr, lda: number, b: Ptr, ldb: number, beta: number, c: Ptr, ldc: number,
  ): number;
  wgpt_sgemm_ref(
    transA: number, transB: number, m: number, n: number, k: number, alpha: number,
    a: Ptr, lda: number, b: Ptr, ldb: number, beta: number, c: Ptr, ldc: number,
  ): number;
  wgpt_fill(buf: Ptr, n: number, value: number): number;
  wgpt_simd_peak(iters: number, s: number): number;
  wgpt_simd_peak_flops_per_iter(): number;
  wgpt_debug_panic(): void;
  /** Times nothing itself: runs tile shape `kernel`'s micro-kernel `rounds` times; NaN for an unknown id. */
  wgpt_gemm_kernel_probe(kernel: number, rounds: number): number;
  wgpt_gemm_kernel_probe_flops(kernel: number): number;
  wgpt_gemm_set_kernel(kernel: number): number;
  wgpt_gemm_kernel(): number;
}

/** Extra exports of the shared-memory build, used to bootstrap worker threads. */
export interface ThreadExports {
  __stack_pointer: WebAssembly.Global;
  __tls_size: WebAssembly.Global;
  __tls_align: WebAssembly.Global;
  __wasm_init_tls(tlsBase: Ptr): void;
}

export const CORE_EXPORT_NAMES: readonly (keyof CoreExports)[] = [
  'wgpt_abi_version', 'wgpt_init', 'wgpt_threads_supported', 'wgpt_simd_enabled', 'wgpt_alloc', 'wgpt_free',
  'wgpt_thread_pool_init', 'wgpt_worker_entry', 'wgpt_thread_count', 'wgpt_sgemm', 'wgpt_sgemm_ref',
  'wgpt_fill', 'wgpt_simd_peak', 'wgpt_simd_peak_flops_per_iter', 'wgpt_debug_panic',
  'wgpt_gemm_kernel_probe', 'wgpt_gemm_kernel_probe_flops', 'wgpt_gemm_set_kernel', 'wgpt_gemm_kernel',
];

export const THREAD_EXPORT_NAMES: readonly (keyof ThreadExports)[] = [
  '__stack_pointer', '__tls_size', '__tls_align', '__wasm_init_tls',
];
