//! `TsetlinMachine`: a [`Model`] (the trained state) with a [`CpuBackend`] (the threads that
//! train and score it) behind one convenient API: `fit`, `partial_fit`, `predict`,
//! `class_sums`, rules and explanations, save and load.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use crate::backend::CpuBackend;
use crate::bank::ClauseBank;
use crate::bits::planes::LayoutKind;
use crate::data::SparseRows;
use crate::error::{Result, TmError};
use crate::model::Model;
use crate::params::Params;
use crate::rng::{mix_all, stream, Xoshiro256};
use crate::scorer::Scorer;
use crate::targets::Targets;

/// What a per-epoch callback tells [`TsetlinMachine::fit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Train the next epoch.
    Continue,
    /// Stop now (early stopping).
    Stop,
}

/// Progress of [`TsetlinMachine::fit`], handed to its callback after each epoch.
#[derive(Debug, Clone, Copy)]
pub struct EpochInfo {
    /// 1-based epoch number within this call.
    pub epoch: usize,
    /// Epochs asked for.
    pub epochs: usize,
    /// Wall-clock seconds of this epoch.
    pub seconds: f64,
}

/// How [`TsetlinMachine::fit`] runs.
#[derive(Debug, Clone)]
pub struct FitOptions {
    /// Number of epochs.
    pub epochs: usize,
    /// Visit the rows in a fresh seeded order each epoch (else in the given order).
    pub shuffle: bool,
    /// Checked every few steps; when set, training stops cleanly mid-epoch.
    pub stop: Option<Arc<AtomicBool>>,
    /// How the automata are arranged in memory while training: `None` chooses from the
    /// data's density and the model's size ([`LayoutKind::choose`]). Only speed depends on
    /// it, never a result.
    pub layout: Option<LayoutKind>,
}

impl FitOptions {
    /// `epochs` shuffled epochs, no stop flag.
    pub fn epochs(epochs: usize) -> Self {
        Self {
            epochs,
            shuffle: true,
            stop: None,
            layout: None,
        }
    }
}

/// What [`TsetlinMachine::fit`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FitSummary {
    /// Epochs completed.
    pub epochs: usize,
    /// Whether the stop flag ended training.
    pub interrupted: bool,
}

/// A multiclass Tsetlin machine (TM-SPEC): the [`Model`] it trains and the [`CpuBackend`]
/// it trains with. Equal when the models are equal (threads never change results).
#[derive(Debug, Clone)]
pub struct TsetlinMachine {
    model: Model,
    backend: CpuBackend,
}

impl PartialEq for TsetlinMachine {
    fn eq(&self, other: &Self) -> bool {
        self.model == other.model
    }
}

impl TsetlinMachine {
    /// A fresh machine on all cores: every automaton at state `N`, every weight 1.
    pub fn new(params: Params) -> Result<Self> {
        Self::with_threads(params, 0)
    }

    /// A fresh machine on `threads` threads (0: all cores; never changes what is learned).
    pub fn with_threads(params: Params, threads: usize) -> Result<Self> {
        Self::from_model(Model::new(params)?, threads)
    }

    /// A machine that trains and scores `model` on `threads` threads (0: all cores).
    pub fn from_model(model: Model, threads: usize) -> Result<Self> {
        Ok(Self {
            model,
            backend: CpuBackend::new(threads)?,
        })
    }

    /// The trained state.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The trained state, without the threads.
    pub fn into_model(self) -> Model {
        self.model
    }

    /// The hyper-parameters.
    pub fn params(&self) -> &Params {
        self.model.params()
    }

    /// Threads used for training and scoring (0: all cores).
    pub fn threads(&self) -> usize {
        self.backend.threads()
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.model.n_classes()
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.model.n_features()
    }

    /// Examples trained on so far.
    pub fn steps(&self) -> u64 {
        self.model.steps()
    }

    /// The clause bank of class `c`.
    pub fn bank(&self, c: usize) -> &ClauseBank {
        self.model.bank(c)
    }

    /// See [`Model::exclude_literal`].
    pub fn exclude_literal(&mut self, c: usize, j: usize, k: usize) -> Result<()> {
        self.model.exclude_literal(c, j, k)
    }

    /// Changes the number of threads used from now on (never changes results).
    pub fn set_threads(&mut self, threads: usize) -> Result<()> {
        self.backend = CpuBackend::new(threads)?;
        Ok(())
    }

    /// Trains for `options.epochs` epochs, calling `on_epoch` after each; the callback sees the
    /// machine (to score a validation set) and may stop early. `targets` is one class per
    /// row (`&[u32]`, multiclass feedback) or a [`LabelSets`](crate::LabelSets) (multi-label
    /// feedback: every label learns one-vs-rest from its own class sum).
    pub fn fit<'t, F>(
        &mut self,
        x: &SparseRows,
        targets: impl Into<Targets<'t>>,
        options: &FitOptions,
        mut on_epoch: F,
    ) -> Result<FitSummary>
    where
        F: FnMut(&TsetlinMachine, &EpochInfo) -> Control,
    {
        let targets = targets.into();
        self.model.check_training_data(x, targets)?;
        let mut order: Vec<usize> = (0..x.n_rows()).collect();
        for epoch in 1..=options.epochs {
            let started = Instant::now();
            if options.shuffle {
                order.sort_unstable();
                Xoshiro256::new(mix_all(&[
                    self.model.params.seed,
                    stream::SHUFFLE,
                    self.model.passes,
                ]))
                .shuffle(&mut order);
            }
            let completed = self
                .backend
                .train_pass(&mut self.model, x, targets, &order, options);
            if !completed {
                return Ok(FitSummary {
                    epochs: epoch - 1,
                    interrupted: true,
                });
            }
            let info = EpochInfo {
                epoch,
                epochs: options.epochs,
                seconds: started.elapsed().as_secs_f64(),
            };
            if on_epoch(self, &info) == Control::Stop {
                return Ok(FitSummary {
                    epochs: epoch,
                    interrupted: false,
                });
            }
        }
        Ok(FitSummary {
            epochs: options.epochs,
            interrupted: false,
        })
    }

    /// One pass over the rows in the given order (no shuffle): online learning. `targets` as
    /// in [`TsetlinMachine::fit`].
    pub fn partial_fit<'t>(
        &mut self,
        x: &SparseRows,
        targets: impl Into<Targets<'t>>,
    ) -> Result<()> {
        let targets = targets.into();
        self.model.check_training_data(x, targets)?;
        let order: Vec<usize> = (0..x.n_rows()).collect();
        self.backend
            .train_pass(&mut self.model, x, targets, &order, &FitOptions::epochs(1));
        Ok(())
    }

    /// The machine compiled for scoring, as an owned value: built once, immutable, shared by
    /// any number of threads, and unchanged by later training (a server compiles once).
    /// [`TsetlinMachine::class_sums`] and [`TsetlinMachine::predict`] use a scorer the machine
    /// keeps until its model changes.
    pub fn compile(&self) -> Scorer {
        self.model.compile()
    }

    /// The machine's compiled scorer, shared: made once per change of the model and reused
    /// (the one [`TsetlinMachine::class_sums`] uses). Scoring through it needs no `&mut` and
    /// none of the machine's threads, so many callers may score at once, on threads of their
    /// own.
    pub fn scorer(&self) -> std::sync::Arc<Scorer> {
        self.backend.scorer(&self.model)
    }

    /// Class sums of every row with the predicting semantics, row-major (`n_rows x m`), on
    /// the machine's threads.
    pub fn class_sums(&self, x: &SparseRows) -> Result<Vec<i64>> {
        self.model.check_rows(x)?;
        let scorer = self.backend.scorer(&self.model);
        self.backend.install(|| scorer.class_sums(x))
    }

    /// The predicted class of every row (see [`crate::task::decide`]).
    pub fn predict(&self, x: &SparseRows) -> Result<Vec<u32>> {
        self.model.check_rows(x)?;
        let scorer = self.backend.scorer(&self.model);
        self.backend.install(|| scorer.predict(x))
    }

    /// Fraction of rows predicted as their label.
    pub fn accuracy(&self, x: &SparseRows, y: &[u32]) -> Result<f64> {
        if y.len() != x.n_rows() || y.is_empty() {
            return Err(TmError::InvalidData(format!(
                "{} rows but {} labels",
                x.n_rows(),
                y.len()
            )));
        }
        let predicted = self.predict(x)?;
        let correct = predicted.iter().zip(y).filter(|(p, t)| p == t).count();
        Ok(correct as f64 / y.len() as f64)
    }
}
