//! Packing: copy a block of op(A) or op(B) into the order the micro-kernel reads it, so the kernel's inner loop
//! is two contiguous streams whatever the transposes and strides were. Rows/columns past the edge are zero,
//! which lets edge tiles run the full-size kernel (their extra results are simply not stored).

//! Both are generic in the tile shape (MR rows of A, NR columns of B per sliver); see super::select.

use crate::simd::F32x4;

/// Packs rows `i0..i0+MR` (clipped at `m`) and depth `p0..p0+kc` of op(A) into `dst` (MR·kc floats):
/// `dst[p*MR + r] = op(A)[i0 + r, p0 + p]`. MR is 2, 4 or 6 (whole or half f32x4 groups of rows).
///
/// # Safety
/// `a` must cover op(A) (M×K) with row stride `lda`; `dst` must be valid for MR·kc writes.
#[inline(never)] // see the note on `sgemm_ukernel_packed`: small, frequently called functions get optimised in workers
#[allow(clippy::too_many_arguments)]
pub unsafe fn pack_a_panel<const MR: usize>(
    dst: *mut f32,
    a: *const f32,
    lda: usize,
    trans_a: bool,
    m: usize,
    i0: usize,
    p0: usize,
    kc: usize,
) {
    let rows = MR.min(m - i0);
    if trans_a {
        // op(A)[i, p] = A[p, i]: each depth step is a contiguous run of rows.
        for p in 0..kc {
            let src = a.add((p0 + p) * lda + i0);
            let d = dst.add(p * MR);
            for r in 0..rows {
                *d.add(r) = *src.add(r);
            }
            for r in rows..MR {
                *d.add(r) = 0.0;
            }
        }
    } else if rows == MR {
        // Whole sliver: 4 depth steps at a time through registers (rows in groups of 4, the last group of 6
        // or 2 rows zero-padded and stored as its low halves) instead of MR·4 strided scalar stores.
        const { assert!(MR % 2 == 0 && MR <= 8) };
        let src: [*const f32; MR] = core::array::from_fn(|r| a.add((i0 + r) * lda + p0));
        let kc4 = kc - kc % 4;
        let mut p = 0;
        while p < kc4 {
            let mut g = 0;
            while g < MR {
                let width = 4.min(MR - g);
                let cols = F32x4::transpose4(core::array::from_fn(|r| {
                    if r < width { F32x4::load(src[g + r].add(p)) } else { F32x4::zero() }
                }));
                for k in 0..4 {
                    let d = dst.add((p + k) * MR + g);
                    if width == 4 { cols[k].store(d) } else { cols[k].store_lo2(d) }
                }
                g += 4;
            }
            p += 4;
        }
        for p in kc4..kc {
            for r in 0..MR {
                *dst.add(p * MR + r) = *src[r].add(p);
            }
        }
    } else {
        for r in 0..MR {
            if r < rows {
                let src = a.add((i0 + r) * lda + p0);
                for p in 0..kc {
                    *dst.add(p * MR + r) = *src.add(p);
                }
            } else {
                for p in 0..kc {
                    *dst.add(p * MR + r) = 0.0;
                }
            }
        }
    }
}

/// Packs columns `j0..j0+NR` (clipped at `n`) and depth `p0..p0+kc` of op(B) into `dst` (NR·kc floats):
/// `dst[p*NR + c] = op(B)[p0 + p, j0 + c]`.
///
/// # Safety
/// `b` must cover op(B) (K×N) with row stride `ldb`; `dst` must be valid for NR·kc writes.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn pack_b_panel<const NR: usize>(
    dst: *mut f32,
    b: *const f32,
    ldb: usize,
    trans_b: bool,
    n: usize,
    j0: usize,
    p0: usize,
    kc: usize,
) {
    let cols = NR.min(n - j0);
    if trans_b && cols == NR {
        // op(B)[p, j] = B[j, p], whole panel: 4 depth steps × 4 columns at a time through a register transpose.
        let kc4 = kc - kc % 4;
        for half in 0..NR / 4 {
            let src: [*const f32; 4] = core::array::from_fn(|c| b.add((j0 + 4 * half + c) * ldb + p0));
            let mut p = 0;
            while p < kc4 {
                let cols4 = F32x4::transpose4(core::array::from_fn(|c| F32x4::load(src[c].add(p))));
                for (k, v) in cols4.iter().enumerate() {
                    v.store(dst.add((p + k) * NR + 4 * half));
                }
                p += 4;
            }
            for p in kc4..kc {
                for c in 0..4 {
                    *dst.add(p * NR + 4 * half + c) = *src[c].add(p);
                }
            }
        }
    } else if trans_b {
        // op(B)[p, j] = B[j, p]: read each source row contiguously, scatter with stride NR.
        for c in 0..NR {
            if c < cols {
                let src = b.add((j0 + c) * ldb + p0);
                for p in 0..kc {
                    *dst.add(p * NR + c) = *src.add(p);
                }
            } else {
                for p in 0..kc {
                    *dst.add(p * NR + c) = 0.0;
                }
            }
        }
    } else if cols == NR {
        for p in 0..kc {
            core::ptr::copy_nonoverlapping(b.add((p0 + p) * ldb + j0), dst.add(p * NR), NR);
        }
    } else {
        for p in 0..kc {
            let src = b.add((p0 + p) * ldb + j0);
            let d = dst.add(p * NR);
            for c in 0..cols {
                *d.add(c) = *src.add(c);
            }
            for c in cols..NR {
                *d.add(c) = 0.0;
            }
        }
    }
}

/// Packs `width` columns of an untransposed B (`width` a multiple of NR, all inside B) starting at column `j0`,
/// depth `p0..p0+kc`, as `width / NR` consecutive slivers in [`pack_b_panel`]'s layout. Reads each row's piece
/// once, front to back, where sliver-by-sliver packing reads NR floats of every row per pass (with a row stride
/// that is a multiple of 4 KiB, those rows share a few L1 sets and the next pass finds them evicted).
///
/// # Safety
/// `b` must cover rows `p0..p0+kc` (row stride `ldb`) up to column `j0 + width`; `dst` valid for `width·kc` writes.
#[inline(never)]
pub unsafe fn pack_b_band<const NR: usize>(dst: *mut f32, b: *const f32, ldb: usize, j0: usize, width: usize, p0: usize, kc: usize) {
    debug_assert!(width % NR == 0);
    for p in 0..kc {
        let src = b.add((p0 + p) * ldb + j0);
        for q in 0..width / NR {
            core::ptr::copy_nonoverlapping(src.add(q * NR), dst.add(q * NR * kc + p * NR), NR);
        }
    }
}
