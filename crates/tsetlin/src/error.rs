//! The crate's single error type.
//!
//! Every error that comes from user-supplied data names where it came from (file, and for
//! line-oriented formats the 1-based line), because the user has to find and fix it.

use std::path::PathBuf;

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Refuses `n` documents (`what`: "texts", "rows") that come with `sets` label sets instead
/// of one each.
pub(crate) fn one_label_set_each(what: &str, n: usize, sets: usize) -> Result<()> {
    if n == sets {
        return Ok(());
    }
    Err(Error::InvalidInput(format!(
        "{n} {what} but {sets} label sets"
    )))
}

/// Everything that can go wrong in the text pipeline.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Opening, reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line (or record) of an input file is malformed.
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        /// The file being read.
        path: PathBuf,
        /// 1-based line number of the bad line.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// A column or field named in the options does not exist in the file.
    #[error("{}: no column {name:?}; available columns: {}", path.display(), available.join(", "))]
    UnknownColumn {
        /// The file being read.
        path: PathBuf,
        /// The requested column name.
        name: String,
        /// The columns the header does have.
        available: Vec<String>,
    },
    /// A file or corpus contains no documents at all.
    #[error("{}: no documents found", path.display())]
    Empty {
        /// The empty file or folder.
        path: PathBuf,
    },
    /// The file format could not be determined from the name.
    #[error("{}: cannot tell the format from the name (expected .jsonl, .json, .ndjson, .csv, .tsv, optionally .gz, or a folder)", path.display())]
    UnknownFormat {
        /// The file whose format is unknown.
        path: PathBuf,
    },
    /// A label that the label set does not know (for example one seen only in the test split).
    #[error("unknown label {label:?} (known labels: {})", known.join(", "))]
    UnknownLabel {
        /// The unknown label.
        label: String,
        /// The labels the set knows.
        known: Vec<String>,
    },
    /// Input that is structurally invalid for an operation (mismatched lengths, no classes...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A classifier file that cannot be decoded (wrong kind, damaged, newer version).
    #[error("{}: {message}", path.display())]
    ModelFile {
        /// The model file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// An error from the Tsetlin machine engine.
    #[error(transparent)]
    Core(#[from] tsetlin_core::TmError),
}

impl Error {
    /// Builds an [`Error::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// An engine error met while reading or writing `path`: its I/O errors name the file.
    pub(crate) fn core_at(path: impl Into<PathBuf>, e: tsetlin_core::TmError) -> Self {
        match e {
            tsetlin_core::TmError::Io(source) => Error::io(path, source),
            other => Error::Core(other),
        }
    }

    /// Builds an [`Error::Parse`] for `path` at 1-based `line`.
    pub(crate) fn parse(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Error::Parse {
            path: path.into(),
            line,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_names_file_and_line() {
        let e = Error::parse("data.jsonl", 17, "missing field \"label\"");
        assert_eq!(e.to_string(), "data.jsonl:17: missing field \"label\"");
    }

    #[test]
    fn unknown_column_lists_available() {
        let e = Error::UnknownColumn {
            path: "a.csv".into(),
            name: "txt".into(),
            available: vec!["label".into(), "text".into()],
        };
        assert_eq!(
            e.to_string(),
            "a.csv: no column \"txt\"; available columns: label, text"
        );
    }
}
