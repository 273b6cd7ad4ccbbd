/**
 * The backends every kernel conformance test runs over: wasm on one thread, wasm on a worker pool, and pure
 * TypeScript. Use as
 *   const backends = useKernelBackends();           // inside a describe(); sets up and tears down cores
 *   it('...', () => { for (const { name, k } of backends()) { ... } });
 * and compare each backend with the scalar definition, and the wasm backends with each other bit for bit.
 */
import { afterAll, beforeAll } from 'vitest';
import { initWasm, type WasmCore } from '../../src/index.js';
import { createJsKernels, createWasmKernels, type Kernels } from '../../src/kernels/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKernels = Kernels<any, any>;
export interface Backend {
  name: 'wasm-1t' | 'wasm-2t' | 'js';
  k: AnyKernels;
}

export function useKernelBackends(): () => Backend[] {
  const cores: WasmCore[] = [];
  let list: Backend[] = [];
  beforeAll(async () => {
    const one = await initWasm({ artifact: 'simd' });
    const two = await initWasm({ artifact: 'threads-simd', threads: 2 });
    cores.push(one, two);
    list = [
      { name: 'wasm-1t', k: createWasmKernels(one) },
      { name: 'wasm-2t', k: createWasmKernels(two) },
      { name: 'js', k: createJsKernels() },
    ];
  });
  afterAll(async () => {
    await Promise.all(cores.map((c) => c.terminate()));
  });
  return () => list;
}
