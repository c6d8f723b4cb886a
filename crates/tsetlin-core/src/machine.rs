//! The multiclass Tsetlin machine: training, prediction and the class sums.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::bank::{polarity, valid_mask, ClauseBank};
use crate::bernoulli::{BernoulliPool, REFRESH_STEPS};
use crate::binomial::BinomialPools;
use crate::bits::eval;
use crate::data::SparseRows;
use crate::error::{Result, TmError};
use crate::feedback::{self, ExampleLiterals, Scratch, StepContext, TypeISettings};
use crate::params::Params;
use crate::rng::{mix, mix_all, stream, threshold_u32, Xoshiro256, GOLDEN};
use crate::scorer::Scorer;
use crate::task;

/// Steps between two checks of the stop flag.
const STOP_CHECK_STEPS: usize = 64;
/// Training steps between redraws of the (larger, slower to draw) binomial pools.
const BINOMIAL_REFRESH_STEPS: u64 = 16_384;

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
}

impl FitOptions {
    /// `epochs` shuffled epochs, no stop flag.
    pub fn epochs(epochs: usize) -> Self {
        Self {
            epochs,
            shuffle: true,
            stop: None,
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

/// A multiclass Tsetlin machine (TM-SPEC): per class, `n` clauses of alternating polarity.
#[derive(Debug)]
pub struct TsetlinMachine {
    pub(crate) params: Params,
    pub(crate) banks: Vec<ClauseBank>,
    /// Examples trained on so far: the clock that every random draw is keyed by.
    pub(crate) steps: u64,
    /// Training passes (epochs and `partial_fit` calls) so far: keys shuffles and clause drop.
    pub(crate) passes: u64,
    valid: Vec<u64>,
    pool: Option<(u64, BernoulliPool)>,
    binomial: Option<(u64, BinomialPools)>,
    threads: Option<Arc<rayon::ThreadPool>>,
}

impl Clone for TsetlinMachine {
    fn clone(&self) -> Self {
        Self {
            params: self.params.clone(),
            banks: self.banks.clone(),
            steps: self.steps,
            passes: self.passes,
            valid: self.valid.clone(),
            pool: None,
            binomial: None,
            threads: self.threads.clone(),
        }
    }
}

impl PartialEq for TsetlinMachine {
    fn eq(&self, other: &Self) -> bool {
        let mut a = self.params.clone();
        let mut b = other.params.clone();
        a.threads = 0;
        b.threads = 0;
        a == b
            && self.banks == other.banks
            && self.steps == other.steps
            && self.passes == other.passes
    }
}

impl TsetlinMachine {
    /// A fresh machine: every automaton at state `N`, every weight 1.
    pub fn new(params: Params) -> Result<Self> {
        params.validate()?;
        let banks = (0..params.n_classes)
            .map(|_| ClauseBank::new(params.n_clauses, params.n_features, params.state_bits))
            .collect();
        Self::from_parts(params, banks, 0, 0)
    }

    /// A machine from decoded parts; any deferred forget steps they carry (format v1 files)
    /// are settled, so the result is canonical.
    pub(crate) fn from_parts(
        params: Params,
        banks: Vec<ClauseBank>,
        steps: u64,
        passes: u64,
    ) -> Result<Self> {
        let threads = build_thread_pool(params.threads)?;
        let mut machine = Self {
            valid: valid_mask(params.n_features),
            params,
            banks,
            steps,
            passes,
            pool: None,
            binomial: None,
            threads,
        };
        if machine.has_deferred_steps() {
            let threads = machine.threads.clone();
            match threads {
                Some(pool) => pool.install(|| machine.settle()),
                None => machine.settle(),
            }
        }
        Ok(machine)
    }

    /// Whether some automaton is still owed deferred forget steps (never true outside a
    /// training pass).
    pub(crate) fn has_deferred_steps(&self) -> bool {
        self.banks
            .iter()
            .any(|b| b.deferred.iter().any(|d| d.pending > 0))
    }

    /// Applies every deferred forget step (TM-SPEC's forgetting, postponed by
    /// [`crate::binomial`] for speed), so that the machine is in its canonical state: the
    /// same automata a step-by-step machine would hold in distribution, and nothing owed.
    /// Run at the end of every training pass, interrupted or not; each clause's draws are
    /// keyed by `(seed, pass, class, clause)`, so the result does not depend on threads.
    fn settle(&mut self) {
        self.refresh_pool();
        let (Some((_, pool)), Some((_, binomial))) = (&self.pool, &self.binomial) else {
            return;
        };
        let ex = ExampleLiterals::new(&self.valid);
        let ctx = StepContext {
            stride: self.banks[0].stride,
            ex: &ex,
            pool,
            binomial,
            settings: TypeISettings {
                boost_true_positive: self.params.boost_true_positive,
                literal_budget: self.params.literal_budget,
            },
            weighted: self.params.weighted,
        };
        let (seed, pass) = (self.params.seed, self.passes);
        for (c, bank) in self.banks.iter_mut().enumerate() {
            let ch = chunk_clauses(bank.n_clauses);
            let len = bank.clause_len();
            let stride = bank.stride;
            bank.planes
                .par_chunks_mut(ch * len)
                .zip(bank.deferred.par_chunks_mut(ch))
                .enumerate()
                .for_each(|(ci, (planes, deferred))| {
                    let mut scratch = Scratch::new(stride);
                    for (k, (clause, deferred)) in planes.chunks_mut(len).zip(deferred).enumerate()
                    {
                        if deferred.pending == 0 {
                            continue;
                        }
                        let j = (ci * ch + k) as u64;
                        let r = mix_all(&[seed, stream::SETTLE, pass, c as u64, j]);
                        feedback::settle(clause, &ctx, deferred, r, &mut scratch);
                    }
                });
        }
    }

    /// The hyper-parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.params.n_classes
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.params.n_features
    }

    /// Examples trained on so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The clause bank of class `c`.
    pub fn bank(&self, c: usize) -> &ClauseBank {
        &self.banks[c]
    }

    /// Excludes literal `k` (`k < o`: `x_k`; else `NOT x_{k-o}`) from clause `j` of class `c`:
    /// its automaton is set to the last exclude state, so the clause no longer tests it (rule
    /// simplification). Errors if `c`, `j` or `k` is out of range.
    pub fn exclude_literal(&mut self, c: usize, j: usize, k: usize) -> Result<()> {
        let (m, n, o) = (
            self.params.n_classes,
            self.params.n_clauses,
            self.params.n_features,
        );
        if c >= m || j >= n || k >= 2 * o {
            return Err(TmError::InvalidData(format!(
                "no literal {k} of clause {j} of class {c}: the machine has {m} classes, {n} \
                 clauses per class and {} literals",
                2 * o
            )));
        }
        let last_exclude = (1u32 << (self.params.state_bits - 1)) - 1;
        self.banks[c].set_state(j, o, k, last_exclude);
        Ok(())
    }

    /// Changes the number of threads used from now on (never changes results).
    pub fn set_threads(&mut self, threads: usize) -> Result<()> {
        self.threads = build_thread_pool(threads)?;
        self.params.threads = threads;
        Ok(())
    }

    /// Trains for `options.epochs` epochs, calling `on_epoch` after each; the callback sees the
    /// machine (to score a validation set) and may stop early.
    pub fn fit<F>(
        &mut self,
        x: &SparseRows,
        y: &[u32],
        options: &FitOptions,
        mut on_epoch: F,
    ) -> Result<FitSummary>
    where
        F: FnMut(&TsetlinMachine, &EpochInfo) -> Control,
    {
        self.check_training_data(x, y)?;
        let mut order: Vec<usize> = (0..x.n_rows()).collect();
        for epoch in 1..=options.epochs {
            let started = Instant::now();
            if options.shuffle {
                order.sort_unstable();
                Xoshiro256::new(mix_all(&[self.params.seed, stream::SHUFFLE, self.passes]))
                    .shuffle(&mut order);
            }
            let completed = self.train_pass(x, y, &order, options.stop.as_deref())?;
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

    /// One pass over the rows in the given order (no shuffle): online learning.
    pub fn partial_fit(&mut self, x: &SparseRows, y: &[u32]) -> Result<()> {
        self.check_training_data(x, y)?;
        let order: Vec<usize> = (0..x.n_rows()).collect();
        self.train_pass(x, y, &order, None)?;
        Ok(())
    }

    fn check_training_data(&self, x: &SparseRows, y: &[u32]) -> Result<()> {
        self.check_rows(x)?;
        if x.is_empty() {
            return Err(TmError::InvalidData("no training rows".to_string()));
        }
        if y.len() != x.n_rows() {
            return Err(TmError::InvalidData(format!(
                "{} rows but {} labels",
                x.n_rows(),
                y.len()
            )));
        }
        if let Some((row, &label)) = y
            .iter()
            .enumerate()
            .find(|(_, &l)| l as usize >= self.params.n_classes)
        {
            return Err(TmError::LabelOutOfRange {
                row,
                label,
                n_classes: self.params.n_classes,
            });
        }
        Ok(())
    }

    pub(crate) fn check_rows(&self, x: &SparseRows) -> Result<()> {
        if x.n_features() != self.params.n_features {
            return Err(TmError::InvalidData(format!(
                "rows have {} features, the machine has {}",
                x.n_features(),
                self.params.n_features
            )));
        }
        Ok(())
    }

    /// Returns false when the stop flag ended the pass early.
    fn train_pass(
        &mut self,
        x: &SparseRows,
        y: &[u32],
        order: &[usize],
        stop: Option<&AtomicBool>,
    ) -> Result<bool> {
        let active = self.draw_active_clauses();
        let threads = self.threads.clone();
        let run = |this: &mut Self| -> bool {
            let mut ex = ExampleLiterals::new(&this.valid);
            let mut outputs = vec![vec![false; this.params.n_clauses]; this.params.n_classes];
            let mut completed = true;
            for (i, &row) in order.iter().enumerate() {
                if i % STOP_CHECK_STEPS == 0 && stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
                    completed = false;
                    break;
                }
                ex.load(x.row(row));
                this.train_step(&ex, y[row] as usize, &active, &mut outputs);
            }
            this.settle();
            completed
        };
        let completed = match threads {
            Some(pool) => pool.install(|| run(self)),
            None => run(self),
        };
        self.passes += 1;
        Ok(completed)
    }

    /// Clause drop: which clauses take part in this pass, per class.
    fn draw_active_clauses(&self) -> Vec<Vec<bool>> {
        let p = self.params.clause_drop;
        let mut rng = Xoshiro256::new(mix_all(&[
            self.params.seed,
            stream::CLAUSE_DROP,
            self.passes,
        ]));
        (0..self.params.n_classes)
            .map(|_| {
                (0..self.params.n_clauses)
                    .map(|_| p == 0.0 || rng.unit() >= p)
                    .collect()
            })
            .collect()
    }

    /// Redraws the random pools when the step clock enters a new refresh period of each.
    /// A pool depends only on (seed, period), so a loaded machine redraws exactly the same.
    fn refresh_pool(&mut self) {
        let (p, stride, seed) = (
            1.0 / self.params.specificity,
            self.banks[0].stride,
            self.params.seed,
        );
        refresh(&mut self.pool, self.steps / REFRESH_STEPS, |id| {
            BernoulliPool::new(p, stride, mix_all(&[seed, stream::BERNOULLI_POOL, id]))
        });
        refresh(
            &mut self.binomial,
            self.steps / BINOMIAL_REFRESH_STEPS,
            |id| BinomialPools::new(p, stride, mix_all(&[seed, stream::BINOMIAL_POOL, id])),
        );
    }

    fn train_step(
        &mut self,
        ex: &ExampleLiterals,
        y: usize,
        active: &[Vec<bool>],
        outputs: &mut [Vec<bool>],
    ) {
        self.refresh_pool();
        let m = self.params.n_classes;
        let t = self.params.threshold;
        let base = mix_all(&[self.params.seed, self.steps]);
        self.steps += 1;

        let mut sums = vec![0.0f64; m];
        let mut rng = Xoshiro256::new(mix(base ^ stream::NEGATIVE_CLASS));
        let q = if self.params.focused_negative_sampling {
            for (c, (bank, out)) in self.banks.iter().zip(outputs.iter_mut()).enumerate() {
                sums[c] = task::clip(evaluate_bank(bank, ex, &active[c], out), t);
            }
            task::focused_negative(&mut rng, &sums, y, t)
        } else {
            let q = task::uniform_negative(&mut rng, m, y);
            let (by, bq) = (&self.banks[y], &self.banks[q]);
            let (oy, oq) = two_mut(outputs, y, q);
            let (vy, vq) = rayon::join(
                || evaluate_bank(by, ex, &active[y], oy),
                || evaluate_bank(bq, ex, &active[q], oq),
            );
            sums[y] = task::clip(vy, t);
            sums[q] = task::clip(vq, t);
            q
        };

        let (Some((_, pool)), Some((_, binomial))) = (&self.pool, &self.binomial) else {
            return;
        };
        let ctx = StepContext {
            stride: self.banks[y].stride,
            ex,
            pool,
            binomial,
            settings: TypeISettings {
                boost_true_positive: self.params.boost_true_positive,
                literal_budget: self.params.literal_budget,
            },
            weighted: self.params.weighted,
        };
        let p_y = task::positive_probability(sums[y], t);
        let p_q = task::negative_probability(sums[q], t);
        let (bank_y, bank_q) = two_mut(&mut self.banks, y, q);
        let (out_y, out_q) = (&outputs[y], &outputs[q]);
        rayon::join(
            || {
                feedback_bank(
                    bank_y,
                    &ctx,
                    &active[y],
                    out_y,
                    true,
                    threshold_u32(p_y),
                    mix(base ^ y as u64),
                )
            },
            || {
                feedback_bank(
                    bank_q,
                    &ctx,
                    &active[q],
                    out_q,
                    false,
                    threshold_u32(p_q),
                    mix(base ^ q as u64),
                )
            },
        );
    }

    /// The machine compiled for scoring: built once, immutable, shared by any number of
    /// threads. Use it to score many batches or single documents; [`TsetlinMachine::class_sums`]
    /// and [`TsetlinMachine::predict`] compile afresh on every call.
    pub fn compile(&self) -> Scorer {
        Scorer::new(&self.banks, self.params.n_features)
    }

    /// Class sums of every row with the predicting semantics, row-major (`n_rows x m`), on
    /// the machine's threads.
    pub fn class_sums(&self, x: &SparseRows) -> Result<Vec<i64>> {
        self.check_rows(x)?;
        let scorer = self.compile();
        self.on_threads(|| scorer.class_sums(x))
    }

    /// The predicted class of every row (see [`crate::task::decide`]).
    pub fn predict(&self, x: &SparseRows) -> Result<Vec<u32>> {
        self.check_rows(x)?;
        let scorer = self.compile();
        self.on_threads(|| scorer.predict(x))
    }

    /// Runs `f` on the machine's thread pool (or the global one).
    fn on_threads<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match &self.threads {
            Some(pool) => pool.install(f),
            None => f(),
        }
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

/// Replaces the pool in `slot` unless it was drawn for period `id`.
fn refresh<T>(slot: &mut Option<(u64, T)>, id: u64, draw: impl FnOnce(u64) -> T) {
    if slot.as_ref().is_none_or(|(drawn_for, _)| *drawn_for != id) {
        *slot = Some((id, draw(id)));
    }
}

fn build_thread_pool(threads: usize) -> Result<Option<Arc<rayon::ThreadPool>>> {
    if threads == 0 {
        return Ok(None);
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map(|p| Some(Arc::new(p)))
        .map_err(|e| TmError::InvalidParameter {
            name: "threads",
            value: threads.to_string(),
            reason: if e.to_string().is_empty() {
                "thread pool could not be built"
            } else {
                "thread pool could not be built (system limit?)"
            },
        })
}

/// Mutable references to two distinct elements.
fn two_mut<T>(v: &mut [T], a: usize, b: usize) -> (&mut T, &mut T) {
    debug_assert_ne!(a, b);
    if a < b {
        let (lo, hi) = v.split_at_mut(b);
        (&mut lo[a], &mut hi[0])
    } else {
        let (lo, hi) = v.split_at_mut(a);
        (&mut hi[0], &mut lo[b])
    }
}

/// Clauses per parallel work item: enough to amortise scheduling, few enough to balance.
fn chunk_clauses(n: usize) -> usize {
    let threads = rayon::current_num_threads().max(1);
    n.div_ceil(2 * threads).max(32)
}

/// Evaluates a class's clauses (training semantics; dropped clauses output 0) into `out` and
/// returns the class sum.
fn evaluate_bank(
    bank: &ClauseBank,
    ex: &ExampleLiterals,
    active: &[bool],
    out: &mut [bool],
) -> i64 {
    let ch = chunk_clauses(bank.n_clauses);
    out.par_chunks_mut(ch)
        .enumerate()
        .map(|(ci, out)| {
            let mut sum = 0i64;
            for (k, o) in out.iter_mut().enumerate() {
                let j = ci * ch + k;
                *o =
                    active[j] && eval::clause_fires_sparse(bank.include(j), bank.summary(j), &ex.x);
                if *o {
                    sum += bank.vote(j);
                }
            }
            sum
        })
        .sum()
}

/// Feedback to a class with target 1 (`positive_target`) or 0; `threshold` is the feedback
/// probability as a 32-bit threshold and `base` the class's random key for this step.
fn feedback_bank(
    bank: &mut ClauseBank,
    ctx: &StepContext<'_>,
    active: &[bool],
    outputs: &[bool],
    positive_target: bool,
    threshold: u64,
    base: u64,
) {
    let ch = chunk_clauses(bank.n_clauses);
    let len = bank.clause_len();
    let stride = bank.stride;
    let sl = bank.summary_len();
    bank.planes
        .par_chunks_mut(ch * len)
        .zip(bank.weights.par_chunks_mut(ch))
        .zip(bank.deferred.par_chunks_mut(ch))
        .zip(bank.summary.par_chunks_mut(ch * sl))
        .enumerate()
        .for_each(|(ci, (((planes, weights), deferred), summary))| {
            let mut scratch = Scratch::new(stride);
            let clauses = planes
                .chunks_mut(len)
                .zip(weights)
                .zip(deferred)
                .zip(summary.chunks_mut(sl));
            for (k, (((clause, weight), deferred), summary)) in clauses.enumerate() {
                let j = ci * ch + k;
                if !active[j] {
                    continue;
                }
                // Clause j's value is the j-th SplitMix64 output from the class's key.
                let r = mix(base.wrapping_add((j as u64).wrapping_mul(GOLDEN)));
                if r & 0xFFFF_FFFF >= threshold {
                    continue;
                }
                let fired = outputs[j];
                let positive_clause = polarity(j) > 0;
                if positive_clause == positive_target {
                    let grew = feedback::type_i(
                        clause,
                        ctx,
                        fired,
                        deferred,
                        summary,
                        mix(r),
                        &mut scratch,
                    );
                    if grew && ctx.weighted {
                        *weight = weight.saturating_add(1);
                    }
                } else {
                    let shrank = feedback::type_ii(
                        clause,
                        ctx,
                        fired,
                        deferred,
                        summary,
                        mix(r),
                        &mut scratch,
                    );
                    if shrank && ctx.weighted && *weight > 1 {
                        *weight -= 1;
                    }
                }
            }
        });
}
