//! Weight-only int8 quantization for inference: the linear layers (and the tied embedding / LM head) as blocks
//! of 32 int8 values along K with one float scale each (llama.cpp's Q8_0), read by an integer dot product.
//!
//! Decoding one token reads every weight once, so its speed is bytes per token; int8 weights are 9/32 of the
//! float32 bytes (a scale per 32 values). The product runs on integers: each input row is quantized to int16
//! in the same blocks of 32 (scale = max|x| / 32767, so the input's error is ~1.5e-5 of its block maximum,
//! far below the weights' 1/254), and one `i32x4.dot_i16x8_s` does 8 multiply-adds. Every output is
//!
//!   out[n, o] = (Σ_b  f32(Σ_{k in block b} wq[o,k]·xq[n,k]) · (ws[o,b]·xs[n,b]))  + bias[o]
//!
//! with the block sums exact in i32 and the outer sum over b in f32, in order of b: the same for any M, any
//! thread count, SIMD or scalar. Prefill and decode therefore give the same logits for the same position.
//!
//! Layout of a q8 tensor of `rows` × `cols` (cols a multiple of 32), in float32 slots so it lives in the
//! same buffers as everything else (see [`q8_floats`]): rows are taken 4 at a time (a *group*; rows past
//! the end are zero with scale 0), and each (group, block) is one 144-byte record:
//!   bytes 0..128   8 quads: quad j holds, for rows r = 0..4 in turn, the 4 values k = 32b+4j .. 32b+4j+4
//!   bytes 128..144 the 4 rows' scales (f32)
//! so one 16-byte load feeds a dot product whose 4 lanes are 2 rows × 2 pairs of k, and after a block the
//! lanes hold whole rows: no horizontal sums. The records of a group follow each other (a group is one
//! contiguous stream of 4.5·cols bytes).
//!
//! Quantization (`quantize`): d = max|w| / 127 per block of 32, q = round(w / d) (ties away from zero), as
//! w · (1/d) in f32; d = 0 gives q = 0. Inputs are quantized the same way to ±32767.

use crate::par::{self, SendConstPtr, SendPtr};
use std::sync::Mutex;

/// Values per block along K.
pub const QK: usize = 32;
/// Rows interleaved in a record.
pub const GROUP_ROWS: usize = 4;
/// One (group, block) record: 128 bytes of values + 4 scales.
pub const RECORD_FLOATS: usize = 36;
const RECORD_BYTES: usize = RECORD_FLOATS * 4;
const Q_MAX: f32 = 127.0;
const X_MAX: f32 = 32767.0;

/// Float32 slots a `rows` × `cols` q8 tensor occupies (cols a multiple of 32).
pub const fn q8_floats(rows: usize, cols: usize) -> usize {
    rows.div_ceil(GROUP_ROWS) * (cols / QK) * RECORD_FLOATS
}

/// Byte offset of value (r, k) within a q8 tensor.
#[inline(always)]
fn value_offset(r: usize, k: usize, cols: usize) -> usize {
    let (g, lane) = (r / GROUP_ROWS, r % GROUP_ROWS);
    let (b, j, e) = (k / QK, (k % QK) / 4, k % 4);
    (g * (cols / QK) + b) * RECORD_BYTES + j * 16 + lane * 4 + e
}

/// Float offset of the scale of (row r, block b).
#[inline(always)]
fn scale_offset(r: usize, b: usize, cols: usize) -> usize {
    ((r / GROUP_ROWS) * (cols / QK) + b) * RECORD_FLOATS + 32 + r % GROUP_ROWS
}

// No clamp after rounding: |w|·(1/d) ≤ 127·(1 + 3ε) rounds to at most 127 (32767 for inputs), and the casts
// saturate anyway. (`f32::clamp`, vectorized under relaxed SIMD, becomes relaxed min/max: see `block_max`.)

/// Rounds half away from zero (what `f32::round` does; spelled out so TypeScript can match it exactly).
#[inline(always)]
fn round_away(v: f32) -> f32 {
    v.round()
}

/// Largest |x| of a block, NaN skipped. A compare and select rather than `f32::max`: vectorized under relaxed
/// SIMD, `max` becomes `f32x4.relaxed_max`, whose NaN and ±0 results the engine chooses.
#[inline(always)]
fn block_max(x: impl Iterator<Item = f32>) -> f32 {
    x.fold(0.0f32, |m, v| if v.abs() > m { v.abs() } else { m })
}

/// Scale and reciprocal of a block whose largest magnitude is `amax`, for values up to `qmax`.
#[inline(always)]
fn block_scale(amax: f32, qmax: f32) -> (f32, f32) {
    let d = amax / qmax;
    (d, if d != 0.0 { 1.0 / d } else { 0.0 })
}

// ---- quantize / dequantize ------------------------------------------------------------------------------

/// `out` (q8, `q8_floats(rows, cols)`) ← `inp` (rows, cols). Padding rows of the last group become zeros.
pub fn quantize(out: &mut [f32], inp: &[f32], rows: usize, cols: usize) {
    debug_assert!(cols % QK == 0 && out.len() >= q8_floats(rows, cols) && inp.len() >= rows * cols);
    let groups = rows.div_ceil(GROUP_ROWS);
    let (dst, src) = (SendPtr(out.as_mut_ptr()), SendConstPtr(inp.as_ptr()));
    let task = move |g: usize| unsafe {
        let bytes = dst.get() as *mut i8;
        let nb = cols / QK;
        for lane in 0..GROUP_ROWS {
            let r = g * GROUP_ROWS + lane;
            for b in 0..nb {
                let (d, id) = if r < rows {
                    let x = src.get().add(r * cols + b * QK);
                    let amax = block_max((0..QK).map(|k| *x.add(k)));
                    block_scale(amax, Q_MAX)
                } else {
                    (0.0, 0.0)
                };
                *dst.get().add(scale_offset(r, b, cols)) = d;
                for k in b * QK..(b + 1) * QK {
                    let q = if r < rows { round_away(*src.get().add(r * cols + k) * id) } else { 0.0 };
                    *bytes.add(value_offset(r, k, cols)) = q as i8;
                }
            }
        }
    };
    if par::worth_pool(rows * cols * 4) {
        par::for_each(groups, task);
    } else {
        (0..groups).for_each(task);
    }
}

/// `out` (rows, cols) ← the values `inp` (q8) stands for: q · d.
pub fn dequantize(out: &mut [f32], inp: &[f32], rows: usize, cols: usize) {
    debug_assert!(cols % QK == 0 && inp.len() >= q8_floats(rows, cols) && out.len() >= rows * cols);
    let bytes = inp.as_ptr() as *const i8;
    for r in 0..rows {
        for k in 0..cols {
            let d = inp[scale_offset(r, k / QK, cols)];
            out[r * cols + k] = unsafe { *bytes.add(value_offset(r, k, cols)) } as f32 * d;
        }
    }
}

/// Row `r` of a q8 tensor, dequantized into `out` (cols), plus `add` (cols) when given: out = q·d + add.
fn dequantize_row(out: &mut [f32], q: &[f32], r: usize, cols: usize, add: &[f32]) {
    let bytes = q.as_ptr() as *const i8;
    for k in 0..cols {
        let d = q[scale_offset(r, k / QK, cols)];
        out[k] = unsafe { *bytes.add(value_offset(r, k, cols)) } as f32 * d + add[k];
    }
}

/// Input rows (N, C) → int16 blocks `xq` (N, C) and their scales `xs` (N, C/32).
fn quantize_inputs(xq: &mut [i16], xs: &mut [f32], inp: &[f32], n: usize, c: usize) {
    let nb = c / QK;
    for row in 0..n {
        for b in 0..nb {
            let x = &inp[row * c + b * QK..row * c + (b + 1) * QK];
            let amax = block_max(x.iter().copied());
            let (d, id) = block_scale(amax, X_MAX);
            xs[row * nb + b] = d;
            for (k, &v) in x.iter().enumerate() {
                xq[row * c + b * QK + k] = round_away(v * id) as i16;
            }
        }
    }
}

// ---- embedding ------------------------------------------------------------------------------------------

/// `encoder_forward` over a q8 token embedding: out (B,T,C) = dequantized wte[tokens[b,t]] + wpe[t].
#[allow(clippy::too_many_arguments)]
pub fn encoder_forward_q8(
    out: &mut [f32],   // (B, T, C)
    tokens: &[i32],    // (B, T)
    wte: &[f32],       // q8 (V, C)
    wpe: &[f32],       // (≥T, C)
    b: usize,
    t: usize,
    c: usize,
) {
    for i in 0..b * t {
        let pos = i % t;
        dequantize_row(&mut out[i * c..(i + 1) * c], wte, tokens[i] as usize, c, &wpe[pos * c..(pos + 1) * c]);
    }
}

// ---- the linear layer -----------------------------------------------------------------------------------

/// The definition: plain loops over rows, outputs and blocks.
#[allow(clippy::too_many_arguments)]
pub fn matmul_forward_q8_ref(
    out: &mut [f32],        // (N, OC)
    inp: &[f32],            // (N, C)
    weight: &[f32],         // q8 (OC, C)
    bias: Option<&[f32]>,   // (OC)
    n: usize,
    c: usize,
    oc: usize,
) {
    let nb = c / QK;
    let mut xq = vec![0i16; n * c];
    let mut xs = vec![0f32; n * nb];
    quantize_inputs(&mut xq, &mut xs, inp, n, c);
    let bytes = weight.as_ptr() as *const i8;
    for row in 0..n {
        for o in 0..oc {
            let mut acc = 0.0f32;
            for b in 0..nb {
                let mut isum = 0i32;
                for k in b * QK..(b + 1) * QK {
                    isum += unsafe { *bytes.add(value_offset(o, k, c)) } as i32 * xq[row * c + k] as i32;
                }
                acc += isum as f32 * (weight[scale_offset(o, b, c)] * xs[row * nb + b]);
            }
            out[row * oc + o] = match bias {
                Some(bias) => acc + bias[o],
                None => acc,
            };
        }
    }
}

/// Quantized inputs of the fast path, grown to the largest (N, C) seen (the session's warm-up prefill).
struct InputScratch {
    xq: Vec<i16>,
    xs: Vec<f32>,
}
static INPUTS: Mutex<InputScratch> = Mutex::new(InputScratch { xq: Vec::new(), xs: Vec::new() });

/// Input rows per task when quantizing a prefill's inputs in parallel.
const INPUT_TASK_ROWS: usize = 16;

/// Groups of 4 output rows per parallel task (128 outputs): a 768×768 layer is 6 tasks, the GPT-2 LM head 393.
const TASK_GROUPS: usize = 32;

/// Same as [`matmul_forward_q8_ref`]: groups of 4 outputs in parallel, each group's weights (4.5·C bytes,
/// L1-resident) applied to every input row before the next group is read, so the weights stream once per call
/// whatever N is.
#[allow(clippy::too_many_arguments)]
pub fn matmul_forward_q8(
    out: &mut [f32],        // (N, OC)
    inp: &[f32],            // (N, C)
    weight: &[f32],         // q8 (OC, C)
    bias: Option<&[f32]>,   // (OC)
    n: usize,
    c: usize,
    oc: usize,
) {
    debug_assert!(c % QK == 0 && out.len() >= n * oc && inp.len() >= n * c && weight.len() >= q8_floats(oc, c));
    if n == 0 || oc == 0 {
        return;
    }
    let nb = c / QK;
    let mut scratch = INPUTS.lock().unwrap_or_else(|e| e.into_inner());
    if scratch.xq.len() < n * c {
        scratch.xq.resize(n * c, 0);
        scratch.xs.resize(n * nb, 0.0);
    }
    let InputScratch { xq, xs } = &mut *scratch;
    if n >= 2 * INPUT_TASK_ROWS && crate::gemm::worth_parallel(n, oc, c) {
        // A prefill's inputs (128 × 3072 for GPT-2's MLP projection) are worth quantizing on every thread.
        let (q, d, x) = (SendPtr(xq.as_mut_ptr()), SendPtr(xs.as_mut_ptr()), SendConstPtr(inp.as_ptr()));
        par::for_each(n.div_ceil(INPUT_TASK_ROWS), move |t| unsafe {
            let (r0, r1) = (t * INPUT_TASK_ROWS, ((t + 1) * INPUT_TASK_ROWS).min(n));
            quantize_inputs(
                core::slice::from_raw_parts_mut(q.get().add(r0 * c), (r1 - r0) * c),
                core::slice::from_raw_parts_mut(d.get().add(r0 * nb), (r1 - r0) * nb),
                core::slice::from_raw_parts(x.get().add(r0 * c), (r1 - r0) * c),
                r1 - r0,
                c,
            )
        });
    } else {
        quantize_inputs(xq, xs, inp, n, c);
    }
    let (dst, w, xq, xs) = (SendPtr(out.as_mut_ptr()), SendConstPtr(weight.as_ptr()), SendConstPtr(xq.as_ptr()), SendConstPtr(xs.as_ptr()));
    let bias = bias.map(|b| SendConstPtr(b.as_ptr()));
    let groups = oc.div_ceil(GROUP_ROWS);
    let task = move |t: usize| unsafe {
        let (g0, g1) = (t * TASK_GROUPS, ((t + 1) * TASK_GROUPS).min(groups));
        groups_forward(dst.get(), w.get(), bias.map(|b| b.get()), xq.get(), xs.get(), n, nb, oc, g0, g1);
    };
    let tasks = groups.div_ceil(TASK_GROUPS);
    if tasks > 1 && crate::gemm::worth_parallel(n, oc, c) {
        par::for_each(tasks, task);
    } else {
        (0..tasks).for_each(task);
    }
}

/// Outputs of groups g0..g1 for all N input rows.
#[inline(never)] // one call per task: see the note on `#[inline(never)]` in ops/mod.rs
#[allow(clippy::too_many_arguments)]
unsafe fn groups_forward(
    out: *mut f32, w: *const f32, bias: Option<*const f32>, xq: *const i16, xs: *const f32,
    n: usize, nb: usize, oc: usize, g0: usize, g1: usize,
) {
    let c = nb * QK;
    let store = |row: usize, g: usize, sums: [f32; 4]| {
        for (lane, &sum) in sums.iter().enumerate() {
            let o = g * GROUP_ROWS + lane;
            if o < oc {
                *out.add(row * oc + o) = match bias {
                    Some(b) => sum + *b.add(o),
                    None => sum,
                };
            }
        }
    };
    for g in g0..g1 {
        let record = (w as *const u8).add(g * nb * RECORD_BYTES);
        // Input rows two at a time share each loaded and widened weight vector (same arithmetic per row).
        let mut row = 0;
        while row + 2 <= n {
            let (a, b) = group_dot2(record, xq.add(row * c), xs.add(row * nb), xq.add((row + 1) * c), xs.add((row + 1) * nb), nb);
            store(row, g, a);
            store(row + 1, g, b);
            row += 2;
        }
        if row < n {
            store(row, g, group_dot(record, xq.add(row * c), xs.add(row * nb), nb));
        }
    }
}

/// The 4 rows of one group dotted with one quantized input row: Σ_b f32(isum) · (ws·xs), in order of b.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn group_dot(record: *const u8, xq: *const i16, xs: *const f32, nb: usize) -> [f32; 4] {
    use core::arch::wasm32::*;
    let mut acc = f32x4_splat(0.0);
    for b in 0..nb {
        let r = record.add(b * RECORD_BYTES);
        let x = xq.add(b * QK);
        // lo lanes: (row 0, k pair 0), (row 0, pair 1), (row 1, pair 0), (row 1, pair 1); hi: rows 2 and 3.
        let mut lo = i32x4_splat(0);
        let mut hi = i32x4_splat(0);
        for j in 0..8 {
            let q = v128_load(r.add(j * 16) as *const v128);
            let xv = v128_load64_splat(x.add(j * 4) as *const u64);
            lo = i32x4_add(lo, i32x4_dot_i16x8(i16x8_extend_low_i8x16(q), xv));
            hi = i32x4_add(hi, i32x4_dot_i16x8(i16x8_extend_high_i8x16(q), xv));
        }
        let isum = i32x4_add(i32x4_shuffle::<0, 2, 4, 6>(lo, hi), i32x4_shuffle::<1, 3, 5, 7>(lo, hi));
        let scale = f32x4_mul(v128_load(r.add(128) as *const v128), v128_load32_splat(xs.add(b) as *const u32));
        acc = f32x4_add(acc, f32x4_mul(f32x4_convert_i32x4(isum), scale));
    }
    [f32x4_extract_lane::<0>(acc), f32x4_extract_lane::<1>(acc), f32x4_extract_lane::<2>(acc), f32x4_extract_lane::<3>(acc)]
}

/// [`group_dot`] for two input rows at once.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
unsafe fn group_dot2(record: *const u8, xa: *const i16, sa: *const f32, xb: *const i16, sb: *const f32, nb: usize) -> ([f32; 4], [f32; 4]) {
    use core::arch::wasm32::*;
    let (mut acc_a, mut acc_b) = (f32x4_splat(0.0), f32x4_splat(0.0));
    for b in 0..nb {
        let r = record.add(b * RECORD_BYTES);
        let (mut lo_a, mut hi_a, mut lo_b, mut hi_b) = (i32x4_splat(0), i32x4_splat(0), i32x4_splat(0), i32x4_splat(0));
        for j in 0..8 {
            let q = v128_load(r.add(j * 16) as *const v128);
            let (ql, qh) = (i16x8_extend_low_i8x16(q), i16x8_extend_high_i8x16(q));
            let va = v128_load64_splat(xa.add(b * QK + j * 4) as *const u64);
            let vb = v128_load64_splat(xb.add(b * QK + j * 4) as *const u64);
            lo_a = i32x4_add(lo_a, i32x4_dot_i16x8(ql, va));
            hi_a = i32x4_add(hi_a, i32x4_dot_i16x8(qh, va));
            lo_b = i32x4_add(lo_b, i32x4_dot_i16x8(ql, vb));
            hi_b = i32x4_add(hi_b, i32x4_dot_i16x8(qh, vb));
        }
        let ws = v128_load(r.add(128) as *const v128);
        let isum_a = i32x4_add(i32x4_shuffle::<0, 2, 4, 6>(lo_a, hi_a), i32x4_shuffle::<1, 3, 5, 7>(lo_a, hi_a));
        let isum_b = i32x4_add(i32x4_shuffle::<0, 2, 4, 6>(lo_b, hi_b), i32x4_shuffle::<1, 3, 5, 7>(lo_b, hi_b));
        acc_a = f32x4_add(acc_a, f32x4_mul(f32x4_convert_i32x4(isum_a), f32x4_mul(ws, v128_load32_splat(sa.add(b) as *const u32))));
        acc_b = f32x4_add(acc_b, f32x4_mul(f32x4_convert_i32x4(isum_b), f32x4_mul(ws, v128_load32_splat(sb.add(b) as *const u32))));
    }
    let lanes = |v: v128| [f32x4_extract_lane::<0>(v), f32x4_extract_lane::<1>(v), f32x4_extract_lane::<2>(v), f32x4_extract_lane::<3>(v)];
    (lanes(acc_a), lanes(acc_b))
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
unsafe fn group_dot2(record: *const u8, xa: *const i16, sa: *const f32, xb: *const i16, sb: *const f32, nb: usize) -> ([f32; 4], [f32; 4]) {
    (group_dot(record, xa, sa, nb), group_dot(record, xb, sb, nb))
}

/// Lane by lane, the same arithmetic (native tests and the build without SIMD).
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
unsafe fn group_dot(record: *const u8, xq: *const i16, xs: *const f32, nb: usize) -> [f32; 4] {
    let mut acc = [0.0f32; 4];
    for b in 0..nb {
        let r = record.add(b * RECORD_BYTES);
        let scales = r.add(128) as *const f32;
        for (lane, a) in acc.iter_mut().enumerate() {
            let mut isum = 0i32;
            for j in 0..8 {
                for e in 0..4 {
                    isum += *(r.add(j * 16 + lane * 4 + e) as *const i8) as i32 * *xq.add(b * QK + j * 4 + e) as i32;
                }
            }
            *a += isum as f32 * (scales.add(lane).read_unaligned() * *xs.add(b));
        }
    }
    acc
}

#[cfg(target_arch = "wasm32")]
mod ffi {
    use super::*;
    use crate::ffi::{export, in_pool, reject_if, run};
    use core::slice::{from_raw_parts, from_raw_parts_mut};

    fn shape_ok(rows: usize, cols: usize) -> bool {
        cols % QK == 0 && rows.checked_mul(cols).is_some_and(|n| n <= isize::MAX as usize / 4)
    }

    /// out (q8 rows×cols) ← inp (rows, cols). InvalidArgument unless cols is a multiple of 32.
    #[no_mangle]
    pub unsafe extern "C" fn wgpt_q8_quantize(out: *mut f32, inp: *const f32, rows: usize, cols: usize) -> i32 {
        export(|| {
            reject_if(out.is_null() || inp.is_null() || !shape_ok(rows, cols))?;
            let (o, i) = (out as usize, inp as usize);
            run(rows * cols * 4, || unsafe {
                quantize(from_raw_parts_mut(o as *mut f32, q8_floats(rows, cols)), from_raw_parts(i as *const f32, rows * cols), rows, cols)
            });
            Ok(())
        })
    }

    /// out (rows, cols) ← dequantized inp (q8 rows×cols).
    #[no_mangle]
    pub unsafe extern "C" fn wgpt_q8_dequantize(out: *mut f32, inp: *const f32, rows: usize, cols: usize) -> i32 {
        export(|| {
            reject_if(out.is_null() || inp.is_null() || !shape_ok(rows, cols))?;
            dequantize(from_raw_parts_mut(out, rows * cols), from_raw_parts(inp, q8_floats(rows, cols)), rows, cols);
            Ok(())
        })
    }

    /// `encoder_forward_q8`. InvalidArgument when a token is outside [0, V) or C is not a multiple of 32.
    #[no_mangle]
    #[allow(clippy::too_many_arguments)]
    pub unsafe extern "C" fn wgpt_q8_encoder_forward(
        out: *mut f32, tokens: *const i32, wte: *const f32, wpe: *const f32, b: usize, t: usize, c: usize, v: usize,
    ) -> i32 {
        export(|| {
            reject_if(out.is_null() || tokens.is_null() || wte.is_null() || wpe.is_null() || !shape_ok(v, c) || !shape_ok(b * t, c))?;
            let tokens = from_raw_parts(tokens, b * t);
            reject_if(tokens.iter().any(|&id| id < 0 || id as usize >= v))?;
            encoder_forward_q8(from_raw_parts_mut(out, b * t * c), tokens, from_raw_parts(wte, q8_floats(v, c)), from_raw_parts(wpe, t * c), b, t, c);
            Ok(())
        })
    }

    /// `matmul_forward_q8`; `bias` may be 0. InvalidArgument unless C is a multiple of 32.
    #[no_mangle]
    pub unsafe extern "C" fn wgpt_q8_matmul_forward(
        out: *mut f32, inp: *const f32, weight: *const f32, bias: *const f32, n: usize, c: usize, oc: usize,
    ) -> i32 {
        export(|| {
            reject_if(out.is_null() || inp.is_null() || weight.is_null() || !shape_ok(oc, c) || !shape_ok(n, c))?;
            let (o, i, w, b) = (out as usize, inp as usize, weight as usize, bias as usize);
            // Spread or not as the float product would (`gemm::worth_parallel`); leading the team is free.
            in_pool(|| unsafe {
                let bias = (b != 0).then(|| from_raw_parts(b as *const f32, oc));
                matmul_forward_q8(
                    from_raw_parts_mut(o as *mut f32, n * oc),
                    from_raw_parts(i as *const f32, n * c),
                    from_raw_parts(w as *const f32, q8_floats(oc, c)),
                    bias,
                    n,
                    c,
                    oc,
                )
            });
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testutil::{assert_bits_eq, assert_close, seeded, with_threads, Tol};

    fn quantized(rows: usize, cols: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
        let w = seeded(seed, rows * cols);
        let mut q = vec![f32::NAN; q8_floats(rows, cols)];
        quantize(&mut q, &w, rows, cols);
        (w, q)
    }

    #[test]
    fn round_trip_is_within_half_a_step_of_each_block() {
        let (rows, cols) = (7, 96);
        let (w, q) = quantized(rows, cols, 1);
        let mut back = vec![0.0; rows * cols];
        dequantize(&mut back, &q, rows, cols);
        for r in 0..rows {
            for b in 0..cols / QK {
                let block = &w[r * cols + b * QK..r * cols + (b + 1) * QK];
                let step = block.iter().fold(0.0f32, |m, v| m.max(v.abs())) / 127.0;
                for k in 0..QK {
                    let i = r * cols + b * QK + k;
                    assert!((back[i] - w[i]).abs() <= 0.5 * step * (1.0 + 1e-6), "[{r},{}] {} vs {}", b * QK + k, back[i], w[i]);
                }
                // The block's largest magnitude is represented exactly as ±127·d.
                let imax = (0..QK).max_by(|&a, &b| block[a].abs().total_cmp(&block[b].abs())).unwrap();
                assert_eq!(back[r * cols + b * QK + imax].abs(), 127.0 * step);
            }
        }
        // Padding rows of the last group: zero values, zero scales.
        let bytes = q.as_ptr() as *const i8;
        assert_eq!(q[scale_offset(7, 0, cols)], 0.0);
        assert_eq!(unsafe { *bytes.add(value_offset(7, 5, cols)) }, 0);
    }

    #[test]
    fn quantize_rounds_half_away_from_zero_and_keeps_zero_blocks() {
        let cols = 32;
        let mut w = vec![0.0f32; 2 * cols];
        w[0] = 127.0; // d = 1: values are their own quanta
        w[1] = 2.5;
        w[2] = -2.5;
        w[3] = 0.49;
        let mut q = vec![0.0; q8_floats(2, cols)];
        quantize(&mut q, &w, 2, cols);
        let mut back = vec![0.0; 2 * cols];
        dequantize(&mut back, &q, 2, cols);
        assert_eq!(&back[..4], &[127.0, 3.0, -3.0, 0.0]);
        assert!(back[cols..].iter().all(|&v| v == 0.0), "an all-zero row stays zero");
    }

    #[test]
    fn matmul_matches_the_reference_bitwise_and_the_float_product_closely() {
        for &(n, c, oc) in &[(1, 32, 1), (1, 64, 5), (2, 96, 7), (3, 128, 12), (4, 32, 3), (5, 160, 9), (1, 768, 33), (17, 64, 8)] {
            let (w, q) = quantized(oc, c, 2 + n as u64);
            let x = seeded(40 + c as u64, n * c);
            let bias = seeded(7, oc);
            for with_bias in [false, true] {
                let bias = with_bias.then_some(&bias[..]);
                let mut want = vec![0.0; n * oc];
                matmul_forward_q8_ref(&mut want, &x, &q, bias, n, c, oc);
                let mut got = vec![f32::NAN; n * oc];
                matmul_forward_q8(&mut got, &x, &q, bias, n, c, oc);
                assert_bits_eq(&format!("q8 {n}x{c}x{oc} bias {with_bias}"), &got, &want);
                // Against the float32 product of the dequantized weights: the int16 inputs add ~1.5e-5 of each
                // block's maximum per term.
                let mut deq = vec![0.0; oc * c];
                dequantize(&mut deq, &q, oc, c);
                let mut float = vec![0.0; n * oc];
                crate::ops::matmul::matmul_forward_ref(&mut float, &x, &deq, bias, n, c, oc);
                assert_close("q8 vs dequantized float", &got, &float, Tol { abs: 2e-4 * (c as f64).sqrt(), rel: 1e-4 });
                // And the original float weights, within the weights' quantization error: each weight is off by
                // at most half its block's step (max|w| / 254), so an output by at most Σ |x|·step/2.
                let mut exact = vec![0.0; n * oc];
                crate::ops::matmul::matmul_forward_ref(&mut exact, &x, &w, bias, n, c, oc);
                for row in 0..n {
                    for o in 0..oc {
                        let bound: f64 = (0..c)
                            .map(|k| {
                                let block = &w[o * c + k / QK * QK..o * c + (k / QK + 1) * QK];
                                x[row * c + k].abs() as f64 * block.iter().fold(0.0f32, |m, v| m.max(v.abs())) as f64 / 254.0
                            })
                            .sum();
                        let err = (got[row * oc + o] as f64 - exact[row * oc + o] as f64).abs();
                        assert!(err <= bound * 1.001 + 1e-5, "q8 vs float weights [{row},{o}]: |Δ| {err:e} > bound {bound:e}");
                    }
                }
            }
        }
    }

    #[test]
    fn rows_do_not_interact_and_threads_do_not_matter() {
        // A row's outputs are the same alone or among others (prefill = decode), for 1 or 2 threads.
        let (n, c, oc) = (2 * INPUT_TASK_ROWS + 5, 512, 4 * TASK_GROUPS * 2 + 3); // inputs quantized in parallel too
        let (_, q) = quantized(oc, c, 9);
        let x = seeded(10, n * c);
        let all = |threads| {
            with_threads(threads, || {
                let mut out = vec![0.0; n * oc];
                matmul_forward_q8(&mut out, &x, &q, None, n, c, oc);
                out
            })
        };
        let one = all(1);
        assert_bits_eq("q8 1 vs 2 threads", &one, &all(2));
        let mut row = vec![0.0; oc];
        matmul_forward_q8(&mut row, &x[3 * c..4 * c], &q, None, 1, c, oc);
        assert_bits_eq("row 3 alone", &row, &one[3 * oc..4 * oc]);
    }

    #[test]
    fn encoder_dequantizes_the_token_row_and_adds_its_position() {
        let (v, c, t) = (9, 64, 3);
        let (_, q) = quantized(v, c, 11);
        let wpe = seeded(12, t * c);
        let tokens = [8, 0, 4, 4, 1, 8];
        let mut out = vec![0.0; 6 * c];
        encoder_forward_q8(&mut out, &tokens, &q, &wpe, 2, t, c);
        let mut deq = vec![0.0; v * c];
        dequantize(&mut deq, &q, v, c);
        for (i, &tok) in tokens.iter().enumerate() {
            let pos = i % t;
            let want: Vec<f32> = (0..c).map(|k| deq[tok as usize * c + k] + wpe[pos * c + k]).collect();
            assert_bits_eq("embedding row", &out[i * c..(i + 1) * c], &want);
        }
    }
}
