//! Tile sizes of the blocked SGEMM, in one place (Goto/BLIS naming).
//!
//! Register tile MR×NR: 6 rows × 8 columns = 12 f32x4 accumulators, plus 2 vectors of B and 1 broadcast of A
//! per step = 15 live vectors. x86 V8 has 16 xmm registers; a larger tile spills and halves throughput.
//! Cache tiles: a KC×NR sliver of packed B (8 KiB) stays in L1 while the kernel sweeps MC rows of packed A
//! (MC×KC×4 = 48 KiB, L2); a KC×NC block of packed B (up to 4 MiB) stays in L2/L3 while all row blocks use it.

/// Rows of the register tile.
pub const MR: usize = 6;
/// Columns of the register tile (a multiple of 4: whole f32x4 vectors).
pub const NR: usize = 8;
/// Depth of one packed block: the reduction is cut into KC-long pieces.
pub const KC: usize = 256;
/// Rows of A per parallel task (a multiple of MR).
pub const MC: usize = MR * 8;
/// Columns of B packed at once.
pub const NC: usize = 4096;
/// Columns of C per parallel task (a multiple of NR).
pub const NB: usize = NR * 8;

/// Below this many rows a product is treated as a batch of matrix-vector products (no packing: each
/// element of B is used fewer than MR times, so copying B would cost more than it saves).
pub const SMALL_M: usize = 4;
/// Columns of C per task in the matrix-vector path.
pub const GEMV_NB: usize = 256;

const _: () = assert!(NR % 4 == 0 && MC % MR == 0 && NB % NR == 0 && NC % NB == 0);
