//! SIMD128 peak probe: the best f32x4 multiply+add throughput this engine gives one core, with everything in
//! registers. Benchmarks report GEMM rates as a fraction of it, which compares across noisy machines.

use crate::simd::F32x4;

/// Accumulators in flight: enough to hide add latency, few enough not to spill 16 vector registers.
pub const PEAK_ACCUMULATORS: usize = 12;

/// Runs `iters` rounds of `acc = acc·s + x` on [`PEAK_ACCUMULATORS`] independent vectors (one mul and one
/// add each, like the GEMM kernel) and returns a value depending on all of them so nothing is optimised
/// away. Flops performed: `iters · PEAK_ACCUMULATORS · 8`. The accumulators start apart (so no two chains can
/// be merged) and share one addend: 12 + 2 live vectors fit V8's 16 xmm registers, where an addend per
/// accumulator (24 + 1) spilled and measured less than half the peak (21.7 vs 50.6 GFLOP/s on a Zen 5).
pub fn simd_peak(iters: u32, s: f32) -> f32 {
    let mut acc: [F32x4; PEAK_ACCUMULATORS] = core::array::from_fn(|i| F32x4::splat(1e-3 * (i as f32 + 1.0)));
    let x = F32x4::splat(1e-3);
    let sv = F32x4::splat(s);
    for _ in 0..iters {
        for a in acc.iter_mut() {
            *a = a.mul(sv).add(x);
        }
    }
    acc.iter().fold(F32x4::zero(), |t, v| t.add(*v)).reduce_sum()
}
