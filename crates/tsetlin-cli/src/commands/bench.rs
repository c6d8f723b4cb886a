//! `tsetlin bench`: the Tsetlin machine against the project's baselines (multinomial and
//! Bernoulli naive Bayes, logistic regression, linear SVM) on the very same binary features,
//! on a train/test split or by stratified k-fold cross-validation. Text is featurized once per
//! split (per fold, on the training part only, so that no test information leaks into the
//! vocabulary); feature-level files (SVMlight, dense 0/1) skip the text pipeline.

use std::sync::atomic::Ordering;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use serde::Serialize;
use tsetlin::baselines::{Baseline, BernoulliNb, LinearSvm, LogisticRegression, MultinomialNb};
use tsetlin::featurize::{Featurizer, LabelSet};
use tsetlin::metrics::Metrics;
use tsetlin_core::{Control, FitOptions, SparseRows, TsetlinMachine};

use tsetlin::tune::{self, DataProfile, Settings};

use crate::args::{
    AutoArgs, DataSplit, FeaturizerArgs, MachineArgs, ReaderArgs, RunArgs, SplitArgs,
};
use tsetlin::rules::{simplify_trained, Readability};

use crate::data::{self, read_features_any, FeatureData, FeatureFile, FeaturesFormat, FoldSource};
use crate::output::{pct, secs, Log, Out};
use crate::search_view::SearchView;
use crate::training;

/// A method that `bench` can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// The Tsetlin machine (automatic settings chosen on each training split, unless
    /// --no-auto; flags given are kept).
    Tm,
    /// Multinomial naive Bayes.
    MultinomialNb,
    /// Bernoulli naive Bayes.
    BernoulliNb,
    /// Logistic regression.
    LogisticRegression,
    /// Linear SVM.
    LinearSvm,
}

/// Arguments of `tsetlin bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub split: SplitArgs,
    /// What the data files contain.
    #[arg(long, value_enum, default_value = "text")]
    pub features_format: FeaturesFormat,
    /// Methods to run, comma-separated.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "tm,multinomial-nb,bernoulli-nb,logistic-regression,linear-svm"
    )]
    pub methods: Vec<Method>,
    /// Print one JSON object (`rows`: one per method).
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print Markdown (with versions, machine and settings) for BENCHMARKS.md.
    #[arg(long)]
    pub markdown: bool,
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

/// One Tsetlin machine epoch in a train/test benchmark.
#[derive(Debug, Clone, Serialize)]
struct EpochRow {
    epoch: usize,
    fit_seconds: f64,
    predict_seconds: f64,
    accuracy: f64,
    macro_f1: f64,
}

/// The result of one method on one split.
#[derive(Debug, Clone)]
struct Run {
    accuracy: f64,
    macro_precision: f64,
    macro_recall: f64,
    macro_f1: f64,
    fit_seconds: f64,
    predict_seconds: f64,
    epochs: Vec<EpochRow>,
    /// The Tsetlin machine's settings on this split (chosen on its training rows).
    settings: Option<Settings>,
    /// How readable the Tsetlin machine's rules are on this split.
    readability: Option<Readability>,
}

impl Run {
    fn new(m: &Metrics, fit_seconds: f64, predict_seconds: f64, epochs: Vec<EpochRow>) -> Self {
        Self {
            accuracy: m.accuracy,
            macro_precision: m.macro_precision,
            macro_recall: m.macro_recall,
            macro_f1: m.macro_f1,
            fit_seconds,
            predict_seconds,
            epochs,
            settings: None,
            readability: None,
        }
    }
}

/// One method's row of the result (means over folds in cross-validation).
#[derive(Debug, Serialize)]
struct Row {
    method: String,
    accuracy: f64,
    macro_precision: f64,
    macro_recall: f64,
    macro_f1: f64,
    fit_seconds: f64,
    predict_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    accuracy_std: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    macro_f1_std: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fit_seconds_std: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    folds: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    epochs: Vec<EpochRow>,
    /// The Tsetlin machine's settings per split (one per fold in cross-validation).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    settings: Vec<Settings>,
    /// The Tsetlin machine's mean literals per clause (mean over splits).
    #[serde(skip_serializing_if = "Option::is_none")]
    literals_mean: Option<f64>,
    /// The most literals among any class's heaviest 10 rules (largest over splits).
    #[serde(skip_serializing_if = "Option::is_none")]
    heaviest_max_literals: Option<usize>,
    /// Share of the vote carried by clauses of at most 5 literals (mean over splits).
    #[serde(skip_serializing_if = "Option::is_none")]
    short_vote_share: Option<f64>,
}

#[derive(Debug, Serialize)]
struct BenchOut {
    tool_version: String,
    cores: usize,
    threads: usize,
    data: String,
    protocol: String,
    features: usize,
    classes: usize,
    train_rows: usize,
    test_rows: usize,
    settings: Vec<(String, String)>,
    interrupted: bool,
    rows: Vec<Row>,
}

pub(super) fn method_name(m: Method) -> &'static str {
    match m {
        Method::Tm => "tsetlin-machine",
        Method::MultinomialNb => "multinomial-nb",
        Method::BernoulliNb => "bernoulli-nb",
        Method::LogisticRegression => "logistic-regression",
        Method::LinearSvm => "linear-svm",
    }
}

/// A split ready to benchmark.
struct Split {
    x: SparseRows,
    y: Vec<u32>,
    xt: SparseRows,
    yt: Vec<u32>,
}

fn score(yt: &[u32], pred: &[u32], names: &[String]) -> Metrics {
    Metrics::compute(yt, pred, names)
}

fn baseline<B: Baseline>(s: &Split, k: usize, names: &[String]) -> Result<Run> {
    let t = Instant::now();
    let model = B::fit(&s.x, &s.y, k)?;
    let fit_seconds = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let pred = model.predict(&s.xt);
    let predict_seconds = t.elapsed().as_secs_f64();
    let m = score(&s.yt, &pred, names);
    Ok(Run::new(&m, fit_seconds, predict_seconds, Vec::new()))
}

/// The Tsetlin machine on one split: with the automatic settings, the search runs on the
/// split's training rows only (so cross-validation is nested) and the test rows are scored
/// once, at the end; with `--no-auto`, it trains epoch by epoch with the given settings over
/// the data-derived defaults, timing training and test prediction separately.
fn tsetlin(
    a: &BenchArgs,
    s: &Split,
    names: &[String],
    per_epoch: bool,
    log: &Log,
    stop: &std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Result<Run> {
    let pinned = a.auto.pins(a.machine.pinned(&a.features, &a.run))?;
    if !a.auto.no_auto {
        let mut view = SearchView::new(*log);
        let t = Instant::now();
        let fit = tune::fit_rows(
            &s.x,
            &s.y,
            names.len(),
            &pinned,
            &a.auto.options(&a.run, Some(stop.clone())),
            |e| view.on(e),
        )?;
        view.finish();
        let fit_seconds = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let pred = fit.model.predict(&s.xt)?;
        let predict_seconds = t.elapsed().as_secs_f64();
        let mut run = Run::new(
            &score(&s.yt, &pred, names),
            fit_seconds,
            predict_seconds,
            Vec::new(),
        );
        run.settings = Some(fit.log.chosen);
        run.readability = Some(Readability::of(&fit.model, names, None));
        return Ok(run);
    }
    let profile = DataProfile::of_rows(&s.x, names.len(), false);
    let settings = pinned.impose(tune::default_settings(&profile));
    let params = settings
        .apply(tsetlin_core::Params::builder(names.len(), s.x.n_features()))
        .seed(a.run.seed)
        .build()?;
    let mut tm = TsetlinMachine::with_threads(params, a.run.threads)?;
    let options = FitOptions {
        epochs: 1,
        shuffle: true,
        stop: Some(stop.clone()),
        layout: None,
    };
    let mut fit_seconds = 0.0;
    let mut epochs = Vec::new();
    let mut last: Option<(Metrics, f64)> = None;
    for epoch in 1..=settings.epochs {
        let t = Instant::now();
        let summary = tm.fit(&s.x, &s.y, &options, |_, _| Control::Continue)?;
        fit_seconds += t.elapsed().as_secs_f64();
        if summary.interrupted {
            log.warn("interrupted: reporting the machine as trained so far");
            break;
        }
        if per_epoch || epoch == settings.epochs {
            let t = Instant::now();
            let pred = tm.predict(&s.xt)?;
            let predict_seconds = t.elapsed().as_secs_f64();
            let m = score(&s.yt, &pred, names);
            log.info(&format!(
                "  tm epoch {epoch}: fit {}, predict {}, accuracy {}",
                secs(fit_seconds),
                secs(predict_seconds),
                pct(m.accuracy)
            ));
            if per_epoch {
                epochs.push(EpochRow {
                    epoch,
                    fit_seconds,
                    predict_seconds,
                    accuracy: m.accuracy,
                    macro_f1: m.macro_f1,
                });
            }
            last = Some((m, predict_seconds));
        }
    }
    if !a.auto.no_simplify {
        // As `train` does: the final rules lose the literals that decide nothing on the
        // training rows; the test rows are scored again with them.
        simplify_trained(&mut tm, &s.x, &s.y)?;
        last = None;
    }
    let (m, predict_seconds) = match last {
        Some(l) => l,
        None => {
            let t = Instant::now();
            let pred = tm.predict(&s.xt)?;
            (score(&s.yt, &pred, names), t.elapsed().as_secs_f64())
        }
    };
    let mut run = Run::new(&m, fit_seconds, predict_seconds, epochs);
    run.settings = Some(settings);
    run.readability = Some(Readability::of(&tm, names, None));
    Ok(run)
}

fn run_method(
    a: &BenchArgs,
    method: Method,
    s: &Split,
    names: &[String],
    per_epoch: bool,
    log: &Log,
    stop: &std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Result<Run> {
    let k = names.len();
    let r = match method {
        Method::Tm => tsetlin(a, s, names, per_epoch, log, stop),
        Method::MultinomialNb => baseline::<MultinomialNb>(s, k, names),
        Method::BernoulliNb => baseline::<BernoulliNb>(s, k, names),
        Method::LogisticRegression => baseline::<LogisticRegression>(s, k, names),
        Method::LinearSvm => baseline::<LinearSvm>(s, k, names),
    }
    .with_context(|| format!("{} failed", method_name(method)))?;
    log.info(&format!(
        "{}: accuracy {}, macro F1 {:.4}, fit {}, predict {}",
        method_name(method),
        pct(r.accuracy),
        r.macro_f1,
        secs(r.fit_seconds),
        secs(r.predict_seconds)
    ));
    Ok(r)
}

/// Re-encodes feature-level rows to `target` class ids by label name.
fn relabel(d: &FeatureData, target: &LabelSet, what: &str) -> Result<Vec<u32>> {
    let names: Vec<String> =
        d.y.iter()
            .map(|&c| d.labels.names()[c as usize].clone())
            .collect();
    target
        .encode(&names)
        .with_context(|| format!("the {what} data has a label that the training data does not"))
}

/// Widens rows to `n` features (feature-level train and test files may disagree on width).
pub(super) fn widen(x: &SparseRows, n: usize) -> Result<SparseRows> {
    if x.n_features() == n {
        return Ok(x.clone());
    }
    Ok(SparseRows::from_csr(n, x.indptr(), x.indices())?)
}

fn mean_std(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = if v.len() > 1 {
        v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

/// Runs `tsetlin bench`.
pub fn run(a: BenchArgs, log: &Log) -> Result<()> {
    a.machine.validate()?;
    a.run.validate(log)?;
    a.auto.validate()?;
    let config = a.features.config()?;
    if a.methods.is_empty() {
        bail!("--methods is empty");
    }
    let stop = training::interrupt_flag(log);
    let text = a.features_format == FeaturesFormat::Text;
    let mut rows = Vec::new();
    let (data_desc, protocol, n_features, n_classes, n_train, n_test);
    match a.split.split()? {
        DataSplit::TrainTest(train, test) => {
            let (split, names) = if text {
                let d = a.reader.read_any(train, "training", log)?;
                if d.is_multi_label() {
                    return super::bench_multi_label::run(&a, d, (train, test), &stop, log);
                }
                let dt = a.reader.read(test, "test", log)?;
                let labels = LabelSet::from_labels(&d.labels);
                if labels.len() < 2 {
                    bail!("{}: need at least 2 classes", train.display());
                }
                let y = labels.encode(&d.labels)?;
                let yt = labels
                    .encode(&dt.labels)
                    .context("the test data has a label that the training data does not")?;
                log.info("building features ...");
                let t = Instant::now();
                let f = Featurizer::fit(&d.texts, &y, labels.len(), &config)?;
                if f.n_features() == 0 {
                    bail!("no features survived the vocabulary settings (lower --min-df?)");
                }
                let x = f.transform(&d.texts);
                let xt = f.transform(&dt.texts);
                log.info(&format!(
                    "{} features in {}",
                    f.n_features(),
                    secs(t.elapsed().as_secs_f64())
                ));
                (Split { x, y, xt, yt }, labels.names().to_vec())
            } else {
                let (d, dt) = match (
                    read_features_any(train, a.features_format)?,
                    read_features_any(test, a.features_format)?,
                ) {
                    (FeatureFile::Single(d), FeatureFile::Single(dt)) => (d, dt),
                    (FeatureFile::Multi(x, sets), FeatureFile::Multi(xt, test_sets)) => {
                        return super::bench_multi_label::run_rows(
                            &a,
                            (x, sets),
                            (xt, test_sets),
                            (train, test),
                            &stop,
                            log,
                        );
                    }
                    _ => bail!(
                        "{} and {}: one is multi-label (label lists), the other is not",
                        train.display(),
                        test.display()
                    ),
                };
                let width = d.x.n_features().max(dt.x.n_features());
                let yt = relabel(&dt, &d.labels, "test")?;
                (
                    Split {
                        x: widen(&d.x, width)?,
                        y: d.y.clone(),
                        xt: widen(&dt.x, width)?,
                        yt,
                    },
                    d.labels.names().to_vec(),
                )
            };
            data_desc = format!("{} / {}", train.display(), test.display());
            protocol = "train/test split".to_string();
            n_features = split.x.n_features();
            n_classes = names.len();
            n_train = split.y.len();
            n_test = split.yt.len();
            for &m in &a.methods {
                let r = run_method(&a, m, &split, &names, true, log, &stop)?;
                rows.push(row(m, &[r]));
                if stop.load(Ordering::SeqCst) {
                    break;
                }
            }
        }
        DataSplit::Folds(path, k) => {
            let (source, y, labels) =
                FoldSource::read(path, a.features_format, &a.reader, &config, log)?;
            let names = labels.names().to_vec();
            log.info(&format!(
                "{}: {} rows, {} classes, {k}-fold stratified cross-validation (seed {})",
                path.display(),
                y.len(),
                names.len(),
                a.run.seed
            ));
            tsetlin::split::check_fold_count(&y, k)
                .with_context(|| format!("--cv {k} on {}", path.display()))?;
            let fold = data::stratified_folds(&y, k, a.run.seed);
            let mut runs: Vec<Vec<Run>> = vec![Vec::new(); a.methods.len()];
            let mut width = 0;
            for f in 0..k {
                let cut = source.fold(&y, &fold, f, names.len())?;
                let split = Split {
                    x: cut.x,
                    y: cut.y,
                    xt: cut.xt,
                    yt: cut.yt,
                };
                width = split.x.n_features();
                log.info(&format!(
                    "fold {}/{k}: {} train / {} test rows",
                    f + 1,
                    split.y.len(),
                    split.yt.len()
                ));
                for (i, &m) in a.methods.iter().enumerate() {
                    runs[i].push(run_method(&a, m, &split, &names, false, log, &stop)?);
                }
                if stop.load(Ordering::SeqCst) {
                    log.warn(&format!("interrupted: reporting {} fold(s)", f + 1));
                    break;
                }
            }
            for (i, &m) in a.methods.iter().enumerate() {
                rows.push(row(m, &runs[i]));
            }
            data_desc = path.display().to_string();
            protocol = format!(
                "stratified {k}-fold cross-validation, shuffled, seed {}",
                a.run.seed
            );
            n_features = width;
            n_classes = names.len();
            n_train = y.len();
            n_test = 0;
        }
    }

    let mut settings: Vec<(String, String)> = Vec::new();
    if text {
        settings.push((
            "features".to_string(),
            format!(
                "{}-grams, min df {}, {} by {:?}, lowercase {}, stop words {}, stem {}",
                config.tokenizer.ngram_max,
                config.min_df,
                config
                    .max_features
                    .map_or("all terms".to_string(), |k| format!("top {k}")),
                config.selection,
                config.tokenizer.lowercase,
                config.tokenizer.stop_words,
                config.tokenizer.stem
            ),
        ));
    } else {
        settings.push((
            "features".to_string(),
            format!("{:?} file", a.features_format),
        ));
    }
    settings.push((
        "tm settings".to_string(),
        if a.auto.no_auto {
            "given flags over the data-derived defaults (--no-auto)".to_string()
        } else {
            format!(
                "automatic, chosen on each training split only (budget {:.0} s per split)",
                a.auto.budget
            )
        },
    ));
    for r in rows.iter().filter(|r| !r.settings.is_empty()) {
        for (i, st) in r.settings.iter().enumerate() {
            let what = if r.settings.len() > 1 {
                format!("tm settings, fold {}", i + 1)
            } else {
                "tm settings used".to_string()
            };
            settings.push((what, st.summary()));
        }
    }
    settings.push(("seed".to_string(), a.run.seed.to_string()));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let result = BenchOut {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        cores,
        threads: if a.run.threads == 0 {
            cores
        } else {
            a.run.threads
        },
        data: data_desc,
        protocol,
        features: n_features,
        classes: n_classes,
        train_rows: n_train,
        test_rows: n_test,
        settings,
        interrupted: stop.load(Ordering::SeqCst),
        rows,
    };
    let mut out = Out::new();
    if a.json {
        out.json(&result)
    } else if a.markdown {
        out.text(markdown(&result))
    } else {
        out.text(table(&result))
    }
}

fn row(method: Method, runs: &[Run]) -> Row {
    let col = |f: fn(&Run) -> f64| -> Vec<f64> { runs.iter().map(f).collect() };
    let (acc, acc_sd) = mean_std(&col(|r| r.accuracy));
    let (f1, f1_sd) = mean_std(&col(|r| r.macro_f1));
    let (fit, fit_sd) = mean_std(&col(|r| r.fit_seconds));
    let cv = runs.len() > 1;
    Row {
        method: method_name(method).to_string(),
        accuracy: acc,
        macro_precision: mean_std(&col(|r| r.macro_precision)).0,
        macro_recall: mean_std(&col(|r| r.macro_recall)).0,
        macro_f1: f1,
        fit_seconds: fit,
        predict_seconds: mean_std(&col(|r| r.predict_seconds)).0,
        accuracy_std: cv.then_some(acc_sd),
        macro_f1_std: cv.then_some(f1_sd),
        fit_seconds_std: cv.then_some(fit_sd),
        folds: cv.then_some(runs.len()),
        epochs: runs.first().map(|r| r.epochs.clone()).unwrap_or_default(),
        settings: runs.iter().filter_map(|r| r.settings.clone()).collect(),
        literals_mean: readable(runs, |r| r.literals.mean)
            .map(|v| v.iter().sum::<f64>() / v.len() as f64),
        heaviest_max_literals: readable(runs, |r| r.heaviest_max_literals as f64)
            .map(|v| v.iter().fold(0.0f64, |a, &b| a.max(b)) as usize),
        short_vote_share: readable(runs, |r| r.short_vote_share)
            .map(|v| v.iter().sum::<f64>() / v.len() as f64),
    }
}

/// `f` of every split's readability, when every split has one.
fn readable(runs: &[Run], f: fn(&Readability) -> f64) -> Option<Vec<f64>> {
    runs.iter()
        .map(|r| r.readability.as_ref().map(f))
        .collect::<Option<Vec<f64>>>()
        .filter(|v| !v.is_empty())
}

/// `87.3 %` or, in cross-validation, `87.3 % ± 4.1`.
fn with_sd(mean: f64, sd: Option<f64>, scale: f64, unit: &str) -> String {
    match sd {
        Some(s) => format!("{:.1}{unit} ± {:.1}", scale * mean, scale * s),
        None => format!("{:.1}{unit}", scale * mean),
    }
}

fn cells(r: &Row) -> Vec<String> {
    vec![
        r.method.clone(),
        with_sd(r.accuracy, r.accuracy_std, 100.0, " %"),
        format!("{:.3}", r.macro_precision),
        format!("{:.3}", r.macro_recall),
        match r.macro_f1_std {
            Some(s) => format!("{:.3} ± {:.3}", r.macro_f1, s),
            None => format!("{:.3}", r.macro_f1),
        },
        format!("{:.2}", r.fit_seconds),
        format!("{:.2}", r.predict_seconds),
    ]
}

const HEADER: [&str; 7] = [
    "method",
    "accuracy",
    "macro P",
    "macro R",
    "macro F1",
    "fit s",
    "predict s",
];

fn table(b: &BenchOut) -> String {
    let body: Vec<Vec<String>> = b.rows.iter().map(cells).collect();
    let mut widths: Vec<usize> = HEADER.iter().map(|h| h.chars().count()).collect();
    for r in &body {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let fmt = |cells: &[String]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (c, w))| {
                if i == 0 {
                    format!("{c:<w$}")
                } else {
                    format!("{c:>w$}")
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string() + "\n"
    };
    let mut s = format!(
        "{} ({}; {} features, {} classes)\n",
        b.data, b.protocol, b.features, b.classes
    );
    s.push_str(&fmt(&HEADER.map(String::from)));
    for r in &body {
        s.push_str(&fmt(r));
    }
    if b.cores > 0 && b.rows.iter().any(|r| r.folds.is_some()) {
        s.push_str("(cross-validation: mean ± standard deviation over folds; times per fold)\n");
    }
    s
}

fn markdown(b: &BenchOut) -> String {
    let mut s = format!(
        "### {}\n\n{}; {} features, {} classes, {} train / {} test rows.\n\n",
        b.data, b.protocol, b.features, b.classes, b.train_rows, b.test_rows
    );
    s.push_str(&format!(
        "tsetlin {}; machine: {} cores, {} threads for the Tsetlin machine (baselines single-threaded).\n\n",
        b.tool_version, b.cores, b.threads
    ));
    for (k, v) in &b.settings {
        s.push_str(&format!("- {k}: {v}\n"));
    }
    s.push_str(&format!("\n| {} |\n", HEADER.join(" | ")));
    s.push_str(&format!("|{}\n", "---|".repeat(HEADER.len())));
    for r in &b.rows {
        s.push_str(&format!("| {} |\n", cells(r).join(" | ")));
    }
    for r in &b.rows {
        if r.epochs.is_empty() {
            continue;
        }
        s.push_str(&format!(
            "\n{} per epoch:\n\n| epoch | cumulative fit s | predict s | accuracy | macro F1 |\n|---|---|---|---|---|\n",
            r.method
        ));
        for e in &r.epochs {
            s.push_str(&format!(
                "| {} | {:.1} | {:.1} | {} | {:.3} |\n",
                e.epoch,
                e.fit_seconds,
                e.predict_seconds,
                pct(e.accuracy),
                e.macro_f1
            ));
        }
    }
    if b.interrupted {
        s.push_str("\n(interrupted: partial results)\n");
    }
    s
}
