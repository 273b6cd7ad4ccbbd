//! A hot team: the calling thread plus spinning pool helpers, for the many short parallel loops of decoding.
//!
//! Entering a rayon pool from outside costs three futex hand-offs per call (wake a worker, the worker wakes a
//! second, the last wakes the caller). On a VM whose idle vCPUs halt, each is an inter-processor interrupt
//! and a host reschedule: a 0.2 ms GEMV took 0.4 ms on two threads. The team avoids all of them while it is
//! busy: the caller (the leader) publishes each loop and takes tasks itself, and helpers started on the pool
//! spin between loops, leaving after a few milliseconds without work (so an idle library burns no core).
//!
//! Tasks are claimed one at a time, the leader from the front of the loop and helpers from the back, so each
//! thread walks a contiguous run of tasks (neighbouring tasks share cache lines of their inputs; claiming
//! alternately from one counter was ~5% slower on the training step). Which thread runs a task never changes
//! what it computes, so results stay bitwise identical for any thread count (see crate::par). A loop is complete
//! when every task has finished, however many helpers were present: the leader runs whatever nobody else
//! claimed, so a helper that is slow to start, or gone, only costs speed.

use rayon::ThreadPool;
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

/// `state` is `generation << 2·TASK_BITS | front << TASK_BITS | back`: tasks front..back are unclaimed.
const TASK_BITS: u32 = 20;
const TASK_MASK: u64 = (1 << TASK_BITS) - 1;
/// Larger loops run serially on the leader (no kernel comes near: tasks are blocks of rows or heads).
const MAX_TASKS: usize = TASK_MASK as usize;

fn unpack(state: u64) -> (u64, usize, usize) {
    (state >> (2 * TASK_BITS), ((state >> TASK_BITS) & TASK_MASK) as usize, (state & TASK_MASK) as usize)
}

fn pack(generation: u64, front: usize, back: usize) -> u64 {
    (generation << (2 * TASK_BITS)) | (front as u64) << TASK_BITS | back as u64
}
/// Empty polls after which a helper leaves the team: 1–4 ms. Wasm has no pause instruction, so a poll is a few
/// cycles there; natively `spin_loop` pauses for 40–150. A quarter of this window cost the training step ~2% on two
/// threads (helpers leaving between kernels and being started again).
#[cfg(target_arch = "wasm32")]
const IDLE_POLLS: u32 = 1 << 22;
#[cfg(not(target_arch = "wasm32"))]
const IDLE_POLLS: u32 = 1 << 16;

/// What the leader and its helpers share. A helper holds an `Arc` of it so it may outlive the team's borrow of
/// the pool.
struct Shared {
    /// See `pack`. A claim is a compare-and-swap of the whole word, so it can only succeed for the loop whose
    /// job was read after the word was (generations wrap after 2^24 loops; front and back only move inward).
    state: AtomicU64,
    /// Address of the leader's `&(dyn Fn(usize) + Sync)`, valid while the loop is incomplete.
    job: AtomicUsize,
    done: AtomicUsize,
    helpers: AtomicUsize,
}

type Job<'a> = &'a (dyn Fn(usize) + Sync);

pub struct Team<'p> {
    pool: &'p ThreadPool,
    shared: Arc<Shared>,
}

thread_local! {
    /// The team this thread leads, while inside [`Team::lead`].
    static LEADING: Cell<*const ()> = const { Cell::new(core::ptr::null()) };
    /// Inside a task: a nested loop runs serially (a task is one thread's share).
    static IN_TASK: Cell<bool> = const { Cell::new(false) };
}

impl<'p> Team<'p> {
    pub fn new(pool: &'p ThreadPool) -> Self {
        let shared = Shared {
            state: AtomicU64::new(0),
            job: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            helpers: AtomicUsize::new(0),
        };
        Team { pool, shared: Arc::new(shared) }
    }

    /// Threads a loop is spread over: the leader and the pool's threads but one.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Runs `f` on this thread with [`for_each`] spreading its loops over the team. With a one-thread pool, or
    /// when this thread already leads or runs a task, `f` just runs (its loops then run serially).
    pub fn lead<R>(&self, f: impl FnOnce() -> R) -> R {
        if self.threads() < 2 || !LEADING.get().is_null() || IN_TASK.get() {
            return f();
        }
        struct Restore;
        impl Drop for Restore {
            fn drop(&mut self) {
                LEADING.set(core::ptr::null());
            }
        }
        LEADING.set(self as *const Team as *const ());
        let _restore = Restore;
        f()
    }

    fn for_each(&self, n: usize, f: Job<'_>) {
        if n > MAX_TASKS {
            (0..n).for_each(|task| run_task(f, task));
            return;
        }
        let s = &*self.shared;
        let generation = (unpack(s.state.load(SeqCst)).0 + 1) & ((1 << (64 - 2 * TASK_BITS)) - 1);
        // Empty first, so nobody claims while the job changes, then open.
        s.state.store(pack(generation, 0, 0), SeqCst);
        s.job.store(&f as *const Job<'_> as usize, SeqCst);
        s.done.store(0, SeqCst);
        s.state.store(pack(generation, 0, n), SeqCst);

        let wanted = self.threads() - 1;
        let mut present = s.helpers.load(SeqCst);
        while present < wanted {
            match s.helpers.compare_exchange(present, present + 1, SeqCst, SeqCst) {
                Ok(_) => {
                    let shared = Arc::clone(&self.shared);
                    self.pool.spawn(move || help(&shared));
                    present += 1;
                }
                Err(now) => present = now,
            }
        }

        let mut ran = 0;
        loop {
            let state = s.state.load(SeqCst);
            let (generation, front, back) = unpack(state);
            if front >= back {
                break;
            }
            if s.state.compare_exchange(state, pack(generation, front + 1, back), SeqCst, SeqCst).is_ok() {
                run_task(f, front);
                ran += 1;
            }
        }
        s.done.fetch_add(ran, SeqCst);
        while s.done.load(SeqCst) < n {
            core::hint::spin_loop();
        }
    }
}

fn run_task(f: Job<'_>, task: usize) {
    IN_TASK.set(true);
    f(task);
    IN_TASK.set(false);
}

/// A helper's life: claim tasks of whatever loop is open, leave after `IDLE_POLLS` polls without one.
fn help(s: &Shared) {
    let mut idle = 0;
    loop {
        let state = s.state.load(SeqCst);
        let (generation, front, back) = unpack(state);
        if front < back {
            let job = s.job.load(SeqCst);
            // Succeeds only if nothing was claimed and no new loop opened since `state` was read, so `job` (read
            // after it) is this loop's, and the leader waits for this task before its closure dies.
            if s.state.compare_exchange(state, pack(generation, front, back - 1), SeqCst, SeqCst).is_ok() {
                // SAFETY: see above; the leader keeps the `Job` it points to alive until `done` reaches n.
                let f = unsafe { *(job as *const Job<'_>) };
                run_task(f, back - 1);
                s.done.fetch_add(1, SeqCst);
                idle = 0;
            }
            continue;
        }
        idle += 1;
        if idle >= IDLE_POLLS {
            // A loop opened after the last poll is finished by its leader, and its next loop starts a helper.
            s.helpers.fetch_sub(1, SeqCst);
            return;
        }
        core::hint::spin_loop();
    }
}

/// The team this thread leads, outside its tasks.
fn led<'a>() -> Option<&'a Team<'a>> {
    let leading = LEADING.get();
    if leading.is_null() || IN_TASK.get() {
        return None;
    }
    // SAFETY: LEADING is set only for the duration of `Team::lead` on that team, on this thread, and callers
    // use the reference only within the call that asked.
    Some(unsafe { &*(leading as *const Team<'a>) })
}

/// Spreads `f(0..n)` over the team this thread leads, if any. Returns false (having done nothing) when there is
/// none, or inside a task.
pub fn for_each(n: usize, f: Job<'_>) -> bool {
    led().map(|team| team.for_each(n, f)).is_some()
}

/// Threads loops are spread over from here when this thread leads a team (outside its tasks).
pub fn threads() -> Option<usize> {
    led().map(Team::threads)
}

/// Whether this thread is inside a task of a team loop.
pub fn in_task() -> bool {
    IN_TASK.get()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;

    #[test]
    fn every_task_runs_exactly_once_while_helpers_come_and_go() {
        for threads in [2, 3, 4] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let team = Team::new(&pool);
            team.lead(|| {
                for round in 0..400 {
                    let n = 1 + round % 37; // 1: a loop of one task runs on the leader, outside the team
                    let hits: Vec<AtomicU32> = (0..n).map(|_| AtomicU32::new(0)).collect();
                    let nested = AtomicU32::new(0);
                    crate::par::for_each(n, |i| {
                        hits[i].fetch_add(1, SeqCst);
                        // Nested loops run whole on the task's thread.
                        crate::par::for_each(3, |_| {
                            nested.fetch_add(1, SeqCst);
                        });
                        if n > 1 {
                            assert_eq!(crate::par::threads(), 1, "inside a task");
                        }
                    });
                    assert!(hits.iter().all(|h| h.load(SeqCst) == 1), "{threads} threads, round {round}: a task ran twice or never");
                    assert_eq!(nested.load(SeqCst) as usize, 3 * n);
                    if round % 50 == 49 {
                        // Long enough for the helpers to leave; the next loop must start them again.
                        std::thread::sleep(std::time::Duration::from_millis(30));
                    }
                }
                assert_eq!(crate::par::threads(), threads);
            });
            assert_eq!(crate::par::threads(), 1, "the team is led only inside `lead`");
        }
    }

    #[test]
    fn helpers_take_a_share_of_the_tasks() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let team = Team::new(&pool);
        let leader = std::thread::current().id();
        let by_helper = AtomicU32::new(0);
        team.lead(|| {
            for _ in 0..200 {
                let led = AtomicU32::new(0);
                crate::par::for_each(8, |i| {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                    if std::thread::current().id() != leader {
                        by_helper.fetch_add(1, SeqCst);
                    } else {
                        led.fetch_or(1 << i, SeqCst);
                    }
                });
                let led = led.load(SeqCst);
                assert_eq!(led & (led + 1), 0, "the leader's tasks {led:#b} are not a run from the front");
            }
        });
        assert!(by_helper.load(SeqCst) > 200, "helpers ran only {} of 1600 tasks", by_helper.load(SeqCst));
    }
}
