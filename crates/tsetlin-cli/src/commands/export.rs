//! `tsetlin export-features`: featurize a train/test pair exactly as `train` would and write
//! SVMlight files, so that other libraries (the Python scripts in `bench/`) see identical
//! features.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use tsetlin::featurize::{Featurizer, LabelSet};

use crate::args::{FeaturizerArgs, ReaderArgs};
use crate::output::{Log, Out};

/// Arguments of `tsetlin export-features`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Training corpus (the vocabulary is fitted on it).
    #[arg(long)]
    pub train: PathBuf,
    /// Test corpus.
    #[arg(long)]
    pub test: PathBuf,
    /// Output folder: train.svm, test.svm, features.txt (one term per line, by feature id) and
    /// labels.txt (one class name per line, by class id).
    #[arg(long)]
    pub out: PathBuf,
    /// Threads for featurizing (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    #[command(flatten)]
    pub reader: ReaderArgs,
    #[command(flatten)]
    pub features: FeaturizerArgs,
}

/// Runs `tsetlin export-features`.
pub fn run(a: ExportArgs, log: &Log) -> Result<()> {
    crate::args::set_threads(a.threads);
    let config = a.features.config()?;
    let train = a.reader.read(&a.train, "training", log)?;
    let test = a.reader.read(&a.test, "test", log)?;
    let labels = LabelSet::from_labels(&train.labels);
    let y = labels.encode(&train.labels)?;
    let yt = labels
        .encode(&test.labels)
        .context("the test data has a label that the training data does not")?;
    let f = Featurizer::fit(&train.texts, &y, labels.len(), &config)?;
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("cannot create {}", a.out.display()))?;
    tsetlin::io::write_svmlight(a.out.join("train.svm"), &f.transform(&train.texts), &y)?;
    tsetlin::io::write_svmlight(a.out.join("test.svm"), &f.transform(&test.texts), &yt)?;
    let write_lines = |name: &str, lines: &[String]| -> Result<()> {
        let path = a.out.join(name);
        let mut s = lines.join("\n");
        s.push('\n');
        std::fs::write(&path, s).with_context(|| format!("cannot write {}", path.display()))
    };
    write_lines("features.txt", f.feature_names())?;
    write_lines("labels.txt", labels.names())?;
    Out::new().line(format!(
        "wrote {0}/train.svm ({1} rows), {0}/test.svm ({2} rows), {3} features, {4} classes",
        a.out.display(),
        y.len(),
        yt.len(),
        f.n_features(),
        labels.len()
    ))
}
