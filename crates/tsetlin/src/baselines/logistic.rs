//! Multinomial logistic regression, as scikit-learn's `LogisticRegression()` defaults:
//! softmax over classes, L2 penalty `‖W‖² / (2C)` with `C = 1` on the weights (not the
//! intercepts), minimized by full-batch L-BFGS. Deterministic: the gradient is summed over
//! fixed row chunks in a fixed order, so thread scheduling cannot change the result.

use rayon::prelude::*;
use tsetlin_core::SparseRows;

use super::{validate, Baseline, LinearModel};
use crate::error::Result;

/// Rows per gradient chunk (fixed, for determinism).
const CHUNK: usize = 512;
/// Number of correction pairs kept by L-BFGS.
const MEMORY: usize = 10;

/// Softmax logistic regression with L2 regularization.
#[derive(Debug, Clone)]
pub struct LogisticRegression {
    model: LinearModel,
}

/// Objective and gradient at `theta = [W (feature-major), b]`.
fn loss_grad(
    rows: &SparseRows,
    labels: &[u32],
    k: usize,
    c: f64,
    theta: &[f64],
) -> (f64, Vec<f64>) {
    let nw = rows.n_features() * k;
    let (w, b) = theta.split_at(nw);
    let n = rows.n_rows();
    let order: Vec<usize> = (0..n).collect();
    let partials: Vec<(f64, Vec<f64>)> = order
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut g = vec![0.0; theta.len()];
            let mut loss = 0.0;
            let mut s = vec![0.0; k];
            for &i in chunk {
                let row = rows.row(i);
                s.copy_from_slice(b);
                for &f in row {
                    for (sc, wv) in s.iter_mut().zip(&w[f as usize * k..(f as usize + 1) * k]) {
                        *sc += wv;
                    }
                }
                let max = s.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let mut z = 0.0;
                for v in s.iter_mut() {
                    *v = (*v - max).exp();
                    z += *v;
                }
                let y = labels[i] as usize;
                loss -= (s[y] / z).ln();
                for (cls, v) in s.iter_mut().enumerate() {
                    // d loss / d score = p - 1[y]
                    *v = *v / z - if cls == y { 1.0 } else { 0.0 };
                }
                for &f in row {
                    for (gv, d) in g[f as usize * k..(f as usize + 1) * k].iter_mut().zip(&s) {
                        *gv += d;
                    }
                }
                for (gv, d) in g[nw..].iter_mut().zip(&s) {
                    *gv += d;
                }
            }
            (loss, g)
        })
        .collect();
    let mut loss = 0.0;
    let mut grad = vec![0.0; theta.len()];
    for (l, g) in partials {
        loss += l;
        for (a, b) in grad.iter_mut().zip(g) {
            *a += b;
        }
    }
    for (gv, wv) in grad[..nw].iter_mut().zip(w) {
        *gv += wv / c;
        loss += wv * wv / (2.0 * c);
    }
    (loss, grad)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

impl LogisticRegression {
    /// Trains with inverse regularization strength `c` (sklearn's `C`) for at most
    /// `max_iter` L-BFGS iterations.
    pub fn fit_with(
        rows: &SparseRows,
        labels: &[u32],
        n_classes: usize,
        c: f64,
        max_iter: usize,
    ) -> Result<Self> {
        validate(rows, labels, n_classes)?;
        let k = n_classes;
        let dim = rows.n_features() * k + k;
        let mut x = vec![0.0; dim];
        let (mut f, mut g) = loss_grad(rows, labels, k, c, &x);
        let mut hist: Vec<(Vec<f64>, Vec<f64>, f64)> = Vec::new();
        let tol = 1e-4 * rows.n_rows() as f64;
        for _ in 0..max_iter {
            if g.iter().fold(0.0f64, |m, v| m.max(v.abs())) < tol {
                break;
            }
            // Two-loop recursion: d = -H g.
            let mut q = g.clone();
            let mut alphas = Vec::with_capacity(hist.len());
            for (s, y, rho) in hist.iter().rev() {
                let a = rho * dot(s, &q);
                for (qv, yv) in q.iter_mut().zip(y) {
                    *qv -= a * yv;
                }
                alphas.push(a);
            }
            let gamma = match hist.last() {
                Some((s, y, _)) => dot(s, y) / dot(y, y),
                None => 1.0 / dot(&g, &g).sqrt().max(1e-12),
            };
            for v in q.iter_mut() {
                *v *= gamma;
            }
            for ((s, y, rho), a) in hist.iter().zip(alphas.iter().rev()) {
                let bta = rho * dot(y, &q);
                for (qv, sv) in q.iter_mut().zip(s) {
                    *qv += (a - bta) * sv;
                }
            }
            let d: Vec<f64> = q.iter().map(|v| -v).collect();
            let slope = dot(&g, &d);
            if slope >= 0.0 {
                hist.clear();
                continue;
            }
            // Backtracking (Armijo) line search.
            let mut step = 1.0;
            let mut accepted = None;
            for _ in 0..30 {
                let xn: Vec<f64> = x.iter().zip(&d).map(|(a, b)| a + step * b).collect();
                let (fnew, gnew) = loss_grad(rows, labels, k, c, &xn);
                if fnew <= f + 1e-4 * step * slope {
                    accepted = Some((xn, fnew, gnew));
                    break;
                }
                step *= 0.5;
            }
            let Some((xn, fnew, gnew)) = accepted else {
                break;
            };
            let s: Vec<f64> = xn.iter().zip(&x).map(|(a, b)| a - b).collect();
            let y: Vec<f64> = gnew.iter().zip(&g).map(|(a, b)| a - b).collect();
            let sy = dot(&s, &y);
            if sy > 1e-12 {
                if hist.len() == MEMORY {
                    hist.remove(0);
                }
                hist.push((s, y, 1.0 / sy));
            }
            let improvement = (f - fnew) / f.abs().max(1.0);
            x = xn;
            f = fnew;
            g = gnew;
            if improvement < 1e-10 {
                break;
            }
        }
        let bias = x.split_off(rows.n_features() * k);
        Ok(Self {
            model: LinearModel {
                n_features: rows.n_features(),
                n_classes: k,
                weights: x,
                bias,
            },
        })
    }
}

impl Baseline for LogisticRegression {
    fn name(&self) -> &'static str {
        "logistic-regression"
    }

    /// `C = 1`, at most 200 iterations.
    fn fit(rows: &SparseRows, labels: &[u32], n_classes: usize) -> Result<Self> {
        Self::fit_with(rows, labels, n_classes, 1.0, 200)
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
        check::<LogisticRegression>();
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let rows = SparseRows::from_rows(3, &[vec![0, 2], vec![1], vec![0, 1]]).expect("rows");
        let labels = [0, 1, 2];
        let theta: Vec<f64> = (0..12).map(|i| (i as f64 * 0.37).sin()).collect();
        let (_, g) = loss_grad(&rows, &labels, 3, 0.5, &theta);
        for j in 0..theta.len() {
            let mut p = theta.clone();
            p[j] += 1e-6;
            let mut m = theta.clone();
            m[j] -= 1e-6;
            let num = (loss_grad(&rows, &labels, 3, 0.5, &p).0
                - loss_grad(&rows, &labels, 3, 0.5, &m).0)
                / 2e-6;
            assert!(
                (num - g[j]).abs() < 1e-5,
                "coordinate {j}: {num} vs {}",
                g[j]
            );
        }
    }
}
