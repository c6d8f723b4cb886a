//! Classical baselines on the same binary [`SparseRows`] features the Tsetlin machine sees:
//! multinomial and Bernoulli naive Bayes, logistic regression and a linear SVM. All of them
//! end up as a [`LinearModel`] (a score per class that is a bias plus a sum of weights over
//! the present features), so prediction walks only the present features: rows are never
//! densified. [`OneVsRest`] makes any of them multi-label.

mod logistic;
mod naive_bayes;
mod one_vs_rest;
mod svm;

use tsetlin_core::SparseRows;

use crate::error::{Error, Result};

pub use logistic::LogisticRegression;
pub use naive_bayes::{BernoulliNb, MultinomialNb};
pub use one_vs_rest::OneVsRest;
pub use svm::LinearSvm;

/// A trained baseline classifier.
pub trait Baseline: Sized {
    /// A short name for reports (e.g. `"multinomial-nb"`).
    fn name(&self) -> &'static str;

    /// Trains on `rows` with `labels[i] < n_classes`.
    fn fit(rows: &SparseRows, labels: &[u32], n_classes: usize) -> Result<Self>;

    /// Predicts a class per row.
    fn predict(&self, rows: &SparseRows) -> Vec<u32>;
}

/// Per-class linear scores: `score(c) = bias[c] + Σ_{f present} weights[f · n_classes + c]`.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    /// Number of features the model was trained on; other ids in a row are ignored.
    pub n_features: usize,
    /// Number of classes.
    pub n_classes: usize,
    /// Feature-major weights, `n_features * n_classes`.
    pub weights: Vec<f64>,
    /// Per-class bias.
    pub bias: Vec<f64>,
}

impl LinearModel {
    /// The per-class scores of one row.
    pub fn scores(&self, row: &[u32]) -> Vec<f64> {
        let k = self.n_classes;
        let mut s = self.bias.clone();
        for &f in row {
            let f = f as usize;
            if f < self.n_features {
                for (sc, w) in s.iter_mut().zip(&self.weights[f * k..(f + 1) * k]) {
                    *sc += w;
                }
            }
        }
        s
    }

    /// The best-scoring class of each row (ties go to the lowest class id).
    pub fn predict(&self, rows: &SparseRows) -> Vec<u32> {
        rows.iter()
            .map(|row| {
                let s = self.scores(row);
                let mut best = 0;
                for c in 1..s.len() {
                    if s[c] > s[best] {
                        best = c;
                    }
                }
                best as u32
            })
            .collect()
    }
}

/// Checks the training inputs shared by all baselines.
fn validate(rows: &SparseRows, labels: &[u32], n_classes: usize) -> Result<()> {
    if rows.n_rows() != labels.len() {
        return Err(Error::InvalidInput(format!(
            "{} rows but {} labels",
            rows.n_rows(),
            labels.len()
        )));
    }
    if rows.n_rows() == 0 || n_classes == 0 {
        return Err(Error::InvalidInput(
            "need at least one row and one class".to_string(),
        ));
    }
    if let Some(&bad) = labels.iter().find(|&&l| l as usize >= n_classes) {
        return Err(Error::InvalidInput(format!(
            "label {bad} is out of range for {n_classes} classes"
        )));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod test_data {
    use tsetlin_core::SparseRows;

    use crate::rng::SplitMix64;

    /// Three classes; class `c` always has feature `c` and random noise among features 3..20.
    pub fn separable(n: usize, seed: u64) -> (SparseRows, Vec<u32>) {
        let mut rng = SplitMix64::new(seed);
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        for i in 0..n {
            let c = (i % 3) as u32;
            let mut row = vec![c];
            for f in 3..20 {
                if rng.chance(0.3) {
                    row.push(f);
                }
            }
            rows.push(row);
            labels.push(c);
        }
        (SparseRows::from_rows(20, &rows).expect("rows"), labels)
    }

    /// Fits `B` and checks it is perfect on fresh data and rejects bad input.
    pub fn check<B: super::Baseline>() {
        let (train, y) = separable(90, 1);
        let (test, yt) = separable(60, 2);
        let model = B::fit(&train, &y, 3).expect("fit");
        assert_eq!(model.predict(&test), yt, "{}", model.name());
        assert!(B::fit(&train, &y[..10], 3).is_err());
        assert!(B::fit(&train, &y, 2).is_err());
    }
}
