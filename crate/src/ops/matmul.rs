//! The linear layer: out = inp·Wᵀ + bias, with the weight stored (OC, C) like llm.c (and PyTorch's nn.Linear).
//!
//! Both directions are SGEMMs (`crate::gemm::sgemm`, parallel and deterministic by itself):
//! - forward   out (N,OC)     = inp (N,C) · weight (OC,C)ᵀ  (+ bias, preloaded into out, then β = 1)
//! - backward  dinp (N,C)    += dout (N,OC) · weight (OC,C)  (β = 1; β = 0 when `accumulate` is false, so the
//!             first writer of a scratch gradient needs no zero-fill)
//!             dweight (OC,C) += dout (N,OC)ᵀ · inp (N,C)    (β = 1)
//!             dbias (OC)    += Σ_n dout[n, :]
//! The bias sum is split by columns: each task owns a block of `DBIAS_COLS` columns and adds the rows into
//! them in row order, exactly the reference's order, so it is bitwise equal to the reference for any thread
//! count. Packing scratch for the SGEMMs is one grow-only `Workspace` owned by this module.

use crate::gemm::{self, Workspace};
use crate::par::{self, SendConstPtr, SendPtr};
use crate::simd::F32x4;
use std::sync::Mutex;

/// Packing scratch of the matmul SGEMMs; grows to the largest layer on the first (warm-up) step.
static WORKSPACE: Mutex<Workspace> = Mutex::new(Workspace::new());

/// Columns of dbias per parallel task (their running sums live in a 4 KiB stack array: one page of each row).
const DBIAS_COLS: usize = 1024;
/// Rows of `out` per task when broadcasting the bias.
const BIAS_ROWS: usize = 64;

fn workspace() -> std::sync::MutexGuard<'static, Workspace> {
    WORKSPACE.lock().unwrap_or_else(|e| e.into_inner())
}

// ---- reference ----------------------------------------------------------------------------------------

/// out[n,o] = bias[o] + Σ_c inp[n,c]·weight[o,c], summed in c order (llm.c's `matmul_forward_naive`).
pub fn matmul_forward_ref(
    out: &mut [f32],          // (N, OC)
    inp: &[f32],              // (N, C)
    weight: &[f32],           // (OC, C)
    bias: Option<&[f32]>,     // (OC)
    n: usize,
    c: usize,
    oc: usize,
) {
    for i in 0..n {
        let x = &inp[i * c..(i + 1) * c];
        for o in 0..oc {
            let w = &weight[o * c..(o + 1) * c];
            let mut acc = bias.map_or(0.0, |b| b[o]);
            for k in 0..c {
                acc += x[k] * w[k];
            }
            out[i * oc + o] = acc;
        }
    }
}

/// dinp += dout·weight (dinp = … when `accumulate` is false); dweight += doutᵀ·inp; dbias += Σ_n dout (when
/// given). The parameter gradients always accumulate (micro-batches sum into them).
#[allow(clippy::too_many_arguments)]
pub fn matmul_backward_ref(
    dinp: &mut [f32],            // (N, C)
    dweight: &mut [f32],         // (OC, C)
    dbias: Option<&mut [f32]>,   // (OC)
    dout: &[f32],                // (N, OC)
    inp: &[f32],                 // (N, C)
    weight: &[f32],              // (OC, C)
    n: usize,
    c: usize,
    oc: usize,
    accumulate: bool,
) {
    // forward: out[i,o] = bias[o] + Σ_k inp[i,k]·weight[o,k]
    for i in 0..n {
        for k in 0..c {
            let mut acc = 0.0f32;
            for o in 0..oc {
                acc += dout[i * oc + o] * weight[o * c + k];
            }
            dinp[i * c + k] = if accumulate { dinp[i * c + k] + acc } else { acc };
        }
    }
    for o in 0..oc {
        for k in 0..c {
            let mut acc = 0.0f32;
            for i in 0..n {
                acc += dout[i * oc + o] * inp[i * c + k];
            }
            dweight[o * c + k] += acc;
        }
    }
    if let Some(dbias) = dbias {
        for i in 0..n {
            for o in 0..oc {
                dbias[o] += dout[i * oc + o];
            }
        }
    }
}

// ---- fast -----------------------------------------------------------------------------------------------

/// Same as [`matmul_forward_ref`], on the blocked parallel SGEMM.
pub fn matmul_forward(
    out: &mut [f32],          // (N, OC)
    inp: &[f32],              // (N, C)
    weight: &[f32],           // (OC, C)
    bias: Option<&[f32]>,     // (OC)
    n: usize,
    c: usize,
    oc: usize,
) {
    debug_assert!(out.len() >= n * oc && inp.len() >= n * c && weight.len() >= oc * c);
    if n == 0 || oc == 0 {
        return;
    }
    let beta = match bias {
        Some(b) => {
            debug_assert!(b.len() >= oc);
            let (dst, src) = (SendPtr(out.as_mut_ptr()), SendConstPtr(b.as_ptr()));
            // Spread only with the product itself: the export always leads the team, and a small layer's bias
            // rows are not worth a helper's start.
            if gemm::worth_parallel(n, oc, c) {
                par::for_each(n.div_ceil(BIAS_ROWS), |t| unsafe { broadcast_rows(dst, src, t * BIAS_ROWS, ((t + 1) * BIAS_ROWS).min(n), oc) });
            } else {
                unsafe { broadcast_rows(dst, src, 0, n, oc) };
            }
            1.0
        }
        None => 0.0,
    };
    let mut ws = workspace();
    // out (N,OC) ← inp (N,C) · weight(OC,C)ᵀ + β·out
    unsafe {
        gemm::sgemm(&mut ws, false, true, n, oc, c, 1.0, inp.as_ptr(), c.max(1), weight.as_ptr(), c.max(1), beta, out.as_mut_ptr(), oc);
    }
}

/// Same as [`matmul_backward_ref`]: two SGEMMs (β = 1, or β = 0 for dinp when not `accumulate`) and a
/// column-parallel bias sum.
#[allow(clippy::too_many_arguments)]
pub fn matmul_backward(
    dinp: &mut [f32],            // (N, C)
    dweight: &mut [f32],         // (OC, C)
    dbias: Option<&mut [f32]>,   // (OC)
    dout: &[f32],                // (N, OC)
    inp: &[f32],                 // (N, C)
    weight: &[f32],              // (OC, C)
    n: usize,
    c: usize,
    oc: usize,
    accumulate: bool,
) {
    debug_assert!(dinp.len() >= n * c && dweight.len() >= oc * c && dout.len() >= n * oc && inp.len() >= n * c);
    if !accumulate && oc == 0 {
        // an empty sum: the overwritten dinp is zero
        dinp[..n * c].fill(0.0);
    }
    if n == 0 || oc == 0 {
        return;
    }
    if c > 0 {
        let mut ws = workspace();
        unsafe {
            // dinp (N,C) (+)= dout (N,OC) · weight (OC,C)
            let beta = if accumulate { 1.0 } else { 0.0 };
            gemm::sgemm(&mut ws, false, false, n, c, oc, 1.0, dout.as_ptr(), oc, weight.as_ptr(), c, beta, dinp.as_mut_ptr(), c);
            // dweight (OC,C) += dout (N,OC)ᵀ · inp (N,C)
            gemm::sgemm(&mut ws, true, false, oc, c, n, 1.0, dout.as_ptr(), oc, inp.as_ptr(), c, 1.0, dweight.as_mut_ptr(), c);
        }
    }
    if let Some(dbias) = dbias {
        debug_assert!(dbias.len() >= oc);
        let (dst, src) = (SendPtr(dbias.as_mut_ptr()), SendConstPtr(dout.as_ptr()));
        par::for_each(oc.div_ceil(DBIAS_COLS), |t| unsafe {
            dbias_columns(dst, src, n, oc, t * DBIAS_COLS, ((t + 1) * DBIAS_COLS).min(oc))
        });
    }
}

/// Copies bias (OC) into rows [r0, r1) of out (N, OC).
#[inline(never)]
unsafe fn broadcast_rows(out: SendPtr<f32>, bias: SendConstPtr<f32>, r0: usize, r1: usize, oc: usize) {
    for r in r0..r1 {
        core::ptr::copy_nonoverlapping(bias.get(), out.get().add(r * oc), oc);
    }
}

/// dbias[o] += dout[0,o] + dout[1,o] + … (one addition at a time, in row order) for o in [o0, o1), at most
/// `DBIAS_COLS` columns: the running sums stay in a stack array (L1) while the rows stream through, each row
/// contributing one contiguous run of up to 4 KiB (shorter runs at a large stride defeat the prefetcher).
#[inline(never)]
unsafe fn dbias_columns(dbias: SendPtr<f32>, dout: SendConstPtr<f32>, n: usize, oc: usize, o0: usize, o1: usize) {
    let (db, d) = (dbias.get(), dout.get());
    let width = o1 - o0;
    let mut acc = [0.0f32; DBIAS_COLS];
    let a = acc.as_mut_ptr();
    core::ptr::copy_nonoverlapping(db.add(o0), a, width);
    let w4 = width & !3;
    for i in 0..n {
        let row = d.add(i * oc + o0);
        let mut j = 0;
        while j < w4 {
            F32x4::load(a.add(j)).add(F32x4::load(row.add(j))).store(a.add(j));
            j += 4;
        }
        for j in w4..width {
            *a.add(j) += *row.add(j);
        }
    }
    core::ptr::copy_nonoverlapping(a, db.add(o0), width);
}

// ---- wasm exports -----------------------------------------------------------------------------------------

#[cfg(target_arch = "wasm32")]
mod ffi {
    use super::*;
    use crate::ffi::{export, in_pool, reject_if, run};
    use core::slice::{from_raw_parts, from_raw_parts_mut};

    /// `matmul_forward`; `bias` may be 0 (no bias). Returns a `Status`.
    #[no_mangle]
    pub unsafe extern "C" fn wgpt_matmul_forward(
        out: *mut f32,
        inp: *const f32,
        weight: *const f32,
        bias: *const f32,
        n: usize,
        c: usize,
        oc: usize,
    ) -> i32 {
        export(|| {
            reject_if(out.is_null() || inp.is_null() || weight.is_null())?;
            let (out, inp, weight, bias) = (out as usize, inp as usize, weight as usize, bias as usize);
            // The GEMM inside decides for itself whether to spread (`gemm::worth_parallel`), and leading the
            // team costs nothing when it does not.
            in_pool(|| unsafe {
                let bias = (bias != 0).then(|| from_raw_parts(bias as *const f32, oc));
                matmul_forward(
                    from_raw_parts_mut(out as *mut f32, n * oc),
                    from_raw_parts(inp as *const f32, n * c),
                    from_raw_parts(weight as *const f32, oc * c),
                    bias,
                    n,
                    c,
                    oc,
                )
            });
            Ok(())
        })
    }

    /// `matmul_backward`; `dbias` may be 0 (no bias); `accumulate` is 1 (dinp +=) or 0 (dinp =). Returns a `Status`.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn wgpt_matmul_backward(
        dinp: *mut f32,
        dweight: *mut f32,
        dbias: *mut f32,
        dout: *const f32,
        inp: *const f32,
        weight: *const f32,
        n: usize,
        c: usize,
        oc: usize,
        accumulate: u32,
    ) -> i32 {
        export(|| {
            reject_if(dinp.is_null() || dweight.is_null() || dout.is_null() || inp.is_null() || weight.is_null())?;
            reject_if(accumulate > 1)?;
            let p = [dinp as usize, dweight as usize, dbias as usize, dout as usize, inp as usize, weight as usize];
            run(4usize.saturating_mul(n).saturating_mul(c).saturating_mul(oc), || unsafe {
                let dbias = (p[2] != 0).then(|| from_raw_parts_mut(p[2] as *mut f32, oc));
                matmul_backward(
                    from_raw_parts_mut(p[0] as *mut f32, n * c),
                    from_raw_parts_mut(p[1] as *mut f32, oc * c),
                    dbias,
                    from_raw_parts(p[3] as *const f32, n * oc),
                    from_raw_parts(p[4] as *const f32, n * c),
                    from_raw_parts(p[5] as *const f32, oc * c),
                    n,
                    c,
                    oc,
                    accumulate == 1,
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

    /// Tolerance for k-term sums of seeded data: every term lies in [-1, 1], so Σ|terms| ≤ k.
    fn dot_tol(k: usize) -> Tol {
        Tol::reduction(k, k as f64)
    }

    struct Case {
        n: usize,
        c: usize,
        oc: usize,
    }

    fn data(s: &Case, seed: u64) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        (seeded(seed, s.n * s.c), seeded(seed + 1, s.oc * s.c), seeded(seed + 2, s.oc))
    }

    // Edges of the SGEMM tiles (MR = 6, NR = 8, KC = 256, small-M path below 4 rows) and of dbias blocks.
    const SHAPES: &[(usize, usize, usize)] = &[
        (1, 1, 1), (1, 7, 5), (2, 3, 17), (3, 13, 70), (4, 8, 8), (5, 33, 3), (7, 257, 19), (13, 64, 65),
        (50, 31, 129), (97, 300, 40), (5, 9, 1030),
    ];

    #[test]
    fn forward_matches_reference() {
        for (i, &(n, c, oc)) in SHAPES.iter().enumerate() {
            let s = Case { n, c, oc };
            let (inp, w, b) = data(&s, 10 + i as u64);
            for bias in [Some(&b[..]), None] {
                let mut want = vec![0.0; n * oc];
                let mut got = seeded(99, n * oc); // garbage: forward writes
                matmul_forward_ref(&mut want, &inp, &w, bias, n, c, oc);
                matmul_forward(&mut got, &inp, &w, bias, n, c, oc);
                assert_close(&format!("out {n}x{c}x{oc} bias={}", bias.is_some()), &got, &want, dot_tol(c + 1));
            }
        }
    }

    #[test]
    fn backward_matches_reference_and_accumulates() {
        for (i, &(n, c, oc)) in SHAPES.iter().enumerate() {
            let s = Case { n, c, oc };
            let (inp, w, _) = data(&s, 20 + i as u64);
            let dout = seeded(30 + i as u64, n * oc);
            let (dinp0, dw0, db0) = (seeded(40, n * c), seeded(41, oc * c), seeded(42, oc));
            let (mut dinp_r, mut dw_r, mut db_r) = (dinp0.clone(), dw0.clone(), db0.clone());
            let (mut dinp_f, mut dw_f, mut db_f) = (dinp0.clone(), dw0.clone(), db0.clone());
            matmul_backward_ref(&mut dinp_r, &mut dw_r, Some(&mut db_r), &dout, &inp, &w, n, c, oc, true);
            matmul_backward(&mut dinp_f, &mut dw_f, Some(&mut db_f), &dout, &inp, &w, n, c, oc, true);
            let tag = format!("{n}x{c}x{oc}");
            // Initial values of magnitude ≤ 1 are part of each sum.
            assert_close(&format!("dinp {tag}"), &dinp_f, &dinp_r, dot_tol(oc + 1));
            assert_close(&format!("dweight {tag}"), &dw_f, &dw_r, dot_tol(n + 1));
            // Same additions in the same order: bit for bit.
            assert_bits_eq(&format!("dbias {tag}"), &db_f, &db_r);
            // Without dbias the other gradients are unchanged.
            let (mut dinp_n, mut dw_n) = (dinp0.clone(), dw0.clone());
            matmul_backward(&mut dinp_n, &mut dw_n, None, &dout, &inp, &w, n, c, oc, true);
            assert_bits_eq(&format!("dinp no-bias {tag}"), &dinp_n, &dinp_f);
            assert_bits_eq(&format!("dweight no-bias {tag}"), &dw_n, &dw_f);
        }
    }

    #[test]
    fn overwrite_ignores_dinp_and_equals_accumulating_into_zeros() {
        for (i, &(n, c, oc)) in SHAPES.iter().chain(&[(3, 4, 0)]).enumerate() {
            let s = Case { n, c, oc };
            let (inp, w, _) = data(&s, 70 + i as u64);
            let dout = seeded(80 + i as u64, n * oc);
            let (mut dinp_z, mut dw_z, mut db_z) = (vec![0.0; n * c], seeded(41, oc * c), seeded(42, oc));
            let (mut dinp_o, mut dw_o, mut db_o) = (vec![f32::NAN; n * c], dw_z.clone(), db_z.clone());
            matmul_backward(&mut dinp_z, &mut dw_z, Some(&mut db_z), &dout, &inp, &w, n, c, oc, true);
            matmul_backward(&mut dinp_o, &mut dw_o, Some(&mut db_o), &dout, &inp, &w, n, c, oc, false);
            let tag = format!("{n}x{c}x{oc}");
            assert_bits_eq(&format!("dinp {tag}"), &dinp_o, &dinp_z);
            assert_bits_eq(&format!("dweight still accumulates {tag}"), &dw_o, &dw_z);
            assert_bits_eq(&format!("dbias still accumulates {tag}"), &db_o, &db_z);
            let mut dinp_r = vec![f32::NAN; n * c];
            let (mut dw_r, mut db_r) = (seeded(41, oc * c), seeded(42, oc));
            matmul_backward_ref(&mut dinp_r, &mut dw_r, Some(&mut db_r), &dout, &inp, &w, n, c, oc, false);
            assert_close(&format!("dinp ref {tag}"), &dinp_o, &dinp_r, dot_tol(oc + 1));
        }
    }

    #[test]
    fn gradients_match_finite_differences() {
        let (n, c, oc) = (3, 5, 7);
        let s = Case { n, c, oc };
        let (mut inp, mut w, mut b) = data(&s, 50);
        let wl = seeded(51, n * oc); // loss = Σ wl·out, so dout = wl
        let (mut dinp, mut dw, mut db) = (vec![0.0; n * c], vec![0.0; oc * c], vec![0.0; oc]);
        matmul_backward(&mut dinp, &mut dw, Some(&mut db), &wl, &inp, &w, n, c, oc, true);
        let loss = |inp: &[f32], w: &[f32], b: &[f32]| {
            let mut out = vec![0.0; n * oc];
            matmul_forward(&mut out, inp, w, Some(b), n, c, oc);
            dot64(&wl, &out)
        };
        let (w0, b0) = (w.clone(), b.clone());
        grad_check("dinp", &mut inp, &dinp, None, |x| loss(x, &w0, &b0));
        let i0 = inp.clone();
        grad_check("dweight", &mut w, &dw, None, |x| loss(&i0, x, &b0));
        grad_check("dbias", &mut b, &db, None, |x| loss(&i0, &w0, x));
    }

    #[cfg(feature = "threads")]
    #[test]
    fn bitwise_equal_for_1_2_3_threads() {
        // Large enough for every SGEMM to go parallel (≥ 2^20 multiply-adds) and for several dbias blocks.
        let (n, c, oc) = (130, 96, 1100);
        let s = Case { n, c, oc };
        let (inp, w, b) = data(&s, 60);
        let dout = seeded(61, n * oc);
        let run = |threads| {
            with_threads(threads, || {
                let mut out = vec![0.0; n * oc];
                matmul_forward(&mut out, &inp, &w, Some(&b), n, c, oc);
                let (mut dinp, mut dw, mut db) = (seeded(62, n * c), seeded(63, oc * c), seeded(64, oc));
                matmul_backward(&mut dinp, &mut dw, Some(&mut db), &dout, &inp, &w, n, c, oc, true);
                let mut fresh = vec![f32::NAN; n * c];
                matmul_backward(&mut fresh, &mut dw, Some(&mut db), &dout, &inp, &w, n, c, oc, false);
                dinp.extend_from_slice(&fresh);
                (out, dinp, dw, db)
            })
        };
        let one = run(1);
        for t in [2, 3] {
            let r = run(t);
            assert_bits_eq(&format!("out {t}t"), &r.0, &one.0);
            assert_bits_eq(&format!("dinp {t}t"), &r.1, &one.1);
            assert_bits_eq(&format!("dweight {t}t"), &r.2, &one.2);
            assert_bits_eq(&format!("dbias {t}t"), &r.3, &one.3);
        }
    }
}
