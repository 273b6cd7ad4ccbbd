//! The KV cache of incremental decoding: attention of new query rows over the cached keys and values (which
//! it also appends), and the reordering of cache rows that beam search needs. Inference only: no backward.
//!
//! Layout. One layer's cache is kv (B, 2, NH, maxT, hs): batch row b keeps the keys of head h at
//! kv[b,0,h,t,:] and its values at kv[b,1,h,t,:], for positions t < maxT: B·2·maxT·C floats. Head-major, so
//! that a decode step streams each head's keys and values as one contiguous block rather than as hs-float
//! pieces C floats apart (10–20% faster at GPT-2 sizes, measured against matmuls in the same run). A model's
//! cache is L of these, L·B·2·maxT·C floats (src/model/inference.ts allocates it once).
//!
//! `kv_attention_forward`: the Tq new rows of qkv (B,Tq,3C) are positions pos..pos+Tq of each sequence. Their
//! keys and values are written into the cache, then query row t attends causally over positions 0..=pos+t:
//!   out[b,t] = softmax(scale·q[b,t]·K[b,..=pos+t]ᵀ)·V[b,..=pos+t],  scale = 1/√hs
//! which is attention.rs's forward (without dropout) restricted to the new rows. Prefill is Tq = prompt
//! length at pos = 0; decode is Tq = 1, one query row per (b, h) against everything cached.
//!
//! Work is split into one task per (b, h), which also writes only its own head's channels of the cache, so
//! results do not depend on the thread count. Within a task, queries go in blocks of BQ rows as in
//! attention.rs: S = scale·Q_blk·K[..pos+i1]ᵀ → causal softmax → O_blk = P·V[..pos+i1], both products on
//! the SGEMM (at decode, its matrix-vector path). Scratch: per thread, one BQ×maxT block, grown once.

use super::attention::softmax_causal_row;
use crate::gemm::{self, Workspace};
use crate::par::{self, SendConstPtr, SendPtr};
use std::sync::Mutex;

/// Query rows per block, as in attention.rs (8 register tiles of 6 rows).
const BQ: usize = 48;

// ---------------------------------------------------------------------------------------------------------
// Reference: the definition, plain loops over (b, t, h).

/// out (B,Tq,C) from qkv (B,Tq,3C) and the cache kv (B,2,NH,maxT,hs), after writing the new keys and
/// values into kv at positions pos..pos+Tq.
#[allow(clippy::too_many_arguments)]
pub fn kv_attention_forward_ref(
    out: &mut [f32],
    kv: &mut [f32],
    qkv: &[f32],
    b_: usize,
    tq: usize,
    pos: usize,
    max_t: usize,
    c: usize,
    nh: usize,
) {
    let hs = c / nh;
    let scale = 1.0 / (hs as f32).sqrt();
    let at = |b: usize, which: usize, h: usize, t: usize| (((b * 2 + which) * nh + h) * max_t + t) * hs;
    for b in 0..b_ {
        for t in 0..tq {
            for h in 0..nh {
                let src = (b * tq + t) * 3 * c + h * hs;
                kv[at(b, 0, h, pos + t)..][..hs].copy_from_slice(&qkv[src + c..][..hs]);
                kv[at(b, 1, h, pos + t)..][..hs].copy_from_slice(&qkv[src + 2 * c..][..hs]);
            }
        }
    }
    let mut p = vec![0.0f32; pos + tq];
    for b in 0..b_ {
        for t in 0..tq {
            let n = pos + t + 1;
            for h in 0..nh {
                let q = &qkv[(b * tq + t) * 3 * c + h * hs..][..hs];
                let mut m = f32::NEG_INFINITY;
                for (j, pj) in p[..n].iter_mut().enumerate() {
                    let k = &kv[at(b, 0, h, j)..][..hs];
                    let mut s = 0.0f32;
                    for d in 0..hs {
                        s += q[d] * k[d];
                    }
                    *pj = s * scale;
                    m = m.max(*pj);
                }
                let mut sum = 0.0f32;
                for pj in p[..n].iter_mut() {
                    *pj = (*pj - m).exp();
                    sum += *pj;
                }
                let o = &mut out[(b * tq + t) * c + h * hs..][..hs];
                o.iter_mut().for_each(|x| *x = 0.0);
                for (j, &pj) in p[..n].iter().enumerate() {
                    let v = &kv[at(b, 1, h, j)..][..hs];
                    for d in 0..hs {
                        o[d] += pj / sum * v[d];
                    }
                }
            }
        }
    }
}

/// Row b of every layer's cache ← row order[b], positions 0..len (keys and values of every head). `order`
/// (B) may repeat rows (two beams continuing the same parent) and drop others.
#[allow(clippy::too_many_arguments)]
pub fn kv_reorder_ref(kv: &mut [f32], order: &[u32], l_: usize, b_: usize, max_t: usize, c: usize, nh: usize, len: usize) {
    let hs = c / nh;
    let old = kv.to_vec();
    for l in 0..l_ {
        for (dst, &src) in order.iter().enumerate().take(b_) {
            for seg in 0..2 * nh {
                let at = |b: usize| ((l * b_ + b) * 2 * nh + seg) * max_t * hs;
                kv[at(dst)..][..len * hs].copy_from_slice(&old[at(src as usize)..][..len * hs]);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Fast path.

/// Per-thread scratch, indexed by rayon thread as in attention.rs (which slot a task uses changes nothing).
struct Scratch {
    ws: Workspace,
    s: Vec<f32>,
}

const SLOTS: usize = 65;
static SCRATCH: [Mutex<Scratch>; SLOTS] = [const { Mutex::new(Scratch { ws: Workspace::new(), s: Vec::new() }) }; SLOTS];

fn with_scratch<R>(block_len: usize, f: impl FnOnce(&mut Scratch) -> R) -> R {
    #[cfg(feature = "threads")]
    let slot = rayon::current_thread_index().map_or(0, |i| (i + 1) % SLOTS);
    #[cfg(not(feature = "threads"))]
    let slot = 0;
    let mut guard = SCRATCH[slot].lock().unwrap_or_else(|e| e.into_inner());
    let sc = &mut *guard;
    if sc.s.len() < block_len {
        sc.s = vec![0.0; block_len];
    }
    f(sc)
}

struct Dims {
    tq: usize,
    pos: usize,
    max_t: usize,
    c: usize,
    nh: usize,
    hs: usize,
    scale: f32,
}

/// out (B,Tq,C) from qkv (B,Tq,3C) over the cache kv (B,2,NH,maxT,hs), appending the new keys and values
/// at positions pos..pos+Tq. Parallel over (b, h) when called inside a pool.
///
/// # Safety
/// Buffers of the sizes above, pos + Tq ≤ maxT; out must not overlap qkv or kv.
#[allow(clippy::too_many_arguments)]
pub unsafe fn kv_attention_forward(
    out: *mut f32,
    kv: *mut f32,
    qkv: *const f32,
    b_: usize,
    tq: usize,
    pos: usize,
    max_t: usize,
    c: usize,
    nh: usize,
) {
    let hs = c / nh;
    let d = Dims { tq, pos, max_t, c, nh, hs, scale: 1.0 / (hs as f32).sqrt() };
    let (out, kv, qkv) = (SendPtr(out), SendPtr(kv), SendConstPtr(qkv));
    par::for_each(b_ * nh, |bh| {
        with_scratch(BQ.min(tq) * (pos + tq), |sc| attend_head(out.get(), kv.get(), qkv.get(), bh, &d, sc));
    });
}

#[inline(never)]
unsafe fn attend_head(out: *mut f32, kv: *mut f32, qkv: *const f32, bh: usize, d: &Dims, sc: &mut Scratch) {
    let (b, h) = (bh / d.nh, bh % d.nh);
    let (c, hs, c3) = (d.c, d.hs, 3 * d.c);
    let q = qkv.add(b * d.tq * c3 + h * hs);
    let keys = kv.add(((b * 2) * d.nh + h) * d.max_t * hs); // (maxT, hs)
    let values = keys.add(d.nh * d.max_t * hs);
    // This head's new keys and values join the cache (other tasks write the other heads).
    for t in 0..d.tq {
        core::ptr::copy_nonoverlapping(q.add(t * c3 + c), keys.add((d.pos + t) * hs), hs);
        core::ptr::copy_nonoverlapping(q.add(t * c3 + 2 * c), values.add((d.pos + t) * hs), hs);
    }
    let o = out.add(b * d.tq * c + h * hs);
    let s = sc.s.as_mut_ptr();
    let mut i0 = 0;
    while i0 < d.tq {
        let i1 = (i0 + BQ).min(d.tq);
        let rows = i1 - i0;
        let n1 = d.pos + i1; // keys the block's last row sees
        // S (rows, n1) = scale · Q_blk · K[..n1]ᵀ
        gemm::sgemm_serial(&mut sc.ws, false, true, rows, n1, hs, d.scale, q.add(i0 * c3), c3, keys, hs, 0.0, s, n1);
        for r in 0..rows {
            softmax_causal_row(s.add(r * n1), d.pos + i0 + r + 1, n1);
        }
        // O_blk (rows, hs) = P · V[..n1]
        gemm::sgemm_serial(&mut sc.ws, false, false, rows, hs, n1, 1.0, s, n1, values, hs, 0.0, o.add(i0 * c), c);
        i0 = i1;
    }
}

/// Where a reorder copies from: a cache row, or the one spare row that breaks cycles.
#[derive(Clone, Copy)]
enum Slot {
    Row(usize),
    Spare,
}

/// Scratch of the reorder: the copy plan and the spare row (2·NH segments of len·hs floats), both grown once.
struct ReorderScratch {
    plan: Vec<(Slot, Slot)>,
    src: Vec<Option<Slot>>,
    readers: Vec<usize>,
    spare: Vec<f32>,
}

static REORDER: Mutex<ReorderScratch> =
    Mutex::new(ReorderScratch { plan: Vec::new(), src: Vec::new(), readers: Vec::new(), spare: Vec::new() });

/// Orders the copies `row d ← row order[d]` so that no row is overwritten while a pending copy still reads it.
/// Rows that stay put cost nothing; a permutation cycle costs one extra copy through the spare row. The
/// result: `plan` as (from, to) pairs, applied in order.
fn plan_reorder(sc: &mut ReorderScratch, order: &[u32]) {
    let b_ = order.len();
    sc.plan.clear();
    sc.src.clear();
    sc.src.extend(order.iter().enumerate().map(|(d, &s)| (s as usize != d).then_some(Slot::Row(s as usize))));
    sc.readers.clear();
    sc.readers.resize(b_, 0);
    for (d, &s) in order.iter().enumerate() {
        if s as usize != d {
            sc.readers[s as usize] += 1;
        }
    }
    loop {
        let mut progress = false;
        for d in 0..b_ {
            if let Some(from) = sc.src[d] {
                if sc.readers[d] == 0 {
                    sc.plan.push((from, Slot::Row(d)));
                    sc.src[d] = None;
                    if let Slot::Row(s) = from {
                        sc.readers[s] -= 1;
                    }
                    progress = true;
                }
            }
        }
        let Some(stuck) = (0..b_).find(|&d| sc.src[d].is_some()) else { break };
        if !progress {
            // Every pending row is read by another pending row: only cycles are left (and the spare row has
            // no pending reader, see below). Park `stuck` in the spare row and let its readers read it there.
            // Once this cycle unwinds, anything still pending is again a set of cycles whose members read only
            // each other, so the spare row is free for the next one.
            sc.plan.push((Slot::Row(stuck), Slot::Spare));
            for d in 0..b_ {
                if matches!(sc.src[d], Some(Slot::Row(s)) if s == stuck) {
                    sc.src[d] = Some(Slot::Spare);
                }
            }
            sc.readers[stuck] = 0;
        }
    }
}

/// Row b of every layer's cache kv (L,B,2,NH,maxT,hs) ← row order[b], positions 0..len. Copies only the rows
/// that change, in an order that needs one spare row instead of a second cache.
///
/// # Safety
/// kv covers L·B·2·maxT·C floats; every order[b] < B; len ≤ maxT; C divisible by NH.
pub unsafe fn kv_reorder(kv: *mut f32, order: &[u32], l_: usize, max_t: usize, c: usize, nh: usize, len: usize) {
    let b_ = order.len();
    let mut guard = REORDER.lock().unwrap_or_else(|e| e.into_inner());
    let sc = &mut *guard;
    plan_reorder(sc, order);
    if sc.plan.is_empty() || len == 0 {
        return;
    }
    if sc.spare.len() < 2 * len * c {
        sc.spare = vec![0.0; 2 * len * c]; // 2·NH segments of len·hs
    }
    let spare = sc.spare.as_mut_ptr();
    let hs = c / nh;
    for l in 0..l_ {
        // Segment `seg` (keys of each head, then values of each head) of a row: len·hs floats.
        let at = |slot: Slot, seg: usize| match slot {
            Slot::Row(b) => kv.add(((l * b_ + b) * 2 * nh + seg) * max_t * hs),
            Slot::Spare => spare.add(seg * len * hs),
        };
        for &(from, to) in &sc.plan {
            for seg in 0..2 * nh {
                core::ptr::copy_nonoverlapping(at(from, seg), at(to, seg), len * hs);
            }
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod ffi {
    use crate::ffi::{export, reject_if, run};

    /// Work estimate: the QKᵀ and PV products over every cached key, 4 flops per (row, key, channel).
    /// Saturating: usize is 32 bits on wasm32.
    fn work(b: usize, tq: usize, pos: usize, c: usize) -> usize {
        b.saturating_mul(tq).saturating_mul(pos.saturating_add(tq)).saturating_mul(c).saturating_mul(4)
    }

    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub extern "C" fn wgpt_kv_attention_forward(
        out: *mut f32,
        kv: *mut f32,
        qkv: *const f32,
        b: usize,
        tq: usize,
        pos: usize,
        max_t: usize,
        c: usize,
        nh: usize,
    ) -> i32 {
        export(|| {
            let fits = pos.checked_add(tq).is_some_and(|end| end <= max_t);
            reject_if(!(b > 0 && tq > 0 && c > 0 && nh > 0 && c % nh == 0 && fits))?;
            let (out, kv, qkv) = (out as usize, kv as usize, qkv as usize);
            run(work(b, tq, pos, c), || unsafe {
                super::kv_attention_forward(out as *mut f32, kv as *mut f32, qkv as *const f32, b, tq, pos, max_t, c, nh)
            });
            Ok(())
        })
    }

    /// Row b of the whole cache (L,B,2,NH,maxT,hs) ← row order[b] (order: B int32), positions 0..len.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub extern "C" fn wgpt_kv_reorder(kv: *mut f32, order: *const i32, l: usize, b: usize, max_t: usize, c: usize, nh: usize, len: usize) -> i32 {
        export(|| {
            reject_if(order.is_null() || b == 0 || len > max_t || nh == 0 || c % nh != 0)?;
            // Read as u32: a negative id becomes ≥ 2³¹ and fails the same bound check.
            let order = unsafe { core::slice::from_raw_parts(order as *const u32, b) };
            reject_if(order.iter().any(|&s| s as usize >= b))?;
            unsafe { super::kv_reorder(kv, order, l, max_t, c, nh, len) };
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::attention::attention_forward_ref;
    use crate::ops::testutil::*;

    struct Case {
        b: usize,
        tq: usize,
        pos: usize,
        max_t: usize,
        c: usize,
        nh: usize,
    }

    const CASES: &[Case] = &[
        Case { b: 1, tq: 1, pos: 0, max_t: 1, c: 4, nh: 1 },     // first token, cache of one
        Case { b: 2, tq: 1, pos: 7, max_t: 16, c: 6, nh: 2 },    // decode, hs = 3
        Case { b: 1, tq: 49, pos: 0, max_t: 60, c: 10, nh: 2 },  // prefill of BQ + 1 rows, hs = 5
        Case { b: 2, tq: 5, pos: 44, max_t: 49, c: 16, nh: 4 },  // a chunk that fills the cache exactly
        Case { b: 1, tq: 1, pos: 99, max_t: 100, c: 64, nh: 2 }, // decode into the last position
        Case { b: 3, tq: 50, pos: 3, max_t: 64, c: 12, nh: 3 },  // two query blocks after a short prefix
    ];

    /// Cache filled with junk, so writes outside the new positions or reads past pos + t would show.
    fn cache(cs: &Case, seed: u64) -> Vec<f32> {
        seeded(seed, cs.b * 2 * cs.max_t * cs.c)
    }

    fn run_fast(cs: &Case, kv: &mut [f32], qkv: &[f32]) -> Vec<f32> {
        let mut out = vec![0.0; cs.b * cs.tq * cs.c];
        unsafe { kv_attention_forward(out.as_mut_ptr(), kv.as_mut_ptr(), qkv.as_ptr(), cs.b, cs.tq, cs.pos, cs.max_t, cs.c, cs.nh) };
        out
    }

    #[test]
    fn fast_matches_reference() {
        for (i, cs) in CASES.iter().enumerate() {
            let qkv: Vec<f32> = seeded(30 + i as u64, cs.b * cs.tq * 3 * cs.c).iter().map(|x| 2.0 * x).collect();
            let mut kv = cache(cs, 40 + i as u64);
            let mut kv_ref = kv.clone();
            let out = run_fast(cs, &mut kv, &qkv);
            let mut out_ref = vec![0.0; out.len()];
            kv_attention_forward_ref(&mut out_ref, &mut kv_ref, &qkv, cs.b, cs.tq, cs.pos, cs.max_t, cs.c, cs.nh);
            assert_close(&format!("case {i} out"), &out, &out_ref, Tol { abs: 2e-5, rel: 2e-4 });
            assert_bits_eq(&format!("case {i} cache"), &kv, &kv_ref);
        }
    }

    /// Prefill in uneven chunks, then decode one row at a time: every output row equals the full causal
    /// attention over the whole sequence (attention.rs's definition).
    #[test]
    fn chunked_decoding_equals_full_attention() {
        let (b, t, c, nh) = (2, 61, 12, 3);
        let qkv: Vec<f32> = seeded(7, b * t * 3 * c).iter().map(|x| 2.0 * x).collect();
        let mut want = vec![0.0; b * t * c];
        let mut lse = vec![0.0; b * nh * t];
        attention_forward_ref(&mut want, &mut lse, &qkv, b, t, c, nh, 0.0, 0);
        let mut kv = vec![f32::NAN; b * 2 * t * c];
        let mut got = vec![0.0; b * t * c];
        let mut pos = 0;
        for chunk in [13, 1, 40, 1, 1, 1, 1, 1, 1, 1] {
            // this chunk's rows of qkv and out, (B, chunk, ·)
            let rows: Vec<f32> = (0..b).flat_map(|bi| qkv[(bi * t + pos) * 3 * c..(bi * t + pos + chunk) * 3 * c].to_vec()).collect();
            let cs = Case { b, tq: chunk, pos, max_t: t, c, nh };
            let out = run_fast(&cs, &mut kv, &rows);
            for bi in 0..b {
                got[(bi * t + pos) * c..(bi * t + pos + chunk) * c].copy_from_slice(&out[bi * chunk * c..(bi + 1) * chunk * c]);
            }
            pos += chunk;
        }
        assert_eq!(pos, t);
        assert_close("chunked vs full", &got, &want, Tol { abs: 2e-5, rel: 2e-4 });
    }

    #[cfg(feature = "threads")]
    #[test]
    fn bitwise_identical_for_any_thread_count() {
        for cs in [&CASES[2], &CASES[4], &CASES[5], &Case { b: 2, tq: 1, pos: 300, max_t: 512, c: 64, nh: 4 }] {
            let qkv = seeded(8, cs.b * cs.tq * 3 * cs.c);
            let kv0 = cache(cs, 9);
            let one = with_threads(1, || {
                let mut kv = kv0.clone();
                (run_fast(cs, &mut kv, &qkv), kv)
            });
            for threads in [2, 3] {
                let many = with_threads(threads, || {
                    let mut kv = kv0.clone();
                    (run_fast(cs, &mut kv, &qkv), kv)
                });
                assert_bits_eq("out", &one.0, &many.0);
                assert_bits_eq("cache", &one.1, &many.1);
            }
        }
    }

    #[test]
    fn reorder_matches_reference() {
        let (l, max_t, c, nh) = (3, 7, 6, 2);
        let orders: &[&[u32]] = &[
            &[0],
            &[0, 1, 2, 3],          // identity: nothing moves
            &[0, 0, 0, 0],          // one parent for every beam
            &[1, 0],                // a swap (a cycle of two)
            &[1, 2, 0, 3, 5, 4],    // two cycles
            &[2, 2, 0, 1, 1],       // duplicates, a chain and a dropped row
            &[3, 3, 1, 0, 2, 5, 5], // a cycle fed into by a chain
        ];
        for (i, &order) in orders.iter().enumerate() {
            for len in [0, 1, 4, max_t] {
                let b = order.len();
                let mut kv = seeded(50 + i as u64, l * b * 2 * max_t * c);
                let mut want = kv.clone();
                kv_reorder_ref(&mut want, order, l, b, max_t, c, nh, len);
                unsafe { kv_reorder(kv.as_mut_ptr(), order, l, max_t, c, nh, len) };
                assert_bits_eq(&format!("order {order:?}, len {len}"), &kv, &want);
            }
        }
    }

    #[test]
    fn reorder_plan_costs_one_copy_per_moved_row_plus_one_per_cycle() {
        let mut sc = ReorderScratch { plan: Vec::new(), src: Vec::new(), readers: Vec::new(), spare: Vec::new() };
        for (order, copies) in [(&[0, 1, 2][..], 0), (&[1, 0][..], 3), (&[0, 0, 0][..], 2), (&[1, 2, 0, 4, 3][..], 7)] {
            plan_reorder(&mut sc, order);
            assert_eq!(sc.plan.len(), copies, "order {order:?}");
        }
    }
}
