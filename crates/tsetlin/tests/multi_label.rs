//! Multi-label text classification end to end: planted conditions recovered per label,
//! thresholds chosen on held-out training documents, the model file round trip and its
//! refusal by a reader that predates multi-label, and rule simplification that keeps every
//! label decision on the training rows.

use std::collections::BTreeSet;

use proptest::prelude::*;
use tsetlin::classifier::{FORMAT_VERSION, MAGIC};
use tsetlin::featurize::FeaturizerConfig;
use tsetlin::multi_label::{self, MultiLabelOptions};
use tsetlin::rng::SplitMix64;
use tsetlin::rules::{simplify, sort_rules, Preserve};
use tsetlin::synth::{self, PLANTED_RULES};
use tsetlin::tune::Pinned;
use tsetlin::{SparseRows, TextClassifier};
use tsetlin_core::{Control, FitOptions, LabelSets, Params, TsetlinMachine};

/// The demo's settings (few weighted clauses, a large margin, short clauses) on words.
fn demo_pins() -> Pinned {
    Pinned {
        ngram_max: Some(1),
        max_features: Some(0),
        clauses: Some(20),
        threshold: Some(40.0),
        specificity: Some(3.0),
        epochs: Some(30),
        ..Pinned::default()
    }
}

fn words_only() -> FeaturizerConfig {
    FeaturizerConfig {
        min_df: 1,
        ..FeaturizerConfig::default()
    }
}

fn sets(d: &tsetlin::io::Dataset) -> &[Vec<String>] {
    d.label_sets.as_deref().expect("multi-label data")
}

#[test]
fn planted_conditions_are_recovered_per_label() {
    let train = synth::clinical_notes_multi_label(1500, 3);
    let test = synth::clinical_notes_multi_label(600, 4);
    let several = sets(&train).iter().filter(|s| s.len() >= 2).count();
    let none = sets(&train).iter().filter(|s| s.is_empty()).count();
    assert!(
        several > 300 && none > 150,
        "{several} with 2+, {none} with none"
    );

    let options = MultiLabelOptions {
        seed: 7,
        threads: 2,
        ..MultiLabelOptions::default()
    };
    let fit = multi_label::fit_text(
        &train.texts,
        sets(&train),
        &words_only(),
        &demo_pins(),
        &options,
        |_, _| {},
    )
    .expect("fit");
    let clf = &fit.model;
    assert!(clf.is_multi_label());
    assert_eq!(clf.class_names(), ["allergy", "cardiac", "infection"]);
    let decision = clf.multi_label.as_ref().expect("thresholds");
    assert!(
        decision.chosen_on.contains("last 300 of 1500"),
        "{}",
        decision.chosen_on
    );
    assert!(fit.best_epoch.is_some_and(|e| e <= 30));

    let m = multi_label::evaluate(clf, &test.texts, sets(&test)).expect("evaluate");
    assert!(m.micro_f1 > 0.95, "micro-F1 {}", m.micro_f1);
    assert!(
        m.subset_accuracy > 0.85,
        "subset accuracy {}",
        m.subset_accuracy
    );

    // Each label's heaviest clause voting for it requires its planted words.
    let names = clf.featurizer.feature_names();
    let mut rules = clf.machine.rules();
    sort_rules(&mut rules);
    for p in PLANTED_RULES {
        let c = clf.labels.id(p.class).expect("label") as usize;
        let heaviest = rules
            .iter()
            .find(|r| r.class == c && r.polarity > 0)
            .expect("a positive rule");
        let words: BTreeSet<&str> = heaviest
            .positive
            .iter()
            .map(|&f| names[f as usize].as_str())
            .collect();
        for w in p.present {
            assert!(
                words.contains(w),
                "{}: heaviest rule {} lacks {w}",
                p.class,
                clf.rule_text(heaviest)
            );
        }
    }
}

#[test]
fn model_file_round_trips_and_an_old_reader_refuses_it() {
    let train = synth::clinical_notes_multi_label(300, 5);
    let pins = Pinned {
        epochs: Some(2),
        ..demo_pins()
    };
    let fit = multi_label::fit_text(
        &train.texts,
        sets(&train),
        &words_only(),
        &pins,
        &MultiLabelOptions::default(),
        |_, _| {},
    )
    .expect("fit");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("m.tsetlin");
    fit.model.save(&path).expect("save");
    let back = TextClassifier::load(&path).expect("load");
    assert_eq!(back.multi_label, fit.model.multi_label);
    let texts = &train.texts[..50];
    assert_eq!(
        back.predict_label_sets(texts).expect("predict"),
        fit.model.predict_label_sets(texts).expect("predict")
    );
    assert_eq!(
        back.class_sums(texts).expect("sums"),
        fit.model.class_sums(texts).expect("sums")
    );

    // A build that reads only single-label files (version 1) is told to upgrade.
    let bytes = std::fs::read(&path).expect("read");
    const { assert!(FORMAT_VERSION >= 2) };
    let err = tsetlin_core::format::unframe(&bytes, MAGIC, "classifier", 1)
        .expect_err("an old reader must refuse");
    assert!(err.to_string().contains("upgrade tsetlin"), "{err}");
    // Single-label files stay version 1, readable by such a build.
    let single = synth::clinical_notes(200, 1);
    let (clf, _, _) =
        TextClassifier::prepare(&single.texts, &single.labels, &words_only(), 1, |b| {
            b.clauses(4)
        })
        .expect("prepare");
    let bytes = clf.to_bytes().expect("bytes");
    tsetlin_core::format::unframe(&bytes, MAGIC, "classifier", 1).expect("version 1");
}

#[test]
fn thresholds_are_chosen_on_the_tail_of_the_training_file() {
    // fit_text takes no test data: the thresholds are the best ones on the last documents
    // of the training file, scored by the model trained without them.
    let d = synth::clinical_notes_multi_label(400, 11);
    let pins = Pinned {
        epochs: Some(3),
        ..demo_pins()
    };
    let fit = multi_label::fit_text(
        &d.texts,
        sets(&d),
        &words_only(),
        &pins,
        &MultiLabelOptions {
            refit: false,
            simplify: false,
            ..MultiLabelOptions::default()
        },
        |_, _| {},
    )
    .expect("fit");
    assert!(
        fit.validation.contains("last 80 of 400"),
        "{}",
        fit.validation
    );
    let clf = &fit.model;
    let tail = &d.texts[320..];
    let truth = clf.labels.encode_sets(&sets(&d)[320..]).expect("sets");
    let sums = clf.class_sums(tail).expect("sums");
    let decision = clf.multi_label.as_ref().expect("thresholds");
    assert_eq!(
        decision.thresholds,
        multi_label::choose_thresholds(&sums, &truth)
    );
}

/// Random rows over `o` features with label sets from features 0 and 1, and a machine
/// trained on them (long clauses: much to simplify).
fn trained(seed: u64, o: usize, rows: usize) -> (TsetlinMachine, SparseRows, LabelSets) {
    let mut rng = SplitMix64::new(seed);
    let mut data = Vec::new();
    let mut labels = Vec::new();
    for _ in 0..rows {
        let row: Vec<u32> = (0..o as u32).filter(|_| rng.chance(0.2)).collect();
        let mut set = Vec::new();
        if row.contains(&0) {
            set.push(0);
        }
        if row.contains(&1) != rng.chance(0.1) {
            set.push(1);
        }
        if rng.chance(0.3) {
            set.push(2);
        }
        labels.push(set);
        data.push(row);
    }
    let x = SparseRows::from_rows(o, &data).expect("rows");
    let y = LabelSets::from_rows(3, &labels).expect("sets");
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn simplifying_keeps_every_right_label_decision(
        seed in any::<u64>(),
        o in 4usize..60,
        threshold in -6i64..6,
    ) {
        let (mut tm, x, y) = trained(seed, o, 150);
        let before = tm.class_sums(&x).expect("sums");
        let report = simplify(&mut tm, &x, Preserve::LabelSets(&y), 0).expect("simplify");
        prop_assert!(report.literals_after <= report.literals_before);
        let after = tm.class_sums(&x).expect("sums");
        for r in 0..x.n_rows() {
            for c in 0..3 {
                let (b, a) = (before[r * 3 + c], after[r * 3 + c]);
                let right_before = (b > threshold) == y.contains(r, c);
                if right_before {
                    prop_assert_eq!(a > threshold, y.contains(r, c), "row {} label {}", r, c);
                }
                // Votes only move toward the truth.
                if y.contains(r, c) { prop_assert!(a >= b) } else { prop_assert!(a <= b) }
            }
        }
    }
}

/// Rows over 50 features with two independent planted labels: label 0 is `x1 AND x2`,
/// label 1 is `x7 AND NOT x8`.
fn planted_rows(n: usize, seed: u64) -> (SparseRows, LabelSets) {
    let mut rng = SplitMix64::new(seed);
    let mut rows = Vec::new();
    let mut sets = Vec::new();
    for _ in 0..n {
        let mut row: Vec<u32> = (0..50u32).filter(|_| rng.unit() < 0.1).collect();
        for f in [1u32, 2, 7, 8] {
            if rng.unit() < 0.5 {
                row.push(f);
            }
        }
        row.sort_unstable();
        row.dedup();
        let mut set = Vec::new();
        if row.contains(&1) && row.contains(&2) {
            set.push(0);
        }
        if row.contains(&7) && !row.contains(&8) {
            set.push(1);
        }
        rows.push(row);
        sets.push(set);
    }
    (
        SparseRows::from_rows(50, &rows).expect("rows"),
        LabelSets::from_rows(2, &sets).expect("sets"),
    )
}

#[test]
fn rows_fit_chooses_epochs_and_thresholds_on_the_last_rows() {
    let (x, sets) = planted_rows(800, 1);
    let (xt, st) = planted_rows(300, 2);
    let pins = Pinned {
        clauses: Some(20),
        threshold: Some(20.0),
        specificity: Some(3.0),
        epochs: Some(20),
        ..Pinned::default()
    };
    let options = MultiLabelOptions {
        threads: 1,
        ..MultiLabelOptions::default()
    };
    let fit = multi_label::fit_rows(&x, &sets, &pins, &options, |_, _| {}).expect("fit");
    assert_eq!(
        fit.decision.chosen_on,
        "the last 160 of 800 training rows (20 %)"
    );
    let best = fit.best_epoch.expect("validated");
    assert_eq!(fit.settings.epochs, best);
    assert_eq!(
        fit.history.len(),
        best,
        "the final run trains the chosen epochs"
    );
    assert!(fit.simplified.is_some());
    let sums = fit.machine.class_sums(&xt).expect("sums");
    let (mut right, mut total) = (0, 0);
    for (r, row) in sums.chunks_exact(2).enumerate() {
        total += 1;
        if fit.decision.decide(row) == st.row(r) {
            right += 1;
        }
    }
    assert!(
        right * 100 > total * 90,
        "{right} of {total} label sets right"
    );
    // The same seed gives the same machine on any thread count.
    let four = MultiLabelOptions {
        threads: 4,
        ..MultiLabelOptions::default()
    };
    let again = multi_label::fit_rows(&x, &sets, &pins, &four, |_, _| {}).expect("fit");
    assert_eq!(
        again.machine.to_bytes().expect("bytes"),
        fit.machine.to_bytes().expect("bytes")
    );
    assert_eq!(again.decision.thresholds, fit.decision.thresholds);
}

/// The automatic settings cover multi-label data: a search ranks candidates by validation
/// micro-F1 on the training documents only, the chosen settings train the model, the log is
/// saved with it, and the same seed makes the same choice on 1 and 4 threads.
#[test]
fn the_settings_search_covers_multi_label_data() {
    let train = synth::clinical_notes_multi_label(400, 21);
    let test = synth::clinical_notes_multi_label(200, 22);
    let pins = Pinned {
        ngram_max: Some(1),
        max_features: Some(0),
        ..Pinned::default()
    };
    let fit_on = |threads| {
        let search = tsetlin::tune::SearchOptions {
            budget_seconds: 15.0,
            max_epochs: 6,
            ..tsetlin::tune::SearchOptions::default()
        };
        let options = MultiLabelOptions {
            seed: 5,
            threads,
            ..MultiLabelOptions::default()
        };
        let mut events = 0;
        let fit = multi_label::fit_text_auto(
            &train.texts,
            sets(&train),
            &words_only(),
            &pins,
            &options,
            &search,
            |_| events += 1,
            |_, _| {},
        )
        .expect("fit");
        assert!(events > 3, "search events: {events}");
        fit
    };
    let fit = fit_on(1);
    let log = fit.search.as_ref().expect("a search ran");
    assert!(log.trials.len() >= 3, "{} candidates", log.trials.len());
    assert!(log
        .trials
        .iter()
        .flat_map(|t| &t.curve)
        .all(|&f| (0.0..=1.0).contains(&f)));
    let chosen = log.chosen.clone();
    assert_eq!(fit.settings.clauses, chosen.clauses);
    assert_eq!(fit.settings.threshold, chosen.threshold);
    assert!(fit.settings.epochs <= chosen.epochs.max(1));
    let m = multi_label::evaluate(&fit.model, &test.texts, sets(&test)).expect("evaluate");
    assert!(m.micro_f1 > 0.8, "micro-F1 {}", m.micro_f1);

    let path = std::env::temp_dir().join(format!("ml-search-{}.tsetlin", std::process::id()));
    fit.model.save(&path).expect("save");
    let loaded = TextClassifier::load(&path).expect("load");
    std::fs::remove_file(&path).ok();
    assert_eq!(
        loaded.search.as_ref(),
        Some(log),
        "the log travels with the model"
    );

    let again = fit_on(4);
    assert_eq!(again.search.expect("a search ran").chosen, chosen);
}

/// Multi-label rows: the search runs there too, and a feature count below the column count
/// trains on the best columns and hands back a machine over every column.
#[test]
fn rows_search_and_feature_count_work_for_label_sets() {
    let (x, sets) = planted_rows(600, 3);
    let (xt, st) = planted_rows(200, 4);
    let options = MultiLabelOptions {
        threads: 1,
        ..MultiLabelOptions::default()
    };
    let search = tsetlin::tune::SearchOptions {
        budget_seconds: 10.0,
        max_epochs: 6,
        ..tsetlin::tune::SearchOptions::default()
    };
    let fit = multi_label::fit_rows_auto(
        &x,
        &sets,
        &Pinned::default(),
        &options,
        &search,
        |_| {},
        |_, _| {},
    )
    .expect("fit");
    let log = fit.search.as_ref().expect("a search ran");
    assert!(log.trials.len() >= 3, "{} candidates", log.trials.len());
    assert_eq!(fit.settings.clauses, log.chosen.clauses);

    // Pinned to the best 10 of 50 columns: the planted ones (1, 2, 7, 8) are among them, the
    // machine takes all 50, and a column outside the 10 is never included.
    let pins = Pinned {
        max_features: Some(10),
        clauses: Some(20),
        threshold: Some(20.0),
        specificity: Some(3.0),
        epochs: Some(15),
        state_bits: Some(8),
        ..Pinned::default()
    };
    let narrow = multi_label::fit_rows(&x, &sets, &pins, &options, |_, _| {}).expect("fit");
    assert_eq!(narrow.machine.n_features(), 50);
    let kept = tsetlin::tune::chosen_columns(&x, &sets, 2, &narrow.settings).expect("10 kept");
    assert!([1, 2, 7, 8].iter().all(|f| kept.contains(f)), "{kept:?}");
    for c in 0..2 {
        let bank = narrow.machine.bank(c);
        for j in 0..bank.n_clauses() {
            for f in (0..50).filter(|f| !kept.contains(&(*f as u32))) {
                assert!(bank.state(j, 50, f) < 128 && bank.state(j, 50, 50 + f) < 128);
            }
        }
    }
    let sums = narrow.machine.class_sums(&xt).expect("sums");
    let right = sums
        .chunks_exact(2)
        .enumerate()
        .filter(|(r, row)| narrow.decision.decide(row) == st.row(*r))
        .count();
    assert!(right * 100 > 200 * 85, "{right} of 200 label sets right");
}
