//! UAX #29 word segmentation of pure-ASCII text, exactly as `unicode_word_indices` of the
//! `unicode-segmentation` crate does it, in one pass over the bytes.
//!
//! On ASCII the rules of UAX #29 reduce to a few byte classes: letters (`ALetter`), digits
//! (`Numeric`) and `_` (`ExtendNumLet`) always join each other (WB5, WB8-WB10, WB13a-b);
//! `:` (`MidLetter`), `.` (`MidNumLet`) and `'` (`Single_Quote`) join two letters (WB6-WB7);
//! `,` and `;` (`MidNum`), `.` and `'` join two digits (WB11-WB12); everything else breaks
//! (WB999; no ASCII byte is `Extend`, `Format`, `ZWJ`, `Katakana` or `Hebrew_Letter`, so WB4
//! and the Hebrew rules never apply). A segment is word-like when it holds a letter or a
//! digit, as `unicode_words` keeps them.
//!
//! Why: the crate's general segmenter cost a third of featurizing an OHSUMED abstract. The
//! crate is the reference twin, held equal by proptest on ASCII strings dense in every byte
//! class above. The bytes are classified 64 at a time (one vector compare per class and a
//! mask move; classifying eight at a time in a register, for each search, which this
//! replaced, featurized OHSUMED abstracts 1.18x slower).

/// Whether the middle byte of `prev mid next` joins its neighbours into one word.
#[inline]
fn joins(prev: u8, mid: u8, next: u8) -> bool {
    (prev.is_ascii_alphabetic() && matches!(mid, b':' | b'.' | b'\'') && next.is_ascii_alphabetic())
        || (prev.is_ascii_digit()
            && matches!(mid, b',' | b';' | b'.' | b'\'')
            && next.is_ascii_digit())
}

/// Bytes per block of [`CoreBits`]: one 512-bit vector.
const BLOCK: usize = 64;

/// Bit `k` set where byte `k` of `block` is a letter, a digit or `_`, for a whole block at
/// once (written so that the compiler turns it into vector compares and a mask move).
#[inline]
fn block_core_bits(block: &[u8; BLOCK]) -> u64 {
    let mut bits = 0u64;
    for (k, &c) in block.iter().enumerate() {
        let letter = (c | 0x20).wrapping_sub(b'a') < 26;
        let digit = c.wrapping_sub(b'0') < 10;
        bits |= u64::from(letter | digit | (c == b'_')) << k;
    }
    bits
}

/// Which bytes of a text are letters, digits or `_`, classified a block of [`BLOCK`] bytes at
/// a time as the scan reaches it, each block once (a word is about seven bytes, so a block
/// serves several words' searches).
struct CoreBits<'a> {
    b: &'a [u8],
    /// The block whose bits are in `bits` (`usize::MAX` before the first).
    block: usize,
    bits: u64,
}

impl<'a> CoreBits<'a> {
    fn new(b: &'a [u8]) -> Self {
        Self {
            b,
            block: usize::MAX,
            bits: 0,
        }
    }

    /// The bits of block `k` (bytes past the text's end count as not core).
    #[inline]
    fn of_block(&mut self, k: usize) -> u64 {
        if k != self.block {
            let start = k * BLOCK;
            self.bits = match self.b.get(start..start + BLOCK) {
                Some(bytes) => {
                    let mut block = [0u8; BLOCK];
                    block.copy_from_slice(bytes);
                    block_core_bits(&block)
                }
                None => {
                    // The text's last bytes (only the tail pays for the copy).
                    let tail = self.b.get(start..).unwrap_or(&[]);
                    let mut block = [0u8; BLOCK];
                    block[..tail.len()].copy_from_slice(tail);
                    block_core_bits(&block)
                }
            };
            self.block = k;
        }
        self.bits
    }

    /// The first index at or after `i` whose byte is (`want` true) or is not (`want` false) a
    /// letter, digit or `_`; the text's length if none.
    #[inline]
    fn find(&mut self, i: usize, want: bool) -> usize {
        let len = self.b.len();
        let (mut k, mut from) = (i / BLOCK, i % BLOCK);
        while k * BLOCK < len {
            let mut bits = self.of_block(k);
            if !want {
                bits = !bits;
            }
            bits &= !0u64 << from;
            if bits != 0 {
                return (k * BLOCK + bits.trailing_zeros() as usize).min(len);
            }
            (k, from) = (k + 1, 0);
        }
        len
    }
}

/// Calls `f(start, word)` for every word-like UAX #29 segment of `text`, in order.
///
/// Invariant relied on: `text` is ASCII (checked by the caller with [`str::is_ascii`]), so
/// every byte offset is a char boundary.
pub(super) fn each_ascii_word(text: &str, mut f: impl FnMut(usize, &str)) {
    debug_assert!(text.is_ascii());
    let b = text.as_bytes();
    let mut core = CoreBits::new(b);
    let mut i = core.find(0, true);
    while i < b.len() {
        let start = i;
        let mut alnum = false;
        loop {
            let end = core.find(i, false);
            alnum = alnum || b[i..end].iter().any(|&c| c != b'_');
            i = end;
            if i + 1 < b.len() && joins(b[i - 1], b[i], b[i + 1]) {
                i += 1;
            } else {
                break;
            }
        }
        if alnum {
            f(start, &text[start..i]);
        }
        i = core.find(i, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    /// Whether `b` always joins a neighbouring letter, digit or `_` (and is one of those): the
    /// byte-at-a-time twin of [`block_core_bits`].
    fn is_core(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b == b'_'
    }

    fn words(text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        each_ascii_word(text, |s, w| out.push((s, w.to_string())));
        out
    }

    #[test]
    fn block_core_bits_classifies_every_ascii_byte() {
        for c in 0u8..0x80 {
            for k in 0..BLOCK {
                let mut bytes = [b' '; BLOCK];
                bytes[k] = c;
                let want = if is_core(c) { 1 << k } else { 0 };
                assert_eq!(block_core_bits(&bytes), want, "byte {c:#x} at {k}");
            }
        }
    }

    #[test]
    fn searches_cross_blocks_and_stop_at_the_end() {
        let text = format!("{}ab{}cd", " ".repeat(63), "-".repeat(70));
        assert_eq!(words(&text), vec![(63, "ab".into()), (135, "cd".into())]);
        let mut core = CoreBits::new(text.as_bytes());
        assert_eq!(core.find(0, true), 63);
        assert_eq!(core.find(65, true), 135);
        assert_eq!(core.find(135, false), text.len());
        assert_eq!(core.find(text.len(), true), text.len());
    }

    fn reference(text: &str) -> Vec<(usize, String)> {
        text.unicode_word_indices()
            .map(|(s, w)| (s, w.to_string()))
            .collect()
    }

    #[test]
    fn examples_of_each_rule() {
        for text in [
            "Don't stop! It's 3.5 GREAT e-mail",
            "e.g. 1,000.50; 3;4 a:b a::b 1:2 a.1 1.a __ _a_ a_1 x'",
            "U.S.A. re-use 'quoted' \"dq\" \r\n\t\x0b\x0c end.",
        ] {
            assert_eq!(words(text), reference(text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn equals_the_unicode_segmenter_on_ascii(
            text in "[aZ09_:.',; \"\\-!\r\n\t\x0b\x0c\x00\x7f]{0,150}|[ -~\t\r\n]{0,200}",
        ) {
            prop_assert_eq!(words(&text), reference(&text));
        }
    }
}
