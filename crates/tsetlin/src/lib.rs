//! Text pipeline for the Tsetlin machine (Berge et al., IEEE Access 2019): corpus readers,
//! a deterministic tokenizer and featurizer (n-grams, document-frequency cut, chi-squared or
//! mutual-information selection), evaluation metrics, classical baselines on the same binary
//! features, and a synthetic clinical-notes corpus with planted rules.

pub mod baselines;
pub mod classifier;
pub mod error;
pub mod featurize;
pub mod io;
pub mod metrics;
pub mod multi_label;
pub mod rng;
pub mod rules;
pub mod split;
pub mod synth;
pub mod text_scorer;
pub mod training;
pub mod tune;

pub use classifier::{EpochRecord, TextClassifier, TextExplanation};
pub use error::{Error, Result};
pub use text_scorer::TextScorer;
pub use tsetlin_core::SparseRows;
