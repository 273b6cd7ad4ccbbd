//! Shared test machinery for the ops: seeded data, the tolerance rules, finite differences, thread pools.
//!
//! Tolerance rules (the one place they are written down for Rust; tests/helpers/tolerance.ts mirrors them under
//! the same names, adds the two whole-model rules only TypeScript tests use, and tests/tolerance.test.ts
//! checks the shared values agree):
//! - `Tol::STRICT` — same algorithm, different code path (SIMD vs scalar, blocked vs plain): |got − want| ≤
//!   1e-6 + 1e-5·|want|, i.e. a few ulps of float32 accumulated over short sums.
//! - `Tol::reduction(k)` — results of k-term sums computed in different orders: (k + 4)·ε·scale, where scale
//!   is the magnitude of the terms (passed in).
//! - Finite differences (`grad_check`): central differences with step h = 1e-2 on unit-scale inputs, the loss
//!   L = Σ w·out (random w) accumulated in float64 from float32 outputs; pass when |fd − analytic| ≤
//!   1e-3 + 1e-2·max(|fd|, |analytic|). Truncation error is O(h²) ≈ 1e-4 relative and rounding ≈ 1e-5.
//! - Thread-count independence: exact bit equality (`assert_bits_eq`), never a tolerance.

/// Deterministic values in [-1, 1).
pub fn seeded(seed: u64, len: usize) -> Vec<f32> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) | 1;
    (0..len)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// Deterministic token ids in [0, v).
pub fn seeded_ids(seed: u64, len: usize, v: usize) -> Vec<i32> {
    let mut s = seed.wrapping_mul(2862933555777941757).wrapping_add(3037000493) | 1;
    (0..len)
        .map(|_| {
            s = s.wrapping_mul(2862933555777941757).wrapping_add(3037000493);
            ((s >> 33) % v as u64) as i32
        })
        .collect()
}

#[derive(Clone, Copy, Debug)]
pub struct Tol {
    pub abs: f64,
    pub rel: f64,
}

impl Tol {
    pub const STRICT: Tol = Tol { abs: 1e-6, rel: 1e-5 };
    pub const FINITE_DIFF: Tol = Tol { abs: 1e-3, rel: 1e-2 };
    /// k-term sums in different orders, terms of magnitude `scale`.
    pub fn reduction(k: usize, scale: f64) -> Tol {
        Tol { abs: (k as f64 + 4.0) * f32::EPSILON as f64 * scale + 1e-7, rel: 1e-5 }
    }
}

/// Asserts every element is within `tol`; the message names the tensor, the first failures and the worst.
pub fn assert_close(label: &str, got: &[f32], want: &[f32], tol: Tol) {
    assert_eq!(got.len(), want.len(), "{label}: lengths differ");
    let mut bad = Vec::new();
    let mut worst = (0usize, 0.0f64);
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let (g, w) = (g as f64, w as f64);
        let err = (g - w).abs();
        let lim = tol.abs + tol.rel * w.abs();
        if !(err <= lim) && !(g.is_nan() && w.is_nan()) {
            if bad.len() < 5 {
                bad.push(format!("[{i}] got {g:e} want {w:e}"));
            }
            if err / lim > worst.1 {
                worst = (i, err / lim);
            }
        }
    }
    assert!(bad.is_empty(), "{label}: NOT OK, worst at [{}] = {:.1}× tolerance\n  {}", worst.0, worst.1, bad.join("\n  "));
}

pub fn assert_bits_eq(label: &str, a: &[f32], b: &[f32]) {
    assert_eq!(a.len(), b.len(), "{label}: lengths differ");
    if let Some(i) = a.iter().zip(b).position(|(x, y)| x.to_bits() != y.to_bits()) {
        panic!("{label}: differs at [{i}]: {:e} vs {:e}", a[i], b[i]);
    }
}

/// Runs `f` with `threads` threads (with the `threads` feature; serially otherwise): as the wasm build does,
/// on this thread leading a hot team over a pool, except for one thread, which runs inside a rayon pool so that
/// path stays covered.
pub fn with_threads<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    #[cfg(feature = "threads")]
    {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        if threads == 1 {
            pool.install(f)
        } else {
            crate::team::Team::new(&pool).lead(f)
        }
    }
    #[cfg(not(feature = "threads"))]
    {
        let _ = threads;
        f()
    }
}

/// Finite-difference check of d(loss)/dx at the indices `at` (or all when `None`): perturbs `x[i]` by ±h,
/// re-evaluates `loss` (which must run the forward on `x` and return Σ w·out in f64) and compares the central
/// difference with `analytic[i]` under `Tol::FINITE_DIFF`.
pub fn grad_check(label: &str, x: &mut [f32], analytic: &[f32], at: Option<&[usize]>, mut loss: impl FnMut(&[f32]) -> f64) {
    const H: f32 = 1e-2;
    let all: Vec<usize> = (0..x.len()).collect();
    let idx = at.unwrap_or(&all);
    let tol = Tol::FINITE_DIFF;
    let mut bad = Vec::new();
    for &i in idx {
        let orig = x[i];
        x[i] = orig + H;
        let up = loss(x);
        x[i] = orig - H;
        let down = loss(x);
        x[i] = orig;
        let fd = (up - down) / (2.0 * H as f64);
        let an = analytic[i] as f64;
        if !((fd - an).abs() <= tol.abs + tol.rel * fd.abs().max(an.abs())) && bad.len() < 5 {
            bad.push(format!("[{i}] finite difference {fd:e}, analytic {an:e}"));
        }
    }
    assert!(bad.is_empty(), "{label}: gradient check NOT OK\n  {}", bad.join("\n  "));
}

/// Σ w·out in f64: the scalar loss whose gradient with respect to `out` is `w`.
pub fn dot64(w: &[f32], out: &[f32]) -> f64 {
    w.iter().zip(out).map(|(&a, &b)| a as f64 * b as f64).sum()
}
