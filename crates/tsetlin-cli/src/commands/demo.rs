//! `tsetlin demo`: the whole job without downloads. Generates the synthetic clinical corpus
//! (labels follow planted rules), trains, shows accuracy and the top rules per class, and
//! checks which planted rules the machine recovered.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;
use tsetlin::featurize::FeaturizerConfig;
use tsetlin::metrics::Metrics;
use tsetlin::rules::simplify_trained;
use tsetlin::synth::{self, PlantedRule};
use tsetlin::TextClassifier;
use tsetlin_core::Rule;

use super::rules::sentence;
use crate::output::{pct, Log, Out};
use crate::training::{self, Plan, Scored};
use tsetlin::rules::sort_rules;

/// Arguments of `tsetlin demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the corpus and of the machine.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Training notes to generate.
    #[arg(long, default_value_t = 2000)]
    pub train_size: usize,
    /// Test notes to generate.
    #[arg(long, default_value_t = 1000)]
    pub test_size: usize,
    /// Training epochs.
    #[arg(long, default_value_t = 15)]
    pub epochs: usize,
    /// Rules shown per class.
    #[arg(long, default_value_t = 3)]
    pub top: usize,
    /// Threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Clauses per class (tuned so that the planted rules are recovered).
    #[arg(long, default_value_t = 20, hide = true)]
    pub clauses: usize,
    /// Vote margin T.
    #[arg(long, default_value_t = 40.0, hide = true)]
    pub threshold: f64,
    /// Specificity s.
    #[arg(long, default_value_t = 3.0, hide = true)]
    pub specificity: f64,
    /// Also write the corpus (train.jsonl, test.jsonl) and the model (model.tsetlin) here, to
    /// try the other commands on.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the files of an earlier demo in --out (without it, the demo refuses to
    /// overwrite any of them).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Multi-label notes instead: each documents each condition independently (about a third
    /// two or more, a fifth none), and one label per planted rule is learned.
    #[arg(long)]
    pub multi_label: bool,
}

/// Whether one planted rule was found among the learned ones.
#[derive(Debug, Serialize)]
pub(super) struct Recovery {
    pub(super) class: String,
    pub(super) planted: String,
    pub(super) recovered: bool,
    /// Position of the matching rule among its class's positive rules, heaviest first (1 = the
    /// heaviest).
    pub(super) rank: Option<usize>,
    pub(super) learned: Option<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct ClassRules {
    pub(super) class: String,
    pub(super) rules: Vec<String>,
}

#[derive(Debug, Serialize)]
struct DemoOut {
    seed: u64,
    train_documents: usize,
    test_documents: usize,
    features: usize,
    accuracy: f64,
    macro_f1: f64,
    planted: Vec<Recovery>,
    all_recovered: bool,
    top_rules: Vec<ClassRules>,
    written: Option<String>,
    next: Vec<String>,
}

/// The planted rule as the same kind of sentence the machine's rules are printed as.
pub(super) fn planted_text(p: &PlantedRule) -> String {
    let mut parts: Vec<String> = p.present.iter().map(|w| format!("\"{w}\"")).collect();
    parts.extend(p.absent.iter().map(|w| format!("NOT \"{w}\"")));
    format!("if {} then {}", parts.join(" AND "), p.class)
}

/// A learned rule recovers a planted one when it requires exactly the planted words and
/// forbids exactly the planted blocking words: no spurious literal (the rules are simplified
/// after training, which removes the literals that decide nothing on the training notes).
pub(super) fn recovers(clf: &TextClassifier, rule: &Rule, p: &PlantedRule) -> bool {
    let names = clf.featurizer.feature_names();
    let positive: BTreeSet<&str> = rule
        .positive
        .iter()
        .map(|&f| names[f as usize].as_str())
        .collect();
    let negated: BTreeSet<&str> = rule
        .negated
        .iter()
        .map(|&f| names[f as usize].as_str())
        .collect();
    positive == p.present.iter().copied().collect() && negated == p.absent.iter().copied().collect()
}

/// Writes a corpus as JSON lines: `{"text", "label"}`, or `{"text", "labels": [...]}` for
/// multi-label data.
pub(super) fn write_jsonl(path: &Path, data: &tsetlin::io::Dataset) -> Result<()> {
    let mut bytes = Vec::new();
    for (i, t) in data.texts.iter().enumerate() {
        let record = match &data.label_sets {
            Some(sets) => serde_json::json!({ "text": t, "labels": sets[i] }),
            None => serde_json::json!({ "text": t, "label": data.labels[i] }),
        };
        serde_json::to_writer(&mut bytes, &record)?;
        bytes.push(b'\n');
    }
    super::write_output(path, &bytes)
}

/// The files `--out` receives.
pub(super) const OUT_FILES: [&str; 3] = ["train.jsonl", "test.jsonl", "model.tsetlin"];

/// The demo's own size limit: enough for any demonstration, and a typo such as
/// `--train-size 1000000000000` is refused instead of running until killed.
const MAX_DEMO_NOTES: usize = 1_000_000;

/// Refuses sizes the demo cannot use and an `--out` holding an earlier demo (without
/// `--force`).
pub(super) fn check_args(a: &DemoArgs) -> Result<()> {
    if a.train_size < 100 || a.test_size == 0 || a.epochs == 0 {
        anyhow::bail!("the demo needs --train-size >= 100, --test-size >= 1 and --epochs >= 1");
    }
    if a.train_size > MAX_DEMO_NOTES || a.test_size > MAX_DEMO_NOTES {
        anyhow::bail!(
            "the demo generates at most {MAX_DEMO_NOTES} notes per split (--train-size {}, --test-size {}); train on your own corpus with `tsetlin train` for more",
            a.train_size,
            a.test_size
        );
    }
    if let Some(dir) = &a.out {
        let existing: Vec<&str> = OUT_FILES
            .into_iter()
            .filter(|f| dir.join(f).exists())
            .collect();
        if !existing.is_empty() && !a.force {
            anyhow::bail!(
                "{} already holds {} from an earlier run; pass --force to replace them, or choose another --out",
                dir.display(),
                existing.join(", ")
            );
        }
    }
    Ok(())
}

/// Runs `tsetlin demo`.
pub fn run(a: DemoArgs, log: &Log) -> Result<()> {
    crate::args::set_threads(a.threads);
    check_args(&a)?;
    if a.multi_label {
        return super::demo_multi_label::run(&a, log);
    }
    let train = synth::clinical_notes(a.train_size, a.seed);
    let test = synth::clinical_notes(a.test_size, a.seed.wrapping_add(1_000_003));
    log.info(&format!(
        "generated {} training and {} test notes (synthetic, classes {})",
        train.len(),
        test.len(),
        synth::CLASSES.join(", ")
    ));
    // Words only, every word kept: the corpus is small and the planted rules are about words.
    let config = FeaturizerConfig {
        min_df: 1,
        ..FeaturizerConfig::default()
    };
    // Tuned (seeds 1-10: every planted rule recovered, the heaviest of its class in 29 of 30
    // cases): few weighted clauses with a large margin T let one clean clause per rule carry
    // the vote, and a low specificity keeps clauses short enough to read as the planted rules.
    let (mut clf, x, y) =
        TextClassifier::prepare(&train.texts, &train.labels, &config, a.threads, |b| {
            b.clauses(a.clauses)
                .threshold(a.threshold)
                .specificity(a.specificity)
                .weighted(true)
                .boost_true_positive(true)
                .seed(a.seed)
        })?;
    let yt = clf.labels.encode(&test.labels)?;
    let xt = clf.encode(&test.texts);
    let stop = training::interrupt_flag(log);
    let plan = Plan {
        epochs: a.epochs,
        shuffle: true,
        patience: None,
        train_probe: None,
        valid: Some(Scored::new(&xt, &yt)),
        stop: Some(stop),
    };
    let mut history = Vec::new();
    let outcome = training::run(&mut clf.machine, &mut history, &x, &y, &plan, log)?;
    clf.history = history;
    // As `tsetlin train` does by default: drop the literals that decide nothing on the
    // training notes (no training prediction gets worse).
    clf.simplified = Some(simplify_trained(&mut clf.machine, &x, &y)?);
    let pred = clf.machine.predict(&xt)?;
    let m = Metrics::compute(&yt, &pred, clf.class_names());

    let (planted, top_rules) = recoveries(&clf, a.top)?;

    let written = write_out(a.out.as_deref(), &train, &test, &clf)?;
    let d = a
        .out
        .as_ref()
        .map_or("demo".to_string(), |p| p.display().to_string());
    let mut next = Vec::new();
    if a.out.is_none() {
        next.push(
            "tsetlin demo --out demo   (writes train.jsonl, test.jsonl, model.tsetlin)".to_string(),
        );
    }
    next.extend([
        format!("tsetlin rules --model {d}/model.tsetlin --data {d}/test.jsonl"),
        format!("tsetlin explain --model {d}/model.tsetlin --file {d}/test.jsonl --line 1"),
        format!("tsetlin report --model {d}/model.tsetlin --data {d}/test.jsonl --out report.html"),
        "tsetlin train --train your.jsonl --test your-test.jsonl --model your.tsetlin".to_string(),
    ]);
    let result = DemoOut {
        seed: a.seed,
        train_documents: train.len(),
        test_documents: test.len(),
        features: clf.featurizer.n_features(),
        accuracy: m.accuracy,
        macro_f1: m.macro_f1,
        all_recovered: planted.iter().all(|p| p.recovered),
        planted,
        top_rules,
        written,
        next,
    };
    let mut out = Out::new();
    if a.json {
        return out.json(&result);
    }
    out.line(format!(
        "Synthetic clinical notes: {} train / {} test, {} word features; {} epochs{}.",
        result.train_documents,
        result.test_documents,
        result.features,
        outcome.epochs,
        if outcome.interrupted {
            " (interrupted)"
        } else {
            ""
        }
    ))?;
    out.line(format!(
        "Test accuracy {}, macro F1 {:.3}.",
        pct(result.accuracy),
        result.macro_f1
    ))?;
    print_rules_and_next(
        &mut out,
        "class",
        &result.top_rules,
        &result.planted,
        result.written.as_deref(),
        &result.next,
    )
}

/// Each planted rule's recovery among the heaviest positive rules of its class (or label),
/// and the `top` heaviest positive rules of each.
pub(super) fn recoveries(
    clf: &TextClassifier,
    top: usize,
) -> Result<(Vec<Recovery>, Vec<ClassRules>)> {
    let mut rules = clf.machine.rules();
    sort_rules(&mut rules);
    let positive_of = |c: usize| -> Vec<&Rule> {
        rules
            .iter()
            .filter(|r| r.class == c && r.polarity > 0)
            .collect()
    };
    let mut planted = Vec::new();
    for p in synth::PLANTED_RULES {
        let c = clf
            .labels
            .id(p.class)
            .context("a planted class is missing")? as usize;
        let found = positive_of(c)
            .into_iter()
            .enumerate()
            .take(top.max(3))
            .find(|(_, r)| recovers(clf, r, p));
        planted.push(Recovery {
            class: p.class.to_string(),
            planted: planted_text(p),
            recovered: found.is_some(),
            rank: found.map(|(i, _)| i + 1),
            learned: found.map(|(_, r)| sentence(clf, r, Some(5))),
        });
    }
    let top_rules = clf
        .class_names()
        .iter()
        .enumerate()
        .map(|(c, name)| ClassRules {
            class: name.clone(),
            rules: positive_of(c)
                .into_iter()
                .take(top)
                .map(|r| format!("w={} {}", r.weight, sentence(clf, r, Some(5))))
                .collect(),
        })
        .collect();
    Ok((planted, top_rules))
}

/// Writes the corpus and the model into `dir` when given; returns the folder written.
pub(super) fn write_out(
    dir: Option<&Path>,
    train: &tsetlin::io::Dataset,
    test: &tsetlin::io::Dataset,
    clf: &TextClassifier,
) -> Result<Option<String>> {
    let Some(dir) = dir else {
        return Ok(None);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    write_jsonl(&dir.join(OUT_FILES[0]), train)?;
    write_jsonl(&dir.join(OUT_FILES[1]), test)?;
    let model = dir.join(OUT_FILES[2]);
    clf.save(&model)
        .with_context(|| format!("cannot save the model to {}", model.display()))?;
    Ok(Some(dir.display().to_string()))
}

/// The text output both demos end with: the top rules and the planted rules per `unit`
/// ("class" or "label"), the files written and what to run next.
pub(super) fn print_rules_and_next(
    out: &mut Out,
    unit: &str,
    top_rules: &[ClassRules],
    planted: &[Recovery],
    written: Option<&str>,
    next: &[String],
) -> Result<()> {
    out.line("")?;
    out.line(format!("Top rules per {unit} (heaviest first):"))?;
    for c in top_rules {
        out.line(format!("  {}:", c.class))?;
        for r in &c.rules {
            out.line(format!("    {r}"))?;
        }
    }
    out.line("")?;
    out.line("Planted rules:")?;
    for p in planted {
        let status = match p.rank {
            Some(1) => format!("recovered (the heaviest rule of its {unit})"),
            Some(k) => format!("recovered (rule #{k} of its {unit})"),
            None => "NOT recovered".to_string(),
        };
        out.line(format!("  {}  -> {status}", p.planted))?;
    }
    out.line(format!(
        "{} of {} planted rules recovered.",
        planted.iter().filter(|p| p.recovered).count(),
        planted.len()
    ))?;
    if let Some(w) = written {
        out.line(format!(
            "Wrote {w}/train.jsonl, {w}/test.jsonl and {w}/model.tsetlin."
        ))?;
    }
    out.line("")?;
    out.line("Next:")?;
    for n in next {
        out.line(format!("  {n}"))?;
    }
    Ok(())
}
