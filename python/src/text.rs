//! `Featurizer` and `TextModel`: the text pipeline (the scikit-learn `TextClassifier`'s
//! core).

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use tsetlin::rules::Readability;
use tsetlin::tune::{self};
use tsetlin::TextClassifier;
use tsetlin_core::SparseRows;

use crate::convert::{csr_bytes, i64_bytes};
use crate::errors::{core_err, guarded, interrupted, text_err, value_error};
use crate::params::{
    featurizer_config, multi_label_options, params_dict, parse_pinned, rule_dict, search_options,
};
use crate::threads::{
    fit_interruptible, on_local_pool, ready_machine, resolve_threads, run_on_pool, simplify_in_pool,
};

/// The Rust featurizer: texts to Boolean term-presence features.
#[pyclass(module = "tsetlin._tsetlin")]
pub(crate) struct Featurizer {
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
pub(crate) struct TextModel {
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
    #[pyo3(signature = (texts, labels, featurizer = None, pinned = "{}", search = "{}", seed = 42, threads = 1))]
    #[allow(clippy::too_many_arguments)] // mirrors the Python call; all plain values
    fn train_auto(
        py: Python<'_>,
        texts: Vec<String>,
        labels: Vec<String>,
        featurizer: Option<&Bound<'_, PyDict>>,
        pinned: &str,
        search: &str,
        seed: u64,
        threads: usize,
    ) -> PyResult<Self> {
        let config = featurizer_config(featurizer)?;
        let pinned = parse_pinned(pinned)?;
        let stop = Arc::new(AtomicBool::new(false));
        let (options, _) = search_options(search, seed, threads, &stop)?;
        let (fit, signal) = run_on_pool(py, &stop, threads, || {
            tune::fit_text(&texts, &labels, &config, &pinned, &options, |_| {})
        })?;
        if fit.interrupted {
            return Err(interrupted(signal));
        }
        Ok(Self::wrap(fit.model))
    }

    /// The final model of a search run elsewhere (`SearchPlan`, e.g. on Ray Tune): trained
    /// on all of `texts` with the settings `log` (the search log JSON of
    /// `SearchPlan.conclude`) chose, as `train_auto` trains it after its own search (same
    /// keywords, same seed: the same model bytes).
    #[staticmethod]
    #[pyo3(signature = (texts, labels, log, featurizer = None, search = "{}", seed = 42, threads = 1))]
    #[allow(clippy::too_many_arguments)] // mirrors train_auto
    fn finish(
        py: Python<'_>,
        texts: Vec<String>,
        labels: Vec<String>,
        log: &str,
        featurizer: Option<&Bound<'_, PyDict>>,
        search: &str,
        seed: u64,
        threads: usize,
    ) -> PyResult<Self> {
        let config = featurizer_config(featurizer)?;
        let log: tune::SearchLog =
            serde_json::from_str(log).map_err(|e| value_error(format!("search log: {e}")))?;
        let stop = Arc::new(AtomicBool::new(false));
        let (options, _) = search_options(search, seed, threads, &stop)?;
        let (fit, signal) = run_on_pool(py, &stop, threads, || {
            tune::finish_text(&texts, &labels, &config, log, &options, |_| {})
        })?;
        if fit.interrupted {
            return Err(interrupted(signal));
        }
        Ok(Self::wrap(fit.model))
    }

    /// Trains a multi-label model (`label_sets`: each text's labels, possibly none; `labels`:
    /// every label the model knows, carried or not) with the pinned settings over the
    /// data-derived defaults: the library's multi-label path (`tsetlin train` on label
    /// lists): the last `valid_fraction` of the texts (None: the library's default) choose
    /// the epoch count and the per-label thresholds, then the final model trains on all of
    /// them. Ctrl-C stops it (`KeyboardInterrupt`).
    #[staticmethod]
    #[pyo3(signature = (texts, label_sets, featurizer = None, pinned = "{}", search = "{}", valid_fraction = None, labels = None, seed = 42, threads = 1))]
    #[allow(clippy::too_many_arguments)] // mirrors the Python call; all plain values
    fn train_multi_label(
        py: Python<'_>,
        texts: Vec<String>,
        label_sets: Vec<Vec<String>>,
        featurizer: Option<&Bound<'_, PyDict>>,
        pinned: &str,
        search: &str,
        valid_fraction: Option<f64>,
        labels: Option<Vec<String>>,
        seed: u64,
        threads: usize,
    ) -> PyResult<Self> {
        let config = featurizer_config(featurizer)?;
        let pinned = parse_pinned(pinned)?;
        let stop = Arc::new(AtomicBool::new(false));
        let (search, args) = search_options(search, seed, threads, &stop)?;
        let options =
            multi_label_options(seed, threads, valid_fraction, &stop, args.simplify, labels);
        let (fit, signal) = run_on_pool(py, &stop, threads, || {
            tsetlin::multi_label::fit_text_auto(
                &texts,
                &label_sets,
                &config,
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
        Ok(Self::wrap(fit.model))
    }

    /// The final multi-label model of a search run elsewhere (`SearchPlan.of_texts_multi_label`,
    /// e.g. on Ray Tune): trained with the settings `log` chose, as `train_multi_label` trains
    /// it after its own search (same keywords and seed: the same model bytes).
    #[staticmethod]
    #[pyo3(signature = (texts, label_sets, log, featurizer = None, search = "{}", valid_fraction = None, labels = None, seed = 42, threads = 1))]
    #[allow(clippy::too_many_arguments)] // mirrors train_multi_label
    fn finish_multi_label(
        py: Python<'_>,
        texts: Vec<String>,
        label_sets: Vec<Vec<String>>,
        log: &str,
        featurizer: Option<&Bound<'_, PyDict>>,
        search: &str,
        valid_fraction: Option<f64>,
        labels: Option<Vec<String>>,
        seed: u64,
        threads: usize,
    ) -> PyResult<Self> {
        let config = featurizer_config(featurizer)?;
        let log: tune::SearchLog =
            serde_json::from_str(log).map_err(|e| value_error(format!("search log: {e}")))?;
        let stop = Arc::new(AtomicBool::new(false));
        let (_, args) = search_options(search, seed, threads, &stop)?;
        let options =
            multi_label_options(seed, threads, valid_fraction, &stop, args.simplify, labels);
        let (fit, signal) = run_on_pool(py, &stop, threads, || {
            tsetlin::multi_label::finish_text_auto(
                &texts,
                &label_sets,
                &config,
                log,
                &options,
                |_, _| {},
            )
        })?;
        if fit.interrupted {
            return Err(interrupted(signal));
        }
        Ok(Self::wrap(fit.model))
    }

    /// Whether the model predicts label sets (trained on multi-label data).
    #[getter]
    fn multi_label(&self) -> bool {
        self.clf.is_multi_label()
    }

    /// A multi-label model's per-label thresholds (in `classes` order; a label is predicted
    /// when its class sum is above its threshold) and where they were chosen; None for a
    /// single-label model.
    fn thresholds(&self) -> Option<(Vec<i64>, String)> {
        self.clf
            .multi_label
            .as_ref()
            .map(|d| (d.thresholds.clone(), d.chosen_on.clone()))
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
    ///
    /// Takes `&self` and scores through the machine's shared compiled scorer on a local pool,
    /// so threads of one process (a web server's workers) may call it at once.
    #[pyo3(signature = (texts, threads = 1))]
    fn class_sums<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        threads: usize,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let clf = &self.clf;
        let scorer = clf.machine.scorer();
        let sums = py
            .detach(|| on_local_pool(threads, || scorer.class_sums(&clf.encode(&texts))))?
            .map_err(core_err)?;
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
        guarded(|| TextClassifier::from_bytes(data, Path::new("<bytes>")))?
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
        guarded(|| TextClassifier::load(&path))?
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
