//! The small-M path: with fewer than `SMALL_M` rows each element of B is used at most 3 times, so packing B
//! would cost more than it saves. Each row of C is a matrix-vector product read straight from B. This is the
//! decode-time shape (one token × weights), bound by how fast B streams from memory, not by arithmetic, so
//! both kernels are built around the access pattern the hardware prefetchers follow best: as few concurrent
//! streams as possible, each long and sequential.
//!
//! Every element is reduced in a fixed order that depends neither on the column split nor on how many rows
//! are computed together (for B untransposed, sequential in p within each KC-deep slab, the
//! caller adding up the slabs in order as the packed path does; 4 interleaved lanes, a fixed tree, then the
//! tail, for B transposed), so results do not depend on the thread count.

use super::kernel::epilogue_scalar;
use crate::simd::{mul_add_lane, F32x4};

/// Columns handled per register block when B is not transposed: 2 accumulators. V8 issues a loop body's
/// loads before its arithmetic, so the PB·W/4 vectors of B, W/4 sums and PB broadcasts of A are all live at
/// once and must fit 15 registers: 8 + 2 + 4 here, where 32 columns (40) spilled and ran 1.15–1.3× slower.
const W: usize = 8;
/// Rows of B consumed per sweep when B is not transposed: PB row streams read side by side.
const PB: usize = 4;
/// Columns per sweep when B is not transposed: each of the PB rows is read in runs this long (256 KiB), and
/// the running sums (as many) stay in L2. From memory the run length is what counts: 1·768·50257 (the LM head
/// in the peers' layout) ran 1.45–1.6× faster with 64 Ki columns than with the 4 Ki that kept the sums in L1,
/// and 32 Ki 0.93× of 64 Ki (Zen 5, same process).
pub const CB: usize = 1 << 16;

/// `sums[j] ← Σ_p a[p·inc_a]·B[p, j]` for `j` in `j0..j1` (B untransposed, row stride `ldb`), the terms added
/// to zero in order p = 0, 1, 2, ... (the chain the packed kernels form; the caller applies α and β).
///
/// B is swept PB rows at a time along up to CB columns: PB long sequential runs side by side, the sums of the
/// run loaded and stored once per PB rows.
///
/// # Safety
/// `a` valid for `kk` strided reads, `b` covers `kk` rows of stride `ldb` up to column `j1`, `sums` valid for
/// reads and writes at `j0..j1`.
#[inline(never)] // see the note on `sgemm_ukernel_packed`
pub unsafe fn gemv_row_bn(kk: usize, a: *const f32, inc_a: usize, b: *const f32, ldb: usize, sums: *mut f32, j0: usize, j1: usize) {
    let mut c0 = j0;
    while c0 < j1 {
        let c1 = j1.min(c0 + CB);
        core::ptr::write_bytes(sums.add(c0), 0, c1 - c0);
        let mut p0 = 0;
        while p0 + PB <= kk {
            sweep_rows::<PB>(a.add(p0 * inc_a), inc_a, b.add(p0 * ldb), ldb, sums, c0, c1);
            p0 += PB;
        }
        while p0 < kk {
            sweep_rows::<1>(a.add(p0 * inc_a), inc_a, b.add(p0 * ldb), ldb, sums, c0, c1);
            p0 += 1;
        }
        c0 = c1;
    }
}

/// `sums[j] += a[q·inc_a]·B[q, j]` for q = 0..P in order, j in `c0..c1`. P is a constant so that the row loop
/// unrolls with no exit tests: with P a run-time count (≤ PB) V8 kept a compare and branch per row in the
/// column loop and the kernel ran at ~0.8× the dot-product form's speed from L3.
#[inline(always)]
unsafe fn sweep_rows<const P: usize>(a: *const f32, inc_a: usize, rows: *const f32, ldb: usize, sums: *mut f32, c0: usize, c1: usize) {
    let av: [F32x4; P] = core::array::from_fn(|q| F32x4::splat(*a.add(q * inc_a)));
    let row: [*const f32; P] = core::array::from_fn(|q| rows.add(q * ldb));
    let mut j = c0;
    while j + W <= c1 {
        let mut r = [F32x4::zero(); W / 4];
        for v in 0..W / 4 {
            r[v] = F32x4::load(sums.add(j + 4 * v));
        }
        for q in 0..P {
            for v in 0..W / 4 {
                r[v] = r[v].mul_add(av[q], F32x4::load(row[q].add(j + 4 * v)));
            }
        }
        for v in 0..W / 4 {
            r[v].store(sums.add(j + 4 * v));
        }
        j += W;
    }
    while j + 4 <= c1 {
        let mut r = F32x4::load(sums.add(j));
        for q in 0..P {
            r = r.mul_add(av[q], F32x4::load(row[q].add(j)));
        }
        r.store(sums.add(j));
        j += 4;
    }
    while j < c1 {
        let mut x = *sums.add(j);
        for q in 0..P {
            x = mul_add_lane(x, *a.add(q * inc_a), *row[q].add(j));
        }
        *sums.add(j) = x;
        j += 1;
    }
}

/// Rows of B a one-row [`gemv_bt`] (decode) reads side by side. Plain SIMD128 is bound by issuing loads,
/// multiplies and adds, and 4 streams (4 + 1 + 4 + 1 product temporary = 10 registers) run as fast as 6.
/// With relaxed SIMD each step is one fused multiply-add whose result the next step waits for (4 cycles on
/// current x86): 7 independent sums (7 + 1 + 7 = 15 registers) ran 1.27× faster than 4 from L3 (Zen 5).
#[cfg(target_feature = "relaxed-simd")]
pub const ONE_ROW_STREAMS: usize = 7;
#[cfg(not(target_feature = "relaxed-simd"))]
pub const ONE_ROW_STREAMS: usize = 4;

/// `C[i, j] ← α·dot(A[i, :], B[j, :]) + β·C[i, j]` for the ROWS rows of A (row stride `lda`, contiguous
/// along K) and `j` in `j0..j1` (B transposed: row `j` of B is column `j` of op(B)); C has row stride `ldc`.
///
/// The band is cut into S equal parts and one row of B from each part is read side by side, so every
/// vector of A loaded serves S rows of B and every vector of B serves all ROWS rows of A: B is read once, in
/// S sequential streams. One step holds S vectors of B, ROWS of A and S·ROWS accumulators; V8 issues a
/// loop body's loads before its arithmetic, so all of them are live at once and must fit its 15 usable
/// vector registers (two streams of four vectors each, the previous kernel, needed 20 and ran at ~60% of
/// this one's speed from spills).
///
/// The arithmetic of one output is the same for every ROWS, S and band: 4 lanes accumulate `p ≡ lane
/// (mod 4)` in order of p, the lanes are added as ((l0 + l1) + (l2 + l3)), then the tail terms in order.
/// So results do not depend on the thread count, on how many rows of A come together, or on S.
///
/// # Safety
/// `a` valid for ROWS rows of `kk` reads, `b` covers rows `j0..j1` of stride `ldb` and length `kk`, `c`
/// covers ROWS rows up to column `j1`.
#[inline(never)] // see the note on `sgemm_ukernel_packed`
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemv_bt<const ROWS: usize, const S: usize>(
    kk: usize,
    alpha: f32,
    a: *const f32,
    lda: usize,
    b: *const f32,
    ldb: usize,
    beta: f32,
    c: *mut f32,
    ldc: usize,
    j0: usize,
    j1: usize,
) {
    let k4 = kk - kk % 4;
    let part = (j1 - j0) / S;
    for j in j0..j0 + part {
        let rows: [*const f32; S] = core::array::from_fn(|s| b.add((j + s * part) * ldb));
        let mut acc = [[F32x4::zero(); S]; ROWS];
        let mut p = 0;
        while p < k4 {
            let bv: [F32x4; S] = core::array::from_fn(|s| F32x4::load(rows[s].add(p)));
            for i in 0..ROWS {
                let av = F32x4::load(a.add(i * lda + p));
                for s in 0..S {
                    acc[i][s] = acc[i][s].mul_add(av, bv[s]);
                }
            }
            p += 4;
        }
        for i in 0..ROWS {
            let ar = a.add(i * lda);
            for s in 0..S {
                let mut sum = acc[i][s].reduce_sum();
                for q in k4..kk {
                    sum += *ar.add(q) * *rows[s].add(q);
                }
                let dst = c.add(i * ldc + j + s * part);
                *dst = epilogue_scalar(sum, alpha, beta, dst);
            }
        }
    }
    // The rows left over when the band does not split evenly, one stream.
    let done = j0 + S * part;
    if S > 1 && done < j1 {
        gemv_bt::<ROWS, 1>(kk, alpha, a, lda, b, ldb, beta, c, ldc, done, j1);
    }
}
