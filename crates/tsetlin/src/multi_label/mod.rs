//! Multi-label text classification: a document may carry several labels, or none.
//!
//! One machine with a clause bank per label, trained by the engine's multi-label feedback
//! policy (every label learns one-vs-rest from its own class sum,
//! [`tsetlin_core::task::label_feedback`]); a label is predicted when its class sum is above
//! its threshold, and the thresholds are chosen on validation data held out of the training
//! file ([`choose_thresholds`]), never on test data. [`fit_text`] is the whole path: hold
//! out, train with early stopping on validation micro-F1, choose the thresholds, then train
//! the final model on all the training documents for the chosen number of epochs.

pub mod metrics;
mod rows;
pub mod thresholds;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tsetlin_core::{LabelSets, Params, SparseRows, TsetlinMachine};

pub use metrics::MultiLabelMetrics;
pub use rows::{fit_rows, fit_rows_auto, MultiLabelRowsFit};
pub use thresholds::choose_thresholds;

use crate::classifier::{EpochRecord, TextClassifier};
use crate::error::{Error, Result};
use crate::featurize::{FeaturizerConfig, LabelSet};
use crate::rules::{simplify, Preserve, SimplifyReport};
use crate::training::{Plan, Scored};
use crate::tune::{
    default_settings, featurizer_config, search_text_multi_label, DataProfile, Pinned, SearchEvent,
    SearchLog, SearchOptions, Settings,
};

/// How a multi-label classifier decides a label set from its class sums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiLabelDecision {
    /// Per label, in label order: the label is predicted when its class sum is above this.
    pub thresholds: Vec<i64>,
    /// Where the thresholds were chosen ("untuned" for the default of 0).
    pub chosen_on: String,
}

impl MultiLabelDecision {
    /// Every threshold at 0: a label is predicted when more of its votes are for than against.
    pub fn untuned(labels: usize) -> Self {
        Self {
            thresholds: vec![0; labels],
            chosen_on: "untuned: every threshold 0".to_string(),
        }
    }

    /// The label ids whose sums are above their thresholds (see
    /// [`tsetlin_core::decide_labels`]).
    pub fn decide(&self, sums: &[i64]) -> Vec<u32> {
        tsetlin_core::decide_labels(sums, &self.thresholds)
    }

    /// [`Self::decide`] as label names (`names`: the labels in label order).
    pub fn decide_names<'a>(&self, sums: &[i64], names: &'a [String]) -> Vec<&'a str> {
        self.decide(sums)
            .into_iter()
            .map(|c| names[c as usize].as_str())
            .collect()
    }

    /// Micro-F1 of `machine` deciding with these thresholds on rows `x` with true sets `truth`.
    pub fn micro_f1_of(
        &self,
        machine: &TsetlinMachine,
        x: &SparseRows,
        truth: &LabelSets,
    ) -> Result<f64> {
        Ok(micro_f1(&machine.class_sums(x)?, truth, self))
    }

    /// The thresholds by label name (`names`: the labels in label order), for reports.
    pub fn by_label(&self, names: &[String]) -> std::collections::BTreeMap<String, i64> {
        names
            .iter()
            .cloned()
            .zip(self.thresholds.iter().copied())
            .collect()
    }
}

/// Training documents at and above which 10 % are held out for validation (20 % below).
const LARGE_CORPUS: usize = 10_000;
/// Fewer training documents than this leave too little to hold out: the defaults, no
/// validation, thresholds at 0.
pub const MIN_DOCUMENTS_TO_VALIDATE: usize = 30;
/// Epochs without a better validation micro-F1 before training stops.
const PATIENCE: usize = 5;

/// Options of [`fit_text`].
#[derive(Debug, Clone)]
pub struct MultiLabelOptions {
    /// Seed of every random draw.
    pub seed: u64,
    /// Training threads (0: all cores).
    pub threads: usize,
    /// Fraction of the training documents held out (the last ones in file order) to choose
    /// the epoch count and the thresholds; `None`: 20 %, 10 % from 10,000 documents on.
    pub valid_fraction: Option<f64>,
    /// Train the final model on all the training documents (else keep the model trained
    /// without the held-out part).
    pub refit: bool,
    /// When set, training stops cleanly (the model so far is kept).
    pub stop: Option<Arc<AtomicBool>>,
    /// Simplify the final model's rules on its training rows, keeping every clause output
    /// there (so no label decision on a training document changes).
    pub simplify: bool,
    /// Labels the model knows besides those the training documents carry (a label column
    /// that is all 0 in one cross-validation fold, say); such a label learns only "not
    /// this label" and is never predicted at its threshold of 0. None: only the carried ones.
    pub labels: Option<Vec<String>>,
}

impl Default for MultiLabelOptions {
    fn default() -> Self {
        Self {
            seed: 42,
            threads: 0,
            valid_fraction: None,
            refit: true,
            stop: None,
            simplify: true,
            labels: None,
        }
    }
}

impl MultiLabelOptions {
    /// `search` with these options' seed, threads, stop flag and simplification (one source
    /// for each when a search precedes the training).
    pub(crate) fn for_search(&self, search: &SearchOptions) -> SearchOptions {
        SearchOptions {
            seed: self.seed,
            threads: self.threads,
            stop: self.stop.clone(),
            simplify: self.simplify,
            ..search.clone()
        }
    }
}

/// Which training run an epoch belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Training without the held-out documents, scored on them after each epoch.
    Choosing,
    /// The final model on all the training documents.
    Final,
}

/// A multi-label classifier and how it was made.
#[derive(Debug, Clone)]
pub struct MultiLabelFit {
    /// The classifier (with its thresholds).
    pub model: TextClassifier,
    /// The settings it was trained with (epochs: the final run's).
    pub settings: Settings,
    /// What was held out, in words.
    pub validation: String,
    /// The epoch of the best validation micro-F1 (at thresholds 0), when there was validation.
    pub best_epoch: Option<usize>,
    /// Validation micro-F1 at the chosen thresholds (optimistic: chosen on the same rows).
    pub valid_micro_f1: Option<f64>,
    /// Whether a stop request ended training early.
    pub interrupted: bool,
    /// The settings search, when [`fit_text_auto`] ran one.
    pub search: Option<SearchLog>,
}

/// Trains a multi-label text classifier on `texts` and their `label_sets` (training data
/// only): settings from `pinned` over the data-derived defaults; the last documents of the
/// file held out to choose the epoch count (early stopping on micro-F1) and the per-label
/// thresholds; then, with `options.refit`, the final model on every training document.
/// `on_epoch` sees each epoch's record as it is made.
pub fn fit_text<S: AsRef<str> + Sync, L: AsRef<[String]>>(
    texts: &[S],
    label_sets: &[L],
    base: &FeaturizerConfig,
    pinned: &Pinned,
    options: &MultiLabelOptions,
    mut on_epoch: impl FnMut(Stage, &EpochRecord),
) -> Result<MultiLabelFit> {
    pinned.validate()?;
    crate::error::one_label_set_each("texts", texts.len(), label_sets.len())?;
    let labels = known_labels(label_sets, options)?;
    let n = texts.len();
    let (held, fraction) = held_out(n, options)?;
    if held == 0 {
        let (mut clf, x, sets, settings) =
            prepare(texts, label_sets, labels, base, pinned, options)?;
        let plan = plan(settings.epochs, None, options);
        let mut history = Vec::new();
        let out = crate::training::fit(&mut clf.machine, &mut history, &x, &sets, &plan, |r| {
            on_epoch(Stage::Final, r)
        })?;
        clf.history = history;
        simplify_final(&mut clf, &x, &sets, options)?;
        return Ok(MultiLabelFit {
            model: clf,
            settings,
            validation: format!(
                "none: {n} training documents are too few to hold any out (at least {MIN_DOCUMENTS_TO_VALIDATE}); thresholds at 0"
            ),
            best_epoch: None,
            valid_micro_f1: None,
            interrupted: out.interrupted,
            search: None,
        });
    }
    let cut = n - held;
    let validation = format!(
        "the last {held} of {n} training documents in file order ({:.0} %)",
        fraction * 100.0
    );
    let (mut clf, x, sets, settings) = prepare(
        &texts[..cut],
        &label_sets[..cut],
        labels.clone(),
        base,
        pinned,
        options,
    )?;
    let xv = clf.encode(&texts[cut..]);
    let sv = clf.labels.encode_sets(&label_sets[cut..])?;
    let chosen = choose(
        &mut clf.machine,
        &mut clf.history,
        (&x, &sets),
        (&xv, &sv),
        settings.epochs,
        &validation,
        options,
        &mut on_epoch,
    )?;
    let (best_epoch, decision, out_interrupted) =
        (chosen.best_epoch, chosen.decision, chosen.interrupted);
    let valid_micro_f1 = Some(chosen.valid_micro_f1);
    if !options.refit || out_interrupted {
        clf.multi_label = Some(decision);
        simplify_final(&mut clf, &x, &sets, options)?;
        return Ok(MultiLabelFit {
            model: clf,
            settings: Settings {
                epochs: best_epoch,
                ..settings
            },
            validation,
            best_epoch: Some(best_epoch),
            valid_micro_f1,
            interrupted: out_interrupted,
            search: None,
        });
    }
    let final_settings = Settings {
        epochs: best_epoch,
        ..settings
    };
    let (mut full, x, sets, _) = prepare(
        texts,
        label_sets,
        labels,
        base,
        &Pinned::all(&final_settings),
        options,
    )?;
    let mut history = Vec::new();
    let out = crate::training::fit(
        &mut full.machine,
        &mut history,
        &x,
        &sets,
        &plan_epochs(best_epoch, options),
        |r| on_epoch(Stage::Final, r),
    )?;
    full.history = history;
    full.multi_label = Some(decision);
    simplify_final(&mut full, &x, &sets, options)?;
    Ok(MultiLabelFit {
        model: full,
        settings: final_settings,
        validation,
        best_epoch: Some(best_epoch),
        valid_micro_f1,
        interrupted: out.interrupted,
        search: None,
    })
}

/// [`fit_text`] with automatic settings: the settings search of
/// [`crate::tune::search_text_multi_label`] on the training documents (candidates ranked by
/// validation micro-F1), then [`fit_text`] with the chosen settings pinned (their epoch count
/// as its ceiling: it still holds out the last documents to choose the epochs and the
/// thresholds, then refits). `search`'s seed, threads, stop flag and simplification are
/// replaced by `options`' (one source for each); with `search.auto` off, or every setting
/// pinned, this is [`fit_text`]. The log is saved in the model and returned.
#[allow(clippy::too_many_arguments)] // fit_text's inputs plus the search and its display
pub fn fit_text_auto<S: AsRef<str> + Sync, L: AsRef<[String]>>(
    texts: &[S],
    label_sets: &[L],
    base: &FeaturizerConfig,
    pinned: &Pinned,
    options: &MultiLabelOptions,
    search: &SearchOptions,
    mut on_search: impl FnMut(&SearchEvent),
    on_epoch: impl FnMut(Stage, &EpochRecord),
) -> Result<MultiLabelFit> {
    pinned.validate()?;
    if !search.auto || pinned.is_complete(true) {
        return fit_text(texts, label_sets, base, pinned, options, on_epoch);
    }
    let (sets, search) = search_inputs(texts, label_sets, options, search)?;
    let log = search_text_multi_label(texts, &sets, base, pinned, &search, &mut on_search)?;
    finish_text_auto(texts, label_sets, base, log, options, on_epoch)
}

/// The label sets and search options [`fit_text_auto`] searches with: for a caller that
/// plans the search here ([`crate::tune::plan_text_multi_label`]) and runs it elsewhere
/// (the Python package's Ray Tune search).
pub fn search_inputs<S: AsRef<str>, L: AsRef<[String]>>(
    texts: &[S],
    label_sets: &[L],
    options: &MultiLabelOptions,
    search: &SearchOptions,
) -> Result<(LabelSets, SearchOptions)> {
    crate::error::one_label_set_each("texts", texts.len(), label_sets.len())?;
    let labels = known_labels(label_sets, options)?;
    Ok((labels.encode_sets(label_sets)?, options.for_search(search)))
}

/// The rest of [`fit_text_auto`] once the settings are chosen (here, or by a search run
/// elsewhere): the final multi-label classifier trained with `log.chosen`, the log saved in it.
pub fn finish_text_auto<S: AsRef<str> + Sync, L: AsRef<[String]>>(
    texts: &[S],
    label_sets: &[L],
    base: &FeaturizerConfig,
    log: SearchLog,
    options: &MultiLabelOptions,
    on_epoch: impl FnMut(Stage, &EpochRecord),
) -> Result<MultiLabelFit> {
    let mut fit = fit_text(
        texts,
        label_sets,
        base,
        &Pinned::all(&log.chosen),
        options,
        on_epoch,
    )?;
    fit.model.search = Some(log.clone());
    fit.search = Some(log);
    Ok(fit)
}

/// The multi-label metrics of `clf` on `texts` with true label sets `label_sets` (a label
/// the classifier does not know is an error).
pub fn evaluate<S: AsRef<str> + Sync, L: AsRef<[String]>>(
    clf: &TextClassifier,
    texts: &[S],
    label_sets: &[L],
) -> Result<MultiLabelMetrics> {
    crate::error::one_label_set_each("texts", texts.len(), label_sets.len())?;
    let truth = clf.labels.encode_sets(label_sets)?;
    let predicted = clf.predict_label_ids(texts)?;
    let truth: Vec<&[u32]> = truth.iter().collect();
    Ok(MultiLabelMetrics::compute(
        &truth,
        &predicted,
        clf.labels.names(),
    ))
}

/// Simplifies `clf`'s rules on its training rows `x` with label sets `sets` when
/// `options.simplify` ([`simplify_rows`]).
fn simplify_final(
    clf: &mut TextClassifier,
    x: &SparseRows,
    sets: &LabelSets,
    options: &MultiLabelOptions,
) -> Result<()> {
    if let Some(report) = simplify_rows(&mut clf.machine, x, sets, options)? {
        clf.simplified = Some(report);
    }
    Ok(())
}

/// The rules simplified on the training rows when `options.simplify`: no label decision on a
/// training row gets worse ([`Preserve::LabelSets`]).
fn simplify_rows(
    machine: &mut TsetlinMachine,
    x: &SparseRows,
    sets: &LabelSets,
    options: &MultiLabelOptions,
) -> Result<Option<SimplifyReport>> {
    if !options.simplify {
        return Ok(None);
    }
    Ok(Some(simplify(machine, x, Preserve::LabelSets(sets), 0)?))
}

/// The label names of a multi-label corpus: every label any document carries, sorted; at
/// least two.
pub fn label_names<L: AsRef<[String]>>(label_sets: &[L]) -> Result<LabelSet> {
    let all: Vec<String> = label_sets
        .iter()
        .flat_map(|s| s.as_ref().iter().cloned())
        .collect();
    let labels = LabelSet::from_labels(&all);
    if labels.len() < 2 {
        return Err(Error::InvalidInput(format!(
            "need at least 2 labels, the multi-label training data has {} ({})",
            labels.len(),
            labels.names().join(", ")
        )));
    }
    Ok(labels)
}

/// The labels of `label_sets` and of `options.labels` together (see [`label_names`]).
fn known_labels<L: AsRef<[String]>>(
    label_sets: &[L],
    options: &MultiLabelOptions,
) -> Result<LabelSet> {
    match &options.labels {
        None => label_names(label_sets),
        Some(known) => {
            let mut all: Vec<&[String]> = label_sets.iter().map(AsRef::as_ref).collect();
            all.push(known);
            label_names(&all)
        }
    }
}

/// The training plan: at most `epochs`, early stopping on `valid` when given.
fn plan<'a>(epochs: usize, valid: Option<Scored<'a>>, options: &MultiLabelOptions) -> Plan<'a> {
    Plan {
        patience: valid.map(|_| PATIENCE),
        valid,
        ..plan_epochs(epochs, options)
    }
}

/// Exactly `epochs` shuffled epochs, stoppable.
fn plan_epochs<'a>(epochs: usize, options: &MultiLabelOptions) -> Plan<'a> {
    Plan {
        stop: options.stop.clone(),
        ..Plan::epochs(epochs)
    }
}

/// Micro-F1 of `decision` on rows with class sums `sums` and true sets `truth`.
pub(crate) fn micro_f1(sums: &[i64], truth: &LabelSets, decision: &MultiLabelDecision) -> f64 {
    let k = truth.n_labels();
    let predicted: Vec<Vec<u32>> = sums.chunks_exact(k).map(|r| decision.decide(r)).collect();
    let names: Vec<String> = (0..k).map(|c| c.to_string()).collect();
    let truth: Vec<&[u32]> = truth.iter().collect();
    MultiLabelMetrics::compute(&truth, &predicted, &names).micro_f1
}

/// How many of `n` training rows to hold out (the last ones) and the fraction asked for: 0
/// under [`MIN_DOCUMENTS_TO_VALIDATE`] rows.
fn held_out(n: usize, options: &MultiLabelOptions) -> Result<(usize, f64)> {
    if let Some(f) = options.valid_fraction {
        if !(f > 0.0 && f < 1.0) {
            return Err(Error::InvalidInput(format!(
                "the validation fraction must be in (0, 1), got {f}"
            )));
        }
    }
    let fraction = options
        .valid_fraction
        .unwrap_or(if n >= LARGE_CORPUS { 0.1 } else { 0.2 });
    let held = ((n as f64 * fraction).round() as usize).min(n.saturating_sub(1));
    Ok((
        if n < MIN_DOCUMENTS_TO_VALIDATE {
            0
        } else {
            held
        },
        fraction,
    ))
}

/// What the choosing stage found: the epoch of the best validation micro-F1 (at thresholds
/// 0), the thresholds chosen on the validation rows, and the micro-F1 there at them.
struct Chosen {
    best_epoch: usize,
    decision: MultiLabelDecision,
    valid_micro_f1: f64,
    interrupted: bool,
}

/// The choosing stage: trains `machine` on `train` for at most `epochs`, early stopping on
/// the micro-F1 of `valid` (keeping the best epoch's machine), then chooses each label's
/// threshold on `valid`'s class sums.
#[allow(clippy::too_many_arguments)] // one stage's inputs, each used once
fn choose(
    machine: &mut TsetlinMachine,
    history: &mut Vec<EpochRecord>,
    train: (&SparseRows, &LabelSets),
    valid: (&SparseRows, &LabelSets),
    epochs: usize,
    validation: &str,
    options: &MultiLabelOptions,
    on_epoch: &mut impl FnMut(Stage, &EpochRecord),
) -> Result<Chosen> {
    let (xv, sv) = valid;
    let plan = plan(epochs, Some(Scored::new(xv, sv)), options);
    let out = crate::training::fit(machine, history, train.0, train.1, &plan, |r| {
        on_epoch(Stage::Choosing, r)
    })?;
    let best_epoch = out.best.map(|(e, _)| e).unwrap_or(out.epochs).max(1);
    let sums = machine.class_sums(xv)?;
    let decision = MultiLabelDecision {
        thresholds: choose_thresholds(&sums, sv),
        chosen_on: validation.to_string(),
    };
    let valid_micro_f1 = micro_f1(&sums, sv, &decision);
    Ok(Chosen {
        best_epoch,
        decision,
        valid_micro_f1,
        interrupted: out.interrupted,
    })
}

/// The featurizer settings [`fit_text`] uses on `documents` training documents with
/// `labels` labels (`pinned` over the data-derived defaults, on `base`), so that other models
/// can be given the very same features (`tsetlin bench`).
pub fn featurizer_config_for(
    documents: usize,
    labels: usize,
    base: &FeaturizerConfig,
    pinned: &Pinned,
) -> FeaturizerConfig {
    featurizer_settings(documents, labels, base, pinned).1
}

/// The settings before the featurized rows are known, and the featurizer settings they give
/// (which do not depend on the density the rest is derived from).
fn featurizer_settings(
    documents: usize,
    labels: usize,
    base: &FeaturizerConfig,
    pinned: &Pinned,
) -> (Settings, FeaturizerConfig) {
    let guess = DataProfile {
        rows: documents,
        classes: labels,
        features: usize::MAX,
        mean_present: 1.0,
        text: true,
    };
    let first = pinned.impose(default_settings(&guess));
    let config = featurizer_config(base, &first);
    (first, config)
}

/// The featurizer fitted on `texts`, the settings (`pinned` over the defaults derived from
/// the featurized rows), an untrained multi-label classifier over `labels`, and the encoded
/// rows and label sets.
fn prepare<S: AsRef<str> + Sync, L: AsRef<[String]>>(
    texts: &[S],
    label_sets: &[L],
    labels: LabelSet,
    base: &FeaturizerConfig,
    pinned: &Pinned,
    options: &MultiLabelOptions,
) -> Result<(TextClassifier, SparseRows, LabelSets, Settings)> {
    let (first, config) = featurizer_settings(texts.len(), labels.len(), base, pinned);
    let (mut clf, x, sets) = TextClassifier::prepare_multi_label(
        texts,
        label_sets,
        labels,
        &config,
        options.threads,
        |b| first.apply(b).seed(options.seed),
    )?;
    let profile = DataProfile::of_rows(&x, clf.labels.len(), true);
    let settings = pinned.impose(default_settings(&profile));
    let params = settings
        .apply(Params::builder(profile.classes, profile.features))
        .seed(options.seed)
        .build()?;
    clf.machine = TsetlinMachine::with_threads(params, options.threads)?;
    Ok((clf, x, sets, settings))
}
