//! Clause evaluation over include masks and example literals.

/// Whether a clause with include mask `include` (`2F` words: positive literals then negated
/// ones) is satisfied by an example whose present features are the bits of `x` (`F` words).
///
/// Invariant relied on: padding bits of `include` are 0, so that negated padding literals
/// (whose value would be 1 after `!x`) never matter. The loop exits at the first word with a
/// violated literal, which on sparse text is usually one of the first few.
///
/// This is the *training* semantics: a clause that includes nothing outputs 1. Prediction
/// additionally requires a non-empty clause (see [`is_empty`]).
#[inline]
pub fn clause_fires(include: &[u64], x: &[u64]) -> bool {
    let f = x.len();
    let (pos, neg) = include.split_at(f);
    pos.iter()
        .zip(neg)
        .zip(x)
        .all(|((&p, &n), &xw)| (p & !xw) | (n & xw) == 0)
}

/// [`clause_fires`] visiting only the include words flagged in `summary` (bit `w` set when
/// word `w` of `include` is non-zero): a clause that includes a few dozen literals is decided
/// in a few dozen word operations whatever the number of features.
///
/// Invariant relied on: `summary` flags every non-zero word of `include`.
#[inline]
pub fn clause_fires_sparse(include: &[u64], summary: &[u64], x: &[u64]) -> bool {
    let f = x.len();
    super::set_bits(summary).all(|w| {
        let violated = if w < f {
            include[w] & !x[w]
        } else {
            include[w] & x[w - f]
        };
        violated == 0
    })
}

/// Whether a clause includes no literal at all.
#[inline]
pub fn is_empty(include: &[u64]) -> bool {
    include.iter().all(|&w| w == 0)
}

/// Number of literals a clause includes.
#[inline]
pub fn count_included(include: &[u64]) -> u32 {
    include.iter().map(|w| w.count_ones()).sum()
}

/// Plain reference twin of [`clause_fires`]: walks every literal of the clause.
pub fn clause_fires_reference(included: &[bool], features: &[bool]) -> bool {
    let o = features.len();
    included.iter().enumerate().all(|(k, &inc)| {
        let literal = if k < o { features[k] } else { !features[k - o] };
        !inc || literal
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pack(bits: &[bool], words: usize) -> Vec<u64> {
        let mut out = vec![0u64; words];
        for (k, &b) in bits.iter().enumerate() {
            if b {
                out[k / 64] |= 1 << (k % 64);
            }
        }
        out
    }

    proptest! {
        #[test]
        fn fires_matches_reference(
            o in 1usize..200,
            density in 0.0f64..0.3,
            inc_density in 0.0f64..0.05,
            seed in any::<u64>(),
        ) {
            let mut rng = crate::rng::Xoshiro256::new(seed);
            let features: Vec<bool> = (0..o).map(|_| rng.unit() < density).collect();
            let included: Vec<bool> = (0..2 * o).map(|_| rng.unit() < inc_density).collect();
            let f = o.div_ceil(64);
            let x = pack(&features, f);
            let mut include = pack(&included[..o], f);
            include.extend(pack(&included[o..], f));
            prop_assert_eq!(
                clause_fires(&include, &x),
                clause_fires_reference(&included, &features)
            );
            let mut summary = vec![0u64; include.len().div_ceil(64)];
            crate::bank::refresh_summary(&include, &mut summary);
            prop_assert_eq!(
                clause_fires_sparse(&include, &summary, &x),
                clause_fires_reference(&included, &features)
            );
            prop_assert_eq!(is_empty(&include), !included.iter().any(|&b| b));
            prop_assert_eq!(count_included(&include) as usize, included.iter().filter(|&&b| b).count());
        }
    }
}
