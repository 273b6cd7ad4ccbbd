//! The rayon pool of the shared-memory build, whose threads are JavaScript workers.
//!
//! Wasm has no way to start a thread by itself, so the split is (as in wasm-bindgen-rayon): JavaScript starts
//! N workers on the same module and memory; each gives itself a fresh stack and TLS block, reports ready,
//! and calls [`worker_entry`], which blocks until it is handed a rayon `ThreadBuilder` and then runs it for
//! the life of the pool. Only after every worker is ready does JavaScript call [`init_pool`], whose spawn
//! handler pushes the builders into the queue the workers wait on. So no thread ever waits for a worker
//! that has not started, which matters in browsers where a blocked parent cannot start its children.

use crate::team::Team;
use rayon::{ThreadBuilder, ThreadPool, ThreadPoolBuilder};
use std::sync::{Condvar, Mutex, OnceLock};

static PENDING: Mutex<Vec<ThreadBuilder>> = Mutex::new(Vec::new());
static HANDED_OUT: Condvar = Condvar::new();
static POOL: OnceLock<ThreadPool> = OnceLock::new();
static TEAM: OnceLock<Team<'static>> = OnceLock::new();

/// Builds the pool with `threads` workers (already started and waiting in [`worker_entry`]).
pub fn init_pool(threads: usize) -> Result<(), &'static str> {
    if POOL.get().is_some() {
        return Err("thread pool already initialised");
    }
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("wasm-gpt-{i}"))
        .spawn_handler(|builder| {
            PENDING.lock().unwrap().push(builder);
            HANDED_OUT.notify_all();
            Ok(())
        })
        .build()
        .map_err(|_| "rayon could not build the pool")?;
    POOL.set(pool).map_err(|_| "thread pool already initialised")?;
    let _ = TEAM.set(Team::new(POOL.get().expect("just set")));
    Ok(())
}

/// Body of every worker: wait for a thread builder, then serve the pool until the worker is terminated.
pub fn worker_entry() {
    let builder = {
        let mut pending = PENDING.lock().unwrap();
        loop {
            if let Some(b) = pending.pop() {
                break b;
            }
            pending = HANDED_OUT.wait(pending).unwrap();
        }
    };
    builder.run();
}

/// Number of threads kernels run on (1 until the pool exists).
pub fn current_threads() -> usize {
    POOL.get().map_or(1, |p| p.current_num_threads())
}

/// Runs `f` on the calling thread as the leader of the hot team (crate::team), so `par::for_each` inside it
/// spreads over the pool's threads without a wake-up per call.
pub fn install<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    match TEAM.get() {
        Some(team) => team.lead(f),
        None => f(),
    }
}
