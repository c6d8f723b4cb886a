//! Errors crossing into Python: engine and pipeline errors as ValueError, OSError
//! (the subclass matching the I/O error) or KeyboardInterrupt; never a panic.

use pyo3::exceptions::{
    PyFileNotFoundError, PyKeyboardInterrupt, PyOSError, PyPermissionError, PyRuntimeError,
    PyValueError,
};
use pyo3::prelude::*;
use tsetlin_core::TmError;

pub(crate) fn io_error(message: String, kind: std::io::ErrorKind) -> PyErr {
    match kind {
        std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(message),
        std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(message),
        _ => PyOSError::new_err(message),
    }
}

pub(crate) fn core_err(e: TmError) -> PyErr {
    match e {
        TmError::Io(source) => {
            let kind = source.kind();
            io_error(format!("model file I/O: {source}"), kind)
        }
        TmError::Interrupted => PyKeyboardInterrupt::new_err("training interrupted"),
        other => PyValueError::new_err(other.to_string()),
    }
}

pub(crate) fn text_err(e: tsetlin::Error) -> PyErr {
    match e {
        tsetlin::Error::Io { ref source, .. } => {
            let kind = source.kind();
            io_error(e.to_string(), kind)
        }
        tsetlin::Error::Core(core) => core_err(core),
        other => PyValueError::new_err(other.to_string()),
    }
}

/// Runs `f`, turning a panic (a bug: no input should reach one) into a RuntimeError that says
/// so, instead of PyO3's `PanicException`, which `except Exception` does not catch.
pub(crate) fn guarded<R>(f: impl FnOnce() -> R) -> PyResult<R> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        PyRuntimeError::new_err(format!(
            "internal error in tsetlin (a bug; please report it with the input that caused it): {message}"
        ))
    })
}

pub(crate) fn value_error(message: impl Into<String>) -> PyErr {
    PyValueError::new_err(message.into())
}

/// The error of a run that the stop flag ended: the signal that set it, or a plain
/// `KeyboardInterrupt`.
pub(crate) fn interrupted(signal: Option<PyErr>) -> PyErr {
    signal.unwrap_or_else(|| PyKeyboardInterrupt::new_err("training interrupted"))
}
