//! Packing: copy a block of op(A) or op(B) into the order the micro-kernel reads it, so the kernel's inner loop
//! is two contiguous streams whatever the transposes and strides were. Rows/columns past the edge are zero,
//! which lets edge tiles run the full-size kernel (their extra results are simply not stored).

use super::params::{MR, NR};

/// Packs rows `i0..i0+MR` (clipped at `m`) and depth `p0..p0+kc` of op(A) into `dst` (MR·kc floats):
/// `dst[p*MR + r] = op(A)[i0 + r, p0 + p]`.
///
/// # Safety
/// `a` must cover op(A) (M×K) with row stride `lda`; `dst` must be valid for MR·kc writes.
#[inline(never)] // see the note on `sgemm_ukernel_6x8`: small, frequently called functions get optimised in workers
#[allow(clippy::too_many_arguments)]
pub unsafe fn pack_a_panel(
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
pub unsafe fn pack_b_panel(
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
    if trans_b {
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
