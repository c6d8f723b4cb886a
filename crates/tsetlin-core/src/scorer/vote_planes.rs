//! The votes of the clauses without positive literals, bit-sliced, so that a word of surviving
//! clauses is added up with a few population counts instead of one step per clause.
//!
//! Those clauses are decided by the kill pass alone, and on a trained text model most of them
//! survive it: on a 23-class OHSUMED model, about 19,000 of its 46,000 clauses fire on an
//! average abstract, and adding their votes one by one cost more than everything else a row
//! does. A vote is `sign * weight`; for each word of clause bits, the clauses are grouped by
//! (class, sign): every clause of a group votes the group's smallest weight (one mask), and the
//! rest of each weight is grouped by its bits `t` into masks, so the word's share of a class
//! sum is `sum over its masks of coefficient * popcount(alive & mask)`, the coefficient being
//! `sign * smallest` or `sign * 2^t`. The scorer numbers a class's clauses by sign and weight
//! (`scoring_order` in `mod.rs`), so a word's weights are close and few bits are left above
//! the smallest. An unweighted word has one mask per class and sign. A word with few survivors
//! is still walked bit by bit when that is cheaper than its masks.
//!
//! Invariant relied on: for each clause, the coefficients of the masks that hold it add up to
//! its vote (its group's floor plus the bits of the rest of its weight), so both
//! ways add exactly the same integers (the walk, [`VotePlanes::add_walking`], is the reference
//! twin; a proptest holds them equal).

use std::collections::BTreeMap;

/// The bit-sliced votes of one set of clauses, word by word.
#[derive(Debug, Clone)]
pub(super) struct VotePlanes {
    /// CSR over words: the groups of word `w` are `groups[group_ptr[w]..group_ptr[w + 1]]`.
    group_ptr: Vec<usize>,
    /// CSR over words: the class runs that split those groups, `runs[run_ptr[w]..run_ptr[w + 1]]`.
    run_ptr: Vec<usize>,
    /// The groups of one class within a word: its last group is `groups[end - 1]`.
    runs: Vec<ClassRun>,
    /// One mask of a word (a group's floor, or one bit of the weights above it): its clause
    /// bits and its coefficient, side by side so that the inner loop reads one array.
    groups: Vec<Group>,
    /// Per word: its clauses as given (the walk needs them).
    clauses: Vec<u64>,
}

#[derive(Debug, Clone, Copy)]
struct ClassRun {
    end: usize,
    class: u32,
}

#[derive(Debug, Clone, Copy)]
struct Group {
    mask: u64,
    coef: i64,
}

impl VotePlanes {
    /// Slices the votes of the clauses set in `clauses` (a bitset over all clauses), with
    /// `vote[g]` and `class_of[g]` per clause.
    ///
    /// Invariant relied on: every vote is a clause's polarity times its `u32` weight, so a
    /// weight has at most 32 bits and `sign * 2^t` cannot overflow.
    pub(super) fn new(clauses: &[u64], vote: &[i64], class_of: &[u32]) -> Self {
        let (mut group_ptr, mut run_ptr) = (vec![0], vec![0]);
        let (mut runs, mut groups): (Vec<ClassRun>, Vec<Group>) = (Vec::new(), Vec::new());
        for (w, &word) in clauses.iter().enumerate() {
            // The smallest weight of each (class, sign) in the word: every clause of the group
            // votes it (one mask), and only the rest of its weight is sliced by bits.
            let mut floor: BTreeMap<(u32, i64), u64> = BTreeMap::new();
            super::for_each_bit(word, |b| {
                let g = w * 64 + b;
                let weight = floor
                    .entry((class_of[g], vote[g].signum()))
                    .or_insert(u64::MAX);
                *weight = (*weight).min(vote[g].unsigned_abs());
            });
            // Keyed by (class, whether the mask is the floor's, coefficient): a floor and a bit
            // may have the same coefficient, and each clause must count in both.
            let mut by_key: BTreeMap<(u32, bool, i64), u64> = BTreeMap::new();
            super::for_each_bit(word, |b| {
                let g = w * 64 + b;
                let (class, sign) = (class_of[g], vote[g].signum());
                let least = floor.get(&(class, sign)).copied().unwrap_or(0);
                if least > 0 {
                    *by_key
                        .entry((class, true, sign * least as i64))
                        .or_insert(0) |= 1 << b;
                }
                super::for_each_bit(vote[g].unsigned_abs() - least, |t| {
                    *by_key.entry((class, false, sign << t)).or_insert(0) |= 1 << b;
                });
            });
            let first_run = runs.len();
            for ((class, _, coef), mask) in by_key {
                // The keys come in class order: a new class starts a new run.
                if runs.len() == first_run || runs.last().is_some_and(|r| r.class != class) {
                    runs.push(ClassRun {
                        end: groups.len(),
                        class,
                    });
                }
                groups.push(Group { mask, coef });
                if let Some(run) = runs.last_mut() {
                    run.end = groups.len();
                }
            }
            group_ptr.push(groups.len());
            run_ptr.push(runs.len());
        }
        Self {
            group_ptr,
            run_ptr,
            runs,
            groups,
            clauses: clauses.to_vec(),
        }
    }

    /// Masks in all (what the sliced sums cost at most per row, in population counts).
    pub(super) fn n_masks(&self) -> usize {
        self.groups.len()
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
        // Clauses are class-major, so consecutive words mostly share their class: its share
        // is kept in a register and stored once when the class changes (adding into
        // `sums[class]` per word made every word wait for the previous store).
        let (mut class, mut acc) = (0usize, 0i64);
        for (w, (&a, &set)) in alive.iter().zip(&self.clauses).enumerate() {
            let live = a & set;
            if live == 0 {
                continue;
            }
            let (lo, hi) = (self.group_ptr[w], self.group_ptr[w + 1]);
            // A walk step costs about two population counts and their multiply-adds.
            if 2 * live.count_ones() as usize <= hi - lo {
                walk_word(w, live, vote, class_of, sums);
                continue;
            }
            let mut start = lo;
            for run in &self.runs[self.run_ptr[w]..self.run_ptr[w + 1]] {
                let share: i64 = self.groups[start..run.end]
                    .iter()
                    .map(|g| g.coef * i64::from((live & g.mask).count_ones()))
                    .sum();
                start = run.end;
                if run.class as usize != class {
                    sums[class] += acc;
                    (class, acc) = (run.class as usize, 0);
                }
                acc += share;
            }
        }
        sums[class] += acc;
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
        // A floor of 1 under weights of u32::MAX leaves 31 bits above it per sign; every
        // clause is alive, so the word is sliced (64 masks), not walked.
        let vote: Vec<i64> = (0..64)
            .map(|g| match g {
                0 | 1 => 1 - 2 * (g as i64 % 2),
                _ if g % 2 == 0 => i64::from(u32::MAX),
                _ => -i64::from(u32::MAX) + 1,
            })
            .collect();
        let class_of = vec![0u32; 64];
        let planes = VotePlanes::new(&[!0], &vote, &class_of);
        assert_eq!(planes.n_masks(), 64);
        let (mut sliced, mut walked) = (vec![0i64], vec![0i64]);
        planes.add(&[!0], &vote, &class_of, &mut sliced);
        planes.add_walking(&[!0], &vote, &class_of, &mut walked);
        assert_eq!(sliced, walked);
        assert_eq!(sliced[0], 31);
    }

    #[test]
    fn a_floor_and_a_bit_of_the_same_size_both_count() {
        // Weights 2 and 4: the floor is 2, and the rest of 4 is the bit 2 as well.
        let vote = vec![2, 4, 0, 0];
        let class_of = vec![0u32; 4];
        let planes = VotePlanes::new(&[0b11], &vote, &class_of);
        assert_eq!(planes.n_masks(), 2);
        let mut sliced = vec![0i64];
        planes.add(&[!0], &vote, &class_of, &mut sliced);
        assert_eq!(sliced[0], 6);
    }
}
