//! Data across the boundary: CSR rows as little-endian bytes (no NumPy C API, abi3), class
//! sums and rules back to Python.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use tsetlin_core::SparseRows;

use crate::errors::{core_err, value_error};

pub(crate) fn read_u64s(bytes: &[u8], what: &str) -> PyResult<Vec<usize>> {
    if bytes.len() % 8 != 0 {
        return Err(value_error(format!(
            "{what}: length is not a multiple of 8"
        )));
    }
    bytes
        .chunks_exact(8)
        .map(|c| {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            usize::try_from(u64::from_le_bytes(w))
                .map_err(|_| value_error(format!("{what}: value does not fit in usize")))
        })
        .collect()
}

pub(crate) fn read_u32s(bytes: &[u8], what: &str) -> PyResult<Vec<u32>> {
    if bytes.len() % 4 != 0 {
        return Err(value_error(format!(
            "{what}: length is not a multiple of 4"
        )));
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

pub(crate) fn rows_from(n_features: usize, indptr: &[u8], indices: &[u8]) -> PyResult<SparseRows> {
    let indptr = read_u64s(indptr, "indptr")?;
    let indices = read_u32s(indices, "indices")?;
    SparseRows::from_csr(n_features, &indptr, &indices).map_err(core_err)
}

pub(crate) fn csr_bytes<'py>(
    py: Python<'py>,
    rows: &SparseRows,
) -> (Bound<'py, PyBytes>, Bound<'py, PyBytes>) {
    let indptr: Vec<u8> = rows
        .indptr()
        .iter()
        .flat_map(|&p| (p as u64).to_le_bytes())
        .collect();
    let indices: Vec<u8> = rows
        .indices()
        .iter()
        .flat_map(|&i| i.to_le_bytes())
        .collect();
    (PyBytes::new(py, &indptr), PyBytes::new(py, &indices))
}

pub(crate) fn i64_bytes<'py>(py: Python<'py>, values: &[i64]) -> Bound<'py, PyBytes> {
    let out: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    PyBytes::new(py, &out)
}
