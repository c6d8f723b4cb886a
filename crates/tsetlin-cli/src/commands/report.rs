//! `tsetlin report`: fills a `tsetlin_report::ReportData` from a classifier (and optional
//! labelled data) and renders it as one self-contained HTML page, or as JSON. A multi-label
//! classifier gets a multi-label report: its thresholds, micro and per-label figures, and per
//! document the decided and the true label sets.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use tsetlin::metrics::{ClassMetrics, Metrics};
use tsetlin::multi_label::MultiLabelMetrics;
use tsetlin::TextClassifier;
use tsetlin_core::LabelSets;
use tsetlin_report as rep;

use crate::args::{FieldArgs, FormatArg};
use crate::output::Log;
use tsetlin::rules::{coverage, coverage_sets, order_negations, Readability};

/// Output format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML file.
    Html,
    /// The report data as JSON.
    Json,
}

/// Arguments of `tsetlin report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The classifier file.
    #[arg(long)]
    pub model: PathBuf,
    /// Labelled corpus: metrics, rule coverage/precision and example documents come from it.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Output file.
    #[arg(long)]
    pub out: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "html")]
    pub format: ReportFormat,
    /// Format of --data (default: from the file name).
    #[arg(long, value_enum, help_heading = "Reading")]
    pub data_format: Option<FormatArg>,
    /// Documents explained in the report (the first N of --data).
    #[arg(long, default_value_t = 50)]
    pub max_docs: usize,
    #[command(flatten)]
    pub reader: FieldArgs,
}

/// Runs `tsetlin report`.
pub fn run(a: ReportArgs, log: &Log) -> Result<()> {
    let inputs: Vec<&std::path::Path> = std::iter::once(a.model.as_path())
        .chain(a.data.as_deref())
        .collect();
    super::check_output(&a.out, "report", &inputs)?;
    let clf = super::load_model(&a.model)?;
    let data = match &a.data {
        Some(p) => Some(read_labelled(&a, &clf, p, log)?),
        None => None,
    };
    let n_clauses = clf.machine.params().n_clauses();
    let id_of = |class: usize, clause: usize| (class * n_clauses + clause) as u32;
    let mut rules = clf.machine.rules();
    let x = data.as_ref().map(|(d, _)| clf.encode(&d.texts));
    // Display order only: the negations that rule out the most documents first, numbers last
    // (the page's compact view shows the first few and counts the rest).
    order_negations(&mut rules, x.as_ref(), clf.featurizer.feature_names());
    let cov = match (&x, &data) {
        (Some(x), Some((_, Truth::Classes(y)))) => Some(coverage(&rules, x, y)),
        (Some(x), Some((_, Truth::Sets(sets)))) => Some(coverage_sets(&rules, x, sets)),
        _ => None,
    };
    let clauses = rules
        .iter()
        .enumerate()
        .map(|(i, r)| rep::ClauseRule {
            id: id_of(r.class, r.clause),
            class: r.class,
            polarity: r.polarity,
            weight: r.weight,
            positive: r.positive.clone(),
            negated: r.negated.clone(),
            coverage: cov.as_ref().map(|c| c[i].covered),
            precision: cov.as_ref().and_then(|c| c[i].precision),
        })
        .collect();
    let metrics = match (&x, &data) {
        (Some(x), Some((_, truth))) => Some(metrics_spec(&clf, x, truth)?),
        _ => None,
    };
    let mut documents = Vec::new();
    if let Some((d, truth)) = &data {
        for (i, text) in d.texts.iter().take(a.max_docs).enumerate() {
            let e = clf.explain(text)?;
            let mut spans: Vec<rep::Span> = e
                .matches
                .iter()
                .flat_map(|m| {
                    m.spans.iter().map(|&(s, t)| rep::Span {
                        start_byte: s,
                        end_byte: t,
                        feature: m.feature,
                    })
                })
                .collect();
            spans.sort_by_key(|s| (s.start_byte, s.end_byte, s.feature));
            let (true_label, true_labels) = match truth {
                Truth::Classes(y) => (Some(y[i] as usize), None),
                Truth::Sets(sets) => (None, Some(ids(sets.row(i)))),
            };
            documents.push(rep::DocExplanation {
                id: format!("{}", i + 1),
                text: text.clone(),
                true_label,
                predicted: clf.labels.id(&e.predicted).unwrap_or(0) as usize,
                true_labels,
                predicted_labels: clf
                    .multi_label
                    .as_ref()
                    .map(|m| ids(&m.decide(&e.class_sums))),
                class_sums: e.class_sums.clone(),
                fired: e
                    .fired
                    .iter()
                    .map(|f| rep::FiredClause {
                        clause_id: id_of(f.rule.class, f.rule.clause),
                        vote: f.vote,
                    })
                    .collect(),
                spans,
            });
        }
    }
    let tok = &clf.featurizer.config().tokenizer;
    let fc = clf.featurizer.config();
    let p = clf.machine.params();
    let mut settings = vec![
        rep::Setting::new("model file", a.model.display()),
        rep::Setting::new("classes", clf.class_names().len()),
        rep::Setting::new("features", clf.featurizer.n_features()),
        rep::Setting::new("clauses per class", p.n_clauses()),
        rep::Setting::new("threshold T", p.threshold()),
        rep::Setting::new("specificity s", p.specificity()),
        rep::Setting::new("state bits", p.state_bits()),
        rep::Setting::new("boost true positive", p.boost_true_positive()),
        rep::Setting::new("weighted", p.weighted()),
        rep::Setting::new(
            "literal budget",
            p.literal_budget()
                .map_or("none".to_string(), |l| l.to_string()),
        ),
        rep::Setting::new("clause drop", p.clause_drop()),
        rep::Setting::new("focused negatives", p.focused_negative_sampling()),
        rep::Setting::new("seed", p.seed()),
        rep::Setting::new("epochs trained", clf.history.len()),
        rep::Setting::new("n-grams", tok.ngram_max),
        rep::Setting::new("min df", fc.min_df),
        rep::Setting::new(
            "max features",
            fc.max_features.map_or("all".to_string(), |k| k.to_string()),
        ),
        rep::Setting::new("selection", format!("{:?}", fc.selection)),
        rep::Setting::new("stemming", tok.stem),
        rep::Setting::new("newsgroup headers stripped", tok.strip_newsgroup_headers),
    ];
    match &clf.search {
        Some(log) if log.chosen_trial.is_some() => {
            settings.push(rep::Setting::new(
                "settings chosen by",
                format!(
                    "automatic search on the training data only: {}, {} candidates",
                    log.validation,
                    log.trials.len()
                ),
            ));
            if let Some(acc) = log.valid_accuracy {
                let score = if clf.is_multi_label() {
                    "micro-F1"
                } else {
                    "accuracy"
                };
                settings.push(rep::Setting::new(
                    format!("validation {score} while choosing"),
                    format!("{:.2} %", 100.0 * acc),
                ));
            }
            let mut ranked: Vec<_> = log.trials.iter().filter(|t| !t.curve.is_empty()).collect();
            ranked.sort_by(|a, b| b.best_accuracy.total_cmp(&a.best_accuracy));
            for t in ranked.iter().take(5) {
                settings.push(rep::Setting::new(
                    format!("search trial {}", t.id),
                    format!(
                        "{:.2} % at epoch {}: {}",
                        100.0 * t.best_accuracy,
                        t.best_epoch,
                        t.settings.summary()
                    ),
                ));
            }
            if let Some(t) = log.most_accurate_trial.and_then(|id| log.trials.get(id)) {
                settings.push(rep::Setting::new(
                    "preferred for shorter rules over",
                    format!(
                        "trial {} ({:.2} %{})",
                        t.id,
                        100.0 * t.best_accuracy,
                        t.mean_literals
                            .map_or(String::new(), |l| format!(", {l:.1} literals per clause"))
                    ),
                ));
            }
            if let Some(cut) = &log.cut {
                settings.push(rep::Setting::new("search ended early", cut));
            }
        }
        Some(log) => settings.push(rep::Setting::new("settings chosen by", &log.validation)),
        None => settings.push(rep::Setting::new(
            "settings chosen by",
            "given when training (no search recorded)",
        )),
    }
    if let Some(r) = &clf.simplified {
        settings.push(rep::Setting::new(
            "rules simplified after training",
            format!(
                "{} of {} literals removed on {} training documents ({} clause outputs changed, {} of them {}; at most {} per clause)",
                r.literals_before - r.literals_after,
                r.literals_before,
                r.documents,
                r.outputs_changed,
                r.changes_counted,
                if r.decisions_only { "against the label" } else { "counted" },
                r.max_changes
            ),
        ));
    }
    if let Some(m) = &clf.multi_label {
        settings.push(rep::Setting::new(
            "label decision",
            format!(
                "a label is predicted when its sum is above its threshold; thresholds chosen on {}",
                m.chosen_on
            ),
        ));
    }
    // Cover counts documents per class, which needs one label per document.
    let single_labels = match &data {
        Some((_, Truth::Classes(y))) => Some(y.as_slice()),
        _ => None,
    };
    let readability = Readability::of(
        &clf.machine,
        clf.class_names(),
        x.as_ref().zip(single_labels),
    );
    settings.push(rep::Setting::new(
        "literals per rule",
        format!(
            "mean {:.1}, median {}, 90th percentile {}, longest {}; the heaviest 10 rules of a class have at most {}",
            readability.literals.mean,
            readability.literals.median,
            readability.literals.p90,
            readability.literals.max,
            readability.heaviest_max_literals
        ),
    ));
    if let Some(cover) = readability.cover_text() {
        settings.push(rep::Setting::new(
            "rules to cover 90 % of a class's documents",
            cover,
        ));
    }
    if let Some(p) = &a.data {
        settings.push(rep::Setting::new("evaluated on", p.display()));
    }
    let report = rep::ReportData {
        schema_version: rep::SCHEMA_VERSION,
        title: a
            .model
            .file_name()
            .map_or("tsetlin model".to_string(), |n| {
                n.to_string_lossy().into_owned()
            }),
        generated_by: rep::GeneratedBy {
            tool: "tsetlin".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        classes: clf.class_names().to_vec(),
        features: clf.featurizer.feature_names().to_vec(),
        tokenizer: rep::TokenizerSpec {
            lowercase: tok.lowercase,
            ngram_max: tok.ngram_max,
            stop_words: if tok.stop_words {
                tsetlin::featurize::STOP_WORDS
                    .iter()
                    .map(|s| s.to_string())
                    .collect()
            } else {
                Vec::new()
            },
            // The page cannot strip newsgroup headers either; mark it like stemming so that it
            // does not claim to reproduce the pipeline.
            stem: tok.stem || tok.strip_newsgroup_headers,
            strip_html_breaks: tok.strip_html_breaks,
        },
        clauses,
        metrics,
        learning_curve: clf
            .history
            .iter()
            .map(|h| rep::EpochPoint {
                epoch: h.epoch,
                train_accuracy: h.train_accuracy,
                valid_accuracy: h.valid_accuracy,
                seconds: h.seconds,
            })
            .collect(),
        documents,
        settings,
        multi_label: clf.multi_label.as_ref().map(|m| rep::MultiLabelSpec {
            thresholds: m.thresholds.clone(),
            chosen_on: m.chosen_on.clone(),
        }),
    };
    let body = match a.format {
        ReportFormat::Html => rep::render_html(&report),
        ReportFormat::Json => rep::to_json(&report),
    };
    super::write_output(&a.out, body.as_bytes())?;
    log.info(&format!(
        "wrote {} ({} rules, {} documents)",
        a.out.display(),
        report.clauses.len(),
        report.documents.len()
    ));
    Ok(())
}

/// The true labels of the report's data: one class per document, or (for a multi-label
/// classifier) a label set per document.
enum Truth {
    Classes(Vec<u32>),
    Sets(LabelSets),
}

/// Reads `path` and encodes its labels the way `clf` decides: a multi-label classifier takes
/// single- or multi-label data (one label is a set of one), a single-label one refuses
/// multi-label data by name.
fn read_labelled(
    a: &ReportArgs,
    clf: &TextClassifier,
    path: &std::path::Path,
    log: &Log,
) -> Result<(tsetlin::io::Dataset, Truth)> {
    let unknown = || {
        format!(
            "{} has a label the model was not trained on",
            path.display()
        )
    };
    if clf.is_multi_label() {
        let d = a.reader.read_any(path, a.data_format, "report", log)?;
        let sets = clf.labels.encode_sets(&d.sets()).with_context(unknown)?;
        return Ok((d, Truth::Sets(sets)));
    }
    let d = a.reader.read(path, a.data_format, "report", log)?;
    let y = clf.labels.encode(&d.labels).with_context(unknown)?;
    Ok((d, Truth::Classes(y)))
}

/// The report's metrics of `clf` on rows `x` against `truth`.
fn metrics_spec(
    clf: &TextClassifier,
    x: &tsetlin_core::SparseRows,
    truth: &Truth,
) -> Result<rep::MetricsSpec> {
    let per_class = |m: &[ClassMetrics]| -> Vec<rep::ClassMetrics> {
        m.iter()
            .map(|c| rep::ClassMetrics {
                precision: c.precision,
                recall: c.recall,
                f1: c.f1,
                support: c.support,
            })
            .collect()
    };
    Ok(match truth {
        Truth::Classes(y) => {
            let pred = clf.machine.predict(x)?;
            let m = Metrics::compute(y, &pred, clf.class_names());
            rep::MetricsSpec {
                accuracy: m.accuracy,
                macro_precision: m.macro_precision,
                macro_recall: m.macro_recall,
                macro_f1: m.macro_f1,
                per_class: per_class(&m.per_class),
                confusion: m.confusion.clone(),
                multi_label: None,
            }
        }
        Truth::Sets(sets) => {
            let decision = clf
                .multi_label
                .as_ref()
                .context("a multi-label classifier without thresholds")?;
            let sums = clf.machine.class_sums(x)?;
            let predicted: Vec<Vec<u32>> = sums
                .chunks(clf.class_names().len().max(1))
                .map(|s| decision.decide(s))
                .collect();
            let truth: Vec<&[u32]> = sets.iter().collect();
            let m = MultiLabelMetrics::compute(&truth, &predicted, clf.class_names());
            rep::MetricsSpec {
                accuracy: m.subset_accuracy,
                macro_precision: m.macro_precision,
                macro_recall: m.macro_recall,
                macro_f1: m.macro_f1,
                per_class: per_class(&m.per_label),
                confusion: Vec::new(),
                multi_label: Some(rep::MultiLabelMetricsSpec {
                    micro_precision: m.micro_precision,
                    micro_recall: m.micro_recall,
                    micro_f1: m.micro_f1,
                    example_f1: m.example_f1,
                    subset_accuracy: m.subset_accuracy,
                    hamming_loss: m.hamming_loss,
                }),
            }
        }
    })
}

/// Label ids as the report's class indices.
fn ids(labels: &[u32]) -> Vec<usize> {
    labels.iter().map(|&c| c as usize).collect()
}
