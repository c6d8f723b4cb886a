//! Pure kernels over `&[u64]` words, each with a plain reference twin that the property
//! tests hold equal.
//!
//! Word layout shared by all kernels: a clause's literals occupy `2 * F` words where
//! `F = ceil(o / 64)`: word `w < F` bit `k` is the positive literal of feature `64w + k`, word
//! `F + w` bit `k` its negation. Padding bits (features `>= o`) are never set in any mask.

pub mod eval;
pub mod planes;

/// Words needed for `n` bits.
#[inline]
pub fn words_for(n: usize) -> usize {
    n.div_ceil(64)
}
