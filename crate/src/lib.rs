//! wasm-gpt numeric core.
//!
//! Everything the JavaScript side calls is in [`ffi`]: plain `extern "C"` functions over pointers and sizes,
//! so the boundary needs no bindings generator. The kernels themselves are ordinary Rust functions over slices,
//! tested natively with `cargo test` (where the SIMD type is emulated lane by lane, so the same kernel code
//! runs) and in wasm through the TypeScript test suite.
//!
//! Dimension letters used throughout: M, N, K for GEMM (C is M×N, the reduction runs over K).

pub mod gemm;
pub mod ops;
pub mod par;
pub mod peak;
pub mod simd;
#[cfg(feature = "threads")]
pub mod team;

#[cfg(target_arch = "wasm32")]
pub mod ffi;
#[cfg(all(target_arch = "wasm32", feature = "threads"))]
pub mod threads;

#[cfg(all(target_arch = "wasm32", feature = "threads", not(target_feature = "atomics")))]
compile_error!("the `threads` feature needs `-C target-feature=+atomics,+bulk-memory` (see scripts/build-wasm.sh)");
