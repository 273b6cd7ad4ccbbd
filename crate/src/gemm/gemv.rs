//! The small-M path: with fewer than `SMALL_M` rows each element of B is used at most 3 times, so packing B
//! would cost more than it saves. Each row of C is a matrix-vector product read straight from B. This is the
//! decode-time shape (one token × weights), bound by how fast B streams from memory, not by arithmetic.
//! Every element is reduced in a fixed order (sequential in p for B untransposed; 8 interleaved lanes, then a
//! fixed tree, then the tail, for B transposed), independent of the task split.

use super::kernel::{epilogue_scalar, epilogue_vec};
use crate::simd::F32x4;

/// Columns handled per register block when B is not transposed: 8 accumulators.
const W: usize = 32;

/// `c[j] ← α·Σ_p a[p·inc_a]·B[p, j] + β·c[j]` for `j` in `j0..j1` (B untransposed, row stride `ldb`).
///
/// # Safety
/// `a` valid for `kk` strided reads, `b` covers `kk` rows of stride `ldb` up to column `j1`, `c` up to `j1`.
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemv_row_bn(
    kk: usize,
    alpha: f32,
    a: *const f32,
    inc_a: usize,
    b: *const f32,
    ldb: usize,
    beta: f32,
    c: *mut f32,
    j0: usize,
    j1: usize,
) {
    let mut j = j0;
    while j + W <= j1 {
        let mut acc = [F32x4::zero(); W / 4];
        let mut row = b.add(j);
        for p in 0..kk {
            let av = F32x4::splat(*a.add(p * inc_a));
            for v in 0..W / 4 {
                acc[v] = acc[v].mul_add(av, F32x4::load(row.add(4 * v)));
            }
            row = row.add(ldb);
        }
        for v in 0..W / 4 {
            let dst = c.add(j + 4 * v);
            epilogue_vec(acc[v], alpha, beta, dst).store(dst);
        }
        j += W;
    }
    while j + 4 <= j1 {
        let mut acc = F32x4::zero();
        for p in 0..kk {
            acc = acc.mul_add(F32x4::splat(*a.add(p * inc_a)), F32x4::load(b.add(p * ldb + j)));
        }
        let dst = c.add(j);
        epilogue_vec(acc, alpha, beta, dst).store(dst);
        j += 4;
    }
    while j < j1 {
        let mut acc = 0.0f32;
        for p in 0..kk {
            acc += *a.add(p * inc_a) * *b.add(p * ldb + j);
        }
        let dst = c.add(j);
        *dst = epilogue_scalar(acc, alpha, beta, dst);
        j += 1;
    }
}

/// `c[j] ← α·dot(a, B[j, :]) + β·c[j]` for `j` in `j0..j1` (B transposed: row `j` of B is column `j` of
/// op(B)); `a` contiguous.
///
/// # Safety
/// `a` valid for `kk` reads, `b` covers rows `j0..j1` of stride `ldb` and length `kk`, `c` up to `j1`.
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemv_row_bt(
    kk: usize,
    alpha: f32,
    a: *const f32,
    b: *const f32,
    ldb: usize,
    beta: f32,
    c: *mut f32,
    j0: usize,
    j1: usize,
) {
    const R: usize = 4;
    let k8 = kk - kk % 8;
    let mut j = j0;
    while j < j1 {
        let rows = R.min(j1 - j);
        let mut lo = [F32x4::zero(); R];
        let mut hi = [F32x4::zero(); R];
        let mut p = 0;
        while p < k8 {
            let a_lo = F32x4::load(a.add(p));
            let a_hi = F32x4::load(a.add(p + 4));
            for r in 0..R {
                // Past-the-end rows reuse the last valid row: loads stay in bounds, results are discarded.
                let br = b.add((j + r.min(rows - 1)) * ldb + p);
                lo[r] = lo[r].mul_add(a_lo, F32x4::load(br));
                hi[r] = hi[r].mul_add(a_hi, F32x4::load(br.add(4)));
            }
            p += 8;
        }
        for r in 0..rows {
            let br = b.add((j + r) * ldb);
            let mut s = lo[r].add(hi[r]).reduce_sum();
            for q in k8..kk {
                s += *a.add(q) * *br.add(q);
            }
            let dst = c.add(j + r);
            *dst = epilogue_scalar(s, alpha, beta, dst);
        }
        j += rows;
    }
}
