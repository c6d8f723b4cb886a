//! The training loop shared by `train`, `demo` and `bench`: epochs with a progress bar,
//! per-epoch train/validation accuracy recorded as history, early stopping that keeps the best
//! machine, and a clean stop on Ctrl-C.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use tsetlin::EpochRecord;
use tsetlin_core::{Control, FitOptions, SparseRows, TsetlinMachine};

use crate::output::{pct, secs, Log};

/// Rows and labels to score after each epoch.
pub struct Scored<'a> {
    /// The rows.
    pub x: &'a SparseRows,
    /// Their class ids.
    pub y: &'a [u32],
}

/// How one training run goes.
pub struct Plan<'a> {
    /// Epochs to train.
    pub epochs: usize,
    /// Stop when validation accuracy has not improved for this many epochs, and keep the
    /// best machine (needs `valid`).
    pub patience: Option<usize>,
    /// Training rows scored after each epoch (a fixed sample keeps this cheap), if any.
    pub train_probe: Option<Scored<'a>>,
    /// Validation (or test) rows scored after each epoch, if any.
    pub valid: Option<Scored<'a>>,
    /// Set by Ctrl-C: training stops cleanly mid-epoch.
    pub stop: Option<Arc<AtomicBool>>,
}

/// What a training run did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Epochs completed.
    pub epochs: usize,
    /// Whether Ctrl-C ended training.
    pub interrupted: bool,
    /// With early stopping: the epoch whose machine was kept (1-based, within `history`).
    pub best_epoch: Option<usize>,
    /// Whether early stopping ended training before the last epoch.
    pub stopped_early: bool,
    /// Wall-clock seconds spent in training passes (scoring excluded).
    pub train_seconds: f64,
}

/// Trains `machine` on `(x, y)` according to `plan`, appending one record per epoch to
/// `history`. With early stopping, the machine left behind is the best one seen.
pub fn run(
    machine: &mut TsetlinMachine,
    history: &mut Vec<EpochRecord>,
    x: &SparseRows,
    y: &[u32],
    plan: &Plan<'_>,
    log: &Log,
) -> Result<Outcome> {
    let bar = log.bar(plan.epochs as u64, "training");
    let offset = history.len();
    let mut best: Option<(f64, usize, TsetlinMachine)> = None;
    let mut failure: Option<anyhow::Error> = None;
    let mut train_seconds = 0.0;
    let mut stopped_early = false;
    let started = Instant::now();
    let options = FitOptions {
        epochs: plan.epochs,
        shuffle: true,
        stop: plan.stop.clone(),
    };
    let summary = machine
        .fit(x, y, &options, |tm, info| {
            train_seconds += info.seconds;
            let score = |s: &Option<Scored<'_>>| -> Result<Option<f64>> {
                s.as_ref()
                    .map(|s| tm.accuracy(s.x, s.y))
                    .transpose()
                    .context("scoring an epoch")
            };
            let (train_acc, valid_acc) = match (score(&plan.train_probe), score(&plan.valid)) {
                (Ok(t), Ok(v)) => (t, v),
                (Err(e), _) | (_, Err(e)) => {
                    failure = Some(e);
                    return Control::Stop;
                }
            };
            let epoch = offset + info.epoch;
            history.push(EpochRecord {
                epoch,
                seconds: Some(info.seconds),
                train_accuracy: train_acc,
                valid_accuracy: valid_acc,
            });
            let mut msg = format!("epoch {epoch}: {}", secs(info.seconds));
            if let Some(a) = train_acc {
                msg.push_str(&format!(", train {}", pct(a)));
            }
            if let Some(a) = valid_acc {
                msg.push_str(&format!(", valid {}", pct(a)));
            }
            bar.set_message(msg.clone());
            bar.inc(1);
            if !log.bars_visible() {
                log.info(&msg);
            }
            if let (Some(patience), Some(acc)) = (plan.patience, valid_acc) {
                let improved = best.as_ref().is_none_or(|(b, _, _)| acc > *b);
                if improved {
                    best = Some((acc, epoch, tm.clone()));
                } else if best.as_ref().is_some_and(|(_, e, _)| epoch - e >= patience) {
                    stopped_early = true;
                    return Control::Stop;
                }
            }
            Control::Continue
        })
        .context("training failed")?;
    bar.finish_and_clear();
    if let Some(e) = failure {
        return Err(e);
    }
    let mut best_epoch = None;
    if let Some((acc, epoch, tm)) = best {
        if epoch != offset + summary.epochs || summary.interrupted {
            log.info(&format!(
                "keeping the machine of epoch {epoch} (best validation accuracy {})",
                pct(acc)
            ));
            *machine = tm;
        }
        best_epoch = Some(epoch);
    }
    log.info(&format!(
        "trained {} epoch(s) in {}",
        summary.epochs,
        secs(started.elapsed().as_secs_f64())
    ));
    Ok(Outcome {
        epochs: summary.epochs,
        interrupted: summary.interrupted,
        best_epoch,
        stopped_early,
        train_seconds,
    })
}

/// Installs the Ctrl-C handler: the first interrupt sets the returned flag (training stops
/// cleanly and the caller saves what it has), a second one aborts at once.
pub fn interrupt_flag(log: &Log) -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let handler_flag = Arc::clone(&flag);
    let quiet = log.quiet;
    let installed = ctrlc::set_handler(move || {
        if handler_flag.swap(true, Ordering::SeqCst) {
            eprintln!("\ninterrupted again: aborting without saving");
            std::process::exit(130);
        }
        if !quiet {
            eprintln!("\ninterrupt: stopping training cleanly (Ctrl-C again to abort)");
        }
    });
    if let Err(e) = installed {
        log.warn(&format!(
            "cannot catch Ctrl-C ({e}); an interrupt will end the program"
        ));
    }
    flag
}

/// Up to `max` rows of `(x, y)` taken at evenly spaced positions (a deterministic probe for
/// per-epoch training accuracy that stays cheap on large corpora).
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
