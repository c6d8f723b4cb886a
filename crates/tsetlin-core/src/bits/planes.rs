//! Tsetlin automata states as bit planes, laid out so that the updates that dominate training
//! touch few cache lines.
//!
//! A clause's automata are `bits`-bit counters, one bit plane per bit: bit `k` of plane `p` at
//! literal word `w` is bit `p` of the stored value of automaton `64w + k`. The stored value is
//! `state - 1`, in `0..2N` with `N = 2^(bits-1)`, so the top plane is exactly the include mask
//! (`state > N`). One word operation moves 64 automata.
//!
//! Where the words live in a clause's block ([`Layout`]): the top plane first, as `stride`
//! contiguous words (what evaluation reads), padded to a cache line; then the `bits - 1` lower
//! planes in one of two arrangements ([`LayoutKind`]), chosen per training run from the
//! data's density and the model's size:
//! - **cache line** (sparse data and a model bigger than the cache): each literal word's lower
//!   planes side by side in a slot of `lane` words (`bits - 1` rounded up to a power of two:
//!   one 64-byte line at the default 8 bits). The sparse updates that dominate training there
//!   (a forget step on the few words a clause includes, waiting on memory) touch two lines per
//!   word instead of `bits` (measured: reading the 7 lower planes of the hit words plane-major
//!   was 22 % of an epoch at the ANCHORS setting).
//! - **plane-major** (dense data, or a model that stays in cache): each lower plane
//!   contiguous, so the dense updates (a firing clause's Type I step over every word, the
//!   deferred-forgetting flush) move eight words per vector operation (the cache-line layout
//!   made the dense clinical set 1.25x slower).
//!
//! The layout is an in-memory choice that never changes a result: model files keep the
//! plane-major order without padding ([`Layout::canonical_index`]).

/// Which of the two arrangements of a clause block a [`Layout`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LayoutKind {
    /// Each literal word's lower planes side by side in one slot (a cache line at 8 bits):
    /// the sparse updates of a forget step touch two lines per word. For sparse data and a
    /// model bigger than the cache, where forget steps wait on memory.
    CacheLine,
    /// Each plane contiguous, padded to a cache line: the dense updates (a firing clause's
    /// Type I step over every word, the deferred-forgetting flush) run eight words per
    /// vector operation. For dense data or a model that stays in cache.
    PlaneMajor,
}

impl LayoutKind {
    /// The arrangement for training a model whose automata take `automata_bytes` on data with
    /// `density` (the share of features present per row, `0..=1`): the cache-line one only
    /// for sparse data (below [`PLANE_MAJOR_DENSITY`]) and a model too big to stay in cache
    /// (from [`CACHE_LINE_MIN_BYTES`] on), where forget steps wait on memory; plane-major
    /// otherwise, where the dense updates dominate.
    pub fn choose(density: f64, automata_bytes: usize) -> Self {
        if density < PLANE_MAJOR_DENSITY && automata_bytes >= CACHE_LINE_MIN_BYTES {
            Self::CacheLine
        } else {
            Self::PlaneMajor
        }
    }
}

/// The data density from which training always uses [`LayoutKind::PlaneMajor`] (BENCHMARKS.md
/// §13: 0.9x of the cache-line layout's time on the clinical set, 9 % present, 31 MB model).
pub const PLANE_MAJOR_DENSITY: f64 = 0.05;

/// The automata size from which training on sparse data uses [`LayoutKind::CacheLine`]: a
/// model that no longer stays in a 2-core machine's last-level cache (BENCHMARKS.md §13:
/// plane-major 0.85-0.94x of the cache-line time at 4.5-8 MB, 1.12x at 45 MB).
pub const CACHE_LINE_MIN_BYTES: usize = 16 << 20;

/// Where the planes of a clause's automata live inside its block of words.
///
/// The top (include) plane is always the first `stride` words, padded to a cache line. Word
/// `w` of lower plane `p` is at `lower(w) + p * plane_step`, with `lower(w) = top_len + w *
/// word_step`: `(word_step, plane_step) = (lane, 1)` for [`LayoutKind::CacheLine`] and
/// `(1, top_len)` for [`LayoutKind::PlaneMajor`], so every kernel addresses both the same
/// way and only the dense step chooses its loop by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Literal words per plane (`2F`).
    pub stride: usize,
    /// Bits per automaton (planes).
    pub bits: usize,
    kind: LayoutKind,
    /// Words reserved for the top plane: `stride` rounded up to a cache line.
    top_len: usize,
    /// Distance between the lower planes of consecutive literal words.
    word_step: usize,
    /// Distance between consecutive lower planes of one literal word.
    plane_step: usize,
    /// Lower planes of one literal word per cache line (1 in the plane-major layout).
    planes_per_line: usize,
    /// Words per clause block: a whole number of cache lines.
    len: usize,
}

/// Words per 64-byte cache line.
const LINE_WORDS: usize = 8;

impl Layout {
    /// The cache-line layout of clauses of `stride` literal words and `bits` planes
    /// (`bits >= 2`): what a bank starts with.
    pub fn new(stride: usize, bits: usize) -> Self {
        Self::with_kind(stride, bits, LayoutKind::CacheLine)
    }

    /// The layout of the given kind.
    pub fn with_kind(stride: usize, bits: usize, kind: LayoutKind) -> Self {
        debug_assert!(bits >= 2);
        let top_len = stride.next_multiple_of(LINE_WORDS);
        let (word_step, plane_step, lower_len) = match kind {
            LayoutKind::CacheLine => {
                let lane = (bits - 1).next_power_of_two();
                (lane, 1, stride * lane)
            }
            LayoutKind::PlaneMajor => (1, top_len, top_len * (bits - 1)),
        };
        let len = (top_len + lower_len).next_multiple_of(LINE_WORDS);
        Self {
            stride,
            bits,
            kind,
            top_len,
            word_step,
            plane_step,
            planes_per_line: LINE_WORDS.div_ceil(plane_step),
            len,
        }
    }

    /// Which arrangement this is.
    #[inline]
    pub fn kind(&self) -> LayoutKind {
        self.kind
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
            self.lower(w) + p * self.plane_step
        }
    }

    /// Index of word `w` of the lowest plane (plane `p` is `p * plane_step()` further).
    #[inline]
    pub fn lower(&self, w: usize) -> usize {
        self.top_len + w * self.word_step
    }

    /// Distance between consecutive lower planes of one literal word.
    #[inline]
    pub fn plane_step(&self) -> usize {
        self.plane_step
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
        if self.kind == LayoutKind::CacheLine {
            clause[lo..lo + self.bits - 1]
                .iter()
                .fold(0, |acc, &v| acc | v)
        } else {
            (0..self.bits - 1).fold(0, |acc, p| acc | clause[lo + p * self.plane_step])
        }
    }

    /// Indices of one word of every cache line that holds a lower plane of literal word `w`
    /// (one line at 8 bits in the cache-line layout; `bits - 1` lines in the plane-major one).
    #[inline]
    pub fn lower_lines(&self, w: usize) -> impl Iterator<Item = usize> {
        let lo = self.lower(w);
        let plane_step = self.plane_step;
        (0..self.bits - 1)
            .step_by(self.planes_per_line)
            .map(move |p| lo + p * plane_step)
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
    let blocks = match layout.kind {
        LayoutKind::CacheLine => 0,
        LayoutKind::PlaneMajor => inc.len() / LANES,
    };
    for b in 0..blocks {
        step_block(clause, layout, b * LANES, inc, dec);
    }
    for w in blocks * LANES..inc.len() {
        step_word(clause, layout, w, inc[w], dec[w]);
    }
}

/// Words [`step_block`] moves together: one 512-bit vector, or four 128-bit ones on baseline
/// x86-64.
const LANES: usize = 8;

/// [`step`] for the literal words `w0..w0 + LANES` of a plane-major block: each plane's
/// `LANES` words are contiguous there, so with fixed-size arrays and no data-dependent branch
/// inside, the compiler turns each plane's ripple into vector code.
#[inline]
fn step_block(clause: &mut [u64], layout: &Layout, w0: usize, inc: &[u64], dec: &[u64]) {
    let mut up = [0u64; LANES];
    let mut down = [0u64; LANES];
    up.copy_from_slice(&inc[w0..w0 + LANES]);
    down.copy_from_slice(&dec[w0..w0 + LANES]);
    if up.iter().chain(&down).all(|&m| m == 0) {
        return;
    }
    let rows = |p: usize| {
        let at = layout.index(p, w0);
        at..at + LANES
    };
    let mut all_ones = [!0u64; LANES];
    let mut all_zeros = [!0u64; LANES];
    for p in 0..layout.bits {
        let row = &clause[rows(p)];
        for l in 0..LANES {
            all_ones[l] &= row[l];
            all_zeros[l] &= !row[l];
        }
    }
    let mut carry = [0u64; LANES];
    let mut borrow = [0u64; LANES];
    for l in 0..LANES {
        carry[l] = up[l] & !all_ones[l];
        borrow[l] = down[l] & !all_zeros[l];
    }
    // Ripple a carry (increments) and a borrow (decrements) up the planes in one pass: they
    // touch disjoint bits. The top plane is the last.
    for p in 0..layout.bits {
        let row = &mut clause[rows(p)];
        for l in 0..LANES {
            let v = row[l];
            row[l] = v ^ carry[l] ^ borrow[l];
            carry[l] &= v;
            borrow[l] &= !v;
        }
    }
}

/// [`step`] for a single literal word `w`.
///
/// Always inlined: it is the body of the forget step's loop over hit words, and a call per
/// word cost 6 % of an epoch at the ANCHORS setting (profiled) once the two layouts' branches
/// made it too big for the compiler's own choice.
#[inline(always)]
pub fn step_word(clause: &mut [u64], layout: &Layout, w: usize, up: u64, down: u64) {
    if up | down == 0 {
        return;
    }
    let (lo, planes) = (layout.lower(w), layout.bits - 1);
    let (head, tail) = clause.split_at_mut(lo);
    // The top plane comes first in a block, so `w < lo`. A literal step of 1 for the
    // cache-line layout lets the compiler see its planes as contiguous: the sparse forget path
    // stays as tight as before the plane-major choice existed (6 % slower per epoch with the
    // step left to run time).
    if layout.kind == LayoutKind::CacheLine {
        ripple(&mut head[w], tail, 1, planes, up, down);
    } else {
        ripple(&mut head[w], tail, layout.plane_step, planes, up, down);
    }
}

/// Moves the automata of one literal word whose lower planes are `lower[p * step]` for
/// `p < planes`, lowest first, and whose top-plane word is `top`.
#[inline(always)]
fn ripple(top: &mut u64, lower: &mut [u64], step: usize, planes: usize, up: u64, down: u64) {
    // One bounds check here instead of one per plane (`planes >= 1`: `bits >= 2`).
    let lower = &mut lower[..(planes - 1) * step + 1];
    let mut all_ones = *top;
    let mut all_zeros = !*top;
    for p in 0..planes {
        let v = lower[p * step];
        all_ones &= v;
        all_zeros &= !v;
    }
    let mut carry = up & !all_ones;
    let mut borrow = down & !all_zeros;
    // Ripple a carry (increments) and a borrow (decrements) up the planes in one pass: they
    // touch disjoint bits.
    for p in 0..planes {
        if carry | borrow == 0 {
            return;
        }
        let old = lower[p * step];
        lower[p * step] = old ^ carry ^ borrow;
        carry &= old;
        borrow &= !old;
    }
    if carry | borrow != 0 {
        *top ^= carry ^ borrow;
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
            plane_major in any::<bool>(),
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
            let layout = Layout::with_kind(words, bits as usize, kind(plane_major));
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

    /// The cache-line layout only where forget steps wait on memory: sparse data and a model
    /// bigger than the cache.
    #[test]
    fn layout_choice_follows_density_and_size() {
        let big = CACHE_LINE_MIN_BYTES;
        assert_eq!(LayoutKind::choose(0.01, big), LayoutKind::CacheLine);
        assert_eq!(LayoutKind::choose(0.01, big - 1), LayoutKind::PlaneMajor);
        assert_eq!(LayoutKind::choose(0.09, 10 * big), LayoutKind::PlaneMajor);
        assert_eq!(LayoutKind::choose(0.0, 0), LayoutKind::PlaneMajor);
    }

    fn kind(plane_major: bool) -> LayoutKind {
        if plane_major {
            LayoutKind::PlaneMajor
        } else {
            LayoutKind::CacheLine
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
        for (bits, kind) in
            (2..=16).flat_map(|b| [(b, LayoutKind::CacheLine), (b, LayoutKind::PlaneMajor)])
        {
            for stride in [1, 2, 7, 8, 158] {
                let layout = Layout::with_kind(stride, bits, kind);
                assert_eq!(layout.clause_len() % LINE_WORDS, 0);
                let mut seen = vec![false; layout.clause_len()];
                for i in 0..layout.canonical_len() {
                    let at = layout.canonical_index(i);
                    assert!(!seen[at], "bits {bits} stride {stride}: {i} collides");
                    seen[at] = true;
                }
                for w in 0..stride {
                    assert_eq!(layout.index(bits - 1, w), w);
                    // Every lower plane word sits in a line that `lower_lines` names.
                    let lines: Vec<usize> = layout.lower_lines(w).map(|i| i / LINE_WORDS).collect();
                    for p in 0..bits - 1 {
                        assert!(lines.contains(&(layout.index(p, w) / LINE_WORDS)));
                    }
                }
            }
        }
        let layout = Layout::new(158, 8);
        assert!((0..158).all(|w| layout.lower(w) % LINE_WORDS == 0));
        assert!((0..158).all(|w| layout.lower_lines(w).count() == 1));
        let layout = Layout::with_kind(158, 8, LayoutKind::PlaneMajor);
        assert!((0..7).all(|p| layout.index(p, 0) % LINE_WORDS == 0));
    }
}
