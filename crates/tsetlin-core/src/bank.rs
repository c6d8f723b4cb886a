//! A clause bank: the Tsetlin automata of one class's clauses as bit planes, and their weights.
//!
//! Clause `j` owns the contiguous block `planes[j * L..(j + 1) * L]` with `L = bits * 2F`
//! words (see [`crate::bits`] for the literal layout and [`crate::bits::planes`] for the plane
//! layout). Keeping a clause contiguous means one feedback touches one compact block, which is
//! what the memory system rewards: feedback, not evaluation, dominates training time.

use crate::bits::planes;

/// The automata and weights of one class's clauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseBank {
    pub(crate) n_clauses: usize,
    pub(crate) bits: usize,
    pub(crate) stride: usize,
    pub(crate) planes: Vec<u64>,
    pub(crate) weights: Vec<u32>,
}

impl ClauseBank {
    /// A bank of `n_clauses` clauses over `n_features` features, every automaton at state `N`
    /// (the last exclude state), every weight 1.
    pub fn new(n_clauses: usize, n_features: usize, bits: u32) -> Self {
        let f = crate::bits::words_for(n_features);
        let stride = 2 * f;
        let bits = bits as usize;
        let mut one = vec![0u64; bits * stride];
        let valid = valid_mask(n_features);
        // Stored value N - 1: every plane but the top one set on the valid literals.
        for p in 0..bits - 1 {
            for w in 0..f {
                one[p * stride + w] = valid[w];
                one[p * stride + f + w] = valid[w];
            }
        }
        let planes = one.repeat(n_clauses);
        Self {
            n_clauses,
            bits,
            stride,
            planes,
            weights: vec![1; n_clauses],
        }
    }

    /// Words per clause block.
    #[inline]
    pub fn clause_len(&self) -> usize {
        self.bits * self.stride
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
        let l = self.clause_len();
        let top = j * l + (self.bits - 1) * self.stride;
        &self.planes[top..top + self.stride]
    }

    /// Stored value (`state - 1`) of literal `k` (`k < o`: `x_k`; else `NOT x_{k-o}`) of clause `j`.
    pub fn state(&self, j: usize, n_features: usize, k: usize) -> u32 {
        planes::get(
            self.clause(j),
            self.stride,
            literal_bit(self.stride, n_features, k),
        )
    }

    /// Sets the stored value of literal `k` of clause `j` (tests and model surgery).
    pub fn set_state(&mut self, j: usize, n_features: usize, k: usize, value: u32) {
        let l = self.clause_len();
        let bit = literal_bit(self.stride, n_features, k);
        planes::set(
            &mut self.planes[j * l..(j + 1) * l],
            self.stride,
            bit,
            value,
        );
    }

    /// Weight of clause `j`.
    pub fn weight(&self, j: usize) -> u32 {
        self.weights[j]
    }

    /// Number of clauses.
    pub fn n_clauses(&self) -> usize {
        self.n_clauses
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
