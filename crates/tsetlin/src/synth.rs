//! A built-in synthetic corpus of short clinical notes with labels that follow planted rules
//! ([`PLANTED_RULES`]), so that `tsetlin demo` runs without downloads and a test can check
//! that the learned clauses recover the rules.
//!
//! A note is an intro sentence followed, in shuffled order, by: the sentences that make its
//! class's rule fire; *near misses* of the other rules (some but not all of their required
//! words, or all of them together with a blocking word); and 2-5 filler sentences. Every
//! sentence is drawn from several templates with varied slot words. The label is then
//! computed from the text by [`rule_label`], so it is exactly the planted rule (before
//! optional label noise).

use unicode_segmentation::UnicodeSegmentation;

use crate::io::Dataset;
use crate::rng::SplitMix64;

/// A planted rule: a note belongs to `class` iff every word of `present` occurs in it and no
/// word of `absent` does (words compared as lowercase Unicode words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlantedRule {
    /// The class the rule assigns.
    pub class: &'static str,
    /// Words that must all occur.
    pub present: &'static [&'static str],
    /// Words none of which may occur.
    pub absent: &'static [&'static str],
}

/// The planted rules, checked in this order (by construction at most one fires per note).
pub const PLANTED_RULES: &[PlantedRule] = &[
    PlantedRule {
        class: "allergy",
        present: &["rash", "reaction", "penicillin"],
        absent: &["denies"],
    },
    PlantedRule {
        class: "infection",
        present: &["fever", "culture"],
        absent: &["negative"],
    },
    PlantedRule {
        class: "cardiac",
        present: &["chest", "troponin"],
        absent: &["normal"],
    },
];

/// The class of a note that no rule matches.
pub const DEFAULT_CLASS: &str = "other";

/// All class names, sorted (the order [`LabelSet`](crate::featurize::LabelSet) gives them).
pub const CLASSES: &[&str] = &["allergy", "cardiac", "infection", "other"];

/// Options of the generator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SynthOptions {
    /// Probability that a note's label is replaced by a uniformly chosen *different* class
    /// (default 0: labels follow the rules exactly).
    pub label_noise: f64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        Self { label_noise: 0.0 }
    }
}

/// Sentence templates per rule word; each contains its word and no other rule word.
/// `{b}` = body part, `{s}` = symptom, `{t}` = time.
const KEYWORD_SENTENCES: &[(&str, &[&str])] = &[
    (
        "rash",
        &[
            "Noted a mild rash on the {b}.",
            "Rash appeared over the {b} {t}.",
            "Small itchy rash seen on {b}.",
        ],
    ),
    (
        "reaction",
        &[
            "Possible reaction documented by nursing.",
            "Family reports a reaction {t}.",
            "A reaction was observed after the dose.",
        ],
    ),
    (
        "penicillin",
        &[
            "Was given penicillin {t}.",
            "History of penicillin use as a child.",
            "Penicillin listed in the medication record.",
        ],
    ),
    (
        "denies",
        &[
            "Patient denies {s}.",
            "Denies any {s} at this time.",
            "She denies {s} today.",
        ],
    ),
    (
        "fever",
        &[
            "Fever to 38.9 overnight.",
            "Reports fever and chills {t}.",
            "Low grade fever noted.",
        ],
    ),
    (
        "culture",
        &[
            "Blood culture drawn.",
            "Urine culture sent to lab {t}.",
            "Culture pending from the {b}.",
        ],
    ),
    (
        "negative",
        &[
            "Prior screen came back negative.",
            "Rapid test negative {t}.",
            "Swab of the {b} was negative.",
        ],
    ),
    (
        "chest",
        &[
            "Complains of chest pressure.",
            "Chest discomfort radiating to the {b}.",
            "Chest tightness began {t}.",
        ],
    ),
    (
        "troponin",
        &[
            "Troponin ordered.",
            "Troponin level trending up {t}.",
            "Serial troponin measurements planned.",
        ],
    ),
    (
        "normal",
        &[
            "Vitals otherwise normal.",
            "ECG read as normal {t}.",
            "Exam of the {b} is normal.",
        ],
    ),
];

/// Intro sentences (the first sentence of every note).
const INTROS: &[&str] = &[
    "{a}-year-old {x} seen in clinic.",
    "{a} yo {x} admitted from the emergency department.",
    "Follow-up visit for a {a}-year-old {x}.",
    "{x}, age {a}, presents for evaluation.",
];

/// Filler sentences without any rule word.
const FILLERS: &[&str] = &[
    "Sleeping well.",
    "Appetite is fair.",
    "Plan to follow up in two weeks.",
    "Medications reviewed with the family.",
    "Ambulating without assistance.",
    "Reports {s} since {t}.",
    "Mild {s} improving.",
    "Discussed diet and exercise.",
    "Blood pressure 128/82, pulse 76.",
    "Lungs clear to auscultation.",
    "Abdomen soft, nontender.",
    "No acute distress.",
    "Labs drawn and pending.",
    "Hydration encouraged.",
    "Will reassess {t}.",
    "Pain in the {b} rated 3 of 10.",
    "Seen by physical therapy.",
    "Tolerating oral intake.",
    "Patient educated about warning signs.",
    "Wound on the {b} healing well.",
];

const BODY: &[&str] = &[
    "arm", "left arm", "back", "neck", "torso", "leg", "face", "shoulder", "hand",
];
const SYMPTOMS: &[&str] = &[
    "headache",
    "nausea",
    "cough",
    "dizziness",
    "fatigue",
    "shortness of breath",
    "back pain",
    "palpitations",
];
const TIMES: &[&str] = &[
    "yesterday",
    "this morning",
    "last week",
    "two days ago",
    "overnight",
    "tomorrow",
];
const PATIENTS: &[&str] = &["male", "female", "man", "woman", "patient"];

/// Fills the `{..}` slots of a template.
fn fill(template: &str, rng: &mut SplitMix64) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let slot = &rest[open + 1..close];
        match slot {
            "b" => out.push_str(rng.pick::<&str>(BODY)),
            "s" => out.push_str(rng.pick::<&str>(SYMPTOMS)),
            "t" => out.push_str(rng.pick::<&str>(TIMES)),
            "x" => out.push_str(rng.pick::<&str>(PATIENTS)),
            "a" => out.push_str(&(18 + rng.below(72)).to_string()),
            other => out.push_str(other),
        }
        rest = &rest[(close + 1).min(rest.len())..];
    }
    out.push_str(rest);
    // Templates start with a capital; slot words at the start stay as they are.
    out
}

/// A sentence containing `word` (one of the rule words).
fn keyword_sentence(word: &str, rng: &mut SplitMix64) -> String {
    let templates = KEYWORD_SENTENCES
        .iter()
        .find(|(w, _)| *w == word)
        .map_or(&[][..], |(_, t)| *t);
    if templates.is_empty() {
        return format!("{word}.");
    }
    fill(rng.pick::<&str>(templates), rng)
}

/// The class the planted rules give `text`: the first rule of [`PLANTED_RULES`] that fires,
/// else [`DEFAULT_CLASS`].
pub fn rule_label(text: &str) -> &'static str {
    let words: Vec<String> = text.unicode_words().map(str::to_lowercase).collect();
    let has = |w: &str| words.iter().any(|x| x == w);
    PLANTED_RULES
        .iter()
        .find(|r| r.present.iter().all(|w| has(w)) && !r.absent.iter().any(|w| has(w)))
        .map_or(DEFAULT_CLASS, |r| r.class)
}

/// `n` notes generated deterministically from `seed`, classes balanced in expectation, no
/// label noise.
pub fn clinical_notes(n: usize, seed: u64) -> Dataset {
    clinical_notes_with(n, seed, &SynthOptions::default())
}

/// Like [`clinical_notes`], with options.
pub fn clinical_notes_with(n: usize, seed: u64, options: &SynthOptions) -> Dataset {
    let mut rng = SplitMix64::new(seed);
    let mut data = Dataset::default();
    for _ in 0..n {
        let target = *rng.pick(CLASSES);
        let text = note(&[target], &mut rng);
        let mut label = rule_label(&text);
        if options.label_noise > 0.0 && rng.chance(options.label_noise) {
            let others: Vec<&str> = CLASSES.iter().copied().filter(|c| *c != label).collect();
            label = *rng.pick(&others);
        }
        data.texts.push(text);
        data.labels.push(label.to_string());
    }
    data
}

/// The labels of a multi-label note: every planted rule that fires, sorted (none: the empty
/// set; there is no "other" label in multi-label data).
pub fn rule_labels(text: &str) -> Vec<String> {
    let words: Vec<String> = text.unicode_words().map(str::to_lowercase).collect();
    let has = |w: &str| words.iter().any(|x| x == w);
    let mut labels: Vec<String> = PLANTED_RULES
        .iter()
        .filter(|r| r.present.iter().all(|w| has(w)) && !r.absent.iter().any(|w| has(w)))
        .map(|r| r.class.to_string())
        .collect();
    labels.sort_unstable();
    labels
}

/// Probability that a multi-label note documents each condition (independently).
const MULTI_LABEL_RATE: f64 = 0.4;

/// `n` multi-label notes generated deterministically from `seed`: each documents each
/// planted condition independently with probability 0.4 (so about a third carry two or more,
/// a fifth none), with near misses of the others; the label set is [`rule_labels`].
pub fn clinical_notes_multi_label(n: usize, seed: u64) -> Dataset {
    let mut rng = SplitMix64::new(seed);
    let mut texts = Vec::with_capacity(n);
    let mut sets = Vec::with_capacity(n);
    for _ in 0..n {
        let targets: Vec<&str> = PLANTED_RULES
            .iter()
            .map(|r| r.class)
            .filter(|_| rng.chance(MULTI_LABEL_RATE))
            .collect();
        let text = note(&targets, &mut rng);
        sets.push(rule_labels(&text));
        texts.push(text);
    }
    Dataset {
        texts,
        labels: Vec::new(),
        label_sets: Some(sets),
        skipped: Vec::new(),
    }
}

/// A note documenting the conditions `targets` (every word of their rules, none of their
/// blocking words) and near misses of the other rules, with filler, in shuffled order.
fn note(targets: &[&str], rng: &mut SplitMix64) -> String {
    let mut sentences: Vec<String> = Vec::new();
    let mut words: Vec<&str> = Vec::new();
    for rule in PLANTED_RULES {
        if targets.contains(&rule.class) {
            words.extend(rule.present);
            continue;
        }
        // A near miss of another rule: a strict non-empty subset of its words, or all of
        // them blocked by an absent word, or nothing.
        let roll = rng.unit();
        if roll < 0.45 {
            let keep = 1 + rng.below(rule.present.len() - 1);
            let mut ws = rule.present.to_vec();
            rng.shuffle(&mut ws);
            words.extend(&ws[..keep]);
        } else if roll < 0.75 {
            words.extend(rule.present);
            words.push(*rng.pick(rule.absent));
        }
    }
    // The targets' own blocking words must not appear.
    for rule in PLANTED_RULES.iter().filter(|r| targets.contains(&r.class)) {
        words.retain(|w| !rule.absent.contains(w));
    }
    words.sort_unstable();
    words.dedup();
    for w in &words {
        sentences.push(keyword_sentence(w, rng));
    }
    for _ in 0..2 + rng.below(4) {
        sentences.push(fill(rng.pick::<&str>(FILLERS), rng));
    }
    rng.shuffle(&mut sentences);
    let mut text = fill(rng.pick::<&str>(INTROS), rng);
    for s in sentences {
        text.push(' ');
        text.push_str(&s);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baselines::{Baseline, LogisticRegression};
    use crate::featurize::{Featurizer, FeaturizerConfig, LabelSet};

    #[test]
    fn deterministic_and_labels_follow_rules() {
        let a = clinical_notes(300, 42);
        assert_eq!(a, clinical_notes(300, 42));
        assert_ne!(a.texts, clinical_notes(300, 43).texts);
        for (t, l) in a.texts.iter().zip(&a.labels) {
            assert_eq!(rule_label(t), l);
        }
        for class in CLASSES {
            let count = a.labels.iter().filter(|l| l == class).count();
            assert!(count > 40, "{class}: {count}");
        }
    }

    #[test]
    fn filler_vocabulary_has_no_rule_words() {
        let rule_words: Vec<&str> = PLANTED_RULES
            .iter()
            .flat_map(|r| r.present.iter().chain(r.absent))
            .copied()
            .collect();
        let filler: Vec<&str> = FILLERS
            .iter()
            .chain(INTROS)
            .chain(BODY)
            .chain(SYMPTOMS)
            .chain(TIMES)
            .chain(PATIENTS)
            .copied()
            .collect();
        for s in filler {
            assert_eq!(rule_label(s), DEFAULT_CLASS);
            for w in s.unicode_words() {
                assert!(!rule_words.contains(&w.to_lowercase().as_str()), "{s}");
            }
        }
        for (w, templates) in KEYWORD_SENTENCES {
            for t in *templates {
                let words: Vec<String> = t.unicode_words().map(str::to_lowercase).collect();
                for other in &rule_words {
                    assert_eq!(words.iter().any(|x| x == other), other == w, "{t}");
                }
            }
        }
    }

    #[test]
    fn label_noise_flips_about_the_requested_fraction() {
        let opts = SynthOptions { label_noise: 0.2 };
        let d = clinical_notes_with(1000, 7, &opts);
        let flipped = d
            .texts
            .iter()
            .zip(&d.labels)
            .filter(|(t, l)| rule_label(t) != l.as_str())
            .count();
        assert!((150..250).contains(&flipped), "{flipped}");
    }

    #[test]
    fn a_linear_baseline_learns_it_reasonably() {
        let train = clinical_notes(800, 1);
        let test = clinical_notes(300, 2);
        let labels = LabelSet::from_labels(&train.labels);
        let y = labels.encode(&train.labels).expect("labels");
        let f = Featurizer::fit(&train.texts, &y, labels.len(), &FeaturizerConfig::default())
            .expect("fit");
        let model =
            LogisticRegression::fit(&f.transform(&train.texts), &y, labels.len()).expect("fit");
        let pred = model.predict(&f.transform(&test.texts));
        let yt = labels.encode(&test.labels).expect("labels");
        let acc = pred.iter().zip(&yt).filter(|(a, b)| a == b).count() as f64 / yt.len() as f64;
        assert!(acc > 0.8, "accuracy {acc}");
    }
}
