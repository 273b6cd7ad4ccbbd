//! Causal multi-head self-attention, forward and backward, flash-attention style on the CPU.
//!
//! qkv (B,T,3C) holds, for each position, q = qkv[b,t,0..C], k = qkv[b,t,C..2C], v = qkv[b,t,2C..3C]; head h
//! uses channels h·hs..(h+1)·hs of each (hs = C/NH). out (B,T,C) is the heads side by side. scale = 1/√hs.
//! Optional dropout on the attention probabilities: keep (b,h,t,j) when `uniform(seed, ((b·NH+h)·T+t)·T+j)`
//! ≥ p, scaling kept ones by 1/(1−p) (the same hash as dropout.rs and TypeScript's `dropoutUniform`).
//!
//! Memory. What the forward keeps for the backward is qkv (B,T,3C), out (B,T,C) and lse (B,NH,T), the
//! log-sum-exp of each row of scores: `4·B·T·C + B·NH·T` floats per layer, where storing scores and
//! probabilities (llm.c's preatt/att) would add `2·B·NH·T²` (at GPT-2 size, B=8, T=1024: 800 MB per layer).
//! The backward recomputes the probabilities from q, k and lse instead. Scratch, per thread, allocated once:
//! about `2·T·hs + 24·T` floats for the forward and `5·T·hs + 96·T` for the backward (packed operands of one
//! head and one block of scores).
//!
//! Work is split into one task per (b, h), so results do not depend on the thread count. Within a task the
//! GEMM's 6×8 register tile is driven directly (no general GEMM calls) over only the tiles that touch the
//! causal triangle, so the products do close to the causal half of the full T×T work (~4% over it at T=256,
//! hs=64). Scores are in log2 units (S·log2 e, folded into the micro-kernel's α with 1/√hs) so the softmax
//! is a cheap polynomial 2^x. Forward, per block of 24 queries:
//!   Sᵀ = K·Q_blkᵀ (keys × queries) → causal mask, column max, 2^(s − max), sums, lse → (dropout) →
//!   O_blk = P·V, rows scaled by 1/sum
//! Backward, per block of BWD_BLOCK queries, with D = rowsum(dO ∘ O):
//!   S = Q_blk·Kᵀ, P = 2^(S − lse·log2 e), dP = dO_blk·Vᵀ, dS = P ∘ (dP·mask − D),
//!   dQ_blk += scale·dS·K, dV += (P·mask)ᵀ·dO_blk, dK += scale·dSᵀ·Q_blk (keys up to the block's last query).

use super::dropout;
use crate::gemm;
use crate::par::{self, SendConstPtr, SendPtr};
use crate::simd::{exp2_f32x4, exp_f32x4, exp_scalar, max_fast, F32x4};
use std::sync::Mutex;

/// Dropout multiplier of probability (bh, t, j): 0 or 1/(1−p), decided exactly as `dropout.rs` and
/// TypeScript's `dropoutUniform(seed, counter) >= p` do (integer threshold, p in float64).
#[inline(always)]
fn keep_factor(seed: u32, threshold: u32, scale: f32, row_counter: u32, j: usize) -> f32 {
    if dropout::hash(seed, row_counter.wrapping_add(j as u32)) >> 8 >= threshold { scale } else { 0.0 }
}

// ---------------------------------------------------------------------------------------------------------
// Reference: the definition, plain loops over (b, t, h), probabilities recomputed where needed.

/// out (B,T,C), lse (B,NH,T) from qkv (B,T,3C).
#[allow(clippy::too_many_arguments)]
pub fn attention_forward_ref(
    out: &mut [f32],
    lse: &mut [f32],
    qkv: &[f32],
    b_: usize,
    t_: usize,
    c: usize,
    nh: usize,
    dropout: f64,
    seed: u32,
) {
    let hs = c / nh;
    let scale = 1.0 / (hs as f32).sqrt();
    let (threshold, keep) = (dropout::keep_threshold(dropout), dropout::keep_scale(dropout));
    let mut p = vec![0.0f32; t_];
    for b in 0..b_ {
        for t in 0..t_ {
            for h in 0..nh {
                let q = &qkv[(b * t_ + t) * 3 * c + h * hs..][..hs];
                let (m, sum) = ref_probs(&mut p[..=t], q, qkv, b, t_, c, h, hs, scale);
                lse[(b * nh + h) * t_ + t] = m + sum.ln();
                let row_counter = (((b * nh + h) * t_ + t) * t_) as u32;
                let o = &mut out[(b * t_ + t) * c + h * hs..][..hs];
                o.iter_mut().for_each(|x| *x = 0.0);
                for (j, &pj) in p[..=t].iter().enumerate() {
                    let pd = if dropout > 0.0 { pj * keep_factor(seed, threshold, keep, row_counter, j) } else { pj };
                    let v = &qkv[(b * t_ + j) * 3 * c + 2 * c + h * hs..][..hs];
                    for d in 0..hs {
                        o[d] += pd * v[d];
                    }
                }
            }
        }
    }
}

/// Softmax of the scaled scores of query `q` against keys 0..=t into `p`; returns (max, sum of exps).
#[allow(clippy::too_many_arguments)]
fn ref_probs(p: &mut [f32], q: &[f32], qkv: &[f32], b: usize, t_: usize, c: usize, h: usize, hs: usize, scale: f32) -> (f32, f32) {
    let mut m = f32::NEG_INFINITY;
    for (j, pj) in p.iter_mut().enumerate() {
        let k = &qkv[(b * t_ + j) * 3 * c + c + h * hs..][..hs];
        let mut s = 0.0f32;
        for d in 0..hs {
            s += q[d] * k[d];
        }
        *pj = s * scale;
        m = m.max(*pj);
    }
    let mut sum = 0.0f32;
    for pj in p.iter_mut() {
        *pj = (*pj - m).exp();
        sum += *pj;
    }
    p.iter_mut().for_each(|x| *x /= sum);
    (m, sum)
}

/// dqkv (B,T,3C) += gradient of the attention (= when `accumulate` is false: dqkv's old contents are unread);
/// recomputes the probabilities (ignores `out` and `lse`, which the fast version uses, so this stays an
/// independent definition).
#[allow(clippy::too_many_arguments)]
pub fn attention_backward_ref(
    dqkv: &mut [f32],
    dout: &[f32],
    qkv: &[f32],
    b_: usize,
    t_: usize,
    c: usize,
    nh: usize,
    dropout: f64,
    seed: u32,
    accumulate: bool,
) {
    if !accumulate {
        dqkv[..b_ * t_ * 3 * c].fill(0.0);
    }
    let hs = c / nh;
    let scale = 1.0 / (hs as f32).sqrt();
    let (threshold, keep) = (dropout::keep_threshold(dropout), dropout::keep_scale(dropout));
    let mut p = vec![0.0f32; t_];
    let mut dp = vec![0.0f32; t_];
    for b in 0..b_ {
        for t in 0..t_ {
            for h in 0..nh {
                let q = &qkv[(b * t_ + t) * 3 * c + h * hs..][..hs];
                ref_probs(&mut p[..=t], q, qkv, b, t_, c, h, hs, scale);
                let row_counter = (((b * nh + h) * t_ + t) * t_) as u32;
                let dout_t = &dout[(b * t_ + t) * c + h * hs..][..hs];
                // forward: out_t = Σ_j p_j·mask_j·v_j
                let mut dsum = 0.0f32;
                for j in 0..=t {
                    let mask = if dropout > 0.0 { keep_factor(seed, threshold, keep, row_counter, j) } else { 1.0 };
                    let v_off = (b * t_ + j) * 3 * c + 2 * c + h * hs;
                    let mut g = 0.0f32;
                    for d in 0..hs {
                        g += dout_t[d] * qkv[v_off + d];
                        dqkv[v_off + d] += p[j] * mask * dout_t[d];
                    }
                    dp[j] = g * mask;
                    dsum += p[j] * dp[j];
                }
                // softmax backward: ds_j = p_j (dp_j − Σ_i p_i dp_i); then s_j = scale·q·k_j
                for j in 0..=t {
                    let ds = p[j] * (dp[j] - dsum) * scale;
                    let k_off = (b * t_ + j) * 3 * c + c + h * hs;
                    let q_off = (b * t_ + t) * 3 * c + h * hs;
                    for d in 0..hs {
                        dqkv[q_off + d] += ds * qkv[k_off + d];
                        dqkv[k_off + d] += ds * q[d];
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Fast path: one fused kernel per (b, h) that drives the GEMM's 6×8 register tile (`sgemm_ukernel_6x8_strided`)
// directly, over only the tiles that touch the causal triangle, on operands packed once per head.

const MR: usize = gemm::params::MR;
const NR: usize = gemm::params::NR;
const LOG2E: f32 = core::f32::consts::LOG2_E;
const LN2: f32 = core::f32::consts::LN_2;

/// Forward queries per block: 3 panels of NR = 8 queries (the columns of the Sᵀ tiles) are 4 slivers of
/// MR = 6 queries (the rows of the P·V tiles): lcm(6, 8), so both tile shapes cut the block exactly.
const FWD_BLOCK: usize = 24;
/// Backward queries per block, a multiple of MR: the depth of the dV and dK products, and the rows of its two
/// score buffers.
const BWD_BLOCK: usize = 48;

#[inline(always)]
fn round_up(x: usize, to: usize) -> usize {
    x.div_ceil(to) * to
}

/// Per-thread scratch, indexed by rayon thread (slot 0: no pool), so a task never waits for another; which slot a
/// task uses does not affect its results. Grows on first use to the largest head seen, then is reused.
const SLOTS: usize = 65;
static SCRATCH: [Mutex<Vec<f32>>; SLOTS] = [const { Mutex::new(Vec::new()) }; SLOTS];

fn with_scratch<R>(len: usize, f: impl FnOnce(*mut f32) -> R) -> R {
    #[cfg(feature = "threads")]
    let slot = rayon::current_thread_index().map_or(0, |i| (i + 1) % SLOTS);
    #[cfg(not(feature = "threads"))]
    let slot = 0;
    let mut guard = SCRATCH[slot].lock().unwrap_or_else(|e| e.into_inner());
    if guard.len() < len {
        *guard = vec![0.0; len];
    }
    f(guard.as_mut_ptr())
}

struct Dims {
    t: usize,
    c: usize,
    nh: usize,
    hs: usize,
    scale: f32,
    dropout: f64,
    threshold: u32,
    keep: f32,
    seed: u32,
}

impl Dims {
    fn new(t: usize, c: usize, nh: usize, dropout: f64, seed: u32) -> Self {
        let hs = c / nh;
        let (threshold, keep) = (dropout::keep_threshold(dropout), dropout::keep_scale(dropout));
        Dims { t, c, nh, hs, scale: 1.0 / (hs as f32).sqrt(), dropout, threshold, keep, seed }
    }
    /// Counter of probability (bh, t, 0) in the dropout stream.
    fn row_counter(&self, bh: usize, t: usize) -> u32 {
        ((bh * self.t + t) * self.t) as u32
    }
    /// Row stride of the backward's score buffers: whole 8-key tiles and 6-key slivers of every row (a multiple
    /// of both, like FWD_BLOCK).
    fn bwd_row(&self) -> usize {
        round_up(self.t, FWD_BLOCK)
    }
    /// Scratch floats of one forward task: Qᵀ in 8-query panels and V in 8-column panels (≈ T·hs each), one
    /// block of Sᵀ (≈ 24·T) and K's edge sliver.
    fn fwd_scratch(&self) -> usize {
        let (t, hs) = (self.t, self.hs);
        round_up(t, NR) * hs + round_up(t, MR) * FWD_BLOCK + FWD_BLOCK + MR * hs + round_up(hs, NR) * t
    }
    /// Scratch floats of one backward task: K and V in 8-key panels, K, Q and dO in 8-column panels (≈ 5·T·hs
    /// together), two BWD_BLOCK-row score buffers (≈ 96·T), one packed dS sliver and the edge slivers of Q, dO.
    fn bwd_scratch(&self) -> usize {
        let (t, hs) = (self.t, self.hs);
        2 * round_up(t, NR) * hs + 2 * BWD_BLOCK * self.bwd_row() + MR * t + 2 * MR * hs + 3 * round_up(hs, NR) * t
    }
}

/// Rows `0..n` of a strided matrix (row stride `ld`, `depth` columns) into NR-row panels of the micro-kernel's
/// B order: `dst[(i / NR)·NR·depth + p·NR + i % NR] = src[i·ld + p]`, zero rows up to a whole panel. 4×4 blocks
/// go through registers (a transpose each) instead of 16 strided scalar stores.
#[inline(never)]
unsafe fn pack_panels(dst: *mut f32, src: *const f32, ld: usize, n: usize, depth: usize) {
    let depth4 = depth - depth % 4;
    for i0 in (0..n).step_by(NR) {
        let panel = dst.add(i0 * depth);
        for half in 0..NR / 4 {
            let r0 = i0 + 4 * half;
            let rows: [*const f32; 4] = core::array::from_fn(|r| src.add((r0 + r).min(n - 1) * ld));
            let live: [bool; 4] = core::array::from_fn(|r| r0 + r < n);
            let load = |r: usize, p: usize| if live[r] { F32x4::load(rows[r].add(p)) } else { F32x4::zero() };
            let mut p = 0;
            while p < depth4 {
                let cols = F32x4::transpose4([load(0, p), load(1, p), load(2, p), load(3, p)]);
                for (k, col) in cols.iter().enumerate() {
                    col.store(panel.add((p + k) * NR + 4 * half));
                }
                p += 4;
            }
            for p in depth4..depth {
                for r in 0..4 {
                    *panel.add(p * NR + 4 * half + r) = if live[r] { *rows[r].add(p) } else { 0.0 };
                }
            }
        }
    }
}

/// Rows `0..n` of a strided matrix (row stride `ld`, `width` columns) into `dst` with row stride `width`, then
/// zero rows up to `rows`.
unsafe fn copy_rows(dst: *mut f32, src: *const f32, ld: usize, n: usize, width: usize, rows: usize) {
    for i in 0..rows {
        for p in 0..width {
            *dst.add(i * width + p) = if i < n { *src.add(i * ld + p) } else { 0.0 };
        }
    }
}

/// Columns `0..width` of rows `0..n` (row stride `ld`) into NR-column panels, rows consecutive:
/// `dst[(d / NR)·NR·n + i·NR + d % NR] = src[i·ld + d]`, zero columns up to a whole panel. The B operand of a
/// product whose depth runs over rows.
#[inline(never)]
unsafe fn pack_cols(dst: *mut f32, src: *const f32, ld: usize, n: usize, width: usize) {
    for panel in 0..width.div_ceil(NR) {
        let d0 = panel * NR;
        let cols = NR.min(width - d0);
        let base = dst.add(panel * NR * n);
        for i in 0..n {
            let (s, d) = (src.add(i * ld + d0), base.add(i * NR));
            if cols == NR {
                F32x4::load(s).store(d);
                F32x4::load(s.add(4)).store(d.add(4));
            } else {
                for j in 0..cols {
                    *d.add(j) = *s.add(j);
                }
                for j in cols..NR {
                    *d.add(j) = 0.0;
                }
            }
        }
    }
}

/// out (B,T,C), lse (B,NH,T) from qkv (B,T,3C). Parallel over (b, h) when called inside a pool.
///
/// # Safety
/// Buffers of the sizes above; out and lse must not overlap qkv.
#[allow(clippy::too_many_arguments)]
pub unsafe fn attention_forward(
    out: *mut f32,
    lse: *mut f32,
    qkv: *const f32,
    b_: usize,
    t_: usize,
    c: usize,
    nh: usize,
    dropout: f64,
    seed: u32,
) {
    let dims = Dims::new(t_, c, nh, dropout, seed);
    let len = dims.fwd_scratch();
    let (out, lse, qkv) = (SendPtr(out), SendPtr(lse), SendConstPtr(qkv));
    par::for_each(b_ * nh, |bh| {
        with_scratch(len, |buf| forward_head(out.get(), lse.get(), qkv.get(), bh, &dims, buf));
    });
}

/// One head. Scores are kept transposed, Sᵀ (keys × queries), so the softmax runs down columns with whole
/// vectors and no horizontal reductions, and a block's Sᵀ is directly the A operand (6 queries a step, depth
/// over keys) of O = P·V. Per block of 24 queries: Sᵀ for each 8-query panel over the 6-key slivers up to its last query only; mask the few
/// entries past the diagonal; column max, 2^(s − max), sums; then each 6-query sliver's O over the keys up to
/// its last query, scaled by 1/sum.
#[inline(never)]
unsafe fn forward_head(out: *mut f32, lse: *mut f32, qkv: *const f32, bh: usize, d: &Dims, buf: *mut f32) {
    let (b, h) = (bh / d.nh, bh % d.nh);
    let (t_, c, hs, c3) = (d.t, d.c, d.hs, 3 * d.c);
    let q = qkv.add(b * t_ * c3 + h * hs);
    let k = q.add(c);
    let v = q.add(2 * c);
    let o = out.add(b * t_ * c + h * hs);
    let lse_bh = lse.add(bh * t_);
    let last_keys = t_ - t_ % MR;
    let qp = buf;
    let st = qp.add(round_up(t_, NR) * hs);
    let inv = st.add(round_up(t_, MR) * FWD_BLOCK);
    let k_edge = inv.add(FWD_BLOCK);
    let vp = k_edge.add(MR * hs);
    pack_panels(qp, q, c3, t_, hs);
    // K is read in place (each 6-key sliver is reused by every later query panel and stays in cache); only a
    // last partial sliver is copied, zero-padded, so no read passes the tensor. V is copied into 8-column
    // panels: a contiguous B stream measured ~10% faster over the whole forward than reading its rows in place.
    copy_rows(k_edge, k.add(last_keys * c3), c3, t_ - last_keys, hs, MR);
    pack_cols(vp, v, c3, t_, hs);
    // Scores in log2 units: S·log2 e, so the softmax is 2^(s − max). The backward scales identically, so the
    // probabilities it recomputes are those of the forward bit for bit.
    let s_alpha = d.scale * LOG2E;

    let mut q0 = 0;
    while q0 < t_ {
        let q_end = (q0 + FWD_BLOCK).min(t_);
        let mut qa = q0;
        while qa < q_end {
            // Sᵀ[keys 0..rows, queries qa..qa+8]: rows reach the panel's last query, rounded to a sliver.
            let rows = round_up((qa + NR).min(t_), MR);
            let col = st.add(qa - q0);
            let mut j0 = 0;
            while j0 < rows {
                let tile = col.add(j0 * FWD_BLOCK);
                let (ka, rs) = if j0 < last_keys { (k.add(j0 * c3), c3) } else { (k_edge as *const f32, hs) };
                gemm::sgemm_ukernel_6x8_rows(hs, s_alpha, ka, rs, qp.add(qa * hs), NR, 0.0, tile, FWD_BLOCK, MR, NR);
                j0 += MR;
            }
            softmax_panel(col, qa, rows, q_end, t_, lse_bh, inv.add(qa - q0));
            if d.dropout > 0.0 {
                for cq in 0..NR.min(t_ - qa) {
                    let (t, pc) = (qa + cq, col.add(cq));
                    let rc = d.row_counter(bh, t);
                    for j in 0..=t {
                        *pc.add(j * FWD_BLOCK) *= keep_factor(d.seed, d.threshold, d.keep, rc, j);
                    }
                }
            }
            qa += NR;
        }
        // O[qs..qs+6] = P·V over keys 0..=last query of the sliver, then 1/sum per row.
        let mut qs = q0;
        while qs < q_end {
            let mr = MR.min(q_end - qs);
            let a = st.add(qs - q0);
            for panel in 0..hs.div_ceil(NR) {
                let d0 = panel * NR;
                let dst = o.add(qs * c + d0);
                gemm::sgemm_ukernel_6x8_strided(qs + mr, 1.0, a, FWD_BLOCK, vp.add(panel * NR * t_), NR, 0.0, dst, c, mr, NR.min(hs - d0));
            }
            for r in 0..mr {
                scale_row(o.add((qs + r) * c), hs, *inv.add(qs - q0 + r));
            }
            qs += MR;
        }
        q0 = q_end;
    }
}

/// One 8-query panel of Sᵀ in place (`p` at its first column, row stride FWD_BLOCK, rows 0..rows computed):
/// masks keys after each query, turns every column into 2^(s − max) and writes the query's log-sum-exp (natural
/// log) to `lse` (valid queries only) and 1/sum to `inv[..NR]`. Rows rows..zero_to become 0: a neighbouring
/// 6-query sliver reads that deep into this panel's columns.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn softmax_panel(p: *mut f32, qa: usize, rows: usize, zero_to: usize, t_: usize, lse: *mut f32, inv: *mut f32) {
    // Columns 0–3 have no live key after row qa+3, columns 4–7 none after qa+7: past those rows a vector is
    // all masked and is written as 0 without an exponential (with 8-key panels in 6-key slivers, ~6% of them).
    let (live0, live1) = (rows.min(qa + 4), rows.min(qa + NR));
    for j in qa + 1..live1 {
        let row = p.add(j * FWD_BLOCK);
        for cq in 0..j - qa {
            *row.add(cq) = f32::NEG_INFINITY;
        }
    }
    let (mut m0, mut m1) = (F32x4::splat(f32::NEG_INFINITY), F32x4::splat(f32::NEG_INFINITY));
    for j in 0..live1 {
        let row = p.add(j * FWD_BLOCK);
        if j < live0 {
            m0 = m0.max_fast(F32x4::load(row));
        }
        m1 = m1.max_fast(F32x4::load(row.add(4)));
    }
    let (mut s0, mut s1) = (F32x4::zero(), F32x4::zero());
    for j in 0..live0 {
        let row = p.add(j * FWD_BLOCK);
        let e0 = exp2_f32x4(F32x4::load(row).sub(m0));
        let e1 = exp2_f32x4(F32x4::load(row.add(4)).sub(m1));
        e0.store(row);
        e1.store(row.add(4));
        s0 = s0.add(e0);
        s1 = s1.add(e1);
    }
    for j in live0..live1 {
        let row = p.add(j * FWD_BLOCK);
        let e1 = exp2_f32x4(F32x4::load(row.add(4)).sub(m1));
        F32x4::zero().store(row);
        e1.store(row.add(4));
        s1 = s1.add(e1);
    }
    for j in live1..rows.max(zero_to) {
        let row = p.add(j * FWD_BLOCK);
        F32x4::zero().store(row);
        F32x4::zero().store(row.add(4));
    }
    for cq in 0..NR {
        let (m, sum) = if cq < 4 { (m0.lane(cq), s0.lane(cq)) } else { (m1.lane(cq - 4), s1.lane(cq - 4)) };
        *inv.add(cq) = 1.0 / sum;
        if qa + cq < t_ {
            *lse.add(qa + cq) = m * LN2 + sum.ln();
        }
    }
}

#[inline(always)]
unsafe fn scale_row(row: *mut f32, n: usize, s: f32) {
    let n4 = n - n % 4;
    let sv = F32x4::splat(s);
    let mut j = 0;
    while j < n4 {
        F32x4::load(row.add(j)).mul(sv).store(row.add(j));
        j += 4;
    }
    for j in n4..n {
        *row.add(j) *= s;
    }
}

/// In place over `row[..len]`: softmax of the first `n` entries (the causal keys), zeros after. Returns the
/// max and the sum of exponentials, for the row's log-sum-exp. Fixed summation order: 4 lanes, then the tail.
/// (The KV-cache attention's row softmax, kvcache.rs; the fused kernels here use `softmax_panel` and exp2.)
#[inline(never)] // per row: called often enough for V8 to optimise it in worker threads
pub(crate) unsafe fn softmax_causal_row(row: *mut f32, n: usize, len: usize) -> (f32, f32) {
    let n4 = n - n % 4;
    let mut mv = F32x4::splat(f32::NEG_INFINITY);
    let mut j = 0;
    while j < n4 {
        mv = mv.max_fast(F32x4::load(row.add(j)));
        j += 4;
    }
    let mut m = mv.reduce_max();
    for j in n4..n {
        m = max_fast(m, *row.add(j));
    }
    let mvec = F32x4::splat(m);
    let mut acc = F32x4::zero();
    j = 0;
    while j < n4 {
        let e = exp_f32x4(F32x4::load(row.add(j)).sub(mvec));
        e.store(row.add(j));
        acc = acc.add(e);
        j += 4;
    }
    let mut sum = acc.reduce_sum();
    for j in n4..n {
        let e = exp_scalar(*row.add(j) - m);
        *row.add(j) = e;
        sum += e;
    }
    scale_row(row, n, 1.0 / sum);
    for j in n..len {
        *row.add(j) = 0.0;
    }
    (m, sum)
}


/// dqkv (B,T,3C) += gradient, given dout (B,T,C) and the forward's qkv, out and lse. With `accumulate` false
/// dqkv = gradient: each element's first product runs with β = 0, so its old contents are never read.
///
/// # Safety
/// Buffers of the sizes above; dqkv must not overlap the inputs.
#[allow(clippy::too_many_arguments)]
pub unsafe fn attention_backward(
    dqkv: *mut f32,
    dout: *const f32,
    qkv: *const f32,
    out: *const f32,
    lse: *const f32,
    b_: usize,
    t_: usize,
    c: usize,
    nh: usize,
    dropout: f64,
    seed: u32,
    accumulate: bool,
) {
    let dims = Dims::new(t_, c, nh, dropout, seed);
    let len = dims.bwd_scratch();
    let (dqkv, dout, qkv, out, lse) = (SendPtr(dqkv), SendConstPtr(dout), SendConstPtr(qkv), SendConstPtr(out), SendConstPtr(lse));
    par::for_each(b_ * nh, |bh| {
        with_scratch(len, |buf| backward_head(dqkv.get(), dout.get(), qkv.get(), out.get(), lse.get(), bh, &dims, buf, accumulate));
    });
}

/// One head. Scores are kept query-major here (S, dP: queries × keys, log2 units for S), because two of the
/// three gradient products read them with keys as rows (dV, dK: 6 keys a step, depth over queries), straight
/// from the buffer; the third (dQ) packs one 6-query sliver of dS at a time. Per block of BWD_BLOCK queries,
/// per 6-query sliver: S and dP over the 8-key tiles up to its last query; P = 2^(S − lse), dS; dQ. Then per
/// 6-key sliver: dV and dK over the block's queries from the sliver's first key on.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn backward_head(
    dqkv: *mut f32,
    dout: *const f32,
    qkv: *const f32,
    out: *const f32,
    lse: *const f32,
    bh: usize,
    d: &Dims,
    buf: *mut f32,
    accumulate: bool,
) {
    let (b, h) = (bh / d.nh, bh % d.nh);
    let (t_, c, hs, c3) = (d.t, d.c, d.hs, 3 * d.c);
    let q = qkv.add(b * t_ * c3 + h * hs);
    let k = q.add(c);
    let v = q.add(2 * c);
    let dq = dqkv.add(b * t_ * c3 + h * hs);
    let dk = dq.add(c);
    let dv = dq.add(2 * c);
    let o = out.add(b * t_ * c + h * hs);
    let d_o = dout.add(b * t_ * c + h * hs);
    let lse_bh = lse.add(bh * t_);
    let ld = d.bwd_row();
    let (panels, last_rows) = (hs.div_ceil(NR), t_ - t_ % MR);
    let k_pn = buf; // K, 8-key panels (the B operand of S = Q·Kᵀ)
    let v_pn = k_pn.add(round_up(t_, NR) * hs); // V, likewise for dP = dO·Vᵀ
    let s = v_pn.add(round_up(t_, NR) * hs);
    let dp = s.add(BWD_BLOCK * ld);
    let ds_sl = dp.add(BWD_BLOCK * ld);
    // Q and dO rows are read in place as the A operands of S and dP (a sliver's rows are reused over all its
    // key tiles); only a last partial 6-row sliver is copied, zero-padded, so no read passes the tensor. As
    // B operands (dQ, dV, dK, depth over rows) K, Q and dO are copied into contiguous 8-column panels.
    let q_rows_edge = ds_sl.add(MR * t_);
    let do_rows_edge = q_rows_edge.add(MR * hs);
    let k_col = do_rows_edge.add(MR * hs);
    let q_col = k_col.add(panels * NR * t_);
    let do_col = q_col.add(panels * NR * t_);
    pack_panels(k_pn, k, c3, t_, hs);
    pack_panels(v_pn, v, c3, t_, hs);
    copy_rows(q_rows_edge, q.add(last_rows * c3), c3, t_ - last_rows, hs, MR);
    copy_rows(do_rows_edge, d_o.add(last_rows * c), c, t_ - last_rows, hs, MR);
    pack_cols(k_col, k, c3, t_, hs);
    pack_cols(q_col, q, c3, t_, hs);
    pack_cols(do_col, d_o, c, t_, hs);
    let s_alpha = d.scale * LOG2E;

    let mut i0 = 0;
    while i0 < t_ {
        let i1 = (i0 + BWD_BLOCK).min(t_);
        let mut qs = i0;
        while qs < i1 {
            let mr = MR.min(i1 - qs);
            let keys = qs + mr;
            let (s_rows, dp_rows) = (s.add((qs - i0) * ld), dp.add((qs - i0) * ld));
            let ((qa, rs_q), (da, rs_do)) = if qs < last_rows {
                ((q.add(qs * c3), c3), (d_o.add(qs * c), c))
            } else {
                ((q_rows_edge as *const f32, hs), (do_rows_edge as *const f32, hs))
            };
            let mut j0 = 0;
            while j0 < keys {
                gemm::sgemm_ukernel_6x8_rows(hs, s_alpha, qa, rs_q, k_pn.add(j0 * hs), NR, 0.0, s_rows.add(j0), ld, MR, NR);
                gemm::sgemm_ukernel_6x8_rows(hs, 1.0, da, rs_do, v_pn.add(j0 * hs), NR, 0.0, dp_rows.add(j0), ld, MR, NR);
                j0 += NR;
            }
            for r in 0..mr {
                let t = qs + r;
                let (prow, dprow) = (s_rows.add(r * ld), dp_rows.add(r * ld));
                let delta = dot(d_o.add(t * c), o.add(t * c), hs);
                let shift = *lse_bh.add(t) * LOG2E;
                if d.dropout > 0.0 {
                    exp2_shifted_row(prow, t + 1, shift);
                    let rc = d.row_counter(bh, t);
                    for j in 0..=t {
                        let mask = keep_factor(d.seed, d.threshold, d.keep, rc, j);
                        let pj = *prow.add(j);
                        *dprow.add(j) = pj * (*dprow.add(j) * mask - delta);
                        *prow.add(j) = pj * mask;
                    }
                } else {
                    probs_and_grad_row(prow, dprow, t + 1, shift, delta);
                }
                // Keys after t read as zeros: by dV and dK up to t's 6-key sliver end, by the dQ pack up to `keys`.
                for j in t + 1..round_up(t + 1, MR).max(keys) {
                    *prow.add(j) = 0.0;
                    *dprow.add(j) = 0.0;
                }
            }
            // dQ[qs..qs+6] += scale·dS·K over keys 0..keys: the only product into these rows (β = 0 overwrites).
            let dq_beta = if accumulate { 1.0 } else { 0.0 };
            for j in 0..keys {
                for r in 0..MR {
                    *ds_sl.add(j * MR + r) = *dp_rows.add(r * ld + j);
                }
            }
            for panel in 0..panels {
                let d0 = panel * NR;
                let dst = dq.add(qs * c3 + d0);
                gemm::sgemm_ukernel_6x8_strided(keys, d.scale, ds_sl, MR, k_col.add(panel * NR * t_), NR, dq_beta, dst, c3, mr, NR.min(hs - d0));
            }
            qs += MR;
        }
        // dV[j0..j0+6] += (P·mask)ᵀ·dO and dK[j0..j0+6] += scale·dSᵀ·Q over the block's queries from j0 on.
        // A key sliver's first product is in the block holding it (j0 ≥ i0; blocks are whole slivers): β = 0
        // there when overwriting.
        let mut j0 = 0;
        while j0 < i1 {
            let mr = MR.min(i1 - j0);
            let kv_beta = if accumulate || j0 < i0 { 1.0 } else { 0.0 };
            let first = j0.max(i0);
            let (pa, dsa) = (s.add((first - i0) * ld + j0), dp.add((first - i0) * ld + j0));
            for panel in 0..panels {
                let (d0, off) = (panel * NR, panel * NR * t_ + first * NR);
                let nr = NR.min(hs - d0);
                gemm::sgemm_ukernel_6x8_strided(i1 - first, 1.0, pa, ld, do_col.add(off), NR, kv_beta, dv.add(j0 * c3 + d0), c3, mr, nr);
                gemm::sgemm_ukernel_6x8_strided(i1 - first, d.scale, dsa, ld, q_col.add(off), NR, kv_beta, dk.add(j0 * c3 + d0), c3, mr, nr);
            }
            j0 += MR;
        }
        i0 = i1;
    }
}

/// row[..n] = 2^(row − shift) over whole vectors (entries up to n rounded to 4; the caller zeroes those past n).
#[inline(never)] // per row: called often enough for V8 to optimise it in worker threads
unsafe fn exp2_shifted_row(row: *mut f32, n: usize, shift: f32) {
    let sv = F32x4::splat(shift);
    let mut j = 0;
    while j < n {
        exp2_f32x4(F32x4::load(row.add(j)).sub(sv)).store(row.add(j));
        j += 4;
    }
}

/// Without dropout, over whole vectors up to n rounded to 4: p = 2^(s − shift) into `s`, the softmax backward
/// dS = p ∘ (dP − delta) into `dp`.
#[inline(never)] // per row: called often enough for V8 to optimise it in worker threads
unsafe fn probs_and_grad_row(s: *mut f32, dp: *mut f32, n: usize, shift: f32, delta: f32) {
    let (sv, dv) = (F32x4::splat(shift), F32x4::splat(delta));
    let mut j = 0;
    while j < n {
        let p = exp2_f32x4(F32x4::load(s.add(j)).sub(sv));
        p.store(s.add(j));
        p.mul(F32x4::load(dp.add(j)).sub(dv)).store(dp.add(j));
        j += 4;
    }
}

/// Σ a·b over n, in a fixed order (4 lanes, then the tail).
#[inline(always)]
unsafe fn dot(a: *const f32, b: *const f32, n: usize) -> f32 {
    let n4 = n - n % 4;
    let mut acc = F32x4::zero();
    let mut j = 0;
    while j < n4 {
        acc = acc.mul_add(F32x4::load(a.add(j)), F32x4::load(b.add(j)));
        j += 4;
    }
    let mut s = acc.reduce_sum();
    for j in n4..n {
        s += *a.add(j) * *b.add(j);
    }
    s
}

#[cfg(target_arch = "wasm32")]
mod ffi {
    use crate::ffi::{export, reject_if, run};

    fn dims_ok(b: usize, t: usize, c: usize, nh: usize, dropout: f64) -> bool {
        b > 0 && t > 0 && c > 0 && nh > 0 && c % nh == 0 && (0.0..1.0).contains(&dropout)
    }

    /// Work estimate: the causal QKᵀ and PV products.
    /// Saturating: usize is 32 bits on wasm32 and GPT-2-sized products overflow it.
    fn work(b: usize, t: usize, c: usize) -> usize {
        b.saturating_mul(t).saturating_mul(t).saturating_mul(c).saturating_mul(2)
    }

    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub extern "C" fn wgpt_attention_forward(
        out: *mut f32,
        lse: *mut f32,
        qkv: *const f32,
        b: usize,
        t: usize,
        c: usize,
        nh: usize,
        dropout: f64,
        seed: u32,
    ) -> i32 {
        export(|| {
            reject_if(!dims_ok(b, t, c, nh, dropout))?;
            let (out, lse, qkv) = (out as usize, lse as usize, qkv as usize);
            run(work(b, t, c), || unsafe {
                super::attention_forward(out as *mut f32, lse as *mut f32, qkv as *const f32, b, t, c, nh, dropout, seed)
            });
            Ok(())
        })
    }

    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub extern "C" fn wgpt_attention_backward(
        dqkv: *mut f32,
        dout: *const f32,
        qkv: *const f32,
        out: *const f32,
        lse: *const f32,
        b: usize,
        t: usize,
        c: usize,
        nh: usize,
        dropout: f64,
        seed: u32,
        accumulate: u32,
    ) -> i32 {
        export(|| {
            reject_if(!dims_ok(b, t, c, nh, dropout) || accumulate > 1)?;
            let p = [dqkv as usize, dout as usize, qkv as usize, out as usize, lse as usize];
            run(work(b, t, c).saturating_mul(2), || unsafe {
                super::attention_backward(p[0] as *mut f32, p[1] as *const f32, p[2] as *const f32, p[3] as *const f32,
                                          p[4] as *const f32, b, t, c, nh, dropout, seed, accumulate == 1)
            });
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testutil::*;

    struct Case {
        b: usize,
        t: usize,
        c: usize,
        nh: usize,
        dropout: f64,
    }

    const CASES: &[Case] = &[
        Case { b: 1, t: 1, c: 4, nh: 1, dropout: 0.0 },
        Case { b: 2, t: 5, c: 6, nh: 2, dropout: 0.0 },   // hs = 3: not a multiple of 4
        Case { b: 1, t: 49, c: 10, nh: 2, dropout: 0.0 }, // T = BQ + 1, hs = 5
        Case { b: 2, t: 48, c: 16, nh: 4, dropout: 0.0 }, // T = BQ
        Case { b: 1, t: 100, c: 64, nh: 2, dropout: 0.0 },
        Case { b: 2, t: 37, c: 12, nh: 3, dropout: 0.25 },
        Case { b: 1, t: 97, c: 32, nh: 1, dropout: 0.1 },
        Case { b: 2, t: 73, c: 40, nh: 2, dropout: 0.0 }, // hs = 20: whole and partial 8-column panels
        Case { b: 1, t: 25, c: 24, nh: 1, dropout: 0.0 }, // T = one forward block + 1, hs = 24
        Case { b: 1, t: 50, c: 40, nh: 2, dropout: 0.3 }, // T = one backward block + 2, partial panels, dropout
    ];

    fn run_fast(cs: &Case, qkv: &[f32], dout: &[f32]) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let (b, t, c, nh) = (cs.b, cs.t, cs.c, cs.nh);
        let mut out = vec![0.0; b * t * c];
        let mut lse = vec![0.0; b * nh * t];
        let mut dqkv = vec![0.0; b * t * 3 * c];
        unsafe {
            attention_forward(out.as_mut_ptr(), lse.as_mut_ptr(), qkv.as_ptr(), b, t, c, nh, cs.dropout, 7);
            attention_backward(dqkv.as_mut_ptr(), dout.as_ptr(), qkv.as_ptr(), out.as_ptr(), lse.as_ptr(), b, t, c, nh, cs.dropout, 7, true);
        }
        (out, lse, dqkv)
    }

    #[test]
    fn fast_matches_reference() {
        for (i, cs) in CASES.iter().enumerate() {
            let (b, t, c, nh) = (cs.b, cs.t, cs.c, cs.nh);
            let qkv: Vec<f32> = seeded(10 + i as u64, b * t * 3 * c).iter().map(|x| 2.0 * x).collect();
            let dout = seeded(20 + i as u64, b * t * c);
            let (out, lse, dqkv) = run_fast(cs, &qkv, &dout);
            let mut out_ref = vec![0.0; b * t * c];
            let mut lse_ref = vec![0.0; b * nh * t];
            attention_forward_ref(&mut out_ref, &mut lse_ref, &qkv, b, t, c, nh, cs.dropout, 7);
            let mut dqkv_ref = vec![0.0; b * t * 3 * c];
            attention_backward_ref(&mut dqkv_ref, &dout, &qkv, b, t, c, nh, cs.dropout, 7, true);
            let tol = Tol { abs: 2e-5, rel: 2e-4 };
            assert_close(&format!("case {i} out"), &out, &out_ref, tol);
            assert_close(&format!("case {i} lse"), &lse, &lse_ref, tol);
            assert_close(&format!("case {i} dqkv"), &dqkv, &dqkv_ref, Tol { abs: 1e-4, rel: 1e-3 });
        }
    }

    #[test]
    fn reference_backward_passes_finite_differences() {
        for cs in [&CASES[1], &CASES[5], &Case { b: 1, t: 6, c: 8, nh: 2, dropout: 0.0 }] {
            let (b, t, c, nh) = (cs.b, cs.t, cs.c, cs.nh);
            let mut qkv = seeded(3, b * t * 3 * c);
            let w = seeded(4, b * t * c);
            let mut dqkv = vec![0.0; qkv.len()];
            attention_backward_ref(&mut dqkv, &w, &qkv, b, t, c, nh, cs.dropout, 7, true);
            // The fast backward too, against the same finite differences.
            let (_, _, dqkv_fast) = run_fast(cs, &qkv, &w);
            let loss = |x: &[f32]| {
                let mut out = vec![0.0; b * t * c];
                let mut lse = vec![0.0; b * nh * t];
                attention_forward_ref(&mut out, &mut lse, x, b, t, c, nh, cs.dropout, 7);
                dot64(&w, &out)
            };
            let mut x2 = qkv.clone();
            grad_check("attention dqkv (ref)", &mut qkv, &dqkv, None, loss);
            grad_check("attention dqkv (fast)", &mut x2, &dqkv_fast, None, loss);
        }
    }

    #[test]
    fn backward_accumulates() {
        let cs = &CASES[2];
        let (b, t, c, nh) = (cs.b, cs.t, cs.c, cs.nh);
        let qkv = seeded(5, b * t * 3 * c);
        let dout = seeded(6, b * t * c);
        let (out, lse, once) = run_fast(cs, &qkv, &dout);
        let mut twice = once.clone();
        unsafe { attention_backward(twice.as_mut_ptr(), dout.as_ptr(), qkv.as_ptr(), out.as_ptr(), lse.as_ptr(), b, t, c, nh, 0.0, 7, true) };
        for (x, y) in once.iter().zip(&twice) {
            assert!((2.0 * x - y).abs() <= 1e-6 * x.abs().max(1.0), "{x} doubled is not {y}");
        }
    }

    #[test]
    fn overwrite_ignores_dqkv_and_equals_accumulating_into_zeros() {
        for (i, cs) in CASES.iter().enumerate() {
            let (b, t, c, nh) = (cs.b, cs.t, cs.c, cs.nh);
            let qkv = seeded(90 + i as u64, b * t * 3 * c);
            let dout = seeded(95 + i as u64, b * t * c);
            let (out, lse, zeros) = run_fast(cs, &qkv, &dout);
            let mut garbage = vec![f32::NAN; zeros.len()];
            unsafe {
                attention_backward(garbage.as_mut_ptr(), dout.as_ptr(), qkv.as_ptr(), out.as_ptr(), lse.as_ptr(), b, t, c, nh, cs.dropout, 7, false);
            }
            assert_bits_eq(&format!("case {i} dqkv"), &garbage, &zeros);
            let mut garbage_ref = vec![f32::NAN; zeros.len()];
            attention_backward_ref(&mut garbage_ref, &dout, &qkv, b, t, c, nh, cs.dropout, 7, false);
            assert_close(&format!("case {i} dqkv ref"), &garbage, &garbage_ref, Tol { abs: 1e-4, rel: 1e-3 });
        }
    }

    #[cfg(feature = "threads")]
    #[test]
    fn bitwise_identical_for_any_thread_count() {
        for cs in [&CASES[4], &CASES[6], &Case { b: 3, t: 130, c: 24, nh: 3, dropout: 0.0 }] {
            let (b, t, c) = (cs.b, cs.t, cs.c);
            let qkv = seeded(8, b * t * 3 * c);
            let dout = seeded(9, b * t * c);
            let overwrite = |(out, lse, _): &(Vec<f32>, Vec<f32>, Vec<f32>)| {
                let mut d = vec![f32::NAN; b * t * 3 * c];
                unsafe {
                    attention_backward(d.as_mut_ptr(), dout.as_ptr(), qkv.as_ptr(), out.as_ptr(), lse.as_ptr(), b, t, c, cs.nh, cs.dropout, 7, false);
                }
                d
            };
            let one = with_threads(1, || run_fast(cs, &qkv, &dout));
            let one_o = with_threads(1, || overwrite(&one));
            for threads in [2, 3] {
                let many = with_threads(threads, || run_fast(cs, &qkv, &dout));
                assert_bits_eq("out", &one.0, &many.0);
                assert_bits_eq("lse", &one.1, &many.1);
                assert_bits_eq("dqkv", &one.2, &many.2);
                assert_bits_eq("dqkv overwrite", &one_o, &with_threads(threads, || overwrite(&many)));
            }
        }
    }
}
