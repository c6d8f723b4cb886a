//! What the settings search chooses ([`Settings`]), which of it the user fixed ([`Pinned`]),
//! the facts about the data it is chosen from ([`DataProfile`]), and the settings used when
//! there is no search ([`default_settings`]).

use serde::{Deserialize, Serialize};
use tsetlin_core::ParamsBuilder;

/// One complete training recipe: the featurizer choices that the search varies, the machine's
/// hyper-parameters and the number of epochs. Saved in a model (`--settings-from`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Longest n-gram (text only; 1 for feature-level data).
    pub ngram_max: usize,
    /// Keep the best this many terms (`None`: all that pass the document-frequency cut).
    pub max_features: Option<usize>,
    /// Clauses per class (even).
    pub clauses: usize,
    /// Vote margin `T`.
    pub threshold: f64,
    /// Specificity `s`.
    pub specificity: f64,
    /// Weighted clauses.
    pub weighted: bool,
    /// Boost true positive feedback.
    pub boost: bool,
    /// Literal budget (`None`: unbounded clauses).
    pub literal_budget: Option<u32>,
    /// Training epochs.
    pub epochs: usize,
    /// Bits per automaton state (not searched).
    #[serde(default = "default_state_bits")]
    pub state_bits: u32,
    /// Probability a clause sits out an epoch (searched: 0 or
    /// [`CLAUSE_DROP`](super::space::CLAUSE_DROP)). Absent in settings saved before the search
    /// drew it: those trained without it.
    #[serde(default)]
    pub clause_drop: f64,
    /// Focused negative sampling (not searched).
    #[serde(default)]
    pub focused_negatives: bool,
}

fn default_state_bits() -> u32 {
    8
}

impl Settings {
    /// Applies the machine's part to an engine builder (seed and threads are the caller's).
    pub fn apply(&self, b: ParamsBuilder) -> ParamsBuilder {
        b.clauses(self.clauses)
            .threshold(self.threshold)
            .specificity(self.specificity)
            .weighted(self.weighted)
            .boost_true_positive(self.boost)
            .literal_budget(self.literal_budget)
            .state_bits(self.state_bits)
            .clause_drop(self.clause_drop)
            .focused_negative_sampling(self.focused_negatives)
    }

    /// One line: `clauses 1000, T 2000, s 2.5, weighted, boost, 1-grams, 10000 features, 40 epochs`.
    pub fn summary(&self) -> String {
        let mut parts = vec![
            format!("clauses {}", self.clauses),
            format!("T {}", round_sig(self.threshold)),
            format!("s {}", round_sig(self.specificity)),
        ];
        if self.weighted {
            parts.push("weighted".to_string());
        }
        if self.boost {
            parts.push("boost".to_string());
        }
        if let Some(l) = self.literal_budget {
            parts.push(format!("literal budget {l}"));
        }
        if self.clause_drop > 0.0 {
            parts.push(format!("clause drop {}", round_sig(self.clause_drop)));
        }
        parts.push(format!("{}-grams", self.ngram_max));
        parts.push(match self.max_features {
            Some(k) => format!("{k} features"),
            None => "all features".to_string(),
        });
        parts.push(format!("{} epochs", self.epochs));
        parts.join(", ")
    }
}

/// Three significant digits, for display.
pub(crate) fn round_sig(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let digits = 3 - 1 - v.abs().log10().floor() as i32;
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

/// The settings a user fixed; the search varies only the others. In `max_features` and
/// `literal_budget`, 0 means "none" (all features; no budget), so that the pin itself can be
/// said in JSON without a nested option.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pinned {
    /// Longest n-gram.
    pub ngram_max: Option<usize>,
    /// Feature count (0: all).
    pub max_features: Option<usize>,
    /// Clauses per class.
    pub clauses: Option<usize>,
    /// Vote margin `T`.
    pub threshold: Option<f64>,
    /// Specificity `s`.
    pub specificity: Option<f64>,
    /// Weighted clauses.
    pub weighted: Option<bool>,
    /// Boost true positive feedback.
    pub boost: Option<bool>,
    /// Literal budget (0: none).
    pub literal_budget: Option<u32>,
    /// Training epochs.
    pub epochs: Option<usize>,
    /// Bits per automaton state.
    pub state_bits: Option<u32>,
    /// Clause drop probability.
    pub clause_drop: Option<f64>,
    /// Focused negative sampling.
    pub focused_negatives: Option<bool>,
}

impl Pinned {
    /// Every setting pinned to `s` (what `--settings-from` does).
    pub fn all(s: &Settings) -> Self {
        Self {
            ngram_max: Some(s.ngram_max),
            max_features: Some(s.max_features.unwrap_or(0)),
            clauses: Some(s.clauses),
            threshold: Some(s.threshold),
            specificity: Some(s.specificity),
            weighted: Some(s.weighted),
            boost: Some(s.boost),
            literal_budget: Some(s.literal_budget.unwrap_or(0)),
            epochs: Some(s.epochs),
            state_bits: Some(s.state_bits),
            clause_drop: Some(s.clause_drop),
            focused_negatives: Some(s.focused_negatives),
        }
    }

    /// Refuses pins that no run could use, naming the setting: n-grams outside 1..=5, zero
    /// epochs, and every machine value the engine would refuse.
    pub fn validate(&self) -> crate::error::Result<()> {
        if let Some(n) = self.ngram_max {
            if !(1..=5).contains(&n) {
                return Err(crate::error::Error::InvalidInput(format!(
                    "invalid setting `ngram_max` = {n}: must be between 1 and 5"
                )));
            }
        }
        if self.epochs == Some(0) {
            return Err(crate::error::Error::InvalidInput(
                "invalid setting `epochs` = 0: must be at least 1".to_string(),
            ));
        }
        let probe = DataProfile {
            rows: 1,
            classes: 2,
            features: 1,
            mean_present: 1.0,
            text: true,
        };
        self.impose(default_settings(&probe))
            .apply(tsetlin_core::Params::builder(2, 1))
            .build()?;
        Ok(())
    }

    /// `self` with every value that `over` pins replaced by it (explicit flags over
    /// `--settings-from`).
    pub fn overlay(&self, over: &Pinned) -> Pinned {
        Pinned {
            ngram_max: over.ngram_max.or(self.ngram_max),
            max_features: over.max_features.or(self.max_features),
            clauses: over.clauses.or(self.clauses),
            // A new clause count with an inherited T would change the margin's meaning.
            threshold: over.threshold.or(if over.clauses.is_some() {
                None
            } else {
                self.threshold
            }),
            specificity: over.specificity.or(self.specificity),
            weighted: over.weighted.or(self.weighted),
            boost: over.boost.or(self.boost),
            literal_budget: over.literal_budget.or(self.literal_budget),
            epochs: over.epochs.or(self.epochs),
            state_bits: over.state_bits.or(self.state_bits),
            clause_drop: over.clause_drop.or(self.clause_drop),
            focused_negatives: over.focused_negatives.or(self.focused_negatives),
        }
    }

    /// Whether every machine setting and the epoch count are fixed (nothing left to search
    /// but the features, which are then fixed too when pinned). A free clause drop alone
    /// starts no search: it takes the no-search default, none.
    pub fn is_complete(&self, text: bool) -> bool {
        self.clauses.is_some()
            && self.threshold.is_some()
            && self.specificity.is_some()
            && self.weighted.is_some()
            && self.epochs.is_some()
            && (!text || (self.ngram_max.is_some() && self.max_features.is_some()))
    }

    /// `s` with every pinned value put in (the threshold follows a pinned clause count when
    /// the threshold itself is free: it keeps the candidate's ratio `T / clauses`).
    pub fn impose(&self, mut s: Settings) -> Settings {
        if let Some(c) = self.clauses {
            if self.threshold.is_none() {
                s.threshold = s.threshold / s.clauses as f64 * c as f64;
            }
            s.clauses = c;
        }
        if let Some(v) = self.ngram_max {
            s.ngram_max = v;
        }
        if let Some(v) = self.max_features {
            s.max_features = (v > 0).then_some(v);
        }
        if let Some(v) = self.threshold {
            s.threshold = v;
        }
        if let Some(v) = self.specificity {
            s.specificity = v;
        }
        if let Some(v) = self.weighted {
            s.weighted = v;
        }
        if let Some(v) = self.boost {
            s.boost = v;
        }
        if let Some(v) = self.literal_budget {
            s.literal_budget = (v > 0).then_some(v);
        }
        if let Some(v) = self.epochs {
            s.epochs = v;
        }
        if let Some(v) = self.state_bits {
            s.state_bits = v;
        }
        if let Some(v) = self.clause_drop {
            s.clause_drop = v;
        }
        if let Some(v) = self.focused_negatives {
            s.focused_negatives = v;
        }
        s
    }
}

/// Facts about the training data that the defaults and the search plan are derived from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DataProfile {
    /// Training rows (documents).
    pub rows: usize,
    /// Classes.
    pub classes: usize,
    /// Features available (for text: the vocabulary after the document-frequency cut).
    pub features: usize,
    /// Mean number of present features per row.
    pub mean_present: f64,
    /// Whether the features come from text (the n-gram and feature-count choices apply).
    pub text: bool,
}

impl DataProfile {
    /// The profile of rows `x` in `classes` classes.
    pub fn of_rows(x: &tsetlin_core::SparseRows, classes: usize, text: bool) -> Self {
        Self {
            rows: x.n_rows(),
            classes,
            features: x.n_features(),
            mean_present: x.nnz() as f64 / x.n_rows().max(1) as f64,
            text,
        }
    }
}

/// The settings used without a search (`--no-auto`), derived from the data:
/// - a clause bank that grows with the corpus (100 per class for a few hundred documents, up
///   to 1,000 from 10,000 documents on), because larger corpora hold more patterns;
/// - weighted clauses (they learn several times faster per epoch at every size we measured);
/// - `T` equal to the clause count, so that nearly every example keeps giving feedback (the
///   weights let class sums pass `n`);
/// - `s` from the document density: sparse rows (a few dozen present words) want short
///   clauses (`s` near 3), denser rows longer ones, up to 10;
/// - words and word pairs for text, the best 10,000 terms by chi-squared;
/// - no clause drop;
/// - 20 epochs.
pub fn default_settings(p: &DataProfile) -> Settings {
    let clauses = even((p.rows as f64 / 10.0).clamp(100.0, 1000.0) as usize);
    let specificity = (1.0 + p.mean_present.max(1.0).log10() * 1.5).clamp(2.5, 10.0);
    Settings {
        ngram_max: if p.text { 2 } else { 1 },
        max_features: if p.text { Some(10_000) } else { None },
        clauses,
        threshold: clauses as f64,
        specificity: round_sig(specificity),
        weighted: true,
        boost: true,
        literal_budget: None,
        epochs: 20,
        state_bits: default_state_bits(),
        clause_drop: 0.0,
        focused_negatives: false,
    }
}

/// `n` rounded up to an even number, at least 2.
pub(crate) fn even(n: usize) -> usize {
    n.max(2).div_ceil(2) * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(rows: usize, mean_present: f64) -> DataProfile {
        DataProfile {
            rows,
            classes: 4,
            features: 5000,
            mean_present,
            text: true,
        }
    }

    #[test]
    fn defaults_grow_with_the_corpus_and_stay_valid() {
        let small = default_settings(&profile(300, 20.0));
        let large = default_settings(&profile(50_000, 200.0));
        assert_eq!(small.clauses, 100);
        assert_eq!(large.clauses, 1000);
        assert!(small.specificity < large.specificity);
        for s in [small, large] {
            s.apply(tsetlin_core::Params::builder(4, 5000))
                .build()
                .expect("valid");
        }
    }

    #[test]
    fn pins_win_and_a_pinned_clause_count_keeps_the_ratio() {
        let base = default_settings(&profile(5000, 50.0));
        let pinned = Pinned {
            clauses: Some(2000),
            max_features: Some(0),
            ..Pinned::default()
        };
        let s = pinned.impose(base.clone());
        assert_eq!(s.clauses, 2000);
        assert_eq!(s.max_features, None);
        assert!(
            (s.threshold / s.clauses as f64 - base.threshold / base.clauses as f64).abs() < 1e-9
        );
        let all = Pinned::all(&base);
        assert!(all.is_complete(true));
        assert_eq!(all.impose(default_settings(&profile(10, 1.0))), base);
    }
}
