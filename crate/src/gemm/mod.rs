//! Single-precision GEMM: `C ← α·op(A)·op(B) + β·C`, row-major, all four transpose combinations.
//!
//! Structure (Goto/BLIS): op(A) is packed into MR-row slivers and op(B) into NR-column slivers, both cut into
//! KC-deep slabs: B once for all tasks when it is small (or has too few NB-wide column bands to go round), else
//! by each task for its own band, a slab at a time, into a buffer that stays in its core's cache (see
//! `BlockedPlan`). C is cut into tasks of NB columns by MC rows (shared B) or by up to 512 rows (own B); each
//! walks the slabs in order (LOOP 3), MC rows at a time, its B slivers (LOOP 2, KC×NR in L1) and the rows' A
//! slivers (LOOP 1, MC×KC in L2), calling the MR×NR micro-kernel, whose shape is picked at load time
//! ([`select`]). Fewer than `SMALL_M` rows, and products with B transposed (weights stored out×in, the model's
//! layout) and K ≥ `DOT_MIN_K`, take the matrix-vector path: its dot-product form runs at the packed tiles'
//! speed or better there without packing anything.
//!
//! Determinism: every element of C is produced by the same sequence of operations whatever the thread count
//! and the tile shape (slabs are visited in order, tasks never split the reduction, every shape reduces an
//! output the same way), so results are bitwise reproducible.
//! Packing buffers come from a [`Workspace`] that grows only when a larger problem arrives.

mod gemv;
mod kernel;
mod pack;
pub mod params;
pub mod reference;
pub mod select;

use crate::par::{self, SendConstPtr, SendPtr};
use crate::simd::F32x4;
use core::sync::atomic::{AtomicU64, Ordering};
use params::*;

pub use kernel::{sgemm_ukernel_6x8_rows, sgemm_ukernel_6x8_strided};
pub use reference::sgemm_ref;
pub use select::{selected_kernel, set_kernel, Kernel};

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

/// Multiply-adds from which a product is spread over threads. A team loop costs about a microsecond while the
/// helpers spin (crate::team), so a 768×768 GEMV (50 µs alone) gains from a second core; 2^18 measured ~10%
/// faster GPT-2 decode on two threads than the element-wise ops' 2^20, and 2^16 no faster than 2^18.
const PARALLEL_MIN_MACS: usize = 1 << 18;

/// Whether a product is large enough to be worth spreading over threads.
pub fn worth_parallel(m: usize, n: usize, k: usize) -> bool {
    m.saturating_mul(n).saturating_mul(k) >= PARALLEL_MIN_MACS
}

/// How a product is computed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Path {
    /// Fewer than `SMALL_M` rows, B untransposed: matrix-vector products straight from B, slab by slab
    /// ([`rows_bn`]).
    Rows,
    /// B transposed, the dot-product form ([`gemv_bt_rows`]): rows of op(A) against rows of B, both contiguous
    /// in k (op(A) copied so first when A is stored transposed). Few rows, or a reduction long enough to
    /// amortise each output's horizontal sum.
    Dot,
    /// Packed panels and the register-tile micro-kernel picked at load ([`blocked`]).
    Blocked,
}

fn path(m: usize, k: usize, trans_b: bool) -> Path {
    if m < SMALL_M {
        if trans_b { Path::Dot } else { Path::Rows }
    } else if trans_b && k >= DOT_MIN_K {
        // Not for B untransposed: transposing it into the workspace first (tried) cost most of the gain
        // (Zen 5, 256·768·768 1.02×, 1024³ 1.14×, 8 rows 0.59× of the packed path).
        Path::Dot
    } else {
        Path::Blocked
    }
}

/// Floats of workspace a product of this shape needs.
pub fn workspace_len(m: usize, n: usize, k: usize, trans_a: bool, trans_b: bool) -> usize {
    if m == 0 || n == 0 || k == 0 {
        return 0;
    }
    match path(m, k, trans_b) {
        // Each slab's sums when slabs are spread over threads, else one row's running sums (see rows_bn).
        Path::Rows => if worth_parallel(m, n, k) { k.div_ceil(KC) * m * n } else { n },
        // Room for op(A) when A is stored transposed.
        Path::Dot => if trans_a { m * k } else { 0 },
        // Packed op(A) for every tile shape (rows rounded to 12 = lcm of 2, 4, 6), then the op(B) buffers.
        Path::Blocked => round_up(m, 12) * k + BlockedPlan::new(m, n, k, worth_parallel(m, n, k)).b_len(n, k),
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
    sgemm_with_kernel(ws, selected_kernel(), trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
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
    sgemm_impl(ws, selected_kernel(), false, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

/// [`sgemm`] with an explicit register-tile shape instead of the process-wide choice: for tests and benches
/// that compare shapes. Same results bit for bit whatever `kernel` is.
///
/// # Safety
/// As [`sgemm`].
#[allow(clippy::too_many_arguments)]
pub unsafe fn sgemm_with_kernel(
    ws: &mut Workspace,
    kernel: Kernel,
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
    sgemm_impl(ws, kernel, parallel, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

#[allow(clippy::too_many_arguments)]
unsafe fn sgemm_impl(
    ws: &mut Workspace,
    kernel: Kernel,
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

    let path = path(m, k, trans_b);
    if path == Path::Dot {
        const { assert!(SMALL_M <= 4) }; // gemv_bt_rows takes 1–3 rows in one pass
        // The dot-product form wants rows of op(A) contiguous; with trans_a they are columns of A.
        let (a_rows, lda_rows) = if trans_a {
            transpose_into(ws_ptr.get(), a.get(), k, m, lda, &run);
            (SendConstPtr(ws_ptr.get() as *const f32), k)
        } else {
            (a, lda)
        };
        // Column bands (see ColumnBands); taller products are cut into row blocks as well, so a narrow one still
        // has tasks for every thread.
        let bands = ColumnBands::new(n, c.get(), parallel);
        let row_block = if m <= SMALL_M_BT { m } else { GEMV_ROW_BLOCK };
        let row_tasks = m.div_ceil(row_block);
        run(row_tasks * bands.count, &|t| {
            let (rt, ct) = (t / bands.count, t % bands.count);
            let (j0, j1) = bands.range(ct);
            if j0 >= j1 {
                return;
            }
            let i0 = rt * row_block;
            let rows = row_block.min(m - i0);
            let (a, c) = (a_rows.get().add(i0 * lda_rows), c.get().add(i0 * ldc));
            gemv_bt_rows(rows, k, alpha, a, lda_rows, b.get(), ldb, beta, c, ldc, j0, j1);
        });
        return;
    }
    if path == Path::Rows {
        rows_bn(parallel, trans_a, m, n, k, alpha, a.get(), lda, b.get(), ldb, beta, c.get(), ldc, ws_ptr.get(), &run);
        return;
    }

    let (a, b, c, ws_ptr) = (a.get(), b.get(), c.get(), ws_ptr.get());
    match kernel {
        Kernel::K6x8 => blocked::<6, 2, 8>(parallel, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ws_ptr, &run),
        Kernel::K4x8 => blocked::<4, 2, 8>(parallel, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ws_ptr, &run),
        Kernel::K2x16 => blocked::<2, 4, 16>(parallel, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, ws_ptr, &run),
    }
}

/// The packed path with a TMR×TNR register tile (TNR = 4·NV columns); `ws` holds [`workspace_len`] floats; `run`
/// spreads a loop's tasks over threads when `parallel` (sgemm_impl's).
#[allow(clippy::too_many_arguments)]
unsafe fn blocked<const TMR: usize, const NV: usize, const TNR: usize>(
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
    ws: *mut f32,
    run: &dyn Fn(usize, &(dyn Fn(usize) + Sync)),
) {
    const { assert!(TNR == 4 * NV && MC % TMR == 0 && NB % TNR == 0) };
    let (a, b, c, ws_ptr) = (SendConstPtr(a), SendConstPtr(b), SendPtr(c), SendPtr(ws));
    let plan = BlockedPlan::new(m, n, k, parallel);
    // All of op(A) is packed first (every column band reads all of it): slab s starts at mp·p0, panel i of it at
    // i·TMR·kc. So is op(B), NC columns at a time, when it is shared (same layout, np columns wide); otherwise each
    // task packs its own band of it, a slab at a time, into a buffer of its thread's (see BlockedPlan).
    let mp = round_up(m, TMR);
    let a_panels = mp / TMR;
    let slabs = k.div_ceil(KC);
    let (ap, bp) = (ws_ptr, SendPtr(ws_ptr.get().add(mp * k)));
    let slots = BufferSlots::new(if plan.own_b { plan.slots } else { 0 });
    let group_rows = plan.group_rows(m);
    let row_tasks = m.div_ceil(group_rows);
    let block = if plan.own_b { n } else { NC };
    let mut j0 = 0;
    while j0 < n {
        let nc = block.min(n - j0);
        let np = round_up(nc, TNR);
        let a_jobs = if j0 == 0 { slabs * a_panels } else { 0 };
        let b_panels = if plan.own_b { 0 } else { np / TNR };
        run(a_jobs + slabs * b_panels, &|t| {
            if t < a_jobs {
                let (s, panel) = (t / a_panels, t % a_panels);
                let (p0, kc) = (s * KC, KC.min(k - s * KC));
                pack::pack_a_panel::<TMR>(ap.get().add(mp * p0 + panel * TMR * kc), a.get(), lda, trans_a, m, panel * TMR, p0, kc);
            } else {
                let t = t - a_jobs;
                let (s, panel) = (t / b_panels, t % b_panels);
                let (p0, kc) = (s * KC, KC.min(k - s * KC));
                let dst = bp.get().add(np * p0 + panel * TNR * kc);
                pack::pack_b_panel::<TNR>(dst, b.get(), ldb, trans_b, n, j0 + panel * TNR, p0, kc);
            }
        });

        // Columns below are relative to the block: jj_lo..jj_hi of C's j0.. (B's packed copy is block-relative).
        let bands = nc.div_ceil(NB);
        run(row_tasks * bands, &|t| {
            let (it, band) = (t / bands, t % bands);
            let (i_lo, i_hi) = (it * group_rows, ((it + 1) * group_rows).min(m));
            let (jj_lo, jj_hi) = (band * NB, ((band + 1) * NB).min(nc));
            let slot = if plan.own_b { slots.acquire() } else { 0 };
            let own = bp.get().add(slot * KC * NB);
            for s in 0..slabs {
                let (p0, kc) = (s * KC, KC.min(k - s * KC));
                let beta_slab = if s == 0 { beta } else { 1.0 };
                // The band's slivers, one after another: q·TNR·kc from `piece`.
                let piece = if plan.own_b {
                    if !trans_b && (jj_hi - jj_lo) % TNR == 0 {
                        pack::pack_b_band::<TNR>(own, b.get(), ldb, j0 + jj_lo, jj_hi - jj_lo, p0, kc);
                    } else {
                        for (q, jj) in (jj_lo..jj_hi).step_by(TNR).enumerate() {
                            pack::pack_b_panel::<TNR>(own.add(q * TNR * kc), b.get(), ldb, trans_b, n, j0 + jj, p0, kc);
                        }
                    }
                    own
                } else {
                    bp.get().add(np * p0 + jj_lo * kc)
                };
                // MC rows at a time: their A slivers (MC×KC) stay in cache while every B sliver passes over them.
                for ib in (i_lo..i_hi).step_by(MC) {
                    let ib_hi = (ib + MC).min(i_hi);
                    for (q, jj) in (jj_lo..jj_hi).step_by(TNR).enumerate() {
                        let nr = TNR.min(jj_hi - jj);
                        let b_sliver = piece.add(q * TNR * kc);
                        for i in (ib..ib_hi).step_by(TMR) {
                            let mr = TMR.min(ib_hi - i);
                            let a_sliver = ap.get().add(mp * p0 + (i / TMR) * TMR * kc);
                            let c_tile = c.get().add(i * ldc + j0 + jj);
                            kernel::sgemm_ukernel_packed::<TMR, NV>(kc, alpha, a_sliver, b_sliver, beta_slab, c_tile, ldc, mr, nr);
                        }
                    }
                }
            }
            if plan.own_b {
                slots.release(slot);
            }
        });
        j0 += nc;
    }
}

/// Whether [`blocked`] packs op(B) once for all tasks or lets each task pack its own columns.
///
/// Shared (all of op(B) packed up front, C cut into MC×NB tasks): every row block reads each piece of packed B
/// from wherever it landed, so this suits a B that stays in cache (up to 1 MiB), too few column bands to go
/// round, or a tall product. Own (tasks are NB-wide column bands over up to 512 rows, each packing its band a
/// slab at a time into a KC×NB buffer of its thread's): op(B) goes from memory straight into the cache of the
/// core that uses it, and packing runs inside the tasks instead of as a pass every thread waits for. Same
/// process, Xeon, own ÷ shared, 1 thread (2 threads): 256·768·3072 0.99–1.06 (1.10–1.15), 256·3072·768
/// 1.01–1.07 (1.10–1.14), 256·768·768 1.02–1.05 (1.07–1.09), 1024³ 0.97–1.03 (1.03–1.07); 512³ (1 MiB of B, which
/// stays in L2 anyway) 0.97–1.01 (0.98–1.01), so it shares.
struct BlockedPlan {
    own_b: bool,
    /// Tasks that can run at once, each with its own buffer, when `own_b`.
    slots: usize,
}

impl BlockedPlan {
    fn new(m: usize, n: usize, k: usize, parallel: bool) -> Self {
        let threads = if parallel { par::threads().clamp(1, BufferSlots::MAX) } else { 1 };
        let enough_bands = n.div_ceil(NB) >= OWN_B_MIN_BANDS_PER_THREAD * threads || threads == 1;
        // Taller products would need more row groups, each packing B again: sharing it costs less there.
        let own_b = enough_bands && k * round_up(n, 16) > SHARED_B_MAX_FLOATS && m <= OWN_B_MAX_ROWS;
        BlockedPlan { own_b, slots: threads }
    }

    /// Rows per task: MC when op(B) is shared; when each task packs its own, as many as keep the rows' slab of A
    /// (and of C) in L2 while the task's band passes over it, since every further group packs the band again.
    fn group_rows(&self, m: usize) -> usize {
        if self.own_b { round_up(m.div_ceil(m.div_ceil(OWN_B_GROUP_MAX_ROWS)), MC) } else { MC }
    }

    /// Floats of workspace for op(B): the shared copy of NC columns at most (rounded up for every tile width), or
    /// the buffers.
    fn b_len(&self, n: usize, k: usize) -> usize {
        if self.own_b { self.slots * KC * NB } else { k * round_up(n.min(NC), 16) }
    }
}

/// Hands out the op(B) buffers of [`blocked`]: one per task running at once, so a thread keeps reusing a buffer
/// its cache already holds. Which buffer a task gets never changes what it computes.
struct BufferSlots(AtomicU64);

impl BufferSlots {
    const MAX: usize = 64;

    fn new(count: usize) -> Self {
        BufferSlots(AtomicU64::new(if count >= Self::MAX { u64::MAX } else { (1 << count) - 1 }))
    }

    fn acquire(&self) -> usize {
        loop {
            let free = self.0.load(Ordering::Acquire);
            if free == 0 {
                // Only with more threads than slots (over 64): wait for a task to finish with its buffer.
                core::hint::spin_loop();
                continue;
            }
            let slot = free.trailing_zeros();
            if self.0.compare_exchange_weak(free, free & !(1 << slot), Ordering::AcqRel, Ordering::Relaxed).is_ok() {
                return slot as usize;
            }
        }
    }

    fn release(&self, slot: usize) {
        self.0.fetch_or(1 << slot, Ordering::Release);
    }
}

/// How the matrix-vector paths split the n columns of C among tasks: a few bands per thread (balance when
/// another process takes a core), one band on one thread (a single stream through B). The split never changes
/// results (each output is computed whole by one task). Band edges sit on 64-byte lines of C so no two
/// threads write one line.
struct ColumnBands {
    count: usize,
    n: usize,
    skew: usize,
}

impl ColumnBands {
    fn new(n: usize, c: *const f32, parallel: bool) -> Self {
        let threads = if parallel { par::threads() } else { 1 };
        Self::with_count(n, c, if threads > 1 { GEMV_TASKS_PER_THREAD * threads } else { 1 })
    }

    /// At most `count` bands (no band narrower than 16 columns).
    fn with_count(n: usize, c: *const f32, count: usize) -> Self {
        ColumnBands { count: count.clamp(1, n.div_ceil(16).max(1)), n, skew: (c as usize / 4) % 16 }
    }

    fn edge(&self, t: usize) -> usize {
        if t == 0 {
            0
        } else if t == self.count {
            self.n
        } else {
            (round_up(t * self.n / self.count + self.skew, 16) - self.skew).min(self.n)
        }
    }

    /// Columns `j0..j1` of band `t`.
    fn range(&self, t: usize) -> (usize, usize) {
        (self.edge(t), self.edge(t + 1))
    }
}

/// The B-untransposed path for fewer than `SMALL_M` rows (`C` row i ← α·op(A) row i · B + β·C row i).
///
/// The reduction is cut into the packed path's KC-deep slabs and put together the same way: slab 0's sums go
/// through the α/β epilogue, each later slab's α·sum is added in order. So a row of a 1–3-row product equals
/// the same row of any taller product bit for bit, and the result does not depend on who computed a slab.
///
/// On one thread each slab's sums are formed in the workspace (n floats) and added into C as each is done.
/// With more, the slabs themselves are the tasks (cut into column bands only when there are too few of them
/// to go round): a task reads KC consecutive rows of B, one contiguous region when B is dense, where column bands alone gave each thread short pieces of every
/// row (two threads ran ~1.35× one on 1·768·3072). Tasks leave their slab's sums in the workspace
/// (`slabs·m·n` floats) and a second pass adds them into C slab by slab, through the packed path's epilogue.
///
/// # Safety
/// As [`sgemm`]; `ws` holds [`workspace_len`] floats.
#[allow(clippy::too_many_arguments)]
unsafe fn rows_bn(
    parallel: bool,
    trans_a: bool,
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
    ws: *mut f32,
    run: &dyn Fn(usize, &(dyn Fn(usize) + Sync)),
) {
    // Row i of op(A) starts at a_row(i) and steps by inc along k.
    let (inc, row_step) = if trans_a { (lda, 1) } else { (1, lda) };
    let slabs = k.div_ceil(KC);
    let slab = |s: usize| (s * KC, KC.min(k - s * KC));
    let threads = if parallel { par::threads() } else { 1 };
    if threads == 1 {
        for i in 0..m {
            for s in 0..slabs {
                let (p0, kc) = slab(s);
                let beta_slab = if s == 0 { beta } else { 1.0 };
                gemv::gemv_row_bn(kc, a.add(i * row_step + p0 * inc), inc, b.add(p0 * ldb), ldb, ws, 0, n);
                kernel::epilogue_row(ws, alpha, beta_slab, c.add(i * ldc), n);
            }
        }
        return;
    }

    let (a, b, c, ws) = (SendConstPtr(a), SendConstPtr(b), SendPtr(c), SendPtr(ws));
    let sums = |s: usize, i: usize| ws.get().add((s * m + i) * n);
    let bands = ColumnBands::with_count(n, ws.get(), (ROWS_TASKS_PER_THREAD * threads).div_ceil(slabs));
    run(slabs * bands.count, &|t| {
        let (s, band) = (t / bands.count, t % bands.count);
        let ((p0, kc), (j0, j1)) = (slab(s), bands.range(band));
        for i in 0..m {
            let a_row = a.get().add(i * row_step + p0 * inc);
            gemv::gemv_row_bn(kc, a_row, inc, b.get().add(p0 * ldb), ldb, sums(s, i), j0, j1);
        }
    });
    // Adding up is slabs·m·n additions: below the pool's threshold (up to the LM head's 3·50257) the caller
    // does it alone rather than pay a second hand-off.
    let out = ColumnBands::new(n, c.get(), par::worth_pool(slabs * m * n));
    let sum_band = |t: usize| {
        let (j0, j1) = out.range(t);
        for i in 0..m {
            for s in 0..slabs {
                let beta_slab = if s == 0 { beta } else { 1.0 };
                kernel::epilogue_row(sums(s, i).add(j0), alpha, beta_slab, c.get().add(i * ldc + j0), j1 - j0);
            }
        }
    };
    if out.count > 1 { run(out.count, &sum_band) } else { sum_band(0) }
}

/// The dot-product form (B transposed) for `rows` rows of op(A) and columns `j0..j1`: up to 3 rows in one
/// pass over B; more in passes of two rows (the fastest width: 2 rows × 4 rows of B, no broadcasts, ~95% of
/// the SIMD128 peak, as fast as the packed 4×8 tile on long reductions and no packing), plus one of three when
/// `rows` is odd, over column
/// chunks small enough that B stays in L2 between the passes. Every output is one gemv_bt reduction, whose
/// order depends neither on the rows beside it nor on the columns, so the cut never changes results.
///
/// # Safety
/// `a` covers `rows` rows of `k` floats with stride `lda`; `b` covers rows `j0..j1` of `k` floats with stride
/// `ldb`; `c` covers `rows` rows with stride `ldc` up to column `j1`.
#[allow(clippy::too_many_arguments)]
unsafe fn gemv_bt_rows(
    rows: usize,
    k: usize,
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
    match rows {
        0 => {}
        1 => gemv::gemv_bt::<1, { gemv::ONE_ROW_STREAMS }>(k, alpha, a, 0, b, ldb, beta, c, ldc, j0, j1),
        2 => gemv::gemv_bt::<2, 4>(k, alpha, a, lda, b, ldb, beta, c, ldc, j0, j1),
        3 => gemv::gemv_bt::<3, 3>(k, alpha, a, lda, b, ldb, beta, c, ldc, j0, j1),
        _ => {
            let chunk = round_up((GEMV_CHUNK_FLOATS / k).max(16), 16);
            let mut c0 = j0;
            while c0 < j1 {
                let c1 = (c0 + chunk).min(j1);
                let mut i = 0;
                if rows % 2 == 1 {
                    gemv::gemv_bt::<3, 3>(k, alpha, a, lda, b, ldb, beta, c, ldc, c0, c1);
                    i = 3;
                }
                while i < rows {
                    gemv::gemv_bt::<2, 4>(k, alpha, a.add(i * lda), lda, b, ldb, beta, c.add(i * ldc), ldc, c0, c1);
                    i += 2;
                }
                c0 = c1;
            }
        }
    }
}

/// `dst[c·rows + r] ← src[r·ld + c]` for `r < rows`, `c < cols`: the transpose of a rows×cols block, written
/// contiguously, in column bands run as parallel tasks (4×4 register transposes inside, scalar edges).
///
/// # Safety
/// `src` covers `rows` rows of stride `ld` up to column `cols`; `dst` is valid for `rows·cols` writes.
unsafe fn transpose_into(dst: *mut f32, src: *const f32, rows: usize, cols: usize, ld: usize, run: &dyn Fn(usize, &(dyn Fn(usize) + Sync))) {
    const BAND: usize = 64;
    let (dst, src) = (SendPtr(dst), SendConstPtr(src));
    run(cols.div_ceil(BAND), &|t| {
        let (dst, src) = (dst.get(), src.get());
        let (c0, c1) = (t * BAND, ((t + 1) * BAND).min(cols));
        let (r4, c4) = (rows - rows % 4, c0 + (c1 - c0) / 4 * 4);
        let mut r = 0;
        while r < r4 {
            let mut c = c0;
            while c < c4 {
                let t4 = F32x4::transpose4(core::array::from_fn(|q| F32x4::load(src.add((r + q) * ld + c))));
                for (q, v) in t4.iter().enumerate() {
                    v.store(dst.add((c + q) * rows + r));
                }
                c += 4;
            }
            for c in c4..c1 {
                for q in 0..4 {
                    *dst.add(c * rows + r + q) = *src.add((r + q) * ld + c);
                }
            }
            r += 4;
        }
        for r in r4..rows {
            for c in c0..c1 {
                *dst.add(c * rows + r) = *src.add(r * ld + c);
            }
        }
    });
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
