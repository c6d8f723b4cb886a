//! `tsetlin bench` on multi-label text (documents with label lists, a train/test split): the
//! Tsetlin machine as `tsetlin train` trains it on such data (settings searched on the
//! training file unless `--no-auto`), against one-vs-rest baselines (one binary model per
//! label) on the data-derived default features; the test file is scored once.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde::Serialize;
use tsetlin::baselines::{
    Baseline, BernoulliNb, LinearSvm, LogisticRegression, MultinomialNb, OneVsRest,
};
use tsetlin::featurize::Featurizer;
use tsetlin::io::Dataset;
use tsetlin::multi_label::{self, MultiLabelMetrics, MultiLabelOptions, Stage};
use tsetlin::tune::Settings;
use tsetlin_core::{LabelSets, SparseRows};

use super::bench::{method_name, widen, BenchArgs, Method};
use crate::output::{secs, Log, Out};
use crate::search_view::SearchView;

/// One method's test figures.
#[derive(Debug, Serialize)]
struct Row {
    method: String,
    #[serde(flatten)]
    metrics: MultiLabelMetrics,
    fit_seconds: f64,
    predict_seconds: f64,
    /// The Tsetlin machine's settings (data-derived defaults and the flags given).
    #[serde(skip_serializing_if = "Option::is_none")]
    settings: Option<Settings>,
}

/// The `--json` result.
#[derive(Debug, Serialize)]
struct BenchOut {
    tool_version: String,
    cores: usize,
    threads: usize,
    data: String,
    protocol: String,
    multi_label: bool,
    features: usize,
    labels: usize,
    train_rows: usize,
    test_rows: usize,
    interrupted: bool,
    rows: Vec<Row>,
}

/// The features every method sees, and the label sets.
struct Split<'a> {
    x: SparseRows,
    sets: LabelSets,
    xt: SparseRows,
    truth: Vec<&'a [u32]>,
}

fn one_vs_rest<B: Baseline>(s: &Split<'_>, names: &[String]) -> Result<Row> {
    let t = Instant::now();
    let model = OneVsRest::<B>::fit(&s.x, &s.sets)?;
    let fit_seconds = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let predicted = model.predict(&s.xt);
    let predict_seconds = t.elapsed().as_secs_f64();
    Ok(Row {
        method: model.name(),
        metrics: MultiLabelMetrics::compute(&s.truth, &predicted, names),
        fit_seconds,
        predict_seconds,
        settings: None,
    })
}

/// Runs `tsetlin bench` on multi-label training data `train` (read by [`super::bench::run`]
/// from the first of `paths`) and the test file (the second); `stop` is the command's
/// interrupt flag.
pub fn run(
    a: &BenchArgs,
    train: Dataset,
    paths: (&Path, &Path),
    stop: &Arc<AtomicBool>,
    log: &Log,
) -> Result<()> {
    let (train_path, test_path) = paths;
    let test = a.reader.read_any(test_path, "test", log)?;
    let train_sets = train
        .label_sets
        .as_deref()
        .context("multi-label training data without label sets")?;
    let labels = multi_label::label_names(train_sets)?;
    let names = labels.names().to_vec();
    let sets = labels.encode_sets(train_sets)?;
    let test_sets = labels
        .encode_sets(&test.sets())
        .context("the test data has a label that the training data does not")?;
    let pinned = a.auto.pins(a.machine.pinned(&a.features, &a.run))?;
    let base = a.features.config()?;
    let config = multi_label::featurizer_config_for(train.len(), labels.len(), &base, &pinned);
    log.info("building features ...");
    let f = Featurizer::fit(&train.texts, &sets, labels.len(), &config)?;
    if f.n_features() == 0 {
        bail!("no features survived the vocabulary settings (lower --min-df?)");
    }
    let split = Split {
        x: f.transform(&train.texts),
        sets,
        xt: f.transform(&test.texts),
        truth: test_sets.iter().collect(),
    };
    let tm = || {
        tm_row(
            log,
            (&names, &split.truth),
            |view| {
                let fit = multi_label::fit_text_auto(
                    &train.texts,
                    train_sets,
                    &base,
                    &pinned,
                    &tm_options(a, stop),
                    &a.auto.options(&a.run, Some(stop.clone())),
                    |e| view.on(e),
                    |stage, r| tm_epoch(log, stage, r),
                )?;
                Ok((fit.model, fit.settings))
            },
            |model| Ok(model.predict_label_ids(&test.texts)?),
        )
    };
    let data = format!("{} / {}", train_path.display(), test_path.display());
    compare(
        a,
        &split,
        &names,
        tm,
        data,
        (train.len(), test.len()),
        stop,
        log,
    )
}

/// Runs `tsetlin bench` on multi-label feature rows (svmlight files with label lists): the
/// machine trained by [`multi_label::fit_rows_auto`] (its search may keep fewer columns; the
/// model still takes every column) against the one-vs-rest baselines on the same rows.
pub fn run_rows(
    a: &BenchArgs,
    train: (SparseRows, LabelSets),
    test: (SparseRows, LabelSets),
    paths: (&Path, &Path),
    stop: &Arc<AtomicBool>,
    log: &Log,
) -> Result<()> {
    let ((x, sets), (xt, test_sets)) = (train, test);
    if test_sets.n_labels() > sets.n_labels() {
        bail!(
            "{}: label {} is past the training file's {} labels",
            paths.1.display(),
            test_sets.n_labels() - 1,
            sets.n_labels()
        );
    }
    let width = x.n_features().max(xt.n_features());
    let (x, xt) = (widen(&x, width)?, widen(&xt, width)?);
    let names: Vec<String> = (0..sets.n_labels()).map(|c| c.to_string()).collect();
    let pinned = a.auto.pins(a.machine.pinned(&a.features, &a.run))?;
    let (n_train, n_test) = (x.n_rows(), xt.n_rows());
    let split = Split {
        x,
        sets,
        xt,
        truth: test_sets.iter().collect(),
    };
    let tm = || {
        tm_row(
            log,
            (&names, &split.truth),
            |view| {
                let fit = multi_label::fit_rows_auto(
                    &split.x,
                    &split.sets,
                    &pinned,
                    &tm_options(a, stop),
                    &a.auto.options(&a.run, Some(stop.clone())),
                    |e| view.on(e),
                    |stage, r| tm_epoch(log, stage, r),
                )?;
                Ok(((fit.machine, fit.decision), fit.settings))
            },
            |(machine, decision)| {
                let sums = machine.class_sums(&split.xt)?;
                Ok(sums
                    .chunks_exact(names.len())
                    .map(|row| decision.decide(row))
                    .collect())
            },
        )
    };
    let data = format!("{} / {}", paths.0.display(), paths.1.display());
    compare(a, &split, &names, tm, data, (n_train, n_test), stop, log)
}

/// The table's machine row: `fit` trains (showing its search on the view it is given) and
/// returns the model with its settings; `predict` decides the test label sets with it, whose
/// truth is `truth` (label names `names`). Both are timed.
fn tm_row<M>(
    log: &Log,
    (names, truth): (&[String], &[&[u32]]),
    fit: impl FnOnce(&mut SearchView) -> Result<(M, Settings)>,
    predict: impl FnOnce(&M) -> Result<Vec<Vec<u32>>>,
) -> Result<Row> {
    let t = Instant::now();
    let mut view = SearchView::new(*log).scored_by("micro-F1");
    let (model, settings) = fit(&mut view)?;
    view.finish();
    let fit_seconds = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let predicted = predict(&model)?;
    let predict_seconds = t.elapsed().as_secs_f64();
    Ok(Row {
        method: "tsetlin machine".to_string(),
        metrics: MultiLabelMetrics::compute(truth, &predicted, names),
        fit_seconds,
        predict_seconds,
        settings: Some(settings),
    })
}

/// The machine's training options of a bench run.
fn tm_options(a: &BenchArgs, stop: &Arc<AtomicBool>) -> MultiLabelOptions {
    MultiLabelOptions {
        seed: a.run.seed,
        threads: a.run.threads,
        stop: Some(stop.clone()),
        simplify: !a.auto.no_simplify,
        ..MultiLabelOptions::default()
    }
}

/// One line per machine epoch.
fn tm_epoch(log: &Log, stage: Stage, r: &tsetlin::classifier::EpochRecord) {
    let stage = match stage {
        Stage::Choosing => "without the held-out documents",
        Stage::Final => "final model",
    };
    log.info(&format!(
        "  tm epoch {} ({stage}): {}",
        r.epoch,
        secs(r.seconds.unwrap_or(0.0))
    ))
}

/// Runs the methods of `a` on `split` (the machine through `tm`) and prints the table.
#[allow(clippy::too_many_arguments)] // the run's data and its description, each used once
fn compare(
    a: &BenchArgs,
    split: &Split<'_>,
    names: &[String],
    tm: impl FnOnce() -> Result<Row>,
    data: String,
    (n_train, n_test): (usize, usize),
    stop: &Arc<AtomicBool>,
    log: &Log,
) -> Result<()> {
    let mut tm = Some(tm);
    let mut rows = Vec::new();
    for &m in &a.methods {
        let row = match m {
            Method::Tm => match tm.take() {
                Some(train) => train()?,
                None => continue,
            },
            Method::MultinomialNb => one_vs_rest::<MultinomialNb>(split, names)?,
            Method::BernoulliNb => one_vs_rest::<BernoulliNb>(split, names)?,
            Method::LogisticRegression => one_vs_rest::<LogisticRegression>(split, names)?,
            Method::LinearSvm => one_vs_rest::<LinearSvm>(split, names)?,
        };
        log.info(&format!(
            "{}: micro-F1 {:.4}, macro-F1 {:.4}, fit {}, predict {}",
            method_name(m),
            row.metrics.micro_f1,
            row.metrics.macro_f1,
            secs(row.fit_seconds),
            secs(row.predict_seconds)
        ));
        rows.push(row);
        if stop.load(Ordering::SeqCst) {
            break;
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let result = BenchOut {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        cores,
        threads: if a.run.threads == 0 { cores } else { a.run.threads },
        data,
        protocol: "train/test split, multi-label; baselines one-vs-rest on the data-derived default features (the Tsetlin machine's search chooses its own), each label predicted where its binary model says so; the Tsetlin machine's settings and thresholds chosen on the training documents only".to_string(),
        multi_label: true,
        features: split.x.n_features(),
        labels: names.len(),
        train_rows: n_train,
        test_rows: n_test,
        interrupted: stop.load(Ordering::SeqCst),
        rows,
    };
    let mut out = Out::new();
    if a.json {
        return out.json(&result);
    }
    out.line(format!(
        "{}: {} labels, {} features, {} train / {} test documents ({} cores)",
        result.data,
        result.labels,
        result.features,
        result.train_rows,
        result.test_rows,
        result.cores
    ))?;
    out.line("")?;
    out.line("| method | micro-F1 | macro-F1 | example F1 | subset acc. | Hamming loss | fit | predict |")?;
    out.line("|---|---|---|---|---|---|---|---|")?;
    for r in &result.rows {
        let m = &r.metrics;
        out.line(format!(
            "| {} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {} | {} |",
            r.method,
            m.micro_f1,
            m.macro_f1,
            m.example_f1,
            m.subset_accuracy,
            m.hamming_loss,
            secs(r.fit_seconds),
            secs(r.predict_seconds)
        ))?;
    }
    for r in result.rows.iter().filter_map(|r| r.settings.as_ref()) {
        out.line("")?;
        out.line(format!("tm settings used: {}", r.summary()))?;
    }
    out.flush()
}
