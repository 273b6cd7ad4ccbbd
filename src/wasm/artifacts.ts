/** The built wasm artifacts and the memory they import. Must match scripts/build-wasm.sh. */
import { WASM_URLS } from '../../pkg/wasm-urls.js';

export type ArtifactName = 'threads-simd' | 'simd' | 'threads-relaxed-simd' | 'relaxed-simd';

export interface ArtifactTraits {
  /** File name in pkg/. */
  readonly file: string;
  /** Shared memory, atomics and the worker pool. */
  readonly threads: boolean;
  /** Built with `+relaxed-simd`: multiply-adds are `f32x4.relaxed_madd` (fused where the CPU has FMA). */
  readonly relaxedSimd: boolean;
}

export const ARTIFACTS: Readonly<Record<ArtifactName, ArtifactTraits>> = {
  'threads-simd': { file: 'wasm_gpt_threads_simd.wasm', threads: true, relaxedSimd: false },
  simd: { file: 'wasm_gpt_simd.wasm', threads: false, relaxedSimd: false },
  'threads-relaxed-simd': { file: 'wasm_gpt_threads_relaxed_simd.wasm', threads: true, relaxedSimd: true },
  'relaxed-simd': { file: 'wasm_gpt_relaxed_simd.wasm', threads: false, relaxedSimd: true },
};

export const ARTIFACT_NAMES = Object.keys(ARTIFACTS) as readonly ArtifactName[];

export const ARTIFACT_FILES = Object.fromEntries(ARTIFACT_NAMES.map((n) => [n, ARTIFACTS[n].file])) as Readonly<Record<ArtifactName, string>>;

export function isArtifactName(x: unknown): x is ArtifactName {
  return typeof x === 'string' && Object.hasOwn(ARTIFACTS, x);
}

/** The artifact with the same SIMD flavour and the given threading. */
export function artifactFor(threads: boolean, relaxedSimd: boolean): ArtifactName {
  return threads ? (relaxedSimd ? 'threads-relaxed-simd' : 'threads-simd') : relaxedSimd ? 'relaxed-simd' : 'simd';
}

// (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd)
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type section: one type, [v128 ×3] → [v128]
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // code section
]);

let relaxedSimd: boolean | undefined;

/**
 * Whether this engine runs relaxed SIMD, i.e. validates a module using `f32x4.relaxed_madd`: Chromium-based
 * browsers, Node ≥ 22, Node 20 with `--experimental-wasm-relaxed-simd`. Checked once per process.
 */
export function relaxedSimdSupported(): boolean {
  return (relaxedSimd ??= WebAssembly.validate(RELAXED_SIMD_PROBE));
}

// (func (export "f") (param f32 f32 f32) (result f32)
//   (f32x4.extract_lane 0 (f32x4.relaxed_madd (f32x4.splat a) (f32x4.splat b) (f32x4.splat c))))
const RELAXED_MADD_FUNCTION = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7d, 0x7d, 0x7d, 0x01, 0x7d, // type: [f32 ×3] → [f32]
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f" = function 0
  0x0a, 0x16, 0x01, 0x14, 0x00,
  0x20, 0x00, 0xfd, 0x13, 0x20, 0x01, 0xfd, 0x13, 0x20, 0x02, 0xfd, 0x13, // splat a, b, c
  0xfd, 0x85, 0x02, 0xfd, 0x1f, 0x00, 0x0b, // relaxed_madd, extract_lane 0
]);

let fuses: boolean | undefined;

/**
 * Whether this engine computes `f32x4.relaxed_madd` with one rounding (a hardware FMA): (1 + 2⁻¹²)² − 1 is
 * 2⁻¹¹ + 2⁻²⁴ fused and 2⁻¹¹ when the product is rounded first. False where relaxed SIMD is unavailable.
 */
export function relaxedMaddFuses(): boolean {
  if (fuses === undefined) {
    if (!relaxedSimdSupported()) return (fuses = false);
    const { f } = new WebAssembly.Instance(new WebAssembly.Module(RELAXED_MADD_FUNCTION)).exports as { f: (a: number, b: number, c: number) => number };
    const x = 1 + 2 ** -12;
    fuses = f(x, x, -1) !== 2 ** -11;
  }
  return fuses;
}

const PAGE = 65536;
/** `--initial-memory` of every build, in 64 KiB pages. */
export const INITIAL_PAGES = (16 * 1024 * 1024) / PAGE;
/** `--max-memory` of every build: the whole 4 GiB wasm32 address space. */
export const MAX_PAGES = 65536;
/** Bytes addressable by wasm32; no buffer or product of sizes may exceed it. */
export const WASM32_MAX_BYTES = 4 * 1024 * 1024 * 1024;

/** Default location of an artifact: the package's `pkg/` folder (see pkg/wasm-urls.js for why it is named there). */
export function defaultArtifactUrl(name: ArtifactName): URL {
  return WASM_URLS[name];
}
