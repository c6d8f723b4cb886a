//! Turning texts into binary feature rows: tokenizer, vocabulary with a document-frequency cut,
//! feature selection, and the fitted [`Featurizer`] that the classifier file embeds.

mod ascii_words;
mod labels;
mod selection;
mod stop_words;
mod term_trie;
pub mod tokenizer;

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tsetlin_core::{SparseRows, Targets};

use crate::error::{Error, Result};

thread_local! {
    /// The buffers of [`Featurizer::transform_one`], one set per thread and reused from text
    /// to text instead of growing fresh ones for every text (4 % less time per OHSUMED
    /// abstract, BENCHMARKS.md §12).
    static TOKEN_IDS: std::cell::RefCell<TokenIds> = std::cell::RefCell::new(TokenIds::default());
}

/// A thread's buffers are dropped after a text that grew them past this, so that one huge
/// text does not pin its memory to the thread.
const MAX_KEPT_BUFFER_BYTES: usize = 1 << 20;

/// The reusable buffers of [`Featurizer::transform_one`]: the lowercasing buffer of the
/// tokenizer and the text's token ids in the vocabulary's trie.
#[derive(Debug, Default)]
struct TokenIds {
    lower: String,
    ids: Vec<u32>,
}

impl TokenIds {
    /// Bytes the buffers hold allocated.
    fn capacity(&self) -> usize {
        self.lower.capacity() + self.ids.capacity() * std::mem::size_of::<u32>()
    }
}

pub use labels::LabelSet;
pub use selection::{score, Selection};
pub use stop_words::{is_stop_word, STOP_WORDS};
pub use tokenizer::{Term, TokenizerConfig};

use term_trie::TermTrie;

/// Everything that determines a fitted [`Featurizer`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeaturizerConfig {
    /// How texts become terms.
    pub tokenizer: TokenizerConfig,
    /// Keep only terms that occur in at least this many training documents (default 1; the
    /// paper's IMDb setting is 10).
    pub min_df: usize,
    /// Keep at most this many terms, the best by `selection` (default `None`: keep all; the
    /// paper's IMDb setting is 5,000).
    pub max_features: Option<usize>,
    /// How terms are ranked when `max_features` is set.
    pub selection: Selection,
}

impl Default for FeaturizerConfig {
    fn default() -> Self {
        Self {
            tokenizer: TokenizerConfig::default(),
            min_df: 1,
            max_features: None,
            selection: Selection::ChiSquared,
        }
    }
}

/// Which byte spans of a text produced one present feature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeatureMatch {
    /// The feature id.
    pub feature: u32,
    /// Byte spans `(start, end)` in the text, in text order.
    pub spans: Vec<(usize, usize)>,
}

/// A fitted vocabulary: feature id `i` is the presence of term `feature_names()[i]`.
/// Features are in alphabetical (byte-wise) order of their terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FeaturizerData", into = "FeaturizerData")]
pub struct Featurizer {
    config: FeaturizerConfig,
    names: Vec<String>,
    /// Term -> id, rebuilt on deserialization (not stored: a map's order is not stable).
    /// Looked up for every term of every scored text: foldhash, not the default SipHash (a
    /// quarter of featurizing time went to SipHash); still seeded per process, and the table
    /// is fixed after fitting, so hostile texts cannot grow it.
    index: HashMap<String, u32, foldhash::fast::RandomState>,
    /// The same names as a trie over token ids, for [`Featurizer::transform_one`] (rebuilt on
    /// deserialization, like `index`).
    trie: TermTrie,
}

/// The serialized form of a [`Featurizer`].
#[derive(Serialize, Deserialize)]
struct FeaturizerData {
    config: FeaturizerConfig,
    feature_names: Vec<String>,
}

impl TryFrom<FeaturizerData> for Featurizer {
    type Error = String;

    /// A stored featurizer is untrusted input (a crafted model file): its settings must be in
    /// range and its terms distinct (a repeated term would silently map two features to one).
    fn try_from(d: FeaturizerData) -> std::result::Result<Self, String> {
        d.config.tokenizer.validate()?;
        let f = Featurizer::from_parts(d.config, d.feature_names);
        if f.index.len() != f.names.len() {
            return Err(format!(
                "the vocabulary repeats a term ({} terms, {} distinct)",
                f.names.len(),
                f.index.len()
            ));
        }
        Ok(f)
    }
}

impl From<Featurizer> for FeaturizerData {
    fn from(f: Featurizer) -> Self {
        FeaturizerData {
            config: f.config,
            feature_names: f.names,
        }
    }
}

/// Document counts per term, merged from parallel chunks.
fn document_frequencies<S: AsRef<str> + Sync>(
    texts: &[S],
    tokenizer: &TokenizerConfig,
) -> HashMap<String, u32> {
    let chunk = texts
        .len()
        .div_ceil(4 * rayon::current_num_threads())
        .max(1);
    texts
        .par_chunks(chunk)
        .map(|docs| {
            let mut df: HashMap<String, u32> = HashMap::new();
            for doc in docs {
                let mut terms: Vec<String> = tokenizer
                    .terms(doc.as_ref())
                    .into_iter()
                    .map(|t| t.text)
                    .collect();
                terms.sort_unstable();
                terms.dedup();
                for t in terms {
                    *df.entry(t).or_insert(0) += 1;
                }
            }
            df
        })
        .reduce(HashMap::new, |a, b| {
            // Merge the smaller map into the larger one.
            let (mut big, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (t, c) in small {
                *big.entry(t).or_insert(0) += c;
            }
            big
        })
}

impl Featurizer {
    /// Builds a featurizer from its configuration and feature names (in id order).
    pub fn from_parts(config: FeaturizerConfig, feature_names: Vec<String>) -> Self {
        let index = feature_names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        Self {
            trie: TermTrie::new(&feature_names),
            config,
            names: feature_names,
            index,
        }
    }

    /// Learns the vocabulary on training texts: counts document frequencies, keeps terms with
    /// `df >= min_df`, then (if `max_features` is set) the `max_features` best terms by
    /// `selection`, ties broken by term order. `labels` gives each text's class (`&[u32]`,
    /// each `< n_classes`) or its label set ([`tsetlin_core::LabelSets`]); it is only used
    /// for chi-squared and mutual information, which read per-label document counts (for
    /// label sets, a document counts once for each label it carries, as scikit-learn's `chi2`
    /// does with an indicator matrix).
    pub fn fit<'t, S: AsRef<str> + Sync>(
        texts: &[S],
        labels: impl Into<Targets<'t>>,
        n_classes: usize,
        config: &FeaturizerConfig,
    ) -> Result<Featurizer> {
        let labels = labels.into();
        if texts.len() != labels.len() {
            return Err(Error::InvalidInput(format!(
                "{} texts but {} labels",
                texts.len(),
                labels.len()
            )));
        }
        if texts.is_empty() {
            return Err(Error::InvalidInput("no training texts".to_string()));
        }
        if let Some(&bad) = (0..labels.len())
            .flat_map(|r| labels.row(r))
            .find(|&&l| l as usize >= n_classes)
        {
            return Err(Error::InvalidInput(format!(
                "label {bad} is out of range for {n_classes} classes"
            )));
        }
        let df = document_frequencies(texts, &config.tokenizer);
        let mut vocab: Vec<(String, u32)> = df
            .into_iter()
            .filter(|&(_, c)| c as usize >= config.min_df)
            .collect();
        vocab.sort_unstable_by(|a, b| a.0.cmp(&b.0));

        let keep = match config.max_features {
            Some(k) if k < vocab.len() => {
                let scores = Self::scores(texts, labels, n_classes, config, &vocab);
                let mut order: Vec<usize> = (0..vocab.len()).collect();
                // Stable sort over alphabetical order: equal scores keep term order.
                order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
                order.truncate(k);
                order.sort_unstable();
                order
            }
            _ => (0..vocab.len()).collect(),
        };
        let names = keep.into_iter().map(|i| vocab[i].0.clone()).collect();
        Ok(Self::from_parts(config.clone(), names))
    }

    /// Scores every vocabulary term by the configured selection method.
    fn scores<S: AsRef<str> + Sync>(
        texts: &[S],
        labels: Targets<'_>,
        n_classes: usize,
        config: &FeaturizerConfig,
        vocab: &[(String, u32)],
    ) -> Vec<f64> {
        let mut class_sizes = vec![0u32; n_classes];
        for r in 0..labels.len() {
            for &l in labels.row(r) {
                class_sizes[l as usize] += 1;
            }
        }
        let n = texts.len() as u32;
        if config.selection == Selection::DocFrequency {
            return vocab
                .iter()
                .map(|(_, df)| score(Selection::DocFrequency, &[*df], &[n], n))
                .collect();
        }
        // Second pass: per-class document counts of the kept terms.
        let tmp = Self::from_parts(config.clone(), vocab.iter().map(|v| v.0.clone()).collect());
        let chunk = texts
            .len()
            .div_ceil(2 * rayon::current_num_threads())
            .max(1);
        let counts = texts
            .par_chunks(chunk)
            .enumerate()
            .map(|(ci, docs)| {
                let mut c = vec![0u32; vocab.len() * n_classes];
                for (k, doc) in docs.iter().enumerate() {
                    let ls = labels.row(ci * chunk + k);
                    for f in tmp.transform_one(doc.as_ref()) {
                        for &l in ls {
                            c[f as usize * n_classes + l as usize] += 1;
                        }
                    }
                }
                c
            })
            .reduce(Vec::new, |mut a, b| {
                if a.is_empty() {
                    return b;
                }
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            });
        (0..vocab.len())
            .map(|t| {
                score(
                    config.selection,
                    &counts[t * n_classes..(t + 1) * n_classes],
                    &class_sizes,
                    n,
                )
            })
            .collect()
    }

    /// The configuration this featurizer was fitted with.
    pub fn config(&self) -> &FeaturizerConfig {
        &self.config
    }

    /// Binary presence rows for `texts` (computed in parallel, row order preserved).
    pub fn transform<S: AsRef<str> + Sync>(&self, texts: &[S]) -> SparseRows {
        let rows: Vec<Vec<u32>> = texts
            .par_iter()
            .map(|t| self.transform_one(t.as_ref()))
            .collect();
        let mut out = SparseRows::new(self.n_features());
        for row in &rows {
            out.push_row(row)
                .expect("feature ids come from the vocabulary, so they are in range");
        }
        out
    }

    /// The present feature ids of one text, sorted and distinct.
    ///
    /// The hot path of every prediction (it is most of a note's scoring time): each token is
    /// looked up once in the vocabulary's trie over token ids, and the n-grams are walked
    /// from token id to token id, so no term string is built or hashed.
    /// [`Self::transform_one_reference`], the plain path through [`TokenizerConfig::terms`],
    /// is its twin, held equal by proptest.
    pub fn transform_one(&self, text: &str) -> Vec<u32> {
        TOKEN_IDS.with(|cell| match cell.try_borrow_mut() {
            Ok(mut buffers) => {
                let ids = self.ids_with(text, &mut buffers);
                if buffers.capacity() > MAX_KEPT_BUFFER_BYTES {
                    *buffers = TokenIds::default();
                }
                ids
            }
            // Not reached (nothing in here featurizes re-entrantly); fresh buffers are correct.
            Err(_) => self.ids_with(text, &mut TokenIds::default()),
        })
    }

    /// [`Self::transform_one`] with the buffers it fills.
    fn ids_with(&self, text: &str, buffers: &mut TokenIds) -> Vec<u32> {
        let TokenIds { lower, ids: tokens } = buffers;
        tokens.clear();
        let trie = &self.trie;
        self.config
            .tokenizer
            .each_token(text, lower, |_, _, token| tokens.push(trie.token(token)));
        let mut ids = Vec::with_capacity(tokens.len());
        trie.each_feature(tokens, self.config.tokenizer.ngram_max.max(1), |id| {
            ids.push(id)
        });
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The plain twin of [`Self::transform_one`], the same ids the slow way: every term
    /// built with its span by [`TokenizerConfig::terms`], then looked up. For the proptest
    /// that holds the two equal and for `examples/featurize_bench`; never on a hot path.
    #[doc(hidden)]
    pub fn transform_one_reference(&self, text: &str) -> Vec<u32> {
        let mut ids: Vec<u32> = self
            .config
            .tokenizer
            .terms(text)
            .iter()
            .filter_map(|t| self.feature_id(&t.text))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Which byte spans of `text` produced each present feature, by increasing feature id.
    pub fn matches(&self, text: &str) -> Vec<FeatureMatch> {
        let mut by_feature: HashMap<u32, Vec<(usize, usize)>> = HashMap::new();
        for t in self.config.tokenizer.terms(text) {
            if let Some(&f) = self.index.get(&t.text) {
                by_feature.entry(f).or_default().push((t.start, t.end));
            }
        }
        let mut out: Vec<FeatureMatch> = by_feature
            .into_iter()
            .map(|(feature, spans)| FeatureMatch { feature, spans })
            .collect();
        out.sort_unstable_by_key(|m| m.feature);
        out
    }

    /// The term of each feature, indexed by feature id.
    pub fn feature_names(&self) -> &[String] {
        &self.names
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.names.len()
    }

    /// The id of a term, if it is a feature.
    pub fn feature_id(&self, term: &str) -> Option<u32> {
        self.index.get(term).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Owned copies of `v` (the featurizer's tests and its submodules' take names and texts
    /// as `String`s).
    pub(super) fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn min_df_and_alphabetical_ids() {
        let texts = strings(&["b a", "a c", "a b"]);
        let config = FeaturizerConfig {
            min_df: 2,
            ..FeaturizerConfig::default()
        };
        let f = Featurizer::fit(&texts, &[0, 1, 0], 2, &config).expect("fit");
        assert_eq!(f.feature_names(), &["a", "b"]);
        let rows = f.transform(&texts);
        assert_eq!(rows.row(1), &[0]);
        assert_eq!(f.feature_id("b"), Some(1));
        assert_eq!(f.feature_id("c"), None);
    }

    #[test]
    fn chi2_keeps_discriminative_terms_ties_by_term_order() {
        let texts = strings(&["good fine x", "good nice x", "bad awful x", "bad poor x"]);
        let labels = [0, 0, 1, 1];
        let config = FeaturizerConfig {
            max_features: Some(3),
            ..FeaturizerConfig::default()
        };
        let f = Featurizer::fit(&texts, &labels, 2, &config).expect("fit");
        // "bad" and "good" score 4; the df-1 words score 1 and tie: "awful" wins by order.
        assert_eq!(f.feature_names(), &["awful", "bad", "good"]);
        let mi = FeaturizerConfig {
            selection: Selection::MutualInformation,
            max_features: Some(2),
            ..FeaturizerConfig::default()
        };
        let f = Featurizer::fit(&texts, &labels, 2, &mi).expect("fit");
        assert_eq!(f.feature_names(), &["bad", "good"]);
        let df = FeaturizerConfig {
            selection: Selection::DocFrequency,
            max_features: Some(1),
            ..FeaturizerConfig::default()
        };
        let f = Featurizer::fit(&texts, &labels, 2, &df).expect("fit");
        assert_eq!(f.feature_names(), &["x"]);
    }

    #[test]
    fn matches_report_spans_including_bigrams() {
        let texts = strings(&["not good at all", "very good"]);
        let config = FeaturizerConfig {
            tokenizer: TokenizerConfig {
                ngram_max: 2,
                ..TokenizerConfig::default()
            },
            ..FeaturizerConfig::default()
        };
        let f = Featurizer::fit(&texts, &[0, 1], 2, &config).expect("fit");
        let text = "Good? Not good!";
        let m = f.matches(text);
        let good = f.feature_id("good").expect("good");
        let not_good = f.feature_id("not good").expect("bigram");
        let find = |id| m.iter().find(|x| x.feature == id).expect("present");
        assert_eq!(find(good).spans, vec![(0, 4), (10, 14)]);
        assert_eq!(find(not_good).spans, vec![(6, 14)]);
        assert_eq!(&text[6..14], "Not good");
    }

    #[test]
    fn serde_round_trip_rebuilds_index() {
        let texts = strings(&["alpha beta", "gamma"]);
        let f = Featurizer::fit(&texts, &[0, 1], 2, &FeaturizerConfig::default()).expect("fit");
        let json = serde_json::to_string(&f).expect("serialize");
        let g: Featurizer = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(f, g);
        assert_eq!(g.feature_id("gamma"), Some(2));
    }

    #[test]
    fn fit_validates_input() {
        let texts = strings(&["a"]);
        let cfg = FeaturizerConfig::default();
        assert!(Featurizer::fit(&texts, &[], 1, &cfg).is_err());
        assert!(Featurizer::fit(&texts, &[3], 2, &cfg).is_err());
    }

    proptest! {
        #[test]
        fn transform_one_equals_its_reference_twin(
            docs in proptest::collection::vec("[a-cA-C\u{e9}\u{391}\u{3a3}<>/ ,.'-]{0,24}|(the|running|runs|Not|b|<br />| )*", 2..8),
            probe in "[a-cA-C\u{e9}\u{391}\u{3a3}<>/ ,.'-]{0,30}|(the|running|runs|Not|b|<br />| )*",
            ngram_max in 1usize..4,
            lowercase in any::<bool>(),
            stop_words in any::<bool>(),
            stem in any::<bool>(),
            max_features in proptest::option::of(1usize..6),
        ) {
            let labels: Vec<u32> = (0..docs.len() as u32).map(|i| i % 2).collect();
            // With a cap, some tokens of the texts are in no feature name and some n-grams are
            // features while their words are not: the cases the trie walk must get right.
            let config = FeaturizerConfig {
                tokenizer: TokenizerConfig {
                    ngram_max,
                    lowercase,
                    stop_words,
                    stem,
                    ..TokenizerConfig::default()
                },
                max_features,
                ..FeaturizerConfig::default()
            };
            let f = Featurizer::fit(&docs, &labels, 2, &config).expect("fit");
            for text in docs.iter().chain(std::iter::once(&probe)) {
                prop_assert_eq!(f.transform_one(text), f.transform_one_reference(text));
            }
        }

        #[test]
        fn transform_agrees_with_naive_reference(
            docs in proptest::collection::vec("[abc ]{0,12}", 1..8),
        ) {
            let labels: Vec<u32> = (0..docs.len() as u32).map(|i| i % 2).collect();
            let config = FeaturizerConfig {
                tokenizer: TokenizerConfig { ngram_max: 2, ..TokenizerConfig::default() },
                ..FeaturizerConfig::default()
            };
            let f = Featurizer::fit(&docs, &labels, 2, &config).expect("fit");
            let rows = f.transform(&docs);
            for (r, doc) in docs.iter().enumerate() {
                let words: Vec<&str> = doc.split_whitespace().collect();
                let mut terms: Vec<String> = words.iter().map(|w| w.to_string()).collect();
                terms.extend(words.windows(2).map(|w| w.join(" ")));
                let mut expect: Vec<u32> = terms
                    .iter()
                    .map(|t| f.feature_id(t).expect("every training term is kept"))
                    .collect();
                expect.sort_unstable();
                expect.dedup();
                prop_assert_eq!(rows.row(r), expect.as_slice());
            }
        }
    }
}
