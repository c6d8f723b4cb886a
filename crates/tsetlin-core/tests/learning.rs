//! The engine learns what TM-SPEC says it should.

mod common;

use tsetlin_core::{Control, FitOptions, Params, TsetlinMachine};

#[test]
fn noisy_xor_reaches_99_percent_over_five_seeds() {
    let (x_test, y_test) = common::noisy_xor(5000, 0.0, 1_000);
    let mut total = 0.0;
    let mut all = Vec::new();
    for seed in 0..5u64 {
        let (x, y) = common::noisy_xor(5000, 0.4, seed);
        let params = Params::builder(2, 12)
            .clauses(10)
            .threshold(15.0)
            .specificity(3.9)
            .seed(seed)
            .build()
            .expect("valid params");
        let mut tm = TsetlinMachine::with_threads(params, 1).expect("machine");
        tm.fit(&x, &y, &FitOptions::epochs(200), |_, _| Control::Continue)
            .expect("fit");
        let acc = tm.accuracy(&x_test, &y_test).expect("accuracy");
        all.push(acc);
        total += acc;
    }
    let mean = total / 5.0;
    assert!(mean >= 0.99, "mean accuracy {mean}, runs {all:?}");
}

/// A machine trained on a feature subset and widened to the full rows scores every full row
/// exactly as the narrow machine scores the row restricted to the subset, whatever the other
/// features hold; the unseen features' automata are fresh, and bad column maps are refused.
#[test]
fn a_widened_machine_scores_full_rows_as_the_narrow_one_scores_the_subset() {
    use tsetlin_core::rng::Xoshiro256;
    use tsetlin_core::SparseRows;
    let (narrow_x, y) = common::planted(600, 40, 0.1, 3);
    // Narrow feature i is wide feature columns[i] of 130.
    let columns: Vec<u32> = (0..40u32).map(|i| 2 + 3 * i + (i % 2)).collect();
    let params = Params::builder(2, 40)
        .clauses(20)
        .threshold(15.0)
        .specificity(3.9)
        .weighted(true)
        .seed(5)
        .build()
        .expect("valid params");
    let mut tm = TsetlinMachine::with_threads(params, 1).expect("machine");
    tm.fit(&narrow_x, &y, &FitOptions::epochs(5), |_, _| {
        Control::Continue
    })
    .expect("fit");
    let wide = tm.model().widen(&columns, 130).expect("widen");
    assert_eq!(wide.n_features(), 130);
    let mut rng = Xoshiro256::new(9);
    let wide_rows: Vec<Vec<u32>> = narrow_x
        .iter()
        .map(|row| {
            let mut r: Vec<u32> = row.iter().map(|&f| columns[f as usize]).collect();
            r.extend((0..130u32).filter(|c| !columns.contains(c) && rng.unit() < 0.3));
            r.sort_unstable();
            r
        })
        .collect();
    let wide_x = SparseRows::from_rows(130, &wide_rows).expect("rows");
    let wide_tm = TsetlinMachine::from_model(wide, 1).expect("machine");
    assert_eq!(
        wide_tm.class_sums(&wide_x).expect("sums"),
        tm.class_sums(&narrow_x).expect("sums")
    );
    let fresh = Params::builder(2, 130).clauses(20).build().expect("params");
    let fresh = tsetlin_core::Model::new(fresh).expect("model");
    let unseen = (0..130u32).find(|c| !columns.contains(c)).expect("one") as usize;
    for j in 0..20 {
        for k in [unseen, 130 + unseen] {
            assert_eq!(
                wide_tm.bank(1).state(j, 130, k),
                fresh.bank(1).state(j, 130, k)
            );
        }
    }
    let model = tm.model();
    assert!(model.widen(&columns[1..], 130).is_err(), "too few columns");
    let mut unsorted = columns.clone();
    unsorted.swap(0, 1);
    assert!(model.widen(&unsorted, 130).is_err(), "not increasing");
    assert!(
        model.widen(&columns, 100).is_err(),
        "a column past the width"
    );
}
