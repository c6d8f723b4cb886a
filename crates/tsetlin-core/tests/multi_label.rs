//! The multi-label feedback policy: every label learns one-vs-rest from its own class sum,
//! inside one machine.

mod common;

use tsetlin_core::rng::Xoshiro256;
use tsetlin_core::{
    decide_labels, Control, FitOptions, LabelSets, Params, SparseRows, TsetlinMachine,
};

/// Rows over 60 features with three independent planted labels: label 0 is `x3 AND x17`,
/// label 1 is `x5 AND NOT x40`, label 2 is `x9 AND x22 AND x31`. A row may carry any
/// subset of them, none included.
fn planted_labels(n: usize, seed: u64) -> (SparseRows, LabelSets) {
    let mut rng = Xoshiro256::new(seed);
    let mut rows = Vec::with_capacity(n);
    let mut sets = Vec::with_capacity(n);
    for _ in 0..n {
        let mut row: Vec<u32> = (0..60u32).filter(|_| rng.unit() < 0.05).collect();
        for planted in [3u32, 17, 5, 40, 9, 22, 31] {
            if rng.unit() < 0.55 {
                row.push(planted);
            }
        }
        row.sort_unstable();
        row.dedup();
        let has = |f: u32| row.contains(&f);
        let mut set = Vec::new();
        if has(3) && has(17) {
            set.push(0);
        }
        if has(5) && !has(40) {
            set.push(1);
        }
        if has(9) && has(22) && has(31) {
            set.push(2);
        }
        rows.push(row);
        sets.push(set);
    }
    (
        SparseRows::from_rows(60, &rows).expect("rows"),
        LabelSets::from_rows(3, &sets).expect("sets"),
    )
}

fn train(threads: usize, x: &SparseRows, sets: &LabelSets, epochs: usize) -> TsetlinMachine {
    let params = Params::builder(3, 60)
        .clauses(40)
        .threshold(100.0)
        .specificity(5.0)
        .weighted(true)
        .seed(4)
        .build()
        .expect("params");
    let mut tm = TsetlinMachine::with_threads(params, threads).expect("machine");
    tm.fit(x, sets, &FitOptions::epochs(epochs), |_, _| {
        Control::Continue
    })
    .expect("fit");
    tm
}

/// Each label's heaviest positive clauses hold its planted conjunction, and the label sets
/// are predicted almost exactly on fresh rows at the default thresholds of 0.
#[test]
fn independent_planted_labels_are_each_recovered() {
    let (x, sets) = planted_labels(4000, 1);
    let tm = train(1, &x, &sets, 25);
    let (xt, st) = planted_labels(2000, 2);
    let sums = tm.class_sums(&xt).expect("sums");
    let exact = (0..xt.n_rows())
        .filter(|&r| decide_labels(&sums[r * 3..r * 3 + 3], &[0, 0, 0]) == st.row(r))
        .count();
    let subset_accuracy = exact as f64 / xt.n_rows() as f64;
    assert!(subset_accuracy > 0.95, "subset accuracy {subset_accuracy}");
    let planted: [(&[u32], &[u32]); 3] = [(&[3, 17], &[]), (&[5], &[40]), (&[9, 22, 31], &[])];
    for (label, (positive, negated)) in planted.iter().enumerate() {
        let mut rules: Vec<_> = tm
            .rules()
            .into_iter()
            .filter(|r| r.class == label && r.polarity == 1)
            .collect();
        rules.sort_by_key(|r| std::cmp::Reverse(r.weight));
        let heaviest = &rules[0];
        assert!(
            positive.iter().all(|f| heaviest.positive.contains(f))
                && negated.iter().all(|f| heaviest.negated.contains(f)),
            "label {label}: heaviest rule {heaviest:?} lacks {positive:?} AND NOT {negated:?}"
        );
    }
}

/// Which thread trains a label never changes its draws: the same model bytes on 1 and 4
/// threads, on a model large enough (4 labels x 128 clauses x 300 features) that the labels
/// are trained in parallel.
#[test]
fn same_seed_same_bytes_on_one_and_four_threads() {
    let (x, y) = common::random_rows(600, 300, 16, 0.05, 3);
    // Label c is carried when bit c of the row's random class id is set: any subset.
    let sets: Vec<Vec<u32>> = y
        .iter()
        .map(|&v| (0..4).filter(|c| v >> c & 1 == 1).collect())
        .collect();
    let sets = LabelSets::from_rows(4, &sets).expect("sets");
    let bytes = |threads: usize| {
        let params = Params::builder(4, 300)
            .clauses(128)
            .threshold(40.0)
            .specificity(4.0)
            .weighted(true)
            .clause_drop(0.1)
            .seed(4)
            .build()
            .expect("params");
        let mut tm = TsetlinMachine::with_threads(params, threads).expect("machine");
        tm.fit(&x, &sets, &FitOptions::epochs(2), |_, _| Control::Continue)
            .expect("fit");
        tm.to_bytes().expect("bytes")
    };
    assert_eq!(bytes(1), bytes(4));
}

/// The reference: with two labels and exactly one label per row, the multi-label policy feeds
/// the row's label towards 1 and the other towards 0 from the same sums and the same random
/// keys as the multiclass policy (whose only possible negative class is the other one), so
/// both train the same machine bit for bit.
#[test]
fn two_labels_one_per_row_is_exactly_multiclass_training() {
    let (x, y) = common::random_rows(500, 80, 2, 0.08, 12);
    let sets =
        LabelSets::from_rows(2, &y.iter().map(|&c| vec![c]).collect::<Vec<_>>()).expect("sets");
    for focused in [false, true] {
        let params = Params::builder(2, 80)
            .clauses(32)
            .threshold(16.0)
            .specificity(4.0)
            .weighted(true)
            .focused_negative_sampling(focused)
            .seed(7)
            .build()
            .expect("params");
        let fit = |multi: bool| {
            let mut tm = TsetlinMachine::with_threads(params.clone(), 2).expect("machine");
            let options = FitOptions::epochs(3);
            if multi {
                tm.fit(&x, &sets, &options, |_, _| Control::Continue)
            } else {
                tm.fit(&x, &y, &options, |_, _| Control::Continue)
            }
            .expect("fit");
            tm.to_bytes().expect("bytes")
        };
        assert_eq!(fit(true), fit(false), "focused sampling {focused}");
    }
}

/// Rows without any label are valid multi-label data (every label learns "not me" from
/// them); label sets that do not fit the machine are refused with the row named.
#[test]
fn empty_sets_train_and_bad_sets_are_refused() {
    let (x, _) = common::random_rows(50, 20, 2, 0.1, 5);
    let empty = LabelSets::from_rows(3, &vec![Vec::<u32>::new(); 50]).expect("sets");
    let params = Params::builder(3, 20)
        .clauses(8)
        .threshold(4.0)
        .build()
        .expect("params");
    let mut tm = TsetlinMachine::with_threads(params, 1).expect("machine");
    tm.partial_fit(&x, &empty).expect("empty label sets train");
    let sums = tm.class_sums(&x).expect("sums");
    assert!(sums.iter().all(|&s| s <= 0), "no label was ever carried");
    let wide = LabelSets::from_rows(4, &vec![vec![3u32]; 50]).expect("sets");
    let err = tm
        .partial_fit(&x, &wide)
        .expect_err("4 labels for 3 classes");
    assert!(err.to_string().contains("4 labels"), "{err}");
    let short = LabelSets::from_rows(3, &vec![vec![0u32]; 49]).expect("sets");
    let err = tm.partial_fit(&x, &short).expect_err("49 sets for 50 rows");
    assert!(err.to_string().contains("50 rows but 49 labels"), "{err}");
}
