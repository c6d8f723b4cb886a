//! Where rules fire on labelled rows, and orders that put the rules and literals that matter
//! first.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tsetlin_core::{LabelSets, Rule, SparseRows};

/// Where one rule fires on labelled rows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RuleCoverage {
    /// Rows it fires on.
    pub covered: usize,
    /// Among those, the share whose label agrees with its polarity (is its class for a
    /// positive rule, is not for a negative one); `None` when it fires on no row.
    pub precision: Option<f64>,
}

/// Heaviest first, then shorter, then by class and clause number (a total, stable order).
pub fn sort_rules(rules: &mut [Rule]) {
    rules.sort_by(|a, b| {
        b.weight
            .cmp(&a.weight)
            .then(a.len().cmp(&b.len()))
            .then(a.class.cmp(&b.class))
            .then(a.clause.cmp(&b.clause))
    });
}

/// For each rule: the rows of `x` it fires on and its precision on labels `y`.
pub fn coverage(rules: &[Rule], x: &SparseRows, y: &[u32]) -> Vec<RuleCoverage> {
    coverage_by(rules, x, |row, class| y[row] as usize == class)
}

/// [`coverage`] on multi-label rows: a rule agrees with a row when the row carries the rule's
/// label (positive rule) or does not (negative rule).
pub fn coverage_sets(rules: &[Rule], x: &SparseRows, sets: &LabelSets) -> Vec<RuleCoverage> {
    coverage_by(rules, x, |row, class| sets.contains(row, class))
}

/// The shared count: `has(row, class)` says whether a row is labelled `class`; `x` and the
/// labels have the same rows.
fn coverage_by(
    rules: &[Rule],
    x: &SparseRows,
    has: impl Fn(usize, usize) -> bool + Sync,
) -> Vec<RuleCoverage> {
    rules
        .par_iter()
        .map(|r| {
            let mut covered = 0;
            let mut agree = 0;
            for (i, row) in x.iter().enumerate() {
                if r.fires(row) {
                    covered += 1;
                    if has(i, r.class) == (r.polarity > 0) {
                        agree += 1;
                    }
                }
            }
            RuleCoverage {
                covered,
                precision: (covered > 0).then(|| agree as f64 / covered as f64),
            }
        })
        .collect()
}

/// For each of `rule.negated`, the rows of `x` it rules out: rows on which all the rule's
/// positive terms hold but that term is present.
pub(crate) fn exclusions(rule: &Rule, x: &SparseRows) -> Vec<usize> {
    // Feature id -> position in rule.negated, so that each matching row costs its length.
    let mut slot = vec![u32::MAX; x.n_features()];
    for (i, &f) in rule.negated.iter().enumerate() {
        if let Some(s) = slot.get_mut(f as usize) {
            *s = i as u32;
        }
    }
    let mut excluded = vec![0usize; rule.negated.len()];
    for row in x.iter() {
        if rule.positive.iter().all(|f| row.binary_search(f).is_ok()) {
            for &f in row {
                if let Some(&s) = slot.get(f as usize) {
                    if s != u32::MAX {
                        excluded[s as usize] += 1;
                    }
                }
            }
        }
    }
    excluded
}

/// Whether a term is only a number (`27`, `3.5`, `10-12`): a negation of one is rarely what a
/// reader should see first.
pub fn is_numeric_term(term: &str) -> bool {
    term.chars().any(|c| c.is_ascii_digit())
        && term
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_punctuation() || c == ' ')
}

/// Reorders each rule's negated terms, for display only: with rows `x`, by how many of them
/// each one rules out ([`exclusions`]), most first; then words before numbers (`names` are the
/// feature names); then feature order. A clause can carry many negations, most of them idle on
/// real text; this puts the ones that do the work first. (`Rule::negated` is documented as
/// increasing; `Rule::fires` does not depend on that, and these copies are only shown.)
pub fn order_negations(rules: &mut [Rule], x: Option<&SparseRows>, names: &[String]) {
    let numeric = |f: u32| names.get(f as usize).is_some_and(|t| is_numeric_term(t));
    rules.par_iter_mut().for_each(|r| {
        let excluded = match x {
            Some(x) => exclusions(r, x),
            None => vec![0; r.negated.len()],
        };
        let mut order: Vec<usize> = (0..r.negated.len()).collect();
        order.sort_by_key(|&i| {
            (
                std::cmp::Reverse(excluded[i]),
                numeric(r.negated[i]),
                r.negated[i],
            )
        });
        r.negated = order.iter().map(|&i| r.negated[i]).collect();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_set_coverage_agrees_with_the_rows_label_sets() {
        let rule = |class: usize, polarity: i8| Rule {
            class,
            clause: 0,
            polarity,
            weight: 1,
            positive: vec![0],
            negated: vec![],
        };
        let x = SparseRows::from_rows(2, &[vec![0], vec![0, 1], vec![1], vec![0]]).expect("rows");
        // Rows 0, 1 and 3 fire; label 1 is carried by rows 0 and 1, label 0 by row 2 only.
        let sets =
            LabelSets::from_rows(2, &[vec![1u32], vec![0, 1], vec![0], vec![]]).expect("sets");
        let c = coverage_sets(&[rule(1, 1), rule(1, -1), rule(0, 1)], &x, &sets);
        assert_eq!(c.iter().map(|c| c.covered).collect::<Vec<_>>(), [3, 3, 3]);
        assert_eq!(c[0].precision, Some(2.0 / 3.0));
        assert_eq!(c[1].precision, Some(1.0 / 3.0));
        assert_eq!(c[2].precision, Some(1.0 / 3.0));
        // One label per row as sets of one: the same figures as `coverage`.
        let y = [1u32, 0, 0, 1];
        let single =
            LabelSets::from_rows(2, &y.iter().map(|&c| vec![c]).collect::<Vec<_>>()).expect("sets");
        let rules = [rule(1, 1), rule(0, -1)];
        assert_eq!(coverage_sets(&rules, &x, &single), coverage(&rules, &x, &y));
    }

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
        assert_eq!(exclusions(&rule, &x), vec![0, 1, 2]);
        let names: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let mut rules = vec![rule.clone()];
        order_negations(&mut rules, Some(&x), &names);
        assert_eq!(rules[0].negated, vec![3, 2, 1]);
        // Only the order changed: every row gets the same answer, and [0] still fires.
        let fired: Vec<bool> = x.iter().map(|row| rules[0].fires(row)).collect();
        assert_eq!(
            fired,
            x.iter().map(|row| rule.fires(row)).collect::<Vec<_>>()
        );
        assert_eq!(fired, [false, false, false, false, true]);
        let c = coverage(&rules, &x, &[0, 0, 1, 0, 1]);
        assert_eq!(c[0].covered, 1);
        assert_eq!(c[0].precision, Some(0.0));
        // Without rows: words before numbers, then feature order.
        let names: Vec<String> = ["a", "27", "c", "3.5"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut rules = vec![rule.clone()];
        order_negations(&mut rules, None, &names);
        assert_eq!(rules[0].negated, vec![2, 1, 3]);
        assert!(is_numeric_term("10-12") && !is_numeric_term("covid-19") && !is_numeric_term("-"));
    }
}
