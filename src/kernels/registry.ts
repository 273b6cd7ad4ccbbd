/**
 * Every op of the kernel table, listed once: its name (the crate/src/ops/ module), the exports of that module
 * its wasm glue calls, and the two implementations. `createWasmKernels` / `createJsKernels` assemble the table from this
 * list, and the compile-time check at the bottom fails when an op of `Kernels` has no entry, so adding a
 * variant (a new op, a quantized path) means one entry here plus its two files.
 */
import type { WasmCore } from '../wasm/core.js';
import type { ExportName } from '../wasm/exports.js';
import type { JsKernels, Kernels, WasmKernels } from './types.js';
import { jsActivationOps } from './js/activation.js';
import { jsAttentionOps } from './js/attention.js';
import { jsCrossEntropyOps } from './js/crossentropy.js';
import { jsDropoutOps } from './js/dropout.js';
import { jsEncoderOps } from './js/encoder.js';
import { jsKvCacheOps } from './js/kvcache.js';
import { jsLayernormOps } from './js/layernorm.js';
import { jsMatmulOps } from './js/matmul.js';
import { jsMemoryOps } from './js/memory.js';
import { jsOptimOps } from './js/optim.js';
import { jsQ8Ops } from './js/q8.js';
import { jsResidualOps } from './js/residual.js';
import { wasmActivationOps } from './wasm/activation.js';
import { wasmAttentionOps } from './wasm/attention.js';
import { wasmCrossEntropyOps } from './wasm/crossentropy.js';
import { wasmDropoutOps } from './wasm/dropout.js';
import { wasmEncoderOps } from './wasm/encoder.js';
import { wasmKvCacheOps } from './wasm/kvcache.js';
import { wasmLayernormOps } from './wasm/layernorm.js';
import { wasmMatmulOps } from './wasm/matmul.js';
import { wasmMemoryOps } from './wasm/memory.js';
import { wasmOptimOps } from './wasm/optim.js';
import { wasmQ8Ops } from './wasm/q8.js';
import { wasmResidualOps } from './wasm/residual.js';

type Op = Exclude<keyof Kernels<unknown, unknown>, 'backend'>;

interface KernelEntry<K extends Op> {
  readonly name: string;
  readonly exports: readonly ExportName[];
  readonly wasm: (core: WasmCore) => Pick<WasmKernels, K>;
  readonly js: () => Pick<JsKernels, K>;
}

const entry = <K extends Op>(e: KernelEntry<K>) => e;

export const KERNELS = [
  // Memory ops call only core exports (wgpt_fill, in ffi.rs).
  entry({ name: 'memory', exports: [], wasm: wasmMemoryOps, js: jsMemoryOps }),
  entry({ name: 'encoder', exports: ['wgpt_positional_sinusoidal', 'wgpt_encoder_forward', 'wgpt_encoder_backward'], wasm: wasmEncoderOps, js: jsEncoderOps }),
  entry({ name: 'layernorm', exports: ['wgpt_layernorm_forward', 'wgpt_layernorm_backward'], wasm: wasmLayernormOps, js: jsLayernormOps }),
  entry({ name: 'matmul', exports: ['wgpt_matmul_forward', 'wgpt_matmul_backward'], wasm: wasmMatmulOps, js: jsMatmulOps }),
  entry({
    name: 'q8', exports: ['wgpt_q8_quantize', 'wgpt_q8_dequantize', 'wgpt_q8_matmul_forward', 'wgpt_q8_encoder_forward'],
    wasm: wasmQ8Ops, js: jsQ8Ops,
  }),
  entry({ name: 'attention', exports: ['wgpt_attention_forward', 'wgpt_attention_backward'], wasm: wasmAttentionOps, js: jsAttentionOps }),
  entry({ name: 'kvcache', exports: ['wgpt_kv_attention_forward', 'wgpt_kv_reorder'], wasm: wasmKvCacheOps, js: jsKvCacheOps }),
  entry({
    name: 'activation', exports: ['wgpt_gelu_forward', 'wgpt_gelu_backward', 'wgpt_relu_forward', 'wgpt_relu_backward'],
    wasm: wasmActivationOps, js: jsActivationOps,
  }),
  entry({ name: 'residual', exports: ['wgpt_residual_forward', 'wgpt_residual_backward'], wasm: wasmResidualOps, js: jsResidualOps }),
  entry({ name: 'crossentropy', exports: ['wgpt_crossentropy_forward', 'wgpt_crossentropy_backward'], wasm: wasmCrossEntropyOps, js: jsCrossEntropyOps }),
  entry({ name: 'dropout', exports: ['wgpt_dropout_forward', 'wgpt_dropout_backward'], wasm: wasmDropoutOps, js: jsDropoutOps }),
  entry({ name: 'optim', exports: ['wgpt_adamw', 'wgpt_grad_norm', 'wgpt_scale'], wasm: wasmOptimOps, js: jsOptimOps }),
] as const;

/** Every wasm export the op glue calls (a test checks both artifacts provide them all). */
export const OP_EXPORT_NAMES: readonly ExportName[] = KERNELS.flatMap((k) => k.exports);

export function createWasmKernels(core: WasmCore): WasmKernels {
  return Object.assign({ backend: 'wasm' as const }, ...KERNELS.map((k) => k.wasm(core)));
}

export function createJsKernels(): JsKernels {
  return Object.assign({ backend: 'js' as const }, ...KERNELS.map((k) => k.js()));
}

type Covered<E> = E extends KernelEntry<infer K> ? K : never;
/** Compile-time: names the ops of `Kernels` that no entry provides (must be none). */
type Missing = Exclude<Op, Covered<(typeof KERNELS)[number]>>;
const everyOpRegistered: [Missing] extends [never] ? true : Missing = true;
void everyOpRegistered;
