//! Structured fuzzing on stable Rust, driven by `cargo test`: every loader and reader that
//! takes input from outside (the engine's model file, the classifier file, the JSONL, CSV,
//! TSV and svmlight readers, the tokenizer) gets generated input and must return `Ok` or a
//! clean `Err`, never panic, hang or allocate without bound.
//!
//! The inputs are not only random bytes, which a checksum or a JSON parser rejects at once:
//! model files are valid files with targeted edits (random bytes at random places, header
//! fields set to extreme values) and the checksum made valid again, as an attacker would; the
//! readers get lines built from the characters their formats give meaning to.
//!
//! `TSETLIN_FUZZ_CASES` sets the cases per target (default 200, a few seconds in CI); the
//! recorded campaign (docs/FUZZING.md) runs the same targets with millions of cases:
//!
//! ```sh
//! TSETLIN_FUZZ_CASES=200000 cargo test --release -p tsetlin --test fuzz
//! ```
//!
//! A crash found here becomes a regression test (a fixed seed case) below.

use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tsetlin::featurize::{FeaturizerConfig, TokenizerConfig};
use tsetlin::io::{read_dataset, read_svmlight, Format, ReadOptions};
use tsetlin::TextClassifier;
use tsetlin_core::{Control, FitOptions, TsetlinMachine};

/// Cases per target.
fn cases() -> u32 {
    std::env::var("TSETLIN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

/// A small trained classifier's file bytes (made once per test binary).
fn classifier_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let data = tsetlin::synth::clinical_notes(120, 7);
        let config = FeaturizerConfig {
            tokenizer: TokenizerConfig {
                ngram_max: 2,
                ..TokenizerConfig::default()
            },
            ..FeaturizerConfig::default()
        };
        let (mut clf, x, y) = TextClassifier::prepare(&data.texts, &data.labels, &config, 1, |p| {
            p.clauses(10).threshold(8.0).specificity(4.0).weighted(true)
        })
        .expect("prepare");
        clf.machine
            .fit(&x, &y, &FitOptions::epochs(2), |_, _| Control::Continue)
            .expect("fit");
        clf.to_bytes().expect("bytes")
    })
}

/// The embedded engine model of [`classifier_bytes`].
fn machine_bytes() -> Vec<u8> {
    let clf =
        TextClassifier::from_bytes(classifier_bytes(), Path::new("seed")).expect("valid seed");
    clf.machine.to_bytes().expect("bytes")
}

/// Makes the CRC-32 of a framed file (magic 8, version 4, CRC 4, body) valid again.
fn reframe(bytes: &mut [u8]) {
    if bytes.len() >= 16 {
        let crc = crc32fast::hash(&bytes[16..]);
        bytes[12..16].copy_from_slice(&crc.to_le_bytes());
    }
}

/// One edit of a byte string.
#[derive(Debug, Clone)]
enum Edit {
    /// Overwrite the byte at (position modulo length).
    Set(usize, u8),
    /// Flip one bit.
    Flip(usize, u8),
    /// Write a little-endian u64 of an extreme value at a position (a size field, a count).
    Wide(usize, u64),
    /// Cut the file at a position.
    Truncate(usize),
    /// Insert bytes at a position.
    Insert(usize, Vec<u8>),
}

fn edit() -> impl Strategy<Value = Edit> {
    let extreme = prop_oneof![
        Just(0u64),
        Just(1),
        Just(u64::MAX),
        Just(u64::MAX / 2),
        Just(1 << 31),
        Just(1 << 32),
        Just(1 << 63),
        any::<u64>(),
    ];
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Edit::Set(p, b)),
        4 => (any::<usize>(), 0u8..8).prop_map(|(p, b)| Edit::Flip(p, b)),
        2 => (any::<usize>(), extreme).prop_map(|(p, v)| Edit::Wide(p, v)),
        1 => any::<usize>().prop_map(Edit::Truncate),
        1 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(p, b)| Edit::Insert(p, b)),
    ]
}

fn apply(bytes: &mut Vec<u8>, e: &Edit) {
    if bytes.is_empty() {
        return;
    }
    let n = bytes.len();
    match e {
        Edit::Set(p, b) => bytes[p % n] = *b,
        Edit::Flip(p, bit) => bytes[p % n] ^= 1 << bit,
        Edit::Wide(p, v) => {
            let at = p % n;
            for (i, b) in v.to_le_bytes().iter().enumerate() {
                if at + i < n {
                    bytes[at + i] = *b;
                }
            }
        }
        Edit::Truncate(p) => bytes.truncate(p % n),
        Edit::Insert(p, b) => {
            let at = p % n;
            bytes.splice(at..at, b.iter().copied());
        }
    }
}

/// A machine that loads must also score: every invariant the scorer relies on was checked.
fn exercise_machine(tm: &TsetlinMachine) {
    let o = tm.n_features();
    let rows: Vec<Vec<u32>> = vec![vec![], (0..o.min(40) as u32).collect()];
    let x = tsetlin::SparseRows::from_rows(o, &rows).expect("rows in range");
    let _ = tm.class_sums(&x).expect("a loaded machine scores");
    let _ = tm.rules();
}

#[test]
fn engine_model_loader_never_panics() {
    let seed = machine_bytes();
    runner()
        .run(
            &(proptest::collection::vec(edit(), 1..6), any::<bool>()),
            |(edits, fix_crc)| {
                let mut bytes = seed.clone();
                for e in &edits {
                    apply(&mut bytes, e);
                }
                if fix_crc {
                    reframe(&mut bytes);
                }
                if let Ok(tm) = TsetlinMachine::from_bytes(&bytes) {
                    exercise_machine(&tm);
                }
                Ok(())
            },
        )
        .expect("no panic");
}

#[test]
fn classifier_loader_never_panics() {
    let seed = classifier_bytes().to_vec();
    let header_len = u32::from_le_bytes([seed[16], seed[17], seed[18], seed[19]]) as usize;
    let header = String::from_utf8(seed[20..20 + header_len].to_vec()).expect("JSON header");
    // Edits of the JSON header: a number replaced by an extreme one, a string by another.
    let numbers: Vec<(usize, usize)> = {
        let b = header.as_bytes();
        let mut spans = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_digit() {
                let start = i;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                    i += 1;
                }
                spans.push((start, i));
            }
            i += 1;
        }
        spans
    };
    let replacement = prop_oneof![
        Just("0".to_string()),
        Just("-1".to_string()),
        Just("18446744073709551615".to_string()),
        Just("1e308".to_string()),
        Just("null".to_string()),
        Just("\"x\"".to_string()),
        any::<u32>().prop_map(|v| v.to_string()),
    ];
    runner()
        .run(
            &(
                any::<usize>(),
                replacement,
                proptest::collection::vec(edit(), 0..3),
            ),
            |(which, value, edits)| {
                let (start, end) = numbers[which % numbers.len()];
                let edited = format!("{}{value}{}", &header[..start], &header[end..]);
                let mut bytes = seed[..16].to_vec();
                bytes.extend_from_slice(&(edited.len() as u32).to_le_bytes());
                bytes.extend_from_slice(edited.as_bytes());
                bytes.extend_from_slice(&seed[20 + header_len..]);
                for e in &edits {
                    apply(&mut bytes, e);
                }
                reframe(&mut bytes);
                if let Ok(clf) = TextClassifier::from_bytes(&bytes, Path::new("fuzz")) {
                    let _ = clf
                        .class_sums(&["rash after penicillin", "", "a b c d e f g"])
                        .expect("a loaded classifier scores");
                    exercise_machine(&clf.machine);
                }
                Ok(())
            },
        )
        .expect("no panic");
}

/// Lines made of the characters the text formats give meaning to, plus arbitrary bytes.
fn corpus_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"{\"text\": \"a b\", \"label\": \"x\"}".to_vec()),
        Just(b"{\"text\": 1, \"label\": [1]}".to_vec()),
        Just(b"text,label\n".to_vec()),
        Just(b"text\tlabel\n".to_vec()),
        Just(b"\"quoted, \"\"field\"\"\",y".to_vec()),
        Just(b"0 1:1 7:1".to_vec()),
        Just(b"# n_features=4294967295 n_classes=3".to_vec()),
        Just(b"1 4294967295:1".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xff\xfe\xc3".to_vec()),
        proptest::collection::vec(
            prop_oneof![
                Just(b'"'),
                Just(b','),
                Just(b'\t'),
                Just(b'\n'),
                Just(b'\r'),
                Just(b'{'),
                Just(b'}'),
                Just(b':'),
                Just(b' '),
                Just(b'\\'),
                any::<u8>()
            ],
            0..24
        ),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

#[test]
fn corpus_readers_never_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = [
        ("c.jsonl", Some(Format::JsonLines)),
        ("c.csv", Some(Format::Csv)),
        ("c.tsv", Some(Format::Tsv)),
    ];
    runner()
        .run(&(corpus_bytes(), any::<bool>()), |(bytes, skip)| {
            for (name, format) in &files {
                let path = dir.path().join(name);
                std::fs::File::create(&path)
                    .and_then(|mut f| f.write_all(&bytes))
                    .expect("write");
                let options = ReadOptions {
                    skip_bad_lines: skip,
                    format: *format,
                    max_line_bytes: 64,
                    ..ReadOptions::default()
                };
                let _ = read_dataset(&path, &options);
            }
            let path = dir.path().join("c.svm");
            std::fs::write(&path, &bytes).expect("write");
            if let Ok((x, y)) = read_svmlight(&path) {
                assert_eq!(x.n_rows(), y.len());
            }
            Ok(())
        })
        .expect("no panic");
}

#[test]
fn tokenizer_never_panics_and_spans_stay_in_the_text() {
    runner()
        .run(
            &(".{0,80}", 1usize..=5, any::<bool>(), any::<bool>()),
            |(text, ngram_max, stop_words, stem)| {
                let config = TokenizerConfig {
                    ngram_max,
                    stop_words,
                    stem,
                    strip_newsgroup_headers: stem,
                    ..TokenizerConfig::default()
                };
                for term in config.terms(&text) {
                    prop_assert!(term.start <= term.end && term.end <= text.len());
                    prop_assert!(text.is_char_boundary(term.start));
                    prop_assert!(text.is_char_boundary(term.end));
                }
                Ok(())
            },
        )
        .expect("no panic");
}

/// Crashes found by the campaign, kept as regression cases.
#[test]
fn regressions() {
    // Sizes whose product wraps to 0 over an empty body (2^63 classes x 2^63 clauses).
    let mut bytes = machine_bytes();
    let header_len = u32::from_le_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]) as usize;
    bytes.truncate(20 + header_len);
    let seed = TsetlinMachine::from_bytes(&machine_bytes()).expect("seed");
    // The fields are private; a crafted header is written as an attacker would, unchecked.
    let mut v = serde_json::to_value(seed.params()).expect("params as JSON");
    v["n_classes"] = serde_json::json!(1u64 << 63);
    v["n_clauses"] = serde_json::json!(1u64 << 63);
    let params: tsetlin_core::Params = serde_json::from_value(v).expect("params");
    let header = postcard::to_stdvec(&(params, 0u64, 0u64)).expect("header");
    let mut crafted = bytes[..16].to_vec();
    crafted.extend_from_slice(&(header.len() as u32).to_le_bytes());
    crafted.extend_from_slice(&header);
    reframe(&mut crafted);
    assert!(TsetlinMachine::from_bytes(&crafted).is_err());
}
