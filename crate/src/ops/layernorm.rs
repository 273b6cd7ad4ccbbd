//! Layer normalisation over the last dimension, forward and backward (llm.c's formulation).
//!
//!   mean = Σx / C,  var = Σ(x − mean)² / C (biased, like PyTorch),  rstd = 1 / √(var + eps)
//!   out  = (x − mean) · rstd · weight + bias
//!
//! The forward caches `mean` and `rstd` per row: exactly what the backward needs to rebuild the normalised
//! input without a second pass over statistics.
//!
//! Fast paths: SIMD over C (one 4-lane accumulator per sum, lanes combined in a fixed order, scalar tail),
//! parallel over fixed blocks of `ROWS` rows. The parameter gradients are sums over all N rows: each block
//! writes its partial dweight/dbias into a grow-only module scratch, and the partials are then added in block
//! order, so the result is the same for any thread count.

use crate::par::{self, SendConstPtr, SendPtr};
use crate::simd::F32x4;
use std::sync::Mutex;

/// Rows per parallel task, forward and backward (fixed: the backward's partial sums depend on it).
const ROWS: usize = 32;
/// Channels per task when partial sums are combined.
const COMBINE_COLS: usize = 256;

// ---- reference ----------------------------------------------------------------------------------------

/// out (N,C) = (inp − mean)·rstd·weight + bias; writes mean (N) and rstd (N). weight, bias (C).
#[allow(clippy::too_many_arguments)]
pub fn layernorm_forward_ref(
    out: &mut [f32],
    mean: &mut [f32],
    rstd: &mut [f32],
    inp: &[f32],
    weight: &[f32],
    bias: &[f32],
    n: usize,
    c: usize,
    eps: f32,
) {
    for r in 0..n {
        let x = &inp[r * c..(r + 1) * c];
        let mut m = 0.0f32;
        for &v in x {
            m += v;
        }
        m /= c as f32;
        let mut var = 0.0f32;
        for &v in x {
            let d = v - m;
            var += d * d;
        }
        var /= c as f32;
        let s = 1.0 / (var + eps).sqrt();
        let o = &mut out[r * c..(r + 1) * c];
        for i in 0..c {
            let norm = (x[i] - m) * s;
            o[i] = norm * weight[i] + bias[i];
        }
        mean[r] = m;
        rstd[r] = s;
    }
}

/// dinp (N,C) += ∂L/∂inp, dweight (C) += Σ_rows norm·dout, dbias (C) += Σ_rows dout, given dout (N,C) and
/// the forward's inp (N,C), weight (C), mean (N), rstd (N).
#[allow(clippy::too_many_arguments)]
pub fn layernorm_backward_ref(
    dinp: &mut [f32],
    dweight: &mut [f32],
    dbias: &mut [f32],
    dout: &[f32],
    inp: &[f32],
    weight: &[f32],
    mean: &[f32],
    rstd: &[f32],
    n: usize,
    c: usize,
) {
    for r in 0..n {
        let (x, g) = (&inp[r * c..(r + 1) * c], &dout[r * c..(r + 1) * c]);
        let (m, s) = (mean[r], rstd[r]);
        // Two means the input gradient needs: of dnorm = weight·dout, and of dnorm·norm.
        let mut dnorm_mean = 0.0f32;
        let mut dnorm_norm_mean = 0.0f32;
        for i in 0..c {
            let norm = (x[i] - m) * s;
            let dnorm = weight[i] * g[i];
            dnorm_mean += dnorm;
            dnorm_norm_mean += dnorm * norm;
        }
        dnorm_mean /= c as f32;
        dnorm_norm_mean /= c as f32;
        for i in 0..c {
            let norm = (x[i] - m) * s;
            let dnorm = weight[i] * g[i];
            // out = norm·weight + bias
            dbias[i] += g[i];
            dweight[i] += norm * g[i];
            // norm = (x − mean)·rstd, through mean and rstd too
            let dval = (dnorm - dnorm_mean - norm * dnorm_norm_mean) * s;
            dinp[r * c + i] += dval;
        }
    }
}

// ---- fast -------------------------------------------------------------------------------------------

/// Fast [`layernorm_forward_ref`]: SIMD over C, parallel over blocks of rows.
#[allow(clippy::too_many_arguments)]
pub fn layernorm_forward(
    out: &mut [f32],
    mean: &mut [f32],
    rstd: &mut [f32],
    inp: &[f32],
    weight: &[f32],
    bias: &[f32],
    n: usize,
    c: usize,
    eps: f32,
) {
    let nc = n * c;
    assert!(out.len() >= nc && inp.len() >= nc && mean.len() >= n && rstd.len() >= n, "layernorm_forward: N·C buffers too short");
    assert!(weight.len() >= c && bias.len() >= c, "layernorm_forward: weight/bias shorter than C");
    if n == 0 || c == 0 {
        return;
    }
    let (out, mean, rstd) = (SendPtr(out.as_mut_ptr()), SendPtr(mean.as_mut_ptr()), SendPtr(rstd.as_mut_ptr()));
    let (inp, w, b) = (SendConstPtr(inp.as_ptr()), SendConstPtr(weight.as_ptr()), SendConstPtr(bias.as_ptr()));
    par::for_each(n.div_ceil(ROWS), |task| {
        let (r0, r1) = (task * ROWS, ((task + 1) * ROWS).min(n));
        unsafe {
            forward_rows(out.get(), mean.get(), rstd.get(), inp.get(), w.get(), b.get(), r0, r1, c, eps);
        }
    });
}

/// Scratch for the backward's per-block partial sums; grows to the largest (blocks × 2C) seen.
static SCRATCH: Mutex<Vec<f32>> = Mutex::new(Vec::new());

/// Fast [`layernorm_backward_ref`]: SIMD over C, parallel over blocks of rows; parameter gradients summed as
/// per-block partials combined in block order (bitwise identical for any thread count).
#[allow(clippy::too_many_arguments)]
pub fn layernorm_backward(
    dinp: &mut [f32],
    dweight: &mut [f32],
    dbias: &mut [f32],
    dout: &[f32],
    inp: &[f32],
    weight: &[f32],
    mean: &[f32],
    rstd: &[f32],
    n: usize,
    c: usize,
) {
    let nc = n * c;
    assert!(dinp.len() >= nc && dout.len() >= nc && inp.len() >= nc, "layernorm_backward: N·C buffers too short");
    assert!(mean.len() >= n && rstd.len() >= n, "layernorm_backward: mean/rstd shorter than N");
    assert!(weight.len() >= c && dweight.len() >= c && dbias.len() >= c, "layernorm_backward: C buffers too short");
    if n == 0 || c == 0 {
        return;
    }
    let blocks = n.div_ceil(ROWS);
    let mut scratch = SCRATCH.lock().unwrap_or_else(|e| e.into_inner());
    if scratch.len() < blocks * 2 * c {
        scratch.resize(blocks * 2 * c, 0.0);
    }
    // Block k's partials: dweight at [2kC, 2kC + C), dbias at [2kC + C, 2kC + 2C).
    let part = SendPtr(scratch.as_mut_ptr());
    let (dinp, g, x) = (SendPtr(dinp.as_mut_ptr()), SendConstPtr(dout.as_ptr()), SendConstPtr(inp.as_ptr()));
    let (w, m, s) = (SendConstPtr(weight.as_ptr()), SendConstPtr(mean.as_ptr()), SendConstPtr(rstd.as_ptr()));
    par::for_each(blocks, |k| {
        let (r0, r1) = (k * ROWS, ((k + 1) * ROWS).min(n));
        unsafe {
            let dw = part.get().add(2 * k * c);
            backward_rows(dinp.get(), dw, dw.add(c), g.get(), x.get(), w.get(), m.get(), s.get(), r0, r1, c);
        }
    });
    let (dw, db) = (SendPtr(dweight.as_mut_ptr()), SendPtr(dbias.as_mut_ptr()));
    par::for_each(c.div_ceil(COMBINE_COLS), |t| {
        let (c0, c1) = (t * COMBINE_COLS, ((t + 1) * COMBINE_COLS).min(c));
        unsafe {
            combine_partials(dw.get(), part.get(), blocks, c, c0, c1);
            combine_partials(db.get(), part.get().add(c), blocks, c, c0, c1);
        }
    });
}

/// Forward over rows [r0, r1).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn forward_rows(
    out: *mut f32,
    mean: *mut f32,
    rstd: *mut f32,
    inp: *const f32,
    w: *const f32,
    b: *const f32,
    r0: usize,
    r1: usize,
    c: usize,
    eps: f32,
) {
    let c4 = c & !3;
    let cf = c as f32;
    for r in r0..r1 {
        let x = inp.add(r * c);
        // mean
        let mut acc = F32x4::zero();
        let mut i = 0;
        while i < c4 {
            acc = acc.add(F32x4::load(x.add(i)));
            i += 4;
        }
        let mut sum = acc.reduce_sum();
        while i < c {
            sum += *x.add(i);
            i += 1;
        }
        let m = sum / cf;
        // variance, two-pass (numerically safe for rows with a large mean)
        let mv = F32x4::splat(m);
        let mut acc = F32x4::zero();
        let mut i = 0;
        while i < c4 {
            let d = F32x4::load(x.add(i)).sub(mv);
            acc = acc.add(d.mul(d));
            i += 4;
        }
        let mut var = acc.reduce_sum();
        while i < c {
            let d = *x.add(i) - m;
            var += d * d;
            i += 1;
        }
        let s = 1.0 / (var / cf + eps).sqrt();
        // out = (x − mean)·rstd·weight + bias
        let o = out.add(r * c);
        let sv = F32x4::splat(s);
        let mut i = 0;
        while i < c4 {
            let norm = F32x4::load(x.add(i)).sub(mv).mul(sv);
            norm.mul(F32x4::load(w.add(i))).add(F32x4::load(b.add(i))).store(o.add(i));
            i += 4;
        }
        while i < c {
            let norm = (*x.add(i) - m) * s;
            *o.add(i) = norm * *w.add(i) + *b.add(i);
            i += 1;
        }
        *mean.add(r) = m;
        *rstd.add(r) = s;
    }
}

/// Backward over rows [r0, r1): accumulates into dinp and **writes** this block's partial sums into
/// `dw_part` (C) and `db_part` (C).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn backward_rows(
    dinp: *mut f32,
    dw_part: *mut f32,
    db_part: *mut f32,
    dout: *const f32,
    inp: *const f32,
    w: *const f32,
    mean: *const f32,
    rstd: *const f32,
    r0: usize,
    r1: usize,
    c: usize,
) {
    let c4 = c & !3;
    let cf = c as f32;
    for i in 0..c {
        *dw_part.add(i) = 0.0;
        *db_part.add(i) = 0.0;
    }
    for r in r0..r1 {
        let (x, g, dx) = (inp.add(r * c), dout.add(r * c), dinp.add(r * c));
        let (m, s) = (*mean.add(r), *rstd.add(r));
        let (mv, sv) = (F32x4::splat(m), F32x4::splat(s));
        // pass 1: the two row means, and the parameter-gradient partials
        let (mut a1, mut a2) = (F32x4::zero(), F32x4::zero());
        let mut i = 0;
        while i < c4 {
            let gv = F32x4::load(g.add(i));
            let norm = F32x4::load(x.add(i)).sub(mv).mul(sv);
            let dnorm = F32x4::load(w.add(i)).mul(gv);
            a1 = a1.add(dnorm);
            a2 = a2.add(dnorm.mul(norm));
            F32x4::load(db_part.add(i)).add(gv).store(db_part.add(i));
            F32x4::load(dw_part.add(i)).add(norm.mul(gv)).store(dw_part.add(i));
            i += 4;
        }
        let (mut dnorm_mean, mut dnorm_norm_mean) = (a1.reduce_sum(), a2.reduce_sum());
        while i < c {
            let gi = *g.add(i);
            let norm = (*x.add(i) - m) * s;
            let dnorm = *w.add(i) * gi;
            dnorm_mean += dnorm;
            dnorm_norm_mean += dnorm * norm;
            *db_part.add(i) += gi;
            *dw_part.add(i) += norm * gi;
            i += 1;
        }
        dnorm_mean /= cf;
        dnorm_norm_mean /= cf;
        // pass 2: dinp += (dnorm − mean(dnorm) − norm·mean(dnorm·norm))·rstd
        let (d1, d2) = (F32x4::splat(dnorm_mean), F32x4::splat(dnorm_norm_mean));
        let mut i = 0;
        while i < c4 {
            let norm = F32x4::load(x.add(i)).sub(mv).mul(sv);
            let dnorm = F32x4::load(w.add(i)).mul(F32x4::load(g.add(i)));
            let dval = dnorm.sub(d1).sub(norm.mul(d2)).mul(sv);
            F32x4::load(dx.add(i)).add(dval).store(dx.add(i));
            i += 4;
        }
        while i < c {
            let norm = (*x.add(i) - m) * s;
            let dnorm = *w.add(i) * *g.add(i);
            *dx.add(i) += (dnorm - dnorm_mean - norm * dnorm_norm_mean) * s;
            i += 1;
        }
    }
}

/// dst[c0..c1] += Σ_k part[k·2C + j], the blocks added in order k = 0, 1, ... (then added to dst).
#[inline(never)]
unsafe fn combine_partials(dst: *mut f32, part: *const f32, blocks: usize, c: usize, c0: usize, c1: usize) {
    let stride = 2 * c;
    let mut j = c0;
    while j + 4 <= c1 {
        let mut acc = F32x4::load(part.add(j));
        for k in 1..blocks {
            acc = acc.add(F32x4::load(part.add(k * stride + j)));
        }
        F32x4::load(dst.add(j)).add(acc).store(dst.add(j));
        j += 4;
    }
    while j < c1 {
        let mut acc = *part.add(j);
        for k in 1..blocks {
            acc += *part.add(k * stride + j);
        }
        *dst.add(j) += acc;
        j += 1;
    }
}

// ---- wasm exports -----------------------------------------------------------------------------------

#[cfg(target_arch = "wasm32")]
mod ffi {
    use crate::ffi::{export, reject_if, run};

    unsafe fn slice<'a>(p: usize, len: usize) -> &'a [f32] {
        if len == 0 { &[] } else { core::slice::from_raw_parts(p as *const f32, len) }
    }
    unsafe fn slice_mut<'a>(p: usize, len: usize) -> &'a mut [f32] {
        if len == 0 { &mut [] } else { core::slice::from_raw_parts_mut(p as *mut f32, len) }
    }

    /// out (N,C), mean (N), rstd (N) ← layernorm of inp (N,C) with weight (C), bias (C).
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub extern "C" fn wgpt_layernorm_forward(
        out: *mut f32,
        mean: *mut f32,
        rstd: *mut f32,
        inp: *const f32,
        weight: *const f32,
        bias: *const f32,
        n: usize,
        c: usize,
        eps: f32,
    ) -> i32 {
        export(|| {
            let p = [out as usize, mean as usize, rstd as usize, inp as usize, weight as usize, bias as usize];
            if n == 0 {
                return Ok(());
            }
            reject_if(c == 0 || p.contains(&0) || n.checked_mul(c).is_none() || !(eps >= 0.0))?;
            // Calibrated: two threads pay off from about N·C = 512k (entering the pool costs tens of µs).
            run(n * c * 2, || unsafe {
                super::layernorm_forward(slice_mut(p[0], n * c), slice_mut(p[1], n), slice_mut(p[2], n), slice(p[3], n * c),
                                         slice(p[4], c), slice(p[5], c), n, c, eps)
            });
            Ok(())
        })
    }

    /// dinp (N,C), dweight (C), dbias (C) += gradients, from dout (N,C) and the forward's inp, weight, mean, rstd.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub extern "C" fn wgpt_layernorm_backward(
        dinp: *mut f32,
        dweight: *mut f32,
        dbias: *mut f32,
        dout: *const f32,
        inp: *const f32,
        weight: *const f32,
        mean: *const f32,
        rstd: *const f32,
        n: usize,
        c: usize,
    ) -> i32 {
        export(|| {
            let p = [dinp as usize, dweight as usize, dbias as usize, dout as usize, inp as usize, weight as usize,
                     mean as usize, rstd as usize];
            if n == 0 {
                return Ok(());
            }
            reject_if(c == 0 || p.contains(&0) || n.checked_mul(c).is_none())?;
            run(n * c * 2, || unsafe {
                super::layernorm_backward(slice_mut(p[0], n * c), slice_mut(p[1], c), slice_mut(p[2], c), slice(p[3], n * c),
                                          slice(p[4], n * c), slice(p[5], c), slice(p[6], n), slice(p[7], n), n, c)
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

    const EPS: f32 = 1e-5;

    struct Data {
        inp: Vec<f32>,
        w: Vec<f32>,
        b: Vec<f32>,
        dout: Vec<f32>,
    }

    fn data(seed: u64, n: usize, c: usize) -> Data {
        // Rows with a non-zero mean and a spread of scales, weights around 1.
        let mut inp = seeded(seed, n * c);
        for r in 0..n {
            let (shift, scale) = (0.5 * (r % 5) as f32 - 1.0, 1.0 + (r % 3) as f32);
            for v in &mut inp[r * c..(r + 1) * c] {
                *v = *v * scale + shift;
            }
        }
        let w = seeded(seed + 1, c).iter().map(|v| 1.0 + 0.5 * v).collect();
        Data { inp, w, b: seeded(seed + 2, c), dout: seeded(seed + 3, n * c) }
    }

    fn fwd(f: fn(&mut [f32], &mut [f32], &mut [f32], &[f32], &[f32], &[f32], usize, usize, f32), d: &Data, n: usize, c: usize)
           -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let (mut out, mut m, mut s) = (vec![0.0; n * c], vec![0.0; n], vec![0.0; n]);
        f(&mut out, &mut m, &mut s, &d.inp, &d.w, &d.b, n, c, EPS);
        (out, m, s)
    }

    type BwdFn = fn(&mut [f32], &mut [f32], &mut [f32], &[f32], &[f32], &[f32], &[f32], &[f32], usize, usize);

    /// Runs a backward on gradients pre-filled with seeded values (accumulation is part of what is checked).
    fn bwd(f: BwdFn, d: &Data, m: &[f32], s: &[f32], n: usize, c: usize) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let (mut dx, mut dw, mut db) = (seeded(50, n * c), seeded(51, c), seeded(52, c));
        f(&mut dx, &mut dw, &mut db, &d.dout, &d.inp, &d.w, m, s, n, c);
        (dx, dw, db)
    }

    const SHAPES: [(usize, usize); 10] = [(1, 1), (1, 4), (3, 1), (2, 3), (5, 7), (7, 64), (33, 5), (31, 130), (65, 33), (300, 96)];

    #[test]
    fn forward_matches_ref() {
        for &(n, c) in &SHAPES {
            let d = data(1, n, c);
            let want = fwd(layernorm_forward_ref, &d, n, c);
            let got = fwd(layernorm_forward, &d, n, c);
            let tag = format!("N={n} C={c}");
            // Sums of C terms in a different order; |x| ≤ 4, so the statistics are within reduction(C) of
            // each other and the outputs (|out| ≲ 3·|weight| + 1) inherit that relative error.
            assert_close(&format!("mean {tag}"), &got.1, &want.1, Tol::reduction(c, 4.0));
            assert_close(&format!("rstd {tag}"), &got.2, &want.2, Tol { abs: 1e-6, rel: (c as f64 + 4.0) * 2.0 * f32::EPSILON as f64 + 1e-5 });
            assert_close(&format!("out {tag}"), &got.0, &want.0, Tol::reduction(c, 8.0));
        }
    }

    #[test]
    fn forward_known_values() {
        // Row [1, 2, 3, 4]: mean 2.5, var 1.25; weight 2, bias 0.5.
        let (mut out, mut m, mut s) = ([0.0f32; 4], [0.0f32], [0.0f32]);
        layernorm_forward(&mut out, &mut m, &mut s, &[1.0, 2.0, 3.0, 4.0], &[2.0; 4], &[0.5; 4], 1, 4, 0.0);
        assert_eq!(m[0], 2.5);
        let r = 1.0 / 1.25f64.sqrt();
        assert!((s[0] as f64 - r).abs() < 1e-7);
        for (i, &o) in out.iter().enumerate() {
            let want = (i as f64 + 1.0 - 2.5) * r * 2.0 + 0.5;
            assert!((o as f64 - want).abs() < 1e-6, "out[{i}] = {o}, want {want}");
        }
        // A constant row normalises to the bias (var = 0, rstd = 1/√eps).
        layernorm_forward(&mut out, &mut m, &mut s, &[7.0; 4], &[2.0; 4], &[0.5; 4], 1, 4, 1e-5);
        assert_eq!(out, [0.5; 4]);
    }

    #[test]
    fn backward_matches_ref() {
        for &(n, c) in &SHAPES {
            let d = data(2, n, c);
            let (_, m, s) = fwd(layernorm_forward_ref, &d, n, c);
            let want = bwd(layernorm_backward_ref, &d, &m, &s, n, c);
            let got = bwd(layernorm_backward, &d, &m, &s, n, c);
            let tag = format!("N={n} C={c}");
            // dinp: two C-term means times rstd (≤ 1/√var ≈ a few); dweight/dbias: N-term sums.
            assert_close(&format!("dinp {tag}"), &got.0, &want.0, Tol::reduction(c, 16.0));
            assert_close(&format!("dweight {tag}"), &got.1, &want.1, Tol::reduction(n, 4.0));
            assert_close(&format!("dbias {tag}"), &got.2, &want.2, Tol::reduction(n, 1.0));
        }
    }

    #[test]
    fn backward_accumulates() {
        let (n, c) = (40, 9);
        let d = data(3, n, c);
        let (_, m, s) = fwd(layernorm_forward, &d, n, c);
        let (mut dx, mut dw, mut db) = (vec![0.0; n * c], vec![0.0; c], vec![0.0; c]);
        layernorm_backward(&mut dx, &mut dw, &mut db, &d.dout, &d.inp, &d.w, &m, &s, n, c);
        let once = (dx.clone(), dw.clone(), db.clone());
        layernorm_backward(&mut dx, &mut dw, &mut db, &d.dout, &d.inp, &d.w, &m, &s, n, c);
        let twice = |v: &[f32]| v.iter().map(|x| 2.0 * x).collect::<Vec<_>>();
        assert_bits_eq("dinp twice", &dx, &twice(&once.0));
        assert_bits_eq("dweight twice", &dw, &twice(&once.1));
        assert_bits_eq("dbias twice", &db, &twice(&once.2));
    }

    #[test]
    fn gradients_by_finite_differences() {
        for &(n, c) in &[(3usize, 5usize), (2, 8), (1, 2)] {
            let mut d = data(4, n, c);
            let (_, m, s) = fwd(layernorm_forward, &d, n, c);
            let (mut dx, mut dw, mut db) = (vec![0.0; n * c], vec![0.0; c], vec![0.0; c]);
            layernorm_backward(&mut dx, &mut dw, &mut db, &d.dout, &d.inp, &d.w, &m, &s, n, c);
            let (mut out, mut mm, mut ss) = (vec![0.0; n * c], vec![0.0; n], vec![0.0; n]);
            let mut loss = |inp: &[f32], w: &[f32], b: &[f32]| {
                layernorm_forward_ref(&mut out, &mut mm, &mut ss, inp, w, b, n, c, EPS);
                dot64(&d.dout, &out)
            };
            let (w0, b0) = (d.w.clone(), d.b.clone());
            grad_check(&format!("dinp N={n} C={c}"), &mut d.inp, &dx, None, |x| loss(x, &w0, &b0));
            let x0 = d.inp.clone();
            grad_check(&format!("dweight N={n} C={c}"), &mut d.w, &dw, None, |w| loss(&x0, w, &b0));
            grad_check(&format!("dbias N={n} C={c}"), &mut d.b, &db, None, |b| loss(&x0, &w0, b));
        }
    }

    #[test]
    fn large_rows_and_many_blocks() {
        let (n, c) = (1000, 771);
        let d = data(5, n, c);
        let want = fwd(layernorm_forward_ref, &d, n, c);
        let got = fwd(layernorm_forward, &d, n, c);
        assert_close("out large", &got.0, &want.0, Tol::reduction(c, 8.0));
        let wb = bwd(layernorm_backward_ref, &d, &want.1, &want.2, n, c);
        let gb = bwd(layernorm_backward, &d, &want.1, &want.2, n, c);
        assert_close("dinp large", &gb.0, &wb.0, Tol::reduction(c, 16.0));
        assert_close("dweight large", &gb.1, &wb.1, Tol::reduction(n, 4.0));
        assert_close("dbias large", &gb.2, &wb.2, Tol::reduction(n, 1.0));
    }

    #[cfg(feature = "threads")]
    #[test]
    fn same_bits_for_any_thread_count() {
        let (n, c) = (ROWS * 9 + 5, 131);
        let d = data(6, n, c);
        let run = |threads| {
            with_threads(threads, || {
                let (out, m, s) = fwd(layernorm_forward, &d, n, c);
                let (dx, dw, db) = bwd(layernorm_backward, &d, &m, &s, n, c);
                [out, m, s, dx, dw, db]
            })
        };
        let one = run(1);
        for threads in [2, 3] {
            let other = run(threads);
            for (k, name) in ["out", "mean", "rstd", "dinp", "dweight", "dbias"].iter().enumerate() {
                assert_bits_eq(&format!("layernorm {name}, {threads} threads"), &other[k], &one[k]);
            }
        }
    }
}
