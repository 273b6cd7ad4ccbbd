//! Element-wise activations: GELU (tanh approximation, GPT-2's `gelu_new`) and ReLU, forward and backward.
//!
//!   gelu(x)  = 0.5·x·(1 + tanh(u)),  u = √(2/π)·(x + 0.044715·x³)
//!   gelu'(x) = 0.5·(1 + tanh(u)) + 0.5·x·(1 − tanh²(u))·√(2/π)·(1 + 3·0.044715·x²)
//!   relu(x)  = max(x, 0) (NaN stays NaN);  relu'(x) = 1 for x > 0, else 0 (PyTorch's convention at 0)
//!
//! The references use `f32::tanh`; the fast paths use [`tanh_f32x4`] with its bit-identical scalar twin on
//! the tail, so an element's result never depends on N % 4 or on the chunking. Work is split into fixed
//! chunks of `CHUNK` elements, one parallel task each. The pointer forms (`*_raw`) allow in-place calls
//! (`out == inp` in the forward, `dinp == dout` in the backward): each element is read before it is written.

use crate::par::{self, SendConstPtr, SendPtr};
use crate::simd::{tanh_f32x4, tanh_scalar, F32x4};

/// Elements per parallel task (a multiple of 4; fixed, so the split never depends on the thread count).
const CHUNK: usize = 16 * 1024;

const GELU_S: f32 = 0.797_884_6; // √(2/π)
const GELU_K: f32 = 0.044_715;
const GELU_3K: f32 = 3.0 * GELU_K;

// ---- reference ----------------------------------------------------------------------------------------

/// out (N) = gelu(inp (N)).
pub fn gelu_forward_ref(out: &mut [f32], inp: &[f32], n: usize) {
    for i in 0..n {
        let x = inp[i];
        let u = GELU_S * (x + GELU_K * (x * x * x));
        out[i] = 0.5 * x * (1.0 + u.tanh());
    }
}

/// dinp (N) += gelu'(inp) · dout.
pub fn gelu_backward_ref(dinp: &mut [f32], inp: &[f32], dout: &[f32], n: usize) {
    for i in 0..n {
        let x = inp[i];
        let x2 = x * x;
        let t = (GELU_S * (x + GELU_K * (x2 * x))).tanh();
        let du = GELU_S * (1.0 + GELU_3K * x2);
        let grad = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;
        dinp[i] += grad * dout[i];
    }
}

/// out (N) = relu(inp (N)).
pub fn relu_forward_ref(out: &mut [f32], inp: &[f32], n: usize) {
    for i in 0..n {
        let x = inp[i];
        out[i] = if x < 0.0 { 0.0 } else { x };
    }
}

/// dinp (N) += (inp > 0 ? dout : 0).
pub fn relu_backward_ref(dinp: &mut [f32], inp: &[f32], dout: &[f32], n: usize) {
    for i in 0..n {
        dinp[i] += if inp[i] > 0.0 { dout[i] } else { 0.0 };
    }
}

// ---- fast -------------------------------------------------------------------------------------------

/// Fast [`gelu_forward_ref`] (SIMD tanh, parallel over chunks).
pub fn gelu_forward(out: &mut [f32], inp: &[f32], n: usize) {
    assert!(out.len() >= n && inp.len() >= n, "gelu_forward: buffers shorter than N");
    unsafe { gelu_forward_raw(out.as_mut_ptr(), inp.as_ptr(), n) }
}

/// Fast [`gelu_backward_ref`].
pub fn gelu_backward(dinp: &mut [f32], inp: &[f32], dout: &[f32], n: usize) {
    assert!(dinp.len() >= n && inp.len() >= n && dout.len() >= n, "gelu_backward: buffers shorter than N");
    unsafe { gelu_backward_raw(dinp.as_mut_ptr(), inp.as_ptr(), dout.as_ptr(), n) }
}

/// Fast [`relu_forward_ref`]; bitwise equal to it.
pub fn relu_forward(out: &mut [f32], inp: &[f32], n: usize) {
    assert!(out.len() >= n && inp.len() >= n, "relu_forward: buffers shorter than N");
    unsafe { relu_forward_raw(out.as_mut_ptr(), inp.as_ptr(), n) }
}

/// Fast [`relu_backward_ref`]; bitwise equal to it.
pub fn relu_backward(dinp: &mut [f32], inp: &[f32], dout: &[f32], n: usize) {
    assert!(dinp.len() >= n && inp.len() >= n && dout.len() >= n, "relu_backward: buffers shorter than N");
    unsafe { relu_backward_raw(dinp.as_mut_ptr(), inp.as_ptr(), dout.as_ptr(), n) }
}

/// # Safety
/// Pointers valid for `n` floats; `out` may equal `inp`.
pub unsafe fn gelu_forward_raw(out: *mut f32, inp: *const f32, n: usize) {
    let (out, inp) = (SendPtr(out), SendConstPtr(inp));
    for_chunks(n, |lo, len| gelu_forward_chunk(out.get().add(lo), inp.get().add(lo), len));
}

/// # Safety
/// Pointers valid for `n` floats; `dinp` may equal `dout` (not `inp`).
pub unsafe fn gelu_backward_raw(dinp: *mut f32, inp: *const f32, dout: *const f32, n: usize) {
    let (dinp, inp, dout) = (SendPtr(dinp), SendConstPtr(inp), SendConstPtr(dout));
    for_chunks(n, |lo, len| gelu_backward_chunk(dinp.get().add(lo), inp.get().add(lo), dout.get().add(lo), len));
}

/// # Safety
/// Pointers valid for `n` floats; `out` may equal `inp`.
pub unsafe fn relu_forward_raw(out: *mut f32, inp: *const f32, n: usize) {
    let (out, inp) = (SendPtr(out), SendConstPtr(inp));
    for_chunks(n, |lo, len| relu_forward_chunk(out.get().add(lo), inp.get().add(lo), len));
}

/// # Safety
/// Pointers valid for `n` floats; `dinp` may equal `dout` (not `inp`).
pub unsafe fn relu_backward_raw(dinp: *mut f32, inp: *const f32, dout: *const f32, n: usize) {
    let (dinp, inp, dout) = (SendPtr(dinp), SendConstPtr(inp), SendConstPtr(dout));
    for_chunks(n, |lo, len| relu_backward_chunk(dinp.get().add(lo), inp.get().add(lo), dout.get().add(lo), len));
}

/// Calls `f(start, len)` for the fixed chunks of `0..n`, in parallel when a pool is current.
#[inline(always)]
fn for_chunks(n: usize, f: impl Fn(usize, usize) + Sync + Send) {
    par::for_each(n.div_ceil(CHUNK), |task| {
        let lo = task * CHUNK;
        f(lo, CHUNK.min(n - lo));
    });
}

// The vector and scalar forms below do the same operations in the same order (checked bit for bit by the
// tests through chunks that end at every residue mod 4).

#[inline(always)]
fn gelu_f32x4(x: F32x4) -> F32x4 {
    let inner = x.add(F32x4::splat(GELU_K).mul(x.mul(x).mul(x)));
    let t = tanh_f32x4(F32x4::splat(GELU_S).mul(inner));
    F32x4::splat(0.5).mul(x).mul(F32x4::splat(1.0).add(t))
}

#[inline(always)]
fn gelu_scalar(x: f32) -> f32 {
    let inner = x + GELU_K * (x * x * x);
    let t = tanh_scalar(GELU_S * inner);
    0.5 * x * (1.0 + t)
}

#[inline(always)]
fn gelu_grad_f32x4(x: F32x4) -> F32x4 {
    let one = F32x4::splat(1.0);
    let half = F32x4::splat(0.5);
    let x2 = x.mul(x);
    let t = tanh_f32x4(F32x4::splat(GELU_S).mul(x.add(F32x4::splat(GELU_K).mul(x2.mul(x)))));
    let du = F32x4::splat(GELU_S).mul(one.add(F32x4::splat(GELU_3K).mul(x2)));
    let sech2 = one.sub(t.mul(t));
    half.mul(one.add(t)).add(half.mul(x).mul(sech2).mul(du))
}

#[inline(always)]
fn gelu_grad_scalar(x: f32) -> f32 {
    let x2 = x * x;
    let t = tanh_scalar(GELU_S * (x + GELU_K * (x2 * x)));
    let du = GELU_S * (1.0 + GELU_3K * x2);
    let sech2 = 1.0 - t * t;
    0.5 * (1.0 + t) + 0.5 * x * sech2 * du
}

#[inline(never)]
unsafe fn gelu_forward_chunk(out: *mut f32, inp: *const f32, len: usize) {
    let mut i = 0;
    while i + 4 <= len {
        gelu_f32x4(F32x4::load(inp.add(i))).store(out.add(i));
        i += 4;
    }
    while i < len {
        *out.add(i) = gelu_scalar(*inp.add(i));
        i += 1;
    }
}

#[inline(never)]
unsafe fn gelu_backward_chunk(dinp: *mut f32, inp: *const f32, dout: *const f32, len: usize) {
    let mut i = 0;
    while i + 4 <= len {
        let g = gelu_grad_f32x4(F32x4::load(inp.add(i))).mul(F32x4::load(dout.add(i)));
        F32x4::load(dinp.add(i)).add(g).store(dinp.add(i));
        i += 4;
    }
    while i < len {
        *dinp.add(i) += gelu_grad_scalar(*inp.add(i)) * *dout.add(i);
        i += 1;
    }
}

#[inline(never)]
unsafe fn relu_forward_chunk(out: *mut f32, inp: *const f32, len: usize) {
    let zero = F32x4::zero();
    let mut i = 0;
    while i + 4 <= len {
        // pmax: `x < 0 ? 0 : x` per lane, the reference's expression (NaN and -0 pass through).
        F32x4::load(inp.add(i)).max_keep_nan(zero).store(out.add(i));
        i += 4;
    }
    while i < len {
        *out.add(i) = crate::simd::max_keep_nan(*inp.add(i), 0.0);
        i += 1;
    }
}

#[inline(never)]
unsafe fn relu_backward_chunk(dinp: *mut f32, inp: *const f32, dout: *const f32, len: usize) {
    // F32x4 has no compare/select; this branch-free select is what LLVM vectorises into
    // f32x4.gt + v128.and on the SIMD128 target.
    for i in 0..len {
        let g = if *inp.add(i) > 0.0 { *dout.add(i) } else { 0.0 };
        *dinp.add(i) += g;
    }
}

// ---- wasm exports -----------------------------------------------------------------------------------

#[cfg(target_arch = "wasm32")]
mod ffi {
    use crate::ffi::{export, reject_if, run};

    // Work per element, calibrated so the pool (entered from 2^20) is used where two threads measured faster:
    // GELU costs ~35 vector operations per 4 elements with its tanh; ReLU is memory-bound.
    const GELU_WORK: usize = 32;
    const RELU_WORK: usize = 2;

    fn ok(ptrs: &[usize]) -> bool {
        ptrs.iter().all(|&p| p != 0)
    }

    /// out (N) = gelu(inp); `out` may be `inp`.
    #[no_mangle]
    pub extern "C" fn wgpt_gelu_forward(out: *mut f32, inp: *const f32, n: usize) -> i32 {
        export(|| {
            let (o, x) = (out as usize, inp as usize);
            if n == 0 {
                return Ok(());
            }
            reject_if(!ok(&[o, x]))?;
            run(n.saturating_mul(GELU_WORK), || unsafe { super::gelu_forward_raw(o as *mut f32, x as *const f32, n) });
            Ok(())
        })
    }

    /// dinp (N) += gelu'(inp) · dout.
    #[no_mangle]
    pub extern "C" fn wgpt_gelu_backward(dinp: *mut f32, inp: *const f32, dout: *const f32, n: usize) -> i32 {
        export(|| {
            let (d, x, g) = (dinp as usize, inp as usize, dout as usize);
            if n == 0 {
                return Ok(());
            }
            reject_if(!ok(&[d, x, g]))?;
            run(n.saturating_mul(GELU_WORK), || unsafe {
                super::gelu_backward_raw(d as *mut f32, x as *const f32, g as *const f32, n)
            });
            Ok(())
        })
    }

    /// out (N) = relu(inp); `out` may be `inp`.
    #[no_mangle]
    pub extern "C" fn wgpt_relu_forward(out: *mut f32, inp: *const f32, n: usize) -> i32 {
        export(|| {
            let (o, x) = (out as usize, inp as usize);
            if n == 0 {
                return Ok(());
            }
            reject_if(!ok(&[o, x]))?;
            run(n.saturating_mul(RELU_WORK), || unsafe { super::relu_forward_raw(o as *mut f32, x as *const f32, n) });
            Ok(())
        })
    }

    /// dinp (N) += (inp > 0 ? dout : 0).
    #[no_mangle]
    pub extern "C" fn wgpt_relu_backward(dinp: *mut f32, inp: *const f32, dout: *const f32, n: usize) -> i32 {
        export(|| {
            let (d, x, g) = (dinp as usize, inp as usize, dout as usize);
            if n == 0 {
                return Ok(());
            }
            reject_if(!ok(&[d, x, g]))?;
            run(n.saturating_mul(RELU_WORK), || unsafe {
                super::relu_backward_raw(d as *mut f32, x as *const f32, g as *const f32, n)
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

    const SIZES: [usize; 10] = [0, 1, 2, 3, 4, 5, 7, 129, CHUNK + 3, 2 * CHUNK + 5];

    /// Inputs spread over [-scale, scale), with the special points 0, ±0, and a value per tanh regime.
    fn inputs(seed: u64, n: usize, scale: f32) -> Vec<f32> {
        let mut x: Vec<f32> = seeded(seed, n).iter().map(|v| v * scale).collect();
        for (i, s) in [0.0, -0.0, 1e-30, -12.0, 12.0, 40.0, -40.0].into_iter().enumerate() {
            if i * 3 < n {
                x[i * 3] = s;
            }
        }
        x
    }

    #[test]
    fn gelu_forward_matches_ref() {
        for &n in &SIZES {
            let x = inputs(1, n, 5.0);
            let (mut want, mut got) = (vec![0.0; n], vec![9.0; n]);
            gelu_forward_ref(&mut want, &x, n);
            gelu_forward(&mut got, &x, n);
            // The fast tanh is within ~1e-7 absolute of f32::tanh: a few ulps after the 0.5·x·(1 + t).
            assert_close(&format!("gelu_forward n={n}"), &got, &want, Tol { abs: 2e-6, rel: 1e-5 });
        }
    }

    #[test]
    fn gelu_backward_matches_ref_and_accumulates() {
        for &n in &SIZES {
            let (x, g) = (inputs(2, n, 5.0), seeded(3, n));
            let mut want = seeded(4, n);
            let mut got = want.clone();
            gelu_backward_ref(&mut want, &x, &g, n);
            gelu_backward(&mut got, &x, &g, n);
            assert_close(&format!("gelu_backward n={n}"), &got, &want, Tol { abs: 2e-6, rel: 1e-5 });
        }
    }

    #[test]
    fn gelu_tail_uses_the_vector_arithmetic() {
        // The same value computed in a vector lane and in the scalar tail gives the same bits.
        let x = inputs(5, 64, 6.0);
        for len in 1..=8 {
            let (mut a, mut b) = (vec![0.0; 64], vec![0.0; 64]);
            gelu_forward(&mut a, &x, 64);
            for s in (0..64).step_by(len) {
                let e = (s + len).min(64);
                gelu_forward(&mut b[s..e], &x[s..e], e - s);
            }
            assert_bits_eq(&format!("gelu_forward pieces of {len}"), &b, &a);
            let (mut da, mut db) = (vec![0.0; 64], vec![0.0; 64]);
            gelu_backward(&mut da, &x, &x, 64);
            for s in (0..64).step_by(len) {
                let e = (s + len).min(64);
                gelu_backward(&mut db[s..e], &x[s..e], &x[s..e], e - s);
            }
            assert_bits_eq(&format!("gelu_backward pieces of {len}"), &db, &da);
        }
    }

    #[test]
    fn gelu_known_values() {
        let x = [0.0f32, 1.0, -1.0, 3.0, -3.0, 10.0, -10.0];
        let mut out = [0.0f32; 7];
        gelu_forward(&mut out, &x, 7);
        for (&xi, &o) in x.iter().zip(&out) {
            let xd = xi as f64;
            let want = 0.5 * xd * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (xd + 0.044715 * xd.powi(3))).tanh());
            assert!((o as f64 - want).abs() <= 1e-6 + 1e-6 * want.abs(), "gelu({xi}) = {o}, want {want}");
        }
        assert_eq!(out[5], 10.0);
        assert_eq!(out[6], 0.0);
        let mut nan = [0.0f32];
        gelu_forward(&mut nan, &[f32::NAN], 1);
        assert!(nan[0].is_nan());
    }

    #[test]
    fn relu_matches_ref_bitwise() {
        for &n in &SIZES {
            let mut x = inputs(6, n, 1.0);
            if n > 5 {
                x[5] = f32::NAN;
            }
            let (mut want, mut got) = (vec![0.0; n], vec![9.0; n]);
            relu_forward_ref(&mut want, &x, n);
            relu_forward(&mut got, &x, n);
            assert_bits_eq(&format!("relu_forward n={n}"), &got, &want);
            let g = seeded(7, n);
            let mut dw = seeded(8, n);
            let mut dg = dw.clone();
            relu_backward_ref(&mut dw, &x, &g, n);
            relu_backward(&mut dg, &x, &g, n);
            assert_bits_eq(&format!("relu_backward n={n}"), &dg, &dw);
        }
        let mut out = [1.0f32; 4];
        relu_forward(&mut out, &[-2.0, 0.0, 3.5, f32::NAN], 4);
        assert_eq!(&out[..3], &[0.0, 0.0, 3.5]);
        assert!(out[3].is_nan());
        let mut d = [0.0f32; 4];
        relu_backward(&mut d, &[-2.0, 0.0, 3.5, f32::NAN], &[1.0, 1.0, 1.0, 1.0], 4);
        assert_eq!(d, [0.0, 0.0, 1.0, 0.0]);
    }

    #[test]
    fn in_place_forms() {
        let n = 1001;
        let x = inputs(9, n, 4.0);
        let mut want = vec![0.0; n];
        gelu_forward(&mut want, &x, n);
        let mut y = x.clone();
        unsafe { gelu_forward_raw(y.as_mut_ptr(), y.as_ptr(), n) };
        assert_bits_eq("gelu in place", &y, &want);
        let mut g = seeded(10, n);
        let mut want = g.clone();
        gelu_backward(&mut want, &x, &g.clone(), n);
        unsafe { gelu_backward_raw(g.as_mut_ptr(), x.as_ptr(), g.as_ptr(), n) };
        assert_bits_eq("gelu backward, dinp = dout", &g, &want);
        let mut y = x.clone();
        relu_forward(&mut want, &x, n);
        unsafe { relu_forward_raw(y.as_mut_ptr(), y.as_ptr(), n) };
        assert_bits_eq("relu in place", &y, &want);
    }

    #[test]
    fn gradients_by_finite_differences() {
        let n = 41;
        let w = seeded(11, n);
        // GELU on [-3, 3): curvature is small enough for h = 1e-2.
        let mut x = inputs(12, n, 3.0);
        x[9] = 12.0;
        x[12] = -12.0;
        let mut dx = vec![0.0; n];
        gelu_backward(&mut dx, &x, &w, n);
        let mut out = vec![0.0; n];
        grad_check("gelu dinp", &mut x, &dx, None, |x| {
            gelu_forward_ref(&mut out, x, n);
            dot64(&w, &out)
        });
        // ReLU away from its kink (|x| ≥ 2h), where the derivative is defined.
        let mut x: Vec<f32> = seeded(13, n).iter().map(|&v| if v.abs() < 0.05 { v + 0.1f32.copysign(v) } else { v }).collect();
        let mut dx = vec![0.0; n];
        relu_backward(&mut dx, &x, &w, n);
        grad_check("relu dinp", &mut x, &dx, None, |x| {
            relu_forward_ref(&mut out, x, n);
            dot64(&w, &out)
        });
    }

    #[cfg(feature = "threads")]
    #[test]
    fn same_bits_for_any_thread_count() {
        let n = 4 * CHUNK + 7;
        let (x, g) = (inputs(14, n, 4.0), seeded(15, n));
        let run = |threads| {
            with_threads(threads, || {
                let (mut a, mut b) = (vec![0.0; n], vec![0.0; n]);
                gelu_forward(&mut a, &x, n);
                relu_forward(&mut b, &x, n);
                let (mut da, mut db) = (g.clone(), g.clone());
                gelu_backward(&mut da, &x, &g, n);
                relu_backward(&mut db, &x, &g, n);
                [a, b, da, db]
            })
        };
        let one = run(1);
        for threads in [2, 3] {
            let other = run(threads);
            for (k, name) in ["gelu out", "relu out", "gelu dinp", "relu dinp"].iter().enumerate() {
                assert_bits_eq(&format!("{name}, {threads} threads"), &other[k], &one[k]);
            }
        }
    }
}
