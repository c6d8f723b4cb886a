//! Shorter rules that decide the same: removes from each clause the literals whose removal
//! changes the clause's output on no given document, or on at most a stated number of them.
//!
//! Per clause, every document's number of violated literals is kept (a positive literal is
//! violated where its word is absent, a negated one where it is present). The clause fires on a
//! document exactly when that number is 0, so removing literal `l` changes the output exactly
//! on the documents whose only violated literal is `l`. Literals are tried rarest-violation
//! first (negated ones, by how few documents contain them, then positive ones), each removed
//! when the documents it would change fit in what the clause has left of its allowance. A
//! clause keeps at least one literal: an empty clause never fires, which would change it
//! everywhere.
//!
//! Removing a literal can only make a clause fire on more documents. With labels
//! ([`Preserve::Decisions`]), only the changes that vote against a document's label count
//! against the allowance: a clause that votes for class `c` newly firing on a document of
//! another class, or one that votes against `c` newly firing on a document of `c`. The others
//! only add votes on the right side, so with an allowance of 0 every document of `x` that was
//! predicted right still is, with at least the same margin. For multi-label rows
//! ([`Preserve::LabelSets`]) the same holds per label: a clause of label `c` voting for it may
//! newly fire only on documents that carry `c`, one voting against it only on documents that
//! do not, so every label decision that was right on `x` stays right, whatever its threshold.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tsetlin_core::{Rule, SparseRows, TsetlinMachine};

use crate::error::{Error, Result};

/// What a simplification removed and changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimplifyReport {
    /// Documents the clause outputs were compared on.
    pub documents: usize,
    /// Most documents on which one clause's output was allowed to change.
    pub max_changes: usize,
    /// Literals of the non-empty clauses before.
    pub literals_before: usize,
    /// Literals after.
    pub literals_after: usize,
    /// Non-empty clauses (unchanged in number).
    pub clauses: usize,
    /// Clauses that lost at least one literal.
    pub clauses_changed: usize,
    /// Clause outputs that changed, summed over clauses and documents.
    pub outputs_changed: usize,
    /// Those of them that counted against the allowance (all of them when preserving outputs;
    /// those against the document's label when preserving decisions).
    pub changes_counted: usize,
    /// Whether only the changes against the label counted ([`Preserve::Decisions`]).
    pub decisions_only: bool,
    /// Accuracy on the check rows before ([`simplify_checked`] only; the score of
    /// [`simplify_scored`], micro-F1 for a multi-label classifier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_before: Option<f64>,
    /// Accuracy on the check rows after (as `accuracy_before`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_after: Option<f64>,
}

/// Which changes of a clause's output count against the allowance of [`simplify`].
#[derive(Debug, Clone, Copy)]
pub enum Preserve<'a> {
    /// Every change: with an allowance of 0 every clause output, hence every prediction, on
    /// the given rows stays the same.
    Outputs,
    /// Only the changes that vote against the row's label (these labels, one per row): with an
    /// allowance of 0 no prediction on the given rows gets worse.
    Decisions(&'a [u32]),
    /// Multi-label: only the changes that vote against the row's label set (a clause of label
    /// `c` voting for `c` on a row without it, or against `c` on a row with it).
    LabelSets(&'a tsetlin_core::LabelSets),
}

/// Removes literals from `machine`'s clauses as the module says, comparing clause outputs on the
/// rows of `x`; each clause may change, in the way `preserve` counts, on at most `max_changes`
/// of them.
pub fn simplify(
    machine: &mut TsetlinMachine,
    x: &SparseRows,
    preserve: Preserve<'_>,
    max_changes: usize,
) -> Result<SimplifyReport> {
    let o = machine.n_features();
    if x.n_features() != o {
        return Err(Error::InvalidInput(format!(
            "the rows have {} features, the machine {o}",
            x.n_features()
        )));
    }
    let n = x.n_rows();
    let labelled = match preserve {
        Preserve::Outputs => n,
        Preserve::Decisions(y) => y.len(),
        Preserve::LabelSets(sets) => sets.n_rows(),
    };
    if labelled != n {
        return Err(Error::InvalidInput(format!(
            "{n} rows but {labelled} labels"
        )));
    }
    // postings[f]: the documents that contain feature f.
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); o];
    for (d, row) in x.iter().enumerate() {
        for &f in row {
            postings[f as usize].push(d as u32);
        }
    }
    let rules = machine.rules();
    let plans: Vec<Plan> = rules
        .par_iter()
        .map_init(
            || (vec![0u32; n], vec![false; n]),
            |(violated, marks), rule| {
                // Whether a change on row d counts against the allowance.
                let counts = |d: usize| match preserve {
                    Preserve::Outputs => true,
                    Preserve::Decisions(y) => (y[d] as usize == rule.class) != (rule.polarity > 0),
                    Preserve::LabelSets(sets) => {
                        sets.contains(d, rule.class) != (rule.polarity > 0)
                    }
                };
                plan_clause(rule, &postings, o, max_changes, &counts, violated, marks)
            },
        )
        .collect();
    let mut report = SimplifyReport {
        documents: n,
        max_changes,
        literals_before: rules.iter().map(Rule::len).sum(),
        literals_after: 0,
        clauses: rules.len(),
        clauses_changed: 0,
        outputs_changed: 0,
        changes_counted: 0,
        decisions_only: !matches!(preserve, Preserve::Outputs),
        accuracy_before: None,
        accuracy_after: None,
    };
    let mut removed = 0;
    for (rule, plan) in rules.iter().zip(&plans) {
        for &k in &plan.remove {
            machine.exclude_literal(rule.class, rule.clause, k)?;
        }
        removed += plan.remove.len();
        report.clauses_changed += usize::from(!plan.remove.is_empty());
        report.outputs_changed += plan.changed;
        report.changes_counted += plan.counted;
    }
    report.literals_after = report.literals_before - removed;
    Ok(report)
}

/// The simplification every training path applies to its final model by default: on the
/// training rows, preserving decisions, with no allowance (no training prediction gets worse).
pub fn simplify_trained(
    machine: &mut TsetlinMachine,
    x: &SparseRows,
    y: &[u32],
) -> Result<SimplifyReport> {
    simplify(machine, x, Preserve::Decisions(y), 0)
}

/// [`simplify`] with an accuracy guard: the allowance `max_changes` is tried first, then halved
/// down to 0 until the accuracy on the labelled check rows `check` drops by at most `max_drop`
/// (a fraction, e.g. 0.005 for half a point) against the machine as it was. Returns the
/// simplified copy and its report (with both accuracies); an error when even an allowance of 0
/// drops the accuracy by more (the rows `keep` then disagree with the check rows).
pub fn simplify_checked(
    machine: &TsetlinMachine,
    keep: &SparseRows,
    preserve: Preserve<'_>,
    check: (&SparseRows, &[u32]),
    max_changes: usize,
    max_drop: f64,
) -> Result<(TsetlinMachine, SimplifyReport)> {
    let (xc, yc) = check;
    if xc.n_rows() != yc.len() || xc.n_rows() == 0 {
        return Err(Error::InvalidInput(format!(
            "the check rows: {} rows but {} labels",
            xc.n_rows(),
            yc.len()
        )));
    }
    let accuracy = |m: &TsetlinMachine| -> Result<f64> {
        let pred = m.predict(xc)?;
        Ok(pred.iter().zip(yc).filter(|(p, y)| p == y).count() as f64 / yc.len() as f64)
    };
    simplify_scored(
        machine,
        keep,
        preserve,
        ("accuracy", accuracy),
        max_changes,
        max_drop,
    )
}

/// [`simplify_checked`] with any score of the machine (`score`: its name and how it is
/// computed, higher is better; multi-label classifiers use micro-F1 at their thresholds). The
/// report's `accuracy_before` / `accuracy_after` hold that score.
pub fn simplify_scored(
    machine: &TsetlinMachine,
    keep: &SparseRows,
    preserve: Preserve<'_>,
    score: (&str, impl Fn(&TsetlinMachine) -> Result<f64>),
    max_changes: usize,
    max_drop: f64,
) -> Result<(TsetlinMachine, SimplifyReport)> {
    let (name, score) = score;
    let before = score(machine)?;
    let mut allowance = max_changes;
    loop {
        let mut m = machine.clone();
        let mut report = simplify(&mut m, keep, preserve, allowance)?;
        let after = score(&m)?;
        report.accuracy_before = Some(before);
        report.accuracy_after = Some(after);
        if before - after <= max_drop + 1e-12 {
            return Ok((m, report));
        }
        if allowance == 0 {
            return Err(Error::InvalidInput(format!(
                "simplifying drops the check {name} from {:.2} % to {:.2} % even when no clause \
                 output may change on the kept rows (tolerance {:.2} points)",
                100.0 * before,
                100.0 * after,
                100.0 * max_drop
            )));
        }
        allowance /= 2;
    }
}

/// What to remove from one clause.
struct Plan {
    /// Literals, in engine numbering (`f` or `o + f`).
    remove: Vec<usize>,
    /// Outputs that the removal changes.
    changed: usize,
    /// Of those, the ones that count against the allowance.
    counted: usize,
}

/// What to remove from `rule`. `counts(d)`: whether a change on row d counts against the
/// allowance; `violated` and `marks` are scratch of one slot per row.
fn plan_clause(
    rule: &Rule,
    postings: &[Vec<u32>],
    o: usize,
    max_changes: usize,
    counts: &impl Fn(usize) -> bool,
    violated: &mut [u32],
    marks: &mut [bool],
) -> Plan {
    // Violations per document: every positive literal is violated except where present.
    violated.fill(rule.positive.len() as u32);
    for &f in &rule.positive {
        for &d in &postings[f as usize] {
            violated[d as usize] -= 1;
        }
    }
    for &f in &rule.negated {
        for &d in &postings[f as usize] {
            violated[d as usize] += 1;
        }
    }
    let mut left = rule.len();
    let mut allowance = max_changes;
    let mut plan = Plan {
        remove: Vec::new(),
        changed: 0,
        counted: 0,
    };
    // The outputs a removal changes (rows whose only violation it is), and how many count.
    let tally = |rows: &mut dyn Iterator<Item = usize>, violated: &[u32]| {
        let (mut changed, mut counted) = (0, 0);
        for d in rows {
            if violated[d] == 1 {
                changed += 1;
                counted += usize::from(counts(d));
            }
        }
        (changed, counted)
    };
    let mut negated = rule.negated.clone();
    negated.sort_by_key(|&f| (postings[f as usize].len(), f));
    for f in negated {
        if left <= 1 {
            break;
        }
        let docs = &postings[f as usize];
        let (changed, counted) = tally(&mut docs.iter().map(|&d| d as usize), violated);
        if counted <= allowance {
            for &d in docs {
                violated[d as usize] -= 1;
            }
            allowance -= counted;
            plan.changed += changed;
            plan.counted += counted;
            left -= 1;
            plan.remove.push(o + f as usize);
        }
    }
    let mut positive = rule.positive.clone();
    // Positive literals absent from the fewest documents first.
    positive.sort_by_key(|&f| (std::cmp::Reverse(postings[f as usize].len()), f));
    for f in positive {
        if left <= 1 {
            break;
        }
        let docs = &postings[f as usize];
        for &d in docs {
            marks[d as usize] = true;
        }
        let (changed, counted) = tally(&mut (0..violated.len()).filter(|&d| !marks[d]), violated);
        if counted <= allowance {
            for (v, &present) in violated.iter_mut().zip(marks.iter()) {
                if !present {
                    *v -= 1;
                }
            }
            allowance -= counted;
            plan.changed += changed;
            plan.counted += counted;
            left -= 1;
            plan.remove.push(f as usize);
        }
        for &d in docs {
            marks[d as usize] = false;
        }
    }
    plan
}
