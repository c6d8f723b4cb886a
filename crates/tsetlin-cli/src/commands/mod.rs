//! One module per subcommand, plus helpers they share.

pub mod bench;
mod bench_multi_label;
pub mod demo;
mod demo_multi_label;
pub mod eval;
pub mod explain;
pub mod export;
pub mod predict;
pub mod report;
pub mod rules;
pub mod serve;
pub mod simplify;
pub mod train;
pub mod train_multi_label;
pub mod tune;

use std::path::Path;

use anyhow::{Context, Result};
use tsetlin::TextClassifier;

/// Loads a classifier file, naming it in the error.
pub fn load_model(path: &Path) -> Result<TextClassifier> {
    TextClassifier::load(path).context("cannot load the model")
}

/// Fails early (before any work) when the {what} could not be written to `path`: a missing or
/// unwritable folder, a directory in its place, or a file that is one of the command's
/// `inputs` (writing it would destroy the input: `--model data.jsonl`, `--out m.tsetlin`).
pub fn check_output(path: &Path, what: &str, inputs: &[&Path]) -> Result<()> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        anyhow::bail!(
            "cannot write the {what} to {}: the folder {} does not exist",
            path.display(),
            parent.display()
        );
    }
    if let Some(input) = inputs.iter().find(|input| same_file(path, input)) {
        anyhow::bail!(
            "refusing to write the {what} to {}: it is the input {}; choose another output path",
            path.display(),
            input.display()
        );
    }
    // Creating (and dropping) the writer's temporary file proves the folder takes new files.
    tsetlin_core::format::AtomicFile::create(path)
        .with_context(|| format!("cannot write the {what} to {}", path.display()))?;
    Ok(())
}

/// Writes an output file atomically (the whole file or none of it; see [`AtomicFile`]).
///
/// [`AtomicFile`]: tsetlin_core::format::AtomicFile
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    tsetlin_core::format::write_atomically(path, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Whether `a` and `b` name the same existing file (through links and relative paths alike).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        #[cfg(unix)]
        (Ok(ma), Ok(mb)) => {
            use std::os::unix::fs::MetadataExt;
            ma.dev() == mb.dev() && ma.ino() == mb.ino()
        }
        #[cfg(not(unix))]
        (Ok(_), Ok(_)) => match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        },
        _ => false,
    }
}
