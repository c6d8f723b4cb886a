//! The model file round-trips exactly and refuses damaged input cleanly.

mod common;

use tsetlin_core::{Control, FitOptions, Params, TsetlinMachine};

fn trained() -> TsetlinMachine {
    let (x, y) = common::random_rows(300, 90, 3, 0.08, 2);
    let params = Params::builder(3, 90)
        .clauses(20)
        .threshold(10.0)
        .weighted(true)
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

/// A format-v1 file (deferred-step records included) written by the code of 2026-12-01 still
/// loads: same predictions, its deferred steps settled, and it saves as the current version.
#[test]
fn version_1_files_still_load() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let v1 = std::fs::read(dir.join("v1_machine.tsetlin")).expect("fixture");
    assert_eq!(u32::from_le_bytes([v1[8], v1[9], v1[10], v1[11]]), 1);
    let tm = TsetlinMachine::from_bytes(&v1).expect("v1 loads");
    let expected = std::fs::read_to_string(dir.join("v1_machine.sums.json")).expect("sums");
    let expected: Vec<i64> = expected
        .trim_matches(|c| c == '[' || c == ']' || c == '\n')
        .split(", ")
        .map(|v| v.parse().expect("number"))
        .collect();
    let (x, _) = common::random_rows(100, 90, 3, 0.08, 3);
    assert_eq!(tm.class_sums(&x).expect("sums"), expected);
    for c in 0..3 {
        assert!((0..20).all(|j| tm.bank(c).pending(j) == 0));
    }
    let v2 = tm.to_bytes().expect("bytes");
    assert_eq!(u32::from_le_bytes([v2[8], v2[9], v2[10], v2[11]]), 2);
    assert!(v2.len() < v1.len());
    assert_eq!(TsetlinMachine::from_bytes(&v2).expect("v2 loads"), tm);
}

/// A machine outside training owes no deferred step, so equal machines are equal bytes.
#[test]
fn trained_machines_are_canonical() {
    let tm = trained();
    for c in 0..3 {
        assert!((0..20).all(|j| tm.bank(c).pending(j) == 0));
    }
}

/// Re-encodes `bytes` with a fresh checksum, as an attacker would.
fn with_valid_checksum(mut bytes: Vec<u8>) -> Vec<u8> {
    let crc = crc32fast::hash(&bytes[16..]);
    bytes[12..16].copy_from_slice(&crc.to_le_bytes());
    bytes
}

/// `params` with fields set to other values, unchecked, as a crafted file's header holds them
/// (the fields are private: a header is what an attacker writes, not what the API makes).
fn edited(params: &Params, fields: &[(&str, u64)]) -> Params {
    let mut v = serde_json::to_value(params).expect("params as JSON");
    for (name, value) in fields {
        v[*name] = serde_json::json!(value);
    }
    serde_json::from_value(v).expect("params from JSON")
}

/// Crafted files with a valid checksum are refused, not allocated or indexed out of bounds.
#[test]
fn crafted_files_are_refused() {
    let tm = trained();
    let bytes = tm.to_bytes().expect("bytes");
    // A header claiming a huge machine over the same body.
    let big = edited(tm.params(), &[("n_classes", 1_000_000_000)]);
    let header = postcard::to_stdvec(&(big, tm.steps(), 3u64)).expect("header");
    let old_len = u32::from_le_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]) as usize;
    let mut crafted = bytes[..16].to_vec();
    crafted.extend_from_slice(&(header.len() as u32).to_le_bytes());
    crafted.extend_from_slice(&header);
    crafted.extend_from_slice(&bytes[20 + old_len..]);
    let err = TsetlinMachine::from_bytes(&with_valid_checksum(crafted)).expect_err("refused");
    assert!(err.to_string().contains("declares"), "{err}");
    // A padding bit set in the include plane of a 90-feature machine (bit 60 of word 1).
    let mut padded = bytes.clone();
    let top_plane = 20 + old_len + (8 - 1) * 4 * 8;
    let word = top_plane + 8;
    padded[word + 7] |= 0x10;
    let err = TsetlinMachine::from_bytes(&with_valid_checksum(padded)).expect_err("refused");
    assert!(err.to_string().contains("beyond the last feature"), "{err}");
    // Sizes whose product wraps to 0 (2^63 x 2^63) over an empty body.
    let wrap = edited(
        tm.params(),
        &[("n_classes", 1 << 63), ("n_clauses", 1 << 63)],
    );
    let header = postcard::to_stdvec(&(wrap, tm.steps(), 3u64)).expect("header");
    let mut crafted = bytes[..16].to_vec();
    crafted.extend_from_slice(&(header.len() as u32).to_le_bytes());
    crafted.extend_from_slice(&header);
    let err = TsetlinMachine::from_bytes(&with_valid_checksum(crafted)).expect_err("refused");
    assert!(err.to_string().contains("more than 2^128"), "{err}");
    // A clause weight of 0, which training never produces (20 clauses of 8 planes x 4 words
    // come before class 0's weights).
    let mut zero = bytes.clone();
    let weight = 20 + old_len + 20 * 8 * 4 * 8;
    zero[weight..weight + 4].copy_from_slice(&0u32.to_le_bytes());
    let err = TsetlinMachine::from_bytes(&with_valid_checksum(zero)).expect_err("refused");
    assert!(err.to_string().contains("clause weight of 0"), "{err}");
    // Version 0 (the version field sits outside the checksum, so it is validated).
    let mut v0 = bytes.clone();
    v0[8..12].copy_from_slice(&0u32.to_le_bytes());
    let err = TsetlinMachine::from_bytes(&v0).expect_err("refused");
    assert!(err.to_string().contains("version 0 is not valid"), "{err}");
}
