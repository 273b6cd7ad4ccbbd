import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ARTIFACT_NAMES, ARTIFACTS, INITIAL_PAGES, MAX_PAGES, defaultArtifactUrl, relaxedSimdSupported, type ArtifactName,
} from '../src/wasm/artifacts.js';
import { EXPORTS, EXPORT_NAMES } from '../src/wasm/exports.js';
import { OP_EXPORT_NAMES } from '../src/kernels/index.js';

/** The functions a built artifact exports, by name, instantiated on a throwaway memory (nothing is called). */
function exportedFunctions(name: ArtifactName): Map<string, Function> {
  const module = new WebAssembly.Module(readFileSync(defaultArtifactUrl(name)));
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: ARTIFACTS[name].threads });
  const instance = new WebAssembly.Instance(module, { env: { memory, wgpt_report_panic: () => {} } });
  return new Map(Object.entries(instance.exports).filter((e): e is [string, Function] => typeof e[1] === 'function'));
}

// The relaxed-SIMD artifacts compile only where the engine has relaxed SIMD: this file also runs in the
// 'relaxed-simd' vitest project (vitest.config.ts), whose Node has it, so every artifact is checked there.
const compilable = ARTIFACT_NAMES.filter((n) => !ARTIFACTS[n].relaxedSimd || relaxedSimdSupported());

describe('the typed export table matches the built core', () => {
  it.each(compilable)('%s: every declared export exists with the declared arity', (name) => {
    const fns = exportedFunctions(name);
    const arity = (n: string) => fns.get(n)?.length;
    const declared = EXPORT_NAMES.map((n) => [n, EXPORTS[n].args.length]);
    expect(EXPORT_NAMES.map((n) => [n, arity(n)])).toEqual(declared);
  });

  it.each(compilable)('%s: every wgpt_ export is declared (no name only the crate knows)', (name) => {
    const undeclared = [...exportedFunctions(name).keys()].filter((n) => n.startsWith('wgpt_') && !(n in EXPORTS));
    expect(undeclared).toEqual([]);
  });

  it('each artifact reports the SIMD flavour its name promises', () => {
    for (const name of compilable) expect([name, exportedFunctions(name).get('wgpt_relaxed_simd_enabled')?.()]).toEqual([name, ARTIFACTS[name].relaxedSimd ? 1 : 0]);
  });

  it('the kernel glue calls only declared exports', () => {
    expect(OP_EXPORT_NAMES.filter((n) => !(n in EXPORTS))).toEqual([]);
  });

  it('argument names are unique within each export', () => {
    for (const n of EXPORT_NAMES) expect(new Set(EXPORTS[n].args).size, n).toBe(EXPORTS[n].args.length);
  });
});
