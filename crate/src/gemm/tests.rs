//! Native tests of the blocked SGEMM against the scalar reference and a float64 bound.
//! The SIMD type is emulated natively with the same arithmetic, so these run the wasm kernel code.

use super::*;

/// Deterministic values in [-1, 1): a 64-bit LCG is plenty for test data.
fn fill(seed: u64, len: usize) -> Vec<f32> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

struct Case {
    ta: bool,
    tb: bool,
    m: usize,
    n: usize,
    k: usize,
    alpha: f32,
    beta: f32,
}

impl Case {
    fn dims(&self) -> (usize, usize, usize) {
        // Leading dimensions padded by 3 so strided access is exercised too.
        let lda = if self.ta { self.m } else { self.k } + 3;
        let ldb = if self.tb { self.k } else { self.n } + 3;
        (lda, ldb, self.n + 3)
    }
    fn inputs(&self) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let (lda, ldb, ldc) = self.dims();
        let a_rows = if self.ta { self.k } else { self.m };
        let b_rows = if self.tb { self.n } else { self.k };
        (fill(1, a_rows * lda), fill(2, b_rows * ldb), fill(3, self.m * ldc))
    }
    fn run_fast(&self, a: &[f32], b: &[f32], c: &mut [f32]) {
        self.run_kernel(Kernel::K6x8, a, b, c)
    }
    fn run_kernel(&self, kernel: Kernel, a: &[f32], b: &[f32], c: &mut [f32]) {
        let (lda, ldb, ldc) = self.dims();
        let mut ws = Workspace::new();
        unsafe {
            sgemm_with_kernel(&mut ws, kernel, self.ta, self.tb, self.m, self.n, self.k, self.alpha, a.as_ptr(), lda,
                              b.as_ptr(), ldb, self.beta, c.as_mut_ptr(), ldc);
        }
    }
}

/// Error bound for a K-term f32 dot product: (K + 2)·ε·Σ|a||b| (+ the β term), from the standard γ_K bound.
fn check_against_f64(case: &Case, a: &[f32], b: &[f32], c0: &[f32], c: &[f32]) {
    let (lda, ldb, ldc) = case.dims();
    let eps = f32::EPSILON as f64;
    for i in 0..case.m {
        for j in 0..case.n {
            let (mut exact, mut mag) = (0.0f64, 0.0f64);
            for p in 0..case.k {
                let x = if case.ta { a[p * lda + i] } else { a[i * lda + p] } as f64;
                let y = if case.tb { b[j * ldb + p] } else { b[p * ldb + j] } as f64;
                exact += x * y;
                mag += (x * y).abs();
            }
            let c_in = c0[i * ldc + j] as f64;
            let beta_term = if case.beta == 0.0 { 0.0 } else { case.beta as f64 * c_in };
            let want = case.alpha as f64 * exact + beta_term;
            let tol = (case.k as f64 + 4.0) * eps * (case.alpha.abs() as f64 * mag + beta_term.abs()) + 1e-30;
            let got = c[i * ldc + j] as f64;
            assert!(
                (got - want).abs() <= tol,
                "ta={} tb={} m={} n={} k={}: C[{i},{j}] = {got}, want {want} (tol {tol:e})",
                case.ta, case.tb, case.m, case.n, case.k
            );
        }
    }
    // Padding columns of C (beyond n) must be untouched.
    for i in 0..case.m {
        for j in case.n..ldc {
            assert_eq!(c[i * ldc + j].to_bits(), c0[i * ldc + j].to_bits(), "padding C[{i},{j}] was written");
        }
    }
}

fn shapes() -> Vec<(usize, usize, usize)> {
    let mut v = vec![];
    for &m in &[1, 2, 3, 4, 5, 6, 7, 13, 97] {
        for &n in &[1, 3, 4, 8, 9, 33, 130] {
            for &k in &[1, 2, 7, 8, 9, 257] {
                v.push((m, n, k));
            }
        }
    }
    v
}

#[test]
fn matches_reference_all_transposes_and_edges() {
    for &(m, n, k) in &shapes() {
        for &(ta, tb) in &[(false, false), (false, true), (true, false), (true, true)] {
            let case = Case { ta, tb, m, n, k, alpha: 1.0, beta: 0.0 };
            let (a, b, c0) = case.inputs();
            let mut c = c0.clone();
            case.run_fast(&a, &b, &mut c);
            check_against_f64(&case, &a, &b, &c0, &c);

            let (lda, ldb, ldc) = case.dims();
            let mut c_ref = c0.clone();
            sgemm_ref(ta, tb, m, n, k, 1.0, &a, lda, &b, ldb, 0.0, &mut c_ref, ldc);
            check_against_f64(&case, &a, &b, &c0, &c_ref);
        }
    }
}

/// Index of the first element whose bits differ, if any.
fn first_bit_difference(x: &[f32], y: &[f32]) -> Option<usize> {
    assert_eq!(x.len(), y.len());
    x.iter().zip(y).position(|(p, q)| p.to_bits() != q.to_bits())
}

#[test]
fn every_tile_shape_matches_reference_and_is_bitwise_identical_to_the_others() {
    let mut shapes = shapes();
    // Several KC slabs and NB column bands as well; the last two have a B of over 1 MiB, which each task packs
    // its own band of (a last band narrower than NB, and B transposed, with k < DOT_MIN_K).
    shapes.extend([(50, 70, 600), (23, 4100, 20), (131, 200, 513), (65, 33, 40), (37, 520, 600), (37, 2100, 130)]);
    for &(m, n, k) in &shapes {
        for &(ta, tb) in &[(false, false), (false, true), (true, false), (true, true)] {
            for &(alpha, beta) in &[(1.0, 0.0), (0.75, 0.5)] {
                let case = Case { ta, tb, m, n, k, alpha, beta };
                let (a, b, c0) = case.inputs();
                let mut first = c0.clone();
                case.run_kernel(Kernel::ALL[0], &a, &b, &mut first);
                check_against_f64(&case, &a, &b, &c0, &first);
                for &kernel in &Kernel::ALL[1..] {
                    let mut c = c0.clone();
                    case.run_kernel(kernel, &a, &b, &mut c);
                    if let Some(i) = first_bit_difference(&first, &c) {
                        panic!("{kernel:?} differs from {:?} at {i} ({} vs {}), m={m} n={n} k={k} ta={ta} tb={tb}",
                               Kernel::ALL[0], c[i], first[i]);
                    }
                }
            }
        }
    }
}

#[test]
fn kernel_ids_round_trip_and_the_probe_computes() {
    for kernel in Kernel::ALL {
        assert_eq!(Kernel::from_id(kernel as u32), Some(kernel));
        let mut scratch = vec![0.0f32; select::PROBE_SCRATCH];
        let sink = unsafe { select::kernel_probe(kernel, 3, scratch.as_mut_ptr()) };
        assert!(sink.is_finite() && sink != 0.0, "{kernel:?} probe returned {sink}");
        // The probe's tile is a real product: C[0][0] = Σ_p A[p·MR]·B[p·NR] over the packed slivers.
        let (mr, nr) = kernel.tile();
        let a = &scratch[..6 * params::KC];
        let b = &scratch[6 * params::KC..];
        let want: f64 = (0..params::KC).map(|p| a[p * mr] as f64 * b[p * nr] as f64).sum();
        let got = scratch[6 * params::KC + 16 * params::KC];
        assert!((got as f64 - want).abs() < 1e-3, "{kernel:?}: C[0][0] = {got}, want {want}");
    }
    assert_eq!(Kernel::from_id(3), None);
    assert_eq!(select::probe_flops_per_round(Kernel::K2x16), 2 * 2 * 16 * params::KC);
}

#[test]
fn small_m_rows_do_not_depend_on_how_many_are_computed_together() {
    // Decode computes one row, beam search several: each row of an m-row product must equal the 1-row one
    // (the B-transposed path reads 3 or 4 rows of B side by side: n not a multiple leaves some to one stream;
    // more rows run as 2- and 3-row passes over column chunks (k = 771: 96 columns) in blocks of 64 rows).
    let k = 771;
    let cases = [(3, 300, false), (3, 300, true), (3, 301, true), (3, 302, true), (3, 303, true), (3, 1, true)];
    let more_rows = [4, 5, 6, 7, 8, 9, 65, 130].map(|m| (m, 301, true));
    // B untransposed: fewer than 4 rows go straight through B slab by slab, more are packed; same bits.
    let packed_rows = [4, 7, 65].map(|m| (m, 300, false));
    for (m, n, tb) in cases.into_iter().chain(more_rows).chain(packed_rows) {
        let a = fill(11, m * k);
        let b = fill(12, n * k);
        let ldb = if tb { k } else { n };
        let mut ws = Workspace::new();
        let mut all = vec![0.0f32; m * n];
        unsafe { sgemm(&mut ws, false, tb, m, n, k, 1.0, a.as_ptr(), k, b.as_ptr(), ldb, 0.0, all.as_mut_ptr(), n) };
        for i in 0..m {
            let mut one = vec![0.0f32; n];
            unsafe {
                sgemm(&mut ws, false, tb, 1, n, k, 1.0, a[i * k..].as_ptr(), k, b.as_ptr(), ldb, 0.0, one.as_mut_ptr(), n)
            };
            assert_eq!(first_bit_difference(&one, &all[i * n..(i + 1) * n]), None, "row {i} of {m}, tb={tb}");
        }
    }
}

#[test]
fn untransposed_b_rows_equal_packed_rows_with_alpha_beta_and_threads() {
    // The 1–3-row path adds KC-deep slabs as the packed path does, α/β included: row i of any product equals
    // row i of a taller one, on 1 thread or spread over slabs and column bands (k = 771: three slabs and a tail).
    let (k, n, alpha, beta) = (771, 401, 0.75f32, 0.5f32);
    for ta in [false, true] {
        let case = Case { ta, tb: false, m: 6, n, k, alpha, beta };
        let (lda, ldb, ldc) = case.dims();
        let (a, b, c0) = case.inputs();
        let mut tall = c0.clone();
        case.run_fast(&a, &b, &mut tall);
        check_against_f64(&case, &a, &b, &c0, &tall);
        for rows in 1..4 {
            let mut ws = Workspace::new();
            let mut c = c0.clone();
            let run = |c: &mut [f32], ws: &mut Workspace| unsafe {
                // Parallel-sized (≥ PARALLEL_MIN_MACS), so with threads the slabs become tasks.
                sgemm(ws, ta, false, rows, n, k, alpha, a.as_ptr(), lda, b.as_ptr(), ldb, beta, c.as_mut_ptr(), ldc)
            };
            run(&mut c, &mut ws);
            assert_eq!(first_bit_difference(&c[..rows * ldc], &tall[..rows * ldc]), None, "{rows} rows, ta={ta}");
            #[cfg(feature = "threads")]
            for threads in [2, 3] {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                let mut led = c0.clone();
                crate::team::Team::new(&pool).lead(|| run(&mut led, &mut ws));
                assert_eq!(first_bit_difference(&led[..rows * ldc], &tall[..rows * ldc]), None, "{rows} rows, {threads} threads");
            }
        }
    }
}

#[test]
fn untransposed_b_rows_wider_than_one_sweep_equal_packed_rows() {
    // Wider than the CB columns of one sweep (the LM head in the K×N layout): the cut at CB never shows.
    let (m, n, k) = (4, super::gemv::CB + 37, 260);
    let (a, b) = (fill(21, m * k), fill(22, k * n));
    let mut ws = Workspace::new();
    let mut tall = vec![0.0f32; m * n];
    unsafe { sgemm(&mut ws, false, false, m, n, k, 0.5, a.as_ptr(), k, b.as_ptr(), n, 0.0, tall.as_mut_ptr(), n) };
    let mut one = vec![0.0f32; n];
    for i in 0..m {
        unsafe { sgemm(&mut ws, false, false, 1, n, k, 0.5, a[i * k..].as_ptr(), k, b.as_ptr(), n, 0.0, one.as_mut_ptr(), n) };
        assert_eq!(first_bit_difference(&one, &tall[i * n..(i + 1) * n]), None, "row {i}");
    }
    let want: f64 = (0..k).map(|p| a[(m - 1) * k + p] as f64 * b[p * n + n - 1] as f64).sum::<f64>() * 0.5;
    assert!((one[n - 1] as f64 - want).abs() < 1e-3, "last column {} vs {want}", one[n - 1]);
}

#[test]
fn transposed_gemv_does_not_depend_on_streams_or_rows() {
    // gemv_bt's stream count S and row count ROWS only change which outputs share a pass over K.
    type Gemv = unsafe fn(usize, f32, *const f32, usize, *const f32, usize, f32, *mut f32, usize, usize, usize);
    for &(n, k) in &[(1, 5), (7, 3), (13, 64), (130, 771), (1031, 129)] {
        let case = Case { ta: false, tb: true, m: 3, n, k, alpha: 0.75, beta: 0.5 };
        let (lda, ldb, ldc) = case.dims();
        let (a, b, c0) = case.inputs();
        let run = |f: Gemv, rows: usize| {
            let mut c = c0.clone();
            for i in (0..3).step_by(rows) {
                let (a, c) = (a[i * lda..].as_ptr(), c[i * ldc..].as_mut_ptr());
                // Two column bands, as two tasks would take them.
                unsafe { f(k, 0.75, a, lda, b.as_ptr(), ldb, 0.5, c, ldc, 0, n / 3) };
                unsafe { f(k, 0.75, a, lda, b.as_ptr(), ldb, 0.5, c, ldc, n / 3, n) };
            }
            c
        };
        let one = run(gemv::gemv_bt::<1, 1>, 1);
        check_against_f64(&case, &a, &b, &c0, &one);
        for (name, other) in [
            ("1x4", run(gemv::gemv_bt::<1, 4>, 1)),
            ("1x7", run(gemv::gemv_bt::<1, 7>, 1)),
            ("3x3", run(gemv::gemv_bt::<3, 3>, 3)),
            ("3x1", run(gemv::gemv_bt::<3, 1>, 3)),
        ] {
            assert_eq!(first_bit_difference(&one, &other), None, "gemv_bt {name} vs 1x1 at n={n} k={k}");
        }
    }
}

#[test]
fn alpha_beta_and_beta_zero_ignores_nan() {
    for &(alpha, beta) in &[(1.0, 1.0), (0.5, -2.0), (-1.5, 0.0), (2.0, 0.25)] {
        for &(m, n, k) in &[(1, 37, 19), (3, 9, 300), (13, 17, 300), (50, 70, 40)] {
            for &(ta, tb) in &[(false, false), (true, true), (false, true), (true, false)] {
                let case = Case { ta, tb, m, n, k, alpha, beta };
                let (a, b, mut c0) = case.inputs();
                if beta == 0.0 {
                    c0.iter_mut().step_by(2).for_each(|x| *x = f32::NAN);
                }
                let mut c = c0.clone();
                case.run_fast(&a, &b, &mut c);
                check_against_f64(&case, &a, &b, &c0, &c);
            }
        }
    }
}

#[test]
fn zero_sizes() {
    let mut ws = Workspace::new();
    let a = [1.0f32; 4];
    let b = [1.0f32; 4];
    let mut c = [7.0f32; 4];
    unsafe {
        // m = 0 and n = 0: nothing happens.
        sgemm(&mut ws, false, false, 0, 2, 2, 1.0, a.as_ptr(), 2, b.as_ptr(), 2, 0.0, c.as_mut_ptr(), 2);
        sgemm(&mut ws, false, false, 2, 0, 2, 1.0, a.as_ptr(), 2, b.as_ptr(), 2, 0.0, c.as_mut_ptr(), 2);
    }
    assert_eq!(c, [7.0; 4]);
    unsafe {
        // k = 0: C ← β·C.
        sgemm(&mut ws, false, false, 2, 2, 0, 1.0, a.as_ptr(), 1, b.as_ptr(), 2, 0.5, c.as_mut_ptr(), 2);
    }
    assert_eq!(c, [3.5; 4]);
    unsafe {
        sgemm(&mut ws, false, false, 2, 2, 0, 1.0, a.as_ptr(), 1, b.as_ptr(), 2, 0.0, c.as_mut_ptr(), 2);
    }
    assert_eq!(c, [0.0; 4]);
}

#[test]
fn identity_products() {
    // A·I = A and I·B = B exactly: each output is one product by 1 plus additions of exact zeros.
    let (m, k) = (29, 300);
    let a = fill(9, m * k);
    let mut eye = vec![0.0f32; k * k];
    (0..k).for_each(|i| eye[i * k + i] = 1.0);
    let mut ws = Workspace::new();
    let mut c = vec![0.0f32; m * k];
    unsafe { sgemm(&mut ws, false, false, m, k, k, 1.0, a.as_ptr(), k, eye.as_ptr(), k, 0.0, c.as_mut_ptr(), k) };
    assert!(a.iter().zip(&c).all(|(x, y)| x.to_bits() == y.to_bits()), "A·I != A");
    let mut c2 = vec![0.0f32; k * m];
    // I·Aᵀ = Aᵀ, with A read transposed.
    unsafe { sgemm(&mut ws, false, true, k, m, k, 1.0, eye.as_ptr(), k, a.as_ptr(), k, 0.0, c2.as_mut_ptr(), m) };
    for i in 0..m {
        for p in 0..k {
            assert_eq!(c2[p * m + i].to_bits(), a[i * k + p].to_bits(), "I·Aᵀ at [{p},{i}]");
        }
    }
}

#[cfg(feature = "threads")]
#[test]
fn bitwise_identical_for_any_thread_count() {
    // Inside a rayon pool, and led from outside as the wasm build runs (crate::team). 37·520·600: each task packs
    // its own columns of B on 1 and 2 threads, all tasks share one packed B on 3 and 4 (too few bands).
    let run = |threads: usize, kernel: Kernel, case: &Case| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let (a, b, c0) = case.inputs();
        let mut c = c0.clone();
        pool.install(|| case.run_kernel(kernel, &a, &b, &mut c));
        let mut led = c0.clone();
        crate::team::Team::new(&pool).lead(|| case.run_kernel(kernel, &a, &b, &mut led));
        assert!(first_bit_difference(&c, &led).is_none(), "{kernel:?}: team and rayon pool differ on {threads} threads");
        c
    };
    for &(m, n, k) in &[(1, 3000, 700), (1, 50257, 40), (2, 1000, 513), (3, 50, 2000), (1, 17, 33), (5, 3000, 700), (8, 1000, 513), (200, 300, 600), (101, 5000, 31), (64, 64, 64), (37, 520, 600)] {
        for &(ta, tb) in &[(false, false), (true, true), (false, true), (true, false)] {
            let case = Case { ta, tb, m, n, k, alpha: 0.75, beta: 0.5 };
            let one = run(1, Kernel::K6x8, &case);
            for kernel in Kernel::ALL {
                for threads in [1, 2, 3, 4] {
                    let many = run(threads, kernel, &case);
                    assert!(
                        first_bit_difference(&one, &many).is_none(),
                        "{kernel:?} on {threads} threads differs from 6x8 on 1 at m={m} n={n} k={k} ta={ta} tb={tb}"
                    );
                }
            }
        }
    }
}
