//! The one training loop: epochs over the training rows, per-epoch train and validation
//! accuracy recorded as history, early stopping that restores the best epoch's machine, and a
//! clean stop when the stop flag is set (Ctrl-C in the CLI, KeyboardInterrupt in Python). The
//! CLI (`train`, `demo`, `bench`), the settings search's final model and the Python bindings
//! all train through [`fit`]; they differ only in what they show per epoch.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use tsetlin_core::{Control, FitOptions, SparseRows, Targets, TsetlinMachine};

use crate::classifier::EpochRecord;
use crate::error::{Error, Result};

/// Rows and labels scored after each epoch: by accuracy for classes, by micro-F1 at the
/// default thresholds (a label predicted when its sum is above 0) for label sets.
#[derive(Debug, Clone, Copy)]
pub struct Scored<'a> {
    /// The rows.
    pub x: &'a SparseRows,
    /// Their class ids or label sets.
    pub y: Targets<'a>,
}

impl<'a> Scored<'a> {
    /// Rows `x` with their classes (`&[u32]`) or label sets.
    pub fn new(x: &'a SparseRows, y: impl Into<Targets<'a>>) -> Self {
        Self { x, y: y.into() }
    }

    /// The machine's score on these rows (see [`Scored`]).
    pub fn score(&self, tm: &TsetlinMachine) -> Result<f64> {
        match self.y {
            Targets::Classes(y) => Ok(tm.accuracy(self.x, y)?),
            Targets::LabelSets(sets) => {
                let k = tm.n_classes();
                let sums = tm.class_sums(self.x)?;
                let zero = vec![0i64; k];
                let predicted: Vec<Vec<u32>> = sums
                    .chunks_exact(k)
                    .map(|row| tsetlin_core::decide_labels(row, &zero))
                    .collect();
                let truth: Vec<&[u32]> = sets.iter().collect();
                let names: Vec<String> = (0..k).map(|c| c.to_string()).collect();
                Ok(
                    crate::multi_label::MultiLabelMetrics::compute(&truth, &predicted, &names)
                        .micro_f1,
                )
            }
        }
    }
}

/// How one training run goes.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// Epochs to train.
    pub epochs: usize,
    /// Visit the rows in a fresh seeded order each epoch (else in the given order).
    pub shuffle: bool,
    /// Stop when validation accuracy has not improved for this many epochs, and restore the
    /// machine of the best epoch (needs `valid`).
    pub patience: Option<usize>,
    /// Training rows scored after each epoch (see [`probe`]), if any.
    pub train_probe: Option<Scored<'a>>,
    /// Validation rows scored after each epoch, if any.
    pub valid: Option<Scored<'a>>,
    /// When set, training stops cleanly mid-epoch.
    pub stop: Option<Arc<AtomicBool>>,
}

impl Plan<'_> {
    /// `epochs` shuffled epochs, nothing scored, no early stopping, no stop flag.
    pub fn epochs(epochs: usize) -> Self {
        Self {
            epochs,
            shuffle: true,
            patience: None,
            train_probe: None,
            valid: None,
            stop: None,
        }
    }
}

/// What a training run did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Epochs completed in this run.
    pub epochs: usize,
    /// Whether the stop flag ended training.
    pub interrupted: bool,
    /// With early stopping: the best epoch (1-based, over the whole history) and its
    /// validation accuracy.
    pub best: Option<(usize, f64)>,
    /// Whether the machine was put back to the best epoch's (it was not the last one).
    pub restored: bool,
    /// Whether early stopping ended training before the last epoch.
    pub stopped_early: bool,
    /// Wall-clock seconds spent in training passes (scoring excluded).
    pub train_seconds: f64,
}

/// Trains `machine` on `(x, y)` according to `plan`, appending one record per epoch to
/// `history` (epochs numbered after the records already there) and handing each record to
/// `on_epoch` as it is made. `y` is one class per row or a label set per row (multi-label
/// training). With early stopping, the machine left behind is the best one seen. An error
/// scoring an epoch stops training and is returned.
pub fn fit<'t>(
    machine: &mut TsetlinMachine,
    history: &mut Vec<EpochRecord>,
    x: &SparseRows,
    y: impl Into<Targets<'t>>,
    plan: &Plan<'_>,
    mut on_epoch: impl FnMut(&EpochRecord),
) -> Result<Outcome> {
    let y = y.into();
    let offset = history.len();
    let mut best: Option<(f64, usize, TsetlinMachine)> = None;
    let mut failure: Option<Error> = None;
    let mut train_seconds = 0.0;
    let mut stopped_early = false;
    let options = FitOptions {
        epochs: plan.epochs,
        shuffle: plan.shuffle,
        stop: plan.stop.clone(),
        layout: None,
    };
    let summary = machine.fit(x, y, &options, |tm, info| {
        train_seconds += info.seconds;
        let score = |s: &Option<Scored<'_>>| s.map(|s| s.score(tm)).transpose();
        let (train_accuracy, valid_accuracy) = match (score(&plan.train_probe), score(&plan.valid))
        {
            (Ok(t), Ok(v)) => (t, v),
            (Err(e), _) | (_, Err(e)) => {
                failure = Some(e);
                return Control::Stop;
            }
        };
        let epoch = offset + info.epoch;
        let record = EpochRecord {
            epoch,
            seconds: Some(info.seconds),
            train_accuracy,
            valid_accuracy,
        };
        on_epoch(&record);
        history.push(record);
        if let (Some(patience), Some(acc)) = (plan.patience, valid_accuracy) {
            if best.as_ref().is_none_or(|(b, _, _)| acc > *b) {
                best = Some((acc, epoch, tm.clone()));
            } else if best.as_ref().is_some_and(|(_, e, _)| epoch - e >= patience) {
                stopped_early = true;
                return Control::Stop;
            }
        }
        Control::Continue
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    let mut restored = false;
    let best = best.map(|(acc, epoch, tm)| {
        if epoch != offset + summary.epochs || summary.interrupted {
            *machine = tm;
            restored = true;
        }
        (epoch, acc)
    });
    Ok(Outcome {
        epochs: summary.epochs,
        interrupted: summary.interrupted,
        best,
        restored,
        stopped_early,
        train_seconds,
    })
}

/// Up to `max` rows of `(x, y)` taken at evenly spaced positions: a deterministic probe for
/// per-epoch training accuracy that stays cheap on large corpora.
pub fn probe(x: &SparseRows, y: &[u32], max: usize) -> Option<(SparseRows, Vec<u32>)> {
    if max == 0 || x.n_rows() == 0 {
        return None;
    }
    if x.n_rows() <= max {
        return Some((x.clone(), y.to_vec()));
    }
    let idx: Vec<usize> = (0..max).map(|i| i * x.n_rows() / max).collect();
    Some((x.select(&idx), idx.iter().map(|&i| y[i]).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tsetlin_core::Params;

    fn data(n: usize, seed: u64) -> (SparseRows, Vec<u32>) {
        let notes = crate::synth::clinical_notes(n, seed);
        let (clf, x, y) = crate::TextClassifier::prepare(
            &notes.texts,
            &notes.labels,
            &crate::featurize::FeaturizerConfig::default(),
            1,
            |b| b,
        )
        .expect("prepare");
        drop(clf);
        (x, y)
    }

    fn machine(x: &SparseRows, m: usize) -> TsetlinMachine {
        let params = Params::builder(m, x.n_features())
            .clauses(10)
            .threshold(5.0)
            .build()
            .expect("params");
        TsetlinMachine::with_threads(params, 1).expect("machine")
    }

    #[test]
    fn records_every_epoch_after_the_existing_history() {
        let (x, y) = data(200, 1);
        let m = *y.iter().max().expect("labels") as usize + 1;
        let mut tm = machine(&x, m);
        let mut history = Vec::new();
        let mut seen = Vec::new();
        let plan = Plan {
            valid: Some(Scored::new(&x, &y)),
            ..Plan::epochs(3)
        };
        let out = fit(&mut tm, &mut history, &x, &y, &plan, |r| seen.push(r.epoch)).expect("fit");
        assert_eq!((out.epochs, out.interrupted, out.best), (3, false, None));
        let again = fit(&mut tm, &mut history, &x, &y, &Plan::epochs(2), |r| {
            seen.push(r.epoch)
        })
        .expect("fit");
        assert_eq!(again.epochs, 2);
        assert_eq!(seen, vec![1, 2, 3, 4, 5]);
        assert!(history[..3].iter().all(|r| r.valid_accuracy.is_some()));
        assert!(history[3..].iter().all(|r| r.valid_accuracy.is_none()));
    }

    /// Early stopping keeps the machine of the best validation epoch: validation on labels
    /// that contradict training gets worse as training goes on, so the best epoch is early
    /// and its machine is what is left.
    #[test]
    fn early_stopping_restores_the_best_epoch() {
        let (x, y) = data(300, 2);
        let m = *y.iter().max().expect("labels") as usize + 1;
        let flipped: Vec<u32> = y.iter().map(|&l| (l + 1) % m as u32).collect();
        let mut tm = machine(&x, m);
        let mut history = Vec::new();
        let plan = Plan {
            patience: Some(2),
            valid: Some(Scored::new(&x, &flipped)),
            ..Plan::epochs(12)
        };
        let out = fit(&mut tm, &mut history, &x, &y, &plan, |_| {}).expect("fit");
        let (best_epoch, best_acc) = out.best.expect("best");
        let best_seen = history
            .iter()
            .filter_map(|r| r.valid_accuracy)
            .fold(f64::MIN, f64::max);
        assert_eq!(best_acc, best_seen);
        assert_eq!(history[best_epoch - 1].valid_accuracy, Some(best_acc));
        // Whatever epoch training ended on, the machine left is the best epoch's.
        assert_eq!(tm.accuracy(&x, &flipped).expect("acc"), best_acc);
        assert_eq!(out.restored, best_epoch != history.len());
    }

    #[test]
    fn a_set_stop_flag_ends_training_cleanly() {
        let (x, y) = data(100, 3);
        let m = *y.iter().max().expect("labels") as usize + 1;
        let mut tm = machine(&x, m);
        let plan = Plan {
            stop: Some(Arc::new(AtomicBool::new(true))),
            ..Plan::epochs(5)
        };
        let out = fit(&mut tm, &mut Vec::new(), &x, &y, &plan, |_| {}).expect("fit");
        assert!(out.interrupted);
        assert_eq!(out.epochs, 0);
    }

    #[test]
    fn probe_takes_evenly_spaced_rows() {
        let (x, y) = data(50, 4);
        assert!(probe(&x, &y, 0).is_none());
        let (p, py) = probe(&x, &y, 10).expect("probe");
        assert_eq!((p.n_rows(), py.len()), (10, 10));
        assert_eq!(p.row(1), x.row(5));
        assert_eq!(probe(&x, &y, 500).expect("all").0.n_rows(), 50);
    }
}
