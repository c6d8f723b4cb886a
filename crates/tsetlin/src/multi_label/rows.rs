//! Multi-label training on Boolean rows whose features are already fixed (the feature-matrix
//! estimator's path): the plan of [`super::fit_text`] without the featurizer.

use tsetlin_core::{LabelSets, Params, SparseRows, TsetlinMachine};

use super::{
    choose, held_out, plan_epochs, simplify_rows, MultiLabelDecision, MultiLabelOptions, Stage,
};
use crate::classifier::EpochRecord;
use crate::error::{Error, Result};
use crate::rules::SimplifyReport;
use crate::tune::search::project;
use crate::tune::{
    chosen_columns, default_settings, search_rows_multi_label, DataProfile, Pinned, SearchEvent,
    SearchLog, SearchOptions, Settings,
};

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
    /// The settings search, when [`fit_rows_auto`] ran one.
    pub search: Option<SearchLog>,
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
    on_epoch: impl FnMut(Stage, &EpochRecord),
) -> Result<MultiLabelRowsFit> {
    pinned.validate()?;
    crate::error::one_label_set_each("rows", x.n_rows(), sets.n_rows())?;
    let k = sets.n_labels();
    if k < 2 {
        return Err(Error::InvalidInput(format!(
            "need at least 2 labels, got {k}"
        )));
    }
    let settings = pinned.impose(default_settings(&DataProfile::of_rows(x, k, false)));
    // A feature count below the column count: train on the best columns, then widen the
    // machine back to every column (the others never trained), as single-label rows do.
    let Some(columns) = chosen_columns(x, sets, k, &settings) else {
        return train_rows(x, sets, settings, options, on_epoch);
    };
    let mut fit = train_rows(&project(x, &columns), sets, settings, options, on_epoch)?;
    let wide = fit.machine.model().widen(&columns, x.n_features())?;
    fit.machine = TsetlinMachine::from_model(wide, options.threads)?;
    Ok(fit)
}

/// [`fit_rows`] on rows `x` as they are, with `settings` decided.
fn train_rows(
    x: &SparseRows,
    sets: &LabelSets,
    settings: Settings,
    options: &MultiLabelOptions,
    mut on_epoch: impl FnMut(Stage, &EpochRecord),
) -> Result<MultiLabelRowsFit> {
    let k = sets.n_labels();
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
                search: None,
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
        search: None,
    })
}

/// [`fit_rows`] with automatic settings: the search of
/// [`crate::tune::search_rows_multi_label`] (candidates ranked by validation micro-F1, the
/// feature count among the choices), then [`fit_rows`] with the chosen settings pinned.
/// `search`'s seed, threads, stop flag and simplification are replaced by `options`'; with
/// `search.auto` off, or every setting pinned, this is [`fit_rows`].
pub fn fit_rows_auto(
    x: &SparseRows,
    sets: &LabelSets,
    pinned: &Pinned,
    options: &MultiLabelOptions,
    search: &SearchOptions,
    mut on_search: impl FnMut(&SearchEvent),
    on_epoch: impl FnMut(Stage, &EpochRecord),
) -> Result<MultiLabelRowsFit> {
    pinned.validate()?;
    if !search.auto || pinned.is_complete(false) {
        return fit_rows(x, sets, pinned, options, on_epoch);
    }
    let search = options.for_search(search);
    let log = search_rows_multi_label(x, sets, pinned, &search, &mut on_search)?;
    let mut fit = fit_rows(x, sets, &Pinned::all(&log.chosen), options, on_epoch)?;
    fit.search = Some(log);
    Ok(fit)
}
