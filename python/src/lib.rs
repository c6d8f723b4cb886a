//! `tsetlin._tsetlin`: the Python extension module over the Rust engine (`tsetlin-core`) and
//! the text pipeline (`tsetlin`). The scikit-learn estimators live in the pure-Python package
//! `tsetlin`; this module only moves data and errors across the boundary:
//!
//! * rows cross as CSR arrays packed little-endian into `bytes` (`indptr` as u64, `indices`
//!   as u32), so sparse input is never densified and no NumPy C API is needed (abi3);
//! * the GIL is released while the engine trains or predicts; training runs on a scoped worker
//!   thread while the calling thread polls Python's signal handlers, so Ctrl-C stops a fit
//!   through the engine's stop flag and surfaces as `KeyboardInterrupt`;
//! * every object that owns rayon threads rebuilds them after `fork()` (rayon pools are not
//!   fork-safe), and work that the engine would put on rayon's global pool (the featurizer)
//!   runs on a short-lived local pool instead, so a forked child never waits on threads that
//!   exist only in its parent;
//! * engine errors become `ValueError` (bad parameters or data), `OSError` (I/O) or
//!   `KeyboardInterrupt`; nothing panics across the boundary: the engine's entry points run
//!   under `errors::guarded`, so a bug that panics raises `RuntimeError`, not PyO3's
//!   `PanicException` (which `except Exception` would miss).
//!
//! One module per concept: `errors` (Rust errors as Python exceptions), `convert` (data across
//! the boundary), `threads` (local pools, fork safety, interruptible training), `params`
//! (settings from Python, validated by name), `machine` (the bare engine), `text` (the
//! featurizer and the text model) and `search` (a settings search run a trial at a time).

mod convert;
mod errors;
mod machine;
mod params;
mod search;
mod text;
mod threads;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::errors::core_err;
use crate::machine::Machine;
use crate::search::SearchPlan;
use crate::text::{Featurizer, TextModel};
use crate::threads::resolve_threads;

/// The synthetic clinical-notes corpus with planted rules: `(texts, labels)`.
#[pyfunction]
#[pyo3(signature = (n = 1000, seed = 0))]
fn clinical_notes(n: usize, seed: u64) -> (Vec<String>, Vec<String>) {
    let data = tsetlin::synth::clinical_notes(n, seed);
    (data.texts, data.labels)
}

/// The multi-label synthetic clinical notes: `(texts, label sets)`; each note documents each
/// planted condition independently (possibly none).
#[pyfunction]
#[pyo3(signature = (n = 1000, seed = 0))]
fn clinical_notes_multi_label(n: usize, seed: u64) -> (Vec<String>, Vec<Vec<String>>) {
    let data = tsetlin::synth::clinical_notes_multi_label(n, seed);
    (data.texts, data.label_sets.unwrap_or_default())
}

/// Resolves a device name against this build: `(device that runs, note)`; a ValueError for an
/// unknown name, a RuntimeError for `cuda` in a build without a CUDA backend.
#[pyfunction]
fn resolve_device(name: &str) -> PyResult<(String, Option<String>)> {
    let device: tsetlin_core::Device = name.parse().map_err(core_err)?;
    let resolved = device
        .resolve()
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    Ok((resolved.device.to_string(), resolved.note))
}

/// Writes `data` to `path` atomically (a fresh temporary file in the same folder, then a
/// rename), the writer every file of the project goes through.
#[pyfunction]
fn write_atomically(py: Python<'_>, path: std::path::PathBuf, data: Vec<u8>) -> PyResult<()> {
    py.detach(|| tsetlin_core::format::write_atomically(&path, &data))
        .map_err(|e| match e {
            tsetlin_core::TmError::Io(source) => {
                let kind = source.kind();
                errors::io_error(format!("{}: {source}", path.display()), kind)
            }
            other => core_err(other),
        })
}

/// The number of threads `threads = 0` stands for (every available core).
#[pyfunction]
fn available_threads() -> usize {
    resolve_threads(0)
}

#[pymodule]
fn _tsetlin(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Machine>()?;
    m.add_class::<Featurizer>()?;
    m.add_class::<TextModel>()?;
    m.add_class::<SearchPlan>()?;
    m.add_function(wrap_pyfunction!(clinical_notes, m)?)?;
    m.add_function(wrap_pyfunction!(clinical_notes_multi_label, m)?)?;
    m.add_function(wrap_pyfunction!(available_threads, m)?)?;
    m.add_function(wrap_pyfunction!(resolve_device, m)?)?;
    m.add_function(wrap_pyfunction!(write_atomically, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add(
        "MAX_THREADS_PER_CORE",
        tsetlin_core::backend::MAX_THREADS_PER_CORE,
    )?;
    Ok(())
}
