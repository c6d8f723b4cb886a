//! `tsetlin train` on multi-label data (documents with label lists): one machine with a
//! clause bank per label ([`tsetlin::multi_label::fit_text_auto`]): the settings search
//! (candidates ranked by validation micro-F1; `--no-auto`: the data-derived defaults) with
//! any pinned settings kept, early stopping on micro-F1 and per-label thresholds chosen on
//! the last documents of the training file, the final model trained on all of them.

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use serde::Serialize;
use tsetlin::io::Dataset;
use tsetlin::multi_label::{self, MultiLabelMetrics, MultiLabelOptions, Stage};
use tsetlin::rules::{Readability, SimplifyReport};
use tsetlin::tune::{Pinned, SearchEvent, Settings};

use super::train::{SearchSummary, TrainArgs};
use crate::output::{pct, secs, Log, Out};
use crate::search_view::SearchView;

/// The `--json` summary of a multi-label training run.
#[derive(Debug, Serialize)]
struct Summary {
    model: String,
    multi_label: bool,
    settings: Settings,
    /// The settings search (candidates ranked by validation micro-F1), when one ran.
    search: Option<SearchSummary>,
    labels: Vec<String>,
    features: usize,
    train_documents: usize,
    /// What was held out of the training file to choose the epochs and thresholds.
    validation: String,
    best_epoch: Option<usize>,
    epochs: usize,
    interrupted: bool,
    train_seconds: f64,
    /// Validation micro-F1 at the chosen thresholds (optimistic: chosen on the same rows).
    valid_micro_f1: Option<f64>,
    thresholds: BTreeMap<String, i64>,
    simplified: Option<SimplifyReport>,
    readability: Readability,
    test: Option<MultiLabelMetrics>,
}

/// Trains on the multi-label corpus `train` (read by [`super::train::run`]).
pub fn run(a: &TrainArgs, train: Dataset, pinned: Pinned, log: &Log) -> Result<()> {
    if a.valid.is_some() || a.early_stop.is_some() {
        bail!("--valid and --early-stop are not available for multi-label data: the last documents of --train are held out to choose the epochs and thresholds (--valid-fraction sets how many)");
    }
    if let Some(f) = a.valid_fraction {
        if !(f > 0.0 && f < 1.0) {
            bail!("--valid-fraction must be in (0, 1) for multi-label data, got {f}");
        }
    }
    let test = match &a.test {
        Some(p) => Some(a.reader.read_any(p, "test", log)?),
        None => None,
    };
    let label_sets = train
        .label_sets
        .as_deref()
        .context("multi-label training data without label sets")?;
    let stop = crate::training::interrupt_flag(log);
    let options = MultiLabelOptions {
        seed: a.run.seed,
        threads: a.run.threads,
        valid_fraction: a.valid_fraction,
        refit: true,
        stop: Some(stop.clone()),
        simplify: !a.auto.no_simplify,
        labels: None,
    };
    let search = a.auto.options(&a.run, Some(stop.clone()));
    let mut view = SearchView::new(*log)
        .rearm_after_search(stop)
        .scored_by("micro-F1");
    let started = std::time::Instant::now();
    let mut search_seconds = 0.0;
    let config = a.features.config()?;
    let bar = log.bar(pinned.epochs.unwrap_or(20) as u64, "training");
    let mut stage_shown = None;
    let fit = multi_label::fit_text_auto(
        &train.texts,
        label_sets,
        &config,
        &pinned,
        &options,
        &search,
        |e| {
            if let SearchEvent::Chosen { .. } = e {
                search_seconds = started.elapsed().as_secs_f64();
            }
            view.on(e)
        },
        |stage, r| {
            if stage_shown != Some(stage) {
                stage_shown = Some(stage);
                bar.set_position(0);
                log.info(match stage {
                    Stage::Choosing => "training without the held-out documents, scoring micro-F1 on them after each epoch",
                    Stage::Final => "training the final model on all the training documents",
                });
            }
            let mut msg = format!("epoch {}: {}", r.epoch, secs(r.seconds.unwrap_or(0.0)));
            if let Some(f) = r.valid_accuracy {
                msg.push_str(&format!(", valid micro-F1 {}", pct(f)));
            }
            bar.set_message(msg.clone());
            bar.inc(1);
            if !log.bars_visible() {
                log.info(&msg);
            }
        },
    )
    .context("cannot train the classifier")?;
    bar.finish_and_clear();
    view.finish();
    let clf = fit.model;
    clf.save(&a.model)
        .with_context(|| format!("cannot save the model to {}", a.model.display()))?;
    if fit.interrupted {
        log.warn(&format!(
            "training was interrupted; saved the model trained so far to {}",
            a.model.display()
        ));
    } else {
        log.info(&format!("saved the model to {}", a.model.display()));
    }
    let test_metrics = match &test {
        Some(d) => Some(
            multi_label::evaluate(&clf, &d.texts, &d.sets())
                .context("the test data has a label that the training data does not")?,
        ),
        None => None,
    };
    let decision = clf
        .multi_label
        .as_ref()
        .context("a multi-label classifier without thresholds")?;
    let summary = Summary {
        model: a.model.display().to_string(),
        multi_label: true,
        settings: fit.settings.clone(),
        search: fit
            .search
            .as_ref()
            .map(|l| SearchSummary::of(l, search_seconds)),
        labels: clf.class_names().to_vec(),
        features: clf.featurizer.n_features(),
        train_documents: train.len(),
        validation: fit.validation.clone(),
        best_epoch: fit.best_epoch,
        epochs: clf.history.len(),
        interrupted: fit.interrupted,
        train_seconds: clf.history.iter().filter_map(|h| h.seconds).sum(),
        valid_micro_f1: fit.valid_micro_f1,
        thresholds: decision.by_label(clf.class_names()),
        simplified: clf.simplified.clone(),
        readability: Readability::of(&clf.machine, clf.class_names(), None),
        test: test_metrics,
    };
    let mut out = Out::new();
    if a.json {
        return out.json(&summary);
    }
    match (&fit.search, &summary.search) {
        (Some(l), Some(s)) => {
            s.print(&mut out, l, "micro-F1")?;
            out.line(format!("final settings: {}", summary.settings.summary()))?;
        }
        _ => out.line(format!("settings: {}", summary.settings.summary()))?,
    }
    out.line(format!(
        "multi-label: {} labels, {} features, {} training documents; epochs and thresholds chosen on {}{}",
        summary.labels.len(),
        summary.features,
        summary.train_documents,
        summary.validation,
        summary
            .best_epoch
            .map_or(String::new(), |e| format!(" (best epoch {e})"))
    ))?;
    if let Some(f) = summary.valid_micro_f1 {
        out.line(format!(
            "  validation micro-F1 at the chosen thresholds: {} (optimistic: chosen there)",
            pct(f)
        ))?;
    }
    out.line(format!(
        "trained {} epoch(s) in {}{}",
        summary.epochs,
        secs(summary.train_seconds),
        if summary.interrupted {
            " (interrupted)"
        } else {
            ""
        }
    ))?;
    if let Some(r) = &summary.simplified {
        out.line(format!(
            "simplified the rules on the training data: {} of {} literals removed, no training label decision worse (--no-simplify keeps them)",
            r.literals_before - r.literals_after,
            r.literals_before
        ))?;
    }
    out.line(summary.readability.to_text())?;
    if let Some(m) = &summary.test {
        out.line(format!(
            "test: micro-F1 {:.4}, macro-F1 {:.4}, example-based F1 {:.4}, subset accuracy {}, Hamming loss {:.4} ({} documents)",
            m.micro_f1,
            m.macro_f1,
            m.example_f1,
            pct(m.subset_accuracy),
            m.hamming_loss,
            m.documents
        ))?;
    }
    out.line(format!("model: {}", summary.model))?;
    Ok(())
}
