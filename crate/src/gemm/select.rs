//! Which register-tile shape the blocked SGEMM runs, chosen once per process.
//!
//! The best shape depends on the engine more than on the CPU family: a 6×8 tile needs 12 accumulators plus
//! 2 vectors of B, 1 broadcast of A and a product temporary, one more than the 15 vector registers V8's x64
//! back end allocates, so there it spills; 4×8 and 2×16 fit. Where the engine keeps more registers (arm64:
//! 32), the taller tile wins by loading B less often. wasm cannot ask the CPU, so the loader times
//! [`kernel_probe`] for each shape (a few ms) and calls [`set_kernel`] with the fastest.
//!
//! The choice never changes results: every shape forms each output with the same sequence of operations
//! (see super::kernel), and KC, the only blocking parameter that touches the arithmetic, is shared.

use super::kernel::sgemm_ukernel_packed;
use super::params::KC;
use std::sync::atomic::{AtomicU8, Ordering};

/// A register-tile shape of the packed micro-kernel. The discriminants are the numbers the JavaScript side
/// passes (must match `GEMM_KERNELS` in src/wasm/core.ts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kernel {
    /// 6 rows × 8 columns: 12 accumulators, the fewest loads per multiply-add.
    K6x8 = 0,
    /// 4 rows × 8 columns: 8 accumulators.
    K4x8 = 1,
    /// 2 rows × 16 columns: 8 accumulators, 4 vectors of B per step.
    K2x16 = 2,
}

impl Kernel {
    pub const ALL: [Kernel; 3] = [Kernel::K6x8, Kernel::K4x8, Kernel::K2x16];

    pub fn from_id(id: u32) -> Option<Kernel> {
        Kernel::ALL.into_iter().find(|k| *k as u32 == id)
    }

    /// Rows × columns of the register tile.
    pub fn tile(self) -> (usize, usize) {
        match self {
            Kernel::K6x8 => (6, 8),
            Kernel::K4x8 => (4, 8),
            Kernel::K2x16 => (2, 16),
        }
    }
}

/// The shape `sgemm` uses; 6×8 until the loader's probe says otherwise.
static SELECTED: AtomicU8 = AtomicU8::new(Kernel::K6x8 as u8);

/// Makes every later `sgemm` call use `kernel` (products in flight finish with the shape they started with).
pub fn set_kernel(kernel: Kernel) {
    SELECTED.store(kernel as u8, Ordering::Relaxed);
}

pub fn selected_kernel() -> Kernel {
    Kernel::from_id(SELECTED.load(Ordering::Relaxed) as u32).unwrap_or(Kernel::K6x8)
}

/// Floats of scratch [`kernel_probe`] needs: a packed A sliver and B sliver of depth KC for the largest
/// tile, and one C tile.
pub const PROBE_SCRATCH: usize = 6 * KC + KC * 16 + 6 * 16;

/// Multiply-adds ×2 done by one [`kernel_probe`] round with `kernel`.
pub fn probe_flops_per_round(kernel: Kernel) -> usize {
    let (mr, nr) = kernel.tile();
    2 * mr * nr * KC
}

/// Runs the packed micro-kernel of `kernel` `rounds` times on one KC-deep tile held in `scratch` (L1-resident,
/// as in the blocked loop), for the caller to time. Returns a value that depends on the results, so the work
/// cannot be skipped.
///
/// # Safety
/// `scratch` must be valid for [`PROBE_SCRATCH`] floats of reads and writes.
pub unsafe fn kernel_probe(kernel: Kernel, rounds: u32, scratch: *mut f32) -> f32 {
    for i in 0..PROBE_SCRATCH {
        // Small values in [-0.5, 0.5): no overflow however many rounds run (β = 0 rewrites C each round).
        *scratch.add(i) = ((i * 37 % 101) as f32) / 101.0 - 0.5;
    }
    let (a, b) = (scratch as *const f32, scratch.add(6 * KC) as *const f32);
    let c = scratch.add(6 * KC + 16 * KC);
    let (mr, nr) = kernel.tile();
    for _ in 0..rounds {
        match kernel {
            Kernel::K6x8 => sgemm_ukernel_packed::<6, 2>(KC, 1.0, a, b, 0.0, c, 16, mr, nr),
            Kernel::K4x8 => sgemm_ukernel_packed::<4, 2>(KC, 1.0, a, b, 0.0, c, 16, mr, nr),
            Kernel::K2x16 => sgemm_ukernel_packed::<2, 4>(KC, 1.0, a, b, 0.0, c, 16, mr, nr),
        }
    }
    (0..mr * 16).map(|i| *c.add(i)).sum()
}
