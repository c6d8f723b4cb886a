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
