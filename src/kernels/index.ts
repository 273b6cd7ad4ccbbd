/** The kernel tables: `createWasmKernels(core)` and `createJsKernels()`, built from registry.ts. */
export { createWasmKernels, createJsKernels, OP_EXPORT_NAMES } from './registry.js';
export { dropoutUniform, type Kernels, type WasmKernels, type JsKernels } from './types.js';
