//! Reference tokenizer and evaluator.
//!
//! This is the Rust twin of the JavaScript in the HTML page: both turn text
//! into features with the exported [`TokenizerSpec`] and evaluate the exported
//! clauses. The browser test checks that the two agree, and the CLI can use
//! [`explain`] to fill [`DocExplanation`]s without re-implementing anything.
//!
//! Tokenizer steps, in order (the page does exactly the same):
//! 1. if `strip_html_breaks`, every `<br>` / `<br/>` / `<br />` (any case,
//!    ASCII whitespace before the slash) is overwritten with as many spaces,
//!    so byte offsets still point into the original text;
//! 2. Unicode word segmentation (UAX #29), keeping word-like segments
//!    (`unicode_words()` here, `Intl.Segmenter` + `isWordLike` in the page);
//! 3. each token lowercased if `lowercase`;
//! 4. tokens in `stop_words` dropped;
//! 5. terms = space-joined runs of `1..=ngram_max` consecutive tokens.
//!
//! Stemming is not reproduced: with `stem` set, results may differ from the
//! model's pipeline, and the page disables its paste box.

use std::collections::{HashMap, HashSet};

use unicode_segmentation::UnicodeSegmentation;

use crate::model::{DocExplanation, FiredClause, ReportData, Span, TokenizerSpec};

/// A token or n-gram found in a text, with its place in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The term as it is looked up in [`ReportData::features`].
    pub text: String,
    /// Byte offset of its first token's start.
    pub start_byte: usize,
    /// Byte offset one past its last token's end.
    pub end_byte: usize,
}

/// Overwrites HTML line breaks with spaces of the same byte length, so that
/// offsets into the result are offsets into `text`.
pub fn blank_html_breaks(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if let Some(len) = html_break_len(&bytes[i..]) {
            out.resize(out.len() + len, b' ');
            i += len;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    // Only whole ASCII sequences were replaced by ASCII, so this is still
    // UTF-8; fall back to the input rather than panic if that ever changes.
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Length of a `<br\s*/?>` at the start of `b` (ASCII-case-insensitive,
/// ASCII whitespace), mirroring the page's `/<br[ \t\n\r\f]*\/?>/gi`.
fn html_break_len(b: &[u8]) -> Option<usize> {
    if b.len() < 4 || b[0] != b'<' || !b[1].eq_ignore_ascii_case(&b'b') {
        return None;
    }
    if !b[2].eq_ignore_ascii_case(&b'r') {
        return None;
    }
    let mut i = 3;
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0c) {
        i += 1;
    }
    if i < b.len() && b[i] == b'/' {
        i += 1;
    }
    (i < b.len() && b[i] == b'>').then_some(i + 1)
}

/// Tokens of `text` after segmentation, lowercasing and stop-word removal,
/// with their byte ranges in `text`.
pub fn tokens(spec: &TokenizerSpec, text: &str) -> Vec<Term> {
    let cleaned;
    let source = if spec.strip_html_breaks {
        cleaned = blank_html_breaks(text);
        cleaned.as_str()
    } else {
        text
    };
    let stop: HashSet<&str> = spec.stop_words.iter().map(String::as_str).collect();
    source
        .unicode_word_indices()
        .filter_map(|(start, word)| {
            let t = if spec.lowercase {
                word.to_lowercase()
            } else {
                word.to_owned()
            };
            (!stop.contains(t.as_str())).then(|| Term {
                text: t,
                start_byte: start,
                end_byte: start + word.len(),
            })
        })
        .collect()
}

/// All terms (1..=`ngram_max`-grams) of `text`, in order of their first token
/// and then of length. Terms may repeat.
pub fn terms(spec: &TokenizerSpec, text: &str) -> Vec<Term> {
    let toks = tokens(spec, text);
    let n_max = spec.ngram_max.max(1);
    let mut out = Vec::with_capacity(toks.len() * n_max);
    for i in 0..toks.len() {
        let mut joined = String::new();
        for (n, tok) in toks[i..].iter().take(n_max).enumerate() {
            if n > 0 {
                joined.push(' ');
            }
            joined.push_str(&tok.text);
            out.push(Term {
                text: joined.clone(),
                start_byte: toks[i].start_byte,
                end_byte: tok.end_byte,
            });
        }
    }
    out
}

/// Evaluates texts against a report's rules; build once, use many times.
#[derive(Debug)]
pub struct Evaluator<'a> {
    data: &'a ReportData,
    feature_ids: HashMap<&'a str, u32>,
}

impl<'a> Evaluator<'a> {
    /// Indexes the features of `data` (the first id wins for a duplicated
    /// term, as in the page).
    pub fn new(data: &'a ReportData) -> Self {
        let mut feature_ids = HashMap::with_capacity(data.features.len());
        for (id, term) in data.features.iter().enumerate() {
            if let Ok(id) = u32::try_from(id) {
                feature_ids.entry(term.as_str()).or_insert(id);
            }
        }
        Evaluator { data, feature_ids }
    }

    /// Occurrences of known features in `text`.
    pub fn spans(&self, text: &str) -> Vec<Span> {
        terms(&self.data.tokenizer, text)
            .into_iter()
            .filter_map(|t| {
                self.feature_ids.get(t.text.as_str()).map(|&feature| Span {
                    start_byte: t.start_byte,
                    end_byte: t.end_byte,
                    feature,
                })
            })
            .collect()
    }

    /// Evaluates the clauses on a set of present feature ids: the fired
    /// clauses with their votes, and one sum per class.
    pub fn evaluate_features(&self, present: &HashSet<u32>) -> (Vec<FiredClause>, Vec<i64>) {
        let mut sums = vec![0i64; self.data.classes.len()];
        let mut fired = Vec::new();
        for clause in &self.data.clauses {
            // Empty clauses output 0 when predicting; clauses of unknown
            // classes are ignored rather than trusted.
            if clause.is_empty() || clause.class >= sums.len() {
                continue;
            }
            let fires = clause.positive.iter().all(|f| present.contains(f))
                && !clause.negated.iter().any(|f| present.contains(f));
            if fires {
                sums[clause.class] += clause.vote();
                fired.push(FiredClause {
                    clause_id: clause.id,
                    vote: clause.vote(),
                });
            }
        }
        (fired, sums)
    }

    /// Explains one document: features, fired clauses, sums and prediction
    /// (for a multi-label report also the decided label set; the true set is
    /// the caller's to fill in `true_labels`).
    pub fn explain(&self, id: &str, text: &str, true_label: Option<usize>) -> DocExplanation {
        let spans = self.spans(text);
        let present: HashSet<u32> = spans.iter().map(|s| s.feature).collect();
        let (fired, class_sums) = self.evaluate_features(&present);
        DocExplanation {
            id: id.to_owned(),
            text: text.to_owned(),
            true_label,
            predicted: argmax(&class_sums),
            true_labels: None,
            predicted_labels: self
                .data
                .multi_label
                .as_ref()
                .map(|m| m.decide(&class_sums)),
            class_sums,
            fired,
            spans,
        }
    }
}

/// Index of the largest sum, ties to the lowest index (0 when empty): the engine's decision.
pub fn argmax(sums: &[i64]) -> usize {
    tsetlin_core::decide(sums) as usize
}

/// Class sums and predicted class index of `text` under the report's rules
/// and tokenizer spec — what the page's paste box must show.
pub fn evaluate(data: &ReportData, text: &str) -> (Vec<i64>, usize) {
    let doc = Evaluator::new(data).explain("", text, None);
    (doc.class_sums, doc.predicted)
}

/// Explains one document (see [`Evaluator::explain`]); for many documents,
/// build an [`Evaluator`] once instead.
pub fn explain(
    data: &ReportData,
    id: &str,
    text: &str,
    true_label: Option<usize>,
) -> DocExplanation {
    Evaluator::new(data).explain(id, text, true_label)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ClauseRule, GeneratedBy};

    fn spec(ngram_max: usize) -> TokenizerSpec {
        TokenizerSpec {
            lowercase: true,
            ngram_max,
            stop_words: vec!["the".into(), "a".into()],
            stem: false,
            strip_html_breaks: true,
        }
    }

    fn clause(
        id: u32,
        class: usize,
        polarity: i8,
        weight: u32,
        p: &[u32],
        n: &[u32],
    ) -> ClauseRule {
        ClauseRule {
            id,
            class,
            polarity,
            weight,
            positive: p.to_vec(),
            negated: n.to_vec(),
            coverage: None,
            precision: None,
        }
    }

    fn data() -> ReportData {
        ReportData {
            schema_version: crate::model::SCHEMA_VERSION,
            title: "t".into(),
            generated_by: GeneratedBy {
                tool: "test".into(),
                version: "0".into(),
            },
            classes: vec!["allergy".into(), "other".into()],
            features: vec![
                "rash".into(),
                "reaction".into(),
                "denies".into(),
                "not good".into(),
            ],
            tokenizer: spec(2),
            clauses: vec![
                clause(0, 0, 1, 3, &[0, 1], &[2]),
                clause(1, 0, -1, 1, &[2], &[]),
                clause(2, 1, 1, 2, &[], &[0]),
                clause(3, 1, 1, 5, &[], &[]),
                clause(4, 1, 1, 1, &[3], &[]),
            ],
            metrics: None,
            learning_curve: vec![],
            documents: vec![],
            settings: vec![],
            multi_label: None,
        }
    }

    #[test]
    fn html_breaks_keep_offsets() {
        let s = "a<br />b<BR>c<br/>d<br x>";
        let b = blank_html_breaks(s);
        assert_eq!(b.len(), s.len());
        assert_eq!(b, "a      b    c     d<br x>");
    }

    #[test]
    fn tokens_segment_lowercase_and_drop_stop_words() {
        let t = tokens(&spec(1), "The Rash, don't<br />Naïve café.");
        let words: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, ["rash", "don't", "naïve", "café"]);
        let s = "The Rash, don't<br />Naïve café.";
        assert_eq!(&s[t[2].start_byte..t[2].end_byte], "Naïve");
    }

    #[test]
    fn ngrams_join_runs_after_stop_words() {
        let t = terms(&spec(2), "not the good");
        let words: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, ["not", "not good", "good"]);
        assert_eq!((t[1].start_byte, t[1].end_byte), (0, 12));
    }

    #[test]
    fn evaluate_respects_literals_empty_clauses_and_ties() {
        let d = data();
        // rash + reaction, no denies: clause 0 fires (+3); clause 2 does not
        // (rash present); empty clause 3 never votes.
        assert_eq!(evaluate(&d, "Rash and reaction"), (vec![3, 0], 0));
        // denies blocks clause 0 and fires clause 1 (-1); no rash fires 2.
        assert_eq!(evaluate(&d, "denies"), (vec![-1, 2], 1));
        // Nothing fires but clause 2 (no rash): class 1.
        assert_eq!(evaluate(&d, ""), (vec![0, 2], 1));
        // Bigram feature after stop-word removal.
        let e = explain(&d, "x", "rash reaction. Not the good!", Some(0));
        assert_eq!(e.class_sums, vec![3, 1]);
        assert!(e.spans.iter().any(|s| s.feature == 3));
        assert_eq!(argmax(&[2, 2, 1]), 0);
        assert_eq!(argmax(&[]), 0);
        assert_eq!(e.predicted_labels, None, "single-label: no label set");
    }

    #[test]
    fn multi_label_reports_decide_a_set_strictly_above_each_threshold() {
        let mut d = data();
        d.multi_label = Some(crate::model::MultiLabelSpec {
            thresholds: vec![2, 2],
            chosen_on: "test".into(),
        });
        // Sums [3, 0]: allergy above 2, other not.
        let e = explain(&d, "x", "Rash and reaction", None);
        assert_eq!(
            (e.class_sums.clone(), e.predicted_labels),
            (vec![3, 0], Some(vec![0]))
        );
        // Sums [-1, 2]: 2 is not above 2, so no label at all.
        let e = explain(&d, "x", "denies", None);
        assert_eq!(
            (e.class_sums.clone(), e.predicted_labels),
            (vec![-1, 2], Some(vec![]))
        );
        d.multi_label = Some(crate::model::MultiLabelSpec {
            thresholds: vec![-5, 1],
            chosen_on: "test".into(),
        });
        assert_eq!(
            explain(&d, "x", "denies", None).predicted_labels,
            Some(vec![0, 1])
        );
    }
}
