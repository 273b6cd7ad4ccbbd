//! The JavaScript boundary: every export is `extern "C"` over integers, floats and pointers into linear memory.
//! Status codes and export names must match `src/wasm/exports.ts`.
//!
//! Arguments are validated in TypeScript before the call (shapes, lengths, bounds); the checks here are the
//! cheap last line that keeps a wrong call from corrupting memory, and report [`Status`] instead of trapping.
//! Every export that returns a status is written one way: its body runs in [`export`], and each check is a
//! `reject_if(bad)?` before anything is read or written.

use crate::gemm::{self, Workspace};
use std::alloc::{alloc, dealloc, Layout};
use std::sync::Mutex;

/// Result codes returned by exports. Must match `Status` in src/wasm/exports.ts.
#[repr(i32)]
#[derive(Clone, Copy)]
pub enum Status {
    Ok = 0,
    InvalidArgument = 1,
    OutOfMemory = 2,
    ThreadsUnavailable = 3,
    AlreadyInitialised = 4,
}

/// An export's checks and work: `Err` stops it with that status.
pub(crate) type Checked = Result<(), Status>;

/// `Err(InvalidArgument)` when `bad`: the one way an export rejects its arguments.
pub(crate) fn reject_if(bad: bool) -> Checked {
    if bad {
        Err(Status::InvalidArgument)
    } else {
        Ok(())
    }
}

/// Runs an export's body and reports its outcome as the `Status` code JavaScript reads.
pub(crate) fn export(body: impl FnOnce() -> Checked) -> i32 {
    match body() {
        Ok(()) => Status::Ok as i32,
        Err(status) => status as i32,
    }
}

/// Bumped whenever an export's signature or meaning changes; the loader refuses a mismatched binary.
const ABI_VERSION: u32 = 1;

#[link(wasm_import_module = "env")]
extern "C" {
    /// Hands a panic message to JavaScript before the abort trap, so the trap surfaces as a real error.
    fn wgpt_report_panic(ptr: *const u8, len: usize);
}

#[no_mangle]
pub extern "C" fn wgpt_abi_version() -> u32 {
    ABI_VERSION
}

/// Installs the panic hook; called once by the loader on the main instance.
#[no_mangle]
pub extern "C" fn wgpt_init() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        unsafe { wgpt_report_panic(msg.as_ptr(), msg.len()) };
    }));
}

/// 1 in the shared-memory build that can run a thread pool, 0 otherwise.
#[no_mangle]
pub extern "C" fn wgpt_threads_supported() -> u32 {
    cfg!(feature = "threads") as u32
}

/// 1 when compiled with SIMD128.
#[no_mangle]
pub extern "C" fn wgpt_simd_enabled() -> u32 {
    cfg!(target_feature = "simd128") as u32
}

/// 1 when compiled with relaxed SIMD too (`F32x4::mul_add` is `f32x4.relaxed_madd`).
#[no_mangle]
pub extern "C" fn wgpt_relaxed_simd_enabled() -> u32 {
    cfg!(target_feature = "relaxed-simd") as u32
}

/// Allocates `size` bytes aligned to `align` (a power of two); 0 on failure. `size` 0 gives a dangling,
/// aligned, non-null pointer that must not be read.
#[no_mangle]
pub extern "C" fn wgpt_alloc(size: usize, align: usize) -> *mut u8 {
    let Ok(layout) = Layout::from_size_align(size, align) else { return core::ptr::null_mut() };
    if size == 0 {
        return align as *mut u8;
    }
    unsafe { alloc(layout) }
}

/// Frees memory from [`wgpt_alloc`] with the same size and alignment.
#[no_mangle]
pub extern "C" fn wgpt_free(ptr: *mut u8, size: usize, align: usize) {
    if ptr.is_null() || size == 0 {
        return;
    }
    if let Ok(layout) = Layout::from_size_align(size, align) {
        unsafe { dealloc(ptr, layout) }
    }
}

#[no_mangle]
pub extern "C" fn wgpt_thread_pool_init(threads: u32) -> i32 {
    export(|| {
        #[cfg(feature = "threads")]
        {
            reject_if(threads == 0)?;
            crate::threads::init_pool(threads as usize).map_err(|_| Status::AlreadyInitialised)
        }
        #[cfg(not(feature = "threads"))]
        {
            let _ = threads;
            Err(Status::ThreadsUnavailable)
        }
    })
}

/// Entry point of every pool worker (see src/threads.rs); returns only if threads are unavailable.
#[no_mangle]
pub extern "C" fn wgpt_worker_entry() {
    #[cfg(feature = "threads")]
    crate::threads::worker_entry();
}

#[no_mangle]
pub extern "C" fn wgpt_thread_count() -> u32 {
    #[cfg(feature = "threads")]
    return crate::threads::current_threads() as u32;
    #[cfg(not(feature = "threads"))]
    1
}

/// Runs `f` inside the pool when there is one and `work` is worth it (`par::worth_pool`), else on the calling
/// thread. Results are the same either way (see crate::par).
pub(crate) fn run<R: Send>(work: usize, f: impl FnOnce() -> R + Send) -> R {
    if crate::par::worth_pool(work) {
        in_pool(f)
    } else {
        f()
    }
}

/// Runs `f` inside the pool when there is one.
pub(crate) fn in_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    #[cfg(feature = "threads")]
    return crate::threads::install(f);
    #[cfg(not(feature = "threads"))]
    f()
}

/// The packing workspace shared by top-level GEMM calls (kernels are called from one JS thread at a time).
static GEMM_WORKSPACE: Mutex<Workspace> = Mutex::new(Workspace::new());

/// Minimal shape sanity: leading dimensions at least as wide as the rows they describe.
fn gemm_args_ok(trans_a: u32, trans_b: u32, m: usize, n: usize, k: usize, lda: usize, ldb: usize, ldc: usize) -> bool {
    let a_cols = if trans_a != 0 { m } else { k };
    let b_cols = if trans_b != 0 { k } else { n };
    trans_a <= 1 && trans_b <= 1 && lda >= a_cols.max(1) && ldb >= b_cols.max(1) && ldc >= n.max(1)
}

/// `C ← α·op(A)·op(B) + β·C` (see `gemm::sgemm`), on the thread pool when there is one.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn wgpt_sgemm(
    trans_a: u32,
    trans_b: u32,
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
) -> i32 {
    export(|| {
        reject_if(!gemm_args_ok(trans_a, trans_b, m, n, k, lda, ldb, ldc))?;
        let (a, b, c) = (a as usize, b as usize, c as usize);
        let run = || {
            let mut ws = GEMM_WORKSPACE.lock().unwrap_or_else(|e| e.into_inner());
            unsafe {
                gemm::sgemm(&mut ws, trans_a != 0, trans_b != 0, m, n, k, alpha, a as *const f32, lda, b as *const f32,
                            ldb, beta, c as *mut f32, ldc)
            }
        };
        // Small products run right here, without even looking at the team.
        if gemm::worth_parallel(m, n, k) {
            in_pool(run)
        } else {
            run()
        }
        Ok(())
    })
}

/// The scalar reference GEMM (`gemm::sgemm_ref`), same arguments as [`wgpt_sgemm`]. Single-threaded.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn wgpt_sgemm_ref(
    trans_a: u32,
    trans_b: u32,
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
) -> i32 {
    export(|| {
        reject_if(!gemm_args_ok(trans_a, trans_b, m, n, k, lda, ldb, ldc))?;
        let a_len = if m == 0 || k == 0 { 0 } else if trans_a != 0 { (k - 1) * lda + m } else { (m - 1) * lda + k };
        let b_len = if n == 0 || k == 0 { 0 } else if trans_b != 0 { (n - 1) * ldb + k } else { (k - 1) * ldb + n };
        let c_len = if m == 0 || n == 0 { 0 } else { (m - 1) * ldc + n };
        unsafe {
            let a = if a_len == 0 { &[][..] } else { core::slice::from_raw_parts(a, a_len) };
            let b = if b_len == 0 { &[][..] } else { core::slice::from_raw_parts(b, b_len) };
            let c = if c_len == 0 { &mut [][..] } else { core::slice::from_raw_parts_mut(c, c_len) };
            gemm::sgemm_ref(trans_a != 0, trans_b != 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        Ok(())
    })
}

/// `buf[0..n] = value`. In wasm rather than `Float32Array.fill` because V8's fill on shared memory takes a
/// slow element-by-element path (zeroing gradients cost 3% of a training step that way).
#[no_mangle]
pub extern "C" fn wgpt_fill(buf: *mut f32, n: usize, value: f32) -> i32 {
    export(|| {
        reject_if(buf.is_null() && n > 0)?;
        if n > 0 {
            unsafe { core::slice::from_raw_parts_mut(buf, n) }.fill(value);
        }
        Ok(())
    })
}

/// See `peak::simd_peak`; single-threaded, for benchmarks.
#[no_mangle]
pub extern "C" fn wgpt_simd_peak(iters: u32, s: f32) -> f32 {
    crate::peak::simd_peak(iters, s)
}

/// Flops done by one `wgpt_simd_peak` iteration.
#[no_mangle]
pub extern "C" fn wgpt_simd_peak_flops_per_iter() -> u32 {
    (crate::peak::PEAK_ACCUMULATORS * 8) as u32
}

/// Deliberately panics: lets tests check that a Rust panic reaches JavaScript as an error with its message.
#[no_mangle]
pub extern "C" fn wgpt_debug_panic() {
    panic!("wgpt_debug_panic called");
}

/// Runs the packed micro-kernel of tile shape `kernel` (see `gemm::select::Kernel`) `rounds` times on one
/// cache-resident tile, for the loader to time; single-threaded. NaN for an unknown shape.
#[no_mangle]
pub extern "C" fn wgpt_gemm_kernel_probe(kernel: u32, rounds: u32) -> f32 {
    let Some(kernel) = gemm::Kernel::from_id(kernel) else { return f32::NAN };
    let mut scratch = vec![0.0f32; gemm::select::PROBE_SCRATCH];
    unsafe { gemm::select::kernel_probe(kernel, rounds, scratch.as_mut_ptr()) }
}

/// Flops of one [`wgpt_gemm_kernel_probe`] round with `kernel`; 0 for an unknown shape.
#[no_mangle]
pub extern "C" fn wgpt_gemm_kernel_probe_flops(kernel: u32) -> u32 {
    gemm::Kernel::from_id(kernel).map_or(0, |k| gemm::select::probe_flops_per_round(k) as u32)
}

/// Makes every later SGEMM use tile shape `kernel`; the results do not change, only the speed.
#[no_mangle]
pub extern "C" fn wgpt_gemm_set_kernel(kernel: u32) -> i32 {
    export(|| {
        let Some(k) = gemm::Kernel::from_id(kernel) else { return Err(Status::InvalidArgument) };
        gemm::set_kernel(k);
        Ok(())
    })
}

/// The tile shape SGEMM currently uses (a `gemm::select::Kernel` discriminant).
#[no_mangle]
pub extern "C" fn wgpt_gemm_kernel() -> u32 {
    gemm::selected_kernel() as u32
}
