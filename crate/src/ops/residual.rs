//! Residual connection: out = inp1 + inp2, and its backward dinp1 += dout, dinp2 += dout.
//!
//! Element-wise, so the fast path is a SIMD add over fixed chunks of `CHUNK` elements, one parallel task each.
//! The pointer forms (`*_raw`) allow `out` to be the same buffer as `inp1` or `inp2` (an in-place residual
//! `x += f(x)`), since every element is read before it is written and no element is touched twice.

use crate::par::{self, SendConstPtr, SendPtr};
use crate::simd::F32x4;

/// Elements per parallel task (a multiple of 4; fixed, so the split never depends on the thread count).
const CHUNK: usize = 16 * 1024;

// ---- reference ----------------------------------------------------------------------------------------

/// out (N) = inp1 (N) + inp2 (N).
pub fn residual_forward_ref(out: &mut [f32], inp1: &[f32], inp2: &[f32], n: usize) {
    for i in 0..n {
        out[i] = inp1[i] + inp2[i];
    }
}

/// dinp1 (N) += dout (N), dinp2 (N) += dout.
pub fn residual_backward_ref(dinp1: &mut [f32], dinp2: &mut [f32], dout: &[f32], n: usize) {
    for i in 0..n {
        dinp1[i] += dout[i];
        dinp2[i] += dout[i];
    }
}

// ---- fast -------------------------------------------------------------------------------------------

/// Fast [`residual_forward_ref`]: SIMD, parallel over chunks. Bitwise equal to the reference.
pub fn residual_forward(out: &mut [f32], inp1: &[f32], inp2: &[f32], n: usize) {
    assert!(out.len() >= n && inp1.len() >= n && inp2.len() >= n, "residual_forward: buffers shorter than N");
    unsafe { residual_forward_raw(out.as_mut_ptr(), inp1.as_ptr(), inp2.as_ptr(), n) }
}

/// Fast [`residual_backward_ref`]. Bitwise equal to the reference.
pub fn residual_backward(dinp1: &mut [f32], dinp2: &mut [f32], dout: &[f32], n: usize) {
    assert!(dinp1.len() >= n && dinp2.len() >= n && dout.len() >= n, "residual_backward: buffers shorter than N");
    unsafe { residual_backward_raw(dinp1.as_mut_ptr(), dinp2.as_mut_ptr(), dout.as_ptr(), n) }
}

/// Pointer form of [`residual_forward`]; `out` may equal `inp1` or `inp2` (not partially overlap).
///
/// # Safety
/// All pointers valid for `n` floats.
pub unsafe fn residual_forward_raw(out: *mut f32, inp1: *const f32, inp2: *const f32, n: usize) {
    let (out, a, b) = (SendPtr(out), SendConstPtr(inp1), SendConstPtr(inp2));
    par::for_each(n.div_ceil(CHUNK), |task| {
        let (lo, hi) = (task * CHUNK, ((task + 1) * CHUNK).min(n));
        add_chunk(out.get().add(lo), a.get().add(lo), b.get().add(lo), hi - lo);
    });
}

/// Pointer form of [`residual_backward`]; `dinp1` and `dinp2` must be different buffers (else the gradient
/// would be counted once, not twice) and may not overlap `dout`.
///
/// # Safety
/// All pointers valid for `n` floats.
pub unsafe fn residual_backward_raw(dinp1: *mut f32, dinp2: *mut f32, dout: *const f32, n: usize) {
    let (d1, d2, g) = (SendPtr(dinp1), SendPtr(dinp2), SendConstPtr(dout));
    par::for_each(n.div_ceil(CHUNK), |task| {
        let (lo, hi) = (task * CHUNK, ((task + 1) * CHUNK).min(n));
        let len = hi - lo;
        // d1 += g, then d2 += g: each is the forward's add with the gradient as second operand.
        add_chunk(d1.get().add(lo), d1.get().add(lo), g.get().add(lo), len);
        add_chunk(d2.get().add(lo), d2.get().add(lo), g.get().add(lo), len);
    });
}

/// out[i] = a[i] + b[i] for i < len; `out` may equal `a` or `b`.
#[inline(never)]
unsafe fn add_chunk(out: *mut f32, a: *const f32, b: *const f32, len: usize) {
    let mut i = 0;
    while i + 4 <= len {
        F32x4::load(a.add(i)).add(F32x4::load(b.add(i))).store(out.add(i));
        i += 4;
    }
    while i < len {
        *out.add(i) = *a.add(i) + *b.add(i);
        i += 1;
    }
}

// ---- wasm exports -----------------------------------------------------------------------------------

#[cfg(target_arch = "wasm32")]
mod ffi {
    use crate::ffi::{export, reject_if, run};

    /// out (N) = inp1 + inp2; `out` may be `inp1` or `inp2`.
    #[no_mangle]
    pub extern "C" fn wgpt_residual_forward(out: *mut f32, inp1: *const f32, inp2: *const f32, n: usize) -> i32 {
        export(|| {
            if n == 0 {
                return Ok(());
            }
            reject_if(out.is_null() || inp1.is_null() || inp2.is_null())?;
            let (o, a, b) = (out as usize, inp1 as usize, inp2 as usize);
            // Memory-bound (one add per 12 bytes moved): measured, two threads pay off from about 1M elements.
            run(n, || unsafe { super::residual_forward_raw(o as *mut f32, a as *const f32, b as *const f32, n) });
            Ok(())
        })
    }

    /// dinp1 (N) += dout, dinp2 (N) += dout.
    #[no_mangle]
    pub extern "C" fn wgpt_residual_backward(dinp1: *mut f32, dinp2: *mut f32, dout: *const f32, n: usize) -> i32 {
        export(|| {
            if n == 0 {
                return Ok(());
            }
            reject_if(dinp1.is_null() || dinp2.is_null() || dout.is_null() || dinp1 == dinp2)?;
            let (d1, d2, g) = (dinp1 as usize, dinp2 as usize, dout as usize);
            run(n, || unsafe {
                super::residual_backward_raw(d1 as *mut f32, d2 as *mut f32, g as *const f32, n)
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

    const SIZES: [usize; 9] = [0, 1, 3, 4, 5, 7, 127, CHUNK + 3, 3 * CHUNK + 1];

    #[test]
    fn forward_matches_ref_bitwise() {
        for &n in &SIZES {
            let (a, b) = (seeded(1, n), seeded(2, n));
            let (mut want, mut got) = (vec![0.0; n], vec![7.0; n]);
            residual_forward_ref(&mut want, &a, &b, n);
            residual_forward(&mut got, &a, &b, n);
            assert_bits_eq(&format!("residual_forward n={n}"), &got, &want);
        }
    }

    #[test]
    fn forward_in_place() {
        let n = 1003;
        let (a, b) = (seeded(3, n), seeded(4, n));
        let mut want = vec![0.0; n];
        residual_forward_ref(&mut want, &a, &b, n);
        let mut x = a.clone();
        unsafe { residual_forward_raw(x.as_mut_ptr(), x.as_ptr(), b.as_ptr(), n) };
        assert_bits_eq("residual in place (out = inp1)", &x, &want);
        let mut y = b.clone();
        unsafe { residual_forward_raw(y.as_mut_ptr(), a.as_ptr(), y.as_ptr(), n) };
        assert_bits_eq("residual in place (out = inp2)", &y, &want);
    }

    #[test]
    fn backward_matches_ref_and_accumulates() {
        for &n in &SIZES {
            let g = seeded(5, n);
            let (mut w1, mut w2) = (seeded(6, n), seeded(7, n));
            let (mut g1, mut g2) = (w1.clone(), w2.clone());
            residual_backward_ref(&mut w1, &mut w2, &g, n);
            residual_backward(&mut g1, &mut g2, &g, n);
            assert_bits_eq(&format!("dinp1 n={n}"), &g1, &w1);
            assert_bits_eq(&format!("dinp2 n={n}"), &g2, &w2);
        }
    }

    #[test]
    fn gradients_by_finite_differences() {
        let n = 13;
        let (mut a, mut b, w) = (seeded(8, n), seeded(9, n), seeded(10, n));
        let (mut da, mut db) = (vec![0.0; n], vec![0.0; n]);
        residual_backward(&mut da, &mut db, &w, n);
        let mut out = vec![0.0; n];
        let b0 = b.clone();
        grad_check("dinp1", &mut a, &da, None, |a| {
            residual_forward_ref(&mut out, a, &b0, n);
            dot64(&w, &out)
        });
        let a0 = a.clone();
        grad_check("dinp2", &mut b, &db, None, |b| {
            residual_forward_ref(&mut out, &a0, b, n);
            dot64(&w, &out)
        });
    }

    #[cfg(feature = "threads")]
    #[test]
    fn same_bits_for_any_thread_count() {
        let n = 5 * CHUNK + 17;
        let (a, b, g) = (seeded(11, n), seeded(12, n), seeded(13, n));
        let run = |threads| {
            with_threads(threads, || {
                let mut out = vec![0.0; n];
                residual_forward(&mut out, &a, &b, n);
                let (mut d1, mut d2) = (a.clone(), b.clone());
                residual_backward(&mut d1, &mut d2, &g, n);
                (out, d1, d2)
            })
        };
        let one = run(1);
        for threads in [2, 3] {
            let other = run(threads);
            assert_bits_eq(&format!("residual out, {threads} threads"), &other.0, &one.0);
            assert_bits_eq(&format!("dinp1, {threads} threads"), &other.1, &one.1);
            assert_bits_eq(&format!("dinp2, {threads} threads"), &other.2, &one.2);
        }
    }
}
