//! Explanations reproduce the class sums exactly, on random machines and rows.

mod common;

use proptest::prelude::*;
use tsetlin_core::{Control, FitOptions, Params, SparseRows, TsetlinMachine};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn explanation_sums_to_class_sums(
        seed in any::<u64>(),
        m in 2u32..5,
        o in 5usize..130,
        weighted in any::<bool>(),
        epochs in 0usize..3,
        clauses in prop::sample::select(vec![12usize, 150]),
    ) {
        let (x, y) = common::random_rows(80, o, m, 0.1, seed);
        let params = Params::builder(m as usize, o)
            .clauses(clauses)
            .threshold(6.0)
            .specificity(3.0)
            .weighted(weighted)
            .seed(seed)
            .build()
            .expect("params");
        let mut tm = TsetlinMachine::new(params).expect("machine");
        tm.fit(&x, &y, &FitOptions::epochs(epochs), |_, _| Control::Continue).expect("fit");
        let sums = tm.class_sums(&x).expect("sums");
        let predicted = tm.predict(&x).expect("predict");
        let rules = tm.rules();
        let scorer = tm.compile();
        // The bit-sliced vote sums equal the clause-by-clause walk (150 clauses per class
        // span words, and a word, classes).
        prop_assert_eq!(&scorer.class_sums_walking(&x).expect("walk"), &sums);
        for r in 0..x.n_rows() {
            let e = tm.explain(x.row(r)).expect("explain");
            prop_assert_eq!(&e.class_sums[..], &sums[r * m as usize..(r + 1) * m as usize]);
            prop_assert_eq!(e.predicted, predicted[r]);
            let mut from_votes = vec![0i64; m as usize];
            for f in &e.fired {
                from_votes[f.class] += f.vote;
            }
            prop_assert_eq!(&from_votes, &e.class_sums);
            // The rules, read as data, fire on exactly the clauses the explanation lists.
            let fired_by_rules: Vec<(usize, usize)> = rules.iter()
                .filter(|rule| rule.fires(x.row(r)))
                .map(|rule| (rule.class, rule.clause))
                .collect();
            let fired: Vec<(usize, usize)> = e.fired.iter().map(|f| (f.class, f.clause)).collect();
            prop_assert_eq!(fired_by_rules, fired);
            // The compiled scorer's explanation (inverted index) equals the reference one.
            prop_assert_eq!(&scorer.explain(x.row(r)).expect("explain"), &e);
            prop_assert_eq!(scorer.row_class_sums(x.row(r)).expect("sums"), e.class_sums);
        }
    }
}

/// The compiled scorer is shared by 8 threads at once and gives each the single-threaded
/// sums; it does not change when the machine trains on.
#[test]
fn one_scorer_serves_many_threads() {
    let (x, y) = common::random_rows(400, 150, 4, 0.06, 11);
    let params = Params::builder(4, 150)
        .clauses(40)
        .threshold(20.0)
        .weighted(true)
        .build()
        .expect("params");
    let mut tm = TsetlinMachine::new(params).expect("machine");
    tm.fit(&x, &y, &FitOptions::epochs(3), |_, _| Control::Continue)
        .expect("fit");
    let scorer = std::sync::Arc::new(tm.compile());
    let expected = tm.class_sums(&x).expect("sums");
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let (scorer, x) = (scorer.clone(), x.clone());
            std::thread::spawn(move || {
                let mut scratch = scorer.scratch();
                let mut sums = vec![0i64; 4];
                let mut all = Vec::with_capacity(x.n_rows() * 4);
                // Each thread walks the rows from a different start.
                for k in 0..x.n_rows() {
                    let r = (k + t * 50) % x.n_rows();
                    scorer.row_sums_into(x.row(r), &mut scratch, &mut sums);
                    all.push((r, sums.clone()));
                }
                all
            })
        })
        .collect();
    for h in handles {
        for (r, sums) in h.join().expect("thread") {
            assert_eq!(&sums[..], &expected[r * 4..r * 4 + 4], "row {r}");
        }
    }
    let before = scorer.class_sums(&x).expect("sums");
    tm.fit(&x, &y, &FitOptions::epochs(1), |_, _| Control::Continue)
        .expect("fit");
    assert_eq!(scorer.class_sums(&x).expect("sums"), before);
    assert_eq!(
        tm.compile().class_sums(&x).expect("sums"),
        tm.class_sums(&x).expect("sums")
    );
}

/// Two scorers of the same shape, used in turn on one thread, share the thread's kept
/// scratch: each row still gets its own model's sums (a row leaves the counters at zero).
#[test]
fn scorers_of_one_shape_take_turns_on_a_thread() {
    let (x, y) = common::random_rows(200, 60, 3, 0.1, 5);
    let compiled: Vec<(tsetlin_core::Scorer, Vec<i64>)> = [1u64, 2]
        .iter()
        .map(|&seed| {
            let params = Params::builder(3, 60)
                .clauses(70)
                .threshold(10.0)
                .seed(seed)
                .build()
                .expect("params");
            let mut tm = TsetlinMachine::new(params).expect("machine");
            tm.fit(&x, &y, &FitOptions::epochs(2), |_, _| Control::Continue)
                .expect("fit");
            let expected = tm.class_sums(&x).expect("sums");
            (tm.compile(), expected)
        })
        .collect();
    assert_ne!(compiled[0].1, compiled[1].1, "two different models");
    for r in 0..x.n_rows() {
        for (scorer, expected) in &compiled {
            let want = &expected[r * 3..r * 3 + 3];
            assert_eq!(
                &scorer.row_class_sums(x.row(r)).expect("sums")[..],
                want,
                "row {r}"
            );
            assert_eq!(
                &scorer.explain(x.row(r)).expect("explain").class_sums[..],
                want
            );
        }
    }
    for (scorer, expected) in &compiled {
        assert_eq!(&scorer.class_sums(&x).expect("sums"), expected);
    }
}

#[test]
fn scorer_refuses_rows_it_cannot_score() {
    let params = Params::builder(2, 10).clauses(4).build().expect("params");
    let scorer = TsetlinMachine::new(params).expect("machine").compile();
    assert!(scorer.row_class_sums(&[3, 10]).is_err());
    assert_eq!(scorer.row_class_sums(&[3, 3, 1]).expect("sums"), vec![0, 0]);
    let wide = SparseRows::from_rows(11, &[vec![1u32]]).expect("rows");
    assert!(scorer.class_sums(&wide).is_err());
    fn shared<T: Send + Sync>(_: &T) {}
    shared(&scorer);
}

#[test]
fn untrained_machine_votes_nothing() {
    let params = Params::builder(2, 10).clauses(4).build().expect("params");
    let tm = TsetlinMachine::new(params).expect("machine");
    let x = SparseRows::from_rows(10, &[vec![1u32, 2]]).expect("rows");
    assert_eq!(tm.class_sums(&x).expect("sums"), vec![0, 0]);
    assert!(tm.explain(x.row(0)).expect("explain").fired.is_empty());
    assert!(tm.rules().is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    /// Excluding a literal removes it from its rule and nothing else, and the machine then
    /// predicts with exactly the edited rules.
    #[test]
    fn excluding_a_literal_edits_exactly_that_rule(seed in any::<u64>(), o in 5usize..130) {
        let (x, y) = common::random_rows(80, o, 3, 0.2, seed);
        let params = Params::builder(3, o)
            .clauses(8)
            .threshold(6.0)
            .specificity(3.0)
            .seed(seed)
            .build()
            .expect("params");
        let mut tm = TsetlinMachine::new(params).expect("machine");
        tm.fit(&x, &y, &FitOptions::epochs(2), |_, _| Control::Continue).expect("fit");
        let before = tm.rules();
        let Some(target) = before.iter().find(|r| r.len() >= 2).cloned() else {
            return Ok(());
        };
        let (k, positive) = match target.negated.first() {
            Some(&f) => (o + f as usize, false),
            None => (target.positive[0] as usize, true),
        };
        // Scored once first, so the machine holds a compiled scorer that the edit must retire.
        let before_sums = tm.class_sums(&x).expect("sums");
        tm.exclude_literal(target.class, target.clause, k).expect("exclude");
        prop_assert_eq!(tm.compile().class_sums(&x).expect("sums"), tm.class_sums(&x).expect("sums"));
        let _ = before_sums;
        let after = tm.rules();
        prop_assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(&after) {
            if (b.class, b.clause) != (target.class, target.clause) {
                prop_assert_eq!(b, a);
                continue;
            }
            prop_assert_eq!(a.len(), b.len() - 1);
            if positive {
                prop_assert!(!a.positive.contains(&(k as u32)));
            } else {
                prop_assert!(!a.negated.contains(&((k - o) as u32)));
            }
        }
        // Predictions follow the edited rules exactly.
        let sums = tm.class_sums(&x).expect("sums");
        for r in 0..x.n_rows() {
            let mut from_rules = [0i64; 3];
            for rule in after.iter().filter(|rule| rule.fires(x.row(r))) {
                from_rules[rule.class] += rule.vote();
            }
            prop_assert_eq!(&from_rules[..], &sums[r * 3..r * 3 + 3]);
        }
        prop_assert!(tm.exclude_literal(3, 0, 0).is_err());
        prop_assert!(tm.exclude_literal(0, 8, 0).is_err());
        prop_assert!(tm.exclude_literal(0, 0, 2 * o).is_err());
    }
}
