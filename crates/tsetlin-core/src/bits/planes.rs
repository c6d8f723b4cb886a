//! Tsetlin automata states as bit planes.
//!
//! A clause's automata live in `bits` planes of `W` words each, plane-major: word `w` of plane
//! `p` is `planes[p * W + w]`, and bit `k` of it is bit `p` of the stored value of automaton
//! `64w + k`. The stored value is `state - 1`, in `0..2N` with `N = 2^(bits-1)`, so the top
//! plane is exactly the include mask (`state > N`). One word operation moves 64 automata.

/// Words processed together: one 512-bit vector, or four 128-bit ones on baseline x86-64.
const LANES: usize = 8;

/// Adds 1 to every automaton in `inc` and subtracts 1 from every automaton in `dec`,
/// saturating at `0` and `2N - 1`, for the words `0..inc.len()` of each plane.
///
/// Invariant relied on: `inc[w] & dec[w] == 0` for every `w` (an automaton is moved in one
/// direction at most per call); `planes.len() == bits * stride`, `inc.len() == dec.len() <= stride`.
/// Words are handled in blocks of [`LANES`] with fixed-size arrays and no data-dependent
/// branches inside a block, so that the compiler turns each plane's ripple into vector code.
#[inline]
pub fn step(planes: &mut [u64], stride: usize, inc: &[u64], dec: &[u64]) {
    let bits = planes.len() / stride;
    debug_assert_eq!(inc.len(), dec.len());
    debug_assert!(inc.len() <= stride);
    let n = inc.len();
    let blocks = n / LANES;
    for b in 0..blocks {
        let w0 = b * LANES;
        let mut up = [0u64; LANES];
        let mut down = [0u64; LANES];
        up.copy_from_slice(&inc[w0..w0 + LANES]);
        down.copy_from_slice(&dec[w0..w0 + LANES]);
        if up.iter().chain(&down).all(|&m| m == 0) {
            continue;
        }
        let mut all_ones = [!0u64; LANES];
        let mut all_zeros = [!0u64; LANES];
        for p in 0..bits {
            let row = &planes[p * stride + w0..p * stride + w0 + LANES];
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
        // Ripple a carry (increments) and a borrow (decrements) up the planes in one pass:
        // they touch disjoint bits.
        for p in 0..bits {
            let row = &mut planes[p * stride + w0..p * stride + w0 + LANES];
            for l in 0..LANES {
                let v = row[l];
                row[l] = v ^ carry[l] ^ borrow[l];
                carry[l] &= v;
                borrow[l] &= !v;
            }
        }
    }
    for w in blocks * LANES..n {
        step_word(planes, stride, bits, w, inc[w], dec[w]);
    }
}

/// [`step`] for a single word `w` (the tail after the last full block, or a sparse update).
#[inline]
pub fn step_word(planes: &mut [u64], stride: usize, bits: usize, w: usize, up: u64, down: u64) {
    if up | down == 0 {
        return;
    }
    let mut all_ones = !0u64;
    let mut all_zeros = !0u64;
    for p in 0..bits {
        let v = planes[p * stride + w];
        all_ones &= v;
        all_zeros &= !v;
    }
    let mut carry = up & !all_ones;
    let mut borrow = down & !all_zeros;
    for p in 0..bits {
        if carry | borrow == 0 {
            break;
        }
        let v = planes[p * stride + w];
        planes[p * stride + w] = v ^ carry ^ borrow;
        carry &= v;
        borrow &= !v;
    }
}

/// Adds 1 to every automaton in `inc`, saturating (convenience over [`step`]).
pub fn increment(planes: &mut [u64], stride: usize, inc: &[u64]) {
    let zero = vec![0u64; inc.len()];
    step(planes, stride, inc, &zero);
}

/// Subtracts 1 from every automaton in `dec`, saturating at 0.
pub fn decrement(planes: &mut [u64], stride: usize, dec: &[u64]) {
    let zero = vec![0u64; dec.len()];
    step(planes, stride, &zero, dec);
}

/// Reads the stored value (`state - 1`) of automaton `k`.
#[inline]
pub fn get(planes: &[u64], stride: usize, k: usize) -> u32 {
    let bits = planes.len() / stride;
    let (w, b) = (k / 64, k % 64);
    (0..bits).fold(0u32, |acc, p| {
        acc | ((((planes[p * stride + w] >> b) & 1) as u32) << p)
    })
}

/// Writes the stored value (`state - 1`) of automaton `k`.
#[inline]
pub fn set(planes: &mut [u64], stride: usize, k: usize, value: u32) {
    let bits = planes.len() / stride;
    let (w, b) = (k / 64, k % 64);
    for p in 0..bits {
        let word = &mut planes[p * stride + w];
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
            bits in 2u32..=9,
            words in 1usize..5,
            seed_states in proptest::collection::vec(any::<u32>(), 320),
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
            let mut planes = vec![0u64; bits as usize * words];
            for (k, &s) in states.iter().enumerate() {
                set(&mut planes, words, k, s);
            }
            for r in 0..rounds {
                let inc: Vec<u64> = (0..words).map(|w| masks[(w + r) % 5].0).collect();
                let dec: Vec<u64> = (0..words).map(|w| masks[(w + r) % 5].1 & !inc[w]).collect();
                step(&mut planes, words, &inc, &dec);
                step_reference(&mut states, max, &inc, &dec);
            }
            for (k, &s) in states.iter().enumerate() {
                prop_assert_eq!(get(&planes, words, k), s, "automaton {}", k);
            }
        }
    }

    #[test]
    fn saturates_at_both_ends() {
        let mut planes = vec![0u64; 3];
        set(&mut planes, 1, 0, 7);
        increment(&mut planes, 1, &[1]);
        assert_eq!(get(&planes, 1, 0), 7);
        set(&mut planes, 1, 0, 0);
        decrement(&mut planes, 1, &[1]);
        assert_eq!(get(&planes, 1, 0), 0);
    }
}
