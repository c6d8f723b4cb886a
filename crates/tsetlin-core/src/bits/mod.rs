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

/// The positions of the set bits of `words`, in increasing order (bit `b` of word `i` is
/// position `64i + b`): how the include summaries are walked.
#[inline]
pub fn set_bits(words: &[u64]) -> SetBits<'_> {
    SetBits {
        words,
        next: 0,
        current: 0,
        base: 0,
    }
}

/// Iterator of [`set_bits`].
#[derive(Debug, Clone)]
pub struct SetBits<'a> {
    words: &'a [u64],
    next: usize,
    current: u64,
    base: usize,
}

impl Iterator for SetBits<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.current == 0 {
            let &word = self.words.get(self.next)?;
            self.base = self.next * 64;
            self.next += 1;
            self.current = word;
        }
        let bit = self.current.trailing_zeros() as usize;
        self.current &= self.current - 1;
        Some(self.base + bit)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn set_bits_lists_every_set_bit_in_order() {
        let words = [0b1010u64, 0, 1 << 63, 1];
        let got: Vec<usize> = super::set_bits(&words).collect();
        assert_eq!(got, vec![1, 3, 191, 192]);
        assert_eq!(super::set_bits(&[]).count(), 0);
    }
}
