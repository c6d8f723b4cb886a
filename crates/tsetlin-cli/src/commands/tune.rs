//! `tsetlin tune`: the automatic settings search of `train`, alone (multi-label text too:
//! candidates scored by validation micro-F1). Prints (or writes) its table: every candidate,
//! its validation curve's best, and the choice. Nothing is trained on
//! the whole corpus and nothing is saved but the table.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;
use tsetlin::tune::{self, SearchLog};

use crate::args::{AutoArgs, FeaturizerArgs, MachineArgs, ReaderArgs, RunArgs};
use crate::data::{read_features_any, FeatureFile, FeaturesFormat};
use crate::output::{Log, Out};
use crate::search_view::SearchView;
use crate::training;

/// Arguments of `tsetlin tune`.
#[derive(Debug, Args)]
pub struct TuneArgs {
    /// Training corpus (the search holds out its validation data from it).
    #[arg(long)]
    pub train: PathBuf,
    /// What the training file contains: a text corpus (the search also chooses n-grams and
    /// feature count) or feature rows (it chooses the machine's settings for those features).
    #[arg(long, value_enum, default_value = "text")]
    pub features_format: FeaturesFormat,
    /// Print the search log as one JSON object instead of Markdown.
    #[arg(long)]
    pub json: bool,
    /// Also write the log to FILE.json and FILE.md.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
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

/// The JSON output: the data it ran on and the log.
#[derive(Debug, Serialize)]
struct TuneOut<'a> {
    train: String,
    documents: usize,
    seed: u64,
    search: &'a SearchLog,
}

/// Runs `tsetlin tune`.
pub fn run(a: TuneArgs, log: &Log) -> Result<()> {
    a.machine.validate()?;
    a.run.validate(log)?;
    a.auto.validate()?;
    if a.auto.no_auto {
        anyhow::bail!("tune is the settings search; --no-auto leaves nothing to do");
    }
    let config = a.features.config()?;
    if let Some(out) = &a.out {
        for ext in ["json", "md"] {
            super::check_output(&out.with_extension(ext), "search table", &[&a.train])?;
        }
    }
    let pinned = a.auto.pins(a.machine.pinned(&a.features, &a.run))?;
    let stop = training::interrupt_flag(log);
    let options = a.auto.options(&a.run, Some(stop));
    let mut view = SearchView::new(*log);
    let (search, documents) = if a.features_format == FeaturesFormat::Text {
        let train = a.reader.read_any(&a.train, "training", log)?;
        let search = match train.label_sets.as_deref() {
            Some(label_sets) => {
                // Multi-label: candidates scored by validation micro-F1.
                view = view.scored_by("micro-F1");
                let labels = tsetlin::multi_label::label_names(label_sets)?;
                let sets = labels.encode_sets(label_sets)?;
                tune::search_text_multi_label(
                    &train.texts,
                    &sets,
                    &config,
                    &pinned,
                    &options,
                    &mut |e| view.on(e),
                )
            }
            None => tune::search_text(
                &train.texts,
                &train.labels,
                &config,
                &pinned,
                &options,
                &mut |e| view.on(e),
            ),
        };
        (search, train.len())
    } else {
        match read_features_any(&a.train, a.features_format)? {
            FeatureFile::Single(d) => {
                let search =
                    tune::search_rows(&d.x, &d.y, d.labels.len(), &pinned, &options, &mut |e| {
                        view.on(e)
                    });
                (search, d.y.len())
            }
            FeatureFile::Multi(x, sets) => {
                view = view.scored_by("micro-F1");
                let search =
                    tune::search_rows_multi_label(&x, &sets, &pinned, &options, &mut |e| {
                        view.on(e)
                    });
                (search, x.n_rows())
            }
        }
    };
    let search = search.context("the settings search failed")?;
    view.finish();
    let result = TuneOut {
        train: a.train.display().to_string(),
        documents,
        seed: a.run.seed,
        search: &search,
    };
    let markdown = format!(
        "### Settings search on {} ({} documents, seed {})\n\n{}",
        result.train,
        result.documents,
        result.seed,
        search.to_markdown()
    );
    if let Some(out) = &a.out {
        let json_path = out.with_extension("json");
        let md_path = out.with_extension("md");
        super::write_output(&json_path, &serde_json::to_vec_pretty(&result)?)?;
        super::write_output(&md_path, markdown.as_bytes())?;
        log.info(&format!(
            "wrote {} and {}",
            json_path.display(),
            md_path.display()
        ));
    }
    let mut out = Out::new();
    if a.json {
        out.json(&result)
    } else {
        out.text(markdown)
    }
}
