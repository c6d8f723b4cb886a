//! A [`SearchPlan`] and a trial's [`Checkpoint`] as bytes, so that a search run elsewhere (a
//! Ray Tune trial in another process or on another node) gets the very rows, candidates and
//! rungs its driver planned, without featurizing the corpus again, and a paused trial resumes
//! where it stopped. The file framing is the project's one ([`tsetlin_core::format::frame`]:
//! magic, version, CRC-32); the bodies are postcard.

use serde::{Deserialize, Serialize};
use tsetlin_core::format::{frame, unframe};
use tsetlin_core::{LabelSets, SparseRows};

use super::search::{FeatureView, FoldLabels, FoldRows, SearchPlan};
use super::settings::Settings;
use super::step::Checkpoint;
use crate::error::{Error, Result};

const MAGIC: &[u8; 8] = b"TMSPLAN\0";
/// Version 2 added the drop twins (`starters`); a plan lives only between a driver and its
/// trials, so a version-1 plan is refused rather than read.
const VERSION: u32 = 2;
const CHECKPOINT_MAGIC: &[u8; 8] = b"TMSCHKP\0";
const CHECKPOINT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Rows {
    n_features: usize,
    indptr: Vec<usize>,
    indices: Vec<u32>,
}

#[derive(Serialize, Deserialize)]
enum Labels {
    Classes(Vec<u32>),
    Sets {
        n_labels: usize,
        rows: Vec<Vec<u32>>,
    },
}

#[derive(Serialize, Deserialize)]
struct Fold {
    x_train: Rows,
    y_train: Labels,
    x_valid: Rows,
    y_valid: Labels,
    ranking: Vec<u32>,
}

#[derive(Serialize, Deserialize)]
struct View {
    ngram_max: usize,
    folds: Vec<Fold>,
}

#[derive(Serialize, Deserialize)]
struct Body {
    n_classes: usize,
    views: Vec<View>,
    candidates: Vec<(Settings, usize)>,
    starters: usize,
    rungs: Vec<usize>,
    validation: String,
}

fn rows_of(x: &SparseRows) -> Rows {
    Rows {
        n_features: x.n_features(),
        indptr: x.indptr().to_vec(),
        indices: x.indices().to_vec(),
    }
}

fn labels_of(y: &FoldLabels) -> Labels {
    match y {
        FoldLabels::Classes(c) => Labels::Classes(c.clone()),
        FoldLabels::Sets(s) => Labels::Sets {
            n_labels: s.n_labels(),
            rows: s.iter().map(<[u32]>::to_vec).collect(),
        },
    }
}

fn labels_from(y: Labels) -> Result<FoldLabels> {
    Ok(match y {
        Labels::Classes(c) => FoldLabels::Classes(c),
        Labels::Sets { n_labels, rows } => FoldLabels::Sets(LabelSets::from_rows(n_labels, &rows)?),
    })
}

fn labels_len(y: &FoldLabels) -> usize {
    match y {
        FoldLabels::Classes(c) => c.len(),
        FoldLabels::Sets(s) => s.n_rows(),
    }
}

impl SearchPlan {
    /// The plan in its byte form ([`SearchPlan::from_bytes`] reads it back equal).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let body = Body {
            n_classes: self.n_classes,
            views: self
                .views
                .iter()
                .map(|v| View {
                    ngram_max: v.ngram_max,
                    folds: v
                        .folds
                        .iter()
                        .map(|f| Fold {
                            x_train: rows_of(&f.x_train),
                            y_train: labels_of(&f.y_train),
                            x_valid: rows_of(&f.x_valid),
                            y_valid: labels_of(&f.y_valid),
                            ranking: f.ranking.clone(),
                        })
                        .collect(),
                })
                .collect(),
            candidates: self.candidates.clone(),
            starters: self.starters,
            rungs: self.rungs.clone(),
            validation: self.validation.clone(),
        };
        let encoded = postcard::to_stdvec(&body)
            .map_err(|e| Error::InvalidInput(format!("encoding a search plan: {e}")))?;
        Ok(frame(MAGIC, VERSION, &encoded))
    }

    /// Reads [`SearchPlan::to_bytes`], checking the frame and that every candidate's view,
    /// every fold's labels and every rung make sense (a damaged plan is an error, never a
    /// panic in a trial).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let framed = unframe(bytes, MAGIC, "tsetlin search plan", VERSION)
            .map_err(|e| Error::InvalidInput(format!("a damaged search plan: {e}")))?;
        if framed.version != VERSION {
            return Err(Error::InvalidInput(format!(
                "a search plan of format version {} (this build reads {VERSION}): plan the search again with this build",
                framed.version
            )));
        }
        let body: Body = postcard::from_bytes(framed.body)
            .map_err(|e| Error::InvalidInput(format!("a damaged search plan: {e}")))?;
        let views = body
            .views
            .into_iter()
            .map(|v| {
                let folds = v
                    .folds
                    .into_iter()
                    .map(|f| {
                        let x_train = SparseRows::from_csr(
                            f.x_train.n_features,
                            &f.x_train.indptr,
                            &f.x_train.indices,
                        )?;
                        let x_valid = SparseRows::from_csr(
                            f.x_valid.n_features,
                            &f.x_valid.indptr,
                            &f.x_valid.indices,
                        )?;
                        let (y_train, y_valid) = (labels_from(f.y_train)?, labels_from(f.y_valid)?);
                        if labels_len(&y_train) != x_train.n_rows()
                            || labels_len(&y_valid) != x_valid.n_rows()
                            || x_train.n_features() != x_valid.n_features()
                            || f.ranking.len() != x_train.n_features()
                            || f.ranking
                                .iter()
                                .any(|&k| k as usize >= x_train.n_features())
                        {
                            return Err(Error::InvalidInput(
                                "a damaged search plan: a fold's rows, labels and ranking disagree"
                                    .to_string(),
                            ));
                        }
                        Ok(FoldRows {
                            x_train,
                            y_train,
                            x_valid,
                            y_valid,
                            ranking: f.ranking,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(FeatureView {
                    ngram_max: v.ngram_max,
                    folds,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let folds = views.first().map(|v| v.folds.len());
        if body.candidates.is_empty()
            || body.starters == 0
            || body.starters > body.candidates.len()
            || body.rungs.is_empty()
            || body.rungs.windows(2).any(|w| w[0] >= w[1])
            || body.rungs[0] == 0
            || folds.is_none_or(|k| k == 0)
            || views.iter().any(|v| Some(v.folds.len()) != folds)
            || body.candidates.iter().any(|(_, v)| *v >= views.len())
        {
            return Err(Error::InvalidInput(
                "a damaged search plan: no candidates or folds, more starters than candidates, rungs out of order, or a candidate without its view"
                    .to_string(),
            ));
        }
        Ok(SearchPlan {
            views,
            n_classes: body.n_classes,
            candidates: body.candidates,
            starters: body.starters,
            rungs: body.rungs,
            validation: body.validation,
        })
    }
}

#[derive(Serialize, Deserialize)]
struct CheckpointBody {
    models: Vec<Vec<u8>>,
    per_fold: Vec<Vec<f64>>,
}

impl Checkpoint {
    /// The checkpoint in its byte form ([`Checkpoint::from_bytes`] reads it back equal).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let body = CheckpointBody {
            models: self.models.clone(),
            per_fold: self.per_fold.clone(),
        };
        let encoded = postcard::to_stdvec(&body)
            .map_err(|e| Error::InvalidInput(format!("encoding a search checkpoint: {e}")))?;
        Ok(frame(CHECKPOINT_MAGIC, CHECKPOINT_VERSION, &encoded))
    }

    /// Reads [`Checkpoint::to_bytes`], checking the frame and that there is one curve per
    /// machine (the machines themselves are checked when a trainee resumes from them).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let damaged = |e: String| Error::InvalidInput(format!("a damaged search checkpoint: {e}"));
        let framed = unframe(
            bytes,
            CHECKPOINT_MAGIC,
            "tsetlin search checkpoint",
            CHECKPOINT_VERSION,
        )
        .map_err(|e| damaged(e.to_string()))?;
        let body: CheckpointBody =
            postcard::from_bytes(framed.body).map_err(|e| damaged(e.to_string()))?;
        if body.models.len() != body.per_fold.len() {
            return Err(damaged(format!(
                "{} machines but {} curves",
                body.models.len(),
                body.per_fold.len()
            )));
        }
        Ok(Checkpoint {
            models: body.models,
            per_fold: body.per_fold,
        })
    }
}
