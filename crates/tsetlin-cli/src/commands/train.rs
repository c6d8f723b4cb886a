//! `tsetlin train`: read a corpus, choose the settings on the training data (the automatic
//! settings, unless `--no-auto`), fit the featurizer, train with a progress bar, save the
//! classifier, print a summary. With `--no-auto`: optional early stopping on a validation set.
//! Multi-label data (label lists) goes to [`super::train_multi_label`].

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde::Serialize;
use tsetlin::io::Dataset;
use tsetlin::metrics::Metrics;
use tsetlin::rules::{simplify_trained, Readability, SimplifyReport};
use tsetlin::TextClassifier;

use tsetlin::tune::{self, SearchLog, Settings};

use crate::args::{AutoArgs, FeaturizerArgs, MachineArgs, ReaderArgs, RunArgs};
use crate::output::{pct, secs, Log, Out};
use crate::search_view::SearchView;
use crate::training::{self, Plan, Scored};

/// Arguments of `tsetlin train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Training corpus (JSONL, CSV, TSV, optionally .gz, or one folder per class).
    #[arg(long)]
    pub train: PathBuf,
    /// Test corpus: scored after training (and after each epoch when there is no validation
    /// set); never used to choose the model.
    #[arg(long)]
    pub test: Option<PathBuf>,
    /// Validation corpus, scored after each epoch (and used by --early-stop); with
    /// --no-auto (the automatic settings hold out their own validation data).
    #[arg(long, conflicts_with = "valid_fraction")]
    pub valid: Option<PathBuf>,
    /// Hold out this fraction of the training corpus (stratified, seeded) for validation,
    /// with --no-auto. Default: 0.1 when neither --test nor --valid is given, else none.
    #[arg(long)]
    pub valid_fraction: Option<f64>,
    /// Where to save the trained classifier.
    #[arg(long)]
    pub model: PathBuf,
    /// Stop when validation accuracy has not improved for this many epochs, and keep the
    /// machine of the best epoch (with --no-auto).
    #[arg(long, value_name = "PATIENCE")]
    pub early_stop: Option<usize>,
    /// Training accuracy per epoch is measured on this many training documents (0: not
    /// measured; it costs a prediction pass).
    #[arg(long, default_value_t = 5000)]
    pub train_probe: usize,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub reader: ReaderArgs,
    #[command(flatten)]
    pub features: FeaturizerArgs,
    #[command(flatten)]
    pub machine: MachineArgs,
    #[command(flatten)]
    pub auto: AutoArgs,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Quality on one evaluated corpus.
#[derive(Debug, Serialize)]
struct Score {
    documents: usize,
    accuracy: f64,
    macro_precision: f64,
    macro_recall: f64,
    macro_f1: f64,
}

/// How the settings were chosen, briefly (the full log is in the model).
#[derive(Debug, Serialize)]
pub(crate) struct SearchSummary {
    validation: String,
    candidates: usize,
    /// The chosen candidate's validation score: accuracy, or micro-F1 for multi-label data.
    valid_accuracy: Option<f64>,
    /// Literals per clause of the chosen candidate as trained (before simplification).
    mean_literals: Option<f64>,
    /// The most accurate candidate's score and rule length, when shorter rules won
    /// (`--length-tolerance`).
    most_accurate: Option<(f64, Option<f64>)>,
    seconds: f64,
    cut: Option<String>,
}

impl SearchSummary {
    /// Prints what the search of `log` chose and its validation `score` ("accuracy",
    /// "micro-F1").
    pub(crate) fn print(&self, out: &mut Out, log: &SearchLog, score: &str) -> Result<()> {
        out.line(format!(
            "settings chosen on the training data ({}, {} candidates, {}): {}",
            log.validation,
            self.candidates,
            secs(self.seconds),
            log.chosen.summary()
        ))?;
        if let Some(v) = log.valid_accuracy {
            let length = self.mean_literals.map_or(String::new(), |l| {
                format!(", {l:.1} literals per clause as trained")
            });
            out.line(format!(
                "  validation {score} while choosing: {}{length}",
                pct(v)
            ))?;
        }
        if let Some((v, l)) = self.most_accurate {
            out.line(format!(
                "  preferred for shorter rules over a candidate at {}{} (--length-tolerance)",
                pct(v),
                l.map_or(String::new(), |l| format!(
                    " with {l:.1} literals per clause"
                ))
            ))?;
        }
        Ok(())
    }

    /// The summary of `log`, whose search took `seconds` of wall clock.
    pub(crate) fn of(log: &SearchLog, seconds: f64) -> Self {
        Self {
            validation: log.validation.clone(),
            candidates: log.trials.len(),
            valid_accuracy: log.valid_accuracy,
            mean_literals: log
                .chosen_trial
                .and_then(|id| log.trials.get(id))
                .and_then(|t| t.mean_literals),
            most_accurate: log
                .most_accurate_trial
                .and_then(|id| log.trials.get(id))
                .map(|t| (t.best_accuracy, t.mean_literals)),
            seconds,
            cut: log.cut.clone(),
        }
    }
}

/// The `--json` summary.
#[derive(Debug, Serialize)]
struct Summary {
    model: String,
    settings: Settings,
    search: Option<SearchSummary>,
    classes: Vec<String>,
    features: usize,
    train_documents: usize,
    epochs: usize,
    interrupted: bool,
    stopped_early: bool,
    best_epoch: Option<usize>,
    train_seconds: f64,
    /// What simplifying the rules after training removed (absent with --no-simplify).
    simplified: Option<SimplifyReport>,
    /// How readable the saved model's rules are.
    readability: Readability,
    valid: Option<Score>,
    test: Option<Score>,
}

/// Runs `tsetlin train`.
pub fn run(a: TrainArgs, log: &Log) -> Result<()> {
    a.machine.validate()?;
    a.run.validate(log)?;
    a.auto.validate()?;
    let config = a.features.config()?;
    let auto = !a.auto.no_auto;
    if auto && (a.valid.is_some() || a.valid_fraction.is_some() || a.early_stop.is_some()) {
        bail!("--valid, --valid-fraction and --early-stop go with --no-auto: the automatic settings hold out their own validation data from --train");
    }
    if let Some(f) = a.valid_fraction {
        if !(0.0..1.0).contains(&f) {
            bail!("--valid-fraction must be in [0, 1), got {f}");
        }
    }
    let fraction = a
        .valid_fraction
        .unwrap_or(if a.test.is_none() && a.valid.is_none() {
            0.1
        } else {
            0.0
        });
    if a.early_stop == Some(0) {
        bail!("--early-stop needs a patience of at least 1 epoch");
    }
    if a.early_stop.is_some() && a.valid.is_none() && fraction == 0.0 {
        bail!("--early-stop needs a validation set (--valid FILE or --valid-fraction F); it never selects the model on --test");
    }
    let inputs: Vec<&std::path::Path> = std::iter::once(a.train.as_path())
        .chain(a.test.as_deref())
        .chain(a.valid.as_deref())
        .chain(a.auto.settings_from.as_deref())
        .collect();
    super::check_output(&a.model, "model", &inputs)?;
    let pinned = a.auto.pins(a.machine.pinned(&a.features, &a.run))?;

    let mut train = a.reader.read_any(&a.train, "training", log)?;
    if train.is_multi_label() {
        return super::train_multi_label::run(&a, train, pinned, log);
    }
    let test = match &a.test {
        Some(p) => Some(a.reader.read(p, "test", log)?),
        None => None,
    };
    let stop = training::interrupt_flag(log);
    let started = std::time::Instant::now();

    let (clf, n_train, valid_xy, outcome, search) = if auto {
        let mut view = SearchView::new(*log).rearm_after_search(stop.clone());
        let fit = tune::fit_text(
            &train.texts,
            &train.labels,
            &config,
            &pinned,
            &a.auto.options(&a.run, Some(stop.clone())),
            |e| view.on(e),
        )
        .context("cannot train the classifier")?;
        view.finish();
        let clf = fit.model;
        let outcome = training::Outcome {
            epochs: fit.history.len(),
            interrupted: fit.interrupted,
            best: None,
            restored: false,
            stopped_early: false,
            train_seconds: fit.history.iter().filter_map(|h| h.seconds).sum(),
        };
        let seconds = started.elapsed().as_secs_f64() - outcome.train_seconds;
        (clf, train.len(), None, outcome, Some((fit.log, seconds)))
    } else {
        let mut valid = match &a.valid {
            Some(p) => Some(a.reader.read(p, "validation", log)?),
            None => None,
        };
        if fraction > 0.0 {
            let (kept, held) = holdout(&train, fraction, a.run.seed);
            if held.is_empty() {
                // Every class keeps its last document, so a tiny corpus may hold none out.
                log.warn(&format!(
                    "too few documents ({}) to hold out {fraction} for validation: training without validation",
                    train.len()
                ));
            } else {
                log.info(&format!(
                    "holding out {} of {} training documents for validation (--valid-fraction {fraction})",
                    held.len(),
                    train.len()
                ));
                valid = Some(held);
                train = kept;
            }
        }
        log.info("building features ...");
        let (mut clf, x, y, settings) = tune::prepare_text(
            &train.texts,
            &train.labels,
            &config,
            &pinned,
            a.run.seed,
            a.run.threads,
        )
        .context("cannot build the classifier")?;
        log.info(&format!("settings (no search): {}", settings.summary()));
        let valid_xy = valid
            .as_ref()
            .map(|d| encode(&clf, d, "validation"))
            .transpose()?;
        let test_xy = test.as_ref().map(|d| encode(&clf, d, "test")).transpose()?;
        let probe = training::probe(&x, &y, a.train_probe);
        let scored = valid_xy.as_ref().or(test_xy.as_ref());
        if valid_xy.is_none() && test_xy.is_some() {
            log.info(
                "no validation set: the per-epoch curve shows test accuracy (it chooses nothing)",
            );
        }
        let plan = Plan {
            epochs: settings.epochs,
            shuffle: true,
            patience: a.early_stop,
            train_probe: probe.as_ref().map(|(x, y)| Scored::new(x, y)),
            valid: scored.map(|(x, y)| Scored::new(x, y)),
            stop: Some(stop),
        };
        let mut history = std::mem::take(&mut clf.history);
        let outcome = training::run(&mut clf.machine, &mut history, &x, &y, &plan, log)?;
        clf.history = history;
        if !a.auto.no_simplify {
            clf.simplified = Some(simplify_trained(&mut clf.machine, &x, &y)?);
        }
        (clf, y.len(), valid_xy, outcome, None)
    };
    log.info(&format!(
        "{} features, {} classes ({})",
        clf.featurizer.n_features(),
        clf.class_names().len(),
        clf.class_names().join(", ")
    ));
    let test_xy = test.as_ref().map(|d| encode(&clf, d, "test")).transpose()?;

    clf.save(&a.model)
        .with_context(|| format!("cannot save the model to {}", a.model.display()))?;
    if outcome.interrupted {
        log.warn(&format!(
            "training was interrupted after {} complete epoch(s); saved the model trained so far to {}",
            outcome.epochs,
            a.model.display()
        ));
    } else {
        log.info(&format!("saved the model to {}", a.model.display()));
    }

    let score = |xy: &Option<(tsetlin_core::SparseRows, Vec<u32>)>| -> Result<Option<Score>> {
        let Some((x, y)) = xy else { return Ok(None) };
        let pred = clf.machine.predict(x)?;
        let m = Metrics::compute(y, &pred, clf.class_names());
        Ok(Some(Score {
            documents: y.len(),
            accuracy: m.accuracy,
            macro_precision: m.macro_precision,
            macro_recall: m.macro_recall,
            macro_f1: m.macro_f1,
        }))
    };
    let search_log: Option<&SearchLog> = search.as_ref().map(|(l, _)| l);
    let summary = Summary {
        model: a.model.display().to_string(),
        settings: clf.settings(),
        search: search
            .as_ref()
            .map(|(l, seconds)| SearchSummary::of(l, *seconds)),
        classes: clf.class_names().to_vec(),
        features: clf.featurizer.n_features(),
        train_documents: n_train,
        epochs: outcome.epochs,
        interrupted: outcome.interrupted,
        stopped_early: outcome.stopped_early,
        best_epoch: outcome.best.map(|(epoch, _)| epoch),
        train_seconds: outcome.train_seconds,
        simplified: clf.simplified.clone(),
        readability: Readability::of(&clf.machine, clf.class_names(), None),
        valid: score(&valid_xy)?,
        test: score(&test_xy)?,
    };
    let mut out = Out::new();
    if a.json {
        return out.json(&summary);
    }
    if let (Some(l), Some(s)) = (search_log, &summary.search) {
        s.print(&mut out, l, "accuracy")?;
    } else {
        out.line(format!("settings: {}", summary.settings.summary()))?;
    }
    out.line(format!(
        "trained {} epoch(s) in {} on {} documents, {} features, {} classes{}",
        summary.epochs,
        secs(summary.train_seconds),
        summary.train_documents,
        summary.features,
        summary.classes.len(),
        if summary.interrupted {
            " (interrupted)"
        } else if summary.stopped_early {
            " (stopped early)"
        } else {
            ""
        }
    ))?;
    if let Some(r) = &summary.simplified {
        out.line(format!(
            "simplified the rules on the training data: {} of {} literals removed, no training prediction worse (--no-simplify keeps them)",
            r.literals_before - r.literals_after,
            r.literals_before
        ))?;
    }
    out.line(summary.readability.to_text())?;
    if let Some(e) = summary.best_epoch {
        out.line(format!(
            "kept the machine of epoch {e} (best validation accuracy)"
        ))?;
    }
    for (name, s) in [("validation", &summary.valid), ("test", &summary.test)] {
        if let Some(s) = s {
            out.line(format!(
                "{name}: accuracy {}, macro F1 {:.4} ({} documents)",
                pct(s.accuracy),
                s.macro_f1,
                s.documents
            ))?;
        }
    }
    out.line(format!("model: {}", summary.model))?;
    Ok(())
}

/// Encodes a labelled corpus with the classifier's featurizer and labels.
fn encode(
    clf: &TextClassifier,
    d: &Dataset,
    what: &str,
) -> Result<(tsetlin_core::SparseRows, Vec<u32>)> {
    let y = clf
        .labels
        .encode(&d.labels)
        .with_context(|| format!("the {what} data has a label that the training data does not"))?;
    Ok((clf.encode(&d.texts), y))
}

/// Splits a corpus into (train, held-out) parts, stratified by label and seeded.
fn holdout(data: &Dataset, fraction: f64, seed: u64) -> (Dataset, Dataset) {
    let labels = tsetlin::featurize::LabelSet::from_labels(&data.labels);
    let y: Vec<u32> = data
        .labels
        .iter()
        .map(|l| labels.id(l).unwrap_or(0))
        .collect();
    let (keep, held) = crate::data::stratified_holdout(&y, fraction, seed);
    (data.select(&keep), data.select(&held))
}
