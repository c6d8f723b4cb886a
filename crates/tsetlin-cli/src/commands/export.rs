//! `tsetlin export-features`: featurize a train/test pair exactly as `train` would (or cut one
//! data set into the same cross-validation folds as `bench --cv`) and write SVMlight files, so
//! that other libraries (the Python scripts in `bench/`) see identical features and splits.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use tsetlin::featurize::{Featurizer, LabelSet};

use crate::args::{DataSplit, FeaturizerArgs, ReaderArgs, SplitArgs};
use crate::data::{self, FeaturesFormat, FoldSource};
use crate::output::{Log, Out};

/// Arguments of `tsetlin export-features`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A train/test pair (the vocabulary is fitted on the training corpus), or one data set
    /// to cut into the folds of `tsetlin bench --data F --cv K --seed S`.
    #[command(flatten)]
    pub split: SplitArgs,
    /// Seed of the fold assignment.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// What --data contains (train/test pairs are always text corpora).
    #[arg(long, value_enum, default_value = "text")]
    pub features_format: FeaturesFormat,
    /// Output folder: train.svm, test.svm, features.txt (one term per line, by feature id) and
    /// labels.txt (one class name per line, by class id). With --cv: fold-1 ... fold-K folders
    /// holding train.svm and test.svm (and features.txt for text, fitted per fold), folds.txt
    /// (the fold of each input row, 1-based) and labels.txt.
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
    match a.split.split()? {
        DataSplit::TrainTest(train, test) => export_split(&a, train, test, log),
        DataSplit::Folds(data, k) => export_folds(&a, data, k, log),
    }
}

fn export_split(a: &ExportArgs, train_path: &Path, test_path: &Path, log: &Log) -> Result<()> {
    if a.features_format != FeaturesFormat::Text {
        bail!("--features-format applies to --data with --cv; --train/--test take text corpora");
    }
    let config = a.features.config()?;
    let train = a.reader.read_any(train_path, "training", log)?;
    if train.is_multi_label() {
        return export_multi_label(a, &config, &train, test_path, log);
    }
    let test = a.reader.read(test_path, "test", log)?;
    let labels = LabelSet::from_labels(&train.labels);
    let y = labels.encode(&train.labels)?;
    let yt = labels
        .encode(&test.labels)
        .context("the test data has a label that the training data does not")?;
    let f = Featurizer::fit(&train.texts, &y, labels.len(), &config)?;
    create_dir(&a.out)?;
    tsetlin::io::write_svmlight(a.out.join("train.svm"), &f.transform(&train.texts), &y)?;
    tsetlin::io::write_svmlight(a.out.join("test.svm"), &f.transform(&test.texts), &yt)?;
    write_lines(&a.out.join("features.txt"), f.feature_names())?;
    write_lines(&a.out.join("labels.txt"), labels.names())?;
    Out::new().line(format!(
        "wrote {0}/train.svm ({1} rows), {0}/test.svm ({2} rows), {3} features, {4} classes",
        a.out.display(),
        y.len(),
        yt.len(),
        f.n_features(),
        labels.len()
    ))
}

/// [`export_split`] of multi-label data: the features chosen with each document counted for
/// each of its labels (as `train` does), label sets written as `1,4,7` (see
/// [`tsetlin::io::write_svmlight_multi_label`]).
fn export_multi_label(
    a: &ExportArgs,
    config: &tsetlin::featurize::FeaturizerConfig,
    train: &tsetlin::io::Dataset,
    test_path: &Path,
    log: &Log,
) -> Result<()> {
    let test = a.reader.read_any(test_path, "test", log)?;
    let train_sets = train.sets();
    let labels = tsetlin::multi_label::label_names(&train_sets)?;
    let y = labels.encode_sets(&train_sets)?;
    let yt = labels
        .encode_sets(&test.sets())
        .context("the test data has a label that the training data does not")?;
    let f = Featurizer::fit(&train.texts, &y, labels.len(), config)?;
    create_dir(&a.out)?;
    tsetlin::io::write_svmlight_multi_label(
        a.out.join("train.svm"),
        &f.transform(&train.texts),
        &y,
    )?;
    tsetlin::io::write_svmlight_multi_label(
        a.out.join("test.svm"),
        &f.transform(&test.texts),
        &yt,
    )?;
    write_lines(&a.out.join("features.txt"), f.feature_names())?;
    write_lines(&a.out.join("labels.txt"), labels.names())?;
    Out::new().line(format!(
        "wrote {0}/train.svm ({1} rows), {0}/test.svm ({2} rows), {3} features, {4} labels (multi-label)",
        a.out.display(),
        y.n_rows(),
        yt.n_rows(),
        f.n_features(),
        labels.len()
    ))
}

fn export_folds(a: &ExportArgs, path: &Path, k: usize, log: &Log) -> Result<()> {
    let config = a.features.config()?;
    let (source, y, labels) = FoldSource::read(path, a.features_format, &a.reader, &config, log)?;
    tsetlin::split::check_fold_count(&y, k)
        .with_context(|| format!("--cv {k} on {}", path.display()))?;
    let fold = data::stratified_folds(&y, k, a.seed);
    create_dir(&a.out)?;
    for f in 0..k {
        let dir = a.out.join(format!("fold-{}", f + 1));
        create_dir(&dir)?;
        let cut = source.fold(&y, &fold, f, labels.len())?;
        if let Some(fz) = &cut.featurizer {
            write_lines(&dir.join("features.txt"), fz.feature_names())?;
        }
        tsetlin::io::write_svmlight(dir.join("train.svm"), &cut.x, &cut.y)?;
        tsetlin::io::write_svmlight(dir.join("test.svm"), &cut.xt, &cut.yt)?;
    }
    let fold_lines: Vec<String> = fold.iter().map(|f| (f + 1).to_string()).collect();
    write_lines(&a.out.join("folds.txt"), &fold_lines)?;
    write_lines(&a.out.join("labels.txt"), labels.names())?;
    Out::new().line(format!(
        "wrote {k} folds of {} ({} rows, {} classes, seed {}) to {}/fold-1 ... fold-{k}",
        path.display(),
        y.len(),
        labels.len(),
        a.seed,
        a.out.display()
    ))
}

fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))
}

fn write_lines(path: &Path, lines: &[String]) -> Result<()> {
    let mut s = lines.join("\n");
    s.push('\n');
    super::write_output(path, s.as_bytes())
}
