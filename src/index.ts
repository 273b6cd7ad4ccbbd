export { initWasm, type InitOptions } from './wasm/loader.js';
export { WasmCore, WasmF32Array, WasmI32Array, type Capabilities } from './wasm/core.js';
export type { ArtifactName } from './wasm/artifacts.js';
export type { MatmulOptions, GemmOptions } from './gemm-args.js';
export { matmulJs, matmulJsNaive, gemmJs } from './js/gemm.js';
export { WasmGptError, WasmRuntimeError, ShapeError, FormatError, TokenizerError } from './errors.js';
export * from './tokenizer/index.js';
export * from './data/index.js';
export { createWasmKernels, createJsKernels, dropoutUniform, type Kernels, type WasmKernels, type JsKernels } from './kernels/index.js';
