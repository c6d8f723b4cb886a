//! `tsetlin eval`: accuracy, macro precision/recall/F1, per-class figures and the confusion
//! matrix of a saved classifier on labelled data.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;
use tsetlin::metrics::Metrics;
use tsetlin::rules::Readability;

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
