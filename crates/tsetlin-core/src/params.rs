//! Hyper-parameters: built unchecked through [`ParamsBuilder`], then validated into [`Params`].
//!
//! | parameter | default | meaning |
//! |---|---|---|
//! | `n_classes` | required | number of classes `m` (at least 2) |
//! | `n_features` | required | number of Boolean features `o` (at least 1) |
//! | `n_clauses` | 100 | clauses per class `n` (even, at least 2) |
//! | `threshold` | 0.8 x `n_clauses` | vote margin `T` (> 0) |
//! | `specificity` | 3.9 | `s` (> 1) |
//! | `state_bits` | 8 | bits per automaton; `N = 2^(bits-1)` states per action |
//! | `boost_true_positive` | false | Type I: literal 1 always reinforced |
//! | `weighted` | false | integer clause weights |
//! | `literal_budget` | none | Type I includes literals only while a clause has fewer than `L` |
//! | `clause_drop` | 0.0 | probability a clause sits out a whole epoch |
//! | `focused_negative_sampling` | false | draw the negative class by confusion |
//! | `seed` | 42 | seed of every random draw |
//!
//! Threads are not a parameter: they never change what is learned, and they belong to the
//! backend that runs the machine ([`crate::TsetlinMachine::with_threads`]).

use serde::{Deserialize, Serialize};

use crate::error::{Result, TmError};

/// Validated hyper-parameters of a multiclass Tsetlin machine, made only by
/// [`ParamsBuilder::build`] (or read from a model file, whose decoder validates them again):
/// the fields are private, so no caller holds a `Params` that skipped the checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// Number of classes `m`.
    pub(crate) n_classes: usize,
    /// Number of Boolean input features `o`.
    pub(crate) n_features: usize,
    /// Clauses per class `n` (even: half vote for, half against).
    pub(crate) n_clauses: usize,
    /// Vote margin `T`.
    pub(crate) threshold: f64,
    /// Specificity `s`.
    pub(crate) specificity: f64,
    /// Bits per Tsetlin automaton state (`N = 2^(bits-1)`).
    pub(crate) state_bits: u32,
    /// Type I feedback always reinforces literal-1 automata of a firing clause.
    pub(crate) boost_true_positive: bool,
    /// Clauses carry integer weights.
    pub(crate) weighted: bool,
    /// Type I includes new literals only while a clause includes fewer than this many.
    /// Type II (the negations that block false positives) is not limited, as in TM-SPEC, so a
    /// clause can exceed it: a hard cap on both was tried and made clauses that cannot stop
    /// firing on other classes (OHSUMED: 39.6 % at 32 literals, against 51.9 % with this
    /// rule; BENCHMARKS.md §9).
    pub(crate) literal_budget: Option<u32>,
    /// Probability that a clause is dropped for a whole epoch.
    pub(crate) clause_drop: f64,
    /// Focused negative sampling (Glimsdal et al. 2022).
    pub(crate) focused_negative_sampling: bool,
    /// Seed of every random draw.
    pub(crate) seed: u64,
}

impl Params {
    /// Number of classes `m`.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Number of Boolean input features `o`.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Clauses per class `n` (even: half vote for, half against).
    pub fn n_clauses(&self) -> usize {
        self.n_clauses
    }

    /// Vote margin `T`.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Specificity `s`.
    pub fn specificity(&self) -> f64 {
        self.specificity
    }

    /// Bits per Tsetlin automaton state (`N = 2^(bits-1)`).
    pub fn state_bits(&self) -> u32 {
        self.state_bits
    }

    /// Type I feedback always reinforces literal-1 automata of a firing clause.
    pub fn boost_true_positive(&self) -> bool {
        self.boost_true_positive
    }

    /// Clauses carry integer weights.
    pub fn weighted(&self) -> bool {
        self.weighted
    }

    /// Type I includes new literals only while a clause includes fewer than this many.
    pub fn literal_budget(&self) -> Option<u32> {
        self.literal_budget
    }

    /// Probability that a clause is dropped for a whole epoch.
    pub fn clause_drop(&self) -> f64 {
        self.clause_drop
    }

    /// Focused negative sampling (Glimsdal et al. 2022).
    pub fn focused_negative_sampling(&self) -> bool {
        self.focused_negative_sampling
    }

    /// Seed of every random draw.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Starts a builder for `n_classes` classes over `n_features` features.
    pub fn builder(n_classes: usize, n_features: usize) -> ParamsBuilder {
        ParamsBuilder {
            n_classes,
            n_features,
            n_clauses: 100,
            threshold: None,
            specificity: 3.9,
            state_bits: 8,
            boost_true_positive: false,
            weighted: false,
            literal_budget: None,
            clause_drop: 0.0,
            focused_negative_sampling: false,
            seed: 42,
        }
    }

    /// `N`: states per action; a TA includes its literal when its state exceeds `N`.
    pub fn states_per_action(&self) -> u32 {
        1 << (self.state_bits - 1)
    }

    /// Number of literals `2o`.
    pub fn n_literals(&self) -> usize {
        2 * self.n_features
    }

    /// Re-checks every constraint (used after deserialising a model file).
    pub fn validate(&self) -> Result<()> {
        fn bad(name: &'static str, value: impl ToString, reason: &'static str) -> TmError {
            TmError::InvalidParameter {
                name,
                value: value.to_string(),
                reason,
            }
        }
        if self.n_classes < 2 {
            return Err(bad("n_classes", self.n_classes, "need at least 2 classes"));
        }
        if self.n_features == 0 || self.n_features > u32::MAX as usize / 2 {
            return Err(bad(
                "n_features",
                self.n_features,
                "need at least 1 feature and fewer than 2^31",
            ));
        }
        if self.n_clauses < 2 || self.n_clauses % 2 != 0 {
            return Err(bad(
                "n_clauses",
                self.n_clauses,
                "must be even and at least 2 (half the clauses vote for, half against)",
            ));
        }
        if !(self.threshold.is_finite() && self.threshold > 0.0) {
            return Err(bad("threshold", self.threshold, "T must be > 0"));
        }
        if !(self.specificity.is_finite() && self.specificity > 1.0) {
            return Err(bad("specificity", self.specificity, "s must be > 1"));
        }
        if !(2..=16).contains(&self.state_bits) {
            return Err(bad("state_bits", self.state_bits, "must be in 2..=16"));
        }
        if self.literal_budget == Some(0) {
            return Err(bad("literal_budget", 0, "must be at least 1"));
        }
        if !(0.0..1.0).contains(&self.clause_drop) {
            return Err(bad("clause_drop", self.clause_drop, "must be in [0, 1)"));
        }
        Ok(())
    }
}

/// Unchecked hyper-parameters; [`ParamsBuilder::build`] validates them.
///
/// The one declaration of the settable parameters: it also deserialises from a JSON object
/// with these field names, every one optional (`threshold: null` keeps `0.8 x n_clauses`), an
/// unknown name an error. The sizes come from the data ([`ParamsBuilder::sized`]). This is how
/// the Python bindings read a dict of parameters, so they keep no list of their own.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[must_use]
pub struct ParamsBuilder {
    #[serde(skip)]
    n_classes: usize,
    #[serde(skip)]
    n_features: usize,
    n_clauses: usize,
    threshold: Option<f64>,
    specificity: f64,
    state_bits: u32,
    boost_true_positive: bool,
    weighted: bool,
    literal_budget: Option<u32>,
    clause_drop: f64,
    focused_negative_sampling: bool,
    seed: u64,
}

impl Default for ParamsBuilder {
    /// The defaults of [`Params::builder`], sized for no data yet (see [`ParamsBuilder::sized`]).
    fn default() -> Self {
        Params::builder(0, 0)
    }
}

impl ParamsBuilder {
    /// Sets the sizes that the data decides: `n_classes` classes over `n_features` features.
    pub fn sized(mut self, n_classes: usize, n_features: usize) -> Self {
        self.n_classes = n_classes;
        self.n_features = n_features;
        self
    }

    /// Clauses per class (even).
    pub fn clauses(mut self, n: usize) -> Self {
        self.n_clauses = n;
        self
    }
    /// Vote margin `T` (default `0.8 x clauses`).
    pub fn threshold(mut self, t: f64) -> Self {
        self.threshold = Some(t);
        self
    }
    /// Specificity `s`.
    pub fn specificity(mut self, s: f64) -> Self {
        self.specificity = s;
        self
    }
    /// Bits per automaton state.
    pub fn state_bits(mut self, bits: u32) -> Self {
        self.state_bits = bits;
        self
    }
    /// Boost true positive feedback.
    pub fn boost_true_positive(mut self, on: bool) -> Self {
        self.boost_true_positive = on;
        self
    }
    /// Weighted clauses.
    pub fn weighted(mut self, on: bool) -> Self {
        self.weighted = on;
        self
    }
    /// Literal budget `L` (`None` for no budget).
    pub fn literal_budget(mut self, l: Option<u32>) -> Self {
        self.literal_budget = l;
        self
    }
    /// Clause drop probability.
    pub fn clause_drop(mut self, p: f64) -> Self {
        self.clause_drop = p;
        self
    }
    /// Focused negative sampling.
    pub fn focused_negative_sampling(mut self, on: bool) -> Self {
        self.focused_negative_sampling = on;
        self
    }
    /// Seed of every random draw.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates and returns the parameters; the error names the first bad value.
    pub fn build(self) -> Result<Params> {
        let params = Params {
            n_classes: self.n_classes,
            n_features: self.n_features,
            n_clauses: self.n_clauses,
            threshold: self.threshold.unwrap_or(0.8 * self.n_clauses as f64),
            specificity: self.specificity,
            state_bits: self.state_bits,
            boost_true_positive: self.boost_true_positive,
            weighted: self.weighted,
            literal_budget: self.literal_budget,
            clause_drop: self.clause_drop,
            focused_negative_sampling: self.focused_negative_sampling,
            seed: self.seed,
        };
        params.validate()?;
        Ok(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err_of(b: ParamsBuilder) -> String {
        b.build().expect_err("must be rejected").to_string()
    }

    #[test]
    fn defaults_are_valid() {
        let p = Params::builder(2, 10).build().expect("valid");
        assert_eq!(p.states_per_action(), 128);
        assert!((p.threshold - 80.0).abs() < 1e-9);
    }

    #[test]
    fn the_builder_reads_parameters_by_name() {
        let b: ParamsBuilder =
            serde_json::from_str(r#"{"n_clauses": 20, "threshold": null, "state_bits": 6}"#)
                .expect("json");
        let p = b.sized(3, 7).build().expect("valid");
        assert_eq!((p.n_classes, p.n_features, p.n_clauses), (3, 7, 20));
        assert!((p.threshold - 16.0).abs() < 1e-9);
        assert_eq!(p.state_bits, 6);
        assert_eq!(p.specificity, 3.9);
        let err = serde_json::from_str::<ParamsBuilder>(r#"{"clauses": 20}"#).expect_err("unknown");
        assert!(err.to_string().contains("unknown field `clauses`"), "{err}");
        // Every field a saved `Params` has (but the sizes) is a field the builder reads.
        let saved = serde_json::to_value(Params::builder(2, 3).build().expect("p")).expect("j");
        let mut fields = saved.as_object().expect("object").clone();
        fields.remove("n_classes");
        fields.remove("n_features");
        let back: ParamsBuilder =
            serde_json::from_value(serde_json::Value::Object(fields)).expect("round trip");
        assert_eq!(
            back.sized(2, 3).build().expect("p"),
            Params::builder(2, 3).build().expect("p")
        );
    }

    #[test]
    fn errors_name_parameter_and_value() {
        assert!(err_of(Params::builder(2, 10).clauses(7)).contains("n_clauses` = 7"));
        assert!(err_of(Params::builder(2, 10).clauses(0)).contains("n_clauses` = 0"));
        assert!(err_of(Params::builder(2, 10).threshold(0.0)).contains("threshold` = 0"));
        assert!(err_of(Params::builder(2, 10).specificity(1.0)).contains("specificity` = 1"));
        assert!(err_of(Params::builder(1, 10)).contains("n_classes` = 1"));
        assert!(err_of(Params::builder(2, 0)).contains("n_features` = 0"));
        assert!(err_of(Params::builder(2, 10).clause_drop(1.0)).contains("clause_drop"));
        assert!(err_of(Params::builder(2, 10).literal_budget(Some(0))).contains("literal_budget"));
    }
}
