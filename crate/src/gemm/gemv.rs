//! The small-M path: with fewer than `SMALL_M` rows each element of B is used at most 3 times, so packing B
//! would cost more than it saves. Each row of C is a matrix-vector product read straight from B. This is the
//! decode-time shape (one token × weights), bound by how fast B streams from memory, not by arithmetic, so
//! both kernels are built around the access pattern the hardware prefetchers follow best: as few concurrent
//! streams as possible, each long and sequential.
//!
//! Every element is reduced in a fixed order that depends neither on the column split nor on how many rows
//! are computed together (sequential in p for B untransposed; 16 interleaved lanes, a fixed tree, then the
//! tail, for B transposed), so results do not depend on the thread count.

use super::kernel::{epilogue_scalar, epilogue_vec};
use crate::simd::{mul_add_lane, F32x4};
use core::mem::MaybeUninit;

/// Columns handled per register block when B is not transposed: 8 accumulators.
const W: usize = 32;
/// Rows of B consumed per sweep when B is not transposed: PB row streams read side by side.
const PB: usize = 4;
/// Running sums kept per sweep (16 KiB, L1): long enough row pieces for the prefetcher, short enough to stay.
const CB: usize = 4096;

/// `c[j] ← α·Σ_p a[p·inc_a]·B[p, j] + β·c[j]` for `j` in `j0..j1` (B untransposed, row stride `ldb`).
///
/// The columns are cut into CB-wide blocks; in each, B is swept PB rows at a time along the whole block (PB
/// contiguous 16 KiB runs side by side), with the running sums in a stack buffer. Each sum still adds its
/// terms in order p = 0, 1, 2, ..., so the result does not depend on PB, CB or the column split.
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
    // Uninitialised: only the `width` sums in use are zeroed (the kv-cache calls this with tiny widths).
    let mut sums = MaybeUninit::<[f32; CB]>::uninit();
    let acc = sums.as_mut_ptr() as *mut f32;
    let mut c0 = j0;
    while c0 < j1 {
        let width = CB.min(j1 - c0);
        core::ptr::write_bytes(acc, 0, width);
        let mut p0 = 0;
        while p0 < kk {
            let pb = PB.min(kk - p0);
            let mut av = [0.0f32; PB];
            for q in 0..pb {
                av[q] = *a.add((p0 + q) * inc_a);
            }
            let rows = b.add(p0 * ldb + c0);
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
                    x = mul_add_lane(x, av[q], *rows.add(q * ldb + j));
                }
                *acc.add(j) = x;
                j += 1;
            }
            p0 += pb;
        }
        let mut j = 0;
        while j + 4 <= width {
            let dst = c.add(c0 + j);
            epilogue_vec(F32x4::load(acc.add(j)), alpha, beta, dst).store(dst);
            j += 4;
        }
        while j < width {
            let dst = c.add(c0 + j);
            *dst = epilogue_scalar(*acc.add(j), alpha, beta, dst);
            j += 1;
        }
        c0 += width;
    }
}

/// `C[i, j] ← α·dot(A[i, :], B[j, :]) + β·C[i, j]` for the ROWS rows of A (row stride `lda`, contiguous
/// along K) and `j` in `j0..j1` (B transposed: row `j` of B is column `j` of op(B)); C has row stride `ldc`.
///
/// B is read one row at a time, front to back: the whole task is a single sequential stream, which the
/// prefetcher follows at full memory bandwidth (reading 4 or 8 rows side by side, as short interleaved
/// streams, ran at half the rate on the LM head). All ROWS rows of A use each loaded vector of B, so B is
/// read once however many rows there are. A row's dot product is the same arithmetic for any ROWS: 16 lanes
/// (4 vectors × 4) accumulate `p ≡ lane (mod 16)`, the vectors are added as ((v0 + v1) + (v2 + v3)), the
/// lanes as ((l0 + l1) + (l2 + l3)), then the tail terms in order.
///
/// # Safety
/// `a` valid for ROWS rows of `kk` reads, `b` covers rows `j0..j1` of stride `ldb` and length `kk`, `c`
/// covers ROWS rows up to column `j1`.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn gemv_rows_bt<const ROWS: usize>(
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
    const V: usize = 4;
    let k16 = kk - kk % (4 * V);
    for j in j0..j1 {
        let br = b.add(j * ldb);
        let mut acc = [[F32x4::zero(); V]; ROWS];
        let mut p = 0;
        while p < k16 {
            let bv: [F32x4; V] = core::array::from_fn(|v| F32x4::load(br.add(p + 4 * v)));
            for i in 0..ROWS {
                let ar = a.add(i * lda + p);
                for v in 0..V {
                    acc[i][v] = acc[i][v].mul_add(F32x4::load(ar.add(4 * v)), bv[v]);
                }
            }
            p += 4 * V;
        }
        for i in 0..ROWS {
            let [v0, v1, v2, v3] = acc[i];
            let mut s = v0.add(v1).add(v2.add(v3)).reduce_sum();
            let ar = a.add(i * lda);
            for q in k16..kk {
                s += *ar.add(q) * *br.add(q);
            }
            let dst = c.add(i * ldc + j);
            *dst = epilogue_scalar(s, alpha, beta, dst);
        }
    }
}

/// [`gemv_rows_bt`] for one row of A (decode), reading two rows of B at once from the two halves of the band:
/// two sequential streams keep more memory requests in flight than one, and each loaded vector of A serves
/// both. Weights too large for the last-level cache (every matrix of a decode step, which cycles through all
/// of them) stream ~7–10% faster this way; a matrix that stays in cache loses some, which decode never sees.
/// Each output is the same arithmetic as `gemv_rows_bt::<1>` (same lanes, same tree, same tail), so results
/// are identical to it bit for bit, whatever the band.
///
/// # Safety
/// As [`gemv_rows_bt`] with ROWS = 1.
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
    const V: usize = 4;
    let k16 = kk - kk % (4 * V);
    let half = (j1 - j0) / 2;
    let finish = |acc: [F32x4; V], br: *const f32, j: usize| {
        let [v0, v1, v2, v3] = acc;
        let mut s = v0.add(v1).add(v2.add(v3)).reduce_sum();
        for q in k16..kk {
            s += *a.add(q) * *br.add(q);
        }
        let dst = c.add(j);
        *dst = epilogue_scalar(s, alpha, beta, dst);
    };
    for j in j0..j0 + half {
        let (bx, by) = (b.add(j * ldb), b.add((j + half) * ldb));
        let mut x = [F32x4::zero(); V];
        let mut y = [F32x4::zero(); V];
        let mut p = 0;
        while p < k16 {
            for v in 0..V {
                let av = F32x4::load(a.add(p + 4 * v));
                x[v] = x[v].mul_add(av, F32x4::load(bx.add(p + 4 * v)));
                y[v] = y[v].mul_add(av, F32x4::load(by.add(p + 4 * v)));
            }
            p += 4 * V;
        }
        finish(x, bx, j);
        finish(y, by, j + half);
    }
    if (j1 - j0) % 2 == 1 {
        gemv_rows_bt::<1>(kk, alpha, a, 0, b, ldb, beta, c, 0, j1 - 1, j1);
    }
}
