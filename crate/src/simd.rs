//! The one SIMD vocabulary the kernels use: a 4-lane f32 vector with load/store/splat/add/mul.
//!
//! On wasm32 with `simd128` it is `v128`; everywhere else it is emulated lane by lane with the same
//! operations in the same order, so native `cargo test` exercises exactly the arithmetic the wasm build does
//! (wasm SIMD has no fused multiply-add, and neither does the emulation: results match bit for bit).

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
        /// `self + a*b` as two rounded operations (wasm SIMD128 has no FMA).
        #[inline(always)]
        pub fn mul_add(self, a: Self, b: Self) -> Self {
            self.add(a.mul(b))
        }
        /// Sum of lanes in the fixed order ((l0 + l1) + (l2 + l3)).
        #[inline(always)]
        pub fn reduce_sum(self) -> f32 {
            let l = self.0;
            (f32x4_extract_lane::<0>(l) + f32x4_extract_lane::<1>(l))
                + (f32x4_extract_lane::<2>(l) + f32x4_extract_lane::<3>(l))
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
    }
}

pub use imp::F32x4;
