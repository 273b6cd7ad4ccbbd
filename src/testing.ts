/**
 * `wasm-gpt/testing`: hooks for tests and benchmarks, kept out of the main API. They reach exports of the
 * core that a model never calls: the scalar reference GEMM, the SIMD128 peak probe, a deliberate panic.
 */
import { WasmRuntimeError } from './errors.js';
import type { GemmOptions } from './gemm/args.js';
import type { WasmCore, WasmF32Array } from './wasm/core.js';

export { matmulJsNaive } from './gemm/js.js';

/** `core.gemm` with the crate's scalar reference kernel (one thread, unblocked): same checks, same semantics. */
export function gemmReference(core: WasmCore, a: WasmF32Array, b: WasmF32Array, c: WasmF32Array, options: GemmOptions): void {
  core.checkedGemm('gemmReference', 'wgpt_sgemm_ref', a, b, c, options);
}

/**
 * SIMD128 peak probe: `iters` rounds of register-resident f32x4 multiply+add on one thread. Returns the
 * flops performed; time it to get the peak rate benchmarks are compared to.
 */
export function simdPeak(core: WasmCore, iters: number): number {
  const sink = core.invoke('simdPeak', (x) => x.wgpt_simd_peak(iters >>> 0, 0.999));
  if (!Number.isFinite(sink)) throw new WasmRuntimeError('simdPeak produced a non-finite value');
  return (iters >>> 0) * core.invoke('simdPeak', (x) => x.wgpt_simd_peak_flops_per_iter());
}

/** Makes Rust panic, to check the message reaches JavaScript. Leaves the core unusable. */
export function debugPanic(core: WasmCore): void {
  core.invoke('debugPanic', (x) => x.wgpt_debug_panic());
}
