//! Token and position embeddings: out[b,t,:] = wte[tokens[b,t],:] + wpe[t,:], its backward, and the fixed
//! sinusoidal position table (Vaswani et al.) for models without a learned wpe.
//!
//! The backward scatters dout rows into dwte by token id, and two positions may share a token. To stay
//! race-free and deterministic without atomics, every output row has exactly one owning task, which walks
//! the (b, t) rows in order: `TOKEN_TASKS` tasks own the dwte rows of tokens ≡ k (mod TOKEN_TASKS), and
//! blocks of positions own their dwpe rows. Every element therefore receives its contributions in the
//! reference's order, whatever the thread count (the fast backward is bitwise equal to the reference), and
//! rows are added whole, contiguously. Outside a thread pool the backward is simply the reference's single
//! pass, which adds in that same order. (Owning column chunks instead is also race-free, but walking dout
//! down a column chunk is a strided access the prefetchers miss: 2-3× slower at C = 384-768.)

use crate::par::{self, SendConstPtr, SendPtr};
use crate::simd::F32x4;
use std::sync::Mutex;

/// Rows (b, t) per forward task, rows per sinusoid task, positions per dwpe task.
const ROWS: usize = 32;
/// Tasks that split the dwte scatter by token id modulo this (a power of two).
const TOKEN_TASKS: usize = 16;

// ---- reference ----------------------------------------------------------------------------------------

/// out (T,C): out[t, 2i] = sin(t / 10000^(2i/C)), out[t, 2i+1] = cos(same angle). The angle and the sine are
/// computed in f64 and rounded once, so every backend lands on (almost always) the same float.
pub fn positional_sinusoidal_ref(out: &mut [f32], t: usize, c: usize) {
    for pos in 0..t {
        for ch in 0..c {
            out[pos * c + ch] = sinusoid(pos, ch, c);
        }
    }
}

#[inline(always)]
fn denominator(ch: usize, c: usize) -> f64 {
    10000f64.powf((2 * (ch / 2)) as f64 / c as f64)
}

#[inline(always)]
fn sinusoid(pos: usize, ch: usize, c: usize) -> f32 {
    let angle = pos as f64 / denominator(ch, c);
    (if ch % 2 == 0 { angle.sin() } else { angle.cos() }) as f32
}

/// out (B,T,C) = wte (V,C)[inp (B,T)] + wpe (≥T,C)[t]; V = wte.len() / C.
#[allow(clippy::too_many_arguments)]
pub fn encoder_forward_ref(out: &mut [f32], inp: &[i32], wte: &[f32], wpe: &[f32], b: usize, t: usize, c: usize) {
    for bi in 0..b {
        for ti in 0..t {
            let ix = inp[bi * t + ti] as usize;
            for i in 0..c {
                out[(bi * t + ti) * c + i] = wte[ix * c + i] + wpe[ti * c + i];
            }
        }
    }
}

/// dwte (V,C) += dout (B,T,C) scattered by token; dwpe (≥T,C) += Σ_b dout[b] when given.
#[allow(clippy::too_many_arguments)]
pub fn encoder_backward_ref(
    dwte: &mut [f32],
    mut dwpe: Option<&mut [f32]>,
    dout: &[f32],
    inp: &[i32],
    b: usize,
    t: usize,
    c: usize,
) {
    for bi in 0..b {
        for ti in 0..t {
            let ix = inp[bi * t + ti] as usize;
            let g = &dout[(bi * t + ti) * c..(bi * t + ti + 1) * c];
            for i in 0..c {
                dwte[ix * c + i] += g[i];
            }
            if let Some(dwpe) = dwpe.as_deref_mut() {
                for i in 0..c {
                    dwpe[ti * c + i] += g[i];
                }
            }
        }
    }
}

// ---- fast -------------------------------------------------------------------------------------------

/// Fast [`positional_sinusoidal_ref`] (parallel over blocks of positions; bitwise equal to the reference).
pub fn positional_sinusoidal(out: &mut [f32], t: usize, c: usize) {
    assert!(out.len() >= t * c, "positional_sinusoidal: out shorter than T·C");
    let out = SendPtr(out.as_mut_ptr());
    par::for_each(t.div_ceil(ROWS), |task| unsafe {
        sinusoid_rows(out.get(), task * ROWS, ((task + 1) * ROWS).min(t), c);
    });
}

/// Rows [p0, p1) of the table, channel pair by channel pair so each denominator is computed once.
#[inline(never)]
unsafe fn sinusoid_rows(out: *mut f32, p0: usize, p1: usize, c: usize) {
    let mut ch = 0;
    while ch < c {
        let den = denominator(ch, c);
        for pos in p0..p1 {
            let angle = pos as f64 / den;
            *out.add(pos * c + ch) = angle.sin() as f32;
            if ch + 1 < c {
                *out.add(pos * c + ch + 1) = angle.cos() as f32;
            }
        }
        ch += 2;
    }
}

/// Fast [`encoder_forward_ref`]: SIMD over C, parallel over blocks of rows. Bitwise equal to the reference.
/// Panics on a token outside [0, V) (the wasm export checks first and returns `InvalidArgument`).
#[allow(clippy::too_many_arguments)]
pub fn encoder_forward(out: &mut [f32], inp: &[i32], wte: &[f32], wpe: &[f32], b: usize, t: usize, c: usize) {
    let rows = b * t;
    assert!(out.len() >= rows * c && inp.len() >= rows && wpe.len() >= t * c, "encoder_forward: buffers too short");
    if rows == 0 || c == 0 {
        return;
    }
    let v = wte.len() / c;
    assert!(tokens_ok(&inp[..rows], v), "encoder_forward: token id outside [0, {v})");
    let (out, inp, wte, wpe) = (SendPtr(out.as_mut_ptr()), SendConstPtr(inp.as_ptr()), SendConstPtr(wte.as_ptr()), SendConstPtr(wpe.as_ptr()));
    par::for_each(rows.div_ceil(ROWS), |task| unsafe {
        forward_rows(out.get(), inp.get(), wte.get(), wpe.get(), task * ROWS, ((task + 1) * ROWS).min(rows), t, c);
    });
}

/// Whether every token id is in [0, v).
pub fn tokens_ok(inp: &[i32], v: usize) -> bool {
    inp.iter().all(|&ix| ix >= 0 && (ix as usize) < v)
}

#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn forward_rows(out: *mut f32, inp: *const i32, wte: *const f32, wpe: *const f32, r0: usize, r1: usize, t: usize, c: usize) {
    for r in r0..r1 {
        let (o, e, p) = (out.add(r * c), wte.add(*inp.add(r) as usize * c), wpe.add((r % t) * c));
        add_row(o, e, p, c);
    }
}

/// o[i] = a[i] + b[i] for i < len (`o` may equal `a`).
#[inline(always)]
unsafe fn add_row(o: *mut f32, a: *const f32, b: *const f32, len: usize) {
    let mut i = 0;
    while i + 4 <= len {
        F32x4::load(a.add(i)).add(F32x4::load(b.add(i))).store(o.add(i));
        i += 4;
    }
    while i < len {
        *o.add(i) = *a.add(i) + *b.add(i);
        i += 1;
    }
}

/// Rows of the parallel scatter grouped by owning task: `TOKEN_TASKS + 1` offsets, then row indices.
static ROW_LISTS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Fast [`encoder_backward_ref`]: each dwte row and each dwpe row is owned by one task that adds its
/// contributions in (b, t) order (see the module note). Bitwise equal to the reference. Panics on a token
/// outside [0, V).
#[allow(clippy::too_many_arguments)]
pub fn encoder_backward(
    dwte: &mut [f32],
    dwpe: Option<&mut [f32]>,
    dout: &[f32],
    inp: &[i32],
    b: usize,
    t: usize,
    c: usize,
) {
    let rows = b * t;
    assert!(dout.len() >= rows * c && inp.len() >= rows, "encoder_backward: buffers too short");
    if rows == 0 || c == 0 {
        return;
    }
    let v = dwte.len() / c;
    assert!(tokens_ok(&inp[..rows], v), "encoder_backward: token id outside [0, {v})");
    assert!(rows <= u32::MAX as usize, "encoder_backward: more than 2^32 rows");
    let dwpe = dwpe.map(|d| {
        assert!(d.len() >= t * c, "encoder_backward: dwpe shorter than T·C");
        SendPtr(d.as_mut_ptr())
    });
    let (dwte, dout, ids) = (SendPtr(dwte.as_mut_ptr()), SendConstPtr(dout.as_ptr()), SendConstPtr(inp.as_ptr()));
    if !crate::par::parallel() {
        // One thread: the reference's single pass over whole rows. Every element still receives its
        // contributions in (b, t) order, so the bits are those of the owned schedule below.
        let dwpe = dwpe.map_or(core::ptr::null_mut(), |p| p.get());
        unsafe { backward_single_pass(dwte.get(), dwpe, dout.get(), ids.get(), rows, t, c) };
        return;
    }
    let mut lists = ROW_LISTS.lock().unwrap_or_else(|e| e.into_inner());
    if lists.len() < TOKEN_TASKS + 1 + rows {
        lists.resize(TOKEN_TASKS + 1 + rows, 0);
    }
    let (offsets, order) = lists.split_at_mut(TOKEN_TASKS + 1);
    group_rows_by_owner(offsets, order, &inp[..rows]);
    let (offsets, order) = (SendConstPtr(offsets.as_ptr()), SendConstPtr(order.as_ptr()));
    let pos_tasks = if dwpe.is_some() { t.div_ceil(ROWS) } else { 0 };
    par::for_each(TOKEN_TASKS + pos_tasks, |task| unsafe {
        if task < TOKEN_TASKS {
            let (lo, hi) = (*offsets.get().add(task) as usize, *offsets.get().add(task + 1) as usize);
            scatter_rows(dwte.get(), dout.get(), ids.get(), order.get().add(lo), hi - lo, c);
        } else if let Some(dwpe) = dwpe {
            let t0 = (task - TOKEN_TASKS) * ROWS;
            sum_positions(dwpe.get(), dout.get(), b, t, c, t0, (t0 + ROWS).min(t));
        }
    });
}

/// Counting sort of row indices by owner (token mod TOKEN_TASKS), stable so each list stays in row order.
fn group_rows_by_owner(offsets: &mut [u32], order: &mut [u32], inp: &[i32]) {
    offsets.fill(0);
    for &ix in inp {
        offsets[ix as usize % TOKEN_TASKS + 1] += 1;
    }
    for k in 0..TOKEN_TASKS {
        offsets[k + 1] += offsets[k];
    }
    let mut next = [0u32; TOKEN_TASKS];
    next.copy_from_slice(&offsets[..TOKEN_TASKS]);
    for (r, &ix) in inp.iter().enumerate() {
        let k = ix as usize % TOKEN_TASKS;
        order[next[k] as usize] = r as u32;
        next[k] += 1;
    }
}

/// dwte (V,C) += dout rows, and dwpe (T,C) += the same rows unless null, for all rows in order.
#[inline(never)]
unsafe fn backward_single_pass(dwte: *mut f32, dwpe: *mut f32, dout: *const f32, inp: *const i32, rows: usize, t: usize, c: usize) {
    for r in 0..rows {
        let g = dout.add(r * c);
        let e = dwte.add(*inp.add(r) as usize * c);
        add_row(e, e, g, c);
        if !dwpe.is_null() {
            let p = dwpe.add((r % t) * c);
            add_row(p, p, g, c);
        }
    }
}

/// dwte[inp[r]] += dout[r] for the `n` rows r listed at `rows` (ascending).
#[inline(never)]
unsafe fn scatter_rows(dwte: *mut f32, dout: *const f32, inp: *const i32, rows: *const u32, n: usize, c: usize) {
    for j in 0..n {
        let r = *rows.add(j) as usize;
        let e = dwte.add(*inp.add(r) as usize * c);
        add_row(e, e, dout.add(r * c), c);
    }
}

/// dwpe[t] += dout[b, t] for positions t in [t0, t1), b in order.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
unsafe fn sum_positions(dwpe: *mut f32, dout: *const f32, b: usize, t: usize, c: usize, t0: usize, t1: usize) {
    for bi in 0..b {
        for ti in t0..t1 {
            let p = dwpe.add(ti * c);
            add_row(p, p, dout.add((bi * t + ti) * c), c);
        }
    }
}

// ---- wasm exports -----------------------------------------------------------------------------------

#[cfg(target_arch = "wasm32")]
mod ffi {
    use crate::ffi::{export, reject_if, run, Status};

    unsafe fn slice<'a, T>(p: usize, len: usize) -> &'a [T] {
        if len == 0 { &[] } else { core::slice::from_raw_parts(p as *const T, len) }
    }
    unsafe fn slice_mut<'a, T>(p: usize, len: usize) -> &'a mut [T] {
        if len == 0 { &mut [] } else { core::slice::from_raw_parts_mut(p as *mut T, len) }
    }

    /// out (T,C) ← the sinusoidal position table.
    #[no_mangle]
    pub extern "C" fn wgpt_positional_sinusoidal(out: *mut f32, t: usize, c: usize) -> i32 {
        export(|| {
            let Some(len) = t.checked_mul(c) else { return Err(Status::InvalidArgument) };
            if len == 0 {
                return Ok(());
            }
            reject_if(out.is_null())?;
            let o = out as usize;
            // Two f64 trig calls per pair of channels: ≈ 40 operations per element.
            run(len.saturating_mul(40), || unsafe { super::positional_sinusoidal(slice_mut(o, len), t, c) });
            Ok(())
        })
    }

    /// out (B,T,C) = wte (V,C)[inp (B,T)] + wpe (≥T,C)[t]. InvalidArgument when a token is outside [0, V).
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub extern "C" fn wgpt_encoder_forward(
        out: *mut f32,
        inp: *const i32,
        wte: *const f32,
        wpe: *const f32,
        b: usize,
        t: usize,
        c: usize,
        v: usize,
    ) -> i32 {
        export(|| {
            let (o, x, e, p) = (out as usize, inp as usize, wte as usize, wpe as usize);
            let (Some(rows), Some(_), Some(_)) = (b.checked_mul(t), v.checked_mul(c), b.checked_mul(t).and_then(|r| r.checked_mul(c)))
            else {
                return Err(Status::InvalidArgument);
            };
            if rows == 0 || c == 0 {
                return Ok(());
            }
            reject_if([o, x, e, p].contains(&0))?;
            let tokens: &[i32] = unsafe { slice(x, rows) };
            reject_if(!super::tokens_ok(tokens, v))?;
            // Memory-bound: two threads pay off from about 2M elements.
            run(rows * c / 2, || unsafe {
                super::encoder_forward(slice_mut(o, rows * c), slice(x, rows), slice(e, v * c), slice(p, t * c), b, t, c)
            });
            Ok(())
        })
    }

    /// dwte (V,C) += scatter of dout (B,T,C) by inp (B,T); dwpe (≥T,C) += Σ_b dout unless `dwpe` is 0.
    /// InvalidArgument when a token is outside [0, V).
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub extern "C" fn wgpt_encoder_backward(
        dwte: *mut f32,
        dwpe: *mut f32,
        dout: *const f32,
        inp: *const i32,
        b: usize,
        t: usize,
        c: usize,
        v: usize,
    ) -> i32 {
        export(|| {
            let (de, dp, g, x) = (dwte as usize, dwpe as usize, dout as usize, inp as usize);
            let (Some(rows), Some(_), Some(_)) = (b.checked_mul(t), v.checked_mul(c), b.checked_mul(t).and_then(|r| r.checked_mul(c)))
            else {
                return Err(Status::InvalidArgument);
            };
            if rows == 0 || c == 0 {
                return Ok(());
            }
            reject_if([de, g, x].contains(&0))?;
            let tokens: &[i32] = unsafe { slice(x, rows) };
            reject_if(!super::tokens_ok(tokens, v))?;
            run(rows * c / 2, || unsafe {
                let dwpe = if dp == 0 { None } else { Some(slice_mut(dp, t * c)) };
                super::encoder_backward(slice_mut(de, v * c), dwpe, slice(g, rows * c), slice(x, rows), b, t, c)
            });
            Ok(())
        })
    }
}

// ---- tests --------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testutil::*;

    // (B, T, C, V): edges of ROWS and TOKEN_TASKS, C not a multiple of 4, C = 1, tiny vocabularies (many
    // repeats) and vocabularies larger than TOKEN_TASKS.
    const SHAPES: [(usize, usize, usize, usize); 10] =
        [(1, 1, 1, 1), (1, 1, 5, 3), (2, 3, 7, 2), (1, 33, 4, 5), (3, 17, 33, 7), (4, 16, 64, 100), (2, 40, 65, 1), (5, 9, 130, 11), (2, 70, 3, 4), (3, 50, 9, 40)];

    #[test]
    fn sinusoid_matches_ref_and_definition() {
        for &(t, c) in &[(1usize, 1usize), (1, 2), (3, 5), (33, 6), (70, 31), (65, 128)] {
            let (mut want, mut got) = (vec![0.0; t * c], vec![9.0; t * c]);
            positional_sinusoidal_ref(&mut want, t, c);
            positional_sinusoidal(&mut got, t, c);
            assert_bits_eq(&format!("sinusoid T={t} C={c}"), &got, &want);
        }
        let mut pe = vec![0.0; 3 * 4];
        positional_sinusoidal(&mut pe, 3, 4);
        // pos 0: sin 0, cos 0 per pair; pos 2, channels 2-3: angle 2 / 10000^(2/4) = 0.02.
        assert_eq!(&pe[..4], &[0.0, 1.0, 0.0, 1.0]);
        assert_eq!(pe[8], 2f64.sin() as f32);
        assert_eq!(pe[9], 2f64.cos() as f32);
        assert_eq!(pe[10], 0.02f64.sin() as f32);
        assert_eq!(pe[11], 0.02f64.cos() as f32);
    }

    fn inputs(seed: u64, b: usize, t: usize, c: usize, v: usize) -> (Vec<i32>, Vec<f32>, Vec<f32>) {
        // wpe has 3 more rows than T: only the first T may be read or written.
        (seeded_ids(seed, b * t, v), seeded(seed + 1, v * c), seeded(seed + 2, (t + 3) * c))
    }

    #[test]
    fn forward_matches_ref_bitwise() {
        for &(b, t, c, v) in &SHAPES {
            let (ids, wte, wpe) = inputs(1, b, t, c, v);
            let (mut want, mut got) = (vec![0.0; b * t * c], vec![9.0; b * t * c]);
            encoder_forward_ref(&mut want, &ids, &wte, &wpe, b, t, c);
            encoder_forward(&mut got, &ids, &wte, &wpe, b, t, c);
            assert_bits_eq(&format!("encoder_forward B={b} T={t} C={c} V={v}"), &got, &want);
        }
    }

    #[test]
    fn forward_known_values() {
        let wte = [1.0, 2.0, 10.0, 20.0, 100.0, 200.0]; // V = 3, C = 2
        let wpe = [0.5, 0.25, 0.125, 0.0625];
        let mut out = [0.0f32; 8];
        encoder_forward(&mut out, &[2, 0, 2, 1], &wte, &wpe, 2, 2, 2);
        assert_eq!(out, [100.5, 200.25, 1.125, 2.0625, 100.5, 200.25, 10.125, 20.0625]);
    }

    #[test]
    fn backward_matches_ref_bitwise_with_and_without_dwpe() {
        for &(b, t, c, v) in &SHAPES {
            let (ids, _, _) = inputs(2, b, t, c, v);
            let g = seeded(3, b * t * c);
            let (mut de_w, mut dp_w) = (seeded(4, v * c), seeded(5, (t + 3) * c));
            let (mut de_g, mut dp_g) = (de_w.clone(), dp_w.clone());
            encoder_backward_ref(&mut de_w, Some(&mut dp_w), &g, &ids, b, t, c);
            encoder_backward(&mut de_g, Some(&mut dp_g), &g, &ids, b, t, c);
            let tag = format!("B={b} T={t} C={c} V={v}");
            assert_bits_eq(&format!("dwte {tag}"), &de_g, &de_w);
            assert_bits_eq(&format!("dwpe {tag}"), &dp_g, &dp_w);
            let mut de_n = seeded(4, v * c);
            encoder_backward(&mut de_n, None, &g, &ids, b, t, c);
            assert_bits_eq(&format!("dwte without dwpe {tag}"), &de_n, &de_w);
        }
    }

    #[test]
    fn backward_known_values_with_shared_tokens() {
        // Tokens [1, 1 | 1, 0]: token 1 collects three rows of dout, position 0 two.
        let dout = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]; // B = 2, T = 2, C = 2
        let (mut dwte, mut dwpe) = ([0.0f32; 4], [0.5f32; 4]);
        encoder_backward(&mut dwte, Some(&mut dwpe), &dout, &[1, 1, 1, 0], 2, 2, 2);
        assert_eq!(dwte, [7.0, 8.0, 9.0, 12.0]);
        assert_eq!(dwpe, [6.5, 8.5, 10.5, 12.5]);
    }

    #[test]
    #[should_panic(expected = "token id outside")]
    fn rejects_out_of_range_tokens() {
        let mut out = [0.0f32; 2];
        encoder_forward(&mut out, &[3], &[0.0; 6], &[0.0; 2], 1, 1, 2);
    }

    #[test]
    fn gradients_by_finite_differences() {
        let (b, t, c, v) = (2, 3, 5, 4);
        let (ids, mut wte, mut wpe) = inputs(6, b, t, c, v);
        let w = seeded(7, b * t * c);
        let (mut dwte, mut dwpe) = (vec![0.0; v * c], vec![0.0; (t + 3) * c]);
        encoder_backward(&mut dwte, Some(&mut dwpe), &w, &ids, b, t, c);
        let mut out = vec![0.0; b * t * c];
        let wpe0 = wpe.clone();
        grad_check("dwte", &mut wte, &dwte, None, |e| {
            encoder_forward_ref(&mut out, &ids, e, &wpe0, b, t, c);
            dot64(&w, &out)
        });
        let wte0 = wte.clone();
        grad_check("dwpe", &mut wpe, &dwpe, None, |p| {
            encoder_forward_ref(&mut out, &ids, &wte0, p, b, t, c);
            dot64(&w, &out)
        });
    }

    #[cfg(feature = "threads")]
    #[test]
    fn same_bits_for_any_thread_count() {
        let (b, t, c, v) = (3, 70, 150, 37);
        let (ids, wte, wpe) = inputs(8, b, t, c, v);
        let g = seeded(9, b * t * c);
        let run = |threads| {
            with_threads(threads, || {
                let mut out = vec![0.0; b * t * c];
                encoder_forward(&mut out, &ids, &wte, &wpe, b, t, c);
                let (mut dwte, mut dwpe) = (seeded(10, v * c), seeded(11, (t + 3) * c));
                encoder_backward(&mut dwte, Some(&mut dwpe), &g, &ids, b, t, c);
                let mut pe = vec![0.0; t * c];
                positional_sinusoidal(&mut pe, t, c);
                [out, dwte, dwpe, pe]
            })
        };
        let one = run(1);
        // The pooled schedule (rows grouped by owner) against the reference's order.
        let (mut dwte, mut dwpe) = (seeded(10, v * c), seeded(11, (t + 3) * c));
        encoder_backward_ref(&mut dwte, Some(&mut dwpe), &g, &ids, b, t, c);
        assert_bits_eq("pooled dwte vs reference", &one[1], &dwte);
        assert_bits_eq("pooled dwpe vs reference", &one[2], &dwpe);
        for threads in [2, 3] {
            let other = run(threads);
            for (k, name) in ["out", "dwte", "dwpe", "sinusoid"].iter().enumerate() {
                assert_bits_eq(&format!("encoder {name}, {threads} threads"), &other[k], &one[k]);
            }
        }
    }
}
