//! The optimizer and its helpers, single loops over the flat parameter / gradient / moment buffers (llm.c's
//! `gpt2_update`): AdamW, the global gradient norm (for clipping) and an in-place scale.
//!
//! AdamW, decoupled weight decay as in PyTorch's `torch.optim.AdamW`, per element, all in f32:
//!   m = β1·m + (1 − β1)·g            v = β2·v + ((1 − β2)·g)·g
//!   m̂ = m / (1 − β1^t)              v̂ = v / (1 − β2^t)          (t = step ≥ 1: bias correction)
//!   p = p − (lr·wd)·p                (only inside the [start, end) pairs of decay_ranges; an index in
//!                                     several ranges decays once)
//!   p = p − lr·(m̂ / (√v̂ + eps))
//! The bias corrections 1 − β^t are computed in f64 (β^t by repeated squaring, `pow_by_squaring`) and rounded
//! once to f32. Every operation is a correctly rounded IEEE one, so the SIMD lanes, the scalar tail and the
//! TypeScript twin (which rounds with Math.fround after each step) agree bit for bit.
//!
//! `grad_norm` = √Σ g², each g² and every sum in f64: fixed chunks of `CHUNK` elements, each summed in four
//! interleaved accumulators (element j of the chunk into accumulator j mod 4, combined (a0 + a1) + (a2 + a3)),
//! chunk sums then added in chunk order. The order depends only on N, never on the thread count.

use crate::par::{self, SendConstPtr, SendPtr};
use crate::simd::F32x4;
use std::sync::Mutex;

/// Elements per parallel task (AdamW, scale) and per partial sum (grad_norm). The TypeScript twin of
/// grad_norm uses the same chunk: must match `NORM_CHUNK` in src/kernels/js/optim.ts.
const CHUNK: usize = 1 << 14;

/// Partial sums of grad_norm, one per chunk; grows to the parameter count's chunks on first use.
static NORM_PARTIALS: Mutex<Vec<f64>> = Mutex::new(Vec::new());

/// x^n by binary exponentiation in f64 (the exact sequence of products the TypeScript twin repeats).
pub fn pow_by_squaring(x: f64, mut n: u32) -> f64 {
    let (mut base, mut acc) = (x, 1.0f64);
    while n > 0 {
        if n & 1 == 1 {
            acc *= base;
        }
        base *= base;
        n >>= 1;
    }
    acc
}

/// The per-step constants of AdamW, in f32.
#[derive(Clone, Copy, Debug)]
pub struct AdamW {
    pub lr: f32,
    pub beta1: f32,
    pub beta2: f32,
    pub eps: f32,
    /// 1 − β1, 1 − β2 (f32 subtractions).
    pub one_minus_beta1: f32,
    pub one_minus_beta2: f32,
    /// Bias corrections 1 − β^step, computed in f64 and rounded once.
    pub bias_correction1: f32,
    pub bias_correction2: f32,
    /// lr·weight_decay (an f32 product).
    pub lr_wd: f32,
}

impl AdamW {
    pub fn new(lr: f32, beta1: f32, beta2: f32, eps: f32, weight_decay: f32, step: u32) -> AdamW {
        AdamW {
            lr,
            beta1,
            beta2,
            eps,
            one_minus_beta1: 1.0 - beta1,
            one_minus_beta2: 1.0 - beta2,
            bias_correction1: (1.0 - pow_by_squaring(beta1 as f64, step)) as f32,
            bias_correction2: (1.0 - pow_by_squaring(beta2 as f64, step)) as f32,
            lr_wd: lr * weight_decay,
        }
    }
}

/// Whether index i is inside any [start, end) pair of `ranges` (R, 2).
fn decays(ranges: &[i32], i: usize) -> bool {
    ranges.chunks_exact(2).any(|r| (r[0] as i64) <= i as i64 && (i as i64) < r[1] as i64)
}

// ---- reference ----------------------------------------------------------------------------------------

/// One AdamW step, element by element (the definition).
#[allow(clippy::too_many_arguments)]
pub fn adamw_ref(
    params: &mut [f32],   // (N)
    grads: &[f32],        // (N)
    m: &mut [f32],        // (N) first moment
    v: &mut [f32],        // (N) second moment
    decay_ranges: &[i32], // (R, 2)
    n: usize,
    h: &AdamW,
) {
    for i in 0..n {
        let g = grads[i];
        m[i] = h.beta1 * m[i] + h.one_minus_beta1 * g;
        v[i] = h.beta2 * v[i] + (h.one_minus_beta2 * g) * g;
        let m_hat = m[i] / h.bias_correction1;
        let v_hat = v[i] / h.bias_correction2;
        let mut p = params[i];
        if decays(decay_ranges, i) {
            p -= h.lr_wd * p;
        }
        params[i] = p - h.lr * (m_hat / (v_hat.sqrt() + h.eps));
    }
}

/// √Σ g² with everything in f64, in index order.
pub fn grad_norm_ref(grads: &[f32], n: usize) -> f64 {
    grads[..n].iter().map(|&g| g as f64 * g as f64).sum::<f64>().sqrt()
}

pub fn scale_ref(buf: &mut [f32], n: usize, s: f32) {
    for x in &mut buf[..n] {
        *x *= s;
    }
}

// ---- fast -----------------------------------------------------------------------------------------------

/// Same as [`adamw_ref`] (bit for bit), SIMD, parallel in fixed chunks.
#[allow(clippy::too_many_arguments)]
pub fn adamw(
    params: &mut [f32],   // (N)
    grads: &[f32],        // (N)
    m: &mut [f32],        // (N)
    v: &mut [f32],        // (N)
    decay_ranges: &[i32], // (R, 2)
    n: usize,
    h: &AdamW,
) {
    assert!(params.len() >= n && grads.len() >= n && m.len() >= n && v.len() >= n && decay_ranges.len() % 2 == 0);
    let ptrs = (SendPtr(params.as_mut_ptr()), SendConstPtr(grads.as_ptr()), SendPtr(m.as_mut_ptr()), SendPtr(v.as_mut_ptr()));
    par::for_each(n.div_ceil(CHUNK), |t| {
        let (i0, i1) = (t * CHUNK, ((t + 1) * CHUNK).min(n));
        // Split the chunk where decay switches on or off, then run each piece as one SIMD loop.
        let mut i = i0;
        while i < i1 {
            let on = decays(decay_ranges, i);
            let mut next = i1;
            for r in decay_ranges.chunks_exact(2) {
                for b in [r[0], r[1]] {
                    if b as i64 > i as i64 && (b as i64) < next as i64 {
                        next = b as usize;
                    }
                }
            }
            unsafe { adamw_span(ptrs.0, ptrs.1, ptrs.2, ptrs.3, i, next, h, on) };
            i = next;
        }
    });
}

#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn adamw_span(
    params: SendPtr<f32>,
    grads: SendConstPtr<f32>,
    m: SendPtr<f32>,
    v: SendPtr<f32>,
    i0: usize,
    i1: usize,
    h: &AdamW,
    decay: bool,
) {
    let (p, g, m, v) = (params.get(), grads.get(), m.get(), v.get());
    let lr_wd = if decay { h.lr_wd } else { 0.0 };
    let splat = F32x4::splat;
    let (b1, omb1, b2, omb2) = (splat(h.beta1), splat(h.one_minus_beta1), splat(h.beta2), splat(h.one_minus_beta2));
    let (bc1, bc2) = (splat(h.bias_correction1), splat(h.bias_correction2));
    let (eps, lr, wd4) = (splat(h.eps), splat(h.lr), splat(lr_wd));
    let mut i = i0;
    while i + 4 <= i1 {
        let gi = F32x4::load(g.add(i));
        let mi = b1.mul(F32x4::load(m.add(i))).add(omb1.mul(gi));
        let vi = b2.mul(F32x4::load(v.add(i))).add(omb2.mul(gi).mul(gi));
        mi.store(m.add(i));
        vi.store(v.add(i));
        let (m_hat, v_hat) = (mi.div(bc1), vi.div(bc2));
        let mut pi = F32x4::load(p.add(i));
        if decay {
            pi = pi.sub(wd4.mul(pi));
        }
        pi.sub(lr.mul(m_hat.div(v_hat.sqrt().add(eps)))).store(p.add(i));
        i += 4;
    }
    // Scalar tail: the same operations in the same order (bit-identical to a vector lane).
    while i < i1 {
        let gi = *g.add(i);
        let mi = h.beta1 * *m.add(i) + h.one_minus_beta1 * gi;
        let vi = h.beta2 * *v.add(i) + (h.one_minus_beta2 * gi) * gi;
        *m.add(i) = mi;
        *v.add(i) = vi;
        let (m_hat, v_hat) = (mi / h.bias_correction1, vi / h.bias_correction2);
        let mut pi = *p.add(i);
        if decay {
            pi -= lr_wd * pi;
        }
        *p.add(i) = pi - h.lr * (m_hat / (v_hat.sqrt() + h.eps));
        i += 1;
    }
}

/// √Σ g² in f64 in the fixed chunk order described above (deterministic for any thread count).
pub fn grad_norm(grads: &[f32], n: usize) -> f64 {
    assert!(grads.len() >= n);
    let chunks = n.div_ceil(CHUNK);
    let mut partials = NORM_PARTIALS.lock().unwrap_or_else(|e| e.into_inner());
    if partials.len() < chunks {
        partials.resize(chunks, 0.0);
    }
    let (dst, src) = (SendPtr(partials.as_mut_ptr()), SendConstPtr(grads.as_ptr()));
    par::for_each(chunks, |t| unsafe {
        let (i0, i1) = (t * CHUNK, ((t + 1) * CHUNK).min(n));
        *dst.get().add(t) = sum_squares(src, i0, i1);
    });
    let mut total = 0.0f64;
    for &s in &partials[..chunks] {
        total += s;
    }
    total.sqrt()
}

/// Σ g² over [i0, i1) in f64, element j (from i0) into accumulator j mod 4.
#[inline(never)]
unsafe fn sum_squares(grads: SendConstPtr<f32>, i0: usize, i1: usize) -> f64 {
    let g = grads.get();
    let mut acc = [0.0f64; 4];
    let mut i = i0;
    while i + 4 <= i1 {
        for (l, a) in acc.iter_mut().enumerate() {
            let x = *g.add(i + l) as f64;
            *a += x * x;
        }
        i += 4;
    }
    let mut l = 0;
    while i < i1 {
        let x = *g.add(i) as f64;
        acc[l] += x * x;
        i += 1;
        l += 1;
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3])
}

/// buf *= s (bit for bit [`scale_ref`]), SIMD, parallel in fixed chunks.
pub fn scale(buf: &mut [f32], n: usize, s: f32) {
    assert!(buf.len() >= n);
    let b = SendPtr(buf.as_mut_ptr());
    par::for_each(n.div_ceil(CHUNK), |t| unsafe { scale_span(b, t * CHUNK, ((t + 1) * CHUNK).min(n), s) });
}

#[inline(never)]
unsafe fn scale_span(buf: SendPtr<f32>, i0: usize, i1: usize, s: f32) {
    let (b, s4) = (buf.get(), F32x4::splat(s));
    let mut i = i0;
    while i + 4 <= i1 {
        F32x4::load(b.add(i)).mul(s4).store(b.add(i));
        i += 4;
    }
    while i < i1 {
        *b.add(i) *= s;
        i += 1;
    }
}

/// Whether every pair of decay_ranges (R, 2) is 0 ≤ start ≤ end ≤ N (what the export checks).
pub fn ranges_valid(decay_ranges: &[i32], n: usize) -> bool {
    decay_ranges.len() % 2 == 0 && decay_ranges.chunks_exact(2).all(|r| 0 <= r[0] && r[0] <= r[1] && r[1] as usize <= n)
}

// ---- wasm exports -----------------------------------------------------------------------------------------

#[cfg(target_arch = "wasm32")]
mod ffi {
    use super::*;
    use crate::ffi::{export, reject_if, run};
    use core::slice::{from_raw_parts, from_raw_parts_mut};

    // Work estimates for `crate::ffi::run` (which enters the pool at 2^20) are calibrated with
    // bench/train-ops.mjs rather than counted in flops: these loops are memory-bound, and on a 2-core machine
    // two threads paid off for 12 M elements (≈ 1.8×) but not for 0.8 M (scale, grad_norm slower; AdamW even).
    // So AdamW goes parallel from 1 M elements, scale and grad_norm from 2 M.

    /// One AdamW step (see the module docs). Returns a `Status`: `InvalidArgument` when step is 0 or a decay
    /// range is not 0 ≤ start ≤ end ≤ N (checked before anything is written).
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn wgpt_adamw(
        params: *mut f32,
        grads: *const f32,
        m: *mut f32,
        v: *mut f32,
        n: usize,
        decay_ranges: *const i32,
        r: usize,
        lr: f32,
        beta1: f32,
        beta2: f32,
        eps: f32,
        weight_decay: f32,
        step: u32,
    ) -> i32 {
        export(|| {
            let null_buffer = params.is_null() || grads.is_null() || m.is_null() || v.is_null();
            reject_if(step == 0 || (r > 0 && decay_ranges.is_null()) || (n > 0 && null_buffer))?;
            let ranges: &[i32] = if r == 0 { &[] } else { from_raw_parts(decay_ranges, 2 * r) };
            reject_if(!ranges_valid(ranges, n))?;
            if n == 0 {
                return Ok(());
            }
            let h = AdamW::new(lr, beta1, beta2, eps, weight_decay, step);
            let p = [params as usize, grads as usize, m as usize, v as usize];
            run(n, || unsafe {
                adamw(
                    from_raw_parts_mut(p[0] as *mut f32, n),
                    from_raw_parts(p[1] as *const f32, n),
                    from_raw_parts_mut(p[2] as *mut f32, n),
                    from_raw_parts_mut(p[3] as *mut f32, n),
                    ranges,
                    n,
                    &h,
                )
            });
            Ok(())
        })
    }

    /// The global L2 norm of grads (N). Cannot fail: returns the norm (0 for N = 0; NaN/inf propagate).
    #[no_mangle]
    pub unsafe extern "C" fn wgpt_grad_norm(grads: *const f32, n: usize) -> f64 {
        if n == 0 || grads.is_null() {
            return 0.0;
        }
        let g = grads as usize;
        run(n / 2, || unsafe { grad_norm(from_raw_parts(g as *const f32, n), n) })
    }

    /// buf (N) *= s. Returns a `Status`.
    #[no_mangle]
    pub unsafe extern "C" fn wgpt_scale(buf: *mut f32, n: usize, s: f32) -> i32 {
        export(|| {
            if n == 0 {
                return Ok(());
            }
            reject_if(buf.is_null())?;
            let b = buf as usize;
            run(n / 2, || unsafe { scale(from_raw_parts_mut(b as *mut f32, n), n, s) });
            Ok(())
        })
    }
}

// ---- tests --------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testutil::*;

    fn state(n: usize, seed: u64) -> (Vec<f32>, Vec<f32>, Vec<f32>, Vec<f32>) {
        let v: Vec<f32> = seeded(seed + 3, n).iter().map(|x| x * x * 0.01).collect(); // second moments ≥ 0
        (seeded(seed, n), seeded(seed + 1, n), seeded(seed + 2, n).iter().map(|x| x * 0.1).collect(), v)
    }

    #[test]
    fn pow_by_squaring_is_pow() {
        for (x, n) in [(0.9f64, 0u32), (0.9, 1), (0.999, 10), (0.95, 1000), (0.5, 31)] {
            // Squaring doubles the relative error carried so far: at most ≈ 2n·ε overall.
            let want = x.powi(n as i32);
            assert!((pow_by_squaring(x, n) - want).abs() <= (2 * n + 1) as f64 * f64::EPSILON * want, "{x}^{n}");
        }
    }

    #[test]
    fn adamw_matches_reference_bit_for_bit() {
        let h = AdamW::new(1e-3, 0.9, 0.95, 1e-8, 0.1, 7);
        for &n in &[0usize, 1, 3, 4, 5, 17, 1000, 40_001] {
            // Overlapping, empty, unaligned and chunk-crossing ranges.
            let ranges: Vec<i32> = [(1usize, 3usize), (2, 9), (10, 10), (13, n.saturating_sub(2)), (CHUNK - 3, CHUNK + 5)]
                .iter()
                .flat_map(|&(a, b)| [a.min(n) as i32, b.min(n).max(a.min(n)) as i32])
                .collect();
            let (p0, g, m0, v0) = state(n, n as u64);
            let (mut pr, mut mr, mut vr) = (p0.clone(), m0.clone(), v0.clone());
            adamw_ref(&mut pr, &g, &mut mr, &mut vr, &ranges, n, &h);
            let (mut pf, mut mf, mut vf) = (p0.clone(), m0.clone(), v0.clone());
            adamw(&mut pf, &g, &mut mf, &mut vf, &ranges, n, &h);
            assert_bits_eq(&format!("params n {n}"), &pf, &pr);
            assert_bits_eq(&format!("m n {n}"), &mf, &mr);
            assert_bits_eq(&format!("v n {n}"), &vf, &vr);
        }
    }

    #[test]
    fn adamw_two_steps_by_hand() {
        // Two parameters, the first decayed: p = [1, -2], g1 = [0.5, -0.25], g2 = [-0.1, 0.3].
        let (lr, b1, b2, eps, wd) = (0.1f64, 0.9f64, 0.99f64, 1e-8f64, 0.5f64);
        let mut p = vec![1.0f32, -2.0];
        let (mut m, mut v) = (vec![0.0f32; 2], vec![0.0f32; 2]);
        let ranges = [0, 1];
        let grads = [[0.5f32, -0.25], [-0.1, 0.3]];
        let (mut pe, mut me, mut ve) = ([1.0f64, -2.0], [0.0f64; 2], [0.0f64; 2]);
        for (step, g) in grads.iter().enumerate() {
            let t = step as i32 + 1;
            adamw(&mut p, g, &mut m, &mut v, &ranges, 2, &AdamW::new(lr as f32, b1 as f32, b2 as f32, eps as f32, wd as f32, t as u32));
            for i in 0..2 {
                let gi = g[i] as f64;
                me[i] = b1 * me[i] + (1.0 - b1) * gi;
                ve[i] = b2 * ve[i] + (1.0 - b2) * gi * gi;
                let (mh, vh) = (me[i] / (1.0 - b1.powi(t)), ve[i] / (1.0 - b2.powi(t)));
                if i == 0 {
                    pe[i] -= lr * wd * pe[i];
                }
                pe[i] -= lr * mh / (vh.sqrt() + eps);
            }
        }
        // By hand, step 1: p0 = 1 − 0.05 − 0.1·sign(0.5) = 0.85, p1 = −2 + 0.1 = −1.9.
        // Step 2: m = [0.035, 0.0075], v = [0.002575, 0.00151875] (before correction), p ≈ [0.75629, −1.91429]
        // (up to the f32 rounding of the gradients, e.g. −0.1f32 = −0.10000000149).
        assert!((me[0] - 0.035).abs() < 1e-8 && (me[1] - 0.0075).abs() < 1e-8);
        assert!((ve[0] - 0.002575).abs() < 1e-8 && (ve[1] - 0.00151875).abs() < 1e-8);
        assert!((pe[0] - 0.756_290_29).abs() < 1e-7 && (pe[1] + 1.914_288_65).abs() < 1e-7, "{pe:?}");
        for i in 0..2 {
            assert!((p[i] as f64 - pe[i]).abs() < 1e-6, "p[{i}] = {} want {}", p[i], pe[i]);
            assert!((m[i] as f64 - me[i]).abs() < 1e-7 && (v[i] as f64 - ve[i]).abs() < 1e-7);
        }
        // Step 1 alone moves each parameter by ≈ lr·sign(g) (plus decay on the first).
        let mut p1 = vec![1.0f32, -2.0];
        let (mut m1, mut v1) = (vec![0.0f32; 2], vec![0.0f32; 2]);
        adamw(&mut p1, &grads[0], &mut m1, &mut v1, &ranges, 2, &AdamW::new(0.1, 0.9, 0.99, 1e-8, 0.5, 1));
        assert!((p1[0] - 0.85).abs() < 1e-6 && (p1[1] + 1.9).abs() < 1e-6, "{p1:?}");
    }

    #[test]
    fn grad_norm_and_scale() {
        for &n in &[0usize, 1, 3, 5, CHUNK - 1, CHUNK + 7, 3 * CHUNK + 2] {
            let g = seeded(n as u64 + 90, n);
            let want = grad_norm_ref(&g, n);
            let got = grad_norm(&g, n);
            assert!((got - want).abs() <= 1e-12 * want.max(1e-300), "norm n {n}: {got} vs {want}");
            let (mut a, mut b) = (g.clone(), g.clone());
            scale_ref(&mut a, n, 0.3);
            scale(&mut b, n, 0.3);
            assert_bits_eq(&format!("scale n {n}"), &b, &a);
        }
        assert_eq!(grad_norm(&[3.0, 4.0], 2), 5.0);
        assert!(ranges_valid(&[0, 2, 2, 2], 2) && !ranges_valid(&[1, 0], 2) && !ranges_valid(&[0, 3], 2) && !ranges_valid(&[-1, 1], 2));
    }

    #[cfg(feature = "threads")]
    #[test]
    fn bitwise_equal_for_1_2_3_threads() {
        let n = 5 * CHUNK + 13;
        let h = AdamW::new(3e-4, 0.9, 0.999, 1e-8, 0.01, 3);
        let ranges = [100, 30_000, 50_000, n as i32];
        let (p0, g, m0, v0) = state(n, 7);
        let run = |threads| {
            with_threads(threads, || {
                let (mut p, mut m, mut v) = (p0.clone(), m0.clone(), v0.clone());
                adamw(&mut p, &g, &mut m, &mut v, &ranges, n, &h);
                let norm = grad_norm(&g, n);
                scale(&mut p, n, 0.7);
                (p, m, v, norm)
            })
        };
        let one = run(1);
        for t in [2, 3] {
            let r = run(t);
            assert_bits_eq(&format!("params {t}t"), &r.0, &one.0);
            assert_bits_eq(&format!("m {t}t"), &r.1, &one.1);
            assert_bits_eq(&format!("v {t}t"), &r.2, &one.2);
            assert_eq!(r.3.to_bits(), one.3.to_bits(), "norm {t}t");
        }
    }
}
