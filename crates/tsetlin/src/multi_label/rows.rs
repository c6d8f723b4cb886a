//! Multi-label training on Boolean rows whose features are already fixed (the feature-matrix
//! estimator's path): the plan of [`super::fit_text`] without the featurizer.

use tsetlin_core::{LabelSets, Params, SparseRows, TsetlinMachine};

use super::{
    choose, held_out, plan_epochs, simplify_rows, MultiLabelDecision, MultiLabelOptions, Stage,
};
use crate::classifier::EpochRecord;
use crate::error::{Error, Result};
use crate::rules::SimplifyReport;
use crate::tune::{default_settings, DataProfile, Pinned, Settings};

/// A multi-label machine trained on rows, and how it was made.
#[derive(Debug, Clone)]
pub struct MultiLabelRowsFit {
    /// The machine (one clause bank per label).
    pub machine: TsetlinMachine,
    /// Its per-label thresholds and where they were chosen.
    pub decision: MultiLabelDecision,
    /// The settings it was trained with (epochs: the final run's).
    pub settings: Settings,
    /// The final run's epochs.
    pub history: Vec<EpochRecord>,
    /// The epoch of the best validation micro-F1, when there was validation.
    pub best_epoch: Option<usize>,
    /// Validation micro-F1 at the chosen thresholds (optimistic: chosen on the same rows).
    pub valid_micro_f1: Option<f64>,
    /// What simplifying the rules removed, when `options.simplify`.
    pub simplified: Option<SimplifyReport>,
    /// Whether a stop request ended training early.
    pub interrupted: bool,
}

/// Trains a multi-label machine on rows `x` with label sets `sets` (training data only):
/// settings from `pinned` over the defaults derived from `x`; the last rows held out
/// (`options.valid_fraction`) to choose the epoch count and the thresholds; then, with
/// `options.refit`, the final machine on every row. `options.labels` is not read (the label
/// count is `sets`'s).
pub fn fit_rows(
    x: &SparseRows,
    sets: &LabelSets,
    pinned: &Pinned,
    options: &MultiLabelOptions,
    mut on_epoch: impl FnMut(Stage, &EpochRecord),
) -> Result<MultiLabelRowsFit> {
    pinned.validate()?;
    if x.n_rows() != sets.n_rows() {
        return Err(Error::InvalidInput(format!(
            "{} rows but {} label sets",
            x.n_rows(),
            sets.n_rows()
        )));
    }
    let k = sets.n_labels();
    if k < 2 {
        return Err(Error::InvalidInput(format!(
            "need at least 2 labels, got {k}"
        )));
    }
    let settings = pinned.impose(default_settings(&DataProfile::of_rows(x, k, false)));
    let machine = |epochs: usize| -> Result<(TsetlinMachine, Settings)> {
        let s = Settings {
            epochs,
            ..settings.clone()
        };
        let params = s
            .apply(Params::builder(k, x.n_features()))
            .seed(options.seed)
            .build()?;
        Ok((TsetlinMachine::with_threads(params, options.threads)?, s))
    };
    let n = x.n_rows();
    let (held, fraction) = held_out(n, options)?;
    let (decision, best_epoch, valid_micro_f1, epochs) = if held == 0 {
        let mut d = MultiLabelDecision::untuned(k);
        d.chosen_on = format!("none: {n} training rows are too few to hold any out");
        (d, None, None, settings.epochs)
    } else {
        let cut = n - held;
        let validation = format!(
            "the last {held} of {n} training rows ({:.0} %)",
            fraction * 100.0
        );
        let first: Vec<usize> = (0..cut).collect();
        let last: Vec<usize> = (cut..n).collect();
        let (xt, st, xv, sv) = (
            x.select(&first),
            sets.select(&first),
            x.select(&last),
            sets.select(&last),
        );
        let (mut tm, _) = machine(settings.epochs)?;
        let mut history = Vec::new();
        let chosen = choose(
            &mut tm,
            &mut history,
            (&xt, &st),
            (&xv, &sv),
            settings.epochs,
            &validation,
            options,
            &mut on_epoch,
        )?;
        if !options.refit || chosen.interrupted {
            let simplified = simplify_rows(&mut tm, &xt, &st, options)?;
            return Ok(MultiLabelRowsFit {
                machine: tm,
                decision: chosen.decision,
                settings: Settings {
                    epochs: chosen.best_epoch,
                    ..settings
                },
                history,
                best_epoch: Some(chosen.best_epoch),
                valid_micro_f1: Some(chosen.valid_micro_f1),
                simplified,
                interrupted: chosen.interrupted,
            });
        }
        (
            chosen.decision,
            Some(chosen.best_epoch),
            Some(chosen.valid_micro_f1),
            chosen.best_epoch,
        )
    };
    let (mut tm, final_settings) = machine(epochs)?;
    let mut history = Vec::new();
    let out = crate::training::fit(
        &mut tm,
        &mut history,
        x,
        sets,
        &plan_epochs(epochs, options),
        |r| on_epoch(Stage::Final, r),
    )?;
    let simplified = simplify_rows(&mut tm, x, sets, options)?;
    Ok(MultiLabelRowsFit {
        machine: tm,
        decision,
        settings: final_settings,
        history,
        best_epoch,
        valid_micro_f1,
        simplified,
        interrupted: out.interrupted,
    })
}
