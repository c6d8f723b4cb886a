//! The terminal display of a settings search: a progress bar over the planned epochs with the
//! current candidate, one line per finished rung, the choice, then the final model's epochs.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use indicatif::ProgressBar;
use tsetlin::tune::{SearchEvent, Settings};

use crate::output::{pct, secs, Log};

/// Turns [`SearchEvent`]s into progress on stderr.
pub struct SearchView {
    log: Log,
    bar: Option<ProgressBar>,
    started: Instant,
    /// Best validation accuracy of each trial so far, and its settings.
    best: BTreeMap<usize, (f64, Settings)>,
    current: Option<(usize, Settings)>,
    /// Cleared when an interrupt ended the search, so that the final model trains and a
    /// second interrupt stops it.
    rearm: Option<Arc<AtomicBool>>,
    /// What the validation score is ("accuracy"; "micro-F1" for multi-label data).
    score: &'static str,
}

impl SearchView {
    /// A display that writes through `log`.
    pub fn new(log: Log) -> Self {
        Self {
            log,
            bar: None,
            started: Instant::now(),
            best: BTreeMap::new(),
            current: None,
            rearm: None,
            score: "accuracy",
        }
    }

    /// Names the validation score `score` in the display (e.g. "micro-F1").
    pub fn scored_by(mut self, score: &'static str) -> Self {
        self.score = score;
        self
    }

    /// After an interrupt ends the search, clear `stop` so that the final model still trains
    /// with the best settings so far (a second interrupt stops it, keeping what it learned).
    pub fn rearm_after_search(mut self, stop: Arc<AtomicBool>) -> Self {
        self.rearm = Some(stop);
        self
    }

    /// Shows one event.
    pub fn on(&mut self, e: &SearchEvent) {
        match e {
            SearchEvent::Planned {
                candidates,
                twins,
                rungs,
                estimated_seconds,
                total_epochs,
            } => {
                let twins = if *twins > 0 {
                    format!(" (and {twins} clause-drop twins of the first rung's survivors)")
                } else {
                    String::new()
                };
                self.log.info(&format!(
                    "choosing settings on the training data: {candidates} candidates{twins}, successive halving at {rungs:?} epochs (planned {} on a 2-core laptop; --budget bounds it, --no-auto skips it)",
                    secs(*estimated_seconds)
                ));
                self.bar = Some(self.log.bar(*total_epochs as u64, "search"));
            }
            SearchEvent::TrialStart {
                trial,
                rung,
                epochs,
                settings,
            } => {
                if let Some(bar) = &self.bar {
                    bar.set_message(format!(
                        "trial {trial}, rung {} (to {epochs} epochs): {}",
                        rung + 1,
                        short(settings)
                    ));
                }
                self.current = Some((*trial, settings.clone()));
            }
            SearchEvent::Epoch {
                trial, accuracy, ..
            } => {
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
                if let Some((_, s)) = self.current.as_ref().filter(|(t, _)| t == trial) {
                    let entry = self.best.entry(*trial).or_insert((*accuracy, s.clone()));
                    if *accuracy > entry.0 {
                        entry.0 = *accuracy;
                    }
                }
            }
            SearchEvent::RungEnd { rung, survivors } => {
                let lead = survivors
                    .first()
                    .and_then(|t| self.best.get(t).map(|b| (t, b)));
                if let Some((t, (acc, s))) = lead {
                    self.message(&format!(
                        "rung {} done after {}: best trial {t} at {} validation {} ({}); {} go on",
                        rung + 1,
                        secs(self.started.elapsed().as_secs_f64()),
                        pct(*acc),
                        self.score,
                        short(s),
                        survivors.len()
                    ));
                }
            }
            SearchEvent::Chosen { settings, cut } => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
                if let Some(cut) = cut {
                    self.log.warn(&format!("settings search: {cut}"));
                    if let Some(stop) = self.rearm.as_ref().filter(|s| s.load(Ordering::SeqCst)) {
                        stop.store(false, Ordering::SeqCst);
                        self.log.warn(
                            "training the final model with them; Ctrl-C again stops it and saves what it learned",
                        );
                    }
                }
                self.log.info(&format!(
                    "chosen in {}: {}; training the final model on all the training data",
                    secs(self.started.elapsed().as_secs_f64()),
                    settings.summary()
                ));
                self.bar = Some(self.log.bar(settings.epochs as u64, "final model"));
            }
            SearchEvent::FinalEpoch {
                epoch,
                epochs,
                seconds,
            } => {
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                    bar.set_message(format!("epoch {epoch}/{epochs}: {}", secs(*seconds)));
                }
                if !self.log.bars_visible() {
                    self.log.info(&format!(
                        "final model epoch {epoch}/{epochs}: {}",
                        secs(*seconds)
                    ));
                }
            }
        }
    }

    /// Clears the bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn message(&self, m: &str) {
        match &self.bar {
            Some(bar) if self.log.bars_visible() => bar.println(m),
            _ => self.log.info(m),
        }
    }
}

/// The searched part of a candidate, briefly.
fn short(s: &Settings) -> String {
    let drop = if s.clause_drop > 0.0 {
        format!(", clause drop {}", s.clause_drop)
    } else {
        String::new()
    };
    format!(
        "{} clauses, T {}, s {}{}{drop}, {}-grams, {} features",
        s.clauses,
        s.threshold,
        s.specificity,
        if s.weighted { ", weighted" } else { "" },
        s.ngram_max,
        s.max_features.map_or("all".to_string(), |k| k.to_string())
    )
}
