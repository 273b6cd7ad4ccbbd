//! SIMD128 peak probe: the best f32x4 multiply+add throughput this engine gives one core, with everything in
//! registers. Benchmarks report GEMM rates as a fraction of it, which compares across noisy machines.

use crate::simd::F32x4;

/// Accumulators in flight: enough to hide add latency, few enough not to spill 16 vector registers.
pub const PEAK_ACCUMULATORS: usize = 12;

/// Runs `iters` rounds of `acc = acc·s + x` on [`PEAK_ACCUMULATORS`] independent vectors (one mul and one
/// add each, like the GEMM kernel) and returns a value depending on all of them so nothing is optimised
/// away. Flops performed: `iters · PEAK_ACCUMULATORS · 8`.
pub fn simd_peak(iters: u32, s: f32) -> f32 {
    let mut acc = [F32x4::zero(); PEAK_ACCUMULATORS];
    let mut x = [F32x4::zero(); PEAK_ACCUMULATORS];
    for (i, xi) in x.iter_mut().enumerate() {
        *xi = F32x4::splat(1e-3 * (i as f32 + 1.0));
    }
    let sv = F32x4::splat(s);
    for _ in 0..iters {
        for i in 0..PEAK_ACCUMULATORS {
            acc[i] = acc[i].mul(sv).add(x[i]);
        }
    }
    acc.iter().fold(F32x4::zero(), |t, v| t.add(*v)).reduce_sum()
}
