//! The one SIMD vocabulary the kernels use: a 4-lane f32 vector with load/store/splat/add/mul.
//!
//! On wasm32 with `simd128` it is `v128`; everywhere else it is emulated lane by lane with the same
//! operations in the same order, so native `cargo test` exercises exactly the arithmetic the wasm build does
//! (SIMD128 has no fused multiply-add, and neither does the emulation: results match bit for bit).
//!
//! The relaxed-SIMD build (`+relaxed-simd`, the `*relaxed_simd.wasm` artifacts) differs in one operation only:
//! [`F32x4::mul_add`] is `f32x4.relaxed_madd`, which the engine may compute with one rounding (a hardware FMA)
//! or two. The engine makes that choice once per instruction for the whole process (V8 fuses wherever the CPU
//! has FMA3 or NEON), so results still do not depend on the thread count or tile shape; they differ from the
//! plain build by at most one rounding of each product (bound and test in README "Relaxed SIMD"). Scalar
//! tails that must match a vector lane bit for bit use [`mul_add_lane`].

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    #[derive(Clone, Copy)]
    #[repr(transparent)]
    pub struct F32x4(v128);

    impl F32x4 {
        #[inline(always)]
        pub fn zero() -> Self {
            F32x4(f32x4_splat(0.0))
        }
        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            F32x4(f32x4_splat(x))
        }
        /// # Safety
        /// `p` must be valid for reading 4 floats (no alignment needed).
        #[inline(always)]
        pub unsafe fn load(p: *const f32) -> Self {
            F32x4(v128_load(p as *const v128))
        }
        /// # Safety
        /// `p` must be valid for reading one float.
        #[inline(always)]
        pub unsafe fn load_splat(p: *const f32) -> Self {
            F32x4(v128_load32_splat(p as *const u32))
        }
        /// # Safety
        /// `p` must be valid for writing 4 floats.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut f32) {
            v128_store(p as *mut v128, self.0)
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            F32x4(f32x4_add(self.0, o.0))
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            F32x4(f32x4_mul(self.0, o.0))
        }
        /// `self + a*b`: two rounded operations in SIMD128 (no FMA there); on the relaxed-SIMD build one
        /// `f32x4.relaxed_madd`, rounded once or twice as the engine decides (see the module note).
        #[inline(always)]
        pub fn mul_add(self, a: Self, b: Self) -> Self {
            #[cfg(target_feature = "relaxed-simd")]
            {
                F32x4(f32x4_relaxed_madd(a.0, b.0, self.0))
            }
            #[cfg(not(target_feature = "relaxed-simd"))]
            {
                self.add(a.mul(b))
            }
        }
        /// Sum of lanes in the fixed order ((l0 + l1) + (l2 + l3)).
        #[inline(always)]
        pub fn reduce_sum(self) -> f32 {
            let l = self.0;
            (f32x4_extract_lane::<0>(l) + f32x4_extract_lane::<1>(l))
                + (f32x4_extract_lane::<2>(l) + f32x4_extract_lane::<3>(l))
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            F32x4(f32x4_sub(self.0, o.0))
        }
        #[inline(always)]
        pub fn div(self, o: Self) -> Self {
            F32x4(f32x4_div(self.0, o.0))
        }
        /// Lane-wise square root (correctly rounded, like the scalar `f32::sqrt`).
        #[inline(always)]
        pub fn sqrt(self) -> Self {
            F32x4(f32x4_sqrt(self.0))
        }
        /// Lane-wise `if self < o { o } else { self }`: a max that keeps a NaN in `self`.
        #[inline(always)]
        pub fn max_keep_nan(self, o: Self) -> Self {
            #[cfg(target_feature = "relaxed-simd")]
            {
                F32x4(i32x4_relaxed_laneselect(o.0, self.0, f32x4_lt(self.0, o.0)))
            }
            #[cfg(not(target_feature = "relaxed-simd"))]
            {
                F32x4(f32x4_pmax(self.0, o.0))
            }
        }
        /// Lane-wise `if o < self { o } else { self }`: a min that keeps a NaN in `self`.
        #[inline(always)]
        pub fn min_keep_nan(self, o: Self) -> Self {
            #[cfg(target_feature = "relaxed-simd")]
            {
                F32x4(i32x4_relaxed_laneselect(o.0, self.0, f32x4_lt(o.0, self.0)))
            }
            #[cfg(not(target_feature = "relaxed-simd"))]
            {
                F32x4(f32x4_pmin(self.0, o.0))
            }
        }
        /// Lane-wise max for a running maximum whose NaNs a later step catches anyway (a shift before an exp
        /// through [`Self::clamp_keep_nan`]): a NaN lane may or may not win. One `relaxed_max` (`maxps` on
        /// x86) on the relaxed build, `pmax` (as [`Self::max_keep_nan`]) on the SIMD128 one. Exact for
        /// numbers; of +0 and −0 either may come back.
        #[inline(always)]
        pub fn max_fast(self, o: Self) -> Self {
            #[cfg(target_feature = "relaxed-simd")]
            {
                F32x4(f32x4_relaxed_max(self.0, o.0))
            }
            #[cfg(not(target_feature = "relaxed-simd"))]
            {
                F32x4(f32x4_pmax(self.0, o.0))
            }
        }
        /// Lane-wise clamp to [lo, hi] (lo, hi not NaN) that keeps a NaN lane NaN. The SIMD128 build is
        /// `max_keep_nan(lo).min_keep_nan(hi)`. The relaxed build clamps with `relaxed_max`/`relaxed_min`
        /// (one instruction each, but x86 returns the bound for a NaN) and ORs the lane's unordered mask
        /// back in, which turns a NaN lane into all ones (a NaN) and leaves the others alone: two compares and
        /// two blends became one compare and one OR (cross-entropy 1.3× faster on a Xeon).
        #[inline(always)]
        pub fn clamp_keep_nan(self, lo: Self, hi: Self) -> Self {
            #[cfg(target_feature = "relaxed-simd")]
            {
                let c = f32x4_relaxed_min(f32x4_relaxed_max(self.0, lo.0), hi.0);
                F32x4(v128_or(c, f32x4_ne(self.0, self.0)))
            }
            #[cfg(not(target_feature = "relaxed-simd"))]
            {
                self.max_keep_nan(lo).min_keep_nan(hi)
            }
        }
        /// Max of lanes, ((l0 ∨ l1) ∨ (l2 ∨ l3)) with [`super::max_keep_nan`].
        #[inline(always)]
        pub fn reduce_max(self) -> f32 {
            let l = self.0;
            let m = super::max_keep_nan;
            m(m(f32x4_extract_lane::<0>(l), f32x4_extract_lane::<1>(l)), m(f32x4_extract_lane::<2>(l), f32x4_extract_lane::<3>(l)))
        }
        #[inline(always)]
        pub fn round_ties_even(self) -> Self {
            F32x4(f32x4_nearest(self.0))
        }
        /// `2^n` for lanes holding integers n in [-126, 127] (n = -127 gives 0). Adding 1.5·2^23 puts n in the low mantissa
        /// bits (exactly), which integer ops then move into the exponent field: cheaper in V8 than the
        /// saturating float→int conversion, which needs a NaN/overflow fix-up sequence on x86.
        #[inline(always)]
        pub fn exp2_int(self) -> Self {
            let k = f32x4_add(self.0, f32x4_splat(super::EXP2_MAGIC));
            F32x4(i32x4_shl(i32x4_add(k, i32x4_splat(super::EXP2_BIAS)), 23))
        }
        /// # Safety
        /// `p` must be valid for writing 2 floats: stores lanes 0 and 1.
        #[inline(always)]
        pub unsafe fn store_lo2(self, p: *mut f32) {
            v128_store64_lane::<0>(self.0, p as *mut u64)
        }
        /// Transposes the 4×4 matrix whose rows are `m` (row i becomes column i).
        #[inline(always)]
        pub fn transpose4(m: [Self; 4]) -> [Self; 4] {
            let t0 = i32x4_shuffle::<0, 4, 1, 5>(m[0].0, m[1].0);
            let t1 = i32x4_shuffle::<2, 6, 3, 7>(m[0].0, m[1].0);
            let t2 = i32x4_shuffle::<0, 4, 1, 5>(m[2].0, m[3].0);
            let t3 = i32x4_shuffle::<2, 6, 3, 7>(m[2].0, m[3].0);
            [
                F32x4(i32x4_shuffle::<0, 1, 4, 5>(t0, t2)),
                F32x4(i32x4_shuffle::<2, 3, 6, 7>(t0, t2)),
                F32x4(i32x4_shuffle::<0, 1, 4, 5>(t1, t3)),
                F32x4(i32x4_shuffle::<2, 3, 6, 7>(t1, t3)),
            ]
        }
        #[inline(always)]
        pub fn lane(self, i: usize) -> f32 {
            let mut out = [0.0f32; 4];
            unsafe { self.store(out.as_mut_ptr()) };
            out[i]
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    #[derive(Clone, Copy)]
    pub struct F32x4([f32; 4]);

    impl F32x4 {
        #[inline(always)]
        pub fn zero() -> Self {
            F32x4([0.0; 4])
        }
        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            F32x4([x; 4])
        }
        /// # Safety
        /// `p` must be valid for reading 4 floats.
        #[inline(always)]
        pub unsafe fn load(p: *const f32) -> Self {
            F32x4(core::ptr::read_unaligned(p as *const [f32; 4]))
        }
        /// # Safety
        /// `p` must be valid for reading one float.
        #[inline(always)]
        pub unsafe fn load_splat(p: *const f32) -> Self {
            F32x4([*p; 4])
        }
        /// # Safety
        /// `p` must be valid for writing 4 floats.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut f32) {
            core::ptr::write_unaligned(p as *mut [f32; 4], self.0)
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            let (a, b) = (self.0, o.0);
            F32x4([a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]])
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            let (a, b) = (self.0, o.0);
            F32x4([a[0] * b[0], a[1] * b[1], a[2] * b[2], a[3] * b[3]])
        }
        #[inline(always)]
        pub fn mul_add(self, a: Self, b: Self) -> Self {
            self.add(a.mul(b))
        }
        #[inline(always)]
        pub fn reduce_sum(self) -> f32 {
            let l = self.0;
            (l[0] + l[1]) + (l[2] + l[3])
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            self.map2(o, |a, b| a - b)
        }
        #[inline(always)]
        pub fn div(self, o: Self) -> Self {
            self.map2(o, |a, b| a / b)
        }
        #[inline(always)]
        pub fn sqrt(self) -> Self {
            F32x4(self.0.map(f32::sqrt))
        }
        #[inline(always)]
        pub fn max_keep_nan(self, o: Self) -> Self {
            self.map2(o, super::max_keep_nan)
        }
        #[inline(always)]
        pub fn min_keep_nan(self, o: Self) -> Self {
            self.map2(o, super::min_keep_nan)
        }
        #[inline(always)]
        pub fn max_fast(self, o: Self) -> Self {
            self.max_keep_nan(o)
        }
        #[inline(always)]
        pub fn clamp_keep_nan(self, lo: Self, hi: Self) -> Self {
            self.max_keep_nan(lo).min_keep_nan(hi)
        }
        #[inline(always)]
        pub fn reduce_max(self) -> f32 {
            let l = self.0;
            let m = super::max_keep_nan;
            m(m(l[0], l[1]), m(l[2], l[3]))
        }
        #[inline(always)]
        pub fn round_ties_even(self) -> Self {
            F32x4(self.0.map(f32::round_ties_even))
        }
        /// Same integer steps as the wasm version, lane by lane.
        #[inline(always)]
        pub fn exp2_int(self) -> Self {
            F32x4(self.0.map(|n| {
                let k = (n + super::EXP2_MAGIC).to_bits() as i32;
                f32::from_bits((k.wrapping_add(super::EXP2_BIAS) as u32) << 23)
            }))
        }
        #[inline(always)]
        pub fn transpose4(m: [Self; 4]) -> [Self; 4] {
            core::array::from_fn(|i| F32x4(core::array::from_fn(|j| m[j].0[i])))
        }
        /// # Safety
        /// `p` must be valid for writing 2 floats.
        #[inline(always)]
        pub unsafe fn store_lo2(self, p: *mut f32) {
            *p = self.0[0];
            *p.add(1) = self.0[1];
        }
        #[inline(always)]
        pub fn lane(self, i: usize) -> f32 {
            self.0[i]
        }
        #[inline(always)]
        fn map2(self, o: Self, f: impl Fn(f32, f32) -> f32) -> Self {
            F32x4([f(self.0[0], o.0[0]), f(self.0[1], o.0[1]), f(self.0[2], o.0[2]), f(self.0[3], o.0[3])])
        }
    }
}

pub use imp::F32x4;

// ---- scalar twins and elementary functions -------------------------------------------------------------
//
// Kernels process whole vectors and then a scalar tail; for an element's bits not to depend on where it falls,
// the tail must do exactly the vector's arithmetic. These scalar functions are those twins: same operations,
// same order, and the tests below check them bit for bit against the vector versions.

/// `acc + a*b` rounded exactly as one lane of [`F32x4::mul_add`]: for a scalar tail whose elements must not
/// differ from those a vector loop computes (on the relaxed-SIMD build only the engine knows whether the
/// vector op fuses, so the tail runs that same instruction on one lane).
#[inline(always)]
pub fn mul_add_lane(acc: f32, a: f32, b: f32) -> f32 {
    if cfg!(all(target_arch = "wasm32", target_feature = "relaxed-simd")) {
        F32x4::splat(acc).mul_add(F32x4::splat(a), F32x4::splat(b)).lane(0)
    } else {
        acc + a * b
    }
}

// With relaxed SIMD enabled, LLVM 22 (rustc 1.96) emits a compare-and-select it recognises as pmax/pmin,
// including ones it vectorises from scalar code, as `f32x4.relaxed_max`/`relaxed_min` (llvm-project#164486;
// later LLVM checks for NaN and signed zero first), which may drop a NaN: on V8/x86 a NaN logit vanished from
// the cross-entropy. The relaxed build therefore spells both as `i32x4.relaxed_laneselect` of a compare,
// vector and scalar alike. With a compare's all-ones/all-zeros lanes as the mask, laneselect is exactly
// `v128.bitselect` on every engine, and V8 emits one blend for it instead of bitselect's three logic ops.
// Still one instruction more than pmax, and a blend is several µops on recent Intel cores: where the NaN can be
// restored later, the relaxed build uses the relaxed instructions after all (`max_fast`, `clamp_keep_nan`:
// exp's clamp and the running max before it), which took cross-entropy from 0.71× to 0.94× the SIMD128
// build's speed on a Xeon and attention's forward from 1.05× to 1.15×. The SIMD128 build keeps pmax/pmin.

/// `if a < b { b } else { a }` (wasm's `f32x4.pmax` per lane): keeps a NaN in `a`.
#[inline(always)]
pub fn max_keep_nan(a: f32, b: f32) -> f32 {
    if cfg!(all(target_arch = "wasm32", target_feature = "relaxed-simd")) {
        F32x4::splat(a).max_keep_nan(F32x4::splat(b)).lane(0)
    } else if a < b {
        b
    } else {
        a
    }
}

/// `if b < a { b } else { a }` (wasm's `f32x4.pmin` per lane): keeps a NaN in `a`.
#[inline(always)]
pub fn min_keep_nan(a: f32, b: f32) -> f32 {
    if cfg!(all(target_arch = "wasm32", target_feature = "relaxed-simd")) {
        F32x4::splat(a).min_keep_nan(F32x4::splat(b)).lane(0)
    } else if b < a {
        b
    } else {
        a
    }
}

/// Scalar twin of [`F32x4::max_fast`] (the same instruction on one lane on the relaxed build).
#[inline(always)]
pub fn max_fast(a: f32, b: f32) -> f32 {
    if cfg!(all(target_arch = "wasm32", target_feature = "relaxed-simd")) {
        F32x4::splat(a).max_fast(F32x4::splat(b)).lane(0)
    } else {
        max_keep_nan(a, b)
    }
}

/// Scalar twin of [`F32x4::clamp_keep_nan`], bit for bit (NaN included).
#[inline(always)]
pub fn clamp_keep_nan(x: f32, lo: f32, hi: f32) -> f32 {
    if cfg!(all(target_arch = "wasm32", target_feature = "relaxed-simd")) {
        F32x4::splat(x).clamp_keep_nan(F32x4::splat(lo), F32x4::splat(hi)).lane(0)
    } else {
        min_keep_nan(max_keep_nan(x, lo), hi)
    }
}

/// 1.5·2^23: adding it to an integer-valued float n (|n| < 2^22) leaves `0x4B40_0000 + n` in its bits.
const EXP2_MAGIC: f32 = 12_582_912.0;
/// Turns those bits into the biased exponent n + 127.
const EXP2_BIAS: i32 = 127 - 0x4B40_0000;

/// `2^n` for an integer-valued `n` in [-126, 127] (same value as `F32x4::exp2_int`; for NaN n either gives
/// some scale, and the NaN in the other factor of exp's result wins).
#[inline(always)]
pub fn exp2_int_scalar(n: f32) -> f32 {
    f32::from_bits(((n as i32).wrapping_add(127) as u32) << 23)
}

// exp(x) = 2^n · e^r with n = round(x·log2 e) and r = x − n·ln 2 (ln 2 split in two so n·ln2_hi is exact),
// e^r from a degree-6 polynomial on |r| ≤ ln2/2 (Cephes' expf coefficients): ≈ 2 ulp. Inputs are clamped to
// [-87, 88] so 2^n stays a normal float; below -87 the result is e^-87 ≈ 1.6e-38 instead of smaller, which
// changes no softmax. NaN stays NaN.
const EXP_LO: f32 = -87.0;
const EXP_HI: f32 = 88.0;
const LOG2E: f32 = core::f32::consts::LOG2_E;
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;
const EXP_P: [f32; 6] = [1.987_569_1e-4, 1.398_2e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 5.000_000_1e-1];

/// e^x, vector form (see the note above).
#[inline(always)]
pub fn exp_f32x4(x: F32x4) -> F32x4 {
    let x = x.clamp_keep_nan(F32x4::splat(EXP_LO), F32x4::splat(EXP_HI));
    let n = x.mul(F32x4::splat(LOG2E)).round_ties_even();
    let r = x.sub(n.mul(F32x4::splat(LN2_HI))).sub(n.mul(F32x4::splat(LN2_LO)));
    let mut p = F32x4::splat(EXP_P[0]);
    for &c in &EXP_P[1..] {
        p = p.mul(r).add(F32x4::splat(c));
    }
    let e_r = p.mul(r.mul(r)).add(r).add(F32x4::splat(1.0));
    e_r.mul(n.exp2_int())
}

/// e^x, scalar twin of [`exp_f32x4`] (bitwise identical per lane).
#[inline(always)]
pub fn exp_scalar(x: f32) -> f32 {
    let x = clamp_keep_nan(x, EXP_LO, EXP_HI);
    let n = (x * LOG2E).round_ties_even();
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let mut p = EXP_P[0];
    for &c in &EXP_P[1..] {
        p = p * r + c;
    }
    let e_r = ((p * (r * r)) + r) + 1.0;
    e_r * exp2_int_scalar(n)
}

// 2^x = 2^n · 2^r with n = round(x) and r = x − n ∈ [−½, ½] (exact), 2^r from a degree-5 polynomial with
// constant term 1 fitted to minimise the relative error on that interval (≈ 1.9e-7 evaluated in float32, so
// 2^0 = 1 exactly). Four operations fewer than `exp_f32x4`: no range reduction by ln 2. Inputs are clamped to
// [−127, 127]; at −127 the power 2^n is 0 (biased exponent 0), so anything below −126.5 (a masked score,
// −∞) comes out exactly 0. NaN stays NaN.
const EXP2_LO: f32 = -127.0;
const EXP2_HI: f32 = 127.0;
const EXP2_P: [f32; 5] = [1.326_472_7e-3, 9.671_513e-3, 5.550_733_6e-2, 2.402_224_2e-1, 6.931_47e-1];

/// 2^x, vector form (see the note above). Softmax kernels that fold log2(e) into their scores use it
/// instead of [`exp_f32x4`].
#[inline(always)]
pub fn exp2_f32x4(x: F32x4) -> F32x4 {
    let x = x.clamp_keep_nan(F32x4::splat(EXP2_LO), F32x4::splat(EXP2_HI));
    let n = x.round_ties_even();
    let r = x.sub(n);
    let mut p = F32x4::splat(EXP2_P[0]);
    for &c in &EXP2_P[1..] {
        p = p.mul(r).add(F32x4::splat(c));
    }
    p.mul(r).add(F32x4::splat(1.0)).mul(n.exp2_int())
}

/// 2^x, scalar twin of [`exp2_f32x4`] (bitwise identical per lane).
#[inline(always)]
pub fn exp2_scalar(x: f32) -> f32 {
    let x = clamp_keep_nan(x, EXP2_LO, EXP2_HI);
    let n = x.round_ties_even();
    let r = x - n;
    let mut p = EXP2_P[0];
    for &c in &EXP2_P[1..] {
        p = p * r + c;
    }
    (p * r + 1.0) * exp2_int_scalar(n)
}

/// 2·log2(e): e^{2u} = 2^{u·TWO_LOG2E}.
const TWO_LOG2E: f32 = 2.0 * LOG2E;

/// tanh(u) = 1 − 2 / (e^{2u} + 1) with e^{2u} as 2^{2u·log2 e}, vector form (absolute error ≈ 1e-7; exactly
/// ±1 beyond |u| ≈ 44, where 2^x saturates at 2^127 or 0).
#[inline(always)]
pub fn tanh_f32x4(u: F32x4) -> F32x4 {
    let e = exp2_f32x4(u.mul(F32x4::splat(TWO_LOG2E)));
    F32x4::splat(1.0).sub(F32x4::splat(2.0).div(e.add(F32x4::splat(1.0))))
}

/// Scalar twin of [`tanh_f32x4`].
#[inline(always)]
pub fn tanh_scalar(u: f32) -> f32 {
    let e = exp2_scalar(u * TWO_LOG2E);
    1.0 - 2.0 / (e + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vec_of(f: impl Fn(F32x4) -> F32x4, x: f32) -> f32 {
        f(F32x4::splat(x)).lane(2)
    }

    #[test]
    fn transpose4_swaps_rows_and_columns() {
        let m: [F32x4; 4] = core::array::from_fn(|i| {
            let row: [f32; 4] = core::array::from_fn(|j| (10 * i + j) as f32);
            unsafe { F32x4::load(row.as_ptr()) }
        });
        let t = F32x4::transpose4(m);
        for i in 0..4 {
            for j in 0..4 {
                assert_eq!(t[j].lane(i), (10 * i + j) as f32);
            }
        }
    }

    #[test]
    fn scalar_twins_match_vectors_bit_for_bit() {
        let mut x = -100.0f32;
        while x < 100.0 {
            assert_eq!(vec_of(exp_f32x4, x).to_bits(), exp_scalar(x).to_bits(), "exp({x})");
            assert_eq!(vec_of(tanh_f32x4, x).to_bits(), tanh_scalar(x).to_bits(), "tanh({x})");
            assert_eq!(vec_of(exp2_f32x4, x).to_bits(), exp2_scalar(x).to_bits(), "exp2({x})");
            x += 0.0137;
        }
        assert!(exp_scalar(f32::NAN).is_nan() && vec_of(exp_f32x4, f32::NAN).is_nan());
        assert!(exp2_scalar(f32::NAN).is_nan() && tanh_scalar(f32::NAN).is_nan());
    }

    #[test]
    fn exp_exp2_and_tanh_are_accurate() {
        let mut x = -80.0f32;
        while x < 80.0 {
            let want = (x as f64).exp();
            let got = exp_scalar(x) as f64;
            assert!(((got - want) / want).abs() < 4.0 * f32::EPSILON as f64, "exp({x}) = {got}, want {want}");
            let t = tanh_scalar(x) as f64;
            assert!((t - (x as f64).tanh()).abs() < 2e-7, "tanh({x}) = {t}");
            x += 0.0731;
        }
        assert_eq!(exp_scalar(-1000.0), exp_scalar(-87.0));
        let mut x = -126.0f32;
        while x < 127.0 {
            let want = (x as f64).exp2();
            let got = vec_of(exp2_f32x4, x) as f64;
            assert!(((got - want) / want).abs() < 2.0 * f32::EPSILON as f64, "exp2({x}) = {got}, want {want}");
            x += 0.0173;
        }
        assert_eq!(vec_of(exp2_f32x4, 0.0), 1.0);
        assert_eq!(vec_of(exp2_f32x4, -126.75), 0.0);
        assert_eq!(vec_of(exp2_f32x4, f32::NEG_INFINITY), 0.0);
        assert!(vec_of(exp2_f32x4, f32::NAN).is_nan());
        assert_eq!(tanh_scalar(50.0), 1.0);
        assert_eq!(tanh_scalar(-50.0), -1.0);
    }
}
