//! `tsetlin rules`: the learned clauses of each class as sentences, heaviest first, with their
//! coverage and precision on labelled data when given.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use rayon::prelude::*;
use serde::Serialize;
use tsetlin::TextClassifier;
use tsetlin_core::{Rule, SparseRows};

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

/// Heaviest first, then shorter, then by clause number (a total, stable order).
pub fn sort_rules(rules: &mut [Rule]) {
    rules.sort_by(|a, b| {
        b.weight
            .cmp(&a.weight)
            .then(a.len().cmp(&b.len()))
            .then(a.class.cmp(&b.class))
            .then(a.clause.cmp(&b.clause))
    });
}

/// For each rule: the number of rows it fires on and, among those, the share whose label
/// agrees with its polarity (is its class for a positive rule, is not for a negative one).
pub fn coverage(rules: &[Rule], x: &SparseRows, y: &[u32]) -> Vec<(usize, Option<f64>)> {
    rules
        .par_iter()
        .map(|r| {
            let mut covered = 0;
            let mut agree = 0;
            for (row, &label) in x.iter().zip(y) {
                if r.fires(row) {
                    covered += 1;
                    if (label as usize == r.class) == (r.polarity > 0) {
                        agree += 1;
                    }
                }
            }
            let precision = (covered > 0).then(|| agree as f64 / covered as f64);
            (covered, precision)
        })
        .collect()
}

/// Reorders each rule's negated terms, for display only, by how many rows of `x` each one rules
/// out: rows on which all the rule's positive terms hold but that term is present. A clause can
/// carry hundreds of negations, most of them idle on real text; this puts the ones that do the
/// work before "+k more". Ties keep feature order. (`Rule::negated` is documented as
/// increasing; `Rule::fires` does not depend on that, and these copies are only printed.)
pub fn order_negations(rules: &mut [Rule], x: &SparseRows) {
    let n_features = x.n_features();
    rules.par_iter_mut().for_each(|r| {
        // Feature id -> position in r.negated, so that each matching row costs its length.
        let mut slot = vec![u32::MAX; n_features];
        for (i, &f) in r.negated.iter().enumerate() {
            if let Some(s) = slot.get_mut(f as usize) {
                *s = i as u32;
            }
        }
        let mut excluded = vec![0usize; r.negated.len()];
        for row in x.iter() {
            if r.positive.iter().all(|f| row.binary_search(f).is_ok()) {
                for &f in row {
                    let s = slot[f as usize];
                    if s != u32::MAX {
                        excluded[s as usize] += 1;
                    }
                }
            }
        }
        let mut order: Vec<usize> = (0..r.negated.len()).collect();
        order.sort_by(|&a, &b| excluded[b].cmp(&excluded[a]));
        r.negated = order.iter().map(|&i| r.negated[i]).collect();
    });
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
    classes: Vec<ClassOut>,
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
            let d = a.reader.read(p, "coverage", log)?;
            let y = clf
                .labels
                .encode(&d.labels)
                .context("the data has a label the model was not trained on")?;
            Some((clf.encode(&d.texts), y))
        }
        None => None,
    };
    let max_negated = (!a.all_literals).then_some(a.max_negated);
    let names = clf.featurizer.feature_names();
    let all = clf.machine.rules();
    if all.is_empty() {
        bail!("the model has no non-empty clauses (was it trained?)");
    }
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
        let cov = data.as_ref().map(|(x, y)| coverage(&rules, x, y));
        if let Some((x, _)) = &data {
            order_negations(&mut rules, x);
        }
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
                coverage: cov.as_ref().map(|c| c[i].0),
                precision: cov.as_ref().and_then(|c| c[i].1),
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
        return out.json(&RulesOut { classes });
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negations_that_rule_out_more_rows_come_first() {
        let rule = Rule {
            class: 0,
            clause: 0,
            polarity: 1,
            weight: 1,
            positive: vec![0],
            negated: vec![1, 2, 3],
        };
        // Feature 1 is present only where the positive term is absent: it rules out nothing.
        let x = SparseRows::from_rows(4, &[vec![0, 3], vec![0, 3], vec![0, 2], vec![1], vec![0]])
            .expect("rows");
        let mut rules = vec![rule.clone()];
        order_negations(&mut rules, &x);
        assert_eq!(rules[0].negated, vec![3, 2, 1]);
        // Only the order changed: every row gets the same answer, and [0] still fires.
        let fired: Vec<bool> = x.iter().map(|row| rules[0].fires(row)).collect();
        assert_eq!(
            fired,
            x.iter().map(|row| rule.fires(row)).collect::<Vec<_>>()
        );
        assert_eq!(fired, [false, false, false, false, true]);
    }
}
