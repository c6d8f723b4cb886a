//! A clause bank: the Tsetlin automata of one class's clauses as bit planes, and their weights.
//!
//! Clause `j` owns the contiguous block `planes[j * L..(j + 1) * L]` with `L` the layout's
//! block length, about `bits * 2F` words (see [`crate::bits`] for the literal layout and
//! [`crate::bits::planes::Layout`] for where the planes sit in a block). Keeping a clause
//! contiguous and cache-line aligned means one feedback touches one compact block, which is
//! what the memory system rewards: feedback, not evaluation, dominates training time.

use crate::aligned::AlignedWords;
use crate::bits::planes::{self, Layout, LayoutKind};

/// The automata and weights of one class's clauses.
///
/// Two banks are equal when they hold the same automata, weights and deferred steps, whatever
/// their in-memory layouts.
#[derive(Debug, Clone)]
pub struct ClauseBank {
    pub(crate) n_clauses: usize,
    /// Where the planes sit in a clause block (and the words per plane, `layout.stride`).
    pub(crate) layout: Layout,
    /// The clause blocks, the first on a cache-line boundary (so all are: see [`Layout`]).
    pub(crate) planes: AlignedWords,
    pub(crate) weights: Vec<u32>,
    /// Per clause, the forget steps not yet applied to its excluded automata (see
    /// [`crate::binomial`]); include masks are always exact.
    pub(crate) deferred: Vec<Deferred>,
    /// Per clause, one bit per word of its include mask: set when the word is non-zero.
    /// Derived from the top plane (never saved); lets sparse clauses be evaluated and
    /// forgotten by visiting only the words where they include something.
    pub(crate) summary: Vec<u64>,
}

/// How many automata may leave the include side between two flushes of a clause.
pub const MAX_EXCEPTIONS: usize = 32;

/// A clause's deferred forget steps.
///
/// `pending` steps are owed to every excluded automaton, except the listed ones, which left the
/// include side after step `since[i]` and are owed only the steps after it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deferred {
    pub(crate) pending: u32,
    pub(crate) len: u32,
    pub(crate) bit: [u32; MAX_EXCEPTIONS],
    pub(crate) since: [u32; MAX_EXCEPTIONS],
}

impl Deferred {
    /// Number of `u32` words in a format-v1 model file's record.
    pub(crate) const WORDS: usize = 2 + 2 * MAX_EXCEPTIONS;

    pub(crate) fn from_words(w: &[u32]) -> Option<Self> {
        if w.len() != Self::WORDS || w[1] as usize > MAX_EXCEPTIONS {
            return None;
        }
        let mut d = Self {
            pending: w[0],
            len: w[1],
            ..Self::default()
        };
        d.bit.copy_from_slice(&w[2..2 + MAX_EXCEPTIONS]);
        d.since.copy_from_slice(&w[2 + MAX_EXCEPTIONS..]);
        let listed = &d.since[..d.len as usize];
        listed.iter().all(|&s| s <= d.pending).then_some(d)
    }
}

impl ClauseBank {
    /// A bank of `n_clauses` clauses over `n_features` features, every automaton at state `N`
    /// (the last exclude state), every weight 1.
    pub fn new(n_clauses: usize, n_features: usize, bits: u32) -> Self {
        let f = crate::bits::words_for(n_features);
        let stride = 2 * f;
        let bits = bits as usize;
        let layout = Layout::new(stride, bits);
        let mut one = vec![0u64; layout.clause_len()];
        let valid = valid_mask(n_features);
        // Stored value N - 1: every plane but the top one set on the valid literals.
        for p in 0..bits - 1 {
            for w in 0..f {
                one[layout.index(p, w)] = valid[w];
                one[layout.index(p, f + w)] = valid[w];
            }
        }
        let mut planes = AlignedWords::new(n_clauses * layout.clause_len(), 0);
        for block in planes.chunks_exact_mut(layout.clause_len()) {
            block.copy_from_slice(&one);
        }
        Self {
            n_clauses,
            layout,
            planes,
            weights: vec![1; n_clauses],
            deferred: vec![Deferred::default(); n_clauses],
            summary: vec![0; n_clauses * stride.div_ceil(64)],
        }
    }

    /// Words of a clause's include summary.
    #[inline]
    pub fn summary_len(&self) -> usize {
        self.layout.stride.div_ceil(64)
    }

    /// The include summary of clause `j` (bit `w`: word `w` of the include mask is non-zero).
    #[inline]
    pub fn summary(&self, j: usize) -> &[u64] {
        let s = self.summary_len();
        &self.summary[j * s..(j + 1) * s]
    }

    /// Words per clause block.
    #[inline]
    pub fn clause_len(&self) -> usize {
        self.layout.clause_len()
    }

    /// Where the planes sit in a clause block.
    #[inline]
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Rearranges every clause block into the layout of `kind` (same automata; a no-op when
    /// the bank already has it). Training chooses the kind from the data and the model size.
    ///
    /// In place when the new blocks are no longer than the old ones (cache-line to
    /// plane-major at any stride that is a whole number of lines), so that the bank's memory
    /// does not double for a moment: block `j` is copied out, then written at its new place,
    /// which ends before old block `j + 1` begins.
    pub fn set_layout_kind(&mut self, kind: LayoutKind) {
        let from = self.layout;
        if from.kind() == kind {
            return;
        }
        let to = Layout::with_kind(from.stride, from.bits, kind);
        let (old_len, new_len) = (from.clause_len(), to.clause_len());
        let in_place = new_len <= old_len;
        let mut grown = (!in_place).then(|| AlignedWords::new(self.n_clauses * new_len, 0));
        let mut words = vec![0u64; from.canonical_len()];
        for j in 0..self.n_clauses {
            let old = &self.planes[j * old_len..(j + 1) * old_len];
            for (i, word) in words.iter_mut().enumerate() {
                *word = old[from.canonical_index(i)];
            }
            let target = grown.as_mut().unwrap_or(&mut self.planes);
            let new = &mut target[j * new_len..(j + 1) * new_len];
            new.fill(0);
            for (i, &word) in words.iter().enumerate() {
                new[to.canonical_index(i)] = word;
            }
        }
        match grown {
            Some(planes) => self.planes = planes,
            None => self.planes.truncate(self.n_clauses * new_len),
        }
        self.layout = to;
    }

    /// Clause `j`'s automata in canonical (plane-major) order, as model files store them:
    /// plane 0's `2F` words, then plane 1's, up to the include plane.
    pub fn canonical_words(&self, j: usize) -> impl Iterator<Item = u64> + '_ {
        let clause = self.clause(j);
        (0..self.layout.canonical_len()).map(move |i| clause[self.layout.canonical_index(i)])
    }

    /// Sets clause `j`'s automata from words in canonical order (see
    /// [`ClauseBank::canonical_words`]); the include summary is refreshed.
    pub(crate) fn set_canonical_words(&mut self, j: usize, words: impl Iterator<Item = u64>) {
        let l = self.clause_len();
        let layout = self.layout;
        let clause = &mut self.planes[j * l..(j + 1) * l];
        for (i, w) in words.take(layout.canonical_len()).enumerate() {
            clause[layout.canonical_index(i)] = w;
        }
        self.refresh_clause_summary(j);
    }

    /// Recomputes clause `j`'s include summary from its include plane.
    fn refresh_clause_summary(&mut self, j: usize) {
        let s = self.summary_len();
        let l = self.clause_len();
        refresh_summary(
            self.layout.include(&self.planes[j * l..(j + 1) * l]),
            &mut self.summary[j * s..(j + 1) * s],
        );
    }

    /// Literal words per plane (`2F`).
    #[inline]
    pub fn stride(&self) -> usize {
        self.layout.stride
    }

    /// The planes of clause `j`.
    #[inline]
    pub fn clause(&self, j: usize) -> &[u64] {
        let l = self.clause_len();
        &self.planes[j * l..(j + 1) * l]
    }

    /// The include mask of clause `j` (its top plane).
    #[inline]
    pub fn include(&self, j: usize) -> &[u64] {
        self.layout.include(self.clause(j))
    }

    /// Deferred forget steps of clause `j` that its excluded automata have not received yet.
    pub fn pending(&self, j: usize) -> u32 {
        self.deferred[j].pending
    }

    /// Stored value (`state - 1`) of literal `k` (`k < o`: `x_k`; else `NOT x_{k-o}`) of
    /// clause `j`: exact for included automata; an excluded one may still owe
    /// [`ClauseBank::pending`] deferred forget steps.
    pub fn state(&self, j: usize, n_features: usize, k: usize) -> u32 {
        planes::get(
            self.clause(j),
            &self.layout,
            literal_bit(self.layout.stride, n_features, k),
        )
    }

    /// Sets the stored value of literal `k` of clause `j` (tests and model surgery).
    pub fn set_state(&mut self, j: usize, n_features: usize, k: usize, value: u32) {
        self.set_states(j, n_features, std::iter::once((k, value)));
    }

    /// Sets the stored values of several literals `(k, value)` of clause `j`, refreshing its
    /// include summary once (model surgery on whole clauses, such as [`crate::Model::widen`]).
    pub(crate) fn set_states(
        &mut self,
        j: usize,
        n_features: usize,
        values: impl Iterator<Item = (usize, u32)>,
    ) {
        let l = self.clause_len();
        let layout = self.layout;
        let clause = &mut self.planes[j * l..(j + 1) * l];
        for (k, value) in values {
            planes::set(
                clause,
                &layout,
                literal_bit(layout.stride, n_features, k),
                value,
            );
        }
        self.refresh_clause_summary(j);
    }

    /// Weight of clause `j`.
    pub fn weight(&self, j: usize) -> u32 {
        self.weights[j]
    }

    /// The signed vote clause `j` casts when it fires: `polarity(j) * weight`.
    #[inline]
    pub fn vote(&self, j: usize) -> i64 {
        i64::from(polarity(j)) * i64::from(self.weights[j])
    }

    /// Number of clauses.
    pub fn n_clauses(&self) -> usize {
        self.n_clauses
    }
}

impl PartialEq for ClauseBank {
    fn eq(&self, other: &Self) -> bool {
        self.n_clauses == other.n_clauses
            && self.layout.stride == other.layout.stride
            && self.layout.bits == other.layout.bits
            && self.weights == other.weights
            && self.deferred == other.deferred
            && (0..self.n_clauses).all(|j| self.canonical_words(j).eq(other.canonical_words(j)))
    }
}

impl Eq for ClauseBank {}

/// The polarity of clause `j` of any class (TM-SPEC): even clauses vote for their class
/// (+1), odd ones against (-1). The one place that rule is written.
#[inline]
pub fn polarity(j: usize) -> i8 {
    if j % 2 == 0 {
        1
    } else {
        -1
    }
}

/// Sets bit `w` of `summary` exactly when word `w` of `include` is non-zero.
pub(crate) fn refresh_summary(include: &[u64], summary: &mut [u64]) {
    summary.iter_mut().for_each(|s| *s = 0);
    for (w, &word) in include.iter().enumerate() {
        if word != 0 {
            summary[w / 64] |= 1 << (w % 64);
        }
    }
}

/// Bit position of literal `k` in a clause's literal words.
#[inline]
pub(crate) fn literal_bit(stride: usize, n_features: usize, k: usize) -> usize {
    if k < n_features {
        k
    } else {
        (stride / 2) * 64 + (k - n_features)
    }
}

/// `F` words with the bits of the `n_features` real features set.
pub(crate) fn valid_mask(n_features: usize) -> Vec<u64> {
    let f = crate::bits::words_for(n_features);
    (0..f)
        .map(|w| {
            let lo = w * 64;
            if n_features - lo >= 64 {
                !0
            } else {
                (1u64 << (n_features - lo)) - 1
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Xoshiro256;

    /// Rearranging a bank keeps every automaton and the include summaries, in place (blocks
    /// that shrink) or not (blocks that grow: a short stride padded to a line per plane), and
    /// banks compare by their automata, not by their arrangement.
    #[test]
    fn relayout_keeps_every_automaton() {
        // (200 features, 6 bits): plane-major blocks are shorter; (50, 8): longer.
        for (n_features, bits) in [(200, 6), (50, 8)] {
            let mut bank = ClauseBank::new(5, n_features, bits);
            let mut rng = Xoshiro256::new(7);
            for j in 0..5 {
                for k in 0..2 * n_features {
                    bank.set_state(j, n_features, k, rng.below(1 << bits) as u32);
                }
            }
            let before = bank.clone();
            bank.set_layout_kind(LayoutKind::PlaneMajor);
            assert_eq!(bank.layout().kind(), LayoutKind::PlaneMajor);
            assert_eq!(bank.planes.len(), 5 * bank.clause_len());
            assert_eq!(bank, before);
            assert_eq!(bank.summary, before.summary);
            for j in 0..5 {
                assert_eq!(bank.include(j), before.include(j));
                for k in 0..2 * n_features {
                    assert_eq!(bank.state(j, n_features, k), before.state(j, n_features, k));
                }
            }
            bank.set_state(2, n_features, 3, 0);
            assert_ne!(bank, before);
            bank.set_state(2, n_features, 3, before.state(2, n_features, 3));
            bank.set_layout_kind(LayoutKind::CacheLine);
            assert_eq!(bank.planes, before.planes);
        }
    }
}
