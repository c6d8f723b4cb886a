//! Snapshot of the `--format json` output of a small hand-made report.

use tsetlin_report::*;

/// A two-class allergy report with a negated literal and a hostile document.
fn small_report() -> ReportData {
    let mut data = ReportData {
        schema_version: SCHEMA_VERSION,
        title: "allergy model".into(),
        generated_by: GeneratedBy {
            tool: "tsetlin".into(),
            version: "0.1.0".into(),
        },
        classes: vec!["allergy".into(), "other".into()],
        features: vec![
            "rash".into(),
            "reaction".into(),
            "denies".into(),
            "not good".into(),
        ],
        tokenizer: TokenizerSpec {
            lowercase: true,
            ngram_max: 2,
            stop_words: vec!["the".into()],
            stem: false,
            strip_html_breaks: true,
        },
        clauses: vec![
            ClauseRule {
                id: 0,
                class: 0,
                polarity: 1,
                weight: 4,
                positive: vec![0, 1],
                negated: vec![2],
                coverage: Some(12),
                precision: Some(0.75),
            },
            ClauseRule {
                id: 1,
                class: 1,
                polarity: -1,
                weight: 2,
                positive: vec![0],
                negated: vec![],
                coverage: None,
                precision: None,
            },
        ],
        metrics: Some(MetricsSpec {
            accuracy: 0.5,
            macro_precision: 0.25,
            macro_recall: 0.5,
            macro_f1: 0.333,
            per_class: vec![
                ClassMetrics {
                    precision: 0.5,
                    recall: 1.0,
                    f1: 0.667,
                    support: 1,
                },
                ClassMetrics {
                    precision: 0.0,
                    recall: 0.0,
                    f1: 0.0,
                    support: 1,
                },
            ],
            confusion: vec![vec![1, 0], vec![1, 0]],
            multi_label: None,
        }),
        learning_curve: vec![EpochPoint {
            epoch: 1,
            train_accuracy: Some(0.9),
            valid_accuracy: None,
            seconds: Some(0.5),
        }],
        documents: vec![],
        settings: vec![Setting::new("clauses", 2), Setting::new("T", 15)],
        multi_label: None,
    };
    let doc = explain(
        &data,
        "n1",
        "Rash & reaction <script>alert(\"x\")</script>",
        Some(0),
    );
    data.documents.push(doc);
    data
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!(to_json(&small_report()));
}

#[test]
fn json_round_trips() {
    let data = small_report();
    let back: ReportData = serde_json::from_str(&to_json(&data)).expect("valid JSON");
    assert_eq!(back, data);
}

#[test]
fn version_1_reports_still_load() {
    // A single-label report of schema version 1 has none of the multi-label fields.
    let mut v: serde_json::Value = serde_json::from_str(&to_json(&small_report())).expect("JSON");
    v["schema_version"] = 1.into();
    assert!(v.get("multi_label").is_none() && v["documents"][0].get("predicted_labels").is_none());
    let back: ReportData = serde_json::from_value(v).expect("a version 1 report");
    assert_eq!(
        (back.multi_label, back.documents[0].predicted_labels.clone()),
        (None, None)
    );
}
