//! Fused softmax + cross-entropy over the vocabulary (llm.c's `crossentropy_softmax_backward`, with the
//! softmax never stored: the forward caches one log-sum-exp per row and the backward recomputes
//! probabilities from it, writing the gradient over the logits if asked to).
//!
//! - forward   lse[n]    = max_v logits[n,v] + ln Σ_v exp(logits[n,v] − max)   (max subtracted: no overflow)
//!             losses[n] = lse[n] − logits[n, targets[n]], 0 where targets[n] == ignore_index
//!             returns the mean of the losses of counted rows, summed in f64 in row order (NaN if none)
//! - backward  dlogits[n,v] = (exp(logits[n,v] − lse[n]) − [v == targets[n]]) · dloss_scale, 0 rows for
//!             ignored targets. **Writes** (does not accumulate), and dlogits may be the very buffer logits
//!             is in: each element is read before it is written, and the target's logit is read first.
//!
//! The fast versions vectorise over V with `exp_f32x4` (tails use the bit-identical `exp_scalar`, so a value
//! never depends on V mod 4) and run rows in parallel in fixed blocks; rows are independent, so results are
//! the same for any thread count. Targets must be in [0, V) or equal ignore_index: the wasm exports check this
//! before touching memory and return `Status::InvalidArgument`.

use crate::par::{self, SendConstPtr, SendPtr};
use crate::simd::{exp_f32x4, exp_scalar, max_fast, F32x4};

/// Logits per parallel task (rows per task = this / V, at least 1).
const TASK_ELEMS: usize = 1 << 14;

fn rows_per_task(v: usize) -> usize {
    (TASK_ELEMS / v.max(1)).max(1)
}

/// The mean over counted rows, in f64 and row order; NaN when no row counts.
fn mean_loss(losses: &[f32], targets: &[i32], ignore_index: i32) -> f64 {
    let (mut sum, mut count) = (0.0f64, 0usize);
    for (&l, &t) in losses.iter().zip(targets) {
        if t != ignore_index {
            sum += l as f64;
            count += 1;
        }
    }
    if count == 0 { f64::NAN } else { sum / count as f64 }
}

// ---- reference ----------------------------------------------------------------------------------------

/// Plain loops with `f32::exp`: the definition the fast version is tested against.
pub fn crossentropy_forward_ref(
    losses: &mut [f32],   // (N)
    lse: &mut [f32],      // (N)
    logits: &[f32],       // (N, V)
    targets: &[i32],      // (N)
    n: usize,
    v: usize,
    ignore_index: i32,
) -> f64 {
    for i in 0..n {
        let row = &logits[i * v..(i + 1) * v];
        let mut max = f32::NEG_INFINITY;
        for &x in row {
            max = max.max(x);
        }
        let mut sum = 0.0f32;
        for &x in row {
            sum += (x - max).exp();
        }
        lse[i] = max + sum.ln();
        let t = targets[i];
        losses[i] = if t == ignore_index { 0.0 } else { lse[i] - row[t as usize] };
    }
    mean_loss(&losses[..n], &targets[..n], ignore_index)
}

/// dlogits = (softmax − onehot)·dloss_scale, zero rows for ignored targets. Writes.
#[allow(clippy::too_many_arguments)]
pub fn crossentropy_backward_ref(
    dlogits: &mut [f32],  // (N, V)
    logits: &[f32],       // (N, V)
    lse: &[f32],          // (N)
    targets: &[i32],      // (N)
    n: usize,
    v: usize,
    ignore_index: i32,
    dloss_scale: f32,
) {
    for i in 0..n {
        let t = targets[i];
        for j in 0..v {
            // forward: loss = lse − logit[t], lse = ln Σ exp(logit)  ⇒  ∂loss/∂logit[j] = softmax[j] − [j == t]
            dlogits[i * v + j] = if t == ignore_index {
                0.0
            } else {
                let indicator = if j as i32 == t { 1.0 } else { 0.0 };
                ((logits[i * v + j] - lse[i]).exp() - indicator) * dloss_scale
            };
        }
    }
}

// ---- fast -----------------------------------------------------------------------------------------------

/// Same as [`crossentropy_forward_ref`], SIMD over V and parallel over rows.
pub fn crossentropy_forward(
    losses: &mut [f32],   // (N)
    lse: &mut [f32],      // (N)
    logits: &[f32],       // (N, V)
    targets: &[i32],      // (N)
    n: usize,
    v: usize,
    ignore_index: i32,
) -> f64 {
    assert!(losses.len() >= n && lse.len() >= n && logits.len() >= n * v && targets.len() >= n);
    let rows = rows_per_task(v);
    let (lo, ls) = (SendPtr(losses.as_mut_ptr()), SendPtr(lse.as_mut_ptr()));
    let (x, t) = (SendConstPtr(logits.as_ptr()), SendConstPtr(targets.as_ptr()));
    par::for_each(n.div_ceil(rows), |task| unsafe {
        forward_rows(lo, ls, x, t, task * rows, ((task + 1) * rows).min(n), v, ignore_index)
    });
    mean_loss(&losses[..n], &targets[..n], ignore_index)
}

#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn forward_rows(
    losses: SendPtr<f32>,
    lse: SendPtr<f32>,
    logits: SendConstPtr<f32>,
    targets: SendConstPtr<i32>,
    r0: usize,
    r1: usize,
    v: usize,
    ignore_index: i32,
) {
    let v4 = v & !3;
    for r in r0..r1 {
        let row = logits.get().add(r * v);
        // Max first, so every exponent is ≤ 0 and the sum cannot overflow. A NaN logit the running max drops
        // (relaxed build) still makes its exp, the sum and the loss NaN.
        let mut mx = F32x4::splat(f32::NEG_INFINITY);
        let mut j = 0;
        while j < v4 {
            mx = mx.max_fast(F32x4::load(row.add(j)));
            j += 4;
        }
        let mut max = mx.reduce_max();
        for j in v4..v {
            max = max_fast(max, *row.add(j));
        }
        let (m4, mut acc) = (F32x4::splat(max), F32x4::zero());
        let mut j = 0;
        while j < v4 {
            acc = acc.add(exp_f32x4(F32x4::load(row.add(j)).sub(m4)));
            j += 4;
        }
        let mut tail = 0.0f32;
        for j in v4..v {
            tail += exp_scalar(*row.add(j) - max);
        }
        let l = max + (acc.reduce_sum() + tail).ln();
        *lse.get().add(r) = l;
        let t = *targets.get().add(r);
        *losses.get().add(r) = if t == ignore_index { 0.0 } else { l - *row.add(t as usize) };
    }
}

/// Same as [`crossentropy_backward_ref`], SIMD over V and parallel over rows. Writes every element of
/// dlogits (N, V).
///
/// # Safety
/// `dlogits` and `logits` must each cover N·V floats; they may be the same pointer (in place) but must not
/// otherwise overlap. `lse` and `targets` cover N values; targets are in [0, V) or equal `ignore_index`.
#[allow(clippy::too_many_arguments)]
pub unsafe fn crossentropy_backward(
    dlogits: *mut f32,    // (N, V)
    logits: *const f32,   // (N, V)
    lse: &[f32],          // (N)
    targets: &[i32],      // (N)
    n: usize,
    v: usize,
    ignore_index: i32,
    dloss_scale: f32,
) {
    assert!(lse.len() >= n && targets.len() >= n);
    let rows = rows_per_task(v);
    let (d, x, l, t) = (SendPtr(dlogits), SendConstPtr(logits), SendConstPtr(lse.as_ptr()), SendConstPtr(targets.as_ptr()));
    par::for_each(n.div_ceil(rows), |task| {
        backward_rows(d, x, l, t, task * rows, ((task + 1) * rows).min(n), v, ignore_index, dloss_scale)
    });
}

#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn backward_rows(
    dlogits: SendPtr<f32>,
    logits: SendConstPtr<f32>,
    lse: SendConstPtr<f32>,
    targets: SendConstPtr<i32>,
    r0: usize,
    r1: usize,
    v: usize,
    ignore_index: i32,
    scale: f32,
) {
    let v4 = v & !3;
    for r in r0..r1 {
        let (src, dst) = (logits.get().add(r * v), dlogits.get().add(r * v));
        let t = *targets.get().add(r);
        if t == ignore_index {
            core::ptr::write_bytes(dst, 0, v);
            continue;
        }
        let l = *lse.get().add(r);
        // Read the target's logit before the row is overwritten (dlogits may alias logits).
        let target_grad = (exp_scalar(*src.add(t as usize) - l) - 1.0) * scale;
        let (l4, s4) = (F32x4::splat(l), F32x4::splat(scale));
        let mut j = 0;
        while j < v4 {
            exp_f32x4(F32x4::load(src.add(j)).sub(l4)).mul(s4).store(dst.add(j));
            j += 4;
        }
        for j in v4..v {
            *dst.add(j) = exp_scalar(*src.add(j) - l) * scale;
        }
        *dst.add(t as usize) = target_grad;
    }
}

/// Whether every target is in [0, V) or equals `ignore_index` (what the exports check before running).
pub fn targets_valid(targets: &[i32], v: usize, ignore_index: i32) -> bool {
    targets.iter().all(|&t| t == ignore_index || (t >= 0 && (t as usize) < v))
}

// ---- wasm exports -----------------------------------------------------------------------------------------

#[cfg(target_arch = "wasm32")]
mod ffi {
    use super::*;
    use crate::ffi::{export, reject_if, run};
    use core::slice::{from_raw_parts, from_raw_parts_mut};

    /// Work of one logit (max, subtract, exp polynomial, add).
    const WORK_PER_LOGIT: usize = 24;

    /// `crossentropy_forward`. The mean loss (f64; NaN when no row counts) is written to `mean_out`, which
    /// is untouched on error. Returns a `Status`: `InvalidArgument` when a target is outside [0, V) and not
    /// `ignore_index` (checked before any output is written).
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn wgpt_crossentropy_forward(
        losses: *mut f32,
        lse: *mut f32,
        logits: *const f32,
        targets: *const i32,
        n: usize,
        v: usize,
        ignore_index: i32,
        mean_out: *mut f64,
    ) -> i32 {
        export(|| {
            reject_if(mean_out.is_null())?;
            if n == 0 {
                mean_out.write_unaligned(f64::NAN);
                return Ok(());
            }
            reject_if(losses.is_null() || lse.is_null() || logits.is_null() || targets.is_null())?;
            reject_if(!targets_valid(from_raw_parts(targets, n), v, ignore_index))?;
            let p = [losses as usize, lse as usize, logits as usize, targets as usize];
            let mean = run(WORK_PER_LOGIT.saturating_mul(n).saturating_mul(v), || unsafe {
                crossentropy_forward(
                    from_raw_parts_mut(p[0] as *mut f32, n),
                    from_raw_parts_mut(p[1] as *mut f32, n),
                    from_raw_parts(p[2] as *const f32, n * v),
                    from_raw_parts(p[3] as *const i32, n),
                    n,
                    v,
                    ignore_index,
                )
            });
            mean_out.write_unaligned(mean);
            Ok(())
        })
    }

    /// `crossentropy_backward` (writes dlogits; it may equal logits). Returns a `Status`: `InvalidArgument`
    /// when a target is outside [0, V) and not `ignore_index` (checked before anything is written).
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn wgpt_crossentropy_backward(
        dlogits: *mut f32,
        logits: *const f32,
        lse: *const f32,
        targets: *const i32,
        n: usize,
        v: usize,
        ignore_index: i32,
        dloss_scale: f32,
    ) -> i32 {
        export(|| {
            if n == 0 {
                return Ok(());
            }
            reject_if(dlogits.is_null() || logits.is_null() || lse.is_null() || targets.is_null())?;
            reject_if(!targets_valid(from_raw_parts(targets, n), v, ignore_index))?;
            let p = [dlogits as usize, logits as usize, lse as usize, targets as usize];
            run(WORK_PER_LOGIT.saturating_mul(n).saturating_mul(v), || unsafe {
                crossentropy_backward(
                    p[0] as *mut f32,
                    p[1] as *const f32,
                    from_raw_parts(p[2] as *const f32, n),
                    from_raw_parts(p[3] as *const i32, n),
                    n,
                    v,
                    ignore_index,
                    dloss_scale,
                )
            });
            Ok(())
        })
    }
}

// ---- tests --------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testutil::*;

    const IGNORE: i32 = -100;

    /// Logits of unit scale times `amp`, targets with every 5th row ignored.
    fn case(n: usize, v: usize, seed: u64, amp: f32) -> (Vec<f32>, Vec<i32>) {
        let logits = seeded(seed, n * v).into_iter().map(|x| x * amp).collect();
        let mut targets = seeded_ids(seed + 1, n, v);
        for (i, t) in targets.iter_mut().enumerate() {
            if i % 5 == 3 {
                *t = IGNORE;
            }
        }
        (logits, targets)
    }

    fn backward_fast(logits: &[f32], lse: &[f32], targets: &[i32], n: usize, v: usize, scale: f32) -> Vec<f32> {
        let mut d = seeded(7, n * v); // garbage: backward writes
        unsafe { crossentropy_backward(d.as_mut_ptr(), logits.as_ptr(), lse, targets, n, v, IGNORE, scale) };
        d
    }

    const SHAPES: &[(usize, usize)] = &[(1, 1), (1, 2), (2, 3), (4, 4), (5, 7), (9, 8), (6, 33), (13, 257), (3, 1000), (70, 4099)];

    #[test]
    fn forward_and_backward_match_reference() {
        for (i, &(n, v)) in SHAPES.iter().enumerate() {
            for amp in [1.0, 30.0] {
                let (logits, targets) = case(n, v, 100 + i as u64, amp);
                let (mut lo_r, mut lse_r, mut lo_f, mut lse_f) = (vec![0.0; n], vec![0.0; n], vec![9.0; n], vec![9.0; n]);
                let mean_r = crossentropy_forward_ref(&mut lo_r, &mut lse_r, &logits, &targets, n, v, IGNORE);
                let mean_f = crossentropy_forward(&mut lo_f, &mut lse_f, &logits, &targets, n, v, IGNORE);
                let tag = format!("{n}x{v} amp {amp}");
                // ln of a V-term sum: absolute error ≈ (V + 4)·ε, plus the final rounding (relative part).
                assert_close(&format!("lse {tag}"), &lse_f, &lse_r, Tol::reduction(v, 1.0));
                assert_close(&format!("losses {tag}"), &lo_f, &lo_r, Tol::reduction(v, 1.0));
                let counted = targets.iter().filter(|&&t| t != IGNORE).count();
                let mean_ok = if counted == 0 {
                    mean_f.is_nan() && mean_r.is_nan()
                } else {
                    (mean_f - mean_r).abs() <= 1e-5 * (1.0 + mean_r.abs())
                };
                assert!(mean_ok, "mean {tag}: {mean_f} vs {mean_r}");

                let scale = 1.0 / counted.max(1) as f32;
                let mut want = vec![0.0; n * v];
                crossentropy_backward_ref(&mut want, &logits, &lse_f, &targets, n, v, IGNORE, scale);
                let got = backward_fast(&logits, &lse_f, &targets, n, v, scale);
                assert_close(&format!("dlogits {tag}"), &got, &want, Tol::STRICT);
                // In place gives the same bits.
                let mut inplace = logits.clone();
                unsafe { crossentropy_backward(inplace.as_mut_ptr(), inplace.as_ptr(), &lse_f, &targets, n, v, IGNORE, scale) };
                assert_bits_eq(&format!("dlogits in place {tag}"), &inplace, &got);
            }
        }
    }

    #[test]
    fn hand_computed_values() {
        // Uniform logits: every loss is ln V, the gradient is (1/V − onehot)·scale.
        let (n, v) = (3, 10);
        let logits = vec![0.25f32; n * v];
        let targets = vec![2, IGNORE, 9];
        let (mut losses, mut lse) = (vec![0.0; n], vec![0.0; n]);
        let mean = crossentropy_forward(&mut losses, &mut lse, &logits, &targets, n, v, IGNORE);
        let ln10 = (10.0f64).ln();
        assert!((mean - ln10).abs() < 1e-6, "mean {mean}");
        assert!((losses[0] as f64 - ln10).abs() < 1e-6 && losses[1] == 0.0 && (losses[2] as f64 - ln10).abs() < 1e-6);
        assert!((lse[1] as f64 - (0.25 + ln10)).abs() < 1e-6);
        let d = backward_fast(&logits, &lse, &targets, n, v, 0.5);
        for j in 0..v {
            let want0 = if j == 2 { 0.5 * (0.1 - 1.0) } else { 0.05 };
            assert!((d[j] - want0).abs() < 1e-7, "d[0,{j}] = {}", d[j]);
            assert_eq!(d[v + j], 0.0);
        }
        // Large logits do not overflow: [1000, 0] with target 1 has loss ≈ 1000.
        let (mut losses, mut lse) = (vec![0.0; 1], vec![0.0; 1]);
        let mean = crossentropy_forward(&mut losses, &mut lse, &[1000.0, 0.0], &[1], 1, 2, IGNORE);
        assert!((mean - 1000.0).abs() < 1e-3, "mean {mean}");
        // No counted row: NaN.
        let mean = crossentropy_forward(&mut losses, &mut lse, &[1.0, 2.0], &[IGNORE], 1, 2, IGNORE);
        assert!(mean.is_nan() && losses[0] == 0.0);
        assert!(targets_valid(&[0, 1, IGNORE], 2, IGNORE) && !targets_valid(&[2], 2, IGNORE) && !targets_valid(&[-1], 2, IGNORE));
    }

    #[test]
    fn gradient_matches_finite_differences() {
        // The loss itself: Σ_n w_n·loss_n; its gradient is dlogits with per-row scales w_n, so use w_n = s for
        // all rows and compare against dlossScale = s.
        let (n, v) = (4, 7);
        let (mut logits, targets) = case(n, v, 200, 2.0);
        let s = 0.75f32;
        let (mut losses, mut lse) = (vec![0.0; n], vec![0.0; n]);
        crossentropy_forward(&mut losses, &mut lse, &logits, &targets, n, v, IGNORE);
        let analytic = backward_fast(&logits, &lse, &targets, n, v, s);
        grad_check("dlogits", &mut logits, &analytic, None, |x| {
            let (mut lo, mut ls) = (vec![0.0; n], vec![0.0; n]);
            crossentropy_forward(&mut lo, &mut ls, x, &targets, n, v, IGNORE);
            lo.iter().map(|&l| s as f64 * l as f64).sum()
        });
    }

    #[cfg(feature = "threads")]
    #[test]
    fn bitwise_equal_for_1_2_3_threads() {
        let (n, v) = (67, 1031);
        let (logits, targets) = case(n, v, 300, 4.0);
        let run = |threads| {
            with_threads(threads, || {
                let (mut lo, mut ls) = (vec![0.0; n], vec![0.0; n]);
                let mean = crossentropy_forward(&mut lo, &mut ls, &logits, &targets, n, v, IGNORE);
                let d = backward_fast(&logits, &ls, &targets, n, v, 0.01);
                (lo, ls, d, mean)
            })
        };
        let one = run(1);
        for t in [2, 3] {
            let r = run(t);
            assert_bits_eq(&format!("losses {t}t"), &r.0, &one.0);
            assert_bits_eq(&format!("lse {t}t"), &r.1, &one.1);
            assert_bits_eq(&format!("dlogits {t}t"), &r.2, &one.2);
            assert_eq!(r.3.to_bits(), one.3.to_bits());
        }
    }
}
