// initWasm's location and kernel options, fuzzed (seeded, shrinking): any value that is not a valid choice is
// refused before anything is fetched or instantiated, with a ConfigError whose key names the option.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { GEMM_KERNEL_NAMES } from '../src/wasm/gemm-kernels.js';
import { initWasm } from '../src/wasm/loader.js';

const SEED = 1604;

async function refusedAs(options: object, key: string): Promise<void> {
  const err = await initWasm(options as never).then(
    (core) => { core.terminate(); return undefined; },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).key).toBe(key);
}

describe('initWasm options', () => {
  it('gemmKernel: anything but auto or a known shape is a ConfigError naming gemmKernel', async () => {
    const bad = fc.anything().filter((v) => v !== undefined && v !== 'auto' && !(GEMM_KERNEL_NAMES as readonly unknown[]).includes(v));
    await fc.assert(fc.asyncProperty(bad, (v) => refusedAs({ gemmKernel: v }, 'gemmKernel')), { seed: SEED, numRuns: 100 });
  });

  it('wasmPaths and wasmUrl entries: a value that is neither a URL nor a string is a ConfigError naming it', async () => {
    const bad = fc.anything().filter((v) => v !== undefined && typeof v !== 'string' && !(v instanceof URL));
    await fc.assert(fc.asyncProperty(bad, (v) => refusedAs({ wasmPaths: v }, 'wasmPaths')), { seed: SEED, numRuns: 100 });
    await fc.assert(fc.asyncProperty(bad, (v) => refusedAs({ wasmUrl: { simd: v } }, 'wasmUrl.simd')), { seed: SEED, numRuns: 100 });
  });

  it('an unparsable wasmPaths string is refused naming wasmPaths', async () => {
    await refusedAs({ wasmPaths: 'http://[bad' }, 'wasmPaths');
  });
});
