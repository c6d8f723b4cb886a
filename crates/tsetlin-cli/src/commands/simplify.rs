//! `tsetlin simplify`: shorter rules that decide the same. Removes from every clause the
//! literals whose removal changes its output on none of the given documents (or on at most
//! `--max-changes` of them), checks the accuracy (micro-F1 for a multi-label model) on
//! labelled data, and writes a new model that predicts with exactly the simplified rules.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde::Serialize;
use tsetlin::rules::{simplify_checked, simplify_scored, Preserve, Readability, SimplifyReport};
use tsetlin::TextClassifier;
use tsetlin_core::TsetlinMachine;

use crate::args::ReaderArgs;
use crate::output::{pct, Log, Out};

/// Arguments of `tsetlin simplify`.
#[derive(Debug, Args)]
pub struct SimplifyArgs {
    /// The classifier file to simplify.
    #[arg(long)]
    pub model: PathBuf,
    /// Where to write the simplified classifier.
    #[arg(long)]
    pub out: PathBuf,
    /// Documents on which the clause outputs are kept (usually the training file).
    #[arg(long)]
    pub data: PathBuf,
    /// Labelled documents on which the accuracy is checked (default: --data).
    #[arg(long)]
    pub valid: Option<PathBuf>,
    /// Which changes of a clause's output count against --max-changes.
    #[arg(long, value_enum, default_value = "decisions")]
    pub preserve: PreserveArg,
    /// Most documents of --data on which one clause's output may change in the way --preserve
    /// counts (0: none). Halved until the accuracy holds.
    #[arg(long, default_value_t = 0)]
    pub max_changes: usize,
    /// Most accuracy points the check data may lose.
    #[arg(long, default_value_t = 0.5)]
    pub tolerance: f64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Threads (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    #[command(flatten)]
    pub reader: ReaderArgs,
}

/// Which changes count (see [`Preserve`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PreserveArg {
    /// Only changes that vote against the document's label: with --max-changes 0, no
    /// prediction on --data gets worse (a clause may newly fire where it votes rightly).
    Decisions,
    /// Every change: with --max-changes 0, every clause output on --data stays the same.
    Outputs,
}

#[derive(Serialize)]
struct SimplifyOut<'a> {
    model: String,
    checked_on: String,
    /// What the check measured: "accuracy", or "micro-F1" for a multi-label classifier (the
    /// report's `accuracy_before` / `accuracy_after` hold it).
    score: &'a str,
    report: &'a SimplifyReport,
    before: &'a Readability,
    after: &'a Readability,
}

/// Runs `tsetlin simplify`.
pub fn run(a: SimplifyArgs, log: &Log) -> Result<()> {
    if !(a.tolerance.is_finite() && (0.0..=100.0).contains(&a.tolerance)) {
        bail!(
            "--tolerance must be between 0 and 100 points, not {}",
            a.tolerance
        );
    }
    let inputs: Vec<&std::path::Path> = [a.model.as_path(), a.data.as_path()]
        .into_iter()
        .chain(a.valid.as_deref())
        .collect();
    super::check_output(&a.out, "simplified model", &inputs)?;
    crate::args::set_threads(a.threads);
    let mut clf = super::load_model(&a.model)?;
    clf.machine.set_threads(a.threads)?;
    if clf.is_multi_label() {
        return run_multi_label(&a, clf, log);
    }
    let labelled = |path: &PathBuf, what: &str| -> Result<_> {
        let d = a.reader.read(path, what, log)?;
        let y = clf.labels.encode(&d.labels).with_context(|| {
            format!(
                "{} has a label the model was not trained on",
                path.display()
            )
        })?;
        Ok((clf.encode(&d.texts), y))
    };
    let (keep, y_keep) = labelled(&a.data, "kept")?;
    let check = match &a.valid {
        Some(p) => labelled(p, "check")?,
        None => (keep.clone(), y_keep.clone()),
    };
    let checked_on = a.valid.as_ref().unwrap_or(&a.data).display().to_string();
    let before = Readability::of(&clf.machine, clf.class_names(), Some((&keep, &y_keep)));
    let preserve = match a.preserve {
        PreserveArg::Decisions => Preserve::Decisions(&y_keep),
        PreserveArg::Outputs => Preserve::Outputs,
    };
    let (machine, report) = simplify_checked(
        &clf.machine,
        &keep,
        preserve,
        (&check.0, &check.1),
        a.max_changes,
        a.tolerance / 100.0,
    )
    .context("cannot simplify within the tolerance; the model was not written")?;
    clf.machine = machine;
    let after = Readability::of(&clf.machine, clf.class_names(), Some((&keep, &y_keep)));
    finish(
        &a,
        clf,
        report,
        (before, after),
        checked_on,
        "accuracy",
        log,
    )
}

/// `simplify` on a multi-label classifier: the outputs kept on --data are judged against each
/// document's label set, and the check is micro-F1 at the model's own thresholds.
fn run_multi_label(a: &SimplifyArgs, mut clf: TextClassifier, log: &Log) -> Result<()> {
    let decision = clf
        .multi_label
        .clone()
        .context("a multi-label classifier without thresholds")?;
    let labelled = |path: &PathBuf, what: &str| -> Result<_> {
        let d = a.reader.read_any(path, what, log)?;
        let sets = clf.labels.encode_sets(&d.sets()).with_context(|| {
            format!(
                "{} has a label the model was not trained on",
                path.display()
            )
        })?;
        Ok((clf.encode(&d.texts), sets))
    };
    let (keep, sets_keep) = labelled(&a.data, "kept")?;
    let check = match &a.valid {
        Some(p) => labelled(p, "check")?,
        None => (keep.clone(), sets_keep.clone()),
    };
    let checked_on = a.valid.as_ref().unwrap_or(&a.data).display().to_string();
    let before = Readability::of(&clf.machine, clf.class_names(), None);
    let preserve = match a.preserve {
        PreserveArg::Decisions => Preserve::LabelSets(&sets_keep),
        PreserveArg::Outputs => Preserve::Outputs,
    };
    let score = |m: &TsetlinMachine| decision.micro_f1_of(m, &check.0, &check.1);
    let (machine, report) = simplify_scored(
        &clf.machine,
        &keep,
        preserve,
        ("micro-F1", score),
        a.max_changes,
        a.tolerance / 100.0,
    )
    .context("cannot simplify within the tolerance; the model was not written")?;
    clf.machine = machine;
    let after = Readability::of(&clf.machine, clf.class_names(), None);
    finish(a, clf, report, (before, after), checked_on, "micro-F1", log)
}

/// Saves the simplified `clf` with its `report` and prints what changed (`score`: what the
/// check measured).
fn finish(
    a: &SimplifyArgs,
    mut clf: TextClassifier,
    report: SimplifyReport,
    (before, after): (Readability, Readability),
    checked_on: String,
    score: &str,
    log: &Log,
) -> Result<()> {
    clf.simplified = Some(report.clone());
    clf.save(&a.out)
        .with_context(|| format!("cannot write {}", a.out.display()))?;
    log.info(&format!("wrote {}", a.out.display()));
    let mut out = Out::new();
    if a.json {
        return out.json(&SimplifyOut {
            model: a.out.display().to_string(),
            checked_on,
            score,
            report: &report,
            before: &before,
            after: &after,
        });
    }
    out.line(summary(&report, &before, &after, &checked_on, score))?;
    out.flush()
}

/// What a simplification did, in a few lines (`score`: what the check measured).
pub fn summary(
    report: &SimplifyReport,
    before: &Readability,
    after: &Readability,
    checked_on: &str,
    score: &str,
) -> String {
    let removed = report.literals_before - report.literals_after;
    let mut s = format!(
        "simplified {} of {} clauses: {} of {} literals removed ({}); literals per clause mean \
         {:.1} -> {:.1}, heaviest 10 rules of a class at most {} -> {} literals; {} clause \
         outputs changed on {} documents, {} of them {} (allowed per clause: {})",
        report.clauses_changed,
        report.clauses,
        removed,
        report.literals_before,
        pct(removed as f64 / report.literals_before.max(1) as f64),
        before.literals.mean,
        after.literals.mean,
        before.heaviest_max_literals,
        after.heaviest_max_literals,
        report.outputs_changed,
        report.documents,
        report.changes_counted,
        if report.decisions_only {
            "against the document's label"
        } else {
            "counted"
        },
        report.max_changes
    );
    if let (Some(b), Some(a)) = (report.accuracy_before, report.accuracy_after) {
        s.push_str(&format!(
            "\n{score} on {checked_on}: {} before, {} after",
            pct(b),
            pct(a)
        ));
    }
    s
}
