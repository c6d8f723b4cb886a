//! One rung of one candidate, run on its own: what a distributed search's trial does between
//! two of its scheduler's decisions (the Python package's Ray Tune trials). The trial keeps
//! nothing in memory between rungs: the [`Checkpoint`] carries the fold machines and their
//! curves, so that a paused trial can resume in another process or on another node, and the
//! rung trains exactly as the local search's would ([`super::search::search`] keeps its
//! trainees in memory instead; the two give the same [`Outcome`]).

use super::search::{Outcome, SearchOptions, SearchPlan};
use super::trainee::{patience, Trained, Trainee};
use crate::error::{Error, Result};
use tsetlin_core::Control;

/// A candidate between rungs: its fold machines in the model format and each fold's
/// validation score per epoch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checkpoint {
    /// One saved machine per fold ([`Trainee::models`]).
    pub models: Vec<Vec<u8>>,
    /// Each fold's validation curve ([`Trainee::per_fold`]).
    pub per_fold: Vec<Vec<f64>>,
}

/// What one rung of a candidate left.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Everything the rung decisions rank it by ([`super::search::survivors`]).
    pub outcome: Outcome,
    /// Where its next rung starts.
    pub checkpoint: Checkpoint,
    /// How the rung's training ended ([`Trained::Done`] for a candidate that had already
    /// converged and was not trained again).
    pub ended: Trained,
}

impl SearchPlan {
    /// Trains candidate `id` through rung `rung` from `prior` (its outcome and checkpoint
    /// after the previous rung; `None` in its first rung, [`SearchPlan::first_rung`]), as the
    /// local search does: a candidate that converged earlier is carried to the rung untrained,
    /// the others train to the rung's epochs with the local search's patience. `options.stop`
    /// interrupts it ([`Trained::Interrupted`], the epochs done kept).
    pub fn advance(
        &self,
        id: usize,
        rung: usize,
        prior: Option<(Outcome, Checkpoint)>,
        options: &SearchOptions,
    ) -> Result<Step> {
        let Some(&target) = self.rungs.get(rung) else {
            return Err(Error::InvalidInput(format!(
                "rung {rung}: the plan has {}",
                self.rungs.len()
            )));
        };
        let last = rung + 1 == self.rungs.len();
        let (settings, view) = self.candidate(id)?;
        let first = self.first_rung(id);
        if rung < first {
            return Err(Error::InvalidInput(format!(
                "candidate {id} is a drop twin: it starts in rung {first}, not {rung}"
            )));
        }
        let (mut outcome, checkpoint) = match prior {
            Some((outcome, checkpoint)) => {
                if outcome.rung >= rung {
                    return Err(Error::InvalidInput(format!(
                        "candidate {id}: rung {rung} after rung {} (rungs run in order)",
                        outcome.rung
                    )));
                }
                (outcome, Some(checkpoint))
            }
            None if rung > first => {
                return Err(Error::InvalidInput(format!(
                    "candidate {id}: rung {rung} without the checkpoint of rung {}",
                    rung - 1
                )))
            }
            None => (Outcome::default(), None),
        };
        outcome.rung = rung;
        if outcome.converged {
            return Ok(Step {
                outcome,
                checkpoint: checkpoint.unwrap_or_default(),
                ended: Trained::Done,
            });
        }
        let mut trainee = match checkpoint {
            Some(c) => Trainee::resume(
                &self.views[view],
                settings,
                &c.models,
                c.per_fold,
                options.threads,
            )?,
            None => self.trainee(id, options)?,
        };
        let ended = trainee.train_to(
            target,
            patience(target, last),
            options.stop.clone(),
            |_, _| Control::Continue,
        )?;
        outcome.curve = trainee.curve();
        outcome.mean_literals = Some(trainee.mean_literals());
        outcome.converged = ended == Trained::Converged;
        Ok(Step {
            outcome,
            checkpoint: Checkpoint {
                models: trainee.models()?,
                per_fold: trainee.per_fold().to_vec(),
            },
            ended,
        })
    }
}
