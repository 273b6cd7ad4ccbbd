//! The one place kernels go parallel.
//!
//! `for_each(n, f)` runs `f(0..n)` over the hot team when the calling thread leads one (the `threads` build runs
//! every exported kernel worth it that way, see crate::team), on the rayon pool when the caller is inside one,
//! and as a plain loop otherwise (or inside a task: nested loops are serial). Work is always split into the same
//! `n` tasks, whatever the thread count, and each task computes its outputs with the same arithmetic, so
//! results are bitwise identical for 1, 2 or N threads: only *who* computes a task changes, never *how*.

/// Work (roughly: floating-point operations, or multiply-adds for a GEMM) below which a call runs on the calling
/// thread alone: too little to share. The element-wise ops' work estimates are calibrated against it
/// (bench/train-ops.mjs); the GEMM has its own, lower one (`gemm::worth_parallel`).
pub const POOL_MIN_WORK: usize = 1 << 20;

/// Whether `work` is worth entering the pool for.
#[inline]
pub fn worth_pool(work: usize) -> bool {
    work >= POOL_MIN_WORK
}

/// Runs `f(i)` for every `i` in `0..n`, in parallel when a rayon pool is current.
#[inline]
pub fn for_each<F>(n: usize, f: F)
where
    F: Fn(usize) + Sync + Send,
{
    #[cfg(feature = "threads")]
    {
        if n > 1 && !crate::team::in_task() {
            if crate::team::for_each(n, &f) {
                return;
            }
            if rayon::current_thread_index().is_some() {
                use rayon::prelude::*;
                (0..n).into_par_iter().with_max_len(1).for_each(f);
                return;
            }
        }
    }
    for i in 0..n {
        f(i);
    }
}

/// Threads [`for_each`] would spread tasks over from here: the pool's size inside a pool, else 1. Only for
/// sizing tasks where the split cannot change results (each output computed whole by one task).
#[inline]
pub fn threads() -> usize {
    #[cfg(feature = "threads")]
    {
        if let Some(threads) = crate::team::threads() {
            return threads;
        }
        if rayon::current_thread_index().is_some() && !crate::team::in_task() {
            return rayon::current_num_threads();
        }
    }
    1
}

/// Whether [`for_each`] would spread tasks over threads from here.
#[inline]
pub fn parallel() -> bool {
    threads() > 1
}

/// A raw pointer that may cross threads. Tasks given one promise to touch disjoint elements.
#[derive(Clone, Copy)]
pub struct SendPtr<T>(pub *mut T);
unsafe impl<T> Send for SendPtr<T> {}
unsafe impl<T> Sync for SendPtr<T> {}

impl<T> SendPtr<T> {
    #[inline(always)]
    pub fn get(self) -> *mut T {
        self.0
    }
}

/// A read-only raw pointer that may cross threads.
#[derive(Clone, Copy)]
pub struct SendConstPtr<T>(pub *const T);
unsafe impl<T> Send for SendConstPtr<T> {}
unsafe impl<T> Sync for SendConstPtr<T> {}

impl<T> SendConstPtr<T> {
    #[inline(always)]
    pub fn get(self) -> *const T {
        self.0
    }
}
