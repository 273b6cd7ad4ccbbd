//! Tile sizes of the blocked SGEMM, in one place (Goto/BLIS naming).
//!
//! Register tile MR×NR here is the 6×8 one the fused attention kernels drive directly; the blocked SGEMM runs
//! whichever of 6×8, 4×8 and 2×16 the load-time probe picked (see super::select for why it differs by engine).
//! Cache tiles, shared by all shapes: a KC×NR sliver of packed B (8 or 16 KiB) stays in L1 while the kernel
//! sweeps MC rows of packed A (MC×KC×4 = 48 KiB, L2); a task's KC×NB piece of packed B (64 KiB) stays in L2
//! while all its row blocks use it. KC is the only one that changes results (outputs are summed slab by slab).

/// Rows of the 6×8 register tile.
pub const MR: usize = 6;
/// Columns of the 6×8 register tile (a multiple of 4: whole f32x4 vectors).
pub const NR: usize = 8;
/// Depth of one packed block: the reduction is cut into KC-long pieces.
pub const KC: usize = 256;
/// Rows of A swept while one piece of packed B stays in cache (a multiple of every tile's rows: 2, 4, 6).
pub const MC: usize = 48;
/// Columns of B packed at once when one packed copy is shared by all tasks (bounds the workspace).
pub const NC: usize = 4096;
/// Columns of C per parallel task (a multiple of every tile's columns: 8, 16).
pub const NB: usize = 64;
/// Column bands per thread below which the packed path shares one packed copy of B among its tasks instead of
/// each task packing its own band (see `BlockedPlan` in super): with fewer, a slow task leaves the other
/// threads idle at the end.
pub const OWN_B_MIN_BANDS_PER_THREAD: usize = 4;
/// Largest op(B), in floats, the packed path packs once for all tasks regardless (1 MiB: it stays in L2).
pub const SHARED_B_MAX_FLOATS: usize = 1 << 18;
/// Most rows one task of the packed path covers when it packs its own band of B: a KC-deep slab of that many
/// rows of A is 512 KiB, half the L2 of the smallest we have met (Zen 5). 2048 rows in one task ran 5–16%
/// slower on 1 thread than sharing B (Xeon, L2 2 MiB).
pub const OWN_B_GROUP_MAX_ROWS: usize = 512;
/// Tallest product whose tasks pack their own bands of B (two groups of rows at most): with four groups, each
/// packing B again, 2048–4096 rows ran 2–4% slower on 1 thread than one shared copy.
pub const OWN_B_MAX_ROWS: usize = 2 * OWN_B_GROUP_MAX_ROWS;

/// Below this many rows a product is treated as a batch of matrix-vector products (no packing: each
/// element of B is used fewer than MR times, so copying B would cost more than it saves).
pub const SMALL_M: usize = 4;
/// Shortest reduction for which a B-transposed product with `SMALL_M` rows or more takes the dot-product
/// path instead of packing: each output ends with a horizontal sum and its epilogue, which short rows do not
/// amortise (Zen 5, 256 rows × 768 columns, dot ÷ packed: K = 64 0.73×, 128 0.92×, 192 1.04×, 256 1.10×,
/// 384 1.13×, 768 1.20×; 4–8 rows at K = 64 roughly even). Since the packed kernel's loop is unrolled (1.15–1.2×
/// faster) the two are closer: packed ÷ dot on 1 thread K = 192 1.16×, 384 1.07×, 512 1.03×, 768 0.99×, but on 2
/// threads 0.93–0.98× and at 8–64 rows 0.76–0.95× (Zen 5, same process), so the threshold stays.
pub const DOT_MIN_K: usize = 192;
/// Rows of op(A) per task in the B-transposed (dot-product) path; products up to this tall are one row block.
pub const SMALL_M_BT: usize = 8;
/// Rows per task when a B-transposed product is taller than [`SMALL_M_BT`].
pub const GEMV_ROW_BLOCK: usize = 64;
/// Floats of B each column chunk of a multi-pass (4 or more rows) dot-product covers: 256 KiB, so the
/// passes after the first read B from L2, not from memory.
pub const GEMV_CHUNK_FLOATS: usize = 1 << 16;
/// Tasks per thread the B-untransposed small-M path aims for (slabs of B, cut into column bands only when
/// there are fewer slabs than this many per thread): enough to even out two threads when K = 768 (3 slabs).
pub const ROWS_TASKS_PER_THREAD: usize = 2;
/// Column bands per thread in the matrix-vector path (one band when running on one thread).
pub const GEMV_TASKS_PER_THREAD: usize = 4;

const _: () = assert!(NR % 4 == 0 && MC % MR == 0 && NB % NR == 0 && NC % NB == 0);
