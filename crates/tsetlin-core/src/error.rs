//! The one error type of the engine.

use thiserror::Error;

/// Everything the engine can refuse. Each variant names the offending value, so that a
/// caller (the CLI, the Python bindings) can show it to a person as it is.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TmError {
    /// A hyper-parameter is out of its valid range.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// The parameter's name as the builder spells it.
        name: &'static str,
        /// The rejected value, formatted.
        value: String,
        /// What the valid range is.
        reason: &'static str,
    },
    /// The data handed to `fit`/`predict` does not match the machine or is malformed.
    #[error("invalid data: {0}")]
    InvalidData(String),
    /// A row contains a feature id that the machine does not have.
    #[error(
        "row {row}: feature id {feature} is out of range (the machine has {n_features} features)"
    )]
    FeatureOutOfRange {
        /// Row index within the batch.
        row: usize,
        /// The offending feature id.
        feature: u32,
        /// Number of features of the machine.
        n_features: usize,
    },
    /// A label is not a class of the machine.
    #[error("row {row}: label {label} is out of range (the machine has {n_classes} classes)")]
    LabelOutOfRange {
        /// Row index within the batch.
        row: usize,
        /// The offending label.
        label: u32,
        /// Number of classes of the machine.
        n_classes: usize,
    },
    /// The settings ask for more memory than the limit (see [`crate::memory`]).
    #[error(
        "a machine of {what} would need {} of memory, more than the limit of {} ({source_of_limit}); \
         use fewer clauses, classes or features, or raise the limit with TSETLIN_MAX_MEMORY (e.g. 64G)",
        crate::memory::human(*needed),
        crate::memory::human(*limit)
    )]
    TooLarge {
        /// The sizes, in words ("3 classes x 10^8 clauses over 5,000 features").
        what: String,
        /// Estimated bytes.
        needed: u128,
        /// The limit in bytes.
        limit: u128,
        /// Where the limit comes from.
        source_of_limit: String,
    },
    /// A model file could not be decoded.
    #[error("model file: {0}")]
    Format(String),
    /// Reading or writing a model file failed.
    #[error("model file I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The requested device cannot run here (e.g. CUDA in a build without it).
    #[error("device unavailable: {0}")]
    DeviceUnavailable(String),
    /// Training was stopped by the caller (a callback or an interrupt).
    #[error("training interrupted")]
    Interrupted,
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, TmError>;
