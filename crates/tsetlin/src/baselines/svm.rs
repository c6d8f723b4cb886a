//! Linear SVM, as liblinear's default solver behind scikit-learn's `LinearSVC()`: one-vs-rest,
//! L2-regularized squared hinge loss, `C = 1`, bias as an extra constant feature (regularized,
//! like liblinear's `-B 1`), trained by dual coordinate descent (Hsieh et al., ICML 2008)
//! without shrinking, stopping when the projected-gradient spread is below `0.1`. Rows are
//! visited in a seeded random order each epoch, so training is deterministic.

use rayon::prelude::*;
use tsetlin_core::SparseRows;

use super::{validate, Baseline, LinearModel};
use crate::error::Result;
use crate::rng::SplitMix64;

/// Tolerance on the projected gradient (liblinear's default `eps`).
const EPS: f64 = 0.1;

/// One-vs-rest linear SVM with squared hinge loss.
#[derive(Debug, Clone)]
pub struct LinearSvm {
    model: LinearModel,
}

/// Trains one binary problem (`positive` vs the rest); returns `(w, b)`.
fn binary(
    rows: &SparseRows,
    labels: &[u32],
    positive: u32,
    c: f64,
    max_iter: usize,
) -> (Vec<f64>, f64) {
    let n = rows.n_rows();
    let diag = 1.0 / (2.0 * c);
    let y: Vec<f64> = labels
        .iter()
        .map(|&l| if l == positive { 1.0 } else { -1.0 })
        .collect();
    // ‖x_i‖² = number of present features (+1 for the bias feature).
    let qii: Vec<f64> = (0..n)
        .map(|i| rows.row(i).len() as f64 + 1.0 + diag)
        .collect();
    let mut alpha = vec![0.0; n];
    let mut w = vec![0.0; rows.n_features()];
    let mut b = 0.0;
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = SplitMix64::new(0x5EED ^ u64::from(positive));
    for _ in 0..max_iter {
        rng.shuffle(&mut order);
        let (mut pg_max, mut pg_min) = (f64::NEG_INFINITY, f64::INFINITY);
        for &i in &order {
            let row = rows.row(i);
            let wx: f64 = row.iter().map(|&f| w[f as usize]).sum::<f64>() + b;
            let g = y[i] * wx - 1.0 + diag * alpha[i];
            let pg = if alpha[i] == 0.0 { g.min(0.0) } else { g };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (old - g / qii[i]).max(0.0);
                let d = (alpha[i] - old) * y[i];
                for &f in row {
                    w[f as usize] += d;
                }
                b += d;
            }
        }
        if pg_max - pg_min < EPS {
            break;
        }
    }
    (w, b)
}

impl LinearSvm {
    /// Trains with cost `c` (sklearn's `C`) for at most `max_iter` epochs per class.
    pub fn fit_with(
        rows: &SparseRows,
        labels: &[u32],
        n_classes: usize,
        c: f64,
        max_iter: usize,
    ) -> Result<Self> {
        validate(rows, labels, n_classes)?;
        let k = n_classes;
        let per_class: Vec<(Vec<f64>, f64)> = (0..k as u32)
            .into_par_iter()
            .map(|cls| binary(rows, labels, cls, c, max_iter))
            .collect();
        let nf = rows.n_features();
        let mut weights = vec![0.0; nf * k];
        let mut bias = vec![0.0; k];
        for (cls, (w, b)) in per_class.into_iter().enumerate() {
            for (f, v) in w.into_iter().enumerate() {
                weights[f * k + cls] = v;
            }
            bias[cls] = b;
        }
        Ok(Self {
            model: LinearModel {
                n_features: nf,
                n_classes: k,
                weights,
                bias,
            },
        })
    }
}

impl Baseline for LinearSvm {
    fn name(&self) -> &'static str {
        "linear-svm"
    }

    /// `C = 1`, at most 1000 epochs per class (liblinear's defaults).
    fn fit(rows: &SparseRows, labels: &[u32], n_classes: usize) -> Result<Self> {
        Self::fit_with(rows, labels, n_classes, 1.0, 1000)
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
    fn separates() {
        check::<LinearSvm>();
    }
}
