//! The tokenizer: exactly specified so that a JavaScript port can reproduce it.
//!
//! For a text, in this order:
//!
//! 1. **Newsgroup stripping** (only if [`TokenizerConfig::strip_newsgroup_headers`]). The text
//!    is split into lines at `\n` (a trailing `\r` is part of the line). Removed are: (a) the
//!    header block: every line before the first line that is empty or all whitespace, and
//!    that empty line itself (if there is no such line nothing is treated as header);
//!    (b) quoted lines: lines whose first character is `>` or `|`; (c) attribution lines:
//!    lines that, after trimming whitespace, start with `In article` or end with `writes:` or
//!    `wrote:`; (d) the signature: the *last* line equal to `--` or `-- ` (ignoring a trailing
//!    `\r`) and everything after it.
//! 2. **HTML line breaks** (if [`TokenizerConfig::strip_html_breaks`]): every `<br>`, `<br/>`,
//!    `<br />` (ASCII case-insensitive, any run of ASCII whitespace allowed between `br` and `/`
//!    or `>`) is a break.
//!
//!    Removal in steps 1 and 2 replaces every removed *byte* by an ASCII space (newlines of
//!    removed lines are kept), so byte offsets into the original text stay valid.
//! 3. **Word segmentation**: Unicode UAX #29 word boundaries, keeping the segments that contain
//!    at least one alphanumeric character (`unicode_words()` of the `unicode-segmentation`
//!    crate; `Intl.Segmenter(..., {granularity: "word"})` segments with `isWordLike`).
//!    Examples: `don't` is one word, `3.5` is one word, `e-mail` is two. (A text that is all
//!    ASCII is segmented by an equivalent pass over its bytes, `ascii_words.rs`, held equal
//!    to the crate by proptest; the segments are the same.)
//! 4. **Lowercasing** (if [`TokenizerConfig::lowercase`]): full Unicode lowercase
//!    (`str::to_lowercase`, `String.prototype.toLowerCase`).
//! 5. **Stop words** (if [`TokenizerConfig::stop_words`]): a token whose lowercase form is in
//!    [`STOP_WORDS`](super::STOP_WORDS) is dropped.
//! 6. **Stemming** (if [`TokenizerConfig::stem`]): the English Snowball (Porter 2) stemmer.
//!
//! The result is the *token* sequence. The *terms* of a text are its n-grams for
//! n = 1..=[`TokenizerConfig::ngram_max`]: n consecutive tokens (after stop-word removal)
//! joined by one space, e.g. `not good`; a term's byte span runs from the start of its first
//! token to the end of its last.

use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

use super::ascii_words::each_ascii_word;
use super::stop_words::is_stop_word;

/// How text becomes tokens and terms; see the [module documentation](crate::featurize::tokenizer) for the exact
/// specification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenizerConfig {
    /// Lowercase tokens (default true).
    pub lowercase: bool,
    /// Longest n-gram (default 1: unigrams only; 2 adds bigrams).
    pub ngram_max: usize,
    /// Drop English stop words (default false).
    pub stop_words: bool,
    /// Apply the English Snowball stemmer (default false).
    pub stem: bool,
    /// Remove Usenet headers, quoted replies, attribution lines and signatures (default false).
    pub strip_newsgroup_headers: bool,
    /// Treat HTML `<br />` line breaks as spaces (default true; IMDb reviews contain them).
    pub strip_html_breaks: bool,
}

impl TokenizerConfig {
    /// The longest n-gram the tokenizer makes: longer ones are almost never shared by two
    /// documents, and the work per document grows with `n`.
    pub const MAX_NGRAM: usize = 5;

    /// Checks the settings (`ngram_max` in `1..=MAX_NGRAM`), or says what is wrong.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if !(1..=Self::MAX_NGRAM).contains(&self.ngram_max) {
            return Err(format!(
                "ngram_max must be between 1 and {}, got {}",
                Self::MAX_NGRAM,
                self.ngram_max
            ));
        }
        Ok(())
    }
}

impl Default for TokenizerConfig {
    fn default() -> Self {
        Self {
            lowercase: true,
            ngram_max: 1,
            stop_words: false,
            stem: false,
            strip_newsgroup_headers: false,
            strip_html_breaks: true,
        }
    }
}

/// A term (token or n-gram) together with the byte span of the original text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Byte offset where the term starts in the original text.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// The normalized term.
    pub text: String,
}

impl TokenizerConfig {
    /// The normalized tokens of `text` (steps 1-6 of the module documentation).
    pub fn tokens(&self, text: &str) -> Vec<String> {
        self.token_spans(text).into_iter().map(|t| t.2).collect()
    }

    /// The tokens of `text` with their byte spans `(start, end)` in `text` (for highlighting).
    pub fn token_spans(&self, text: &str) -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        self.each_token(text, &mut String::new(), |start, end, token| {
            out.push((start, end, token.to_string()))
        });
        out
    }

    /// Steps 1-6 for each token of `text`, in order: `f(start, end, token)` with the byte span
    /// of its word in `text`. The one implementation behind [`Self::token_spans`] and
    /// [`Featurizer::transform_one`](super::Featurizer::transform_one); a token is lent from a
    /// reused buffer, not allocated, unless it needs Unicode lowercasing or stemming. `lower`
    /// is that buffer (its contents do not matter; passing one kept from text to text saves
    /// growing it for each).
    pub(super) fn each_token(
        &self,
        text: &str,
        lower: &mut String,
        mut f: impl FnMut(usize, usize, &str),
    ) {
        let masked = self.mask(text);
        let stemmer = self
            .stem
            .then(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English));
        // Steps 5-6 for a word of `len` bytes at `start`, already lowercased if asked.
        let mut emit = |start: usize, len: usize, token: &str| {
            if self.stop_words {
                let stop = if self.lowercase {
                    is_stop_word(token)
                } else {
                    is_stop_word(&token.to_lowercase())
                };
                if stop {
                    return;
                }
            }
            match &stemmer {
                Some(s) => f(start, start + len, &s.stem(token)),
                None => f(start, start + len, token),
            }
        };
        if masked.is_ascii() {
            // The same segments as the Unicode path (`ascii_words.rs` states the rules; its
            // proptest holds it to the crate), several times faster. ASCII lowercasing keeps
            // every byte's class and offset, so the text is lowercased once, whole, and each
            // token is a slice of it.
            let source: &str = if self.lowercase {
                lower.clear();
                lower.push_str(&masked);
                lower.make_ascii_lowercase();
                lower
            } else {
                &masked
            };
            each_ascii_word(source, |start, word| emit(start, word.len(), word));
        } else {
            for (start, word) in masked.unicode_word_indices() {
                let token: &str = if self.lowercase {
                    lower.clear();
                    if word.is_ascii() {
                        lower.push_str(word);
                        lower.make_ascii_lowercase();
                    } else {
                        // Not char by char: `str::to_lowercase` knows the word-final sigma.
                        lower.push_str(&word.to_lowercase());
                    }
                    lower
                } else {
                    word
                };
                emit(start, word.len(), token);
            }
        }
    }

    /// All terms (n-grams for n = 1..=`ngram_max`) with their spans, unigrams first, then
    /// bigrams, and so on, each group in text order. Terms may repeat.
    pub fn terms(&self, text: &str) -> Vec<Term> {
        let tokens = self.token_spans(text);
        let mut out: Vec<Term> = tokens
            .iter()
            .map(|(s, e, t)| Term {
                start: *s,
                end: *e,
                text: t.clone(),
            })
            .collect();
        // No n-gram is longer than the text: the loop ends there whatever `ngram_max` says.
        for n in 2..=self.ngram_max.max(1).min(tokens.len()) {
            for w in tokens.windows(n) {
                let mut joined = String::with_capacity(w.iter().map(|t| t.2.len() + 1).sum());
                for (i, t) in w.iter().enumerate() {
                    if i > 0 {
                        joined.push(' ');
                    }
                    joined.push_str(&t.2);
                }
                out.push(Term {
                    start: w[0].0,
                    end: w[n - 1].1,
                    text: joined,
                });
            }
        }
        out
    }

    /// Applies steps 1-2: removed bytes become ASCII spaces, so offsets are preserved.
    fn mask<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        let needs_mask = self.strip_newsgroup_headers || (self.strip_html_breaks && has_br(text));
        if !needs_mask {
            return std::borrow::Cow::Borrowed(text);
        }
        let mut bytes = text.as_bytes().to_vec();
        if self.strip_newsgroup_headers {
            strip_newsgroup(text, &mut bytes);
        }
        if self.strip_html_breaks {
            blank_html_breaks(&mut bytes);
        }
        // Only whole UTF-8 sequences (whole lines, or ASCII `<br>` tags) were blanked.
        std::borrow::Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// Cheap pre-check so texts without tags are not copied: jumps from `<` to `<` with the
/// `memchr` crate's vector search instead of testing every window of three bytes
/// (`str::find` of a char, which it replaced, scans a word at a time: 2 % of a server's
/// samples under batch load).
fn has_br(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'<', b).any(|i| {
        b.len() >= i + 3
            && b[i + 1].eq_ignore_ascii_case(&b'b')
            && b[i + 2].eq_ignore_ascii_case(&b'r')
    })
}

/// Blanks `<br>`, `<br/>`, `<br />` (ASCII case-insensitive, ASCII whitespace before `/`/`>`).
fn blank_html_breaks(bytes: &mut [u8]) {
    let mut i = 0;
    while i + 3 <= bytes.len() {
        if bytes[i] == b'<'
            && bytes[i + 1].eq_ignore_ascii_case(&b'b')
            && bytes[i + 2].eq_ignore_ascii_case(&b'r')
        {
            let mut j = i + 3;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'/' {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'>' {
                bytes[i..=j].fill(b' ');
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
}

/// Blanks the newsgroup header, quotes, attribution lines and signature (step 1).
fn strip_newsgroup(text: &str, bytes: &mut [u8]) {
    // Line byte ranges, excluding the '\n'.
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            lines.push((start, i));
            start = i + 1;
        }
    }
    lines.push((start, text.len()));
    let mut remove = vec![false; lines.len()];
    if let Some(blank) = lines
        .iter()
        .position(|&(s, e)| text[s..e].trim().is_empty())
    {
        remove[..=blank].fill(true);
    }
    for (k, &(s, e)) in lines.iter().enumerate() {
        let line = &text[s..e];
        let trimmed = line.trim();
        if line.starts_with('>')
            || line.starts_with('|')
            || trimmed.starts_with("In article")
            || trimmed.ends_with("writes:")
            || trimmed.ends_with("wrote:")
        {
            remove[k] = true;
        }
    }
    if let Some(sig) = lines.iter().rposition(|&(s, e)| {
        let l = text[s..e].strip_suffix('\r').unwrap_or(&text[s..e]);
        l == "--" || l == "-- "
    }) {
        remove[sig..].fill(true);
    }
    for (k, &(s, e)) in lines.iter().enumerate() {
        if remove[k] {
            bytes[s..e].fill(b' ');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_tokens() {
        let t = TokenizerConfig::default();
        assert_eq!(
            t.tokens("Don't stop!<br /><br />It's 3.5 GREAT e-mail"),
            vec!["don't", "stop", "it's", "3.5", "great", "e", "mail"]
        );
    }

    #[test]
    fn finds_a_break_tag_wherever_it_is() {
        for (text, want) in [
            ("<br>", true),
            ("a <Br/>", true),
            ("<<bR", true),
            ("< br", false),
            ("<b", false),
            ("<", false),
            ("é<bré", true),
            ("a < b <c", false),
        ] {
            let plain = text.as_bytes().windows(3).any(|w| {
                w[0] == b'<' && w[1].eq_ignore_ascii_case(&b'b') && w[2].eq_ignore_ascii_case(&b'r')
            });
            assert_eq!(has_br(text), want, "{text:?}");
            assert_eq!(plain, want, "{text:?}");
        }
    }

    #[test]
    fn spans_point_into_original_text() {
        let t = TokenizerConfig::default();
        let text = "Café<BR/>naïve";
        let spans = t.token_spans(text);
        assert_eq!(spans.len(), 2);
        for (s, e, tok) in &spans {
            assert_eq!(text[*s..*e].to_lowercase(), *tok);
        }
    }

    #[test]
    fn stop_words_stemming_and_bigrams() {
        let t = TokenizerConfig {
            ngram_max: 2,
            stop_words: true,
            stem: true,
            ..TokenizerConfig::default()
        };
        let text = "The movies were not running";
        let terms: Vec<String> = t.terms(text).into_iter().map(|t| t.text).collect();
        assert_eq!(terms, vec!["movi", "not", "run", "movi not", "not run"]);
        let bigram = &t.terms(text)[3];
        assert_eq!(&text[bigram.start..bigram.end], "movies were not");
    }

    #[test]
    fn newsgroup_stripping() {
        let t = TokenizerConfig {
            strip_newsgroup_headers: true,
            ..TokenizerConfig::default()
        };
        let text = "From: a@b.c\nSubject: hello\n\nIn article <x@y> bob writes:\n> quoted\n| also\nbody text\n-- \nsig line\n";
        assert_eq!(t.tokens(text), vec!["body", "text"]);
        let spans = t.token_spans(text);
        assert_eq!(&text[spans[0].0..spans[0].1], "body");
    }
}
