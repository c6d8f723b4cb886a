//! Bit-sliced Binomial(2^i, p) samples, for applying many deferred forget steps at once.
//!
//! Type I feedback to a clause that does not fire moves every automaton down with probability
//! `p = 1/s`, whatever the input. For an *excluded* automaton such a step can never change the
//! clause's output (it only moves further from the include boundary), so the engine defers
//! these steps and later applies `k` of them in one pass: `k` independent Bernoulli(p) steps
//! down, saturating at 0, are exactly one step down by Binomial(k, p), saturating at 0 (no
//! other move happens in between, see `feedback::forget`).
//!
//! A Binomial(k, p) amount per automaton is built as the sum of independent Binomial(2^i, p)
//! amounts for the set bits `i` of `k`, each taken as a window (at a random bit offset) of a
//! pool of exact samples stored bit-sliced: plane `b` of word `w` holds bit `b` of the samples
//! of automata `64w..64w+63`, so 64 automata are added or subtracted per word operation.

use crate::bits::planes::{Layout, LayoutKind};
use crate::rng::Xoshiro256;

/// Pool words per plane (at most; small problems use fewer, see `BinomialPools::new`).
const POOL_WORDS: usize = 1024;
/// A deferred amount whose mean exceeds this is 255+ with probability below 1e-12 for 8-bit
/// states (7 standard deviations): the automata are then simply set to 0.
pub const CERTAIN_FLOOR_MEAN: f64 = 400.0;

/// One pool of bit-sliced Binomial(n, p) samples.
#[derive(Debug, Clone)]
struct Pool {
    planes: usize,
    words: Vec<u64>,
}

/// Pools of Binomial(2^i, p) for `i = 0..=max_exponent`.
#[derive(Debug, Clone)]
pub struct BinomialPools {
    p: f64,
    pools: Vec<Pool>,
    window: usize,
}

impl BinomialPools {
    /// Draws the pools for windows of `window` words.
    pub fn new(p: f64, window: usize, seed: u64) -> Self {
        let mut rng = Xoshiro256::new(seed);
        let n_words = (16 * window).clamp(256, POOL_WORDS).max(4 * (window + 1));
        let mut pools = Vec::new();
        let mut n: u64 = 1;
        loop {
            let table = Cdf::new(n, p);
            let planes = (64 - table.max_value().leading_zeros()) as usize;
            let planes = planes.max(1);
            let mut words = vec![0u64; planes * n_words];
            for w in 0..n_words {
                for bit in 0..64 {
                    let mut v = table.sample(rng.unit());
                    while v != 0 {
                        let b = v.trailing_zeros() as usize;
                        words[b * n_words + w] |= 1 << bit;
                        v &= v - 1;
                    }
                }
            }
            pools.push(Pool { planes, words });
            if n as f64 * p > CERTAIN_FLOOR_MEAN || n >= 1 << 40 {
                break;
            }
            n *= 2;
        }
        Self { p, pools, window }
    }

    /// Whether `k` deferred steps certainly take any 8-bit automaton to 0 (see
    /// [`CERTAIN_FLOOR_MEAN`]).
    pub fn certainly_floor(&self, k: u64, max_state: u64) -> bool {
        let mean = k as f64 * self.p;
        let sd = (mean * (1.0 - self.p)).sqrt();
        mean - 7.0 * sd > max_state as f64
    }

    /// Adds a Binomial(k, p) amount per automaton into the bit-sliced accumulator `acc`
    /// (`acc_planes` planes of `stride` words, plane-major), using random values derived from
    /// `r`. Returns the number of accumulator planes in use.
    pub fn add_amounts(
        &self,
        k: u64,
        r: u64,
        acc: &mut [u64],
        stride: usize,
        scratch: &mut Vec<u64>,
    ) -> usize {
        let acc_planes = acc.len() / stride;
        let top = self.pools.len() - 1;
        let mut used = 0;
        let mut draw = 0u64;
        let mut add = |i: usize, used: &mut usize| {
            draw += 1;
            let pool = &self.pools[i];
            scratch.resize(pool.planes * stride, 0);
            window(
                pool,
                crate::rng::mix(r.wrapping_add(draw)),
                stride,
                self.window,
                scratch,
            );
            *used = add_sliced(acc, acc_planes, stride, scratch, pool.planes).max(*used);
        };
        // Bits of k below the top pool, then as many top-pool draws as k still needs.
        for i in 0..top {
            if (k >> i) & 1 == 1 {
                add(i, &mut used);
            }
        }
        for _ in 0..(k >> top) {
            add(top, &mut used);
        }
        used
    }
}

impl BinomialPools {
    /// One Binomial(n, p) sample (for a single automaton), capped at `max_state`.
    pub fn sample_one(&self, n: u64, r: u64, max_state: u64, scratch: &mut Vec<u64>) -> u64 {
        if self.certainly_floor(n, max_state) {
            return max_state;
        }
        let mut acc = [0u64; 16];
        let used = self.add_amounts(n, r, &mut acc, 1, scratch);
        let v = (0..used).fold(0u64, |v, p| v | ((acc[p] & 1) << p));
        v.min(max_state)
    }
}

/// Copies the window selected by `r` (same bit offset in every plane) into `out`.
fn window(pool: &Pool, r: u64, stride: usize, max_window: usize, out: &mut [u64]) {
    let n_words = pool.words.len() / pool.planes;
    let span_bits = ((n_words - max_window - 1) * 64) as u64;
    let start = (((r >> 32) * span_bits) >> 32) as usize;
    let (o, sh) = (start / 64, start % 64);
    for (b, dst) in out.chunks_mut(stride).enumerate().take(pool.planes) {
        let src = &pool.words[b * n_words..(b + 1) * n_words];
        if sh == 0 {
            dst.copy_from_slice(&src[o..o + stride]);
        } else {
            for (w, slot) in dst.iter_mut().enumerate() {
                *slot = (src[o + w] >> sh) | (src[o + w + 1] << (64 - sh));
            }
        }
    }
}

/// `acc += value`, both bit-sliced (plane-major, `stride` words a plane). Returns the number
/// of accumulator planes that may now be non-zero. Carries past the last plane saturate it
/// (never happens for the sizes used: the accumulator has room for any certain-floor amount).
fn add_sliced(
    acc: &mut [u64],
    acc_planes: usize,
    stride: usize,
    value: &[u64],
    planes: usize,
) -> usize {
    let mut highest = 0;
    for w in 0..stride {
        let mut carry = 0u64;
        for p in 0..acc_planes {
            let b = if p < planes { value[p * stride + w] } else { 0 };
            if p >= planes && carry == 0 {
                break;
            }
            let a = acc[p * stride + w];
            acc[p * stride + w] = a ^ b ^ carry;
            carry = (a & b) | (carry & (a ^ b));
            if a | b != 0 || acc[p * stride + w] != 0 {
                highest = highest.max(p + 1);
            }
        }
        if carry != 0 {
            for p in 0..acc_planes {
                acc[p * stride + w] |= carry;
            }
            highest = acc_planes;
        }
    }
    highest
}

/// Subtracts the bit-sliced `amount` (`amount_planes` planes of `layout.stride` words,
/// plane-major) from the automata in `mask`, saturating at 0. `clause` is a clause block laid
/// out as `layout`.
pub fn subtract_saturating(
    clause: &mut [u64],
    layout: &Layout,
    amount: &[u64],
    amount_planes: usize,
    mask: &[u64],
) {
    // A literal plane step of 1 for the cache-line layout: the compiler then addresses a
    // word's planes as one contiguous run (see `planes::step_word`).
    if layout.kind() == LayoutKind::CacheLine {
        subtract_with_step(clause, layout, 1, amount, amount_planes, mask);
    } else {
        let step = layout.plane_step();
        subtract_with_step(clause, layout, step, amount, amount_planes, mask);
    }
}

/// [`subtract_saturating`] with the layout's plane step given (`step == layout.plane_step()`).
#[inline(always)]
fn subtract_with_step(
    clause: &mut [u64],
    layout: &Layout,
    step: usize,
    amount: &[u64],
    amount_planes: usize,
    mask: &[u64],
) {
    let (stride, bits) = (layout.stride, layout.bits);
    // Plane `p < bits - 1` of word `w` is at `layout.lower(w) + p * step`; the top plane at `w`.
    let at = |p: usize, w: usize| {
        if p + 1 == bits {
            w
        } else {
            layout.lower(w) + p * step
        }
    };
    for w in 0..stride {
        let m = mask[w];
        // Automata owed nothing are left alone: their lines are not even read.
        if (0..amount_planes).all(|p| amount[p * stride + w] & m == 0) {
            continue;
        }
        let mut borrow = 0u64;
        for p in 0..bits {
            let a = if p < amount_planes {
                amount[p * stride + w] & m
            } else if borrow == 0 {
                // Nothing left to subtract from the higher planes (and no amount bit above
                // the state's width, since `amount_planes <= p`).
                break;
            } else {
                0
            };
            let i = at(p, w);
            let x = clause[i];
            clause[i] = x ^ a ^ borrow;
            borrow = (!x & (a | borrow)) | (x & a & borrow);
        }
        // Amount bits above the state's width also mean "below zero".
        let mut over = borrow;
        for p in bits..amount_planes {
            over |= amount[p * stride + w] & m;
        }
        if over != 0 {
            for p in 0..bits {
                clause[at(p, w)] &= !over;
            }
        }
    }
}

/// Inverse-CDF table of Binomial(n, p), truncated where the tail mass is below 1e-16.
struct Cdf {
    lo: u64,
    cdf: Vec<f64>,
}

impl Cdf {
    fn new(n: u64, p: f64) -> Self {
        let q = 1.0 - p;
        let mean = n as f64 * p;
        let sd = (mean * q).sqrt();
        let lo = (mean - 12.0 * sd - 2.0).floor().max(0.0) as u64;
        let hi = ((mean + 12.0 * sd + 2.0).ceil() as u64).min(n);
        let ln_fact = |k: u64| -> f64 { ln_factorial(k) };
        let ln_c = |k: u64| ln_fact(n) - ln_fact(k) - ln_fact(n - k);
        let pmf: Vec<f64> = (lo..=hi)
            .map(|k| (ln_c(k) + k as f64 * p.ln() + (n - k) as f64 * q.ln()).exp())
            .collect();
        let total: f64 = pmf.iter().sum();
        let mut acc = 0.0;
        let cdf = pmf
            .iter()
            .map(|v| {
                acc += v / total;
                acc
            })
            .collect();
        Self { lo, cdf }
    }

    fn max_value(&self) -> u64 {
        self.lo + self.cdf.len() as u64 - 1
    }

    fn sample(&self, u: f64) -> u64 {
        let i = self
            .cdf
            .partition_point(|&c| c <= u)
            .min(self.cdf.len() - 1);
        self.lo + i as u64
    }
}

/// `ln(k!)`: exact sums for small `k`, Stirling's series (error < 1e-12) above.
fn ln_factorial(k: u64) -> f64 {
    if k < 64 {
        (2..=k).map(|i| (i as f64).ln()).sum()
    } else {
        let x = k as f64 + 1.0;
        (x - 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln() + 1.0 / (12.0 * x)
            - 1.0 / (360.0 * x.powi(3))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bits::planes;

    fn read(acc: &[u64], stride: usize, planes: usize, k: usize) -> u64 {
        (0..planes).fold(0, |v, p| {
            v | (((acc[p * stride + k / 64] >> (k % 64)) & 1) << p)
        })
    }

    #[test]
    fn amounts_have_binomial_mean_and_variance() {
        let p = 1.0 / 27.0;
        let stride = 4;
        let pools = BinomialPools::new(p, stride, 5);
        let mut scratch = Vec::new();
        for k in [1u64, 3, 30, 77, 1000] {
            let (mut sum, mut sum2, mut n) = (0.0, 0.0, 0.0);
            for t in 0..200u64 {
                let mut acc = vec![0u64; 16 * stride];
                let used = pools.add_amounts(k, crate::rng::mix(t), &mut acc, stride, &mut scratch);
                for a in 0..stride * 64 {
                    let v = read(&acc, stride, used.max(1), a) as f64;
                    sum += v;
                    sum2 += v * v;
                    n += 1.0;
                }
            }
            let mean = sum / n;
            let var = sum2 / n - mean * mean;
            let (em, ev) = (k as f64 * p, k as f64 * p * (1.0 - p));
            assert!(
                (mean - em).abs() < 0.03 * em.max(1.0),
                "k {k}: mean {mean} vs {em}"
            );
            assert!(
                (var - ev).abs() < 0.1 * ev.max(0.1),
                "k {k}: var {var} vs {ev}"
            );
        }
    }

    #[test]
    fn subtract_saturates_at_zero_and_respects_the_mask() {
        // Three automata in one word, 8-bit states 5, 5, 200; amounts 3, 9, 300 (9 planes).
        let layout = Layout::new(1, 8);
        let mut clause = vec![0u64; layout.clause_len()];
        let mut amount = vec![0u64; 9];
        for (k, (s, a)) in [(5u32, 3u64), (5, 9), (200, 300)].iter().enumerate() {
            planes::set(&mut clause, &layout, k, *s);
            for (p, plane) in amount.iter_mut().enumerate() {
                *plane |= ((a >> p) & 1) << k;
            }
        }
        let mut masked = clause.clone();
        subtract_saturating(&mut clause, &layout, &amount, 9, &[0b111]);
        assert_eq!(planes::get(&clause, &layout, 0), 2);
        assert_eq!(planes::get(&clause, &layout, 1), 0);
        assert_eq!(planes::get(&clause, &layout, 2), 0);
        subtract_saturating(&mut masked, &layout, &amount, 9, &[0b100]);
        assert_eq!(
            planes::get(&masked, &layout, 0),
            5,
            "unmasked automaton untouched"
        );
    }

    proptest::proptest! {
        /// The bit-sliced subtraction equals a plain saturating subtraction per automaton, on
        /// every layout.
        #[test]
        fn subtract_matches_plain_saturating_subtraction(
            bits in 2usize..=16,
            words in 1usize..4,
            amount_planes in 1usize..18,
            plane_major in proptest::prelude::any::<bool>(),
            seeds in proptest::collection::vec(proptest::prelude::any::<u64>(), 4),
        ) {
            let kind = if plane_major { LayoutKind::PlaneMajor } else { LayoutKind::CacheLine };
            let layout = Layout::with_kind(words, bits, kind);
            let max = (1u64 << bits) - 1;
            let mut rng = Xoshiro256::new(seeds[0]);
            let n = words * 64;
            let states: Vec<u64> = (0..n).map(|_| match rng.below(4) {
                0 => 0,
                1 => max,
                _ => rng.next_u64() % (max + 1),
            }).collect();
            let amounts: Vec<u64> = (0..n)
                .map(|_| rng.next_u64() & ((1u64 << amount_planes) - 1))
                .collect();
            let mask: Vec<u64> = (0..words).map(|w| seeds[1 + w % 3]).collect();
            let mut clause = vec![0u64; layout.clause_len()];
            let mut sliced = vec![0u64; amount_planes * words];
            for k in 0..n {
                planes::set(&mut clause, &layout, k, states[k] as u32);
                for p in 0..amount_planes {
                    sliced[p * words + k / 64] |= ((amounts[k] >> p) & 1) << (k % 64);
                }
            }
            subtract_saturating(&mut clause, &layout, &sliced, amount_planes, &mask);
            for k in 0..n {
                let masked = (mask[k / 64] >> (k % 64)) & 1 == 1;
                let want = if masked { states[k].saturating_sub(amounts[k]) } else { states[k] };
                proptest::prop_assert_eq!(u64::from(planes::get(&clause, &layout, k)), want);
            }
        }
    }

    #[test]
    fn ln_factorial_is_accurate() {
        let exact: f64 = (2..=100u64).map(|i| (i as f64).ln()).sum();
        assert!((ln_factorial(100) - exact).abs() < 1e-9);
    }
}
