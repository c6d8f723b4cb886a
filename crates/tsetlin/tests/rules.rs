//! Rule simplification and readability, on machines trained on random data: simplification
//! never changes a clause output on the documents it was told to preserve (or on more than the
//! allowed number), and a simplified machine predicts exactly what its rules, evaluated one by
//! one (the reference evaluator, `Rule::fires`), say.

use proptest::prelude::*;
use tsetlin::rng::SplitMix64;
use tsetlin::rules::{simplify, Preserve, Readability};
use tsetlin::SparseRows;
use tsetlin_core::{Control, FitOptions, Params, Rule, TsetlinMachine};

/// Rows over `o` features, label = (feature 0 present) + (feature 1 present) mod 3, with noise
/// features; and a machine trained on them with a high s (long clauses, much to remove).
fn trained(seed: u64, o: usize, rows: usize) -> (TsetlinMachine, SparseRows, Vec<u32>) {
    let mut rng = SplitMix64::new(seed);
    let mut data = Vec::new();
    let mut y = Vec::new();
    for _ in 0..rows {
        let row: Vec<u32> = (0..o as u32).filter(|_| rng.chance(0.15)).collect();
        y.push((row.contains(&0) as u32 + row.contains(&1) as u32) % 3);
        data.push(row);
    }
    let x = SparseRows::from_rows(o, &data).expect("rows");
    let params = Params::builder(3, o)
        .clauses(10)
        .threshold(8.0)
        .specificity(8.0)
        .seed(seed)
        .build()
        .expect("params");
    let mut tm = TsetlinMachine::with_threads(params, 1).expect("machine");
    tm.fit(&x, &y, &FitOptions::epochs(3), |_, _| Control::Continue)
        .expect("fit");
    (tm, x, y)
}

/// Class sums from the rules, one rule at a time.
fn sums_by_rules(rules: &[Rule], row: &[u32], m: usize) -> Vec<i64> {
    let mut sums = vec![0i64; m];
    for r in rules.iter().filter(|r| r.fires(row)) {
        sums[r.class] += r.vote();
    }
    sums
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    #[test]
    fn simplification_keeps_outputs_within_the_allowance(
        seed in any::<u64>(),
        o in 4usize..90,
        max_changes in 0usize..4,
    ) {
        let (mut tm, x, _) = trained(seed, o, 120);
        let before = tm.rules();
        let report = simplify(&mut tm, &x, Preserve::Outputs, max_changes).expect("simplify");
        let after = tm.rules();
        // Same clauses, none emptied, none longer.
        prop_assert_eq!(before.len(), after.len());
        prop_assert_eq!(report.clauses, before.len());
        prop_assert_eq!(report.literals_after, after.iter().map(Rule::len).sum::<usize>());
        let mut outputs_changed = 0;
        for (b, a) in before.iter().zip(&after) {
            prop_assert_eq!((b.class, b.clause, b.weight), (a.class, a.clause, a.weight));
            prop_assert!(!a.is_empty() && a.len() <= b.len());
            prop_assert!(a.positive.iter().all(|f| b.positive.contains(f)));
            prop_assert!(a.negated.iter().all(|f| b.negated.contains(f)));
            let changed = x.iter().filter(|row| a.fires(row) != b.fires(row)).count();
            prop_assert!(changed <= max_changes, "clause changed on {} rows", changed);
            outputs_changed += changed;
        }
        prop_assert_eq!(report.outputs_changed, outputs_changed);
        // The simplified machine predicts with exactly its rules, on any row.
        let sums = tm.class_sums(&x).expect("sums");
        for (r, row) in x.iter().enumerate() {
            prop_assert_eq!(&sums_by_rules(&after, row, 3)[..], &sums[r * 3..r * 3 + 3]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    /// Preserving decisions: only changes against a row's label count, and with no allowance
    /// no training prediction gets worse (the class sums of the true class only grow, the
    /// others only shrink).
    #[test]
    fn preserving_decisions_never_makes_a_prediction_worse(
        seed in any::<u64>(),
        o in 4usize..90,
        max_changes in 0usize..3,
    ) {
        let (mut tm, x, y) = trained(seed, o, 120);
        let before_rules = tm.rules();
        let before = tm.class_sums(&x).expect("sums");
        let report = simplify(&mut tm, &x, Preserve::Decisions(&y), max_changes).expect("simplify");
        let after_rules = tm.rules();
        let mut counted = 0;
        for (b, a) in before_rules.iter().zip(&after_rules) {
            let against = x.iter().zip(&y)
                .filter(|&(row, &label)| a.fires(row) != b.fires(row)
                    && (label as usize == a.class) != (a.polarity > 0))
                .count();
            prop_assert!(against <= max_changes);
            counted += against;
        }
        prop_assert_eq!(report.changes_counted, counted);
        prop_assert!(report.decisions_only);
        if max_changes == 0 {
            let after = tm.class_sums(&x).expect("sums");
            for (r, &label) in y.iter().enumerate() {
                for c in 0..3 {
                    let (b, a) = (before[r * 3 + c], after[r * 3 + c]);
                    if c == label as usize {
                        prop_assert!(a >= b);
                    } else {
                        prop_assert!(a <= b);
                    }
                }
            }
        }
    }
}

#[test]
fn simplification_with_no_allowance_removes_literals_and_keeps_every_prediction() {
    let (tm, x, _) = trained(7, 60, 300);
    let mut simplified = tm.clone();
    let report = simplify(&mut simplified, &x, Preserve::Outputs, 0).expect("simplify");
    assert!(report.literals_after < report.literals_before, "{report:?}");
    assert_eq!(report.outputs_changed, 0);
    assert_eq!(
        tm.class_sums(&x).expect("sums"),
        simplified.class_sums(&x).expect("sums")
    );
    // Rows of another width are refused.
    let narrow = SparseRows::from_rows(5, &[vec![1u32]]).expect("rows");
    assert!(simplify(&mut simplified, &narrow, Preserve::Outputs, 0).is_err());
}

#[test]
fn readability_counts_literals_and_cover() {
    let (tm, x, y) = trained(3, 40, 300);
    let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let r = Readability::of(&tm, &names, Some((&x, &y)));
    let rules = tm.rules();
    assert_eq!(r.clauses, rules.len());
    let mean = rules.iter().map(Rule::len).sum::<usize>() as f64 / rules.len() as f64;
    assert!((r.literals.mean - mean).abs() < 1e-9);
    assert_eq!(
        r.literals.max,
        rules.iter().map(Rule::len).max().unwrap_or(0)
    );
    assert!(r.heaviest_max_literals <= r.literals.max);
    assert!((0.0..=1.0).contains(&r.short_vote_share));
    assert_eq!(r.classes.len(), 3);
    for c in &r.classes {
        let share = c.covered.expect("with data");
        assert!((0.0..=1.0).contains(&share));
        assert_eq!(c.rules_for_90.is_some(), share >= 0.9);
    }
    let text = r.to_text();
    assert!(text.contains("literals per clause mean"), "{text}");
    // Without data there is no cover.
    assert!(Readability::of(&tm, &names, None).classes[0]
        .covered
        .is_none());
}
