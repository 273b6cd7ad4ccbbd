// The default locations of the wasm core, copied into pkg/ next to the .wasm files by scripts/copy-assets.mjs.
// Each URL is a literal `new URL('./file.wasm', import.meta.url)` on purpose: Vite, webpack 5 and Parcel see
// that form and emit the file as an asset; and because the files sit next to this module, an esbuild bundle
// that keeps the .wasm files beside it (one flat output folder) finds them with no configuration.
export const WASM_URLS = {
  'threads-simd': new URL('./wasm_gpt_threads_simd.wasm', import.meta.url),
  simd: new URL('./wasm_gpt_simd.wasm', import.meta.url),
  'threads-relaxed-simd': new URL('./wasm_gpt_threads_relaxed_simd.wasm', import.meta.url),
  'relaxed-simd': new URL('./wasm_gpt_relaxed_simd.wasm', import.meta.url),
};
