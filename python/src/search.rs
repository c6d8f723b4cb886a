//! `SearchPlan`: the automatic-settings search of a text classifier, planned here and run a
//! candidate and a rung at a time elsewhere (the Python package's Ray Tune trials,
//! `tsetlin.ray.tune_fit`). The plan carries the featurized folds, so a trial never
//! featurizes the corpus again; outcomes and logs cross as JSON, checkpoints and the plan as
//! the library's framed bytes.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use tsetlin::tune::{self, Checkpoint, Cut, Outcome, SearchOptions, Trained};

use crate::errors::{guarded, interrupted, text_err, value_error};
use crate::params::{featurizer_config, multi_label_options, parse_pinned, search_options};
use crate::threads::{run_interruptible, run_on_pool};

/// A planned settings search (`tsetlin::tune::SearchPlan`) with the search keywords and seed
/// it was planned with, so that every trial ranks and trains exactly as the driver would.
#[pyclass(module = "tsetlin._tsetlin", frozen)]
pub(crate) struct SearchPlan {
    plan: tune::SearchPlan,
    search: String,
    seed: u64,
    /// The label count of a multi-label search (None: single-label).
    n_labels: Option<usize>,
}

/// What `__reduce__` returns: `SearchPlan.from_bytes` and its arguments.
type Reduced<'py> = (
    Bound<'py, PyAny>,
    (Bound<'py, PyBytes>, String, u64, Option<usize>),
);

fn json_err(what: &str, e: serde_json::Error) -> PyErr {
    value_error(format!("{what}: {e}"))
}

/// One outcome per candidate from JSON (`None`: a candidate that never reported).
fn outcomes_of(json: Vec<Option<String>>) -> PyResult<Vec<Outcome>> {
    json.into_iter()
        .enumerate()
        .map(|(id, o)| match o {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| json_err(&format!("the outcome of candidate {id}"), e)),
            None => Ok(Outcome::default()),
        })
        .collect()
}

impl SearchPlan {
    /// The search options of this plan with `threads` and a fresh stop flag.
    fn options(&self, threads: usize) -> PyResult<(SearchOptions, Arc<AtomicBool>)> {
        let stop = Arc::new(AtomicBool::new(false));
        let (options, _) = search_options(&self.search, self.seed, threads, &stop)?;
        let options = match self.n_labels {
            Some(n) => tune::multi_label_search_options(n, &options),
            None => options,
        };
        Ok((options, stop))
    }

    fn check_outcomes(&self, outcomes: &[Outcome]) -> PyResult<()> {
        if outcomes.len() != self.plan.candidates.len() {
            return Err(value_error(format!(
                "{} outcomes for {} candidates",
                outcomes.len(),
                self.plan.candidates.len()
            )));
        }
        Ok(())
    }
}

#[pymethods]
impl SearchPlan {
    /// Plans the search `TextModel.train_auto` would run on `texts` and `labels` (same
    /// keywords): `(plan, None)`, or `(None, log JSON)` when there is nothing to search (every
    /// setting pinned, `auto` off, too few documents).
    #[staticmethod]
    #[pyo3(signature = (texts, labels, featurizer = None, pinned = "{}", search = "{}", seed = 42, threads = 1))]
    #[allow(clippy::too_many_arguments)] // mirrors TextModel.train_auto
    fn of_texts(
        py: Python<'_>,
        texts: Vec<String>,
        labels: Vec<String>,
        featurizer: Option<&Bound<'_, pyo3::types::PyDict>>,
        pinned: &str,
        search: &str,
        seed: u64,
        threads: usize,
    ) -> PyResult<(Option<Self>, Option<String>)> {
        let config = featurizer_config(featurizer)?;
        let pinned = parse_pinned(pinned)?;
        let stop = Arc::new(AtomicBool::new(false));
        let (options, _) = search_options(search, seed, threads, &stop)?;
        let (planned, signal) = run_on_pool(py, &stop, threads, || {
            tune::plan_text(&texts, &labels, &config, &pinned, &options)
        })?;
        if let Some(signal) = signal {
            return Err(signal);
        }
        match planned {
            tune::Planned::Given(log) => Ok((
                None,
                Some(serde_json::to_string(&log).map_err(|e| json_err("search log", e))?),
            )),
            tune::Planned::Search(plan) => Ok((
                Some(Self {
                    plan,
                    search: search.to_string(),
                    seed,
                    n_labels: None,
                }),
                None,
            )),
        }
    }

    /// Plans the search `TextModel.train_multi_label` would run (same keywords; `labels`:
    /// every label the model knows): `(plan, None)`; `(None, log JSON)` when the search has
    /// nothing to try (too few documents); `(None, None)` when no search runs at all (`auto`
    /// off, every setting pinned: train with `train_multi_label`).
    #[staticmethod]
    #[pyo3(signature = (texts, label_sets, featurizer = None, pinned = "{}", search = "{}", labels = None, seed = 42, threads = 1))]
    #[allow(clippy::too_many_arguments)] // mirrors TextModel.train_multi_label
    fn of_texts_multi_label(
        py: Python<'_>,
        texts: Vec<String>,
        label_sets: Vec<Vec<String>>,
        featurizer: Option<&Bound<'_, pyo3::types::PyDict>>,
        pinned: &str,
        search: &str,
        labels: Option<Vec<String>>,
        seed: u64,
        threads: usize,
    ) -> PyResult<(Option<Self>, Option<String>)> {
        let config = featurizer_config(featurizer)?;
        let pinned = parse_pinned(pinned)?;
        let stop = Arc::new(AtomicBool::new(false));
        let (options, args) = search_options(search, seed, threads, &stop)?;
        if !options.auto || pinned.is_complete(true) {
            return Ok((None, None));
        }
        let ml = multi_label_options(seed, threads, None, &stop, args.simplify, labels);
        let (planned, signal) = run_on_pool(py, &stop, threads, || {
            let (sets, options) =
                tsetlin::multi_label::search_inputs(&texts, &label_sets, &ml, &options)?;
            let n_labels = sets.n_labels();
            tune::plan_text_multi_label(&texts, &sets, &config, &pinned, &options)
                .map(|(planned, _)| (planned, n_labels))
        })?;
        if let Some(signal) = signal {
            return Err(signal);
        }
        match planned {
            (tune::Planned::Given(log), _) => Ok((
                None,
                Some(
                    serde_json::to_string(&tune::scored_by_micro_f1(log))
                        .map_err(|e| json_err("search log", e))?,
                ),
            )),
            (tune::Planned::Search(plan), n_labels) => Ok((
                Some(Self {
                    plan,
                    search: search.to_string(),
                    seed,
                    n_labels: Some(n_labels),
                }),
                None,
            )),
        }
    }

    /// The number of candidates (trial ids run from 0).
    #[getter]
    fn n_candidates(&self) -> usize {
        self.plan.candidates.len()
    }

    /// How many candidates train from the first rung (ids `0..starters`); the others are
    /// their clause-drop twins, each joining the second rung when its sibling survives the
    /// first (`survivors` returns them).
    #[getter]
    fn starters(&self) -> usize {
        self.plan.starters
    }

    /// The rung candidate `id` starts in (0, or 1 for a drop twin).
    fn first_rung(&self, id: usize) -> PyResult<usize> {
        self.plan.candidate(id).map_err(text_err)?;
        Ok(self.plan.first_rung(id))
    }

    /// Epochs of each rung.
    #[getter]
    fn rungs(&self) -> Vec<usize> {
        self.plan.rungs.clone()
    }

    /// Candidate `id`'s settings as JSON.
    fn candidate_json(&self, id: usize) -> PyResult<String> {
        let (settings, _) = self.plan.candidate(id).map_err(text_err)?;
        serde_json::to_string(settings).map_err(|e| json_err("settings", e))
    }

    /// Trains candidate `id` through rung `rung` from its previous rung's outcome (JSON) and
    /// checkpoint (bytes), both None in its first rung (`first_rung`): `(outcome JSON, checkpoint bytes,
    /// "done" | "converged")`. Ctrl-C raises KeyboardInterrupt.
    #[pyo3(signature = (id, rung, outcome = None, checkpoint = None, threads = 1))]
    fn advance<'py>(
        &self,
        py: Python<'py>,
        id: usize,
        rung: usize,
        outcome: Option<&str>,
        checkpoint: Option<&[u8]>,
        threads: usize,
    ) -> PyResult<(String, Bound<'py, PyBytes>, &'static str)> {
        let prior = match (outcome, checkpoint) {
            (Some(o), Some(c)) => Some((
                serde_json::from_str::<Outcome>(o).map_err(|e| json_err("outcome", e))?,
                Checkpoint::from_bytes(c).map_err(text_err)?,
            )),
            (None, None) => None,
            _ => return Err(value_error(
                "outcome and checkpoint come together (both None in the candidate's first rung)",
            )),
        };
        let (options, stop) = self.options(threads)?;
        let plan = &self.plan;
        let (step, signal) = run_interruptible(py, &stop, || {
            guarded(|| plan.advance(id, rung, prior, &options))
        })?;
        let step = step?.map_err(text_err)?;
        let ended = match step.ended {
            Trained::Done => "done",
            Trained::Converged => "converged",
            Trained::Interrupted => return Err(interrupted(signal)),
        };
        let bytes = step.checkpoint.to_bytes().map_err(text_err)?;
        Ok((
            serde_json::to_string(&step.outcome).map_err(|e| json_err("outcome", e))?,
            PyBytes::new(py, &bytes),
            ended,
        ))
    }

    /// The candidates that train in rung `rung + 1` after `alive` trained in rung `rung`
    /// (after the last rung: the one chosen), best first, ranked by their outcomes (JSON, one
    /// per candidate) as the local search ranks them; after the first rung, followed by the
    /// drop twins of the survivors, which start there.
    fn survivors(
        &self,
        alive: Vec<usize>,
        outcomes: Vec<Option<String>>,
        rung: usize,
    ) -> PyResult<Vec<usize>> {
        let outcomes = outcomes_of(outcomes)?;
        self.check_outcomes(&outcomes)?;
        if let Some(&id) = alive.iter().find(|&&id| id >= outcomes.len()) {
            return Err(value_error(format!(
                "candidate {id}: the plan has {}",
                outcomes.len()
            )));
        }
        let (options, _) = self.options(1)?;
        let costs = self.plan.costs(&options);
        Ok(self
            .plan
            .next_alive(rung, &alive, &outcomes, &costs, options.length_tolerance))
    }

    /// The search log (JSON) of these outcomes (JSON, one per candidate; None for one that
    /// never reported), with `cut` ("interrupted" or "budget") when the search ended before
    /// its plan.
    #[pyo3(signature = (outcomes, cut = None))]
    fn conclude(&self, outcomes: Vec<Option<String>>, cut: Option<&str>) -> PyResult<String> {
        let outcomes = outcomes_of(outcomes)?;
        self.check_outcomes(&outcomes)?;
        let (options, _) = self.options(1)?;
        let cut = match cut {
            None => None,
            Some("interrupted") => Some(Cut::Interrupted.describe(&options)),
            Some("budget") => Some(Cut::Budget.describe(&options)),
            Some(other) => {
                return Err(value_error(format!(
                    "cut = {other:?}: must be None, \"interrupted\" or \"budget\""
                )))
            }
        };
        let mut log = tune::conclude(&self.plan, &outcomes, &options, cut).map_err(text_err)?;
        if self.n_labels.is_some() {
            log = tune::scored_by_micro_f1(log);
        }
        serde_json::to_string(&log).map_err(|e| json_err("search log", e))
    }

    /// The plan as bytes (what a trial receives).
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.plan.to_bytes().map_err(text_err)?))
    }

    /// Reads `to_bytes` back, with the keywords, seed and label count (multi-label) it was
    /// planned with; a damaged plan is a ValueError.
    #[staticmethod]
    #[pyo3(signature = (data, search, seed, n_labels = None))]
    fn from_bytes(data: &[u8], search: &str, seed: u64, n_labels: Option<usize>) -> PyResult<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        search_options(search, seed, 1, &stop)?;
        let plan = guarded(|| tune::SearchPlan::from_bytes(data))?.map_err(text_err)?;
        Ok(Self {
            plan,
            search: search.to_string(),
            seed,
            n_labels,
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Reduced<'py>> {
        let this = slf.get();
        let bytes = this.to_bytes(slf.py())?;
        Ok((
            slf.get_type().getattr("from_bytes")?,
            (bytes, this.search.clone(), this.seed, this.n_labels),
        ))
    }
}
