//! Prediction: class sums with the predicting semantics (an empty clause outputs 0).
//!
//! Evaluating every clause of every class word by word costs `m * n * 2F` word operations per
//! row. Text rows set 1-3 % of their features, so the predictor inverts the model once per
//! call instead: per feature, the set of clauses that include its negation (a bitset over all
//! clauses) and the list of clauses that include it positively. A row then costs
//!
//! * one OR of a clause bitset per present feature: the clauses *killed* by a present feature
//!   whose negation they include;
//! * one counter increment per (present feature, clause including it): a clause with `k`
//!   positive literals is satisfied on that side when its counter reaches `k`;
//! * a walk over the set bits of the surviving clauses to add up their votes.
//!
//! Invariant relied on: a clause fires iff it is non-empty, none of its negated features is
//! present and all of its positive features are present. The plain evaluation in
//! [`crate::bits::eval`] is the reference twin (the explanation tests hold them equal).

use rayon::prelude::*;

use crate::bits::eval;
use crate::data::SparseRows;
use crate::machine::TsetlinMachine;

/// A machine inverted for scoring many rows.
pub(crate) struct Predictor {
    n_classes: usize,
    n_clauses: usize,
    /// Words of a bitset over all `m * n` clauses.
    words: usize,
    /// Feature-major: `neg[f * words..]` = clauses that include `NOT x_f`.
    neg: Vec<u64>,
    /// CSR: clauses that include `x_f`, for each feature `f`.
    pos_indptr: Vec<usize>,
    pos_ids: Vec<u32>,
    /// Positive literals per clause.
    pos_count: Vec<u32>,
    /// Non-empty clauses without positive literals: they fire unless killed.
    no_pos: Vec<u64>,
    /// Signed vote per clause.
    vote: Vec<i64>,
}

/// Per-thread buffers of [`Predictor::row_sums`].
pub(crate) struct RowScratch {
    alive: Vec<u64>,
    count: Vec<u32>,
    candidates: Vec<u32>,
}

impl Predictor {
    pub fn new(machine: &TsetlinMachine) -> Self {
        let m = machine.n_classes();
        let n = machine.params.n_clauses;
        let o = machine.n_features();
        let total = m * n;
        let words = total.div_ceil(64);
        let mut neg = vec![0u64; o * words];
        let mut pos_lists: Vec<Vec<u32>> = vec![Vec::new(); o];
        let mut pos_count = vec![0u32; total];
        let mut no_pos = vec![0u64; words];
        let mut vote = vec![0i64; total];
        for (c, bank) in machine.banks.iter().enumerate() {
            for j in 0..n {
                let g = c * n + j;
                let include = bank.include(j);
                if eval::is_empty(include) {
                    continue;
                }
                let w = i64::from(bank.weights[j]);
                vote[g] = if j % 2 == 0 { w } else { -w };
                let f_words = include.len() / 2;
                for (w, &word) in include[..f_words].iter().enumerate() {
                    for_each_bit(word, |b| {
                        pos_lists[w * 64 + b].push(g as u32);
                        pos_count[g] += 1;
                    });
                }
                for (w, &word) in include[f_words..].iter().enumerate() {
                    for_each_bit(word, |b| {
                        neg[(w * 64 + b) * words + g / 64] |= 1 << (g % 64);
                    });
                }
                if pos_count[g] == 0 {
                    no_pos[g / 64] |= 1 << (g % 64);
                }
            }
        }
        let mut pos_indptr = Vec::with_capacity(o + 1);
        pos_indptr.push(0);
        let mut pos_ids = Vec::new();
        for list in pos_lists {
            pos_ids.extend(list);
            pos_indptr.push(pos_ids.len());
        }
        Self {
            n_classes: m,
            n_clauses: n,
            words,
            neg,
            pos_indptr,
            pos_ids,
            pos_count,
            no_pos,
            vote,
        }
    }

    pub fn scratch(&self) -> RowScratch {
        RowScratch {
            alive: vec![0; self.words],
            count: vec![0; self.vote.len()],
            candidates: Vec::new(),
        }
    }

    /// Class sums of one row (sorted present features) into `sums` (`m` entries).
    pub fn row_sums(&self, row: &[u32], s: &mut RowScratch, sums: &mut [i64]) {
        let words = self.words;
        // Clauses not killed by a present feature whose negation they include.
        s.alive.iter_mut().for_each(|w| *w = !0);
        for &f in row {
            let killers = &self.neg[f as usize * words..(f as usize + 1) * words];
            for (a, &k) in s.alive.iter_mut().zip(killers) {
                *a &= !k;
            }
        }
        // Clauses whose positive literals are all present.
        s.candidates.clear();
        for &f in row {
            let ids = &self.pos_ids[self.pos_indptr[f as usize]..self.pos_indptr[f as usize + 1]];
            for &g in ids {
                let c = &mut s.count[g as usize];
                *c += 1;
                if *c == self.pos_count[g as usize] {
                    s.candidates.push(g);
                }
            }
        }
        for &f in row {
            let ids = &self.pos_ids[self.pos_indptr[f as usize]..self.pos_indptr[f as usize + 1]];
            for &g in ids {
                s.count[g as usize] = 0;
            }
        }
        sums.iter_mut().for_each(|v| *v = 0);
        for (w, (&alive, &no_pos)) in s.alive.iter().zip(&self.no_pos).enumerate() {
            for_each_bit(alive & no_pos, |b| {
                let g = w * 64 + b;
                sums[g / self.n_clauses] += self.vote[g];
            });
        }
        for &g in &s.candidates {
            let g = g as usize;
            if (s.alive[g / 64] >> (g % 64)) & 1 == 1 {
                sums[g / self.n_clauses] += self.vote[g];
            }
        }
    }

    /// Class sums of every row, row-major.
    pub fn class_sums(&self, rows: &SparseRows) -> Vec<i64> {
        let m = self.n_classes;
        let mut out = vec![0i64; rows.n_rows() * m];
        out.par_chunks_mut(m * 64).enumerate().for_each_init(
            || self.scratch(),
            |scratch, (ci, chunk)| {
                for (k, sums) in chunk.chunks_mut(m).enumerate() {
                    self.row_sums(rows.row(ci * 64 + k), scratch, sums);
                }
            },
        );
        out
    }
}

#[inline]
fn for_each_bit(mut word: u64, mut f: impl FnMut(usize)) {
    while word != 0 {
        f(word.trailing_zeros() as usize);
        word &= word - 1;
    }
}
