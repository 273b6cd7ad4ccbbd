/**
 * The Rust core's exports (crate/src/ffi.rs and the `ffi` module of each crate/src/ops/*.rs), declared once:
 * name, argument names in order, and what the result means. `CoreExports`, the type every call site sees, is
 * derived from this table, so calling an export with an argument too few or too many is a compile error, and
 * tests/wasm-exports.test.ts checks every name and arity against both built artifacts.
 *
 * Pointers are byte offsets into the wasm memory; `usize`/`u32` arguments are plain numbers (coerce results
 * with `>>> 0`).
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

/** What an export returns: a `Status` code, a plain number (count, flag, pointer, float), or nothing. */
type Returns = 'status' | 'number' | 'void';

interface Signature {
  readonly args: readonly string[];
  readonly returns: Returns;
}

const sig = <const A extends readonly string[], R extends Returns>(returns: R, ...args: A) => ({ args, returns });

const GEMM_ARGS = ['transA', 'transB', 'm', 'n', 'k', 'alpha', 'a', 'lda', 'b', 'ldb', 'beta', 'c', 'ldc'] as const;

/** Every export, grouped by the crate file that defines it. */
export const EXPORTS = {
  // ffi.rs: lifetime, memory, threads
  wgpt_abi_version: sig('number'),
  wgpt_init: sig('void'),
  wgpt_threads_supported: sig('number'),
  wgpt_simd_enabled: sig('number'),
  wgpt_relaxed_simd_enabled: sig('number'),
  wgpt_alloc: sig('number', 'size', 'align'),
  wgpt_free: sig('void', 'ptr', 'size', 'align'),
  wgpt_thread_pool_init: sig('status', 'threads'),
  wgpt_worker_entry: sig('void'),
  wgpt_thread_count: sig('number'),
  wgpt_fill: sig('status', 'buf', 'n', 'value'),
  // ffi.rs: GEMM, and the hooks only tests and benchmarks call (see src/testing.ts)
  wgpt_sgemm: sig('status', ...GEMM_ARGS),
  wgpt_sgemm_ref: sig('status', ...GEMM_ARGS),
  wgpt_simd_peak: sig('number', 'iters', 's'),
  wgpt_simd_peak_flops_per_iter: sig('number'),
  wgpt_debug_panic: sig('void'),
  // ffi.rs: the SGEMM register-tile shape, timed and chosen at load (src/wasm/gemm-kernels.ts)
  wgpt_gemm_kernel_probe: sig('number', 'kernel', 'rounds'),
  wgpt_gemm_kernel_probe_flops: sig('number', 'kernel'),
  wgpt_gemm_set_kernel: sig('status', 'kernel'),
  wgpt_gemm_kernel: sig('number'),
  // ops/encoder.rs
  wgpt_positional_sinusoidal: sig('status', 'out', 'T', 'C'),
  wgpt_encoder_forward: sig('status', 'out', 'tokens', 'wte', 'wpe', 'B', 'T', 'C', 'V'),
  wgpt_encoder_backward: sig('status', 'dwte', 'dwpe', 'dout', 'tokens', 'B', 'T', 'C', 'V'),
  // ops/layernorm.rs
  wgpt_layernorm_forward: sig('status', 'out', 'mean', 'rstd', 'inp', 'weight', 'bias', 'N', 'C', 'eps'),
  wgpt_layernorm_backward: sig('status', 'dinp', 'dweight', 'dbias', 'dout', 'inp', 'weight', 'mean', 'rstd', 'N', 'C', 'accumulate'),
  // ops/matmul.rs (bias / dbias 0 = none)
  wgpt_matmul_forward: sig('status', 'out', 'inp', 'weight', 'bias', 'N', 'C', 'OC'),
  wgpt_matmul_backward: sig('status', 'dinp', 'dweight', 'dbias', 'dout', 'inp', 'weight', 'N', 'C', 'OC', 'accumulate'),
  // ops/q8.rs
  wgpt_q8_quantize: sig('status', 'out', 'inp', 'rows', 'cols'),
  wgpt_q8_dequantize: sig('status', 'out', 'inp', 'rows', 'cols'),
  wgpt_q8_matmul_forward: sig('status', 'out', 'inp', 'weight', 'bias', 'N', 'C', 'OC'),
  wgpt_q8_encoder_forward: sig('status', 'out', 'tokens', 'wte', 'wpe', 'B', 'T', 'C', 'V'),
  // ops/attention.rs
  wgpt_attention_forward: sig('status', 'out', 'lse', 'qkv', 'B', 'T', 'C', 'NH', 'dropout', 'seed'),
  wgpt_attention_backward: sig('status', 'dqkv', 'dout', 'qkv', 'out', 'lse', 'B', 'T', 'C', 'NH', 'dropout', 'seed', 'accumulate'),
  // ops/kvcache.rs
  wgpt_kv_attention_forward: sig('status', 'out', 'kv', 'qkv', 'B', 'Tq', 'pos', 'maxT', 'C', 'NH'),
  wgpt_kv_reorder: sig('status', 'kv', 'order', 'L', 'B', 'maxT', 'C', 'NH', 'len'),
  // ops/activation.rs
  wgpt_gelu_forward: sig('status', 'out', 'inp', 'N'),
  wgpt_gelu_backward: sig('status', 'dinp', 'inp', 'dout', 'N', 'accumulate'),
  wgpt_relu_forward: sig('status', 'out', 'inp', 'N'),
  wgpt_relu_backward: sig('status', 'dinp', 'inp', 'dout', 'N', 'accumulate'),
  // ops/residual.rs
  wgpt_residual_forward: sig('status', 'out', 'inp1', 'inp2', 'N'),
  wgpt_residual_backward: sig('status', 'dinp1', 'dinp2', 'dout', 'N'),
  // ops/crossentropy.rs (the mean loss comes back through a one-float slot at meanOut)
  wgpt_crossentropy_forward: sig('status', 'losses', 'lse', 'logits', 'targets', 'N', 'V', 'ignoreIndex', 'meanOut'),
  wgpt_crossentropy_backward: sig('status', 'dlogits', 'logits', 'lse', 'targets', 'N', 'V', 'ignoreIndex', 'dlossScale'),
  // ops/dropout.rs
  wgpt_dropout_forward: sig('status', 'out', 'inp', 'N', 'p', 'seed', 'offset'),
  wgpt_dropout_backward: sig('status', 'dinp', 'dout', 'N', 'p', 'seed', 'offset'),
  // ops/optim.rs
  wgpt_adamw: sig('status', 'params', 'grads', 'm', 'v', 'N', 'decayRanges', 'R', 'lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'step'),
  wgpt_grad_norm: sig('number', 'grads', 'N'),
  wgpt_scale: sig('status', 'buf', 'N', 's'),
} as const satisfies Record<`wgpt_${string}`, Signature>;

export type ExportName = keyof typeof EXPORTS;

/** One number per argument name (a homomorphic mapped tuple keeps the length). */
type Numbers<A extends readonly string[]> = { -readonly [I in keyof A]: number };

type Fn<S extends Signature> = (...args: Numbers<S['args']>) => S['returns'] extends 'void' ? void : number;

/** The core's exports as the loader hands them to `WasmCore`: one typed function per table entry. */
export type CoreExports = { readonly [K in ExportName]: Fn<(typeof EXPORTS)[K]> };

/** Exports whose result is a `Status` code (the op glue checks it). */
export type StatusExport = { [K in ExportName]: (typeof EXPORTS)[K]['returns'] extends 'status' ? K : never }[ExportName];

export const EXPORT_NAMES = Object.keys(EXPORTS) as readonly ExportName[];

/** Extra exports of the shared-memory build, used to bootstrap worker threads. */
export interface ThreadExports {
  __stack_pointer: WebAssembly.Global;
  __tls_size: WebAssembly.Global;
  __tls_align: WebAssembly.Global;
  __wasm_init_tls(tlsBase: number): void;
}

export const THREAD_EXPORT_NAMES: readonly (keyof ThreadExports)[] = [
  '__stack_pointer', '__tls_size', '__tls_align', '__wasm_init_tls',
];
