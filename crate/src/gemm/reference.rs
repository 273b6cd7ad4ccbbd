//! Scalar reference SGEMM: the definition every fast path is tested against. Kept forever, never optimised.

/// `C ← α·op(A)·op(B) + β·C`, row-major. op(A) is M×K, op(B) is K×N, C is M×N.
/// `A` is M×K with row stride `lda` (or K×M when `trans_a`); `B` is K×N with row stride `ldb` (or N×K when
/// `trans_b`). When β = 0, C is not read (BLAS convention: NaNs in C do not leak into the result).
#[allow(clippy::too_many_arguments)]
pub fn sgemm_ref(
    trans_a: bool,
    trans_b: bool,
    m: usize,
    n: usize,
    k: usize,
    alpha: f32,
    a: &[f32],
    lda: usize,
    b: &[f32],
    ldb: usize,
    beta: f32,
    c: &mut [f32],
    ldc: usize,
) {
    for i in 0..m {
        for j in 0..n {
            let mut acc = 0.0f32;
            for p in 0..k {
                let aip = if trans_a { a[p * lda + i] } else { a[i * lda + p] };
                let bpj = if trans_b { b[j * ldb + p] } else { b[p * ldb + j] };
                acc += aip * bpj;
            }
            let cij = &mut c[i * ldc + j];
            *cij = if beta == 0.0 { alpha * acc } else { alpha * acc + beta * *cij };
        }
    }
}
