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
//! the smallest.
//!
//! The masks are laid out for the vector units rather than word by word: each class's words
//! are cut into blocks of [`LANES`] consecutive words, and a block stores its masks as layers,
//! one mask and one coefficient per word in each (the `k`-th mask of each word, or an empty
//! one where a word has fewer). A layer is then one vector AND, population count and
//! multiply-add over eight words, with no branch and no per-word lookup; walking the masks
//! word by word spent most of its time on those lookups and on mispredicted branches.
//!
//! Invariant relied on: for each clause, the coefficients of the masks that hold it add up to
//! its vote (its group's floor plus the bits of the rest of its weight), and every mask holds
//! clauses of its block's class only, so both ways add exactly the same integers (the walk,
//! [`VotePlanes::add_walking`], is the reference twin; a proptest holds them equal).

use std::collections::BTreeMap;

/// Words per block: one 512-bit vector of `u64` lanes.
const LANES: usize = 8;

/// The masks of each word of a block, as (mask, coefficient), while the planes are built.
type BlockMasks = [Vec<(u64, i64)>; LANES];

/// The bit-sliced votes of one set of clauses, in blocks of [`LANES`] words per class.
#[derive(Debug, Clone)]
pub(super) struct VotePlanes {
    /// In class order (a class's share is kept in registers until the class changes).
    blocks: Vec<Block>,
    /// The layers of every block: one mask per word of the block.
    masks: Vec<[u64; LANES]>,
    /// The coefficients of the masks of each layer (0 where a mask is empty padding).
    coefs: Vec<[i64; LANES]>,
    /// Masks that hold a clause (the padding not counted).
    n_masks: usize,
    /// Per word: its clauses as given (the walk needs them).
    clauses: Vec<u64>,
}

/// The masks of one class in [`LANES`] consecutive words.
#[derive(Debug, Clone, Copy)]
struct Block {
    /// The block's first word (a multiple of [`LANES`]).
    first_word: usize,
    class: u32,
    /// Its layers are `masks[start..end]`.
    start: usize,
    end: usize,
}

impl VotePlanes {
    /// Slices the votes of the clauses set in `clauses` (a bitset over all clauses), with
    /// `vote[g]` and `class_of[g]` per clause.
    ///
    /// Invariant relied on: every vote is a clause's polarity times its `u32` weight, so a
    /// weight has at most 32 bits and `sign * 2^t` cannot overflow.
    pub(super) fn new(clauses: &[u64], vote: &[i64], class_of: &[u32]) -> Self {
        // Per (class, block): the masks of each of its words, as (mask, coefficient).
        let mut lanes: BTreeMap<(u32, usize), BlockMasks> = BTreeMap::new();
        let mut n_masks = 0;
        for (w, &word) in clauses.iter().enumerate() {
            for (class, mask, coef) in word_masks(w, word, vote, class_of) {
                lanes.entry((class, w / LANES)).or_default()[w % LANES].push((mask, coef));
                n_masks += 1;
            }
        }
        let (mut blocks, mut masks, mut coefs) = (Vec::new(), Vec::new(), Vec::new());
        for ((class, block), words) in lanes {
            let start = masks.len();
            let layers = words.iter().map(Vec::len).max().unwrap_or(0);
            for layer in 0..layers {
                let (mut mask, mut coef) = ([0; LANES], [0; LANES]);
                for (k, word) in words.iter().enumerate() {
                    (mask[k], coef[k]) = word.get(layer).copied().unwrap_or((0, 0));
                }
                masks.push(mask);
                coefs.push(coef);
            }
            blocks.push(Block {
                first_word: block * LANES,
                class,
                start,
                end: masks.len(),
            });
        }
        Self {
            blocks,
            masks,
            coefs,
            n_masks,
            clauses: clauses.to_vec(),
        }
    }

    /// Masks in all (what the sliced sums cost per row, in population counts, before the
    /// padding of the blocks).
    pub(super) fn n_masks(&self) -> usize {
        self.n_masks
    }

    /// Mask slots in all, the padding included (what the sliced sums cost per row, in
    /// population counts: [`LANES`] words at a time).
    pub(super) fn n_slots(&self) -> usize {
        self.masks.len() * LANES
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
    pub(super) fn add(&self, alive: &[u64], sums: &mut [i64]) {
        let Some(first) = self.blocks.first() else {
            return;
        };
        let (mut class, mut acc) = (first.class as usize, [0i64; LANES]);
        for block in &self.blocks {
            if block.class as usize != class {
                sums[class] += acc.iter().sum::<i64>();
                (class, acc) = (block.class as usize, [0; LANES]);
            }
            let live = block_words(alive, block.first_word);
            let layers = block.start..block.end;
            for (mask, coef) in self.masks[layers.clone()].iter().zip(&self.coefs[layers]) {
                for k in 0..LANES {
                    acc[k] += coef[k] * i64::from((live[k] & mask[k]).count_ones());
                }
            }
        }
        sums[class] += acc.iter().sum::<i64>();
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
            super::for_each_bit(a & set, |b| {
                let g = w * 64 + b;
                sums[class_of[g] as usize] += vote[g];
            });
        }
    }
}

/// The masks of word `w` (clause bits `word`), as (class, mask, coefficient) in class order:
/// per (class, sign), the group's smallest weight over all its clauses, then one mask per bit
/// of the weights above it.
fn word_masks(w: usize, word: u64, vote: &[i64], class_of: &[u32]) -> Vec<(u32, u64, i64)> {
    let mut floor: BTreeMap<(u32, i64), u64> = BTreeMap::new();
    super::for_each_bit(word, |b| {
        let g = w * 64 + b;
        let weight = floor
            .entry((class_of[g], vote[g].signum()))
            .or_insert(u64::MAX);
        *weight = (*weight).min(vote[g].unsigned_abs());
    });
    // Keyed by (class, whether the mask is the floor's, coefficient): a floor and a bit may
    // have the same coefficient, and each clause must count in both.
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
    by_key
        .into_iter()
        .map(|((class, _, coef), mask)| (class, mask, coef))
        .collect()
}

/// The [`LANES`] words of `alive` from `first`, zeros past its end.
#[inline]
fn block_words(alive: &[u64], first: usize) -> [u64; LANES] {
    match alive.get(first..first + LANES) {
        Some(words) => {
            let mut out = [0; LANES];
            out.copy_from_slice(words);
            out
        }
        None => {
            let mut out = [0; LANES];
            let tail = alive.get(first..).unwrap_or(&[]);
            out[..tail.len()].copy_from_slice(tail);
            out
        }
    }
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
            words in 1usize..20,
            seed_votes in prop::collection::vec(-70i64..70, 1280),
            big in prop::collection::vec(any::<bool>(), 1280),
            clauses in prop::collection::vec(any::<u64>(), 20),
            alive in prop::collection::vec(any::<u64>(), 20),
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
            planes.add(&alive[..words], &mut fast);
            planes.add_walking(&alive[..words], &vote, &class_of, &mut plain);
            prop_assert_eq!(fast, plain);
        }
    }

    #[test]
    fn the_largest_weights_slice_exactly() {
        // A floor of 1 under weights of u32::MAX leaves 31 bits above it per sign: 64 masks,
        // 64 layers of one block (the block's other seven words padded).
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
        assert_eq!(planes.n_slots(), 64 * LANES);
        let (mut sliced, mut walked) = (vec![0i64], vec![0i64]);
        planes.add(&[!0], &mut sliced);
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
        planes.add(&[!0], &mut sliced);
        assert_eq!(sliced[0], 6);
    }
}
