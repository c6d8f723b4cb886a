//! One module per subcommand, plus helpers they share.

pub mod bench;
pub mod demo;
pub mod eval;
pub mod explain;
pub mod export;
pub mod predict;
pub mod report;
pub mod rules;
pub mod simplify;
pub mod train;
pub mod tune;

use std::path::Path;

use anyhow::{Context, Result};
use tsetlin::TextClassifier;

/// Loads a classifier file, naming it in the error.
pub fn load_model(path: &Path) -> Result<TextClassifier> {
    TextClassifier::load(path).context("cannot load the model")
}

/// Fails early (before any training) when the model could not be written where asked.
pub fn check_writable_parent(path: &Path, what: &str) -> Result<()> {
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
    Ok(())
}
