//! A deterministic estimate of training time, used to plan a search within its budget.
//!
//! The plan must not depend on the machine's speed or load (the same seed must give the same
//! choice everywhere), so the budget is spent in *reference seconds*: seconds on the 2-core
//! laptop the constants were measured on (BENCHMARKS.md §4: IMDb, 20 Newsgroups, OHSUMED and
//! the clinical set, per-epoch times). A faster machine finishes early; the wall-clock budget
//! is only a safety net that cuts a search whose estimate was badly off.

use serde::{Deserialize, Serialize};

use super::settings::Settings;

/// Per-epoch cost constants (reference seconds).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CostModel {
    /// Seconds per (training row x clause touched) at the cheapest margin and sparsest rows.
    pub per_clause_row: f64,
    /// How much a full feedback rate (`T >= clauses`) adds to the cost, in units of the
    /// cheapest epoch (steady state: 20 Newsgroups and OHSUMED at `T = 2 x clauses`, weighted,
    /// ran 3-4x the cost per clause of IMDb at `T = 80`).
    pub feedback_factor: f64,
    /// Feature words (64 features each) that double the cost per clause.
    pub words_per_doubling: f64,
    /// How much more the first [`WARMUP_EPOCHS`] of a fresh machine cost than later ones (every
    /// clause fires and learns at first: BENCHMARKS.md §4 measured 3-3.5x on 20 Newsgroups and
    /// OHSUMED, 1.2x on IMDb at a small margin).
    pub warmup_factor: f64,
}

/// Epochs of a fresh machine that cost [`CostModel::warmup_factor`] times more.
pub const WARMUP_EPOCHS: usize = 2;

impl Default for CostModel {
    fn default() -> Self {
        Self {
            per_clause_row: 25e-9,
            feedback_factor: 3.0,
            words_per_doubling: 75.0,
            warmup_factor: 3.0,
        }
    }
}

impl CostModel {
    /// The model for multi-label training over `labels` labels: every label's bank learns
    /// from every example (one-vs-rest), where a multiclass step touches two classes.
    pub fn touching(&self, labels: usize) -> Self {
        Self {
            per_clause_row: self.per_clause_row * (labels.max(2) as f64 / 2.0),
            ..*self
        }
    }

    /// Estimated seconds of one epoch on `rows` rows with `features` features (of which
    /// `mean_present` are present per row on average). Training touches two classes per
    /// example (the target and one negative class), whatever the class count.
    pub fn epoch_seconds(
        &self,
        rows: usize,
        features: usize,
        mean_present: f64,
        s: &Settings,
    ) -> f64 {
        let words = features.div_ceil(64) as f64;
        // Dense rows make every firing clause's update touch more words.
        let density = (mean_present / features.max(1) as f64).clamp(0.0, 1.0);
        let ratio = (s.threshold / s.clauses as f64).clamp(0.0, 1.0);
        rows as f64
            * 2.0
            * s.clauses as f64
            * self.per_clause_row
            * (1.0 + words / self.words_per_doubling)
            * (1.0 + 4.0 * density)
            * (1.0 + self.feedback_factor * ratio)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(clauses: usize, threshold: f64) -> Settings {
        Settings {
            ngram_max: 2,
            max_features: Some(5000),
            clauses,
            threshold,
            specificity: 27.0,
            weighted: false,
            boost: true,
            literal_budget: None,
            epochs: 1,
            state_bits: 8,
            clause_drop: 0.0,
            focused_negatives: false,
        }
    }

    #[test]
    fn matches_the_measured_epochs_within_a_factor_of_two() {
        let m = CostModel::default();
        // IMDb, 10,000 clauses per class, T = 80: 22.7 s per epoch measured (§4).
        let imdb = m.epoch_seconds(25_000, 5000, 130.0, &settings(10_000, 80.0));
        assert!((11.4..45.4).contains(&imdb), "{imdb}");
        // IMDb, 2,000 clauses, T = 1,600, unweighted: 19-27 s measured (ANCHORS).
        let busy = m.epoch_seconds(25_000, 5000, 130.0, &settings(2000, 1600.0));
        assert!((11.5..46.0).contains(&busy), "{busy}");
        // 20 Newsgroups, 600 clauses, T = 1,200, 10,000 words: 2.8 s mean, 9.9 s first (§4).
        let many = m.epoch_seconds(11_314, 10_000, 80.0, &settings(600, 1200.0));
        assert!((1.4..5.6).contains(&many), "{many}");
    }
}
