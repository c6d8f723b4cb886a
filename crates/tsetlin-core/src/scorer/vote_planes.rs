//! The votes of the clauses without positive literals, bit-sliced, so that a word of surviving
//! clauses is added up with a few population counts instead of one step per clause.
//!
//! Those clauses are decided by the kill pass alone, and on a trained text model most of them
//! survive it: on a 23-class OHSUMED model, about 19,000 of its 46,000 clauses fire on an
//! average abstract, and adding their votes one by one cost more than everything else a row
//! does. A vote is `sign * weight`; for each word of clause bits, the clauses are grouped by
//! (class, sign, bit `t` of the weight) into masks, and the word's share of a class sum is
//! `sum over its masks of sign * 2^t * popcount(alive & mask)`. An unweighted word has one
//! mask per class and sign. A word with few survivors is still walked bit by bit when that
//! is cheaper than its masks.
//!
//! Invariant relied on: the masks of a word partition the weight bits of its clauses, so both
//! ways add exactly the same integers (the walk, [`VotePlanes::add_walking`], is the reference
//! twin; a proptest holds them equal).

use std::collections::BTreeMap;

/// The bit-sliced votes of one set of clauses, word by word.
#[derive(Debug, Clone)]
pub(super) struct VotePlanes {
    /// CSR over words: the masks of word `w` are `indptr[w]..indptr[w + 1]`.
    indptr: Vec<usize>,
    /// Clause bits of one (class, sign, weight bit) group of a word.
    mask: Vec<u64>,
    /// `sign * 2^t` of the group.
    coef: Vec<i64>,
    /// Class of the group.
    class: Vec<u32>,
    /// Per word: its clauses as given (the walk needs them).
    clauses: Vec<u64>,
}

impl VotePlanes {
    /// Slices the votes of the clauses set in `clauses` (a bitset over all clauses), with
    /// `vote[g]` and `class_of[g]` per clause.
    ///
    /// Invariant relied on: every vote is a clause's polarity times its `u32` weight, so a
    /// weight has at most 32 bits and `sign * 2^t` cannot overflow.
    pub(super) fn new(clauses: &[u64], vote: &[i64], class_of: &[u32]) -> Self {
        let mut indptr = Vec::with_capacity(clauses.len() + 1);
        indptr.push(0);
        let (mut mask, mut coef, mut class) = (Vec::new(), Vec::new(), Vec::new());
        for (w, &word) in clauses.iter().enumerate() {
            let mut groups: BTreeMap<(u32, i64), u64> = BTreeMap::new();
            super::for_each_bit(word, |b| {
                let g = w * 64 + b;
                let sign = vote[g].signum();
                super::for_each_bit(vote[g].unsigned_abs(), |t| {
                    *groups.entry((class_of[g], sign << t)).or_insert(0) |= 1 << b;
                });
            });
            for ((c, k), m) in groups {
                mask.push(m);
                coef.push(k);
                class.push(c);
            }
            indptr.push(mask.len());
        }
        Self {
            indptr,
            mask,
            coef,
            class,
            clauses: clauses.to_vec(),
        }
    }

    /// Masks in all (what the sliced sums cost at most per row, in population counts).
    pub(super) fn n_masks(&self) -> usize {
        self.mask.len()
    }

    /// The clauses of the set (a bitset over all clauses).
    pub(super) fn clauses(&self) -> &[u64] {
        &self.clauses
    }

    /// Adds to `sums` the votes of the clauses of this set that are set in `alive`.
    ///
    /// Invariant relied on: `alive` has one word per word of the set, and `sums` one entry per
    /// class of `class_of` given to [`VotePlanes::new`].
    #[inline]
    pub(super) fn add(&self, alive: &[u64], vote: &[i64], class_of: &[u32], sums: &mut [i64]) {
        // The masks are in class order, word after word, so a class's share is kept in a
        // register and stored once when the class changes (adding into `sums[class]` per mask
        // made every mask wait for the previous store).
        let (mut class, mut acc) = (0usize, 0i64);
        for (w, (&a, &set)) in alive.iter().zip(&self.clauses).enumerate() {
            let live = a & set;
            if live == 0 {
                continue;
            }
            let (lo, hi) = (self.indptr[w], self.indptr[w + 1]);
            if lo == hi {
                continue; // every vote of the word is zero
            }
            // A walk step costs about two population counts and their multiply-adds.
            if 2 * live.count_ones() as usize <= hi - lo {
                walk_word(w, live, vote, class_of, sums);
                continue;
            }
            let groups = self.class[lo..hi]
                .iter()
                .zip(&self.coef[lo..hi])
                .zip(&self.mask[lo..hi]);
            for ((&c, &k), &m) in groups {
                if c as usize != class {
                    sums[class] += acc;
                    (class, acc) = (c as usize, 0);
                }
                acc += k * i64::from((live & m).count_ones());
            }
        }
        if acc != 0 {
            sums[class] += acc;
        }
    }

    /// [`VotePlanes::add`] one clause at a time: the reference twin.
    pub(super) fn add_walking(
        &self,
        alive: &[u64],
        vote: &[i64],
        class_of: &[u32],
        sums: &mut [i64],
    ) {
        for (w, (&a, &set)) in alive.iter().zip(&self.clauses).enumerate() {
            walk_word(w, a & set, vote, class_of, sums);
        }
    }
}

/// Adds the votes of the clauses set in `live`, word `w`, one by one.
#[inline]
fn walk_word(w: usize, live: u64, vote: &[i64], class_of: &[u32], sums: &mut [i64]) {
    super::for_each_bit(live, |b| {
        let g = w * 64 + b;
        sums[class_of[g] as usize] += vote[g];
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The sliced sums equal the walk for any clauses, votes (large and small weights,
        /// both signs, zero), classes and survivors.
        #[test]
        fn sliced_sums_equal_the_walk(
            words in 1usize..5,
            seed_votes in prop::collection::vec(-70i64..70, 320),
            big in prop::collection::vec(any::<bool>(), 320),
            clauses in prop::collection::vec(any::<u64>(), 5),
            alive in prop::collection::vec(any::<u64>(), 5),
            per_class in 1usize..100,
        ) {
            let total = words * 64;
            let vote: Vec<i64> = (0..total)
                .map(|g| if big[g] && g % 37 == 0 { seed_votes[g] * (1 << 27) } else { seed_votes[g] })
                .collect();
            let class_of: Vec<u32> = (0..total).map(|g| (g / per_class) as u32).collect();
            let n_classes = class_of[total - 1] as usize + 1;
            let planes = VotePlanes::new(&clauses[..words], &vote, &class_of);
            let (mut fast, mut plain) = (vec![0i64; n_classes], vec![0i64; n_classes]);
            planes.add(&alive[..words], &vote, &class_of, &mut fast);
            planes.add_walking(&alive[..words], &vote, &class_of, &mut plain);
            prop_assert_eq!(fast, plain);
        }
    }

    #[test]
    fn the_largest_weights_slice_exactly() {
        // Every clause alive, so the word is sliced, not walked: 32 masks per sign.
        let vote: Vec<i64> = (0..64)
            .map(|g| {
                if g % 2 == 0 {
                    i64::from(u32::MAX)
                } else {
                    -i64::from(u32::MAX) + 1
                }
            })
            .collect();
        let class_of = vec![0u32; 64];
        let planes = VotePlanes::new(&[!0], &vote, &class_of);
        assert_eq!(planes.n_masks(), 63);
        let (mut sliced, mut walked) = (vec![0i64], vec![0i64]);
        planes.add(&[!0], &vote, &class_of, &mut sliced);
        planes.add_walking(&[!0], &vote, &class_of, &mut walked);
        assert_eq!(sliced, walked);
        assert_eq!(sliced[0], 32);
    }
}
