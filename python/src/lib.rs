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
//!   `KeyboardInterrupt`; nothing panics across the boundary.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use pyo3::exceptions::{
    PyFileNotFoundError, PyKeyboardInterrupt, PyOSError, PyPermissionError, PyRuntimeError,
    PyValueError,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use tsetlin::featurize::{FeaturizerConfig, Selection};
use tsetlin::rules::{simplify_checked, Preserve, Readability};
use tsetlin::tune::{self, Pinned, SearchOptions};
use tsetlin::{EpochRecord, TextClassifier};
use tsetlin_core::TsetlinMachine;
use tsetlin_core::{Params, ParamsBuilder, Rule, SparseRows, TmError};

/// How often the calling thread looks at Python's signal handlers while a fit runs.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

// ---------------------------------------------------------------------------------------------
// Errors

fn io_error(message: String, kind: std::io::ErrorKind) -> PyErr {
    match kind {
        std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(message),
        std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(message),
        _ => PyOSError::new_err(message),
    }
}

fn core_err(e: TmError) -> PyErr {
    match e {
        TmError::Io(source) => {
            let kind = source.kind();
            io_error(format!("model file I/O: {source}"), kind)
        }
        TmError::Interrupted => PyKeyboardInterrupt::new_err("training interrupted"),
        other => PyValueError::new_err(other.to_string()),
    }
}

fn text_err(e: tsetlin::Error) -> PyErr {
    match e {
        tsetlin::Error::Io { ref source, .. } => {
            let kind = source.kind();
            io_error(e.to_string(), kind)
        }
        tsetlin::Error::Core(core) => core_err(core),
        other => PyValueError::new_err(other.to_string()),
    }
}

fn value_error(message: impl Into<String>) -> PyErr {
    PyValueError::new_err(message.into())
}

// ---------------------------------------------------------------------------------------------
// Data across the boundary

fn read_u64s(bytes: &[u8], what: &str) -> PyResult<Vec<usize>> {
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

fn read_u32s(bytes: &[u8], what: &str) -> PyResult<Vec<u32>> {
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

fn rows_from(n_features: usize, indptr: &[u8], indices: &[u8]) -> PyResult<SparseRows> {
    let indptr = read_u64s(indptr, "indptr")?;
    let indices = read_u32s(indices, "indices")?;
    SparseRows::from_csr(n_features, &indptr, &indices).map_err(core_err)
}

fn csr_bytes<'py>(
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

fn i64_bytes<'py>(py: Python<'py>, values: &[i64]) -> Bound<'py, PyBytes> {
    let out: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    PyBytes::new(py, &out)
}

// ---------------------------------------------------------------------------------------------
// Threads

/// `threads = 0` means every available core (never rayon's global pool).
fn resolve_threads(threads: usize) -> usize {
    if threads > 0 {
        threads
    } else {
        std::thread::available_parallelism().map_or(1, usize::from)
    }
}

/// Runs `f` on a fresh local rayon pool of `threads` threads (dropped afterwards), so that the
/// text pipeline's parallel loops never start rayon's global pool, which a forked child would
/// inherit without its threads.
fn on_local_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> PyResult<R> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(resolve_threads(threads))
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start worker threads: {e}")))?;
    Ok(pool.install(f))
}

/// `simplify_checked` on a process-local pool, with its Python arguments checked by name:
/// `tolerance` in points, `preserve` "decisions" or "outputs", the check rows defaulting to
/// the kept ones. The caller has readied the machine's own pool (the accuracy check uses it).
#[allow(clippy::too_many_arguments)] // the Python call's values, passed through
fn simplify_in_pool(
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
fn ready_machine(
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
fn run_interruptible<R: Send>(
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

/// Trains through the library's training loop ([`tsetlin::training::fit`]) with the GIL
/// released, appending one record per epoch to `history`; Ctrl-C stops it cleanly between
/// steps and raises KeyboardInterrupt (the epochs completed stay in `history`).
fn fit_interruptible(
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

/// The settings a Python estimator fixed, as the JSON of [`Pinned`]; refused (naming the
/// parameter) when no run could use them, before any featurizing or training.
fn parse_pinned(json: &str) -> PyResult<Pinned> {
    let pinned: Pinned =
        serde_json::from_str(json).map_err(|e| value_error(format!("settings: {e}")))?;
    pinned.validate().map_err(text_err)?;
    Ok(pinned)
}

/// The search options of a Python call, refused by name when out of range.
fn search_options(
    auto: bool,
    simplify: bool,
    budget: f64,
    max_epochs: usize,
    seed: u64,
    threads: usize,
    stop: &Arc<AtomicBool>,
) -> PyResult<SearchOptions> {
    if !(budget.is_finite() && budget > 0.0) {
        return Err(value_error(format!(
            "budget = {budget}: must be a positive number of seconds"
        )));
    }
    if max_epochs == 0 {
        return Err(value_error("max_epochs = 0: must be at least 1"));
    }
    Ok(SearchOptions {
        budget_seconds: budget,
        seed,
        threads: resolve_threads(threads),
        max_epochs,
        stop: Some(Arc::clone(stop)),
        auto,
        simplify,
        ..SearchOptions::default()
    })
}

/// The error of a run that the stop flag ended: the signal that set it, or a plain
/// `KeyboardInterrupt`.
fn interrupted(signal: Option<PyErr>) -> PyErr {
    signal.unwrap_or_else(|| PyKeyboardInterrupt::new_err("training interrupted"))
}

// ---------------------------------------------------------------------------------------------
// Parameters

fn extract<'py, T: FromPyObjectOwned<'py>>(key: &str, v: &Bound<'py, PyAny>) -> PyResult<T> {
    v.extract::<T>().map_err(|e| {
        let e: PyErr = e.into();
        value_error(format!("parameter `{key}`: {e}"))
    })
}

/// Machine hyper-parameters read from a dict (keys as in `Params`; `threshold: None` keeps
/// the default `0.8 x n_clauses`); plain data, so it can cross into a thread without the GIL.
#[derive(Debug, Clone, Default)]
struct MachineSettings {
    n_clauses: Option<usize>,
    threshold: Option<f64>,
    specificity: Option<f64>,
    state_bits: Option<u32>,
    boost_true_positive: Option<bool>,
    weighted: Option<bool>,
    literal_budget: Option<Option<u32>>,
    clause_drop: Option<f64>,
    focused_negative_sampling: Option<bool>,
    seed: Option<u64>,
}

impl MachineSettings {
    fn from_dict(params: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let mut s = Self::default();
        let Some(params) = params else {
            return Ok(s);
        };
        for (k, v) in params.iter() {
            let key: String = k.extract()?;
            let key = key.as_str();
            match key {
                "n_clauses" => s.n_clauses = Some(extract(key, &v)?),
                "threshold" => s.threshold = extract(key, &v)?,
                "specificity" => s.specificity = Some(extract(key, &v)?),
                "state_bits" => s.state_bits = Some(extract(key, &v)?),
                "boost_true_positive" => s.boost_true_positive = Some(extract(key, &v)?),
                "weighted" => s.weighted = Some(extract(key, &v)?),
                "literal_budget" => s.literal_budget = Some(extract(key, &v)?),
                "clause_drop" => s.clause_drop = Some(extract(key, &v)?),
                "focused_negative_sampling" => {
                    s.focused_negative_sampling = Some(extract(key, &v)?)
                }
                "seed" => s.seed = Some(extract(key, &v)?),
                other => return Err(value_error(format!("unknown machine parameter `{other}`"))),
            }
        }
        Ok(s)
    }

    fn apply(&self, mut b: ParamsBuilder) -> ParamsBuilder {
        if let Some(v) = self.n_clauses {
            b = b.clauses(v);
        }
        if let Some(v) = self.threshold {
            b = b.threshold(v);
        }
        if let Some(v) = self.specificity {
            b = b.specificity(v);
        }
        if let Some(v) = self.state_bits {
            b = b.state_bits(v);
        }
        if let Some(v) = self.boost_true_positive {
            b = b.boost_true_positive(v);
        }
        if let Some(v) = self.weighted {
            b = b.weighted(v);
        }
        if let Some(v) = self.literal_budget {
            b = b.literal_budget(v);
        }
        if let Some(v) = self.clause_drop {
            b = b.clause_drop(v);
        }
        if let Some(v) = self.focused_negative_sampling {
            b = b.focused_negative_sampling(v);
        }
        if let Some(v) = self.seed {
            b = b.seed(v);
        }
        b
    }

    fn build(&self, n_classes: usize, n_features: usize) -> PyResult<Params> {
        self.apply(Params::builder(n_classes, n_features))
            .build()
            .map_err(core_err)
    }
}

fn params_dict<'py>(py: Python<'py>, p: &Params) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("n_classes", p.n_classes)?;
    d.set_item("n_features", p.n_features)?;
    d.set_item("n_clauses", p.n_clauses)?;
    d.set_item("threshold", p.threshold)?;
    d.set_item("specificity", p.specificity)?;
    d.set_item("state_bits", p.state_bits)?;
    d.set_item("boost_true_positive", p.boost_true_positive)?;
    d.set_item("weighted", p.weighted)?;
    d.set_item("literal_budget", p.literal_budget)?;
    d.set_item("clause_drop", p.clause_drop)?;
    d.set_item("focused_negative_sampling", p.focused_negative_sampling)?;
    d.set_item("seed", p.seed)?;
    Ok(d)
}

fn parse_selection(name: &str) -> PyResult<Selection> {
    match name {
        "chi2" | "chi_squared" => Ok(Selection::ChiSquared),
        "mutual_info" | "mutual_information" => Ok(Selection::MutualInformation),
        "df" | "doc_frequency" => Ok(Selection::DocFrequency),
        other => Err(value_error(format!(
            "selection = {other:?}: expected 'chi2', 'mutual_info' or 'df'"
        ))),
    }
}

/// Featurizer settings from a dict (missing keys keep the Rust defaults).
fn featurizer_config(config: Option<&Bound<'_, PyDict>>) -> PyResult<FeaturizerConfig> {
    let mut c = FeaturizerConfig::default();
    let Some(config) = config else {
        return Ok(c);
    };
    for (k, v) in config.iter() {
        let key: String = k.extract()?;
        let key = key.as_str();
        match key {
            "lowercase" => c.tokenizer.lowercase = extract(key, &v)?,
            "ngram_max" => c.tokenizer.ngram_max = extract(key, &v)?,
            "stop_words" => c.tokenizer.stop_words = extract(key, &v)?,
            "stem" => c.tokenizer.stem = extract(key, &v)?,
            "strip_newsgroup_headers" => c.tokenizer.strip_newsgroup_headers = extract(key, &v)?,
            "strip_html_breaks" => c.tokenizer.strip_html_breaks = extract(key, &v)?,
            "min_df" => c.min_df = extract(key, &v)?,
            "max_features" => c.max_features = extract(key, &v)?,
            "selection" => c.selection = parse_selection(&extract::<String>(key, &v)?)?,
            other => return Err(value_error(format!("unknown featurizer setting `{other}`"))),
        }
    }
    if c.tokenizer.ngram_max == 0 {
        return Err(value_error("ngram_max = 0: must be at least 1"));
    }
    if c.min_df == 0 {
        return Err(value_error("min_df = 0: must be at least 1"));
    }
    if c.max_features == Some(0) {
        return Err(value_error(
            "max_features = 0: must be at least 1 (or None)",
        ));
    }
    Ok(c)
}

fn rule_dict<'py>(py: Python<'py>, rule: &Rule) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("class", rule.class)?;
    d.set_item("clause", rule.clause)?;
    d.set_item("polarity", rule.polarity)?;
    d.set_item("weight", rule.weight)?;
    d.set_item("positive", rule.positive.clone())?;
    d.set_item("negated", rule.negated.clone())?;
    Ok(d)
}

// ---------------------------------------------------------------------------------------------
// Machine

/// A multiclass Tsetlin machine over Boolean feature ids (the engine, `tsetlin-core`).
#[pyclass(module = "tsetlin._tsetlin")]
struct Machine {
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
        let params = MachineSettings::from_dict(params)?.build(n_classes, n_features)?;
        Ok(Self::wrap(TsetlinMachine::new(params).map_err(core_err)?))
    }

    /// Trains with the automatic settings (`auto`) or with the pinned settings over the
    /// data-derived defaults, on CSR rows and u32 labels: the library's one training path.
    /// Returns the machine and the search log as JSON.
    #[staticmethod]
    #[pyo3(signature = (n_classes, n_features, indptr, indices, y, pinned = "{}", auto = true, simplify = true, budget = 900.0, max_epochs = 60, seed = 42, threads = 1))]
    #[allow(clippy::too_many_arguments)] // mirrors the Python call; all plain values
    fn train_auto(
        py: Python<'_>,
        n_classes: usize,
        n_features: usize,
        indptr: &[u8],
        indices: &[u8],
        y: &[u8],
        pinned: &str,
        auto: bool,
        simplify: bool,
        budget: f64,
        max_epochs: usize,
        seed: u64,
        threads: usize,
    ) -> PyResult<(Self, String)> {
        let x = rows_from(n_features, indptr, indices)?;
        let y = read_u32s(y, "labels")?;
        let pinned = parse_pinned(pinned)?;
        let stop = Arc::new(AtomicBool::new(false));
        let options = search_options(auto, simplify, budget, max_epochs, seed, threads, &stop)?;
        // A pool of this process for the library's own parallel steps (the rule
        // simplification): after fork(), the inherited global pool has no threads.
        let (result, signal) = run_interruptible(py, &stop, || {
            on_local_pool(threads, || {
                tune::fit_rows(&x, &y, n_classes, &pinned, &options, |_| {})
            })
        })?;
        let fit = result?.map_err(text_err)?;
        if fit.interrupted {
            return Err(interrupted(signal));
        }
        let log = serde_json::to_string(&fit.log).map_err(|e| value_error(e.to_string()))?;
        Ok((Self::wrap(fit.model), log))
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
    #[pyo3(signature = (indptr, indices, threads = 1))]
    fn class_sums<'py>(
        &mut self,
        py: Python<'py>,
        indptr: &[u8],
        indices: &[u8],
        threads: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let x = rows_from(self.tm.n_features(), indptr, indices)?;
        ready_machine(&mut self.tm, &mut self.pid, &mut self.threads, threads)?;
        let tm = &self.tm;
        let sums = py.detach(|| tm.class_sums(&x)).map_err(core_err)?;
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
            TsetlinMachine::from_bytes(data).map_err(core_err)?,
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
        TsetlinMachine::from_bytes(&bytes)
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

// ---------------------------------------------------------------------------------------------
// Featurizer

/// The Rust featurizer: texts to Boolean term-presence features.
#[pyclass(module = "tsetlin._tsetlin")]
struct Featurizer {
    f: tsetlin::featurize::Featurizer,
}

#[pymethods]
impl Featurizer {
    /// Learns the vocabulary; `labels` (class ids `< n_classes`) rank terms for selection.
    #[staticmethod]
    #[pyo3(signature = (texts, labels = None, n_classes = 1, config = None, threads = 1))]
    fn fit(
        py: Python<'_>,
        texts: Vec<String>,
        labels: Option<Vec<u32>>,
        n_classes: usize,
        config: Option<&Bound<'_, PyDict>>,
        threads: usize,
    ) -> PyResult<Self> {
        let config = featurizer_config(config)?;
        let labels = labels.unwrap_or_else(|| vec![0; texts.len()]);
        let f = py
            .detach(|| {
                on_local_pool(threads, || {
                    tsetlin::featurize::Featurizer::fit(&texts, &labels, n_classes.max(1), &config)
                })
            })?
            .map_err(text_err)?;
        Ok(Self { f })
    }

    /// Encodes texts as CSR bytes `(indptr u64, indices u32)`.
    #[pyo3(signature = (texts, threads = 1))]
    fn transform<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        threads: usize,
    ) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        let f = &self.f;
        let rows = py.detach(|| on_local_pool(threads, || f.transform(&texts)))?;
        Ok(csr_bytes(py, &rows))
    }

    /// Feature names (terms) in feature-id order.
    #[getter]
    fn feature_names(&self) -> Vec<String> {
        self.f.feature_names().to_vec()
    }

    /// Number of features.
    #[getter]
    fn n_features(&self) -> usize {
        self.f.n_features()
    }

    /// The settings as JSON.
    fn config_json(&self) -> PyResult<String> {
        serde_json::to_string(self.f.config()).map_err(|e| value_error(e.to_string()))
    }

    /// The fitted featurizer as JSON bytes (the form the classifier file embeds).
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = serde_json::to_vec(&self.f).map_err(|e| value_error(e.to_string()))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Decodes [`Featurizer::to_bytes`].
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        let f = serde_json::from_slice(data)
            .map_err(|e| value_error(format!("cannot decode the featurizer: {e}")))?;
        Ok(Self { f })
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let bytes = slf.borrow().to_bytes(slf.py())?;
        Ok((slf.get_type().getattr("from_bytes")?, (bytes,)))
    }
}

// ---------------------------------------------------------------------------------------------
// TextModel

/// The Rust `TextClassifier`: featurizer + labels + machine, the file the CLI reads and writes.
#[pyclass(module = "tsetlin._tsetlin")]
struct TextModel {
    clf: TextClassifier,
    pid: u32,
    threads: usize,
}

impl TextModel {
    fn wrap(clf: TextClassifier) -> Self {
        Self {
            clf,
            pid: std::process::id(),
            threads: 0,
        }
    }

    fn train_epochs(
        &mut self,
        py: Python<'_>,
        x: &SparseRows,
        y: &[u32],
        epochs: usize,
        shuffle: bool,
        threads: usize,
    ) -> PyResult<()> {
        ready_machine(
            &mut self.clf.machine,
            &mut self.pid,
            &mut self.threads,
            threads,
        )?;
        let clf = &mut self.clf;
        fit_interruptible(
            py,
            &mut clf.machine,
            &mut clf.history,
            x,
            y,
            epochs,
            shuffle,
        )
    }

    fn encode(&self, py: Python<'_>, texts: &[String], threads: usize) -> PyResult<SparseRows> {
        let clf = &self.clf;
        py.detach(|| on_local_pool(threads, || clf.encode(texts)))
    }

    /// Encoded texts and class ids (every label must be a class of the model).
    fn labelled(
        &self,
        py: Python<'_>,
        texts: &[String],
        labels: &[String],
        threads: usize,
    ) -> PyResult<(SparseRows, Vec<u32>)> {
        if texts.len() != labels.len() {
            return Err(value_error(format!(
                "{} texts but {} labels",
                texts.len(),
                labels.len()
            )));
        }
        let y = self.clf.labels.encode(labels).map_err(text_err)?;
        Ok((self.encode(py, texts, threads)?, y))
    }
}

#[pymethods]
impl TextModel {
    /// One more pass, in the given order, over labelled texts (labels must be known classes).
    #[pyo3(signature = (texts, labels, epochs = 1, shuffle = false, threads = 1))]
    fn partial_fit(
        &mut self,
        py: Python<'_>,
        texts: Vec<String>,
        labels: Vec<String>,
        epochs: usize,
        shuffle: bool,
        threads: usize,
    ) -> PyResult<()> {
        if texts.len() != labels.len() {
            return Err(value_error(format!(
                "{} texts but {} labels",
                texts.len(),
                labels.len()
            )));
        }
        let y = self.clf.labels.encode(&labels).map_err(text_err)?;
        let x = self.encode(py, &texts, threads)?;
        self.train_epochs(py, &x, &y, epochs, shuffle, threads)
    }

    /// Trains with the automatic settings (`auto`) or with the pinned settings over the
    /// data-derived defaults: the library's one training path (`tsetlin train`). Returns the
    /// model; its `search_json()` says how the settings were chosen. Ctrl-C stops the search
    /// and the final training alike (`KeyboardInterrupt`).
    #[staticmethod]
    #[pyo3(signature = (texts, labels, featurizer = None, pinned = "{}", auto = true, simplify = true, budget = 900.0, max_epochs = 60, seed = 42, threads = 1))]
    #[allow(clippy::too_many_arguments)] // mirrors the Python call; all plain values
    fn train_auto(
        py: Python<'_>,
        texts: Vec<String>,
        labels: Vec<String>,
        featurizer: Option<&Bound<'_, PyDict>>,
        pinned: &str,
        auto: bool,
        simplify: bool,
        budget: f64,
        max_epochs: usize,
        seed: u64,
        threads: usize,
    ) -> PyResult<Self> {
        let config = featurizer_config(featurizer)?;
        let pinned = parse_pinned(pinned)?;
        let stop = Arc::new(AtomicBool::new(false));
        let options = search_options(auto, simplify, budget, max_epochs, seed, threads, &stop)?;
        let (result, signal) = run_interruptible(py, &stop, || {
            on_local_pool(threads, || {
                tune::fit_text(&texts, &labels, &config, &pinned, &options, |_| {})
            })
        })?;
        let fit = result?.map_err(text_err)?;
        if fit.interrupted {
            return Err(interrupted(signal));
        }
        Ok(Self::wrap(fit.model))
    }

    /// An untrained model with the pinned settings over the data-derived defaults (the
    /// featurizer fitted on `texts`), for `partial_fit`.
    #[staticmethod]
    #[pyo3(signature = (texts, labels, featurizer = None, pinned = "{}", seed = 42, threads = 1))]
    fn prepare(
        py: Python<'_>,
        texts: Vec<String>,
        labels: Vec<String>,
        featurizer: Option<&Bound<'_, PyDict>>,
        pinned: &str,
        seed: u64,
        threads: usize,
    ) -> PyResult<Self> {
        let config = featurizer_config(featurizer)?;
        let pinned = parse_pinned(pinned)?;
        let prepared = py.detach(|| {
            on_local_pool(threads, || {
                tune::prepare_text(
                    &texts,
                    &labels,
                    &config,
                    &pinned,
                    seed,
                    resolve_threads(threads),
                )
            })
        })?;
        let (clf, _, _, _) = prepared.map_err(text_err)?;
        Ok(Self::wrap(clf))
    }

    /// The settings the model was trained with, as JSON (reusable as `pinned`).
    fn settings_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.clf.settings()).map_err(|e| value_error(e.to_string()))
    }

    /// What simplifying the rules after training removed, as JSON, or None.
    fn simplified_json(&self) -> PyResult<Option<String>> {
        self.clf
            .simplified
            .as_ref()
            .map(|s| serde_json::to_string(s).map_err(|e| value_error(e.to_string())))
            .transpose()
    }

    /// How readable the rules are, as JSON: literals per clause, the vote share of short
    /// clauses, the heaviest rules' length and, with labelled texts, the rules needed to cover
    /// 90 % of each class.
    #[pyo3(signature = (texts = None, labels = None, threads = 1))]
    fn readability_json(
        &self,
        py: Python<'_>,
        texts: Option<Vec<String>>,
        labels: Option<Vec<String>>,
        threads: usize,
    ) -> PyResult<String> {
        let data = match (texts, labels) {
            (Some(t), Some(l)) => Some(self.labelled(py, &t, &l, threads)?),
            (None, None) => None,
            _ => return Err(value_error("give both texts and labels, or neither")),
        };
        let clf = &self.clf;
        let r = py.detach(|| {
            on_local_pool(threads, || {
                Readability::of(
                    &clf.machine,
                    clf.class_names(),
                    data.as_ref().map(|(x, y)| (x, y.as_slice())),
                )
            })
        })?;
        serde_json::to_string(&r).map_err(|e| value_error(e.to_string()))
    }

    /// Simplifies the rules in place (see `tsetlin simplify`): literals go from each clause
    /// when its output changes, in the way `preserve` counts ("decisions": only against the
    /// label; "outputs": every change), on at most `max_changes` of the labelled texts; the
    /// allowance is halved until the accuracy on the check texts (default: the same texts)
    /// drops by at most `tolerance` points. Returns the report as JSON.
    #[pyo3(signature = (texts, labels, check_texts = None, check_labels = None, max_changes = 0, tolerance = 0.5, preserve = "decisions", threads = 1))]
    #[allow(clippy::too_many_arguments)] // mirrors the Python call; all plain values
    fn simplify(
        &mut self,
        py: Python<'_>,
        texts: Vec<String>,
        labels: Vec<String>,
        check_texts: Option<Vec<String>>,
        check_labels: Option<Vec<String>>,
        max_changes: usize,
        tolerance: f64,
        preserve: &str,
        threads: usize,
    ) -> PyResult<String> {
        let (x, y) = self.labelled(py, &texts, &labels, threads)?;
        let check = match (check_texts, check_labels) {
            (Some(t), Some(l)) => Some(self.labelled(py, &t, &l, threads)?),
            (None, None) => None,
            _ => {
                return Err(value_error(
                    "give both check_texts and check_labels, or neither",
                ))
            }
        };
        // The accuracy check predicts with the machine's own pool: alive in this process.
        ready_machine(
            &mut self.clf.machine,
            &mut self.pid,
            &mut self.threads,
            threads,
        )?;
        let (simplified, report) = simplify_in_pool(
            py,
            &self.clf.machine,
            (&x, &y),
            check.as_ref().map(|(cx, cy)| (cx, cy.as_slice())),
            max_changes,
            tolerance,
            preserve,
            threads,
        )?;
        self.clf.machine = simplified;
        self.clf.simplified = Some(report.clone());
        serde_json::to_string(&report).map_err(|e| value_error(e.to_string()))
    }

    /// How the settings were chosen (the search log) as JSON, or None.
    fn search_json(&self) -> PyResult<Option<String>> {
        self.clf
            .search
            .as_ref()
            .map(|s| serde_json::to_string(s).map_err(|e| value_error(e.to_string())))
            .transpose()
    }

    /// Class names in class-id order.
    #[getter]
    fn classes(&self) -> Vec<String> {
        self.clf.class_names().to_vec()
    }

    /// Feature names (terms) in feature-id order.
    #[getter]
    fn feature_names(&self) -> Vec<String> {
        self.clf.featurizer.feature_names().to_vec()
    }

    /// The featurizer settings as JSON.
    fn featurizer_json(&self) -> PyResult<String> {
        serde_json::to_string(self.clf.featurizer.config()).map_err(|e| value_error(e.to_string()))
    }

    /// The machine's hyper-parameters.
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        params_dict(py, self.clf.machine.params())
    }

    /// The training log: one dict per epoch.
    fn history<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.clf
            .history
            .iter()
            .map(|r| {
                let d = PyDict::new(py);
                d.set_item("epoch", r.epoch)?;
                d.set_item("seconds", r.seconds)?;
                d.set_item("train_accuracy", r.train_accuracy)?;
                d.set_item("valid_accuracy", r.valid_accuracy)?;
                Ok(d)
            })
            .collect()
    }

    /// Encodes texts as CSR bytes `(indptr u64, indices u32)`.
    #[pyo3(signature = (texts, threads = 1))]
    fn transform<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        threads: usize,
    ) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
        let rows = self.encode(py, &texts, threads)?;
        Ok(csr_bytes(py, &rows))
    }

    /// Class sums of texts, row-major i64 little-endian bytes.
    #[pyo3(signature = (texts, threads = 1))]
    fn class_sums<'py>(
        &mut self,
        py: Python<'py>,
        texts: Vec<String>,
        threads: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let x = self.encode(py, &texts, threads)?;
        ready_machine(
            &mut self.clf.machine,
            &mut self.pid,
            &mut self.threads,
            threads,
        )?;
        let tm = &self.clf.machine;
        let sums = py.detach(|| tm.class_sums(&x)).map_err(core_err)?;
        Ok(i64_bytes(py, &sums))
    }

    /// Every non-empty clause as a dict, with feature ids, terms and the rule in words.
    fn rules<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let names = self.clf.featurizer.feature_names();
        self.clf
            .machine
            .rules()
            .iter()
            .map(|r| {
                let d = rule_dict(py, r)?;
                d.set_item("class_name", &self.clf.class_names()[r.class])?;
                let terms = |ids: &[u32]| -> Vec<String> {
                    ids.iter().map(|&f| names[f as usize].clone()).collect()
                };
                d.set_item("positive_terms", terms(&r.positive))?;
                d.set_item("negated_terms", terms(&r.negated))?;
                d.set_item("text", self.clf.rule_text(r))?;
                Ok(d)
            })
            .collect()
    }

    /// Explains the prediction for one text.
    fn explain<'py>(&self, py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyDict>> {
        let e = self.clf.explain(text).map_err(text_err)?;
        let names = self.clf.featurizer.feature_names();
        let d = PyDict::new(py);
        d.set_item("predicted", &e.predicted)?;
        d.set_item("class_sums", e.class_sums.clone())?;
        let fired = e
            .fired
            .iter()
            .map(|f| {
                let fd = rule_dict(py, &f.rule)?;
                fd.set_item("class_name", &self.clf.class_names()[f.rule.class])?;
                fd.set_item("vote", f.vote)?;
                fd.set_item("text", &f.text)?;
                Ok(fd)
            })
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("fired", fired)?;
        let matches = e
            .matches
            .iter()
            .map(|m| {
                let md = PyDict::new(py);
                md.set_item("feature", m.feature)?;
                md.set_item("term", &names[m.feature as usize])?;
                md.set_item("spans", m.spans.clone())?;
                Ok(md)
            })
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("matches", matches)?;
        Ok(d)
    }

    /// The classifier file as bytes (magic `TSETLINC`; what `tsetlin ... --model` reads).
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.clf.to_bytes().map_err(text_err)?))
    }

    /// Decodes a classifier file.
    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        TextClassifier::from_bytes(data, Path::new("<bytes>"))
            .map(Self::wrap)
            .map_err(text_err)
    }

    /// Saves the classifier file (atomically).
    fn save(&self, path: std::path::PathBuf) -> PyResult<()> {
        self.clf.save(&path).map_err(text_err)
    }

    /// Loads a classifier file.
    #[staticmethod]
    fn load(path: std::path::PathBuf) -> PyResult<Self> {
        TextClassifier::load(&path)
            .map(Self::wrap)
            .map_err(text_err)
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let bytes = slf.borrow().to_bytes(slf.py())?;
        Ok((slf.get_type().getattr("from_bytes")?, (bytes,)))
    }
}

// ---------------------------------------------------------------------------------------------
// Module

/// The synthetic clinical-notes corpus with planted rules: `(texts, labels)`.
#[pyfunction]
#[pyo3(signature = (n = 1000, seed = 0))]
fn clinical_notes(n: usize, seed: u64) -> (Vec<String>, Vec<String>) {
    let data = tsetlin::synth::clinical_notes(n, seed);
    (data.texts, data.labels)
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
    m.add_function(wrap_pyfunction!(clinical_notes, m)?)?;
    m.add_function(wrap_pyfunction!(available_threads, m)?)?;
    m.add_function(wrap_pyfunction!(resolve_device, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
