//! `tsetlin demo --multi-label`: the synthetic clinical notes with several conditions per
//! note; one machine learns a label per planted rule ([`tsetlin::multi_label::fit_text`]),
//! and the demo checks that each label's planted rule is among its heaviest rules.

use anyhow::{Context, Result};
use serde::Serialize;
use tsetlin::featurize::FeaturizerConfig;
use tsetlin::multi_label::{self, MultiLabelOptions};
use tsetlin::synth;
use tsetlin::tune::Pinned;

use super::demo::{print_rules_and_next, recoveries, write_out, ClassRules, DemoArgs, Recovery};
use crate::output::{pct, Log, Out};

/// The `--json` result of the multi-label demo.
#[derive(Debug, Serialize)]
struct MultiLabelDemoOut {
    seed: u64,
    multi_label: bool,
    train_documents: usize,
    /// Training notes that document two or more conditions.
    train_with_several: usize,
    test_documents: usize,
    features: usize,
    micro_f1: f64,
    macro_f1: f64,
    subset_accuracy: f64,
    hamming_loss: f64,
    best_epoch: Option<usize>,
    planted: Vec<Recovery>,
    all_recovered: bool,
    top_rules: Vec<ClassRules>,
    written: Option<String>,
    next: Vec<String>,
}

/// Runs `tsetlin demo --multi-label` (arguments already checked by [`super::demo::check_args`]).
pub fn run(a: &DemoArgs, log: &Log) -> Result<()> {
    let train = synth::clinical_notes_multi_label(a.train_size, a.seed);
    let test = synth::clinical_notes_multi_label(a.test_size, a.seed.wrapping_add(1_000_003));
    let (train_sets, test_sets) = (
        train
            .label_sets
            .as_deref()
            .context("multi-label notes without label sets")?,
        test.label_sets
            .as_deref()
            .context("multi-label notes without label sets")?,
    );
    let several = train_sets.iter().filter(|s| s.len() >= 2).count();
    log.info(&format!(
        "generated {} training notes ({several} with two or more conditions) and {} test notes (synthetic, labels {})",
        train.len(),
        test.len(),
        synth::PLANTED_RULES
            .iter()
            .map(|r| r.class)
            .collect::<Vec<_>>()
            .join(", ")
    ));
    // The single-label demo's settings, on every word: the planted rules are about words.
    let config = FeaturizerConfig {
        min_df: 1,
        ..FeaturizerConfig::default()
    };
    let pinned = Pinned {
        ngram_max: Some(1),
        max_features: Some(0),
        clauses: Some(a.clauses),
        threshold: Some(a.threshold),
        specificity: Some(a.specificity),
        weighted: Some(true),
        epochs: Some(a.epochs),
        ..Pinned::default()
    };
    let options = MultiLabelOptions {
        seed: a.seed,
        threads: a.threads,
        stop: Some(crate::training::interrupt_flag(log)),
        ..MultiLabelOptions::default()
    };
    let bar = log.bar(a.epochs as u64, "training");
    let mut stage_shown = None;
    let fit = multi_label::fit_text(
        &train.texts,
        train_sets,
        &config,
        &pinned,
        &options,
        |stage, _| {
            if stage_shown != Some(stage) {
                stage_shown = Some(stage);
                bar.set_position(0);
            }
            bar.inc(1);
        },
    )
    .context("cannot train the classifier")?;
    bar.finish_and_clear();
    let clf = &fit.model;
    let m = multi_label::evaluate(clf, &test.texts, test_sets)?;

    let (planted, top_rules) = recoveries(clf, a.top)?;
    let written = write_out(a.out.as_deref(), &train, &test, clf)?;
    let d = a
        .out
        .as_ref()
        .map_or("demo-ml".to_string(), |p| p.display().to_string());
    let mut next = Vec::new();
    if a.out.is_none() {
        next.push(format!(
            "tsetlin demo --multi-label --out {d}   (writes train.jsonl, test.jsonl, model.tsetlin)"
        ));
    }
    next.extend([
        format!("tsetlin eval --model {d}/model.tsetlin --data {d}/test.jsonl"),
        format!("tsetlin predict --model {d}/model.tsetlin {d}/test.jsonl"),
        format!("tsetlin rules --model {d}/model.tsetlin --data {d}/test.jsonl --class cardiac"),
    ]);
    let result = MultiLabelDemoOut {
        seed: a.seed,
        multi_label: true,
        train_documents: train.len(),
        train_with_several: several,
        test_documents: test.len(),
        features: clf.featurizer.n_features(),
        micro_f1: m.micro_f1,
        macro_f1: m.macro_f1,
        subset_accuracy: m.subset_accuracy,
        hamming_loss: m.hamming_loss,
        best_epoch: fit.best_epoch,
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
        "Synthetic multi-label clinical notes: {} train ({} with two or more conditions) / {} test, {} word features; {} epochs{}.",
        result.train_documents,
        result.train_with_several,
        result.test_documents,
        result.features,
        clf.history.len(),
        if fit.interrupted { " (interrupted)" } else { "" }
    ))?;
    out.line(format!(
        "Test micro-F1 {:.3}, macro-F1 {:.3}, every label right on {} of the notes, Hamming loss {:.3}; thresholds chosen on {}.",
        result.micro_f1,
        result.macro_f1,
        pct(result.subset_accuracy),
        result.hamming_loss,
        fit.validation
    ))?;
    print_rules_and_next(
        &mut out,
        "label",
        &result.top_rules,
        &result.planted,
        result.written.as_deref(),
        &result.next,
    )
}
