//! Tsetlin automata states as bit planes, laid out so that one automaton word's planes share a
//! cache line.
//!
//! A clause's automata are `bits`-bit counters, one bit plane per bit: bit `k` of plane `p` at
//! literal word `w` is bit `p` of the stored value of automaton `64w + k`. The stored value is
//! `state - 1`, in `0..2N` with `N = 2^(bits-1)`, so the top plane is exactly the include mask
//! (`state > N`). One word operation moves 64 automata.
//!
//! Where the words live in a clause's block ([`Layout`]): the top plane first, as `stride`
//! contiguous words (what evaluation reads), padded to a cache line; then, for each literal
//! word `w`, its `bits - 1` lower planes side by side in a slot of `lane` words (`bits - 1`
//! rounded up to a power of two: one 64-byte line at the default 8 bits). The sparse updates
//! that dominate training (a forget step on the few words a clause includes) then touch two
//! lines per word instead of `bits`; a plane-major layout put each plane of a word in a line
//! of its own (measured: reading the 7 lower planes of the hit words was 22 % of an epoch at
//! the ANCHORS setting). The layout is an in-memory choice: model files keep the plane-major
//! order ([`Layout::canonical_index`]).

/// Where the planes of a clause's automata live inside its block of words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Literal words per plane (`2F`).
    pub stride: usize,
    /// Bits per automaton (planes).
    pub bits: usize,
    /// Words reserved for the top plane: `stride` rounded up to a cache line.
    top_len: usize,
    /// Words reserved per literal word for its lower planes.
    lane: usize,
    /// Words per clause block: a whole number of cache lines.
    len: usize,
}

/// Words per 64-byte cache line.
const LINE_WORDS: usize = 8;

impl Layout {
    /// The layout of clauses of `stride` literal words and `bits` planes (`bits >= 2`).
    pub fn new(stride: usize, bits: usize) -> Self {
        debug_assert!(bits >= 2);
        let top_len = stride.next_multiple_of(LINE_WORDS);
        let lane = (bits - 1).next_power_of_two();
        let len = (top_len + stride * lane).next_multiple_of(LINE_WORDS);
        Self {
            stride,
            bits,
            top_len,
            lane,
            len,
        }
    }

    /// Words per clause block (a multiple of a cache line, so that blocks stay aligned).
    #[inline]
    pub fn clause_len(&self) -> usize {
        self.len
    }

    /// Index of word `w` of plane `p` inside a clause block.
    #[inline]
    pub fn index(&self, p: usize, w: usize) -> usize {
        if p + 1 == self.bits {
            w
        } else {
            self.lower(w) + p
        }
    }

    /// Index of the first lower plane of literal word `w` (its `bits - 1` planes follow).
    #[inline]
    pub fn lower(&self, w: usize) -> usize {
        self.top_len + w * self.lane
    }

    /// The include mask (top plane) of a clause block.
    #[inline]
    pub fn include<'a>(&self, clause: &'a [u64]) -> &'a [u64] {
        &clause[..self.stride]
    }

    /// Index in a clause block of the `i`-th word in canonical (plane-major) order: plane
    /// `i / stride`, word `i % stride`. Model files store words in this order.
    #[inline]
    pub fn canonical_index(&self, i: usize) -> usize {
        self.index(i / self.stride, i % self.stride)
    }

    /// Words of a clause in canonical order (`bits * stride`).
    #[inline]
    pub fn canonical_len(&self) -> usize {
        self.bits * self.stride
    }

    /// OR of word `w`'s lower planes: bit set where the automaton is above the lowest state of
    /// its side.
    #[inline]
    pub fn lower_or(&self, clause: &[u64], w: usize) -> u64 {
        let lo = self.lower(w);
        clause[lo..lo + self.bits - 1]
            .iter()
            .fold(0, |acc, &v| acc | v)
    }
}

/// Adds 1 to every automaton in `inc` and subtracts 1 from every automaton in `dec`,
/// saturating at `0` and `2N - 1`, for the literal words `0..inc.len()` of a clause block.
///
/// Invariant relied on: `inc[w] & dec[w] == 0` for every `w` (an automaton is moved in one
/// direction at most per call); `clause.len() == layout.clause_len()`,
/// `inc.len() == dec.len() <= layout.stride`. A word whose moves all saturate is not written.
#[inline]
pub fn step(clause: &mut [u64], layout: &Layout, inc: &[u64], dec: &[u64]) {
    debug_assert_eq!(inc.len(), dec.len());
    debug_assert!(inc.len() <= layout.stride);
    for (w, (&up, &down)) in inc.iter().zip(dec).enumerate() {
        step_word(clause, layout, w, up, down);
    }
}

/// [`step`] for a single literal word `w`.
#[inline]
pub fn step_word(clause: &mut [u64], layout: &Layout, w: usize, up: u64, down: u64) {
    if up | down == 0 {
        return;
    }
    let lower_planes = layout.bits - 1;
    let lo = layout.lower(w);
    let top = clause[w];
    let lower = &mut clause[lo..lo + lower_planes];
    let mut all_ones = top;
    let mut all_zeros = !top;
    for &v in lower.iter() {
        all_ones &= v;
        all_zeros &= !v;
    }
    let mut carry = up & !all_ones;
    let mut borrow = down & !all_zeros;
    // Ripple a carry (increments) and a borrow (decrements) up the planes in one pass: they
    // touch disjoint bits.
    for v in lower.iter_mut() {
        if carry | borrow == 0 {
            return;
        }
        let old = *v;
        *v = old ^ carry ^ borrow;
        carry &= old;
        borrow &= !old;
    }
    if carry | borrow != 0 {
        clause[w] = top ^ carry ^ borrow;
    }
}

/// Adds 1 to every automaton in `inc`, saturating (convenience over [`step`]).
pub fn increment(clause: &mut [u64], layout: &Layout, inc: &[u64]) {
    let zero = vec![0u64; inc.len()];
    step(clause, layout, inc, &zero);
}

/// Subtracts 1 from every automaton in `dec`, saturating at 0.
pub fn decrement(clause: &mut [u64], layout: &Layout, dec: &[u64]) {
    let zero = vec![0u64; dec.len()];
    step(clause, layout, &zero, dec);
}

/// Reads the stored value (`state - 1`) of automaton `k`.
#[inline]
pub fn get(clause: &[u64], layout: &Layout, k: usize) -> u32 {
    let (w, b) = (k / 64, k % 64);
    (0..layout.bits).fold(0u32, |acc, p| {
        acc | ((((clause[layout.index(p, w)] >> b) & 1) as u32) << p)
    })
}

/// Writes the stored value (`state - 1`) of automaton `k`.
#[inline]
pub fn set(clause: &mut [u64], layout: &Layout, k: usize, value: u32) {
    let (w, b) = (k / 64, k % 64);
    for p in 0..layout.bits {
        let word = &mut clause[layout.index(p, w)];
        *word = (*word & !(1 << b)) | ((((value >> p) & 1) as u64) << b);
    }
}

/// Plain reference twin of [`step`] on one `u32` per automaton.
pub fn step_reference(states: &mut [u32], max: u32, inc: &[u64], dec: &[u64]) {
    for (k, s) in states.iter_mut().enumerate() {
        let (w, b) = (k / 64, k % 64);
        if w >= inc.len() {
            break;
        }
        if (inc[w] >> b) & 1 == 1 && *s < max {
            *s += 1;
        } else if (dec[w] >> b) & 1 == 1 && *s > 0 {
            *s -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn step_matches_reference(
            bits in 2u32..=16,
            words in 1usize..20,
            seed_states in proptest::collection::vec(any::<u32>(), 20 * 64),
            masks in proptest::collection::vec((any::<u64>(), any::<u64>()), 5),
            rounds in 1usize..6,
        ) {
            let n = words * 64;
            let max = (1u32 << bits) - 1;
            // Bias states towards the saturation limits, where bugs hide.
            let mut states: Vec<u32> = seed_states[..n].iter().map(|&v| match v % 4 {
                0 => 0,
                1 => max,
                _ => v % (max + 1),
            }).collect();
            let layout = Layout::new(words, bits as usize);
            let mut planes = vec![0u64; layout.clause_len()];
            for (k, &s) in states.iter().enumerate() {
                set(&mut planes, &layout, k, s);
            }
            for r in 0..rounds {
                let inc: Vec<u64> = (0..words).map(|w| masks[(w + r) % 5].0).collect();
                let dec: Vec<u64> = (0..words).map(|w| masks[(w + r) % 5].1 & !inc[w]).collect();
                step(&mut planes, &layout, &inc, &dec);
                step_reference(&mut states, max, &inc, &dec);
            }
            for (k, &s) in states.iter().enumerate() {
                prop_assert_eq!(get(&planes, &layout, k), s, "automaton {}", k);
            }
        }
    }

    #[test]
    fn saturates_at_both_ends() {
        let layout = Layout::new(1, 3);
        let mut planes = vec![0u64; layout.clause_len()];
        set(&mut planes, &layout, 0, 7);
        increment(&mut planes, &layout, &[1]);
        assert_eq!(get(&planes, &layout, 0), 7);
        set(&mut planes, &layout, 0, 0);
        decrement(&mut planes, &layout, &[1]);
        assert_eq!(get(&planes, &layout, 0), 0);
    }

    /// Every plane word has its own place, the top plane is the include mask, blocks are whole
    /// cache lines, and at 8 bits a word's lower planes fill exactly one line.
    #[test]
    fn layout_places_every_plane_word_once() {
        for bits in 2..=16 {
            for stride in [1, 2, 7, 8, 158] {
                let layout = Layout::new(stride, bits);
                assert_eq!(layout.clause_len() % LINE_WORDS, 0);
                let mut seen = vec![false; layout.clause_len()];
                for i in 0..layout.canonical_len() {
                    let at = layout.canonical_index(i);
                    assert!(!seen[at], "bits {bits} stride {stride}: {i} collides");
                    seen[at] = true;
                }
                for w in 0..stride {
                    assert_eq!(layout.index(bits - 1, w), w);
                }
            }
        }
        let layout = Layout::new(158, 8);
        assert!((0..158).all(|w| layout.lower(w) % LINE_WORDS == 0));
    }
}
