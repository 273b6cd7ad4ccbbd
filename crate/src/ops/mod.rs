//! Every operation of a GPT, one module each, forward and backward side by side (llm.c style).
//!
//! Conventions every module follows (and src/kernels/types.ts documents for TypeScript):
//! - Dimension letters: B batch, T time, C channels, V vocabulary, NH heads, hs = C/NH, OC output channels,
//!   N rows (usually B·T). A shape comment sits next to every buffer argument.
//! - Argument order: outputs, then inputs, then state cached by the forward, then sizes, then scalars.
//!   Gradients are the forward name with a `d` prefix (`dinp`, `dweight`).
//! - Every backward **accumulates** (`+=`) into every gradient it produces (exceptions say so).
//! - Each op has `<op>_forward_ref` / `<op>_backward_ref`: plain scalar loops, the definition, kept forever.
//!   The fast `<op>_forward` / `<op>_backward` (SIMD via `crate::simd::F32x4`, parallel via `crate::par`) is
//!   tested against them on edge shapes, by finite differences (backward), and for bitwise equality across
//!   thread counts (see `testutil`).
//! - Determinism: a parallel loop is split into tasks that never depend on the thread count, and a reduction
//!   across tasks (a parameter gradient summed over rows) is done as fixed-size partial sums combined in
//!   task order. No atomics on floats, ever.
//! - No allocation in kernels. Scratch for reductions comes from a grow-only buffer owned by the module,
//!   sized on first use (the model makes one warm-up call, so training steps never allocate).
//! - Functions called once per parallel task are `#[inline(never)]`: V8 optimises a wasm function only after
//!   enough calls, and a worker thread runs one long activation, so work inlined into it stays unoptimised.
//! - The wasm exports of an op live in its module, in a `#[cfg(target_arch = "wasm32")] mod ffi`, named
//!   `wgpt_<op>_forward` / `wgpt_<op>_backward`, taking pointers (`*const f32`, `*const i32`) and sizes.

pub mod activation;
pub mod attention;
pub mod crossentropy;
pub mod dropout;
pub mod encoder;
pub mod kvcache;
pub mod layernorm;
pub mod matmul;
pub mod optim;
pub mod q8;
pub mod residual;

#[cfg(test)]
pub mod testutil;
