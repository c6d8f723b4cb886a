//! One candidate of a settings search in training: a machine per fold, the rows each one
//! learns from and is scored on, and its validation curve so far. The local search
//! ([`super::search::search`]) keeps one per live candidate; a distributed search (the Python
//! package's Ray Tune trials) keeps one per trial and checkpoints it between rungs
//! ([`Trainee::models`], [`Trainee::resume`]). Both train through [`Trainee::train_to`], so a
//! candidate's curve is the same wherever it runs: every random draw is keyed by the seed and
//! the machine's own clocks, which the saved models carry.

use std::borrow::Cow;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use tsetlin_core::{Control, FitOptions, Params, SparseRows, TsetlinMachine};

use super::search::{FeatureView, FoldLabels};
use super::settings::Settings;
use crate::error::{Error, Result};

/// How a call of [`Trainee::train_to`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trained {
    /// It reached the target epoch count.
    Done,
    /// Validation stopped improving for `patience` epochs.
    Converged,
    /// A stop request, or the epoch callback, ended it.
    Interrupted,
}

/// The epochs without improvement after which a candidate stops early in a rung of
/// `target` epochs: only in the last rung (earlier ones are short, and halving ranks them),
/// a quarter of its epochs and at least 5.
pub fn patience(target: usize, last_rung: bool) -> usize {
    if last_rung {
        (target / 4).max(5)
    } else {
        usize::MAX
    }
}

/// The rows of one fold as a candidate sees them (its feature count applied).
#[derive(Debug, Clone)]
struct FoldData<'a> {
    x_train: Cow<'a, SparseRows>,
    y_train: Cow<'a, FoldLabels>,
    x_valid: Cow<'a, SparseRows>,
    y_valid: Cow<'a, FoldLabels>,
}

impl FoldData<'_> {
    fn into_owned(self) -> FoldData<'static> {
        FoldData {
            x_train: Cow::Owned(self.x_train.into_owned()),
            y_train: Cow::Owned(self.y_train.into_owned()),
            x_valid: Cow::Owned(self.x_valid.into_owned()),
            y_valid: Cow::Owned(self.y_valid.into_owned()),
        }
    }
}

/// A candidate's machines (one per fold of its view) and the validation score of each after
/// every epoch trained.
#[derive(Debug)]
pub struct Trainee<'a> {
    machines: Vec<TsetlinMachine>,
    folds: Vec<FoldData<'a>>,
    per_fold: Vec<Vec<f64>>,
}

impl<'a> Trainee<'a> {
    /// Fresh machines of `settings` (seeded with `seed`) for every fold of `view`, the rows
    /// restricted to the settings' feature count (borrowed when nothing is cut).
    pub fn new(
        view: &'a FeatureView,
        settings: &Settings,
        n_classes: usize,
        seed: u64,
        threads: usize,
    ) -> Result<Self> {
        let folds = Self::fold_data(view, settings);
        let machines = folds
            .iter()
            .map(|f| {
                let params = settings
                    .apply(Params::builder(n_classes, f.x_train.n_features().max(1)))
                    .seed(seed)
                    .build()?;
                Ok(TsetlinMachine::with_threads(params, threads)?)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            per_fold: vec![Vec::new(); folds.len()],
            machines,
            folds,
        })
    }

    /// A trainee carried on from a checkpoint: `models` (one saved machine per fold, from
    /// [`Trainee::models`]) and the curves they were scored with (`per_fold`).
    pub fn resume(
        view: &'a FeatureView,
        settings: &Settings,
        models: &[Vec<u8>],
        per_fold: Vec<Vec<f64>>,
        threads: usize,
    ) -> Result<Self> {
        let folds = Self::fold_data(view, settings);
        if models.len() != folds.len() || per_fold.len() != folds.len() {
            return Err(Error::InvalidInput(format!(
                "a checkpoint of {} machines and {} curves for a view of {} folds",
                models.len(),
                per_fold.len(),
                folds.len()
            )));
        }
        let machines = models
            .iter()
            .zip(&folds)
            .map(|(bytes, f)| {
                let m =
                    TsetlinMachine::from_model(tsetlin_core::Model::from_bytes(bytes)?, threads)?;
                if m.n_features() != f.x_train.n_features().max(1) {
                    return Err(Error::InvalidInput(format!(
                        "a checkpointed machine of {} features for rows of {}",
                        m.n_features(),
                        f.x_train.n_features()
                    )));
                }
                Ok(m)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            machines,
            folds,
            per_fold,
        })
    }

    fn fold_data(view: &'a FeatureView, settings: &Settings) -> Vec<FoldData<'a>> {
        view.folds
            .iter()
            .map(|f| {
                let (x_train, x_valid) = f.project(settings.max_features);
                FoldData {
                    x_train,
                    y_train: Cow::Borrowed(&f.y_train),
                    x_valid,
                    y_valid: Cow::Borrowed(&f.y_valid),
                }
            })
            .collect()
    }

    /// The same trainee owning its rows (for a caller that cannot lend the view, such as a
    /// Python object).
    pub fn into_owned(self) -> Trainee<'static> {
        Trainee {
            machines: self.machines,
            folds: self.folds.into_iter().map(FoldData::into_owned).collect(),
            per_fold: self.per_fold,
        }
    }

    /// Epochs trained on every fold.
    pub fn epochs(&self) -> usize {
        self.per_fold.iter().map(Vec::len).min().unwrap_or(0)
    }

    /// Validation score per epoch, averaged over the folds (as far as every fold has it).
    pub fn curve(&self) -> Vec<f64> {
        mean_curve(&self.per_fold)
    }

    /// Each fold's validation score per epoch (what a checkpoint keeps beside the models).
    pub fn per_fold(&self) -> &[Vec<f64>] {
        &self.per_fold
    }

    /// The fold machines in the model format, to resume from ([`Trainee::resume`]).
    pub fn models(&self) -> Result<Vec<Vec<u8>>> {
        Ok(self
            .machines
            .iter()
            .map(TsetlinMachine::to_bytes)
            .collect::<tsetlin_core::Result<_>>()?)
    }

    /// Literals per non-empty clause over the fold machines, as trained (0 when none has a
    /// literal): the length the search's readability preference compares.
    pub fn mean_literals(&self) -> f64 {
        let (mut literals, mut clauses) = (0usize, 0usize);
        for m in &self.machines {
            for r in m.rules() {
                literals += r.positive.len() + r.negated.len();
                clauses += 1;
            }
        }
        if clauses == 0 {
            0.0
        } else {
            literals as f64 / clauses as f64
        }
    }

    /// Trains every fold up to `target` epochs, scoring each epoch on its validation rows and
    /// handing `(epoch, mean score)` to `on_epoch` (which may stop it). Stops early when the
    /// mean has not improved on the best so far for `patience` epochs of this call.
    pub fn train_to(
        &mut self,
        target: usize,
        patience: usize,
        stop: Option<Arc<AtomicBool>>,
        mut on_epoch: impl FnMut(usize, f64) -> Control,
    ) -> Result<Trained> {
        let fit = FitOptions {
            epochs: 1,
            shuffle: true,
            stop,
            layout: None,
        };
        let mut since_best = 0;
        let mut best_so_far = best(&self.curve()).0;
        let mut epoch = self.epochs();
        while epoch < target {
            for (f, (machine, fold)) in self.machines.iter_mut().zip(&self.folds).enumerate() {
                let summary =
                    machine.fit(&fold.x_train, fold.y_train.targets(), &fit, |_, _| {
                        Control::Continue
                    })?;
                if summary.interrupted {
                    return Ok(Trained::Interrupted);
                }
                // Scored as trained: scoring each candidate with its rules simplified (the
                // model delivered) cost more than the plan allowed (OHSUMED: the search
                // overran its budget in the first rung; BENCHMARKS.md §9), and simplifying
                // after the choice already gains accuracy.
                self.per_fold[f].push(fold.y_valid.score(machine, &fold.x_valid)?);
            }
            epoch += 1;
            let score = *self.curve().last().unwrap_or(&0.0);
            if on_epoch(epoch, score) == Control::Stop {
                return Ok(Trained::Interrupted);
            }
            if score > best_so_far {
                best_so_far = score;
                since_best = 0;
            } else {
                since_best += 1;
                if since_best >= patience {
                    return Ok(Trained::Converged);
                }
            }
        }
        Ok(Trained::Done)
    }
}

/// Score per epoch averaged over folds, as far as every fold has it.
fn mean_curve(per_fold: &[Vec<f64>]) -> Vec<f64> {
    let n = per_fold.iter().map(Vec::len).min().unwrap_or(0);
    (0..n)
        .map(|e| per_fold.iter().map(|c| c[e]).sum::<f64>() / per_fold.len() as f64)
        .collect()
}

/// The best value of a curve and its 1-based epoch (the first on ties); `(-1, 0)` if empty.
pub fn best(curve: &[f64]) -> (f64, usize) {
    let mut out = (-1.0, 0);
    for (e, &a) in curve.iter().enumerate() {
        if a > out.0 {
            out = (a, e + 1);
        }
    }
    out
}
