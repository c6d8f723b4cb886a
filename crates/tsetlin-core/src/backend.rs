//! The CPU backend: runs training passes over a [`Model`] with rayon, owning what execution
//! needs and the model must not carry: the thread pool and the random pools (caches that
//! depend only on the seed and the step clock, so they are redrawn identically anywhere).
//!
//! Determinism across thread counts comes from never sharing a random stream between work
//! items (see [`crate::rng`]); the feedback policy (which classes get feedback, with which
//! probability) is [`crate::task`]; the per-clause kernels are [`crate::feedback`].

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::bank::{polarity, valid_mask, ClauseBank};
use crate::bernoulli::{BernoulliPool, REFRESH_STEPS};
use crate::binomial::BinomialPools;
use crate::bits::eval;
use crate::bits::planes::LayoutKind;
use crate::data::SparseRows;
use crate::error::{Result, TmError};
use crate::feedback::{self, ExampleLiterals, Scratch, StepContext, TypeISettings};
use crate::machine::FitOptions;
use crate::model::Model;
use crate::prefetch::prefetch;
use crate::rng::{mix, mix_all, stream, threshold_u32, Xoshiro256, GOLDEN};
use crate::scorer::Scorer;
use crate::targets::Targets;
use crate::task;

/// Clause words per class (`n_clauses x 2F`) below which a training step runs on one thread:
/// splitting a small step across threads costs more than the step. Measured with
/// `epoch_bench` (5,000 rows, 2 threads, epochs 2-3): at 400 words one thread took 0.030 s
/// per epoch against 0.035-0.044 s split, at 1,600 words they tie, at 3,200 words splitting
/// wins (0.071 s against 0.086-0.094 s). Which thread runs a clause never changes its
/// result, so this is a choice of speed only.
const PARALLEL_MIN_WORDS: usize = 2_048;

/// Steps between two checks of the stop flag.
const STOP_CHECK_STEPS: usize = 64;
/// Training steps between redraws of the (larger, slower to draw) binomial pools.
const BINOMIAL_REFRESH_STEPS: u64 = 16_384;

/// What a random pool was drawn for: a pool is valid only for the same seed, specificity,
/// layout and refresh period, so one backend can train several models in turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PoolKey {
    seed: u64,
    specificity_bits: u64,
    stride: usize,
    period: u64,
}

/// Trains [`Model`]s on the CPU: a rayon pool of a chosen size (0: rayon's global pool, all
/// cores), the random pools of the current refresh period, and the compiled scorer of the
/// model it last scored.
#[derive(Debug)]
pub struct CpuBackend {
    threads: usize,
    pool: Option<Arc<rayon::ThreadPool>>,
    bernoulli: Option<(PoolKey, BernoulliPool)>,
    binomial: Option<(PoolKey, BinomialPools)>,
    /// The scorer compiled for the model at a revision (see [`CpuBackend::scorer`]).
    scorer: Mutex<Option<(u64, Arc<Scorer>)>>,
}

impl Clone for CpuBackend {
    /// Shares the thread pool; the random pools and the scorer are caches, made again when
    /// needed.
    fn clone(&self) -> Self {
        Self {
            threads: self.threads,
            pool: self.pool.clone(),
            bernoulli: None,
            binomial: None,
            scorer: Mutex::new(None),
        }
    }
}

impl CpuBackend {
    /// A backend on `threads` threads (0: all cores, through rayon's global pool).
    pub fn new(threads: usize) -> Result<Self> {
        Ok(Self {
            threads,
            pool: build_thread_pool(threads)?,
            bernoulli: None,
            binomial: None,
            scorer: Mutex::new(None),
        })
    }

    /// The compiled scorer of `model`, made once per revision of the model and reused until
    /// the model changes (so repeated `predict` calls, one document at a time, do not rebuild
    /// the index).
    ///
    /// Invariant relied on: a backend serves one machine's model, whose revision grows with
    /// every change (training passes and literal exclusions are the only ways to change it).
    pub fn scorer(&self, model: &Model) -> Arc<Scorer> {
        let mut cached = self
            .scorer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match cached.as_ref() {
            Some((revision, scorer)) if *revision == model.revision => Arc::clone(scorer),
            _ => {
                let scorer = Arc::new(model.compile());
                *cached = Some((model.revision, Arc::clone(&scorer)));
                scorer
            }
        }
    }

    /// Threads asked for (0: all cores).
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `f` on a worker thread of the backend's pool (rayon's global pool when it has
    /// none of its own).
    pub fn install<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match &self.pool {
            Some(pool) => pool.install(f),
            None => rayon::scope(|_| f()),
        }
    }

    /// One pass over the rows of `x` in `order`, then the settlement of every deferred step,
    /// so the model is canonical afterwards even when the stop flag ends the pass early.
    /// Returns false when it did. The caller has checked the data against the model.
    pub(crate) fn train_pass(
        &mut self,
        model: &mut Model,
        x: &SparseRows,
        targets: Targets<'_>,
        order: &[usize],
        options: &FitOptions,
    ) -> bool {
        let stop = options.stop.as_deref();
        let kind = options.layout.unwrap_or_else(|| {
            // The automata's own size, not their current layout's (padding differs), so
            // that the choice does not depend on the previous pass's choice.
            let bytes = model
                .banks
                .iter()
                .map(|b| b.n_clauses * b.layout.canonical_len() * 8)
                .sum();
            LayoutKind::choose(x.density(), bytes)
        });
        model.banks.iter_mut().for_each(|b| b.set_layout_kind(kind));
        let active = draw_active_clauses(model);
        let pool = self.pool.clone();
        let run = |this: &mut Self, model: &mut Model| -> bool {
            let split = Split::for_model(model);
            let mut ex = ExampleLiterals::new(&valid_mask(model.params.n_features));
            let mut outputs = vec![vec![false; model.params.n_clauses]; model.params.n_classes];
            let mut completed = true;
            for (i, &row) in order.iter().enumerate() {
                if i % STOP_CHECK_STEPS == 0 && stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
                    completed = false;
                    break;
                }
                ex.load(x.row(row));
                match targets {
                    Targets::Classes(y) => {
                        this.train_step(model, &ex, y[row] as usize, &active, &mut outputs, split)
                    }
                    Targets::LabelSets(sets) => {
                        this.train_step_labels(model, &ex, sets.row(row), &active, &mut outputs)
                    }
                }
            }
            this.settle(model);
            completed
        };
        // On a worker thread of the pool (rayon's global one when no pool of our own): a join
        // from outside a pool hands its work over and sleeps until it is done, which cost
        // more than the work on small steps (the CLI's default `--threads 0` trained a
        // 100-clause demo model 2.2x slower than `--threads 2`).
        let completed = match pool {
            Some(pool) => pool.install(|| run(self, model)),
            None => rayon::scope(|_| run(self, model)),
        };
        model.passes += 1;
        model.revision += 1;
        completed
    }

    /// Applies every deferred forget step (TM-SPEC's forgetting, postponed by
    /// [`crate::binomial`] for speed), so that the model is in its canonical state: the
    /// same automata a step-by-step machine would hold in distribution, and nothing owed.
    /// Run at the end of every training pass, interrupted or not, and on loading a format-v1
    /// file; each clause's draws are keyed by `(seed, pass, class, clause)`, so the result
    /// does not depend on threads.
    pub(crate) fn settle(&mut self, model: &mut Model) {
        self.refresh_pools(model);
        let (Some((_, pool)), Some((_, binomial))) = (&self.bernoulli, &self.binomial) else {
            return;
        };
        let ex = ExampleLiterals::new(&valid_mask(model.params.n_features));
        let ctx = step_context(model, &ex, pool, binomial);
        let (seed, pass) = (model.params.seed, model.passes);
        for (c, bank) in model.banks.iter_mut().enumerate() {
            let ch = chunk_clauses(bank.n_clauses);
            let len = bank.clause_len();
            let stride = bank.stride();
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

    /// Redraws the random pools when the step clock enters a new refresh period of each.
    /// A pool depends only on (seed, s, layout, period), so a loaded model redraws exactly
    /// the same.
    fn refresh_pools(&mut self, model: &Model) {
        let (p, stride, seed) = (
            1.0 / model.params.specificity,
            model.banks[0].stride(),
            model.params.seed,
        );
        let key = |period| PoolKey {
            seed,
            specificity_bits: model.params.specificity.to_bits(),
            stride,
            period,
        };
        refresh(&mut self.bernoulli, key(model.steps / REFRESH_STEPS), |k| {
            BernoulliPool::new(
                p,
                stride,
                mix_all(&[seed, stream::BERNOULLI_POOL, k.period]),
            )
        });
        refresh(
            &mut self.binomial,
            key(model.steps / BINOMIAL_REFRESH_STEPS),
            |k| BinomialPools::new(p, stride, mix_all(&[seed, stream::BINOMIAL_POOL, k.period])),
        );
    }

    /// One training example: the policy picks the classes and probabilities, the kernels
    /// update their clauses in parallel.
    fn train_step(
        &mut self,
        model: &mut Model,
        ex: &ExampleLiterals,
        y: usize,
        active: &[Vec<bool>],
        outputs: &mut [Vec<bool>],
        split: Split,
    ) {
        self.refresh_pools(model);
        let m = model.params.n_classes;
        let t = model.params.threshold;
        let base = mix_all(&[model.params.seed, model.steps]);
        model.steps += 1;

        let mut sums = vec![0.0f64; m];
        let mut rng = Xoshiro256::new(mix(base ^ stream::NEGATIVE_CLASS));
        let q = if model.params.focused_negative_sampling {
            for (c, (bank, out)) in model.banks.iter().zip(outputs.iter_mut()).enumerate() {
                sums[c] = task::clip(evaluate_bank(bank, ex, &active[c], out, split), t);
            }
            task::focused_negative(&mut rng, &sums, y, t)
        } else {
            let q = task::uniform_negative(&mut rng, m, y);
            let (by, bq) = (&model.banks[y], &model.banks[q]);
            let (oy, oq) = two_mut(outputs, y, q);
            let (vy, vq) = split.join(
                || evaluate_bank(by, ex, &active[y], oy, split),
                || evaluate_bank(bq, ex, &active[q], oq, split),
            );
            sums[y] = task::clip(vy, t);
            sums[q] = task::clip(vq, t);
            q
        };

        let (Some((_, pool)), Some((_, binomial))) = (&self.bernoulli, &self.binomial) else {
            return;
        };
        let ctx = step_context(model, ex, pool, binomial);
        let p_y = task::positive_probability(sums[y], t);
        let p_q = task::negative_probability(sums[q], t);
        let (bank_y, bank_q) = two_mut(&mut model.banks, y, q);
        let (out_y, out_q) = (&outputs[y], &outputs[q]);
        split.join(
            || {
                feedback_bank(
                    bank_y,
                    &ctx,
                    &active[y],
                    out_y,
                    ClassFeedback {
                        positive_target: true,
                        threshold: threshold_u32(p_y),
                        base: mix(base ^ y as u64),
                    },
                    split,
                )
            },
            || {
                feedback_bank(
                    bank_q,
                    &ctx,
                    &active[q],
                    out_q,
                    ClassFeedback {
                        positive_target: false,
                        threshold: threshold_u32(p_q),
                        base: mix(base ^ q as u64),
                    },
                    split,
                )
            },
        );
    }
}

impl CpuBackend {
    /// One multi-label training example: every label's bank is evaluated and fed back from
    /// its own class sum ([`task::label_feedback`]), towards 1 for the labels in `labels`
    /// and towards 0 for the others. The labels are independent within a step (each bank
    /// reads only its own clauses and its own random key), so they run in parallel across
    /// labels; which thread runs a label never changes its draws.
    fn train_step_labels(
        &mut self,
        model: &mut Model,
        ex: &ExampleLiterals,
        labels: &[u32],
        active: &[Vec<bool>],
        outputs: &mut [Vec<bool>],
    ) {
        self.refresh_pools(model);
        let t = model.params.threshold;
        let base = mix_all(&[model.params.seed, model.steps]);
        model.steps += 1;
        let (Some((_, pool)), Some((_, binomial))) = (&self.bernoulli, &self.binomial) else {
            return;
        };
        let ctx = step_context(model, ex, pool, binomial);
        let words = model.params.n_clauses * model.banks.first().map_or(0, |b| b.stride());
        let across = rayon::current_num_threads() > 1
            && words * model.params.n_classes >= PARALLEL_MIN_WORDS;
        // Split across labels, each label's bank on one thread: the labels are the natural
        // work items, and nesting a split inside each would only add scheduling.
        let within = Split { parallel: false };
        let one_label = |c: usize, bank: &mut ClauseBank, out: &mut Vec<bool>| {
            let v = task::clip(evaluate_bank(bank, ex, &active[c], out, within), t);
            let carried = labels.binary_search(&(c as u32)).is_ok();
            let (positive_target, p) = task::label_feedback(v, carried, t);
            let feedback = ClassFeedback {
                positive_target,
                threshold: threshold_u32(p),
                base: mix(base ^ c as u64),
            };
            feedback_bank(bank, &ctx, &active[c], out, feedback, within);
        };
        if across {
            model
                .banks
                .par_iter_mut()
                .zip(outputs.par_iter_mut())
                .enumerate()
                .for_each(|(c, (bank, out))| one_label(c, bank, out));
        } else {
            model
                .banks
                .iter_mut()
                .zip(outputs.iter_mut())
                .enumerate()
                .for_each(|(c, (bank, out))| one_label(c, bank, out));
        }
    }
}

/// What every clause update of one step (or of the settlement) shares.
fn step_context<'a>(
    model: &Model,
    ex: &'a ExampleLiterals,
    pool: &'a BernoulliPool,
    binomial: &'a BinomialPools,
) -> StepContext<'a> {
    StepContext {
        layout: model.banks[0].layout,
        ex,
        pool,
        binomial,
        settings: TypeISettings {
            boost_true_positive: model.params.boost_true_positive,
            literal_budget: model.params.literal_budget,
        },
        weighted: model.params.weighted,
    }
}

/// Clause drop: which clauses take part in this pass, per class.
fn draw_active_clauses(model: &Model) -> Vec<Vec<bool>> {
    let p = model.params.clause_drop;
    let mut rng = Xoshiro256::new(mix_all(&[
        model.params.seed,
        stream::CLAUSE_DROP,
        model.passes,
    ]));
    (0..model.params.n_classes)
        .map(|_| {
            (0..model.params.n_clauses)
                .map(|_| p == 0.0 || rng.unit() >= p)
                .collect()
        })
        .collect()
}

/// Replaces the pool in `slot` unless it was drawn for `key`.
fn refresh<K: PartialEq + Copy, T>(slot: &mut Option<(K, T)>, key: K, draw: impl FnOnce(K) -> T) {
    if slot.as_ref().is_none_or(|(drawn_for, _)| *drawn_for != key) {
        *slot = Some((key, draw(key)));
    }
}

/// Most threads per available core that a pool gets: more only adds switching, and a typo
/// (`--threads 100000`) must not try to create that many threads.
pub const MAX_THREADS_PER_CORE: usize = 4;

/// `threads` capped at [`MAX_THREADS_PER_CORE`] per available core (0, all cores, stays 0).
/// Callers that talk to a user warn when the result is smaller than what was asked.
pub fn cap_threads(threads: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    threads.min(cores.saturating_mul(MAX_THREADS_PER_CORE))
}

fn build_thread_pool(threads: usize) -> Result<Option<Arc<rayon::ThreadPool>>> {
    if threads == 0 {
        return Ok(None);
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(cap_threads(threads))
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

/// Whether a training step's work is split across threads: only when there are several and
/// the step is large enough to pay for it (see [`PARALLEL_MIN_WORDS`]).
#[derive(Debug, Clone, Copy)]
struct Split {
    parallel: bool,
}

impl Split {
    /// The choice for `model` on the current rayon pool.
    fn for_model(model: &Model) -> Self {
        let words = model.params.n_clauses * model.banks.first().map_or(0, |b| b.stride());
        Self {
            parallel: rayon::current_num_threads() > 1 && words >= PARALLEL_MIN_WORDS,
        }
    }

    /// Runs `a` and `b`, in parallel when the step is split.
    fn join<A, B, RA, RB>(self, a: A, b: B) -> (RA, RB)
    where
        A: FnOnce() -> RA + Send,
        B: FnOnce() -> RB + Send,
        RA: Send,
        RB: Send,
    {
        if self.parallel {
            rayon::join(a, b)
        } else {
            (a(), b())
        }
    }

    /// Clauses per work item: all of them in one item when the step is not split.
    fn chunk(self, n: usize) -> usize {
        if self.parallel {
            chunk_clauses(n)
        } else {
            n.max(1)
        }
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
    split: Split,
) -> i64 {
    let ch = split.chunk(bank.n_clauses);
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

/// The feedback one class gets at a step.
#[derive(Debug, Clone, Copy)]
struct ClassFeedback {
    /// Target 1 (the example's class) or 0 (the negative class).
    positive_target: bool,
    /// The feedback probability as a 32-bit threshold.
    threshold: u64,
    /// The class's random key for this step.
    base: u64,
}

/// Feedback to one class's clauses.
fn feedback_bank(
    bank: &mut ClauseBank,
    ctx: &StepContext<'_>,
    active: &[bool],
    outputs: &[bool],
    class_feedback: ClassFeedback,
    split: Split,
) {
    let ClassFeedback {
        positive_target,
        threshold,
        base,
    } = class_feedback;
    let ch = split.chunk(bank.n_clauses);
    let len = bank.clause_len();
    let stride = bank.stride();
    let sl = bank.summary_len();
    bank.planes
        .par_chunks_mut(ch * len)
        .zip(bank.weights.par_chunks_mut(ch))
        .zip(bank.deferred.par_chunks_mut(ch))
        .zip(bank.summary.par_chunks_mut(ch * sl))
        .enumerate()
        .for_each(|(ci, (((planes, weights), deferred), summary))| {
            Scratch::with_thread_local(stride, |scratch| {
                // The clauses of this work item that get feedback at this step, in order.
                let mut selected = std::mem::take(&mut scratch.selected);
                selected.clear();
                for k in 0..weights.len() {
                    let j = ci * ch + k;
                    // Clause j's value is the j-th SplitMix64 output from the class's key.
                    let r = mix(base.wrapping_add((j as u64).wrapping_mul(GOLDEN)));
                    if active[j] && r & 0xFFFF_FFFF < threshold {
                        selected.push((k, r));
                    }
                }
                let forgets = |k: usize| {
                    let j = ci * ch + k;
                    (polarity(j) > 0) == positive_target && !outputs[j]
                };
                let mut ahead = std::mem::take(&mut scratch.ahead);
                ahead.resize_with(HITS_AHEAD + 1, Vec::new);
                let layout = ctx.layout;
                for idx in 0..selected.len() {
                    // Forget steps are latency-bound: start loading the include words of the
                    // clause TOP_AHEAD places on, and the lines that the forget HITS_AHEAD
                    // places on will update (its hits only read the include plane, which no
                    // earlier clause's update changes).
                    if let Some(&(k, _)) = selected.get(idx + TOP_AHEAD) {
                        if forgets(k) {
                            let clause = &planes[k * len..(k + 1) * len];
                            prefetch_included(clause, &summary[k * sl..(k + 1) * sl]);
                        }
                    }
                    if let Some(&(k, r)) = selected.get(idx + HITS_AHEAD) {
                        if forgets(k) {
                            let clause = &planes[k * len..(k + 1) * len];
                            let hits = &mut ahead[(idx + HITS_AHEAD) % (HITS_AHEAD + 1)];
                            let sum = &summary[k * sl..(k + 1) * sl];
                            feedback::forget_hits(clause, ctx, sum, mix(r), hits);
                            for &(w, _) in hits.iter() {
                                for at in layout.lower_lines(w) {
                                    prefetch(&clause[at]);
                                }
                            }
                        }
                    }
                    let (k, r) = selected[idx];
                    let j = ci * ch + k;
                    let clause = &mut planes[k * len..(k + 1) * len];
                    let summary = &mut summary[k * sl..(k + 1) * sl];
                    let (weight, deferred) = (&mut weights[k], &mut deferred[k]);
                    if forgets(k) {
                        let slot = idx % (HITS_AHEAD + 1);
                        if idx < HITS_AHEAD {
                            // Too close to the start to have been computed ahead.
                            feedback::forget_hits(clause, ctx, summary, mix(r), &mut ahead[slot]);
                        }
                        let hits = std::mem::take(&mut ahead[slot]);
                        feedback::forget_with_hits(
                            clause,
                            ctx,
                            deferred,
                            summary,
                            mix(r),
                            &hits,
                            scratch,
                        );
                        ahead[slot] = hits;
                        continue;
                    }
                    let fired = outputs[j];
                    if (polarity(j) > 0) == positive_target {
                        let grew = feedback::type_i(
                            clause,
                            ctx,
                            fired,
                            deferred,
                            summary,
                            mix(r),
                            scratch,
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
                            scratch,
                        );
                        if shrank && ctx.weighted && *weight > 1 {
                            *weight -= 1;
                        }
                    }
                }
                scratch.selected = selected;
                scratch.ahead = ahead;
            });
        });
}

/// How many feedback clauses ahead the include words of a forgetting clause are prefetched.
const TOP_AHEAD: usize = 16;
/// How many feedback clauses ahead a forget's hits are computed and their lines prefetched.
const HITS_AHEAD: usize = 8;

/// Prefetches the lines of a clause's include plane that hold an included word.
fn prefetch_included(clause: &[u64], summary: &[u64]) {
    let mut last_line = usize::MAX;
    for w in crate::bits::set_bits(summary) {
        if w / 8 != last_line {
            last_line = w / 8;
            prefetch(&clause[w]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::literal_bit;
    use crate::bits::planes;

    /// Plain reference twin of [`feedback_bank`]: every selected clause updated in turn by the
    /// whole-clause kernels, with no hits computed ahead and no prefetching.
    fn feedback_bank_reference(
        bank: &mut ClauseBank,
        ctx: &StepContext<'_>,
        active: &[bool],
        outputs: &[bool],
        cf: ClassFeedback,
    ) {
        let mut scratch = Scratch::new(bank.stride());
        let (len, sl) = (bank.clause_len(), bank.summary_len());
        for j in 0..bank.n_clauses {
            let r = mix(cf.base.wrapping_add((j as u64).wrapping_mul(GOLDEN)));
            if !active[j] || r & 0xFFFF_FFFF >= cf.threshold {
                continue;
            }
            let clause = &mut bank.planes[j * len..(j + 1) * len];
            let summary = &mut bank.summary[j * sl..(j + 1) * sl];
            let (deferred, weight) = (&mut bank.deferred[j], &mut bank.weights[j]);
            if (polarity(j) > 0) == cf.positive_target {
                let fired = outputs[j];
                if feedback::type_i(clause, ctx, fired, deferred, summary, mix(r), &mut scratch)
                    && ctx.weighted
                {
                    *weight = weight.saturating_add(1);
                }
            } else if feedback::type_ii(
                clause,
                ctx,
                outputs[j],
                deferred,
                summary,
                mix(r),
                &mut scratch,
            ) && ctx.weighted
                && *weight > 1
            {
                *weight -= 1;
            }
        }
    }

    /// The pipelined feedback (hits computed ahead, lines prefetched, one scratch per thread)
    /// leaves every clause exactly as the plain loop does, split across threads or not, in
    /// either layout.
    #[test]
    fn pipelined_feedback_equals_the_plain_loop() {
        let (n_features, n_clauses, bits) = (300, 96, 8u32);
        let mut rng = Xoshiro256::new(5);
        let mut bank = ClauseBank::new(n_clauses, n_features, bits);
        // Varied states: some clauses include many literals, some few, around the boundary.
        for j in 0..n_clauses {
            for k in 0..2 * n_features {
                let v = match rng.below(6) {
                    0 => 128 + rng.below(4) as u32,
                    1 => 255,
                    2 => 127 - rng.below(3) as u32,
                    _ => rng.below(128) as u32,
                };
                bank.set_state(j, n_features, k, v);
            }
        }
        let stride = bank.stride();
        let valid = valid_mask(n_features);
        let pool = BernoulliPool::new(1.0 / 7.0, stride, 11);
        let binomial = BinomialPools::new(1.0 / 7.0, stride, 12);
        let pool_threads = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a two-thread pool");
        let cases = [false, true]
            .into_iter()
            .flat_map(|w| [(w, LayoutKind::CacheLine), (w, LayoutKind::PlaneMajor)]);
        for (weighted, kind) in cases {
            let mut bank = bank.clone();
            bank.set_layout_kind(kind);
            let mut plain = bank.clone();
            let mut piped = bank.clone();
            let mut ex = ExampleLiterals::new(&valid);
            for step in 0..60u64 {
                let row: Vec<u32> = (0..n_features as u32)
                    .filter(|_| rng.below(10) == 0)
                    .collect();
                ex.load(&row);
                let ctx = StepContext {
                    layout: bank.layout,
                    ex: &ex,
                    pool: &pool,
                    binomial: &binomial,
                    settings: TypeISettings {
                        boost_true_positive: step % 2 == 0,
                        literal_budget: None,
                    },
                    weighted,
                };
                let active: Vec<bool> = (0..n_clauses).map(|_| rng.below(8) != 0).collect();
                let outputs: Vec<bool> = (0..n_clauses)
                    .map(|j| eval::clause_fires_sparse(plain.include(j), plain.summary(j), &ex.x))
                    .collect();
                let cf = ClassFeedback {
                    positive_target: step % 3 != 0,
                    threshold: threshold_u32(0.2 + 0.6 * rng.unit()),
                    base: rng.next_u64(),
                };
                feedback_bank_reference(&mut plain, &ctx, &active, &outputs, cf);
                let split = Split {
                    parallel: step % 2 == 1,
                };
                pool_threads
                    .install(|| feedback_bank(&mut piped, &ctx, &active, &outputs, cf, split));
                assert_eq!(plain, piped, "step {step}, weighted {weighted}, {kind:?}");
            }
            // The run moved automata, so the comparison is not vacuous.
            let moved = (0..2 * n_features).any(|k| {
                planes::get(
                    plain.clause(0),
                    &plain.layout,
                    literal_bit(stride, n_features, k),
                ) != planes::get(
                    bank.clause(0),
                    &bank.layout,
                    literal_bit(stride, n_features, k),
                )
            });
            assert!(moved);
        }
    }
}
