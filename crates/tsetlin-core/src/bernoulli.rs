//! Bernoulli(p) bit masks without one random number per automaton.
//!
//! Type I feedback moves each automaton with probability `1/s`. Drawing a random number per
//! automaton (10,000 per clause on IMDb-sized inputs) would cost more than the update itself.
//! Instead a pool of i.i.d. Bernoulli(p) bits is drawn exactly (one 32-bit comparison per bit,
//! amortised over hundreds of training steps), and each clause takes a window of it starting
//! at a random *bit* offset. Within a window the bits are independent and each is exactly
//! Bernoulli(p); two clauses share a bit for the same automaton only if they draw the same
//! offset (probability about 1 / pool bits, 2^-19 on IMDb-sized inputs), and the pool is redrawn every
//! [`REFRESH_STEPS`] training steps, so the masks of different clauses and steps are
//! practically independent.

use crate::rng::{threshold_u32, Xoshiro256};

/// Training steps between pool redraws.
pub const REFRESH_STEPS: u64 = 512;

/// Pool size bounds in words: large enough for many distinct windows, small enough to stay in
/// cache and to redraw cheaply on small problems.
const MIN_POOL_WORDS: usize = 256;
const MAX_POOL_WORDS: usize = 8192;

/// A pool of i.i.d. Bernoulli(p) bits.
#[derive(Debug, Clone)]
pub struct BernoulliPool {
    words: Vec<u64>,
    window: usize,
}

impl BernoulliPool {
    /// Draws a pool for windows of `window` words with bit probability `p`.
    pub fn new(p: f64, window: usize, seed: u64) -> Self {
        let n_words = (64 * window)
            .clamp(MIN_POOL_WORDS, MAX_POOL_WORDS)
            .max(4 * (window + 1));
        let mut rng = Xoshiro256::new(seed);
        let threshold = threshold_u32(p);
        let mut words = vec![0u64; n_words];
        for word in &mut words {
            let mut w = 0u64;
            for pair in 0..32 {
                let r = rng.next_u64();
                let lo = r & 0xFFFF_FFFF;
                let hi = r >> 32;
                w |= u64::from(lo < threshold) << (2 * pair);
                w |= u64::from(hi < threshold) << (2 * pair + 1);
            }
            *word = w;
        }
        Self { words, window }
    }

    /// Word `w` of the window selected by `r`, for callers that need only a few words of it.
    #[inline]
    pub fn window_word(&self, r: u64, w: usize) -> u64 {
        let span_bits = ((self.words.len() - self.window - 1) * 64) as u64;
        let start = (((r >> 32) * span_bits) >> 32) as usize;
        let (o, sh) = (start / 64, start % 64);
        if sh == 0 {
            self.words[o + w]
        } else {
            (self.words[o + w] >> sh) | (self.words[o + w + 1] << (64 - sh))
        }
    }

    /// Writes into `out` (at most `window` words) the window selected by the random value `r`.
    #[inline]
    pub fn window(&self, r: u64, out: &mut [u64]) {
        debug_assert!(out.len() <= self.window);
        let span_bits = ((self.words.len() - self.window - 1) * 64) as u64;
        let start = (((r >> 32) * span_bits) >> 32) as usize;
        let (o, sh) = (start / 64, start % 64);
        if sh == 0 {
            out.copy_from_slice(&self.words[o..o + out.len()]);
        } else {
            for (w, slot) in out.iter_mut().enumerate() {
                *slot = (self.words[o + w] >> sh) | (self.words[o + w + 1] << (64 - sh));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_have_the_right_rate() {
        let p = 1.0 / 27.0;
        let pool = BernoulliPool::new(p, 10, 3);
        let mut rng = Xoshiro256::new(9);
        let mut out = [0u64; 10];
        let mut ones = 0u64;
        let trials = 4000;
        for _ in 0..trials {
            pool.window(rng.next_u64(), &mut out);
            ones += out.iter().map(|w| u64::from(w.count_ones())).sum::<u64>();
        }
        let rate = ones as f64 / (trials as f64 * 640.0);
        assert!((rate - p).abs() < 0.002, "rate {rate}");
    }

    #[test]
    fn different_offsets_give_different_windows() {
        let pool = BernoulliPool::new(0.5, 4, 1);
        let (mut a, mut b) = ([0u64; 4], [0u64; 4]);
        pool.window(crate::rng::mix(1), &mut a);
        pool.window(crate::rng::mix(2), &mut b);
        assert_ne!(a, b);
        for (w, &word) in a.iter().enumerate() {
            assert_eq!(pool.window_word(crate::rng::mix(1), w), word);
        }
    }
}
