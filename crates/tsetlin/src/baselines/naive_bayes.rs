//! Naive Bayes on binary features, as scikit-learn's `MultinomialNB` and `BernoulliNB` with
//! `alpha = 1` and class priors estimated from the training data.

use tsetlin_core::SparseRows;

use super::{validate, Baseline, LinearModel};
use crate::error::Result;

/// Per-class document counts and per-class feature counts (feature-major).
fn counts(rows: &SparseRows, labels: &[u32], k: usize) -> (Vec<f64>, Vec<f64>) {
    let mut docs = vec![0.0; k];
    let mut feats = vec![0.0; rows.n_features() * k];
    for (row, &c) in rows.iter().zip(labels) {
        docs[c as usize] += 1.0;
        for &f in row {
            feats[f as usize * k + c as usize] += 1.0;
        }
    }
    (docs, feats)
}

/// Multinomial naive Bayes with Laplace smoothing (`alpha = 1`): the 0/1 features are treated
/// as counts, `θ[c][f] = (N[c][f] + 1) / (N[c] + F)` where `N[c][f]` is the number of class-`c`
/// documents containing `f` and `N[c] = Σ_f N[c][f]`; score `ln P(c) + Σ_{f present} ln θ[c][f]`.
#[derive(Debug, Clone)]
pub struct MultinomialNb {
    model: LinearModel,
}

impl Baseline for MultinomialNb {
    fn name(&self) -> &'static str {
        "multinomial-nb"
    }

    fn fit(rows: &SparseRows, labels: &[u32], n_classes: usize) -> Result<Self> {
        validate(rows, labels, n_classes)?;
        let (k, nf) = (n_classes, rows.n_features());
        let (docs, mut w) = counts(rows, labels, k);
        let mut totals = vec![0.0; k];
        for f in 0..nf {
            for c in 0..k {
                totals[c] += w[f * k + c];
            }
        }
        for f in 0..nf {
            for c in 0..k {
                w[f * k + c] = ((w[f * k + c] + 1.0) / (totals[c] + nf as f64)).ln();
            }
        }
        let n = labels.len() as f64;
        // An empty class never wins: its prior is -inf.
        let bias = docs.iter().map(|&d| (d / n).ln()).collect();
        Ok(Self {
            model: LinearModel {
                n_features: nf,
                n_classes: k,
                weights: w,
                bias,
            },
        })
    }

    fn predict(&self, rows: &SparseRows) -> Vec<u32> {
        self.model.predict(rows)
    }
}

/// Bernoulli naive Bayes with `alpha = 1`: `p[c][f] = (N[c][f] + 1) / (N[c] + 2)` with
/// `N[c]` the number of class-`c` documents; absent features count too, through
/// `ln(1 − p)`. Rewritten as a linear model: bias `ln P(c) + Σ_f ln(1 − p[c][f])`, weight
/// `ln p − ln(1 − p)` for each present feature.
#[derive(Debug, Clone)]
pub struct BernoulliNb {
    model: LinearModel,
}

impl Baseline for BernoulliNb {
    fn name(&self) -> &'static str {
        "bernoulli-nb"
    }

    fn fit(rows: &SparseRows, labels: &[u32], n_classes: usize) -> Result<Self> {
        validate(rows, labels, n_classes)?;
        let (k, nf) = (n_classes, rows.n_features());
        let (docs, mut w) = counts(rows, labels, k);
        let n = labels.len() as f64;
        let mut bias: Vec<f64> = docs.iter().map(|&d| (d / n).ln()).collect();
        for f in 0..nf {
            for c in 0..k {
                let p = (w[f * k + c] + 1.0) / (docs[c] + 2.0);
                bias[c] += (1.0 - p).ln();
                w[f * k + c] = p.ln() - (1.0 - p).ln();
            }
        }
        Ok(Self {
            model: LinearModel {
                n_features: nf,
                n_classes: k,
                weights: w,
                bias,
            },
        })
    }

    fn predict(&self, rows: &SparseRows) -> Vec<u32> {
        self.model.predict(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_data::check;
    use super::*;

    #[test]
    fn multinomial_separates() {
        check::<MultinomialNb>();
    }

    #[test]
    fn bernoulli_separates() {
        check::<BernoulliNb>();
    }

    #[test]
    fn multinomial_matches_hand_computation() {
        // Class 0: docs {0}, {0,1}; class 1: doc {1}. F = 2.
        let rows = SparseRows::from_rows(2, &[vec![0], vec![0, 1], vec![1]]).expect("rows");
        let nb = MultinomialNb::fit(&rows, &[0, 0, 1], 2).expect("fit");
        // θ[0] = [(2+1)/(3+2), (1+1)/(3+2)], θ[1] = [1/3, 2/3]
        let s = nb.model.scores(&[0]);
        assert!((s[0] - ((2.0f64 / 3.0).ln() + (0.6f64).ln())).abs() < 1e-12);
        assert!((s[1] - ((1.0f64 / 3.0).ln() + (1.0f64 / 3.0).ln())).abs() < 1e-12);
    }
}
