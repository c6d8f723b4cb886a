//! Type I and Type II feedback to one clause (TM-SPEC "Learning from one example").
//!
//! Sparse-aware by construction: the example's literals are precomputed once per step as
//! words ([`ExampleLiterals`]), so a feedback is a handful of word operations per 64 automata;
//! Type II on a clause that does not fire (the common case on sparse text) costs nothing, and
//! the random `1/s` moves come from a [`BernoulliPool`] window instead of a draw per automaton.

use crate::bernoulli::BernoulliPool;
use crate::bits::{eval, planes};

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
}

impl Scratch {
    pub fn new(stride: usize) -> Self {
        Self {
            inc: vec![0; stride],
            dec: vec![0; stride],
        }
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
    pub ex: &'a ExampleLiterals,
    pub pool: &'a BernoulliPool,
    pub settings: TypeISettings,
    pub weighted: bool,
}

/// Type I feedback to a clause whose planes are `clause` (stride `stride`). `fired` is its
/// training-semantics output, `r` the clause's random value for this step. Returns whether
/// the weight should grow (the clause fired).
pub(crate) fn type_i(
    clause: &mut [u64],
    stride: usize,
    ctx: &StepContext<'_>,
    fired: bool,
    r: u64,
    scratch: &mut Scratch,
) -> bool {
    let (ex, settings) = (ctx.ex, ctx.settings);
    // One Bernoulli(1/s) bit per automaton decides its move: literal-0 automata step down on a
    // 1; literal-1 automata (without boost) step up on a 0, which has probability (s-1)/s.
    ctx.pool.window(r, &mut scratch.dec);
    if fired {
        let bits = clause.len() / stride;
        let top = &clause[(bits - 1) * stride..];
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
    } else {
        for w in 0..stride {
            scratch.inc[w] = 0;
            scratch.dec[w] &= ex.valid[w];
        }
    }
    planes::step(clause, stride, &scratch.inc, &scratch.dec);
    fired
}

/// Type II feedback: a firing clause includes every excluded literal that is 0, so that it
/// stops firing on this example. Returns whether the weight should shrink (the clause fired).
pub(crate) fn type_ii(
    clause: &mut [u64],
    stride: usize,
    ex: &ExampleLiterals,
    fired: bool,
    scratch: &mut Scratch,
) -> bool {
    if !fired {
        return false;
    }
    let bits = clause.len() / stride;
    let top = (bits - 1) * stride;
    for w in 0..stride {
        scratch.inc[w] = ex.zeros[w] & !clause[top + w];
        scratch.dec[w] = 0;
    }
    planes::step(clause, stride, &scratch.inc, &scratch.dec);
    true
}
