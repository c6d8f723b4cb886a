//! `tsetlin eval`: accuracy, macro precision/recall/F1, per-class figures and the confusion
//! matrix of a saved classifier on labelled data; for a multi-label classifier, micro and
//! macro precision/recall/F1, example-based F1, subset accuracy, Hamming loss and per-label
//! figures.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;
use tsetlin::metrics::Metrics;
use tsetlin::multi_label::{self, MultiLabelMetrics};
use tsetlin::rules::Readability;
use tsetlin::TextClassifier;

use crate::args::ReaderArgs;
use crate::output::{Log, Out};

/// Arguments of `tsetlin eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The classifier file (from `tsetlin train`).
    #[arg(long)]
    pub model: PathBuf,
    /// Labelled corpus to evaluate on.
    #[arg(long)]
    pub data: PathBuf,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Threads for prediction (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    #[command(flatten)]
    pub reader: ReaderArgs,
}

#[derive(Serialize)]
struct Report<'a> {
    documents: usize,
    #[serde(flatten)]
    metrics: &'a Metrics,
    /// How readable the model's rules are, with their cover measured on this data.
    readability: &'a Readability,
}

/// Runs `tsetlin eval`.
pub fn run(a: EvalArgs, log: &Log) -> Result<()> {
    crate::args::set_threads(a.threads);
    let mut clf = super::load_model(&a.model)?;
    clf.machine.set_threads(a.threads)?;
    if clf.is_multi_label() {
        return run_multi_label(&a, &clf, log);
    }
    let data = a.reader.read(&a.data, "evaluation", log)?;
    let y = clf
        .labels
        .encode(&data.labels)
        .context("the evaluation data has a label the model was not trained on")?;
    let x = clf.encode(&data.texts);
    let pred = clf.machine.predict(&x)?;
    let m = Metrics::compute(&y, &pred, clf.class_names());
    let readability = Readability::of(&clf.machine, clf.class_names(), Some((&x, &y)));
    let mut out = Out::new();
    if a.json {
        return out.json(&Report {
            documents: y.len(),
            metrics: &m,
            readability: &readability,
        });
    }
    out.line(format!("{} documents", y.len()))?;
    out.text(m.to_table())?;
    out.line("")?;
    out.line(readability.to_text())?;
    out.flush()
}

/// The `--json` report of a multi-label classifier.
#[derive(Serialize)]
struct MultiLabelReport<'a> {
    #[serde(flatten)]
    metrics: &'a MultiLabelMetrics,
    /// Where the per-label thresholds were chosen.
    thresholds_chosen_on: &'a str,
    /// The per-label thresholds, by label name.
    thresholds: std::collections::BTreeMap<String, i64>,
    readability: &'a Readability,
}

/// `tsetlin eval` of a multi-label classifier: the data may be single- or multi-label (a
/// single label is a set of one).
fn run_multi_label(a: &EvalArgs, clf: &TextClassifier, log: &Log) -> Result<()> {
    let data = a.reader.read_any(&a.data, "evaluation", log)?;
    let m = multi_label::evaluate(clf, &data.texts, &data.sets())
        .context("the evaluation data has a label the model was not trained on")?;
    let decision = clf
        .multi_label
        .as_ref()
        .context("a multi-label classifier without thresholds")?;
    let readability = Readability::of(&clf.machine, clf.class_names(), None);
    let mut out = Out::new();
    if a.json {
        return out.json(&MultiLabelReport {
            metrics: &m,
            thresholds_chosen_on: &decision.chosen_on,
            thresholds: decision.by_label(clf.class_names()),
            readability: &readability,
        });
    }
    out.line(format!(
        "{} documents, multi-label ({} labels; thresholds chosen on {})",
        m.documents,
        clf.class_names().len(),
        decision.chosen_on
    ))?;
    out.text(m.to_table())?;
    out.line("")?;
    out.line(readability.to_text())?;
    out.flush()
}
