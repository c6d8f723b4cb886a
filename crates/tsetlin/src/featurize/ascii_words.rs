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
//! class above.

/// Whether the middle byte of `prev mid next` joins its neighbours into one word.
#[inline]
fn joins(prev: u8, mid: u8, next: u8) -> bool {
    (prev.is_ascii_alphabetic() && matches!(mid, b':' | b'.' | b'\'') && next.is_ascii_alphabetic())
        || (prev.is_ascii_digit()
            && matches!(mid, b',' | b';' | b'.' | b'\'')
            && next.is_ascii_digit())
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte lane of `x` (every lane below `0x80`) set where the lane is in
/// `lo..=hi`: `x + (0x80 - lo)` reaches `0x80` exactly when the lane is at least `lo`, and
/// `x + (0x7f - hi)` when it is above `hi`; no lane carries into the next.
#[inline]
fn lanes_in(x: u64, lo: u8, hi: u8) -> u64 {
    let at_least = x.wrapping_add(LO * u64::from(0x80 - lo));
    let above = x.wrapping_add(LO * u64::from(0x7f - hi));
    at_least & !above & HI
}

/// Bit `k` set where byte `k` of `bytes` (at most 8; missing ones count as `0`, which is not
/// core) is a letter, a digit or `_`. Every byte must be ASCII.
#[inline]
fn core_mask(bytes: &[u8]) -> u32 {
    let x = match bytes.first_chunk::<8>() {
        Some(lanes) => u64::from_le_bytes(*lanes),
        // The text's last bytes (a copy of a variable length is a call; only the tail pays).
        None => {
            let mut lanes = [0u8; 8];
            lanes[..bytes.len()].copy_from_slice(bytes);
            u64::from_le_bytes(lanes)
        }
    };
    let letter = lanes_in(x | (LO * 0x20), b'a', b'z');
    let digit = lanes_in(x, b'0', b'9');
    // A lane of `y` is zero exactly where `x` is `_`; adding 0x7f to its low seven bits sets
    // the high bit of every non-zero lane, without carrying.
    let y = x ^ (LO * u64::from(b'_'));
    let underscore = !(((y & !HI).wrapping_add(LO * 0x7f)) | y) & HI;
    let core = letter | digit | underscore;
    // Gathers the eight high bits into one byte, lane `k` to bit `k` (no two partial products
    // share a bit position, so nothing carries).
    ((core >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
}

/// The first index at or after `i` whose byte is (`want` true) or is not (`want` false) a
/// letter, digit or `_`; `b.len()` if none. Eight bytes at a time.
#[inline]
fn find(b: &[u8], mut i: usize, want: bool) -> usize {
    while i < b.len() {
        let mut mask = core_mask(&b[i..]);
        if !want {
            mask = !mask & 0xff;
        }
        if mask != 0 {
            return (i + mask.trailing_zeros() as usize).min(b.len());
        }
        i += 8;
    }
    b.len()
}

/// Calls `f(start, word)` for every word-like UAX #29 segment of `text`, in order.
///
/// Invariant relied on: `text` is ASCII (checked by the caller with [`str::is_ascii`]), so
/// every byte offset is a char boundary and every byte is below `0x80` (the lane arithmetic
/// of [`core_mask`] needs that).
pub(super) fn each_ascii_word(text: &str, mut f: impl FnMut(usize, &str)) {
    debug_assert!(text.is_ascii());
    let b = text.as_bytes();
    let mut i = find(b, 0, true);
    while i < b.len() {
        let start = i;
        let mut alnum = false;
        loop {
            let end = find(b, i, false);
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
        i = find(b, i, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    /// Whether `b` always joins a neighbouring letter, digit or `_` (and is one of those): the
    /// byte-at-a-time twin of [`core_mask`].
    fn is_core(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b == b'_'
    }

    fn words(text: &str) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        each_ascii_word(text, |s, w| out.push((s, w.to_string())));
        out
    }

    #[test]
    fn core_mask_classifies_every_ascii_byte() {
        for c in 0u8..0x80 {
            for k in 0..8 {
                let mut bytes = [b' '; 8];
                bytes[k] = c;
                let want = if is_core(c) { 1 << k } else { 0 };
                assert_eq!(core_mask(&bytes), want, "byte {c:#x} in lane {k}");
            }
        }
        assert_eq!(core_mask(b"ab"), 0b11);
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
            text in "[aZ09_:.',; \"\\-!\r\n\t\x0b\x0c\x00\x7f]{0,40}|[ -~\t\r\n]{0,80}",
        ) {
            prop_assert_eq!(words(&text), reference(&text));
        }
    }
}
