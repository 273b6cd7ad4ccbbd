//! The small-M path: with fewer than `SMALL_M` rows each element of B is used at most 3 times, so packing B
//! would cost more than it saves. Each row of C is a matrix-vector product read straight from B. This is the
//! decode-time shape (one token × weights), bound by how fast B streams from memory, not by arithmetic.
//! Every element is reduced in a fixed order (sequential in p for B untransposed; 8 interleaved lanes, then a
//! fixed tree, then the tail, for B transposed), independent of the task split.

use super::kernel::{epilogue_scalar, epilogue_vec};
use super::params::GEMV_NB;
use crate::simd::F32x4;

/// Columns handled per register block when B is not transposed: 8 accumulators.
const W: usize = 32;
/// Rows of B consumed per sweep: PB row streams read side by side, contiguous along the columns.
const PB: usize = 16;

/// `c[j] ← α·Σ_p a[p·inc_a]·B[p, j] + β·c[j]` for `j` in `j0..j1` (B untransposed, row stride `ldb`),
/// with `j1 - j0 ≤ GEMV_NB`.
///
/// B is swept PB rows at a time along the whole column range (so memory is read in long contiguous runs, not
/// one 128-byte piece per row), with running sums kept in a small buffer. Each sum still adds its terms in
/// order p = 0, 1, 2, ..., so the result does not depend on PB or on the column split.
///
/// # Safety
/// `a` valid for `kk` strided reads, `b` covers `kk` rows of stride `ldb` up to column `j1`, `c` up to `j1`.
#[inline(never)] // see the note on `sgemm_ukernel_packed`
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
    let width = j1 - j0;
    debug_assert!(width <= GEMV_NB);
    let mut sums = [0.0f32; GEMV_NB];
    let acc = sums.as_mut_ptr();
    let mut p0 = 0;
    while p0 < kk {
        let pb = PB.min(kk - p0);
        let mut av = [0.0f32; PB];
        for q in 0..pb {
            av[q] = *a.add((p0 + q) * inc_a);
        }
        let rows = b.add(p0 * ldb + j0);
        let mut j = 0;
        while j + W <= width {
            let mut r = [F32x4::zero(); W / 4];
            for v in 0..W / 4 {
                r[v] = F32x4::load(acc.add(j + 4 * v));
            }
            for q in 0..pb {
                let s = F32x4::splat(av[q]);
                let row = rows.add(q * ldb + j);
                for v in 0..W / 4 {
                    r[v] = r[v].mul_add(s, F32x4::load(row.add(4 * v)));
                }
            }
            for v in 0..W / 4 {
                r[v].store(acc.add(j + 4 * v));
            }
            j += W;
        }
        while j + 4 <= width {
            let mut r = F32x4::load(acc.add(j));
            for q in 0..pb {
                r = r.mul_add(F32x4::splat(av[q]), F32x4::load(rows.add(q * ldb + j)));
            }
            r.store(acc.add(j));
            j += 4;
        }
        while j < width {
            let mut x = *acc.add(j);
            for q in 0..pb {
                x += av[q] * *rows.add(q * ldb + j);
            }
            *acc.add(j) = x;
            j += 1;
        }
        p0 += pb;
    }
    let mut j = 0;
    while j + 4 <= width {
        let dst = c.add(j0 + j);
        epilogue_vec(F32x4::load(acc.add(j)), alpha, beta, dst).store(dst);
        j += 4;
    }
    while j < width {
        let dst = c.add(j0 + j);
        *dst = epilogue_scalar(*acc.add(j), alpha, beta, dst);
        j += 1;
    }
}

/// `c[j] ← α·dot(a, B[j, :]) + β·c[j]` for `j` in `j0..j1` (B transposed: row `j` of B is column `j` of
/// op(B)); `a` contiguous.
///
/// # Safety
/// `a` valid for `kk` reads, `b` covers rows `j0..j1` of stride `ldb` and length `kk`, `c` up to `j1`.
#[inline(never)]
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
