//! `TextClassifier`: featurizer + label set + Tsetlin machine, saved and loaded as one file so
//! that a saved model predicts raw text with exactly the training-time features.
//!
//! File layout (little-endian): magic `TSETLINC`, format version (u32), CRC-32 of the rest
//! (u32), length of a JSON header (u32), the JSON header (featurizer, labels, training
//! history), then the engine's own model file (which carries its own magic and checksum).
//! A file is written in the oldest version that holds it: 1 for a single-label classifier,
//! 2 for a multi-label one (its header adds the per-label thresholds), so that a build from
//! before multi-label refuses a multi-label file with "upgrade tsetlin" rather than reading
//! it as a multiclass model.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tsetlin_core::{Explanation, LabelSets, ParamsBuilder, Rule, SparseRows, TsetlinMachine};

use crate::error::{Error, Result};
use crate::featurize::{FeatureMatch, Featurizer, FeaturizerConfig, LabelSet};
use crate::multi_label::MultiLabelDecision;
use crate::rules::SimplifyReport;
use crate::tune::{SearchLog, Settings};

/// Magic bytes of a classifier file.
pub const MAGIC: &[u8; 8] = b"TSETLINC";
/// The newest classifier format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 2;
/// The version of single-label classifier files (still written for them).
const SINGLE_LABEL_VERSION: u32 = 1;

/// One epoch of the training log (for learning curves).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based epoch over the whole training history.
    pub epoch: usize,
    /// Wall-clock seconds the epoch took, in the run that trained it. Never saved in the model
    /// file (timings would make equal models differ in bytes), so `None` after loading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    /// Accuracy on the training rows after the epoch, when measured (for a multi-label
    /// model: micro-F1 at the default thresholds; see [`crate::training::Scored`]).
    pub train_accuracy: Option<f64>,
    /// Accuracy on the validation or test rows after the epoch, when measured (multi-label:
    /// micro-F1 at the default thresholds).
    pub valid_accuracy: Option<f64>,
}

#[derive(Serialize, Deserialize)]
struct Header {
    featurizer: Featurizer,
    labels: LabelSet,
    history: Vec<EpochRecord>,
    /// Absent in files written before automatic settings existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    search: Option<SearchLog>,
    /// Absent unless the rules were simplified after training.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    simplified: Option<SimplifyReport>,
    /// Present exactly in multi-label classifiers (format version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    multi_label: Option<MultiLabelDecision>,
}

/// The label set (sorted names) and class ids of a training corpus of `n_texts` texts; an
/// error when the counts differ or there are fewer than two classes.
pub(crate) fn training_labels(n_texts: usize, labels: &[String]) -> Result<(LabelSet, Vec<u32>)> {
    if n_texts != labels.len() {
        return Err(Error::InvalidInput(format!(
            "{n_texts} texts but {} labels",
            labels.len()
        )));
    }
    let label_set = LabelSet::from_labels(labels);
    if label_set.len() < 2 {
        return Err(Error::InvalidInput(format!(
            "need at least 2 classes, the training data has {} ({})",
            label_set.len(),
            label_set.names().join(", ")
        )));
    }
    let y = label_set.encode(labels)?;
    Ok((label_set, y))
}

/// A text classifier: raw text in, class and explanation out.
#[derive(Debug, Clone)]
pub struct TextClassifier {
    /// Turns text into the machine's Boolean features.
    pub featurizer: Featurizer,
    /// Class names, in class-index order.
    pub labels: LabelSet,
    /// The trained machine.
    pub machine: TsetlinMachine,
    /// The training log.
    pub history: Vec<EpochRecord>,
    /// How the settings were chosen, when they were searched (`tune`).
    pub search: Option<SearchLog>,
    /// What simplifying the rules after training removed, when it was done.
    pub simplified: Option<SimplifyReport>,
    /// For a multi-label classifier: how a label set is decided from the class sums (the
    /// per-label thresholds); `None` for a single-label one (the largest sum wins).
    pub multi_label: Option<MultiLabelDecision>,
}

/// The explanation of one text's prediction, in words.
#[derive(Debug, Clone, Serialize)]
pub struct TextExplanation {
    /// Predicted class name.
    pub predicted: String,
    /// Class sums in class order (they equal the sum of the fired clauses' votes).
    pub class_sums: Vec<i64>,
    /// The clauses that fired, as rules with their votes.
    pub fired: Vec<FiredRule>,
    /// Which byte spans of the text produced each present feature.
    pub matches: Vec<FeatureMatch>,
}

/// A rule as a sentence over the featurizer's terms and the class labels (one formatting for
/// the classifier and its compiled scorer).
pub(crate) fn rule_sentence(featurizer: &Featurizer, labels: &LabelSet, rule: &Rule) -> String {
    let names = featurizer.feature_names();
    let term = |f: &u32| format!("\"{}\"", names[*f as usize]);
    let mut parts: Vec<String> = rule.positive.iter().map(term).collect();
    parts.extend(rule.negated.iter().map(|f| format!("NOT {}", term(f))));
    let body = if parts.is_empty() {
        "(empty)".to_string()
    } else {
        parts.join(" AND ")
    };
    let class = &labels.names()[rule.class];
    if rule.polarity > 0 {
        format!("if {body} then {class}")
    } else {
        format!("if {body} then NOT {class}")
    }
}

/// An engine explanation of `text` in words: `rule(class, clause)` gives each fired clause's
/// rule (a fired clause always has one).
pub(crate) fn text_explanation(
    featurizer: &Featurizer,
    labels: &LabelSet,
    text: &str,
    e: Explanation,
    rule: impl Fn(usize, usize) -> Option<Rule>,
) -> TextExplanation {
    let fired = e
        .fired
        .into_iter()
        .filter_map(|f| {
            let rule = rule(f.class, f.clause)?;
            Some(FiredRule {
                text: rule_sentence(featurizer, labels, &rule),
                vote: f.vote,
                rule,
            })
        })
        .collect();
    TextExplanation {
        predicted: labels.names()[e.predicted as usize].clone(),
        class_sums: e.class_sums,
        fired,
        matches: featurizer.matches(text),
    }
}

/// A fired clause, read as a rule.
#[derive(Debug, Clone, Serialize)]
pub struct FiredRule {
    /// The rule.
    pub rule: Rule,
    /// Its signed vote.
    pub vote: i64,
    /// Human-readable form.
    pub text: String,
}

impl TextClassifier {
    /// Fits the featurizer on `texts`, encodes the labels (sorted names) and builds an
    /// untrained machine on `threads` threads (0: all cores) whose hyper-parameters
    /// `configure` sets. Returns the classifier and the encoded training rows and labels,
    /// ready for [`TsetlinMachine::fit`].
    pub fn prepare<S: AsRef<str> + Sync>(
        texts: &[S],
        labels: &[String],
        featurizer: &FeaturizerConfig,
        threads: usize,
        configure: impl FnOnce(ParamsBuilder) -> ParamsBuilder,
    ) -> Result<(Self, SparseRows, Vec<u32>)> {
        let (label_set, y) = training_labels(texts.len(), labels)?;
        let (featurizer, x, machine) =
            featurize(texts, &y, label_set.len(), featurizer, threads, configure)?;
        Ok((
            Self {
                featurizer,
                labels: label_set,
                machine,
                history: Vec::new(),
                search: None,
                simplified: None,
                multi_label: None,
            },
            x,
            y,
        ))
    }

    /// [`TextClassifier::prepare`] for multi-label data: `label_sets[i]` holds the labels of
    /// `texts[i]` (any number, none included), all of them among `labels` (see
    /// [`crate::multi_label::label_names`]). The features are chosen with each document
    /// counted for each of its labels; the classifier's thresholds start at 0 (a label is
    /// predicted when its sum is above 0) until [`crate::multi_label`] chooses them on
    /// validation data. Returns the classifier, the training rows and their label sets.
    pub fn prepare_multi_label<S: AsRef<str> + Sync, L: AsRef<[String]>>(
        texts: &[S],
        label_sets: &[L],
        label_set: LabelSet,
        featurizer: &FeaturizerConfig,
        threads: usize,
        configure: impl FnOnce(ParamsBuilder) -> ParamsBuilder,
    ) -> Result<(Self, SparseRows, LabelSets)> {
        crate::error::one_label_set_each("texts", texts.len(), label_sets.len())?;
        let sets = label_set.encode_sets(label_sets)?;
        let (featurizer, x, machine) = featurize(
            texts,
            &sets,
            label_set.len(),
            featurizer,
            threads,
            configure,
        )?;
        let decision = MultiLabelDecision::untuned(label_set.len());
        Ok((
            Self {
                featurizer,
                labels: label_set,
                machine,
                history: Vec::new(),
                search: None,
                simplified: None,
                multi_label: Some(decision),
            },
            x,
            sets,
        ))
    }

    /// Whether this classifier predicts label sets (multi-label) rather than one class.
    pub fn is_multi_label(&self) -> bool {
        self.multi_label.is_some()
    }

    /// The settings this model was trained with, reusable for another training run
    /// (`train --settings-from`): the search's choice when there was one, else read back
    /// from the featurizer, the machine and the training history.
    pub fn settings(&self) -> Settings {
        if let Some(log) = &self.search {
            return log.chosen.clone();
        }
        let p = self.machine.params();
        let c = self.featurizer.config();
        Settings {
            ngram_max: c.tokenizer.ngram_max,
            max_features: c.max_features,
            clauses: p.n_clauses(),
            threshold: p.threshold(),
            specificity: p.specificity(),
            weighted: p.weighted(),
            boost: p.boost_true_positive(),
            literal_budget: p.literal_budget(),
            epochs: self.history.len().max(1),
            state_bits: p.state_bits(),
            clause_drop: p.clause_drop(),
            focused_negatives: p.focused_negative_sampling(),
        }
    }

    /// Class names in class-index order.
    pub fn class_names(&self) -> &[String] {
        self.labels.names()
    }

    /// Encodes texts as the machine's rows.
    pub fn encode<S: AsRef<str> + Sync>(&self, texts: &[S]) -> SparseRows {
        self.featurizer.transform(texts)
    }

    /// Predicted class index of each text.
    pub fn predict_ids<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Vec<u32>> {
        Ok(self.machine.predict(&self.encode(texts))?)
    }

    /// Predicted class name of each text.
    pub fn predict<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Vec<String>> {
        Ok(self.labels.names_of(&self.predict_ids(texts)?))
    }

    /// The predicted label set (label ids, in label order) of each text. For a single-label
    /// classifier, the one predicted class.
    pub fn predict_label_ids<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Vec<Vec<u32>>> {
        let Some(decision) = &self.multi_label else {
            return Ok(self
                .predict_ids(texts)?
                .into_iter()
                .map(|c| vec![c])
                .collect());
        };
        let k = self.labels.len();
        Ok(self
            .class_sums(texts)?
            .chunks_exact(k)
            .map(|row| decision.decide(row))
            .collect())
    }

    /// The predicted label set (names) of each text; see [`TextClassifier::predict_label_ids`].
    pub fn predict_label_sets<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
    ) -> Result<Vec<Vec<String>>> {
        Ok(self
            .predict_label_ids(texts)?
            .iter()
            .map(|ids| self.labels.names_of(ids))
            .collect())
    }

    /// Class sums of each text, row-major (`n x classes`).
    pub fn class_sums<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Vec<i64>> {
        Ok(self.machine.class_sums(&self.encode(texts))?)
    }

    /// A rule as a sentence: `"rash" AND "reaction" AND NOT "denies" → allergy`.
    pub fn rule_text(&self, rule: &Rule) -> String {
        rule_sentence(&self.featurizer, &self.labels, rule)
    }

    /// Explains the prediction for one text: the clauses that fired (as rules), their votes,
    /// the class sums they add up to, and the words that produced each feature.
    pub fn explain(&self, text: &str) -> Result<TextExplanation> {
        let row = self.featurizer.transform_one(text);
        let e = self.machine.explain(&row)?;
        Ok(text_explanation(
            &self.featurizer,
            &self.labels,
            text,
            e,
            |c, j| Some(self.machine.rule(c, j)),
        ))
    }

    /// Encodes the classifier file.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let header = serde_json::to_vec(&Header {
            featurizer: self.featurizer.clone(),
            labels: self.labels.clone(),
            // The bytes cover what was learned, never how long it took.
            history: self
                .history
                .iter()
                .map(|h| EpochRecord {
                    seconds: None,
                    ..h.clone()
                })
                .collect(),
            search: self.search.clone(),
            simplified: self.simplified.clone(),
            multi_label: self.multi_label.clone(),
        })
        .map_err(|e| Error::InvalidInput(format!("cannot encode the classifier header: {e}")))?;
        let machine = self.machine.to_bytes()?;
        let mut body = Vec::with_capacity(4 + header.len() + machine.len());
        body.extend_from_slice(&(header.len() as u32).to_le_bytes());
        body.extend_from_slice(&header);
        body.extend_from_slice(&machine);
        let version = if self.multi_label.is_some() {
            FORMAT_VERSION
        } else {
            SINGLE_LABEL_VERSION
        };
        Ok(tsetlin_core::format::frame(MAGIC, version, &body))
    }

    /// Decodes a classifier file; `origin` names it in errors.
    pub fn from_bytes(bytes: &[u8], origin: &Path) -> Result<Self> {
        let fail = |message: String| Error::ModelFile {
            path: origin.to_path_buf(),
            message,
        };
        if bytes.len() >= 8 && &bytes[..8] == tsetlin_core::format::MAGIC {
            return Err(fail(
                "this is a bare engine model (tsetlin-core), not a text classifier; it has no featurizer"
                    .to_string(),
            ));
        }
        let frame = tsetlin_core::format::unframe(
            bytes,
            MAGIC,
            "tsetlin text classifier file",
            FORMAT_VERSION,
        )
        .map_err(|e| match e {
            tsetlin_core::TmError::Format(message) => fail(message),
            other => Error::Core(other),
        })?;
        let (version, body) = (frame.version, frame.body);
        let header_len = body
            .get(..4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
            .ok_or_else(|| fail("the file ends before its header".to_string()))?;
        let header_bytes = body
            .get(4..4 + header_len)
            .ok_or_else(|| fail("header runs past the end of the file".to_string()))?;
        let header: Header = serde_json::from_slice(header_bytes)
            .map_err(|e| fail(format!("cannot decode the header: {e}")))?;
        let machine = TsetlinMachine::from_bytes(&body[4 + header_len..])
            .map_err(|e| fail(format!("embedded machine: {e}")))?;
        if machine.n_features() != header.featurizer.n_features()
            || machine.n_classes() != header.labels.len()
        {
            return Err(fail(
                "the featurizer and the machine disagree on features or classes".to_string(),
            ));
        }
        match (&header.multi_label, version) {
            (Some(_), SINGLE_LABEL_VERSION) | (None, FORMAT_VERSION) => {
                return Err(fail(format!(
                    "a version-{version} classifier file must {}hold multi-label thresholds",
                    if version == FORMAT_VERSION {
                        ""
                    } else {
                        "not "
                    }
                )));
            }
            (Some(d), _) if d.thresholds.len() != header.labels.len() => {
                return Err(fail(format!(
                    "{} multi-label thresholds for {} labels",
                    d.thresholds.len(),
                    header.labels.len()
                )));
            }
            _ => {}
        }
        Ok(Self {
            featurizer: header.featurizer,
            labels: header.labels,
            machine,
            history: header.history,
            search: header.search,
            simplified: header.simplified,
            multi_label: header.multi_label,
        })
    }

    /// Saves to `path` (atomically: a temporary file, then a rename).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        tsetlin_core::format::write_atomically(path, &self.to_bytes()?)
            .map_err(|e| Error::core_at(path, e))
    }

    /// Loads from `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(&bytes, path)
    }
}

/// The featurizer fitted on `texts` with their `labels` (one class each, or label sets), the
/// texts encoded by it, and an untrained machine over its features with the settings
/// `configure` sets: the shared first step of [`TextClassifier::prepare`] and
/// [`TextClassifier::prepare_multi_label`].
fn featurize<'t, S: AsRef<str> + Sync>(
    texts: &[S],
    labels: impl Into<tsetlin_core::Targets<'t>>,
    n_classes: usize,
    config: &FeaturizerConfig,
    threads: usize,
    configure: impl FnOnce(ParamsBuilder) -> ParamsBuilder,
) -> Result<(Featurizer, SparseRows, TsetlinMachine)> {
    let featurizer = Featurizer::fit(texts, labels, n_classes, config)?;
    if featurizer.n_features() == 0 {
        return Err(Error::InvalidInput(
            "no features survived the vocabulary settings (lower --min-df?)".to_string(),
        ));
    }
    let x = featurizer.transform(texts);
    let params = configure(tsetlin_core::Params::builder(
        n_classes,
        featurizer.n_features(),
    ))
    .build()?;
    let machine = TsetlinMachine::with_threads(params, threads)?;
    Ok((featurizer, x, machine))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsetlin_core::{Control, FitOptions};

    fn trained() -> TextClassifier {
        let data = crate::synth::clinical_notes(400, 7);
        let (mut clf, x, y) = TextClassifier::prepare(
            &data.texts,
            &data.labels,
            &FeaturizerConfig::default(),
            1,
            |b| b.clauses(40).threshold(20.0).specificity(4.0),
        )
        .expect("prepare");
        clf.machine
            .fit(&x, &y, &FitOptions::epochs(3), |_, _| Control::Continue)
            .expect("fit");
        clf
    }

    #[test]
    fn round_trip_predicts_the_same() {
        let clf = trained();
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.tsetlin");
        clf.save(&path).expect("save");
        let back = TextClassifier::load(&path).expect("load");
        let texts = crate::synth::clinical_notes(50, 8).texts;
        assert_eq!(
            clf.class_sums(&texts).expect("sums"),
            back.class_sums(&texts).expect("sums")
        );
        assert_eq!(clf.class_names(), back.class_names());
    }

    #[test]
    fn explanation_adds_up() {
        let clf = trained();
        let text = &crate::synth::clinical_notes(5, 9).texts[0];
        let e = clf.explain(text).expect("explain");
        let mut sums = vec![0i64; clf.class_names().len()];
        for f in &e.fired {
            sums[f.rule.class] += f.vote;
        }
        assert_eq!(sums, e.class_sums);
        assert_eq!(
            clf.predict(std::slice::from_ref(text)).expect("predict")[0],
            e.predicted
        );
    }

    #[test]
    fn wrong_files_are_refused_with_their_name() {
        let clf = trained();
        let engine = clf.machine.to_bytes().expect("bytes");
        let err = TextClassifier::from_bytes(&engine, Path::new("m.bin")).expect_err("engine");
        assert!(
            err.to_string()
                .contains("m.bin: this is a bare engine model"),
            "{err}"
        );
        let mut bytes = clf.to_bytes().expect("bytes");
        let n = bytes.len();
        bytes[n / 2] ^= 1;
        let err = TextClassifier::from_bytes(&bytes, Path::new("m.bin")).expect_err("flip");
        assert!(err.to_string().contains("checksum"), "{err}");
    }

    /// A classifier file written by the code of 2026-12-01 (engine format v1, with deferred
    /// steps and epoch timings) still loads and predicts as it did then.
    #[test]
    fn files_of_the_first_format_still_load() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/v1_classifier.tsetlin");
        let clf = TextClassifier::load(&path).expect("loads");
        let texts = [
            "rash and hives after penicillin",
            "chest pain troponin",
            "fever sepsis culture",
        ];
        assert_eq!(
            clf.class_sums(&texts).expect("sums"),
            vec![6, 0, -5, -4, 12, -8, 0, 0, 0]
        );
        assert!(clf.history.iter().all(|h| h.seconds.is_some()));
        // Saved again: the current formats, no timings, and the same predictions.
        let back = TextClassifier::from_bytes(&clf.to_bytes().expect("bytes"), &path).expect("v2");
        assert!(back.history.iter().all(|h| h.seconds.is_none()));
        assert_eq!(
            back.class_sums(&texts).expect("sums"),
            clf.class_sums(&texts).expect("sums")
        );
    }
}
