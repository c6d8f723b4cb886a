//! The CLI's face of the library's training loop ([`tsetlin::training::fit`], shared with the
//! settings search and Python): a progress bar and a line per epoch, the message when early
//! stopping keeps an earlier epoch, and the Ctrl-C handler.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use tsetlin::EpochRecord;
use tsetlin_core::{SparseRows, TsetlinMachine};

use crate::output::{pct, secs, Log};

pub use tsetlin::training::{probe, Outcome, Plan, Scored};

/// Trains `machine` on `(x, y)` according to `plan` (see [`tsetlin::training::fit`]),
/// showing each epoch on the progress bar (or as a line when bars are hidden).
pub fn run(
    machine: &mut TsetlinMachine,
    history: &mut Vec<EpochRecord>,
    x: &SparseRows,
    y: &[u32],
    plan: &Plan<'_>,
    log: &Log,
) -> Result<Outcome> {
    let bar = log.bar(plan.epochs as u64, "training");
    let started = Instant::now();
    let outcome = tsetlin::training::fit(machine, history, x, y, plan, |r| {
        let mut msg = format!("epoch {}: {}", r.epoch, secs(r.seconds.unwrap_or(0.0)));
        if let Some(a) = r.train_accuracy {
            msg.push_str(&format!(", train {}", pct(a)));
        }
        if let Some(a) = r.valid_accuracy {
            msg.push_str(&format!(", valid {}", pct(a)));
        }
        bar.set_message(msg.clone());
        bar.inc(1);
        if !log.bars_visible() {
            log.info(&msg);
        }
    })
    .context("training failed")?;
    bar.finish_and_clear();
    if let (true, Some((epoch, acc))) = (outcome.restored, outcome.best) {
        log.info(&format!(
            "keeping the machine of epoch {epoch} (best validation accuracy {})",
            pct(acc)
        ));
    }
    log.info(&format!(
        "trained {} epoch(s) in {}",
        outcome.epochs,
        secs(started.elapsed().as_secs_f64())
    ));
    Ok(outcome)
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
