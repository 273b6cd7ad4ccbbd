// Which wasm artifact initWasm loads: the rules of `chooseArtifact` over every environment (seeded property
// test), and what a plain `node` process (no relaxed-SIMD flag on Node 20) actually gets. The relaxed side of
// the same rules, in a process that has relaxed SIMD, is in tests/wasm-relaxed.relaxed.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { ARTIFACT_NAMES, ARTIFACTS, relaxedMaddFuses, relaxedSimdSupported, type ArtifactName } from '../src/wasm/artifacts.js';
import { chooseArtifact, initWasm, type ArtifactEnvironment } from '../src/wasm/loader.js';

const SEED = 1212;
const env = fc.record<ArtifactEnvironment>({ sharedMemory: fc.boolean(), browserMainThread: fc.boolean(), relaxedSimd: fc.boolean() });
const threads = fc.integer({ min: 1, max: 64 });

function outcome(wanted: 'auto' | ArtifactName, n: number, e: ArtifactEnvironment): ArtifactName | ConfigError {
  try {
    return chooseArtifact(wanted, n, e).artifact;
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

describe('chooseArtifact', () => {
  it("'auto' takes the relaxed-SIMD build exactly when the engine validates relaxed SIMD, and never throws", () => {
    fc.assert(
      fc.property(env, threads, (e, n) => {
        const { artifact, reason } = chooseArtifact('auto', n, e);
        expect(ARTIFACTS[artifact].relaxedSimd).toBe(e.relaxedSimd);
        expect(reason).toMatch(e.relaxedSimd ? /relaxed SIMD available/ : /no relaxed SIMD here/);
        // Threads only with shared memory, off a page's main thread, and when more than one is wanted.
        expect(ARTIFACTS[artifact].threads).toBe(e.sharedMemory && !e.browserMainThread && n > 1);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a named artifact is loaded as named, or refused with a ConfigError naming artifact and the missing feature', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ARTIFACT_NAMES), env, threads, (name, e, n) => {
        const got = outcome(name, n, e);
        const { threads: needsThreads, relaxedSimd: needsRelaxed } = ARTIFACTS[name];
        if (needsRelaxed && !e.relaxedSimd) {
          expect(got).toBeInstanceOf(ConfigError);
          expect((got as ConfigError).key).toBe('artifact');
          expect((got as ConfigError).message).toMatch(/needs relaxed SIMD.*--experimental-wasm-relaxed-simd/);
        } else if (needsThreads && !e.sharedMemory) {
          expect((got as ConfigError).message).toMatch(/needs SharedArrayBuffer/);
        } else if (needsThreads && e.browserMainThread) {
          expect((got as ConfigError).message).toMatch(/main thread/);
        } else {
          expect(got).toBe(name);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("'auto' keeps to the SIMD128 build when wasmUrl locates it but not its relaxed twin", () => {
    const e = { sharedMemory: true, browserMainThread: false, relaxedSimd: true };
    const old = { 'threads-simd': '/w/t.wasm', simd: '/w/s.wasm' };
    expect(chooseArtifact('auto', 4, e, old)).toEqual({
      artifact: 'threads-simd',
      reason: "shared memory available: 4 worker threads; wasmUrl names 'threads-simd' but not 'threads-relaxed-simd': SIMD128 build",
    });
    expect(chooseArtifact('auto', 1, e, old).artifact).toBe('simd');
    expect(chooseArtifact('auto', 4, e, { ...old, 'threads-relaxed-simd': '/w/tr.wasm' }).artifact).toBe('threads-relaxed-simd');
    expect(chooseArtifact('auto', 4, e, { simd: '/w/s.wasm' }).artifact).toBe('threads-relaxed-simd');
    expect(chooseArtifact('relaxed-simd', 4, e, old).artifact).toBe('relaxed-simd');
  });

  it('examples', () => {
    const node20 = { sharedMemory: true, browserMainThread: false, relaxedSimd: false };
    const chromiumWorker = { sharedMemory: true, browserMainThread: false, relaxedSimd: true };
    const chromiumPage = { sharedMemory: false, browserMainThread: true, relaxedSimd: true };
    expect(chooseArtifact('auto', 2, node20).artifact).toBe('threads-simd');
    expect(chooseArtifact('auto', 1, node20).artifact).toBe('simd');
    expect(chooseArtifact('auto', 4, chromiumWorker).artifact).toBe('threads-relaxed-simd');
    expect(chooseArtifact('auto', 4, chromiumPage)).toEqual({
      artifact: 'relaxed-simd',
      reason: 'SharedArrayBuffer is unavailable (page not cross-origin isolated): single-thread build; relaxed SIMD available: relaxed-SIMD build',
    });
    expect(chooseArtifact('simd', 4, chromiumWorker).artifact).toBe('simd');
    expect(chooseArtifact('threads-simd', 1, chromiumWorker).artifact).toBe('threads-simd');
  });
});

describe('in this process', () => {
  it('initWasm follows WebAssembly.validate: relaxed build if it accepts relaxed SIMD, else the SIMD128 one', async () => {
    const core = await initWasm({ threads: 2 });
    const caps = core.capabilities();
    await core.terminate();
    expect(caps.artifact).toBe(relaxedSimdSupported() ? 'threads-relaxed-simd' : 'threads-simd');
    expect(caps.relaxedSimd).toBe(relaxedSimdSupported());
    expect(caps.fusedMultiplyAdd).toBe(relaxedSimdSupported() && relaxedMaddFuses());
  });

  it.skipIf(relaxedSimdSupported())('without relaxed SIMD, asking for a relaxed build is a ConfigError before any fetch', async () => {
    for (const artifact of ['relaxed-simd', 'threads-relaxed-simd'] as const) {
      const err = await initWasm({ artifact, wasmPaths: 'http://127.0.0.1:9/nowhere/' }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect(err).toMatchObject({ key: 'artifact', message: expect.stringMatching(`'${artifact}' build needs relaxed SIMD`) });
    }
  });
});
