//! `tsetlin rules`: the learned clauses of each class as sentences, heaviest first, with their
//! coverage and precision on labelled data when given.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde::Serialize;
use tsetlin::rules::{coverage, coverage_sets, order_negations, sort_rules, Readability};
use tsetlin::TextClassifier;
use tsetlin_core::Rule;

use crate::args::ReaderArgs;
use crate::output::{pct, Log, Out};

/// Arguments of `tsetlin rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// The classifier file.
    #[arg(long)]
    pub model: PathBuf,
    /// Show only this class.
    #[arg(long)]
    pub class: Option<String>,
    /// Rules per class (0 = all).
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Only rules that vote for their class (positive polarity).
    #[arg(long)]
    pub positive_only: bool,
    /// Labelled corpus on which to measure each rule's coverage and precision.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Negated terms shown per rule before "+k more" (with --data, those that rule out the
    /// most documents come first; otherwise they follow feature order).
    #[arg(long, default_value_t = 5)]
    pub max_negated: usize,
    /// Show every literal of every rule.
    #[arg(long)]
    pub all_literals: bool,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub reader: ReaderArgs,
}

/// A rule as a sentence, `if "rash" AND "reaction" AND NOT "denies" then allergy`, with at
/// most `max_negated` negated terms (the rest summarised as `+k more NOT`).
pub fn sentence(clf: &TextClassifier, rule: &Rule, max_negated: Option<usize>) -> String {
    let names = clf.featurizer.feature_names();
    let term = |f: &u32| format!("\"{}\"", names[*f as usize]);
    let mut parts: Vec<String> = rule.positive.iter().map(term).collect();
    let shown = max_negated.unwrap_or(usize::MAX).min(rule.negated.len());
    parts.extend(
        rule.negated[..shown]
            .iter()
            .map(|f| format!("NOT {}", term(f))),
    );
    let mut body = if parts.is_empty() {
        "(always)".to_string()
    } else {
        parts.join(" AND ")
    };
    if shown < rule.negated.len() {
        body.push_str(&format!(" AND (+{} more NOT)", rule.negated.len() - shown));
    }
    let class = &clf.class_names()[rule.class];
    if rule.polarity > 0 {
        format!("if {body} then {class}")
    } else {
        format!("if {body} then NOT {class}")
    }
}

#[derive(Serialize)]
struct RuleOut {
    clause: usize,
    polarity: i8,
    weight: u32,
    positive: Vec<String>,
    negated: Vec<String>,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<f64>,
}

#[derive(Serialize)]
struct ClassOut {
    class: String,
    rules_total: usize,
    rules: Vec<RuleOut>,
}

#[derive(Serialize)]
struct RulesOut {
    /// Literals per clause, short-vote share, heaviest rules, cover (with --data): of the
    /// whole model, not only the rules shown.
    readability: Readability,
    classes: Vec<ClassOut>,
}

/// The labels of the `--data` rows: one class each, or a label set each (multi-label).
enum Truth {
    Classes(Vec<u32>),
    Sets(tsetlin_core::LabelSets),
}

/// Runs `tsetlin rules`.
pub fn run(a: RulesArgs, log: &Log) -> Result<()> {
    let clf = super::load_model(&a.model)?;
    let class_filter = match &a.class {
        Some(c) => Some(clf.labels.id(c).with_context(|| {
            format!(
                "the model has no class {c:?} (classes: {})",
                clf.class_names().join(", ")
            )
        })? as usize),
        None => None,
    };
    let data = match &a.data {
        Some(p) => {
            let d = a.reader.read_any(p, "coverage", log)?;
            let x = clf.encode(&d.texts);
            let truth = match (&d.label_sets, clf.is_multi_label()) {
                (Some(sets), true) => Truth::Sets(
                    clf.labels
                        .encode_sets(sets)
                        .context("the data has a label the model was not trained on")?,
                ),
                (None, false) => Truth::Classes(
                    clf.labels
                        .encode(&d.labels)
                        .context("the data has a label the model was not trained on")?,
                ),
                (Some(_), false) => bail!(
                    "{} holds label lists (multi-label) but the model was trained on one label per document",
                    p.display()
                ),
                (None, true) => Truth::Sets(
                    clf.labels
                        .encode_sets(&d.sets())
                        .context("the data has a label the model was not trained on")?,
                ),
            };
            Some((x, truth))
        }
        None => None,
    };
    let max_negated = (!a.all_literals).then_some(a.max_negated);
    let names = clf.featurizer.feature_names();
    let all = clf.machine.rules();
    if all.is_empty() {
        bail!("the model has no non-empty clauses (was it trained?)");
    }
    let readability = Readability::of(
        &clf.machine,
        clf.class_names(),
        // Cover counts follow one label per document; multi-label models get the rest.
        data.as_ref().and_then(|(x, t)| match t {
            Truth::Classes(y) => Some((x, y.as_slice())),
            Truth::Sets(_) => None,
        }),
    );
    let mut classes = Vec::new();
    for c in 0..clf.class_names().len() {
        if class_filter.is_some_and(|f| f != c) {
            continue;
        }
        let mut rules: Vec<Rule> = all
            .iter()
            .filter(|r| r.class == c && (!a.positive_only || r.polarity > 0))
            .cloned()
            .collect();
        let total = rules.len();
        sort_rules(&mut rules);
        if a.top > 0 {
            rules.truncate(a.top);
        }
        let cov = data.as_ref().map(|(x, t)| match t {
            Truth::Classes(y) => coverage(&rules, x, y),
            Truth::Sets(s) => coverage_sets(&rules, x, s),
        });
        order_negations(&mut rules, data.as_ref().map(|(x, _)| x), names);
        let term = |f: &u32| names[*f as usize].clone();
        let rules = rules
            .iter()
            .enumerate()
            .map(|(i, r)| RuleOut {
                clause: r.clause,
                polarity: r.polarity,
                weight: r.weight,
                positive: r.positive.iter().map(term).collect(),
                negated: r.negated.iter().map(term).collect(),
                text: sentence(&clf, r, max_negated),
                coverage: cov.as_ref().map(|c| c[i].covered),
                precision: cov.as_ref().and_then(|c| c[i].precision),
            })
            .collect();
        classes.push(ClassOut {
            class: clf.class_names()[c].clone(),
            rules_total: total,
            rules,
        });
    }
    let mut out = Out::new();
    if a.json {
        return out.json(&RulesOut {
            readability,
            classes,
        });
    }
    out.line(readability.to_text())?;
    out.line("")?;
    for (k, c) in classes.iter().enumerate() {
        if k > 0 {
            out.line("")?;
        }
        out.line(format!(
            "class {} ({} of {} rules)",
            c.class,
            c.rules.len(),
            c.rules_total
        ))?;
        for r in &c.rules {
            let mut line = format!("  w={:<3} {}", r.weight, r.text);
            if let Some(n) = r.coverage {
                let p = r.precision.map_or("-".to_string(), pct);
                line.push_str(&format!("  [covers {n}, precision {p}]"));
            }
            out.line(line)?;
        }
    }
    out.flush()
}
