//! The served model: loaded and compiled once, swapped whole on reload.
//!
//! Requests take an `Arc` of the current [`Loaded`] model and keep it for their whole life, so
//! a reload never changes a model under a request that is being answered, and a failed reload
//! leaves the old model serving (the error is kept and shown at `/v1/model`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sha2::{Digest, Sha256};
use tsetlin::{TextClassifier, TextScorer};

use crate::api::SumLabels;

/// A model ready to serve: the compiled scorer with the rules, and what `/v1/model` shows.
/// The training state (the automata) is dropped after compiling: serving needs only the
/// include masks, a small fraction of the memory.
pub struct Loaded {
    /// Compiled once at load; every prediction, explanation and rule listing goes through it.
    pub scorer: TextScorer,
    /// What `/v1/model` says about it.
    pub info: ModelInfo,
    /// The order predictions write class sums in.
    pub sum_labels: Arc<SumLabels>,
}

/// The description of a loaded model.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ModelInfo {
    /// Class labels, in class order.
    pub labels: Vec<String>,
    /// Whether the model predicts label sets (`labels` in predictions) rather than one label.
    pub multi_label: bool,
    /// A multi-label model's per-label thresholds (a label is predicted above its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<std::collections::BTreeMap<String, i64>>,
    /// The settings it was trained with.
    #[schema(value_type = Object)]
    pub settings: serde_json::Value,
    /// Its training log, one record per epoch.
    #[schema(value_type = Vec<Object>)]
    pub history: serde_json::Value,
    /// Format version of the classifier file.
    pub format_version: u32,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Size of the file in bytes.
    pub bytes: usize,
    /// Number of features.
    pub features: usize,
    /// When it was loaded (seconds since the Unix epoch).
    pub loaded_at: u64,
    /// Seconds spent reading, checking and compiling it.
    pub load_seconds: f64,
}

/// A reload that failed: the old model kept serving.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReloadError {
    /// What was wrong (never a path or a stack trace: the file is named by the operator).
    pub message: String,
    /// When (seconds since the Unix epoch).
    pub at: u64,
}

/// Why a model file could not be served.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LoadError(String);

/// The current model and the file it is reloaded from.
pub struct ModelSlot {
    path: PathBuf,
    current: RwLock<Arc<Loaded>>,
    last_error: RwLock<Option<ReloadError>>,
}

impl ModelSlot {
    /// Loads `path`; the server does not start without a model.
    pub fn open(path: &Path) -> Result<Self, LoadError> {
        Ok(Self {
            current: RwLock::new(Arc::new(load(path)?)),
            path: path.to_path_buf(),
            last_error: RwLock::new(None),
        })
    }

    /// The model now serving.
    pub fn current(&self) -> Arc<Loaded> {
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// The last failed reload, if the latest attempt failed.
    pub fn last_error(&self) -> Option<ReloadError> {
        self.last_error
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Reads the file again and swaps it in; on any error the old model stays and the error
    /// is kept for `/v1/model`. Blocking (file reading and compiling): call it off the
    /// request threads.
    pub fn reload(&self) -> Result<ModelInfo, ReloadError> {
        let outcome = load(&self.path);
        let mut last = self.last_error.write().unwrap_or_else(|p| p.into_inner());
        match outcome {
            Ok(loaded) => {
                let info = loaded.info.clone();
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(loaded);
                *last = None;
                Ok(info)
            }
            Err(e) => {
                let error = ReloadError {
                    message: e.0,
                    at: unix_now(),
                };
                *last = Some(error.clone());
                Err(error)
            }
        }
    }
}

/// Reads, validates and compiles a classifier file.
fn load(path: &Path) -> Result<Loaded, LoadError> {
    let started = Instant::now();
    let bytes =
        std::fs::read(path).map_err(|e| LoadError(format!("cannot read the model: {e}")))?;
    // The file is named by the operator; errors shown to clients do not repeat its path.
    let classifier = TextClassifier::from_bytes(&bytes, Path::new("model"))
        .map_err(|e| LoadError(format!("not a usable model: {e}")))?;
    let scorer = classifier.compile();
    let settings = serde_json::to_value(classifier.settings()).unwrap_or_default();
    let history = serde_json::to_value(&classifier.history).unwrap_or_default();
    let sha256 = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let info = ModelInfo {
        labels: classifier.class_names().to_vec(),
        multi_label: classifier.is_multi_label(),
        thresholds: classifier
            .multi_label
            .as_ref()
            .map(|d| d.by_label(classifier.class_names())),
        settings,
        history,
        format_version: u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]),
        sha256,
        bytes: bytes.len(),
        features: classifier.featurizer.n_features(),
        loaded_at: unix_now(),
        load_seconds: started.elapsed().as_secs_f64(),
    };
    Ok(Loaded {
        sum_labels: Arc::new(SumLabels::new(scorer.class_names())),
        scorer,
        info,
    })
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
