//! Single-precision GEMM: `C ← α·op(A)·op(B) + β·C`, row-major, all four transpose combinations.
//!
//! Structure (Goto/BLIS): op(A) is packed once into MR-row slivers and op(B), NC columns at a time, into
//! NR-column slivers, both cut into KC-deep slabs. The output is then cut into MC×NB tasks run in parallel;
//! each walks the slabs in order (LOOP 3), its B slivers (LOOP 2, KC×NR in L1) and its A slivers (LOOP 1,
//! MC×KC in L2), calling the MR×NR micro-kernel. Fewer than `SMALL_M` rows take the matrix-vector path.
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

pub use kernel::{sgemm_ukernel_6x8_rows, sgemm_ukernel_6x8_strided};
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

/// Whether a product is large enough to be worth waking the thread pool for.
pub fn worth_parallel(m: usize, n: usize, k: usize) -> bool {
    crate::par::worth_pool(m.saturating_mul(n).saturating_mul(k))
}

/// Floats of workspace a product of this shape needs.
pub fn workspace_len(m: usize, n: usize, k: usize, trans_a: bool, trans_b: bool) -> usize {
    if m == 0 || n == 0 || k == 0 {
        0
    } else if m < SMALL_M {
        // Only the dot-product form (B transposed) gathers rows of a transposed A.
        if trans_a && trans_b { m * k } else { 0 }
    } else {
        round_up(m, MR) * k + k * round_up(n.min(NC), NR)
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
    let parallel = worth_parallel(m, n, k);
    sgemm_impl(ws, parallel, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

/// [`sgemm`] on the calling thread only: for products inside a task that is already one of many parallel
/// ones (attention heads), where splitting further would only add overhead. Same results bit for bit.
///
/// # Safety
/// As [`sgemm`].
#[allow(clippy::too_many_arguments)]
pub unsafe fn sgemm_serial(
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
    sgemm_impl(ws, false, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

#[allow(clippy::too_many_arguments)]
unsafe fn sgemm_impl(
    ws: &mut Workspace,
    parallel: bool,
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
    let run = |tasks: usize, f: &(dyn Fn(usize) + Sync)| {
        if parallel {
            par::for_each(tasks, f)
        } else {
            (0..tasks).for_each(f)
        }
    };
    let ws_ptr = ws.reserve(workspace_len(m, n, k, trans_a, trans_b));
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

    // Pack all of op(A) and a KC-slab-major copy of op(B) (NC columns at a time), then let every task run the
    // whole reduction for its MC×NB block of C: two fork-joins per NC block instead of three per slab, and
    // C's block stays in cache across slabs. Slab s of A starts at mp·p0; panel i of it at i·MR·kc.
    let mp = round_up(m, MR);
    let a_panels = mp / MR;
    let slabs = k.div_ceil(KC);
    let ap = ws_ptr;
    let bp = SendPtr(ws_ptr.get().add(mp * k));
    let row_tasks = m.div_ceil(MC);

    let mut j0 = 0;
    while j0 < n {
        let nc = NC.min(n - j0);
        let np = round_up(nc, NR);
        let b_panels = np / NR;
        let pack_a = j0 == 0;
        let a_jobs = if pack_a { slabs * a_panels } else { 0 };
        run(a_jobs + slabs * b_panels, &|t| {
            if t < a_jobs {
                let (s, panel) = (t / a_panels, t % a_panels);
                let (p0, kc) = (s * KC, KC.min(k - s * KC));
                pack::pack_a_panel(ap.get().add(mp * p0 + panel * MR * kc), a.get(), lda, trans_a, m, panel * MR, p0, kc);
            } else {
                let t = t - a_jobs;
                let (s, panel) = (t / b_panels, t % b_panels);
                let (p0, kc) = (s * KC, KC.min(k - s * KC));
                let dst = bp.get().add(np * p0 + panel * NR * kc);
                pack::pack_b_panel(dst, b.get(), ldb, trans_b, n, j0 + panel * NR, p0, kc);
            }
        });

        let col_tasks = nc.div_ceil(NB);
        run(row_tasks * col_tasks, &|t| {
            let (it, jt) = (t / col_tasks, t % col_tasks);
            let (i_lo, i_hi) = (it * MC, ((it + 1) * MC).min(m));
            let (jj_lo, jj_hi) = (jt * NB, ((jt + 1) * NB).min(nc));
            for s in 0..slabs {
                let (p0, kc) = (s * KC, KC.min(k - s * KC));
                let beta_slab = if s == 0 { beta } else { 1.0 };
                let mut jj = jj_lo;
                while jj < jj_hi {
                    let nr = NR.min(jj_hi - jj);
                    let b_sliver = bp.get().add(np * p0 + (jj / NR) * NR * kc);
                    let mut i = i_lo;
                    while i < i_hi {
                        let mr = MR.min(i_hi - i);
                        let a_sliver = ap.get().add(mp * p0 + (i / MR) * MR * kc);
                        let c_tile = c.get().add(i * ldc + j0 + jj);
                        kernel::sgemm_ukernel_6x8(kc, alpha, a_sliver, b_sliver, beta_slab, c_tile, ldc, mr, nr);
                        i += MR;
                    }
                    jj += NR;
                }
            }
        });
        j0 += nc;
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
