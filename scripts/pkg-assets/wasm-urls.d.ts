/** Default URL of each wasm artifact: next to this module in the package's pkg/ folder. */
export declare const WASM_URLS: {
  readonly 'threads-simd': URL;
  readonly simd: URL;
  readonly 'threads-relaxed-simd': URL;
  readonly 'relaxed-simd': URL;
};
