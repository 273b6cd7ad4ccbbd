/** The built wasm artifacts and the memory they import. Must match scripts/build-wasm.sh. */
import { WASM_URLS } from '../../pkg/wasm-urls.js';

export type ArtifactName = 'threads-simd' | 'simd';

export const ARTIFACT_FILES: Record<ArtifactName, string> = {
  'threads-simd': 'wasm_gpt_threads_simd.wasm',
  simd: 'wasm_gpt_simd.wasm',
};

const PAGE = 65536;
/** `--initial-memory` of both builds, in 64 KiB pages. */
export const INITIAL_PAGES = (16 * 1024 * 1024) / PAGE;
/** `--max-memory` of both builds: the whole 4 GiB wasm32 address space. */
export const MAX_PAGES = 65536;
/** Bytes addressable by wasm32; no buffer or product of sizes may exceed it. */
export const WASM32_MAX_BYTES = 4 * 1024 * 1024 * 1024;

/** Default location of an artifact: the package's `pkg/` folder (see pkg/wasm-urls.js for why it is named there). */
export function defaultArtifactUrl(name: ArtifactName): URL {
  return WASM_URLS[name];
}
