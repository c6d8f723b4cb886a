//! Type I and Type II feedback to one clause (TM-SPEC "Learning from one example").
//!
//! Sparse-aware by construction: the example's literals are precomputed once per step as
//! words ([`ExampleLiterals`]), so a feedback is a handful of word operations per 64 automata;
//! Type II on a clause that does not fire (the common case on sparse text) costs nothing, and
//! the random `1/s` moves come from a [`BernoulliPool`] window instead of a draw per automaton.

use crate::bank::{Deferred, MAX_EXCEPTIONS};
use crate::bernoulli::BernoulliPool;
use crate::binomial::{self, BinomialPools};
use crate::bits::eval;
use crate::bits::planes::{self, Layout};
use crate::rng::{mix, stream::FLUSH as FLUSH_KEY};

/// Planes of the deferred-amount accumulator: room for any amount short of a certain floor.
const ACC_PLANES: usize = 16;

/// One example's literal values as words, built once per training step.
#[derive(Debug, Clone)]
pub(crate) struct ExampleLiterals {
    /// Present features (`F` words).
    pub x: Vec<u64>,
    /// Literal values (`2F` words): `x` then `NOT x` on the valid features.
    pub ones: Vec<u64>,
    /// Literals whose value is 0 (`2F` words), valid features only.
    pub zeros: Vec<u64>,
    /// Valid literal bits (`2F` words).
    pub valid: Vec<u64>,
}

impl ExampleLiterals {
    /// Empty buffers for a machine with valid-feature mask `valid_features` (`F` words).
    pub fn new(valid_features: &[u64]) -> Self {
        let f = valid_features.len();
        let mut valid = valid_features.to_vec();
        valid.extend_from_slice(valid_features);
        Self {
            x: vec![0; f],
            ones: vec![0; 2 * f],
            zeros: vec![0; 2 * f],
            valid,
        }
    }

    /// Loads the present features `row` (ids below `o`, checked by the caller).
    pub fn load(&mut self, row: &[u32]) {
        let f = self.x.len();
        self.x.iter_mut().for_each(|w| *w = 0);
        for &k in row {
            self.x[k as usize / 64] |= 1 << (k % 64);
        }
        for w in 0..f {
            let x = self.x[w];
            let v = self.valid[w];
            self.ones[w] = x;
            self.ones[f + w] = !x & v;
            self.zeros[w] = !x & v;
            self.zeros[f + w] = x;
        }
    }
}

/// Per-thread buffers for one feedback.
#[derive(Debug, Clone)]
pub(crate) struct Scratch {
    inc: Vec<u64>,
    dec: Vec<u64>,
    /// Bit-sliced deferred amounts: all zero between flushes (each clears the planes it used).
    acc: Vec<u64>,
    draw: Vec<u64>,
    hits: Vec<(usize, u64)>,
    /// The training loop's list of clauses that get feedback at a step (index, random value).
    pub(crate) selected: Vec<(usize, u64)>,
    /// The training loop's forget hits computed ahead, a ring indexed by position in
    /// `selected`.
    pub(crate) ahead: Vec<Vec<(usize, u64)>>,
}

impl Scratch {
    pub fn new(stride: usize) -> Self {
        Self {
            inc: vec![0; stride],
            dec: vec![0; stride],
            acc: vec![0; ACC_PLANES * stride],
            draw: Vec::new(),
            hits: Vec::new(),
            selected: Vec::new(),
            ahead: Vec::new(),
        }
    }

    /// Runs `f` with this thread's scratch for clauses of `stride` words, made once per thread
    /// and layout instead of once per work item and step (it was a 20 KB allocation and
    /// memset per chunk per class per step on the IMDb-shaped benchmark).
    ///
    /// Invariant relied on: every kernel overwrites or clears what it reads of the scratch
    /// before reading it (as it already did across the clauses of one work item), and `f`
    /// makes no rayon call, so a thread never re-enters this while holding its scratch.
    pub fn with_thread_local<R>(stride: usize, f: impl FnOnce(&mut Scratch) -> R) -> R {
        thread_local! {
            static SCRATCH: std::cell::RefCell<Option<Scratch>> =
                const { std::cell::RefCell::new(None) };
        }
        SCRATCH.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.as_ref().is_some_and(|s| s.inc.len() != stride) {
                *slot = None;
            }
            f(slot.get_or_insert_with(|| Scratch::new(stride)))
        })
    }
}

/// Settings of Type I feedback that stay fixed for a machine.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TypeISettings {
    pub boost_true_positive: bool,
    pub literal_budget: Option<u32>,
}

/// What every feedback of one training step shares.
pub(crate) struct StepContext<'a> {
    /// Where a clause's planes sit in its block (`layout.stride`: words per plane, `2F`).
    pub layout: Layout,
    pub ex: &'a ExampleLiterals,
    pub pool: &'a BernoulliPool,
    pub binomial: &'a BinomialPools,
    pub settings: TypeISettings,
    pub weighted: bool,
}

/// Type I feedback to a clause whose block is `clause` (laid out as `ctx.layout`) and whose deferred
/// forget count is `pending`. `fired` is its training-semantics output, `r` the clause's
/// random value for this step. Returns whether the weight should grow (the clause fired).
pub(crate) fn type_i(
    clause: &mut [u64],
    ctx: &StepContext<'_>,
    fired: bool,
    deferred: &mut Deferred,
    summary: &mut [u64],
    r: u64,
    scratch: &mut Scratch,
) -> bool {
    let layout = &ctx.layout;
    let stride = layout.stride;
    if !fired {
        forget(clause, ctx, deferred, summary, r, scratch);
        return false;
    }
    flush_pending(clause, ctx, deferred, r, scratch);
    let (ex, settings) = (ctx.ex, ctx.settings);
    // One Bernoulli(1/s) bit per automaton decides its move: literal-0 automata step down on a
    // 1; literal-1 automata (without boost) step up on a 0, which has probability (s-1)/s.
    ctx.pool.window(r, &mut scratch.dec);
    {
        let top = layout.include(clause);
        let may_include = settings
            .literal_budget
            .is_none_or(|budget| eval::count_included(top) < budget);
        for w in 0..stride {
            let hit = scratch.dec[w];
            scratch.inc[w] = if !may_include {
                0
            } else if settings.boost_true_positive {
                ex.ones[w]
            } else {
                ex.ones[w] & !hit
            };
            scratch.dec[w] = ex.zeros[w] & hit;
        }
    }
    planes::step(clause, layout, &scratch.inc, &scratch.dec);
    crate::bank::refresh_summary(layout.include(clause), summary);
    true
}

/// Type I feedback to a clause that did not fire: every automaton steps down with
/// probability `1/s`.
///
/// Only the included automata are moved now, because only they decide the clause's output;
/// the step of the excluded ones is deferred (`pending += 1`) and applied in bulk by
/// [`flush`] before the next move up of any automaton of this clause. That is exact: until
/// then an excluded automaton only ever steps down, and `k` Bernoulli(p) steps down,
/// saturating at 0, are one Binomial(k, p) step down, saturating at 0. An included automaton
/// that leaves the include side now is listed with the step count at which it left, so that
/// the flush owes it only the later steps; when the list is full, the clause is flushed first.
fn forget(
    clause: &mut [u64],
    ctx: &StepContext<'_>,
    deferred: &mut Deferred,
    summary: &mut [u64],
    r: u64,
    scratch: &mut Scratch,
) {
    let mut hits = std::mem::take(&mut scratch.hits);
    forget_hits(clause, ctx, summary, r, &mut hits);
    forget_with_hits(clause, ctx, deferred, summary, r, &hits, scratch);
    scratch.hits = hits;
}

/// The first half of [`forget`]: which included automata step down, as `(word, bits)` pairs
/// in `hits`. Draws random bits only for the words that include something (`summary` lists
/// them): a handful of the clause's words, so this never touches the rest of the clause. A
/// pure function of the include plane and `r`, so the training loop computes it a few clauses
/// ahead and prefetches the lines the second half will update (see `backend`).
pub(crate) fn forget_hits(
    clause: &[u64],
    ctx: &StepContext<'_>,
    summary: &[u64],
    r: u64,
    hits: &mut Vec<(usize, u64)>,
) {
    hits.clear();
    for w in crate::bits::set_bits(summary) {
        let hit = ctx.pool.window_word(r, w) & clause[w];
        if hit != 0 {
            hits.push((w, hit));
        }
    }
}

/// The second half of [`forget`]: moves the automata in `hits` (from [`forget_hits`] on the
/// same clause state and `r`) and defers the step of the excluded ones.
pub(crate) fn forget_with_hits(
    clause: &mut [u64],
    ctx: &StepContext<'_>,
    deferred: &mut Deferred,
    summary: &mut [u64],
    r: u64,
    hits: &[(usize, u64)],
    scratch: &mut Scratch,
) {
    let layout = &ctx.layout;
    if hits.is_empty() {
        deferred.pending = deferred.pending.saturating_add(1);
        return;
    }
    // Included automata at the lowest include state that are hit now leave the include side.
    let mut leaving = 0usize;
    for &(w, hit) in hits.iter() {
        leaving += (hit & !layout.lower_or(clause, w)).count_ones() as usize;
    }
    if leaving > 0 && deferred.len as usize + leaving > MAX_EXCEPTIONS {
        // This step's move of the excluded automata is flushed together with the earlier ones.
        flush(clause, ctx, deferred, 1, mix(r ^ FLUSH_KEY), scratch);
    } else {
        deferred.pending = deferred.pending.saturating_add(1);
        for &(w, hit) in hits {
            let mut word = hit & !layout.lower_or(clause, w);
            while word != 0 {
                let i = deferred.len as usize;
                deferred.bit[i] = (w * 64) as u32 + word.trailing_zeros();
                deferred.since[i] = deferred.pending;
                deferred.len += 1;
                word &= word - 1;
            }
        }
    }
    for &(w, hit) in hits {
        planes::step_word(clause, layout, w, 0, hit);
        if clause[w] == 0 {
            summary[w / 64] &= !(1 << (w % 64));
        }
    }
}

/// Applies a clause's deferred forget steps, if any, outside any feedback: the end-of-pass
/// settlement that leaves a machine in its canonical state (no step owed to any automaton).
pub(crate) fn settle(
    clause: &mut [u64],
    ctx: &StepContext<'_>,
    deferred: &mut Deferred,
    r: u64,
    scratch: &mut Scratch,
) {
    flush_pending(clause, ctx, deferred, r, scratch);
}

/// Applies the deferred forget steps, if any, before a move up.
fn flush_pending(
    clause: &mut [u64],
    ctx: &StepContext<'_>,
    deferred: &mut Deferred,
    r: u64,
    scratch: &mut Scratch,
) {
    if deferred.pending > 0 {
        flush(clause, ctx, deferred, 0, mix(r ^ FLUSH_KEY), scratch);
    }
}

/// Moves every excluded automaton down by an independent Binomial(k, 1/s) amount, saturating
/// at 0, in one pass over the clause (see [`crate::binomial`]), where `k` is the pending count
/// plus `extra` (the current step); listed automata get only the steps since they left.
fn flush(
    clause: &mut [u64],
    ctx: &StepContext<'_>,
    deferred: &mut Deferred,
    extra: u32,
    r: u64,
    scratch: &mut Scratch,
) {
    let layout = &ctx.layout;
    let stride = layout.stride;
    let k = u64::from(deferred.pending) + u64::from(extra);
    let bits = layout.bits;
    let max_state = (1u64 << bits) - 1;
    let mask = &mut scratch.inc;
    for w in 0..stride {
        mask[w] = !clause[w] & ctx.ex.valid[w];
    }
    let listed = deferred.len as usize;
    for &bit in &deferred.bit[..listed] {
        mask[bit as usize / 64] &= !(1u64 << (bit % 64));
    }
    if ctx.binomial.certainly_floor(k, max_state) {
        for (w, &m) in mask.iter().enumerate() {
            if m != 0 {
                for p in 0..bits - 1 {
                    clause[layout.index(p, w)] &= !m;
                }
            }
        }
    } else {
        // `scratch.acc` is all zero here (made so, and cleared after every use below): only
        // the planes in use are cleared, not all 16 (a 20 KB memset per flush before).
        debug_assert!(scratch.acc.iter().all(|&w| w == 0));
        let used = ctx
            .binomial
            .add_amounts(k, r, &mut scratch.acc, stride, &mut scratch.draw);
        binomial::subtract_saturating(clause, layout, &scratch.acc, used, &scratch.inc);
        scratch.acc[..used * stride].iter_mut().for_each(|w| *w = 0);
    }
    for i in 0..listed {
        let owed = k - u64::from(deferred.since[i]);
        if owed > 0 {
            let bit = deferred.bit[i] as usize;
            let amount = ctx.binomial.sample_one(
                owed,
                mix(r ^ (i as u64 + 1)),
                max_state,
                &mut scratch.draw,
            );
            let v = u64::from(planes::get(clause, layout, bit));
            planes::set(clause, layout, bit, v.saturating_sub(amount) as u32);
        }
    }
    *deferred = Deferred::default();
}

/// Type II feedback: a firing clause includes every excluded literal that is 0, so that it
/// stops firing on this example. Returns whether the weight should shrink (the clause fired).
pub(crate) fn type_ii(
    clause: &mut [u64],
    ctx: &StepContext<'_>,
    fired: bool,
    deferred: &mut Deferred,
    summary: &mut [u64],
    r: u64,
    scratch: &mut Scratch,
) -> bool {
    if !fired {
        return false;
    }
    let layout = &ctx.layout;
    flush_pending(clause, ctx, deferred, r, scratch);
    let ex = ctx.ex;
    for (w, &include) in layout.include(clause).iter().enumerate() {
        scratch.inc[w] = ex.zeros[w] & !include;
        scratch.dec[w] = 0;
    }
    planes::step(clause, layout, &scratch.inc, &scratch.dec);
    crate::bank::refresh_summary(layout.include(clause), summary);
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::valid_mask;
    use crate::rng::Xoshiro256;

    /// Deferred forgetting must leave the automata in the same distribution as stepping every
    /// automaton down with probability 1/s at every event (the plain reading of TM-SPEC).
    #[test]
    fn deferred_forgetting_matches_eager_forgetting_in_distribution() {
        let o: usize = 640;
        let stride = 2 * o.div_ceil(64);
        let bits = 8;
        let p = 1.0 / 6.0;
        let valid = valid_mask(o);
        let ex = ExampleLiterals::new(&valid);
        // Starting states by automaton: around the include boundary (127/128), deep in
        // exclusion, at the floor and high in inclusion.
        let start = |k: usize| -> u32 { [128, 129, 127, 126, 130, 5, 0, 200][k % 8] };
        let events = 40;
        let trials = 60;
        let mut lazy_sum = [0.0f64; 8];
        let mut eager_sum = [0.0f64; 8];
        let mut lazy_inc = [0.0f64; 8];
        let mut eager_inc = [0.0f64; 8];
        let mut rng = Xoshiro256::new(17);
        for trial in 0..trials {
            let pool = BernoulliPool::new(p, stride, 1000 + trial);
            let binomial = BinomialPools::new(p, stride, 2000 + trial);
            let layout = Layout::new(stride, bits);
            let ctx = StepContext {
                layout,
                ex: &ex,
                pool: &pool,
                binomial: &binomial,
                settings: TypeISettings {
                    boost_true_positive: true,
                    literal_budget: None,
                },
                weighted: false,
            };
            let mut lazy = vec![0u64; layout.clause_len()];
            for k in 0..2 * o {
                let bit = crate::bank::literal_bit(stride, o, k);
                planes::set(&mut lazy, &layout, bit, start(k));
            }
            let mut eager = lazy.clone();
            let mut deferred = Deferred::default();
            let mut summary = vec![0u64; stride.div_ceil(64)];
            crate::bank::refresh_summary(layout.include(&lazy), &mut summary);
            let mut scratch = Scratch::new(stride);
            let zero = vec![0u64; stride];
            for _ in 0..events {
                forget(
                    &mut lazy,
                    &ctx,
                    &mut deferred,
                    &mut summary,
                    rng.next_u64(),
                    &mut scratch,
                );
                let mut dec = vec![0u64; stride];
                pool.window(rng.next_u64(), &mut dec);
                for (d, v) in dec.iter_mut().zip(&ex.valid) {
                    *d &= v;
                }
                planes::step(&mut eager, &layout, &zero, &dec);
            }
            flush_pending(&mut lazy, &ctx, &mut deferred, rng.next_u64(), &mut scratch);
            for k in 0..2 * o {
                let bit = crate::bank::literal_bit(stride, o, k);
                let (l, e) = (
                    planes::get(&lazy, &layout, bit),
                    planes::get(&eager, &layout, bit),
                );
                lazy_sum[k % 8] += f64::from(l);
                eager_sum[k % 8] += f64::from(e);
                lazy_inc[k % 8] += f64::from(u8::from(l >= 128));
                eager_inc[k % 8] += f64::from(u8::from(e >= 128));
            }
        }
        let n = (trials as usize * 2 * o / 8) as f64;
        for c in 0..8 {
            let (l, e) = (lazy_sum[c] / n, eager_sum[c] / n);
            // Expected drop is events * p = 6.7 with sd about 2.4 per automaton; the mean of
            // n = 9600 automata has a standard error near 0.03.
            assert!(
                (l - e).abs() < 0.15,
                "start {}: mean {l:.3} (deferred) vs {e:.3} (eager)",
                start(c)
            );
            let (li, ei) = (lazy_inc[c] / n, eager_inc[c] / n);
            assert!(
                (li - ei).abs() < 0.02,
                "start {}: included {li:.3} vs {ei:.3}",
                start(c)
            );
        }
    }
}
