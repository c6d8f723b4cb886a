//! Errors crossing into Python: engine and pipeline errors as ValueError, OSError
//! (the subclass matching the I/O error) or KeyboardInterrupt; never a panic.

use pyo3::exceptions::{
    PyFileNotFoundError, PyKeyboardInterrupt, PyOSError, PyPermissionError, PyValueError,
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

pub(crate) fn value_error(message: impl Into<String>) -> PyErr {
    PyValueError::new_err(message.into())
}

/// The error of a run that the stop flag ended: the signal that set it, or a plain
/// `KeyboardInterrupt`.
pub(crate) fn interrupted(signal: Option<PyErr>) -> PyErr {
    signal.unwrap_or_else(|| PyKeyboardInterrupt::new_err("training interrupted"))
}
