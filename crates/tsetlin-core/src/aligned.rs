//! A word buffer whose first word sits on a 64-byte cache-line boundary.
//!
//! The clause layout ([`crate::bits::planes::Layout`]) puts the lower planes of one automaton
//! word in one cache line only if the clause blocks start on line boundaries; the system
//! allocator gives 16-byte alignment for large blocks. Done in safe code: the buffer keeps up
//! to 7 spare words in front and starts at the first aligned one.

use std::ops::{Deref, DerefMut};

/// Words per 64-byte line.
const LINE_WORDS: usize = 8;

/// `len` words starting on a 64-byte boundary.
pub struct AlignedWords {
    buf: Vec<u64>,
    offset: usize,
    len: usize,
}

impl AlignedWords {
    /// `len` copies of `value`.
    pub fn new(len: usize, value: u64) -> Self {
        let buf = vec![value; len + LINE_WORDS - 1];
        // The pointer is only looked at, never made from an integer.
        let misaligned = (buf.as_ptr() as usize / 8) % LINE_WORDS;
        let offset = (LINE_WORDS - misaligned) % LINE_WORDS;
        Self { buf, offset, len }
    }

    /// Keeps the first `len` words (`len <= self.len()`); the allocation is kept too.
    pub fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// An aligned copy of `words`.
    pub fn from_slice(words: &[u64]) -> Self {
        let mut out = Self::new(words.len(), 0);
        out.copy_from_slice(words);
        out
    }
}

impl Deref for AlignedWords {
    type Target = [u64];

    #[inline]
    fn deref(&self) -> &[u64] {
        &self.buf[self.offset..self.offset + self.len]
    }
}

impl DerefMut for AlignedWords {
    #[inline]
    fn deref_mut(&mut self) -> &mut [u64] {
        &mut self.buf[self.offset..self.offset + self.len]
    }
}

impl Clone for AlignedWords {
    /// A new allocation has its own alignment, so the copy is placed afresh.
    fn clone(&self) -> Self {
        Self::from_slice(self)
    }
}

impl PartialEq for AlignedWords {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for AlignedWords {}

impl std::fmt::Debug for AlignedWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AlignedWords({} words)", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_on_a_line_and_keeps_its_words() {
        for len in [0, 1, 7, 8, 1000] {
            let mut a = AlignedWords::new(len, 3);
            assert_eq!(a.len(), len);
            assert_eq!(a.as_ptr() as usize % 64, 0);
            if len > 0 {
                a[len - 1] = 9;
            }
            let b = a.clone();
            assert_eq!(b.as_ptr() as usize % 64, 0);
            assert_eq!(a, b);
            assert!(b.iter().take(len.saturating_sub(1)).all(|&w| w == 3));
            a.truncate(len / 2);
            assert_eq!(a.len(), len / 2);
            assert!(a.iter().all(|&w| w == 3));
        }
    }
}
