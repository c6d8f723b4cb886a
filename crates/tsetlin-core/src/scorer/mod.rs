//! The compiled scorer: class sums with the predicting semantics (an empty clause outputs 0),
//! built once from a trained machine and shared by any number of threads.
//!
//! Evaluating every clause of every class word by word costs `m * n * 2F` word operations per
//! row. Text rows set 1-3 % of their features, so [`Scorer`] inverts the model once (at
//! [`crate::Model::compile`]) instead: per feature, the set of clauses that include its
//! negation (a bitset over all clauses) and the list of clauses that include it positively.
//! A row then costs
//!
//! * one AND-NOT of a clause bitset per present feature: the clauses *killed* by a present
//!   feature whose negation they include;
//! * one counter increment per (present feature, clause including it): a clause with `k`
//!   positive literals is satisfied on that side when its counter reaches `k`;
//! * the votes of the surviving candidates, one by one, and of the surviving clauses without
//!   positive literals, bit-sliced (`vote_planes.rs`: on a many-class model most of the
//!   clauses that fire are those).
//!
//! Most positive-literal clauses of a trained text model test exactly one positive literal
//! (IMDb-shaped benchmark: 1.2 on average), so those are listed apart: a present feature makes
//! its single-literal clauses candidates directly, and only clauses with two or more positive
//! literals are counted. Classes are looked up per clause, not divided out.
//!
//! Within a class, the scorer numbers the clauses in its own order (by kind, sign and weight,
//! so that neighbours slice well) and maps its ids back for explanations.
//!
//! Invariant relied on: a clause fires iff it is non-empty, none of its negated features is
//! present and all of its positive features are present. The plain evaluation in
//! [`crate::bits::eval`] is the reference twin (the explanation tests hold them equal).

use rayon::prelude::*;

use crate::bank::ClauseBank;
use crate::bits::eval;
use crate::data::SparseRows;
use crate::error::{Result, TmError};
use crate::rules::{Explanation, FiredClause};
use crate::task;

mod vote_planes;

use vote_planes::VotePlanes;

/// A trained machine compiled for scoring: immutable, `Send + Sync`, built once and reused
/// (per batch, per request, from many threads at once). It holds no reference to the machine,
/// so training the machine further does not change a scorer compiled before.
#[derive(Debug, Clone)]
pub struct Scorer {
    n_classes: usize,
    n_clauses: usize,
    n_features: usize,
    /// Words of a bitset over all `m * n` clauses.
    words: usize,
    /// Feature-major: `neg[f * words..][..words]` = the clauses that include `NOT x_f`.
    neg: Vec<u64>,
    /// CSR over features: the clauses whose only positive literal is `x_f`.
    single: Csr,
    /// CSR over features: the clauses with two or more positive literals, one of them `x_f`.
    multi: Csr,
    /// Positive literals per clause.
    pos_count: Vec<u32>,
    /// Non-empty clauses without positive literals (they fire unless killed), with their
    /// votes bit-sliced.
    no_pos: VotePlanes,
    /// Signed vote per clause.
    vote: Vec<i64>,
    /// Class of each clause (a lookup: a division per fired clause cost more than the rest
    /// of the row's work).
    class_of: Vec<u32>,
    /// The clause index within its class of each scorer id: within a class the scorer
    /// numbers its clauses in its own order (see [`Scorer::new`]).
    origin: Vec<u32>,
}

/// How the votes of the clauses without positive literals are added up.
#[derive(Debug, Clone, Copy)]
enum VoteSum {
    /// Bit-sliced, by population counts ([`VotePlanes::add`]).
    Sliced,
    /// One clause at a time (the reference twin).
    Walking,
}

/// Lists of clause ids per feature, compressed (CSR).
#[derive(Debug, Clone)]
struct Csr {
    indptr: Vec<usize>,
    ids: Vec<u32>,
}

impl Csr {
    fn from_lists(lists: Vec<Vec<u32>>) -> Self {
        let mut indptr = Vec::with_capacity(lists.len() + 1);
        indptr.push(0);
        let mut ids = Vec::new();
        for list in lists {
            ids.extend(list);
            indptr.push(ids.len());
        }
        Self { indptr, ids }
    }

    #[inline]
    fn of(&self, f: u32) -> &[u32] {
        &self.ids[self.indptr[f as usize]..self.indptr[f as usize + 1]]
    }
}

thread_local! {
    /// The scratch of the last rows this thread scored through [`Scorer::row_class_sums`],
    /// [`Scorer::explain`] or [`Scorer::class_sums`], kept for the next call: a fresh one per
    /// call zeroed a counter per clause (184 KB on a 23-class, 2,000-clause model) for every
    /// single-document request. Taken out while in use, so a panic drops it instead of
    /// leaving a half-used one behind.
    static KEPT_SCRATCH: std::cell::Cell<Option<RowScratch>> = const { std::cell::Cell::new(None) };
}

/// Per-thread buffers of [`Scorer::row_sums_into`]: make one per thread with
/// [`Scorer::scratch`] and reuse it for every row.
#[derive(Debug, Clone)]
pub struct RowScratch {
    alive: Vec<u64>,
    count: Vec<u32>,
    candidates: Vec<u32>,
}

impl Scorer {
    /// Rows per rayon task of a batch ([`Scorer::class_sums`], and text batches that score
    /// through [`Scorer::row_sums_into`]): enough to pay for a task and a kept scratch, few
    /// enough that a batch of a few hundred rows still splits over the cores.
    pub const ROWS_PER_TASK: usize = 64;

    /// Inverts the banks of a machine with `n_features` features.
    pub(crate) fn new(banks: &[ClauseBank], n_features: usize) -> Self {
        let m = banks.len();
        let n = banks.first().map_or(0, |b| b.n_clauses);
        let o = n_features;
        let total = m * n;
        let words = total.div_ceil(64);
        let mut neg = vec![0u64; o * words];
        let mut pos_lists: Vec<Vec<u32>> = vec![Vec::new(); o];
        let mut pos_count = vec![0u32; total];
        let mut no_pos = vec![0u64; words];
        let mut vote = vec![0i64; total];
        let mut origin = vec![0u32; total];
        for (c, bank) in banks.iter().enumerate() {
            for (rank, j) in scoring_order(bank).into_iter().enumerate() {
                let g = c * n + rank;
                origin[g] = j as u32;
                let include = bank.include(j);
                if eval::is_empty(include) {
                    continue;
                }
                vote[g] = bank.vote(j);
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
        let (mut single, mut multi): (Vec<Vec<u32>>, Vec<Vec<u32>>) =
            (vec![Vec::new(); o], vec![Vec::new(); o]);
        for (f, list) in pos_lists.into_iter().enumerate() {
            for g in list {
                if pos_count[g as usize] == 1 {
                    single[f].push(g);
                } else {
                    multi[f].push(g);
                }
            }
        }
        let class_of: Vec<u32> = (0..total).map(|g| (g / n.max(1)) as u32).collect();
        Self {
            no_pos: VotePlanes::new(&no_pos, &vote, &class_of),
            class_of,
            origin,
            n_classes: m,
            n_clauses: n,
            n_features: o,
            words,
            neg,
            single: Csr::from_lists(single),
            multi: Csr::from_lists(multi),
            pos_count,
            vote,
        }
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Number of features a row may use.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Fresh buffers for [`Scorer::row_sums_into`].
    pub fn scratch(&self) -> RowScratch {
        RowScratch {
            alive: vec![0; self.words],
            count: vec![0; self.vote.len()],
            candidates: Vec::new(),
        }
    }

    /// Runs `f` with this thread's kept scratch if it has this scorer's shape (any scorer's
    /// scratch of the same shape is valid: every row leaves the counters at zero and resets
    /// the rest), else with a fresh one, which is kept afterwards: for callers of
    /// [`Scorer::row_sums_into`] that score a few rows per call and should not zero a fresh
    /// scratch each time.
    pub fn with_kept_scratch<R>(&self, f: impl FnOnce(&mut RowScratch) -> R) -> R {
        let mut scratch = match KEPT_SCRATCH.take() {
            Some(s) if s.alive.len() == self.words && s.count.len() == self.vote.len() => s,
            _ => self.scratch(),
        };
        let out = f(&mut scratch);
        KEPT_SCRATCH.set(Some(scratch));
        out
    }

    /// Class sums of one row into `sums` (`n_classes` entries), allocating nothing: the hot
    /// path of single-document serving.
    ///
    /// Invariant relied on: `row` lists distinct feature ids below `n_features` (as every
    /// [`SparseRows`] row does; [`Scorer::row_class_sums`] checks an arbitrary row), and
    /// `scratch` came from this scorer or one of the same shape ([`Scorer::scratch`],
    /// [`Scorer::with_kept_scratch`]).
    pub fn row_sums_into(&self, row: &[u32], s: &mut RowScratch, sums: &mut [i64]) {
        self.row_sums_with(row, s, sums, VoteSum::Sliced);
    }

    /// [`Scorer::row_sums_into`], adding the surviving clauses' votes as `how` says.
    #[inline]
    fn row_sums_with(&self, row: &[u32], s: &mut RowScratch, sums: &mut [i64], how: VoteSum) {
        let words = self.words;
        // Clauses not killed by a present feature whose negation they include. (Tried and
        // measured slower on the IMDb-shaped benchmark: a block-major table killed a batch of
        // rows block by block, register lanes over the features, and an early exit per lane.)
        s.alive.iter_mut().for_each(|w| *w = !0);
        for &f in row {
            let killers = &self.neg[f as usize * words..(f as usize + 1) * words];
            for (a, &k) in s.alive.iter_mut().zip(killers) {
                *a &= !k;
            }
        }
        let RowScratch { alive, count, .. } = s;
        self.finish_row(row, alive, count, sums, how);
    }

    /// Calls `visit` with every clause whose positive literals are all present in `row`: a
    /// single literal's clauses directly, the others when their count of present positives is
    /// complete (the counts are left at zero again).
    #[inline]
    fn for_each_candidate(&self, row: &[u32], count: &mut [u32], mut visit: impl FnMut(usize)) {
        for &f in row {
            for &g in self.single.of(f) {
                visit(g as usize);
            }
        }
        for &f in row {
            for &g in self.multi.of(f) {
                let c = &mut count[g as usize];
                *c += 1;
                if *c == self.pos_count[g as usize] {
                    visit(g as usize);
                }
            }
        }
        for &f in row {
            for &g in self.multi.of(f) {
                count[g as usize] = 0;
            }
        }
    }

    /// Given a row's alive set, adds up the votes of the alive candidates and of the alive
    /// clauses without positive literals.
    fn finish_row(
        &self,
        row: &[u32],
        alive: &[u64],
        count: &mut [u32],
        sums: &mut [i64],
        how: VoteSum,
    ) {
        sums.iter_mut().for_each(|v| *v = 0);
        self.for_each_candidate(row, count, |g| {
            if (alive[g / 64] >> (g % 64)) & 1 == 1 {
                sums[self.class_of[g] as usize] += self.vote[g];
            }
        });
        match how {
            VoteSum::Sliced => self.no_pos.add(alive, sums),
            VoteSum::Walking => self
                .no_pos
                .add_walking(alive, &self.vote, &self.class_of, sums),
        }
    }

    /// The candidates of `row` (see [`Scorer::for_each_candidate`]) into `s.candidates`.
    fn collect_candidates(&self, row: &[u32], s: &mut RowScratch) {
        let RowScratch {
            count, candidates, ..
        } = s;
        candidates.clear();
        self.for_each_candidate(row, count, |g| candidates.push(g as u32));
    }

    /// Class sums of every row, row-major (`n_rows x n_classes`), on the current rayon pool.
    pub fn class_sums(&self, rows: &SparseRows) -> Result<Vec<i64>> {
        self.check_width(rows)?;
        Ok(self.class_sums_unchecked(rows))
    }

    /// The predicted class of every row (see [`task::decide`]).
    pub fn predict(&self, rows: &SparseRows) -> Result<Vec<u32>> {
        let sums = self.class_sums(rows)?;
        Ok(sums.chunks(self.n_classes).map(task::decide).collect())
    }

    /// Class sums of one row of present feature ids (any order, duplicates allowed).
    pub fn row_class_sums(&self, row: &[u32]) -> Result<Vec<i64>> {
        let row = self.checked_row(row)?;
        let mut sums = vec![0; self.n_classes];
        self.with_kept_scratch(|s| self.row_sums_into(&row, s, &mut sums));
        Ok(sums)
    }

    /// The clauses that fire on one row (any order, duplicates allowed), with the class sums
    /// and the decision: the same sums as [`Scorer::row_class_sums`], itemised.
    pub fn explain(&self, row: &[u32]) -> Result<Explanation> {
        let row = self.checked_row(row)?;
        self.with_kept_scratch(|s| self.explain_with(&row, s))
    }

    /// [`Scorer::explain`] of a checked row, with `s` as scratch.
    fn explain_with(&self, row: &[u32], s: &mut RowScratch) -> Result<Explanation> {
        let mut class_sums = vec![0; self.n_classes];
        self.row_sums_into(row, s, &mut class_sums);
        self.collect_candidates(row, s);
        let mut fired: Vec<FiredClause> = Vec::new();
        let mut push = |g: usize| {
            fired.push(FiredClause {
                class: g / self.n_clauses,
                clause: self.origin[g] as usize,
                vote: self.vote[g],
            })
        };
        for (w, (&alive, &no_pos)) in s.alive.iter().zip(self.no_pos.clauses()).enumerate() {
            for_each_bit(alive & no_pos, |b| push(w * 64 + b));
        }
        for &g in &s.candidates {
            let g = g as usize;
            if (s.alive[g / 64] >> (g % 64)) & 1 == 1 {
                push(g);
            }
        }
        fired.sort_unstable_by_key(|f| (f.class, f.clause));
        Ok(Explanation {
            predicted: task::decide(&class_sums),
            class_sums,
            fired,
        })
    }

    /// What scoring `rows` costs the inverted index, averaged per row, as a JSON object (for
    /// benchmarks and tuning the index, not for users): present features, those whose negation
    /// some clause includes, non-zero kill words read, positive-list entries visited, candidate
    /// clauses, and the clauses that fire; with the model's totals.
    pub fn cost_stats(&self, rows: &SparseRows) -> String {
        let n = rows.n_rows().max(1) as f64;
        let (mut present, mut killing, mut kill_words, mut visited, mut candidates, mut fired) =
            (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
        let mut s = self.scratch();
        let mut sums = vec![0i64; self.n_classes];
        for row in rows.iter() {
            present += row.len();
            for &f in row {
                let killers = &self.neg[f as usize * self.words..(f as usize + 1) * self.words];
                let nz = killers.iter().filter(|&&w| w != 0).count();
                kill_words += nz;
                killing += usize::from(nz > 0);
                visited += self.single.of(f).len() + self.multi.of(f).len();
            }
            self.row_sums_into(row, &mut s, &mut sums);
            self.collect_candidates(row, &mut s);
            candidates += s.candidates.len();
            fired += s
                .candidates
                .iter()
                .filter(|&&g| (s.alive[g as usize / 64] >> (g % 64)) & 1 == 1)
                .count();
            fired += s
                .alive
                .iter()
                .zip(self.no_pos.clauses())
                .map(|(&a, &np)| (a & np).count_ones() as usize)
                .sum::<usize>();
        }
        let no_pos: u32 = self.no_pos.clauses().iter().map(|w| w.count_ones()).sum();
        format!(
            "{{\"present\":{:.1},\"present_killing\":{:.1},\"kill_words\":{:.1},\"kill_words_dense\":{:.1},\"positive_entries\":{:.1},\"candidates\":{:.1},\"fired\":{:.1},\"clauses\":{},\"no_positive_clauses\":{no_pos},\"positive_literals\":{},\"words\":{},\"vote_masks\":{},\"vote_mask_slots\":{}}}",
            present as f64 / n,
            killing as f64 / n,
            kill_words as f64 / n,
            present as f64 * self.words as f64 / n,
            visited as f64 / n,
            candidates as f64 / n,
            fired as f64 / n,
            self.vote.len(),
            self.single.ids.len() + self.multi.ids.len(),
            self.words,
            self.no_pos.n_masks(),
            self.no_pos.n_slots()
        )
    }

    fn check_width(&self, rows: &SparseRows) -> Result<()> {
        if rows.n_features() != self.n_features {
            return Err(TmError::InvalidData(format!(
                "rows have {} features, the machine has {}",
                rows.n_features(),
                self.n_features
            )));
        }
        Ok(())
    }

    /// `row` sorted and deduplicated, or the first out-of-range id as an error.
    fn checked_row(&self, row: &[u32]) -> Result<Vec<u32>> {
        let mut sorted = row.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        if let Some(&bad) = sorted.iter().find(|&&k| k as usize >= self.n_features) {
            return Err(TmError::FeatureOutOfRange {
                row: 0,
                feature: bad,
                n_features: self.n_features,
            });
        }
        Ok(sorted)
    }

    fn class_sums_unchecked(&self, rows: &SparseRows) -> Vec<i64> {
        self.class_sums_with(rows, VoteSum::Sliced)
    }

    /// [`Scorer::class_sums`] with every surviving clause's vote added one by one (the plain
    /// way the bit-sliced sums replaced: for benchmarks and tests, not for users).
    #[doc(hidden)]
    pub fn class_sums_walking(&self, rows: &SparseRows) -> Result<Vec<i64>> {
        self.check_width(rows)?;
        Ok(self.class_sums_with(rows, VoteSum::Walking))
    }

    fn class_sums_with(&self, rows: &SparseRows, how: VoteSum) -> Vec<i64> {
        let m = self.n_classes;
        let mut out = vec![0i64; rows.n_rows() * m];
        out.par_chunks_mut(m * Self::ROWS_PER_TASK)
            .enumerate()
            .for_each(|(ci, chunk)| {
                self.with_kept_scratch(|scratch| {
                    for (k, sums) in chunk.chunks_mut(m).enumerate() {
                        let row = rows.row(ci * Self::ROWS_PER_TASK + k);
                        self.row_sums_with(row, scratch, sums, how);
                    }
                })
            });
        out
    }
}

/// The order in which the scorer numbers a class's clauses: those without positive literals
/// first and the empty ones (which never fire) last, then by the sign and the size of their
/// vote. Neighbouring clauses, which share a
/// word of clause bits, then mostly share sign and kind and have close weights, so a word's
/// votes slice into few masks ([`VotePlanes::new`] slices each weight above the smallest of its
/// group). The order changes no sum: only which bit stands for which clause.
fn scoring_order(bank: &ClauseBank) -> Vec<usize> {
    let mut order: Vec<usize> = (0..bank.n_clauses).collect();
    order.sort_by_cached_key(|&j| {
        let include = bank.include(j);
        let positive = include[..include.len() / 2].iter().any(|&w| w != 0);
        let vote = bank.vote(j);
        (
            eval::is_empty(include),
            positive,
            vote.signum(),
            vote.unsigned_abs(),
            j,
        )
    });
    order
}

#[inline]
fn for_each_bit(mut word: u64, mut f: impl FnMut(usize)) {
    while word != 0 {
        f(word.trailing_zeros() as usize);
        word &= word - 1;
    }
}
