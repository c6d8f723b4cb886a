//! `Machine`: the bare engine over CSR rows (the scikit-learn `TsetlinClassifier`'s core).

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use tsetlin::rules::Readability;
use tsetlin::tune::{self};
use tsetlin_core::TsetlinMachine;
use tsetlin_core::{LabelSets, Params, TmError};

use crate::convert::{i64_bytes, read_u32s, rows_from};
use crate::errors::{core_err, guarded, interrupted, io_error, value_error};
use crate::params::{params_dict, params_from_dict, parse_pinned, rule_dict, search_options};
use crate::threads::{
    fit_interruptible, on_local_pool, ready_machine, resolve_threads, run_on_pool, simplify_in_pool,
};

/// A multiclass Tsetlin machine over Boolean feature ids (the engine, `tsetlin-core`).
#[pyclass(module = "tsetlin._tsetlin")]
pub(crate) struct Machine {
    tm: TsetlinMachine,
    pid: u32,
    threads: usize,
}

impl Machine {
    fn wrap(tm: TsetlinMachine) -> Self {
        Self {
            tm,
            pid: std::process::id(),
            threads: 0,
        }
    }
}

/// What `Machine.train_multi_label` returns to Python: the machine, the per-label thresholds,
/// where they were chosen, the settings used (JSON) and the search log (JSON, when one ran).
type MultiLabelTrained = (Machine, Vec<i64>, String, String, Option<String>);

#[pymethods]
impl Machine {
    /// A fresh machine; `params` holds the hyper-parameters (see `Params`).
    #[new]
    #[pyo3(signature = (n_classes, n_features, params = None))]
    fn new(
        n_classes: usize,
        n_features: usize,
        params: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let params = params_from_dict(params, n_classes, n_features)?;
        Ok(Self::wrap(TsetlinMachine::new(params).map_err(core_err)?))
    }

    /// Trains with the automatic settings (`auto`) or with the pinned settings over the
    /// data-derived defaults, on CSR rows and u32 labels: the library's one training path.
    /// Returns the machine and the search log as JSON.
    #[staticmethod]
    #[pyo3(signature = (n_classes, n_features, indptr, indices, y, pinned = "{}", search = "{}", seed = 42, threads = 1))]
    #[allow(clippy::too_many_arguments)] // mirrors the Python call; all plain values
    fn train_auto(
        py: Python<'_>,
        n_classes: usize,
        n_features: usize,
        indptr: &[u8],
        indices: &[u8],
        y: &[u8],
        pinned: &str,
        search: &str,
        seed: u64,
        threads: usize,
    ) -> PyResult<(Self, String)> {
        let x = rows_from(n_features, indptr, indices)?;
        let y = read_u32s(y, "labels")?;
        let pinned = parse_pinned(pinned)?;
        let stop = Arc::new(AtomicBool::new(false));
        let (options, _) = search_options(search, seed, threads, &stop)?;
        // A pool of this process for the library's own parallel steps (the rule
        // simplification): after fork(), the inherited global pool has no threads.
        let (fit, signal) = run_on_pool(py, &stop, threads, || {
            tune::fit_rows(&x, &y, n_classes, &pinned, &options, |_| {})
        })?;
        if fit.interrupted {
            return Err(interrupted(signal));
        }
        let log = serde_json::to_string(&fit.log).map_err(|e| value_error(e.to_string()))?;
        Ok((Self::wrap(fit.model), log))
    }

    /// Trains a multi-label machine (`label_sets`: each row's label ids `< n_labels`,
    /// possibly none) with the pinned settings over the data-derived defaults: the last rows
    /// choose the epoch count and the per-label thresholds, then the final machine trains on
    /// all of them (`tsetlin::multi_label::fit_rows`). Returns the machine, its thresholds,
    /// where they were chosen and the settings as JSON. Ctrl-C stops it (`KeyboardInterrupt`).
    #[staticmethod]
    #[pyo3(signature = (n_labels, n_features, indptr, indices, label_sets, pinned = "{}", search = "{}", seed = 42, threads = 1))]
    #[allow(clippy::too_many_arguments)] // mirrors the Python call; all plain values
    fn train_multi_label(
        py: Python<'_>,
        n_labels: usize,
        n_features: usize,
        indptr: &[u8],
        indices: &[u8],
        label_sets: Vec<Vec<u32>>,
        pinned: &str,
        search: &str,
        seed: u64,
        threads: usize,
    ) -> PyResult<MultiLabelTrained> {
        let x = rows_from(n_features, indptr, indices)?;
        let sets = LabelSets::from_rows(n_labels, &label_sets).map_err(core_err)?;
        let pinned = parse_pinned(pinned)?;
        let stop = Arc::new(AtomicBool::new(false));
        let (search, args) = search_options(search, seed, threads, &stop)?;
        let options = tsetlin::multi_label::MultiLabelOptions {
            seed,
            threads: resolve_threads(threads),
            stop: Some(Arc::clone(&stop)),
            simplify: args.simplify,
            ..tsetlin::multi_label::MultiLabelOptions::default()
        };
        let (fit, signal) = run_on_pool(py, &stop, threads, || {
            tsetlin::multi_label::fit_rows_auto(
                &x,
                &sets,
                &pinned,
                &options,
                &search,
                |_| {},
                |_, _| {},
            )
        })?;
        if fit.interrupted {
            return Err(interrupted(signal));
        }
        let settings =
            serde_json::to_string(&fit.settings).map_err(|e| value_error(e.to_string()))?;
        let search = fit
            .search
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| value_error(e.to_string()))?;
        Ok((
            Self::wrap(fit.machine),
            fit.decision.thresholds,
            fit.decision.chosen_on,
            settings,
            search,
        ))
    }

    /// An untrained machine with the pinned settings over the defaults derived from a first
    /// batch of `rows` rows with `mean_present` present features on average (`partial_fit`).
    #[staticmethod]
    #[pyo3(signature = (n_classes, n_features, rows, mean_present, pinned = "{}", seed = 42))]
    fn with_defaults(
        n_classes: usize,
        n_features: usize,
        rows: usize,
        mean_present: f64,
        pinned: &str,
        seed: u64,
    ) -> PyResult<(Self, String)> {
        let pinned = parse_pinned(pinned)?;
        let profile = tune::DataProfile {
            rows,
            classes: n_classes,
            features: n_features,
            mean_present,
            text: false,
        };
        let settings = pinned.impose(tune::default_settings(&profile));
        let params = settings
            .apply(Params::builder(n_classes, n_features))
            .seed(seed)
            .build()
            .map_err(core_err)?;
        let json = serde_json::to_string(&settings).map_err(|e| value_error(e.to_string()))?;
        Ok((
            Self::wrap(TsetlinMachine::new(params).map_err(core_err)?),
            json,
        ))
    }

    /// Number of classes.
    #[getter]
    fn n_classes(&self) -> usize {
        self.tm.n_classes()
    }

    /// Number of Boolean features.
    #[getter]
    fn n_features(&self) -> usize {
        self.tm.n_features()
    }

    /// Examples trained on so far.
    #[getter]
    fn steps(&self) -> u64 {
        self.tm.steps()
    }

    /// The hyper-parameters as a dict.
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        params_dict(py, self.tm.params())
    }

    /// Trains `epochs` epochs on CSR rows (u64 `indptr`, u32 `indices`, little-endian bytes)
    /// and u32 labels; returns the seconds of each epoch. Interruptible with Ctrl-C.
    #[pyo3(signature = (indptr, indices, y, epochs, shuffle = true, threads = 1))]
    #[allow(clippy::too_many_arguments)] // mirrors the Python call; all plain values
    fn fit(
        &mut self,
        py: Python<'_>,
        indptr: &[u8],
        indices: &[u8],
        y: &[u8],
        epochs: usize,
        shuffle: bool,
        threads: usize,
    ) -> PyResult<Vec<f64>> {
        let x = rows_from(self.tm.n_features(), indptr, indices)?;
        let y = read_u32s(y, "y")?;
        ready_machine(&mut self.tm, &mut self.pid, &mut self.threads, threads)?;
        let mut history = Vec::with_capacity(epochs);
        fit_interruptible(py, &mut self.tm, &mut history, &x, &y, epochs, shuffle)?;
        Ok(history.iter().map(|r| r.seconds.unwrap_or(0.0)).collect())
    }

    /// Class sums (predicting semantics) of CSR rows, row-major i64 little-endian bytes.
    ///
    /// Takes `&self` and scores through the machine's shared compiled scorer on a local pool,
    /// so threads of one process (a web server's workers) may call it at once.
    #[pyo3(signature = (indptr, indices, threads = 1))]
    fn class_sums<'py>(
        &self,
        py: Python<'py>,
        indptr: &[u8],
        indices: &[u8],
        threads: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let x = rows_from(self.tm.n_features(), indptr, indices)?;
        let scorer = self.tm.scorer();
        let sums = py
            .detach(|| on_local_pool(threads, || scorer.class_sums(&x)))?
            .map_err(core_err)?;
        Ok(i64_bytes(py, &sums))
    }

    /// Every non-empty clause as a dict: class, clause, polarity, weight, positive, negated.
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.tm.rules().iter().map(|r| rule_dict(py, r)).collect()
    }

    /// How readable the rules are, as JSON (see `TextModel.readability_json`); `names` are
    /// the class names; with CSR rows and u32 labels, also the cover of each class.
    #[pyo3(signature = (names, indptr = None, indices = None, y = None, threads = 1))]
    fn readability_json(
        &self,
        py: Python<'_>,
        names: Vec<String>,
        indptr: Option<&[u8]>,
        indices: Option<&[u8]>,
        y: Option<&[u8]>,
        threads: usize,
    ) -> PyResult<String> {
        let data = match (indptr, indices, y) {
            (Some(p), Some(i), Some(y)) => {
                Some((rows_from(self.tm.n_features(), p, i)?, read_u32s(y, "y")?))
            }
            (None, None, None) => None,
            _ => return Err(value_error("give rows and labels together, or neither")),
        };
        let tm = &self.tm;
        let r = py.detach(|| {
            on_local_pool(threads, || {
                Readability::of(tm, &names, data.as_ref().map(|(x, y)| (x, y.as_slice())))
            })
        })?;
        serde_json::to_string(&r).map_err(|e| value_error(e.to_string()))
    }

    /// Simplifies the rules in place on CSR rows and u32 labels (see `TextModel.simplify`);
    /// the check rows default to the same. Returns the report as JSON.
    #[pyo3(signature = (indptr, indices, y, check_indptr = None, check_indices = None, check_y = None, max_changes = 0, tolerance = 0.5, preserve = "decisions", threads = 1))]
    #[allow(clippy::too_many_arguments)] // mirrors the Python call; all plain values
    fn simplify(
        &mut self,
        py: Python<'_>,
        indptr: &[u8],
        indices: &[u8],
        y: &[u8],
        check_indptr: Option<&[u8]>,
        check_indices: Option<&[u8]>,
        check_y: Option<&[u8]>,
        max_changes: usize,
        tolerance: f64,
        preserve: &str,
        threads: usize,
    ) -> PyResult<String> {
        let o = self.tm.n_features();
        let x = rows_from(o, indptr, indices)?;
        let y = read_u32s(y, "y")?;
        let check = match (check_indptr, check_indices, check_y) {
            (Some(p), Some(i), Some(cy)) => Some((rows_from(o, p, i)?, read_u32s(cy, "check_y")?)),
            (None, None, None) => None,
            _ => {
                return Err(value_error(
                    "give the check rows and labels together, or neither",
                ))
            }
        };
        ready_machine(&mut self.tm, &mut self.pid, &mut self.threads, threads)?;
        let (tm, report) = simplify_in_pool(
            py,
            &self.tm,
            (&x, &y),
            check.as_ref().map(|(cx, cy)| (cx, cy.as_slice())),
            max_changes,
            tolerance,
            preserve,
            threads,
        )?;
        self.tm = tm;
        serde_json::to_string(&report).map_err(|e| value_error(e.to_string()))
    }

    /// Explains one row given as its present feature ids: class sums, predicted class and
    /// the fired clauses (class, clause, vote).
    fn explain<'py>(&self, py: Python<'py>, row: Vec<u32>) -> PyResult<Bound<'py, PyDict>> {
        let e = self.tm.explain(&row).map_err(core_err)?;
        let d = PyDict::new(py);
        d.set_item("class_sums", e.class_sums)?;
        d.set_item("predicted", e.predicted)?;
        let fired = e
            .fired
            .iter()
            .map(|f| {
                let fd = PyDict::new(py);
                fd.set_item("class", f.class)?;
                fd.set_item("clause", f.clause)?;
                fd.set_item("vote", f.vote)?;
                Ok(fd)
            })
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("fired", fired)?;
        Ok(d)
    }

    /// The engine's model file as bytes (magic `TSETLINM`).
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.tm.to_bytes().map_err(core_err)?))
    }

    /// Decodes the engine's model file.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        Ok(Self::wrap(
            guarded(|| TsetlinMachine::from_bytes(data))?.map_err(core_err)?,
        ))
    }

    /// Saves the engine's model file (atomically).
    fn save(&self, path: std::path::PathBuf) -> PyResult<()> {
        self.tm.save(&path).map_err(|e| match e {
            TmError::Io(source) => {
                let kind = source.kind();
                io_error(format!("{}: {source}", path.display()), kind)
            }
            other => core_err(other),
        })
    }

    /// Loads the engine's model file.
    #[staticmethod]
    fn load(path: std::path::PathBuf) -> PyResult<Self> {
        let bytes = std::fs::read(&path)
            .map_err(|e| io_error(format!("{}: {e}", path.display()), e.kind()))?;
        guarded(|| TsetlinMachine::from_bytes(&bytes))?
            .map(Self::wrap)
            .map_err(|e| value_error(format!("{}: {e}", path.display())))
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let bytes = slf.borrow().to_bytes(slf.py())?;
        Ok((slf.get_type().getattr("from_bytes")?, (bytes,)))
    }
}
