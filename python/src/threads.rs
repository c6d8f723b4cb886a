//! Threads, fork safety and interruption: local rayon pools for the featurizer, machines
//! that rebuild their pool after `fork()`, and training on a worker thread while this one
//! polls Python's signal handlers (Ctrl-C).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use pyo3::exceptions::{PyKeyboardInterrupt, PyRuntimeError};
use pyo3::prelude::*;
use tsetlin::rules::{simplify_checked, Preserve};

use tsetlin::EpochRecord;
use tsetlin_core::SparseRows;
use tsetlin_core::TsetlinMachine;

use crate::errors::{core_err, guarded, text_err, value_error};

/// How often the calling thread looks at Python's signal handlers while a fit runs.
pub(crate) const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// `threads = 0` means every available core (never rayon's global pool).
pub(crate) fn resolve_threads(threads: usize) -> usize {
    if threads > 0 {
        tsetlin_core::backend::cap_threads(threads)
    } else {
        std::thread::available_parallelism().map_or(1, usize::from)
    }
}

/// Runs `f` on a fresh local rayon pool of `threads` threads (dropped afterwards), so that the
/// text pipeline's parallel loops never start rayon's global pool, which a forked child would
/// inherit without its threads.
pub(crate) fn on_local_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> PyResult<R> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(resolve_threads(threads))
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start worker threads: {e}")))?;
    guarded(|| pool.install(f))
}

/// `simplify_checked` on a process-local pool, with its Python arguments checked by name:
/// `tolerance` in points, `preserve` "decisions" or "outputs", the check rows defaulting to
/// the kept ones. The caller has readied the machine's own pool (the accuracy check uses it).
#[allow(clippy::too_many_arguments)] // the Python call's values, passed through
pub(crate) fn simplify_in_pool(
    py: Python<'_>,
    machine: &TsetlinMachine,
    keep: (&SparseRows, &[u32]),
    check: Option<(&SparseRows, &[u32])>,
    max_changes: usize,
    tolerance: f64,
    preserve: &str,
    threads: usize,
) -> PyResult<(TsetlinMachine, tsetlin::rules::SimplifyReport)> {
    if !(tolerance.is_finite() && (0.0..=100.0).contains(&tolerance)) {
        return Err(value_error(format!(
            "tolerance = {tolerance}: must be between 0 and 100 points"
        )));
    }
    let preserve = match preserve {
        "decisions" => Preserve::Decisions(keep.1),
        "outputs" => Preserve::Outputs,
        other => {
            return Err(value_error(format!(
                "preserve = {other:?}: must be \"decisions\" or \"outputs\""
            )))
        }
    };
    let check = check.unwrap_or(keep);
    py.detach(|| {
        on_local_pool(threads, || {
            simplify_checked(
                machine,
                keep.0,
                preserve,
                check,
                max_changes,
                tolerance / 100.0,
            )
        })
    })?
    .map_err(text_err)
}

/// Gives `machine` a thread pool of `threads` threads that is alive in this process.
///
/// After `fork()`, the inherited pool's worker threads do not exist in the child: using the
/// pool would hang, and dropping it would signal threads through locks that a parent thread
/// may have held at the fork. So a child keeps the inherited pool referenced forever (a
/// forgotten clone; its memory is shared copy-on-write with the parent) and builds a new one.
pub(crate) fn ready_machine(
    machine: &mut TsetlinMachine,
    owner_pid: &mut u32,
    current_threads: &mut usize,
    threads: usize,
) -> PyResult<()> {
    let threads = resolve_threads(threads);
    let pid = std::process::id();
    if pid != *owner_pid {
        let fresh = machine.clone();
        std::mem::forget(std::mem::replace(machine, fresh));
        *owner_pid = pid;
        *current_threads = 0;
    }
    if *current_threads != threads {
        machine.set_threads(threads).map_err(core_err)?;
        *current_threads = threads;
    }
    Ok(())
}

/// Runs `work` with the GIL released on a scoped worker thread while this thread polls
/// Python's signal handlers; each raised signal (Ctrl-C) sets `stop`, and the first one is
/// returned with the work's result once the worker has finished.
pub(crate) fn run_interruptible<R: Send>(
    py: Python<'_>,
    stop: &Arc<AtomicBool>,
    work: impl FnOnce() -> R + Send,
) -> PyResult<(R, Option<PyErr>)> {
    let (outcome, signal) = py.detach(|| {
        std::thread::scope(|scope| {
            let (done_tx, done_rx) = mpsc::channel::<()>();
            let worker = scope.spawn(move || {
                let result = work();
                // The receiver lives until this thread is joined; a failed send changes nothing.
                let _ = done_tx.send(());
                result
            });
            let mut signal: Option<PyErr> = None;
            // Until the worker reports (or is gone), look at the signal handlers.
            while let Err(RecvTimeoutError::Timeout) = done_rx.recv_timeout(SIGNAL_POLL) {
                if let Err(e) = Python::attach(|py| py.check_signals()) {
                    stop.store(true, Ordering::SeqCst);
                    signal.get_or_insert(e);
                }
            }
            (worker.join(), signal)
        })
    });
    let result = outcome
        .map_err(|_| PyRuntimeError::new_err("internal error: the training thread panicked"))?;
    Ok((result, signal))
}

/// Pipeline work on a local pool of `threads` threads ([`on_local_pool`]), interruptible by
/// Ctrl-C ([`run_interruptible`]): its value, a pipeline error as a Python exception, and
/// the signal that set the stop flag, if one did (the caller decides what an interrupted run
/// returns).
pub(crate) fn run_on_pool<R: Send>(
    py: Python<'_>,
    stop: &Arc<AtomicBool>,
    threads: usize,
    work: impl FnOnce() -> tsetlin::Result<R> + Send,
) -> PyResult<(R, Option<PyErr>)> {
    let (result, signal) = run_interruptible(py, stop, || on_local_pool(threads, work))?;
    Ok((result?.map_err(text_err)?, signal))
}

/// Trains through the library's training loop ([`tsetlin::training::fit`]) with the GIL
/// released, appending one record per epoch to `history`; Ctrl-C stops it cleanly between
/// steps and raises KeyboardInterrupt (the epochs completed stay in `history`).
pub(crate) fn fit_interruptible(
    py: Python<'_>,
    machine: &mut TsetlinMachine,
    history: &mut Vec<EpochRecord>,
    x: &SparseRows,
    y: &[u32],
    epochs: usize,
    shuffle: bool,
) -> PyResult<()> {
    let stop = Arc::new(AtomicBool::new(false));
    let plan = tsetlin::training::Plan {
        shuffle,
        stop: Some(Arc::clone(&stop)),
        ..tsetlin::training::Plan::epochs(epochs)
    };
    let (result, signal) = run_interruptible(py, &stop, || {
        tsetlin::training::fit(machine, history, x, y, &plan, |_| {})
    })?;
    let outcome = result.map_err(text_err)?;
    if let Some(e) = signal {
        return Err(e);
    }
    if outcome.interrupted {
        return Err(PyKeyboardInterrupt::new_err("training interrupted"));
    }
    Ok(())
}
