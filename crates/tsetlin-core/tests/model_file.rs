//! The model file round-trips exactly and refuses damaged input cleanly.

mod common;

use tsetlin_core::{Control, FitOptions, Params, TsetlinMachine};

fn trained() -> TsetlinMachine {
    let (x, y) = common::random_rows(300, 90, 3, 0.08, 2);
    let params = Params::builder(3, 90)
        .clauses(20)
        .threshold(10.0)
        .weighted(true)
        .threads(1)
        .build()
        .expect("params");
    let mut tm = TsetlinMachine::new(params).expect("machine");
    tm.fit(&x, &y, &FitOptions::epochs(3), |_, _| Control::Continue)
        .expect("fit");
    tm
}

#[test]
fn save_then_load_gives_the_same_machine_and_predictions() {
    let tm = trained();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("m.tsetlin");
    tm.save(&path).expect("save");
    let loaded = TsetlinMachine::load(&path).expect("load");
    assert_eq!(tm, loaded);
    let (x, _) = common::random_rows(100, 90, 3, 0.08, 3);
    assert_eq!(
        tm.class_sums(&x).expect("sums"),
        loaded.class_sums(&x).expect("sums")
    );
    // Training on after a load continues exactly as without the round trip.
    let (x2, y2) = common::random_rows(50, 90, 3, 0.08, 4);
    let (mut a, mut b) = (tm.clone(), loaded);
    a.partial_fit(&x2, &y2).expect("fit");
    b.partial_fit(&x2, &y2).expect("fit");
    assert_eq!(a.to_bytes().expect("bytes"), b.to_bytes().expect("bytes"));
}

#[test]
fn truncated_file_is_refused() {
    let bytes = trained().to_bytes().expect("bytes");
    for cut in [0, 5, 19, 40, bytes.len() / 2, bytes.len() - 1] {
        let err = TsetlinMachine::from_bytes(&bytes[..cut]).expect_err("truncated");
        let msg = err.to_string();
        assert!(
            msg.contains("too short") || msg.contains("checksum"),
            "cut at {cut}: {msg}"
        );
    }
}

#[test]
fn every_flipped_bit_in_a_sample_is_refused() {
    let bytes = trained().to_bytes().expect("bytes");
    for pos in (0..bytes.len()).step_by(bytes.len() / 97 + 1) {
        let mut damaged = bytes.clone();
        damaged[pos] ^= 0x10;
        assert!(
            TsetlinMachine::from_bytes(&damaged).is_err(),
            "flip at byte {pos} was accepted"
        );
    }
}

#[test]
fn future_version_and_foreign_files_are_refused() {
    let mut bytes = trained().to_bytes().expect("bytes");
    bytes[8..12].copy_from_slice(&99u32.to_le_bytes());
    let err = TsetlinMachine::from_bytes(&bytes).expect_err("future");
    assert!(err.to_string().contains("newer"), "{err}");
    let err =
        TsetlinMachine::from_bytes(b"{\"json\": \"not a model at all\"}").expect_err("foreign");
    assert!(err.to_string().contains("magic"), "{err}");
}
