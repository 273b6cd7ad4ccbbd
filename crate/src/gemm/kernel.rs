//! The register-blocked micro-kernels over packed panels, written once against [`F32x4`] and stamped out per
//! tile shape (see [`super::select`] for the shapes and how one is chosen).
//!
//! For each depth step a kernel loads NR/4 vectors of the B sliver, broadcasts each of the MR values of the A
//! sliver, and does one multiply and one add per accumulator (no FMA in SIMD128). Every shape therefore forms
//! each output as the same chain `((0 + a₀b₀) + a₁b₁) + …` over the depth, then the same epilogue: the tile
//! shape changes which outputs share a register pass, never the arithmetic of one output, so all shapes give
//! bitwise identical results. Edge tiles go through a small stack buffer with the same per-element
//! arithmetic, so an element's bits do not depend on whether it sits in a full or an edge tile either.

use super::params::{MR, NR};
use crate::simd::F32x4;

/// Largest MR·NR of any shape: the edge-tile buffer is this big.
const MAX_TILE: usize = 48;
/// Depth steps per piece of the micro-kernel's loop (see `ukernel` for why it is cut at all); any length
/// over a few steps does, and the order of the steps is unchanged.
const DEPTH_CHUNK: usize = 64;

/// `C[0..mr, 0..nr] ← α·(Ap·Bp) + β·C` for one MR×(4·NV) register tile, where `Ap` is an MR×kc packed sliver
/// and `Bp` a kc×(4·NV) packed sliver. β = 0 means C is only written.
///
/// # Safety
/// `a` valid for MR·kc reads, `b` for 4·NV·kc reads, `c` for an mr×nr tile with row stride `rs_c`;
/// `mr ≤ MR`, `nr ≤ 4·NV`.
// Never inlined, on purpose: V8 starts wasm functions in its baseline compiler and only moves a function to
// the optimising one after enough calls; worker threads run long activations, so the kernel must be its
// own, frequently called function to get optimised there (inlined, 2-thread GEMM ran ~25% slower).
#[inline(never)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn sgemm_ukernel_packed<const TMR: usize, const NV: usize>(
    kc: usize,
    alpha: f32,
    a: *const f32,
    b: *const f32,
    beta: f32,
    c: *mut f32,
    rs_c: usize,
    mr: usize,
    nr: usize,
) {
    ukernel::<TMR, NV>(kc, alpha, a, TMR, 1, b, 4 * NV, beta, c, rs_c, mr, nr)
}

/// The 6×8 register tile over operands that are not packed but already in the kernel's order up to a
/// stride: depth step p reads the MR values `a[p·lda .. p·lda + MR]` and the NR values `b[p·ldb .. p·ldb + NR]`
/// (with `lda = MR`, `ldb = NR` this is the packed 6×8 kernel). Lets a fused kernel (attention) feed it rows of
/// its own scratch and of contiguous panels without a copy. Same arithmetic, element for element.
///
/// # Safety
/// `a` valid for reads of MR floats at each of the kc steps, `b` of NR floats, `c` as in
/// [`sgemm_ukernel_packed`]. Lanes past `mr`/`nr` are read but their results are dropped.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn sgemm_ukernel_6x8_strided(
    kc: usize,
    alpha: f32,
    a: *const f32,
    lda: usize,
    b: *const f32,
    ldb: usize,
    beta: f32,
    c: *mut f32,
    rs_c: usize,
    mr: usize,
    nr: usize,
) {
    ukernel::<FIRST, { NR / 4 }>(kc, alpha, a, lda, 1, b, ldb, beta, c, rs_c, mr.min(FIRST), nr);
    if mr > FIRST {
        ukernel::<SECOND, { NR / 4 }>(kc, alpha, a.add(FIRST), lda, 1, b, ldb, beta, c.add(FIRST * rs_c), rs_c, mr - FIRST, nr);
    }
}

/// The same register tile with A given as MR rows of a row-major matrix (row stride `rs_a`, depth
/// contiguous: `a[r·rs_a + p]`), B as in [`sgemm_ukernel_6x8_strided`]. Saves packing an operand that is read
/// only a few times (attention's keys and queries, reused over one head's tiles).
///
/// # Safety
/// `a` valid for reads of kc floats in each of MR rows, `b` and `c` as in [`sgemm_ukernel_6x8_strided`].
#[inline(never)]
#[allow(clippy::too_many_arguments)]
pub unsafe fn sgemm_ukernel_6x8_rows(
    kc: usize,
    alpha: f32,
    a: *const f32,
    rs_a: usize,
    b: *const f32,
    ldb: usize,
    beta: f32,
    c: *mut f32,
    rs_c: usize,
    mr: usize,
    nr: usize,
) {
    ukernel::<FIRST, { NR / 4 }>(kc, alpha, a, 1, rs_a, b, ldb, beta, c, rs_c, mr.min(FIRST), nr);
    if mr > FIRST {
        ukernel::<SECOND, { NR / 4 }>(kc, alpha, a.add(FIRST * rs_a), 1, rs_a, b, ldb, beta, c.add(FIRST * rs_c), rs_c, mr - FIRST, nr);
    }
}

/// Rows of the first of the two passes the 6×8 entry points make, the other 2 in the second: a 6×8 tile held at
/// once (12 accumulators, 2 vectors of B, a broadcast and a product) is one register more than V8's x64 back end
/// allocates, and spilled ran at half the speed of 4×8 (25 against 49 GFLOP/s in `../shared/peers`' probe, Zen 5;
/// 3×8 40.8, 2×8 37.2, so 4 + 2 rows take ~8% less time than 3 + 3). The passes read the B sliver twice from L1;
/// each output is still the same chain over the depth, so the results are unchanged bit for bit.
const FIRST: usize = 4;
const SECOND: usize = MR - FIRST;

/// The TMR×(4·NV) register tile over A read as `a[p·lda + r·rs_a]` and B as `b[p·ldb + j]`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn ukernel<const TMR: usize, const NV: usize>(
    kc: usize,
    alpha: f32,
    a: *const f32,
    lda: usize,
    rs_a: usize,
    b: *const f32,
    ldb: usize,
    beta: f32,
    c: *mut f32,
    rs_c: usize,
    mr: usize,
    nr: usize,
) {
    let tnr = 4 * NV;
    debug_assert!(TMR * tnr <= MAX_TILE && mr <= TMR && nr <= tnr);
    let mut acc = [[F32x4::zero(); NV]; TMR];
    let mut ap = a;
    let mut bp = b;
    // The depth loop runs inside a second loop over DEPTH_CHUNK-long pieces of it, only for V8's sake: its
    // optimising tier unrolls a loop by a factor that grows with how deeply it is nested ((depth + 1)·50 IR
    // nodes, at most 5 copies), and the step below is too big to be unrolled at all as a top-level loop.
    // Nested, it is unrolled twice, which halves the per-step stack-guard check and counter update: the
    // 4×8 kernel went from 42.8 to 47–51 GFLOP/s on its cache-resident probe (Zen 5), 1.15× on whole
    // products. Unrolling by hand instead let LLVM hoist both steps' loads together, and the tile spilled.
    let mut left = kc;
    while left > 0 {
        let piece = left.min(DEPTH_CHUNK);
        for _ in 0..piece {
            let mut bv = [F32x4::zero(); NV];
            for v in 0..NV {
                bv[v] = F32x4::load(bp.add(4 * v));
            }
            for r in 0..TMR {
                let av = F32x4::load_splat(ap.add(r * rs_a));
                for v in 0..NV {
                    acc[r][v] = acc[r][v].mul_add(av, bv[v]);
                }
            }
            ap = ap.add(lda);
            bp = bp.add(ldb);
        }
        left -= piece;
    }

    if mr == TMR && nr == tnr {
        for r in 0..TMR {
            for v in 0..NV {
                let dst = c.add(r * rs_c + 4 * v);
                let out = epilogue_vec(acc[r][v], alpha, beta, dst);
                out.store(dst);
            }
        }
    } else {
        let mut tile = [0.0f32; MAX_TILE];
        for r in 0..TMR {
            for v in 0..NV {
                acc[r][v].store(tile.as_mut_ptr().add(r * tnr + 4 * v));
            }
        }
        for r in 0..mr {
            for j in 0..nr {
                let dst = c.add(r * rs_c + j);
                *dst = epilogue_scalar(tile[r * tnr + j], alpha, beta, dst);
            }
        }
    }
}

/// `c[j] ← α·sums[j] + β·c[j]` for `j < width`: [`epilogue_vec`] over whole vectors, [`epilogue_scalar`] on the
/// tail (the same arithmetic, so an element's bits do not depend on where the tail starts).
///
/// # Safety
/// `sums` valid for `width` reads, `c` for `width` reads and writes.
#[inline(always)]
pub(super) unsafe fn epilogue_row(sums: *const f32, alpha: f32, beta: f32, c: *mut f32, width: usize) {
    let mut j = 0;
    while j + 4 <= width {
        let dst = c.add(j);
        epilogue_vec(F32x4::load(sums.add(j)), alpha, beta, dst).store(dst);
        j += 4;
    }
    while j < width {
        let dst = c.add(j);
        *dst = epilogue_scalar(*sums.add(j), alpha, beta, dst);
        j += 1;
    }
}

/// α·ab + β·c, lane by lane; must stay arithmetically identical to [`epilogue_scalar`].
#[inline(always)]
pub(super) unsafe fn epilogue_vec(ab: F32x4, alpha: f32, beta: f32, dst: *const f32) -> F32x4 {
    let x = if alpha == 1.0 { ab } else { ab.mul(F32x4::splat(alpha)) };
    if beta == 0.0 {
        x
    } else if beta == 1.0 {
        F32x4::load(dst).add(x)
    } else {
        F32x4::load(dst).mul(F32x4::splat(beta)).add(x)
    }
}

/// α·ab + β·c for one element; must stay arithmetically identical to [`epilogue_vec`].
#[inline(always)]
pub(super) unsafe fn epilogue_scalar(ab: f32, alpha: f32, beta: f32, dst: *const f32) -> f32 {
    let x = if alpha == 1.0 { ab } else { ab * alpha };
    if beta == 0.0 {
        x
    } else if beta == 1.0 {
        *dst + x
    } else {
        *dst * beta + x
    }
}
