//! The plain data model a report is rendered from.
//!
//! It deliberately mirrors nothing of the engine's internal representation:
//! the CLI (or any other producer) fills it from a trained model, and this
//! crate only renders it. Every type is `serde`-serialisable, and the field
//! order below is the key order of [`crate::to_json`], so the JSON output is
//! stable across runs.
//!
//! Index conventions: a *class index* is a position in [`ReportData::classes`];
//! a *feature id* is a position in [`ReportData::features`]; a *clause id* is
//! [`ClauseRule::id`] (unique, not necessarily equal to the position in
//! [`ReportData::clauses`]).

use serde::{Deserialize, Serialize};

/// Version of this data model; bumped on incompatible changes so that a page
/// or a consumer of `--format json` can tell which layout it reads. Version 2
/// added multi-label reports ([`ReportData::multi_label`]): a reader of version
/// 1 would take their documents' `predicted` (the top-scoring label) for the
/// decision. Version 1 data still deserialises (the additions are optional).
pub const SCHEMA_VERSION: u32 = 2;

/// Everything a report shows about one trained model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportData {
    /// Version of this layout; [`SCHEMA_VERSION`] when produced by this crate.
    pub schema_version: u32,
    /// Title shown at the top of the report (e.g. the model file name).
    pub title: String,
    /// Which tool produced the report.
    pub generated_by: GeneratedBy,
    /// Class names; a class index is a position in this list.
    pub classes: Vec<String>,
    /// Feature id -> term, e.g. `"rash"`, or `"not good"` for a bigram.
    pub features: Vec<String>,
    /// How text is turned into features, so that the page can evaluate
    /// pasted text exactly like the model's pipeline.
    pub tokenizer: TokenizerSpec,
    /// All clauses of the model (empty clauses may be left out: they never
    /// vote when predicting).
    pub clauses: Vec<ClauseRule>,
    /// Quality on the evaluated data, when labels were available.
    pub metrics: Option<MetricsSpec>,
    /// Accuracy per training epoch; empty when unknown.
    pub learning_curve: Vec<EpochPoint>,
    /// Example documents with their explanations.
    pub documents: Vec<DocExplanation>,
    /// Hyper-parameters and other key/value facts, shown as given, in order.
    pub settings: Vec<Setting>,
    /// Present for a multi-label model: how a label set is decided from the
    /// class sums. Absent: one class per document, the largest sum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_label: Option<MultiLabelSpec>,
}

/// How a multi-label model decides: label `c` is predicted when its class sum
/// is above `thresholds[c]` (strictly; the engine's `decide_labels`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiLabelSpec {
    /// One threshold per class, in class order.
    pub thresholds: Vec<i64>,
    /// Where the thresholds were chosen, e.g. "the last 20 % of the training file".
    pub chosen_on: String,
}

impl MultiLabelSpec {
    /// The labels decided from `sums`, in class order.
    pub fn decide(&self, sums: &[i64]) -> Vec<usize> {
        tsetlin_core::decide_labels(sums, &self.thresholds)
            .into_iter()
            .map(|c| c as usize)
            .collect()
    }
}

/// The producer of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedBy {
    /// Tool name, e.g. `"tsetlin"`.
    pub tool: String,
    /// Tool version, e.g. `"0.1.0"`.
    pub version: String,
}

/// The text-to-features pipeline, in the order its steps are applied:
/// HTML breaks -> Unicode word segmentation -> lowercase -> stop words ->
/// (stemming) -> n-grams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenizerSpec {
    /// Lowercase every token (Unicode full lowercase mapping).
    pub lowercase: bool,
    /// Longest n-gram; 1 means unigrams only. N-grams are space-joined runs of
    /// consecutive tokens *after* stop-word removal.
    pub ngram_max: usize,
    /// Tokens dropped before n-grams are formed (compared after lowercasing).
    pub stop_words: Vec<String>,
    /// Whether tokens were stemmed. The page cannot reproduce stemming, so it
    /// disables its paste box when this is set.
    pub stem: bool,
    /// Replace HTML line breaks (`<br>`, `<br/>`, `<br />`, any case) by
    /// spaces before segmenting, as in IMDB-style corpora.
    pub strip_html_breaks: bool,
}

/// One clause, rendered as a rule: `AND` of its literals `->` (NOT) class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClauseRule {
    /// Unique clause id (stable across the report: documents refer to it).
    pub id: u32,
    /// Class index this clause votes for (or against).
    pub class: usize,
    /// `+1`: votes for the class; `-1`: votes against it.
    pub polarity: i8,
    /// Vote weight (1 for an unweighted machine).
    pub weight: u32,
    /// Feature ids that must be present for the clause to fire.
    pub positive: Vec<u32>,
    /// Feature ids that must be absent for the clause to fire.
    pub negated: Vec<u32>,
    /// Number of evaluated documents on which the clause fired, if measured.
    pub coverage: Option<usize>,
    /// Among the documents where it fired, the fraction whose true label
    /// agrees with the clause's polarity (is the class for `+1`, is not the
    /// class for `-1`; for a multi-label model: whose true set holds the
    /// class, or not), if measured.
    pub precision: Option<f64>,
}

/// Classification quality on the evaluated data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsSpec {
    /// Fraction of documents predicted correctly.
    pub accuracy: f64,
    /// Unweighted mean of per-class precision.
    pub macro_precision: f64,
    /// Unweighted mean of per-class recall.
    pub macro_recall: f64,
    /// Unweighted mean of per-class F1.
    pub macro_f1: f64,
    /// One entry per class, in class order.
    pub per_class: Vec<ClassMetrics>,
    /// `confusion[true][predicted]` document counts (empty for a multi-label
    /// model: a confusion matrix is not defined for label sets).
    pub confusion: Vec<Vec<usize>>,
    /// The label-set figures of a multi-label model (then `accuracy` is the
    /// subset accuracy and `per_class` holds each label's figures).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_label: Option<MultiLabelMetricsSpec>,
}

/// Label-set quality of a multi-label model on the evaluated data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiLabelMetricsSpec {
    /// Precision over all (document, label) decisions.
    pub micro_precision: f64,
    /// Recall over all (document, label) decisions.
    pub micro_recall: f64,
    /// Harmonic mean of the micro precision and recall.
    pub micro_f1: f64,
    /// Mean over documents of the F1 of the predicted set against the true set.
    pub example_f1: f64,
    /// Fraction of documents whose predicted set equals the true set.
    pub subset_accuracy: f64,
    /// Fraction of (document, label) decisions that are wrong.
    pub hamming_loss: f64,
}

/// Quality figures of one class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassMetrics {
    /// Of the documents predicted as this class, the fraction that are.
    pub precision: f64,
    /// Of the documents of this class, the fraction predicted as it.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Number of documents whose true label is this class.
    pub support: usize,
}

/// One point of the learning curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochPoint {
    /// Epoch number, starting at 1.
    pub epoch: usize,
    /// Accuracy on the training data after this epoch, if measured.
    pub train_accuracy: Option<f64>,
    /// Accuracy on the validation data after this epoch, if measured.
    pub valid_accuracy: Option<f64>,
    /// Wall-clock seconds the epoch took, when known (a saved model does not keep them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
}

/// One document and how the model decided on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocExplanation {
    /// Caller's id for the document (file name, row number, ...).
    pub id: String,
    /// The raw text, as given to the tokenizer.
    pub text: String,
    /// Class index of the true label, when known (single-label models).
    pub true_label: Option<usize>,
    /// Class index the model predicted: the largest sum (for a multi-label
    /// model only the top-scoring label; its decision is `predicted_labels`).
    pub predicted: usize,
    /// Multi-label models: the true label set, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub true_labels: Option<Vec<usize>>,
    /// Multi-label models: the decided label set (possibly empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicted_labels: Option<Vec<usize>>,
    /// One sum per class, in class order.
    pub class_sums: Vec<i64>,
    /// The clauses that fired on this document (non-empty clauses whose
    /// literals are all true), with their signed votes.
    pub fired: Vec<FiredClause>,
    /// Where the document's features occur in `text`, for highlighting.
    pub spans: Vec<Span>,
}

/// A clause that fired on a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredClause {
    /// [`ClauseRule::id`] of the clause.
    pub clause_id: u32,
    /// `polarity * weight`: what the clause added to its class's sum.
    pub vote: i64,
}

/// An occurrence of a feature in a document's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Byte offset (UTF-8) of the first byte of the occurrence.
    pub start_byte: usize,
    /// Byte offset (UTF-8) one past the last byte of the occurrence.
    pub end_byte: usize,
    /// Feature id of the term found there.
    pub feature: u32,
}

/// A key/value fact about how the model was trained (hyper-parameter, data
/// set size, seed, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    /// Name, e.g. `"clauses"`.
    pub key: String,
    /// Value as it should be shown, e.g. `"2000"`.
    pub value: String,
}

impl Setting {
    /// Builds a setting from anything printable.
    pub fn new(key: impl Into<String>, value: impl ToString) -> Self {
        Setting {
            key: key.into(),
            value: value.to_string(),
        }
    }
}

impl ClauseRule {
    /// A clause without literals never fires when predicting.
    pub fn is_empty(&self) -> bool {
        self.positive.is_empty() && self.negated.is_empty()
    }

    /// The signed vote of the clause when it fires.
    pub fn vote(&self) -> i64 {
        i64::from(self.polarity.signum()) * i64::from(self.weight)
    }
}
