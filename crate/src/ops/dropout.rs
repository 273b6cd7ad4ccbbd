//! Dropout with a counter-based mask: nothing is stored between forward and backward.
//!
//! Element i keeps its value when `uniform(seed, offset + i) ≥ p` (u32 wrapping arithmetic), and kept values
//! are scaled by 1/(1 − p):
//! - forward   out[i]  = inp[i]  · mask[i],   mask[i] = keep ? f32(1/(1 − p)) : 0   (in place allowed)
//! - backward  dinp[i] = dout[i] · mask[i]    the same mask; **writes** (in place allowed)
//! p = 0 copies. The mask depends only on (seed, offset, i) — never on the thread count, the chunking or
//! the SIMD width — so the backward regenerates exactly the forward's mask, and the TypeScript twin
//! (`dropoutUniform` in src/kernels/types.ts) produces the same bits. Dropped elements are multiplied by 0,
//! like PyTorch (a NaN input stays NaN).
//!
//! `uniform ≥ p` is evaluated exactly as TypeScript does in float64: uniform = k/2^24 for the top 24 bits k
//! of the hash, so the test is the integer comparison k ≥ ⌈p·2^24⌉ (p·2^24 is exact). Comparing against p
//! rounded to f32 instead would disagree with TypeScript for some p (e.g. 0.7).

use crate::par::{self, SendConstPtr, SendPtr};
use crate::simd::F32x4;

/// Elements per parallel task.
const TASK_ELEMS: usize = 1 << 14;
/// Elements whose mask is computed at once into a stack array (an integer loop the compiler vectorises),
/// before the SIMD multiply; also what makes in-place operation safe (each block is read before written).
const BLOCK: usize = 64;

/// The 32-bit integer hash of element `counter` of stream `seed` (must match `dropoutUniform`).
#[inline(always)]
pub fn hash(seed: u32, counter: u32) -> u32 {
    let mut h = counter.wrapping_add(seed.wrapping_mul(0x9e37_79b9));
    h ^= h >> 16;
    h = h.wrapping_mul(0x7feb_352d);
    h ^= h >> 15;
    h = h.wrapping_mul(0x846c_a68b);
    h ^= h >> 16;
    h
}

/// Uniform in [0, 1): the top 24 bits of the hash over 2^24 (exact in f32). Equals TypeScript's
/// `dropoutUniform(seed, counter)` bit for bit.
#[inline(always)]
pub fn uniform(seed: u32, counter: u32) -> f32 {
    (hash(seed, counter) >> 8) as f32 / 16_777_216.0
}

/// k = hash >> 8 is kept iff k ≥ this, i.e. iff k/2^24 ≥ p exactly (p in [0, 1)).
#[inline]
pub fn keep_threshold(p: f64) -> u32 {
    (p * 16_777_216.0).ceil() as u32
}

/// The scale of kept elements, f32(1/(1 − p)) computed in f64 (as TypeScript's `Math.fround(1 / (1 - p))`).
#[inline]
pub fn keep_scale(p: f64) -> f32 {
    (1.0 / (1.0 - p)) as f32
}

// ---- reference ----------------------------------------------------------------------------------------

/// The definition, element by element.
pub fn dropout_forward_ref(out: &mut [f32], inp: &[f32], n: usize, p: f64, seed: u32, offset: u32) {
    let scale = keep_scale(p);
    for i in 0..n {
        let keep = uniform(seed, offset.wrapping_add(i as u32)) as f64 >= p;
        out[i] = inp[i] * if keep { scale } else { 0.0 };
    }
}

/// dinp = dout · mask, the forward's mask regenerated. Writes.
pub fn dropout_backward_ref(dinp: &mut [f32], dout: &[f32], n: usize, p: f64, seed: u32, offset: u32) {
    // forward: out[i] = inp[i] · mask[i]  ⇒  ∂out[i]/∂inp[i] = mask[i]
    dropout_forward_ref(dinp, dout, n, p, seed, offset);
}

// ---- fast -----------------------------------------------------------------------------------------------

/// Same as [`dropout_forward_ref`], parallel in fixed chunks, SIMD multiply.
///
/// # Safety
/// `out` and `inp` cover N floats each; they may be the same pointer but must not otherwise overlap.
/// p must be in [0, 1).
pub unsafe fn dropout_forward(out: *mut f32, inp: *const f32, n: usize, p: f64, seed: u32, offset: u32) {
    debug_assert!((0.0..1.0).contains(&p));
    if p == 0.0 {
        if out as *const f32 != inp {
            core::ptr::copy_nonoverlapping(inp, out, n);
        }
        return;
    }
    let (threshold, scale) = (keep_threshold(p), keep_scale(p));
    let (o, x) = (SendPtr(out), SendConstPtr(inp));
    par::for_each(n.div_ceil(TASK_ELEMS), |t| {
        let (i0, i1) = (t * TASK_ELEMS, ((t + 1) * TASK_ELEMS).min(n));
        apply_mask(o, x, i0, i1, threshold, scale, seed, offset)
    });
}

/// Same as [`dropout_backward_ref`]. Writes.
///
/// # Safety
/// As [`dropout_forward`].
pub unsafe fn dropout_backward(dinp: *mut f32, dout: *const f32, n: usize, p: f64, seed: u32, offset: u32) {
    dropout_forward(dinp, dout, n, p, seed, offset)
}

#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn apply_mask(out: SendPtr<f32>, inp: SendConstPtr<f32>, i0: usize, i1: usize, threshold: u32, scale: f32, seed: u32, offset: u32) {
    let mut mask = [0.0f32; BLOCK];
    let mut b0 = i0;
    while b0 < i1 {
        let len = BLOCK.min(i1 - b0);
        let base = offset.wrapping_add(b0 as u32);
        for (j, m) in mask[..len].iter_mut().enumerate() {
            *m = if hash(seed, base.wrapping_add(j as u32)) >> 8 >= threshold { scale } else { 0.0 };
        }
        let (src, dst) = (inp.get().add(b0), out.get().add(b0));
        let len4 = len & !3;
        let mut j = 0;
        while j < len4 {
            F32x4::load(src.add(j)).mul(F32x4::load(mask.as_ptr().add(j))).store(dst.add(j));
            j += 4;
        }
        for j in len4..len {
            *dst.add(j) = *src.add(j) * mask[j];
        }
        b0 += len;
    }
}

// ---- wasm exports -----------------------------------------------------------------------------------------

#[cfg(target_arch = "wasm32")]
mod ffi {
    use super::*;
    use crate::ffi::{export, reject_if, run};

    /// Work units per element for `crate::ffi::run` (entered at 2^20): calibrated with bench/train-ops.mjs so
    /// the pool is used from ~512 K elements, where it started to pay on a 2-core machine (262 K ran slower on
    /// 2 threads than on 1; 786 K ran 1.5× faster).
    const WORK_PER_ELEM: usize = 2;

    /// `dropout_forward` (out may equal inp). `InvalidArgument` unless 0 ≤ p < 1.
    #[no_mangle]
    pub unsafe extern "C" fn wgpt_dropout_forward(out: *mut f32, inp: *const f32, n: usize, p: f64, seed: u32, offset: u32) -> i32 {
        export(|| {
            reject_if(!(0.0..1.0).contains(&p) || (n > 0 && (out.is_null() || inp.is_null())))?;
            let (o, x) = (out as usize, inp as usize);
            run(WORK_PER_ELEM.saturating_mul(n), || unsafe { dropout_forward(o as *mut f32, x as *const f32, n, p, seed, offset) });
            Ok(())
        })
    }

    /// `dropout_backward` (writes; dinp may equal dout). `InvalidArgument` unless 0 ≤ p < 1.
    #[no_mangle]
    pub unsafe extern "C" fn wgpt_dropout_backward(dinp: *mut f32, dout: *const f32, n: usize, p: f64, seed: u32, offset: u32) -> i32 {
        export(|| {
            reject_if(!(0.0..1.0).contains(&p) || (n > 0 && (dinp.is_null() || dout.is_null())))?;
            let (d, g) = (dinp as usize, dout as usize);
            run(WORK_PER_ELEM.saturating_mul(n), || unsafe { dropout_backward(d as *mut f32, g as *const f32, n, p, seed, offset) });
            Ok(())
        })
    }
}

// ---- tests --------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testutil::*;

    #[test]
    fn uniform_matches_typescript_values() {
        // (seed, counter, 2^24·uniform), computed with dropoutUniform in src/kernels/types.ts; the TypeScript
        // test (tests/kernels.dropout.test.ts) asserts the same table.
        let table: [(u32, u32, u32); 6] = [
            (0, 0, 0),
            (1, 0, 130_277),
            (0, 1, 6_850_960),
            (12345, 678, 2_028_737),
            (0xffff_ffff, 0xffff_ffff, 3_531_235),
            (42, 1_000_000, 7_646_342),
        ];
        for (seed, counter, k) in table {
            assert_eq!(uniform(seed, counter), k as f32 / 16_777_216.0, "uniform({seed}, {counter})");
        }
    }

    #[test]
    fn threshold_is_exactly_uniform_ge_p() {
        // p values whose f32 rounding lands on (or next to) a multiple of 2^-24, where a comparison in f32
        // would differ from TypeScript's float64 comparison.
        for p in [0.1, 0.5, 0.7, 0.9, 1.0 - 1e-9, 0.3 + 1e-12, 1e-9, 0.123456789] {
            let t = keep_threshold(p);
            for k in t.saturating_sub(2)..(t + 2).min(1 << 24) {
                assert_eq!(k >= t, k as f64 / 16_777_216.0 >= p, "p {p} k {k}");
            }
        }
    }

    #[test]
    fn fast_equals_reference_bit_for_bit_and_in_place() {
        for &n in &[0usize, 1, 3, 4, 63, 64, 65, 1000, 40_000] {
            for &p in &[0.0, 0.1, 0.7, 0.5] {
                let (seed, offset) = (n as u32 * 7 + 1, 0xffff_fff0); // offset wraps past 2^32
                let inp = seeded(n as u64, n);
                let mut want = vec![0.0; n];
                dropout_forward_ref(&mut want, &inp, n, p, seed, offset);
                let mut got = vec![f32::NAN; n];
                unsafe { dropout_forward(got.as_mut_ptr(), inp.as_ptr(), n, p, seed, offset) };
                assert_bits_eq(&format!("forward n {n} p {p}"), &got, &want);
                let mut inplace = inp.clone();
                unsafe { dropout_forward(inplace.as_mut_ptr(), inplace.as_ptr(), n, p, seed, offset) };
                assert_bits_eq(&format!("in place n {n} p {p}"), &inplace, &want);
                let mut dinp = vec![f32::NAN; n];
                unsafe { dropout_backward(dinp.as_mut_ptr(), inp.as_ptr(), n, p, seed, offset) };
                assert_bits_eq(&format!("backward n {n} p {p}"), &dinp, &want);
                if n >= 1000 && p > 0.0 {
                    let kept = want.iter().zip(&inp).filter(|(o, i)| **o == **i * keep_scale(p)).count() as f64 / n as f64;
                    assert!((kept - (1.0 - p)).abs() < 5.0 / (n as f64).sqrt(), "kept fraction {kept} for p {p}");
                }
            }
        }
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let (n, p, seed, offset) = (37, 0.3, 5, 11);
        let mut inp = seeded(70, n);
        let w = seeded(71, n);
        let mut dinp = vec![0.0; n];
        unsafe { dropout_backward(dinp.as_mut_ptr(), w.as_ptr(), n, p, seed, offset) };
        grad_check("dinp", &mut inp, &dinp, None, |x| {
            let mut out = vec![0.0; n];
            unsafe { dropout_forward(out.as_mut_ptr(), x.as_ptr(), n, p, seed, offset) };
            dot64(&w, &out)
        });
    }

    #[cfg(feature = "threads")]
    #[test]
    fn bitwise_equal_for_1_2_3_threads() {
        let n = 100_003;
        let inp = seeded(80, n);
        let run = |threads| {
            with_threads(threads, || {
                let mut out = vec![0.0; n];
                unsafe { dropout_forward(out.as_mut_ptr(), inp.as_ptr(), n, 0.2, 9, 3) };
                out
            })
        };
        let one = run(1);
        assert_bits_eq("2t", &run(2), &one);
        assert_bits_eq("3t", &run(3), &one);
    }
}
