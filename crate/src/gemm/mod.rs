//! Single-precision GEMM: `C ← α·op(A)·op(B) + β·C`, row-major, all four transpose combinations.
//!
//! Structure (Goto/BLIS): the reduction is cut into KC-deep slabs (LOOP 3); for each slab the whole of
//! op(A) is packed into MR-row slivers and a KC×NC block of op(B) into NR-column slivers (LOOP 2 over NC);
//! then the output is cut into MC×NB tasks run in parallel, each sweeping its B slivers (L1) over its A
//! slivers (L2) with the MR×NR micro-kernel (LOOP 1). Fewer than `SMALL_M` rows take the matrix-vector path.
//!
//! Determinism: every element of C is produced by the same sequence of operations whatever the thread count
//! (slabs are visited in order, tasks never split the reduction), so results are bitwise reproducible.
//! Packing buffers come from a [`Workspace`] that grows only when a larger problem arrives.

mod gemv;
mod kernel;
mod pack;
pub mod params;
pub mod reference;

use crate::par::{self, SendConstPtr, SendPtr};
use params::*;

pub use reference::sgemm_ref;

/// Scratch memory for packing, reused across calls.
#[derive(Default)]
pub struct Workspace {
    buf: Vec<f32>,
}

impl Workspace {
    pub const fn new() -> Self {
        Workspace { buf: Vec::new() }
    }

    fn reserve(&mut self, len: usize) -> *mut f32 {
        if self.buf.len() < len {
            self.buf = vec![0.0; len];
        }
        self.buf.as_mut_ptr()
    }
}

/// Floats of workspace a product of this shape needs.
pub fn workspace_len(m: usize, n: usize, k: usize, trans_a: bool) -> usize {
    if m == 0 || n == 0 || k == 0 {
        0
    } else if m < SMALL_M {
        if trans_a { m * k } else { 0 }
    } else {
        round_up(m, MR) * KC.min(k) + KC.min(k) * round_up(n.min(NC), NR)
    }
}

#[inline]
fn round_up(x: usize, to: usize) -> usize {
    x.div_ceil(to) * to
}

/// `C ← α·op(A)·op(B) + β·C`. op(A) is M×K (A is M×K with row stride `lda`, or K×M when `trans_a`),
/// op(B) is K×N (B is K×N with row stride `ldb`, or N×K when `trans_b`), C is M×N with row stride `ldc`.
/// When β = 0, C is not read. Runs in parallel when called inside a rayon pool and the product is large.
///
/// # Safety
/// The pointers must cover the matrices described; C must not overlap A or B.
#[allow(clippy::too_many_arguments)]
pub unsafe fn sgemm(
    ws: &mut Workspace,
    trans_a: bool,
    trans_b: bool,
    m: usize,
    n: usize,
    k: usize,
    alpha: f32,
    a: *const f32,
    lda: usize,
    b: *const f32,
    ldb: usize,
    beta: f32,
    c: *mut f32,
    ldc: usize,
) {
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 || alpha == 0.0 {
        scale_c(m, n, beta, c, ldc);
        return;
    }
    let parallel = m.saturating_mul(n).saturating_mul(k) >= PARALLEL_MIN_MACS;
    let run = |tasks: usize, f: &(dyn Fn(usize) + Sync)| {
        if parallel {
            par::for_each(tasks, f)
        } else {
            (0..tasks).for_each(f)
        }
    };
    let ws_ptr = ws.reserve(workspace_len(m, n, k, trans_a));
    let (a, b, c, ws_ptr) = (SendConstPtr(a), SendConstPtr(b), SendPtr(c), SendPtr(ws_ptr));

    if m < SMALL_M {
        if trans_a && trans_b {
            // The dot-product form wants rows of op(A) contiguous; with trans_a they are columns of A.
            for i in 0..m {
                for p in 0..k {
                    *ws_ptr.get().add(i * k + p) = *a.get().add(p * lda + i);
                }
            }
        }
        let col_tasks = n.div_ceil(GEMV_NB);
        run(m * col_tasks, &|t| {
            let (i, jt) = (t / col_tasks, t % col_tasks);
            let (j0, j1) = (jt * GEMV_NB, ((jt + 1) * GEMV_NB).min(n));
            let c_row = c.get().add(i * ldc);
            if trans_b {
                let a_row = if trans_a { ws_ptr.get().add(i * k) as *const f32 } else { a.get().add(i * lda) };
                gemv::gemv_row_bt(k, alpha, a_row, b.get(), ldb, beta, c_row, j0, j1);
            } else {
                let (a_row, inc) = if trans_a { (a.get().add(i), lda) } else { (a.get().add(i * lda), 1) };
                gemv::gemv_row_bn(k, alpha, a_row, inc, b.get(), ldb, beta, c_row, j0, j1);
            }
        });
        return;
    }

    let a_panels = m.div_ceil(MR);
    let row_tasks = m.div_ceil(MC);
    let ap = ws_ptr;
    let bp = SendPtr(ws_ptr.get().add(round_up(m, MR) * KC.min(k)));

    let mut p0 = 0;
    while p0 < k {
        let kc = KC.min(k - p0);
        let beta_slab = if p0 == 0 { beta } else { 1.0 };

        run(a_panels, &|panel| {
            pack::pack_a_panel(ap.get().add(panel * MR * kc), a.get(), lda, trans_a, m, panel * MR, p0, kc);
        });

        let mut j0 = 0;
        while j0 < n {
            let nc = NC.min(n - j0);
            let b_panels = nc.div_ceil(NR);
            run(b_panels, &|panel| {
                pack::pack_b_panel(bp.get().add(panel * NR * kc), b.get(), ldb, trans_b, n, j0 + panel * NR, p0, kc);
            });

            let col_tasks = nc.div_ceil(NB);
            run(row_tasks * col_tasks, &|t| {
                let (it, jt) = (t / col_tasks, t % col_tasks);
                let (i_lo, i_hi) = (it * MC, ((it + 1) * MC).min(m));
                let (jj_lo, jj_hi) = (jt * NB, ((jt + 1) * NB).min(nc));
                let mut jj = jj_lo;
                while jj < jj_hi {
                    let nr = NR.min(jj_hi - jj);
                    let b_sliver = bp.get().add((jj / NR) * NR * kc);
                    let mut i = i_lo;
                    while i < i_hi {
                        let mr = MR.min(i_hi - i);
                        let a_sliver = ap.get().add((i / MR) * MR * kc);
                        let c_tile = c.get().add(i * ldc + j0 + jj);
                        kernel::sgemm_ukernel_6x8(kc, alpha, a_sliver, b_sliver, beta_slab, c_tile, ldc, mr, nr);
                        i += MR;
                    }
                    jj += NR;
                }
            });
            j0 += nc;
        }
        p0 += kc;
    }
}

/// `C ← β·C` (β = 0 writes zeros without reading C), for products with nothing to accumulate.
unsafe fn scale_c(m: usize, n: usize, beta: f32, c: *mut f32, ldc: usize) {
    for i in 0..m {
        let row = c.add(i * ldc);
        for j in 0..n {
            let x = row.add(j);
            *x = if beta == 0.0 { 0.0 } else { *x * beta };
        }
    }
}

#[cfg(test)]
mod tests;
