/** Builds the kernel tables: `createWasmKernels(core)` and `createJsKernels()`. */
import type { WasmCore, WasmF32Array, WasmI32Array } from '../wasm/core.js';
import type { Kernels } from './types.js';
import { wasmMemoryOps } from './wasm/memory.js';
import { ACTIVATION_EXPORTS } from './wasm/activation.js';
import { ATTENTION_EXPORTS } from './wasm/attention.js';
import { CROSSENTROPY_EXPORTS } from './wasm/crossentropy.js';
import { DROPOUT_EXPORTS } from './wasm/dropout.js';
import { ENCODER_EXPORTS } from './wasm/encoder.js';
import { KVCACHE_EXPORTS } from './wasm/kvcache.js';
import { LAYERNORM_EXPORTS } from './wasm/layernorm.js';
import { MATMUL_EXPORTS } from './wasm/matmul.js';
import { OPTIM_EXPORTS } from './wasm/optim.js';
import { RESIDUAL_EXPORTS } from './wasm/residual.js';
import { wasmEncoderOps } from './wasm/encoder.js';
import { wasmLayernormOps } from './wasm/layernorm.js';
import { wasmMatmulOps } from './wasm/matmul.js';
import { wasmAttentionOps } from './wasm/attention.js';
import { wasmKvCacheOps } from './wasm/kvcache.js';
import { wasmActivationOps } from './wasm/activation.js';
import { wasmResidualOps } from './wasm/residual.js';
import { wasmCrossEntropyOps } from './wasm/crossentropy.js';
import { wasmDropoutOps } from './wasm/dropout.js';
import { wasmOptimOps } from './wasm/optim.js';
import { jsMemoryOps } from './js/memory.js';
import { jsEncoderOps } from './js/encoder.js';
import { jsLayernormOps } from './js/layernorm.js';
import { jsMatmulOps } from './js/matmul.js';
import { jsAttentionOps } from './js/attention.js';
import { jsKvCacheOps } from './js/kvcache.js';
import { jsActivationOps } from './js/activation.js';
import { jsResidualOps } from './js/residual.js';
import { jsCrossEntropyOps } from './js/crossentropy.js';
import { jsDropoutOps } from './js/dropout.js';
import { jsOptimOps } from './js/optim.js';

export type WasmKernels = Kernels<WasmF32Array, WasmI32Array>;
export type JsKernels = Kernels<Float32Array, Int32Array>;
export type { Kernels } from './types.js';
export { dropoutUniform } from './types.js';

/** Every wasm export the op glue calls (a test checks both artifacts provide them all). */
export const OP_EXPORT_NAMES: readonly string[] = [
  ...ENCODER_EXPORTS, ...LAYERNORM_EXPORTS, ...MATMUL_EXPORTS, ...ATTENTION_EXPORTS, ...KVCACHE_EXPORTS, ...ACTIVATION_EXPORTS,
  ...RESIDUAL_EXPORTS, ...CROSSENTROPY_EXPORTS, ...DROPOUT_EXPORTS, ...OPTIM_EXPORTS,
];

export function createWasmKernels(core: WasmCore): WasmKernels {
  return {
    backend: 'wasm',
    ...wasmMemoryOps(core),
    ...wasmEncoderOps(core),
    ...wasmLayernormOps(core),
    ...wasmMatmulOps(core),
    ...wasmAttentionOps(core),
    ...wasmKvCacheOps(core),
    ...wasmActivationOps(core),
    ...wasmResidualOps(core),
    ...wasmCrossEntropyOps(core),
    ...wasmDropoutOps(core),
    ...wasmOptimOps(core),
  };
}

export function createJsKernels(): JsKernels {
  return {
    backend: 'js',
    ...jsMemoryOps(),
    ...jsEncoderOps(),
    ...jsLayernormOps(),
    ...jsMatmulOps(),
    ...jsAttentionOps(),
    ...jsKvCacheOps(),
    ...jsActivationOps(),
    ...jsResidualOps(),
    ...jsCrossEntropyOps(),
    ...jsDropoutOps(),
    ...jsOptimOps(),
  };
}
