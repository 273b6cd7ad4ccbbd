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
//! The backward recomputes the probabilities from q, k and lse instead. Scratch: per thread, two BQ×T blocks
//! plus GEMM packing, allocated once.
//!
//! Work is split into one task per (b, h), so results do not depend on the thread count; within a task,
//! queries go in blocks of BQ rows and only keys up to the block's last row are touched (causal), so the
//! GEMMs do about half the work of the full T×T product. Forward, per block:
//!   S = scale·Q_blk·K[..i1]ᵀ → row-wise causal softmax, lse → (dropout) P → O_blk = P·V[..i1]
//! Backward, per block, with D = rowsum(dO ∘ O):
//!   P = exp(S − lse), dP = dO_blk·V[..i1]ᵀ, dS = P ∘ (dP·mask − D),
//!   dV[..i1] += (P·mask)ᵀ·dO_blk, dQ_blk += scale·dS·K[..i1], dK[..i1] += scale·dSᵀ·Q_blk.

use super::dropout;
use crate::gemm::{self, Workspace};
use crate::par::{self, SendConstPtr, SendPtr};
use crate::simd::{exp_f32x4, exp_scalar, max_keep_nan, F32x4};
use std::sync::Mutex;

/// Query rows per block: 8 register tiles of 6 rows; the causal overshoot on the diagonal is BQ/2 keys a row.
const BQ: usize = 48;

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

/// dqkv (B,T,3C) += gradient of the attention; recomputes the probabilities (ignores `out` and `lse`, which
/// the fast version uses, so this stays an independent definition).
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
) {
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
// Fast path.

/// Per-thread scratch: GEMM packing plus two BQ×T blocks. Indexed by rayon thread (slot 0: no pool), so a
/// task never waits for another; which slot a task uses does not affect its results.
struct Scratch {
    ws: Workspace,
    s: Vec<f32>,
    dp: Vec<f32>,
}

const SLOTS: usize = 65;
static SCRATCH: [Mutex<Scratch>; SLOTS] =
    [const { Mutex::new(Scratch { ws: Workspace::new(), s: Vec::new(), dp: Vec::new() }) }; SLOTS];

fn with_scratch<R>(block_len: usize, f: impl FnOnce(&mut Scratch) -> R) -> R {
    #[cfg(feature = "threads")]
    let slot = rayon::current_thread_index().map_or(0, |i| (i + 1) % SLOTS);
    #[cfg(not(feature = "threads"))]
    let slot = 0;
    let mut guard = SCRATCH[slot].lock().unwrap_or_else(|e| e.into_inner());
    let sc = &mut *guard;
    if sc.s.len() < block_len {
        sc.s = vec![0.0; block_len];
        sc.dp = vec![0.0; block_len];
    }
    f(sc)
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
    let (out, lse, qkv) = (SendPtr(out), SendPtr(lse), SendConstPtr(qkv));
    par::for_each(b_ * nh, |bh| {
        with_scratch(BQ * t_, |sc| forward_head(out.get(), lse.get(), qkv.get(), bh, &dims, sc));
    });
}

#[inline(never)]
unsafe fn forward_head(out: *mut f32, lse: *mut f32, qkv: *const f32, bh: usize, d: &Dims, sc: &mut Scratch) {
    let (b, h) = (bh / d.nh, bh % d.nh);
    let (t_, c, hs, c3) = (d.t, d.c, d.hs, 3 * d.c);
    let q = qkv.add(b * t_ * c3 + h * hs);
    let k = q.add(c);
    let v = q.add(2 * c);
    let o = out.add(b * t_ * c + h * hs);
    let lse_bh = lse.add(bh * t_);
    let s = sc.s.as_mut_ptr();
    let mut i0 = 0;
    while i0 < t_ {
        let i1 = (i0 + BQ).min(t_);
        let rows = i1 - i0;
        // S (rows, i1) = scale · Q_blk · K[..i1]ᵀ
        gemm::sgemm_serial(&mut sc.ws, false, true, rows, i1, hs, d.scale, q.add(i0 * c3), c3, k, c3, 0.0, s, i1);
        for r in 0..rows {
            let t = i0 + r;
            let row = s.add(r * i1);
            let (m, sum) = softmax_causal_row(row, t + 1, i1);
            *lse_bh.add(t) = m + sum.ln();
            if d.dropout > 0.0 {
                let rc = d.row_counter(bh, t);
                for j in 0..=t {
                    *row.add(j) *= keep_factor(d.seed, d.threshold, d.keep, rc, j);
                }
            }
        }
        // O_blk (rows, hs) = P · V[..i1]
        gemm::sgemm_serial(&mut sc.ws, false, false, rows, hs, i1, 1.0, s, i1, v, c3, 0.0, o.add(i0 * c), c);
        i0 = i1;
    }
}

/// In place over `row[..len]`: softmax of the first `n` entries (the causal keys), zeros after. Returns the
/// max and the sum of exponentials, for the row's log-sum-exp. Fixed summation order: 4 lanes, then the tail.
#[inline(never)] // per row: called often enough for V8 to optimise it in worker threads
pub(crate) unsafe fn softmax_causal_row(row: *mut f32, n: usize, len: usize) -> (f32, f32) {
    let n4 = n - n % 4;
    let mut mv = F32x4::splat(f32::NEG_INFINITY);
    let mut j = 0;
    while j < n4 {
        mv = mv.max_keep_nan(F32x4::load(row.add(j)));
        j += 4;
    }
    let mut m = mv.reduce_max();
    for j in n4..n {
        m = max_keep_nan(m, *row.add(j));
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

/// dqkv (B,T,3C) += gradient, given dout (B,T,C) and the forward's qkv, out and lse.
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
) {
    let dims = Dims::new(t_, c, nh, dropout, seed);
    let (dqkv, dout, qkv, out, lse) = (SendPtr(dqkv), SendConstPtr(dout), SendConstPtr(qkv), SendConstPtr(out), SendConstPtr(lse));
    par::for_each(b_ * nh, |bh| {
        with_scratch(BQ * t_, |sc| backward_head(dqkv.get(), dout.get(), qkv.get(), out.get(), lse.get(), bh, &dims, sc));
    });
}

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
    sc: &mut Scratch,
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
    let (s, dp) = (sc.s.as_mut_ptr(), sc.dp.as_mut_ptr());
    let mut i0 = 0;
    while i0 < t_ {
        let i1 = (i0 + BQ).min(t_);
        let rows = i1 - i0;
        // P = exp(S − lse), recomputed
        gemm::sgemm_serial(&mut sc.ws, false, true, rows, i1, hs, d.scale, q.add(i0 * c3), c3, k, c3, 0.0, s, i1);
        for r in 0..rows {
            let t = i0 + r;
            exp_shifted_row(s.add(r * i1), t + 1, i1, *lse_bh.add(t));
        }
        // dP (rows, i1) = dO_blk · V[..i1]ᵀ
        gemm::sgemm_serial(&mut sc.ws, false, true, rows, i1, hs, 1.0, d_o.add(i0 * c), c, v, c3, 0.0, dp, i1);
        // dS = P ∘ (dP·mask − D) into dp, then P·mask into s (what multiplied V in the forward)
        for r in 0..rows {
            let t = i0 + r;
            let delta = dot(d_o.add(t * c), o.add(t * c), hs);
            let (prow, dprow) = (s.add(r * i1), dp.add(r * i1));
            if d.dropout > 0.0 {
                let rc = d.row_counter(bh, t);
                for j in 0..=t {
                    let mask = keep_factor(d.seed, d.threshold, d.keep, rc, j);
                    let pj = *prow.add(j);
                    *dprow.add(j) = pj * (*dprow.add(j) * mask - delta);
                    *prow.add(j) = pj * mask;
                }
            } else {
                softmax_grad_row(dprow, prow, t + 1, delta);
            }
            for j in t + 1..i1 {
                *dprow.add(j) = 0.0;
            }
        }
        // dV[..i1] += (P·mask)ᵀ · dO_blk;  dQ_blk += scale·dS·K[..i1];  dK[..i1] += scale·dSᵀ·Q_blk
        gemm::sgemm_serial(&mut sc.ws, true, false, i1, hs, rows, 1.0, s, i1, d_o.add(i0 * c), c, 1.0, dv, c3);
        gemm::sgemm_serial(&mut sc.ws, false, false, rows, hs, i1, d.scale, dp, i1, k, c3, 1.0, dq.add(i0 * c3), c3);
        gemm::sgemm_serial(&mut sc.ws, true, false, i1, hs, rows, d.scale, dp, i1, q.add(i0 * c3), c3, 1.0, dk, c3);
        i0 = i1;
    }
}

/// row[..n] = exp(row − shift), zeros in row[n..len].
#[inline(never)] // per row: called often enough for V8 to optimise it in worker threads
unsafe fn exp_shifted_row(row: *mut f32, n: usize, len: usize, shift: f32) {
    let n4 = n - n % 4;
    let sv = F32x4::splat(shift);
    let mut j = 0;
    while j < n4 {
        exp_f32x4(F32x4::load(row.add(j)).sub(sv)).store(row.add(j));
        j += 4;
    }
    for j in n4..n {
        *row.add(j) = exp_scalar(*row.add(j) - shift);
    }
    for j in n..len {
        *row.add(j) = 0.0;
    }
}

/// dp[..n] = p ∘ (dp − delta): the softmax backward without dropout.
#[inline(never)] // per row: called often enough for V8 to optimise it in worker threads
unsafe fn softmax_grad_row(dp: *mut f32, p: *const f32, n: usize, delta: f32) {
    let n4 = n - n % 4;
    let dv = F32x4::splat(delta);
    let mut j = 0;
    while j < n4 {
        F32x4::load(p.add(j)).mul(F32x4::load(dp.add(j)).sub(dv)).store(dp.add(j));
        j += 4;
    }
    for j in n4..n {
        *dp.add(j) = *p.add(j) * (*dp.add(j) - delta);
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
    use crate::ffi::{run, Status};

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
        if !dims_ok(b, t, c, nh, dropout) {
            return Status::InvalidArgument as i32;
        }
        let (out, lse, qkv) = (out as usize, lse as usize, qkv as usize);
        run(work(b, t, c), || unsafe {
            super::attention_forward(out as *mut f32, lse as *mut f32, qkv as *const f32, b, t, c, nh, dropout, seed)
        });
        Status::Ok as i32
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
    ) -> i32 {
        if !dims_ok(b, t, c, nh, dropout) {
            return Status::InvalidArgument as i32;
        }
        let p = [dqkv as usize, dout as usize, qkv as usize, out as usize, lse as usize];
        run(work(b, t, c).saturating_mul(2), || unsafe {
            super::attention_backward(p[0] as *mut f32, p[1] as *const f32, p[2] as *const f32, p[3] as *const f32,
                                      p[4] as *const f32, b, t, c, nh, dropout, seed)
        });
        Status::Ok as i32
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
    ];

    fn run_fast(cs: &Case, qkv: &[f32], dout: &[f32]) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let (b, t, c, nh) = (cs.b, cs.t, cs.c, cs.nh);
        let mut out = vec![0.0; b * t * c];
        let mut lse = vec![0.0; b * nh * t];
        let mut dqkv = vec![0.0; b * t * 3 * c];
        unsafe {
            attention_forward(out.as_mut_ptr(), lse.as_mut_ptr(), qkv.as_ptr(), b, t, c, nh, cs.dropout, 7);
            attention_backward(dqkv.as_mut_ptr(), dout.as_ptr(), qkv.as_ptr(), out.as_ptr(), lse.as_ptr(), b, t, c, nh, cs.dropout, 7);
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
            attention_backward_ref(&mut dqkv_ref, &dout, &qkv, b, t, c, nh, cs.dropout, 7);
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
            attention_backward_ref(&mut dqkv, &w, &qkv, b, t, c, nh, cs.dropout, 7);
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
        unsafe { attention_backward(twice.as_mut_ptr(), dout.as_ptr(), qkv.as_ptr(), out.as_ptr(), lse.as_ptr(), b, t, c, nh, 0.0, 7) };
        for (x, y) in once.iter().zip(&twice) {
            assert!((2.0 * x - y).abs() <= 1e-6 * x.abs().max(1.0), "{x} doubled is not {y}");
        }
    }

    #[cfg(feature = "threads")]
    #[test]
    fn bitwise_identical_for_any_thread_count() {
        for cs in [&CASES[4], &CASES[6], &Case { b: 3, t: 130, c: 24, nh: 3, dropout: 0.0 }] {
            let (b, t, c) = (cs.b, cs.t, cs.c);
            let qkv = seeded(8, b * t * 3 * c);
            let dout = seeded(9, b * t * c);
            let one = with_threads(1, || run_fast(cs, &qkv, &dout));
            for threads in [2, 3] {
                let many = with_threads(threads, || run_fast(cs, &qkv, &dout));
                assert_bits_eq("out", &one.0, &many.0);
                assert_bits_eq("lse", &one.1, &many.1);
                assert_bits_eq("dqkv", &one.2, &many.2);
            }
        }
    }
}
