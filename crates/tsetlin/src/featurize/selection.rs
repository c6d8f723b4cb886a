//! Feature scoring for selection: chi-squared, mutual information, document frequency.

use serde::{Deserialize, Serialize};

/// How to rank the vocabulary when only the top `max_features` terms are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Selection {
    /// scikit-learn's `chi2` as used by `SelectKBest(chi2)` (the paper's method): for binary
    /// presence, observed `O[c] =` number of class-`c` documents containing the term, expected
    /// `E[c] = df · n_c / n`, score `= Σ_c (O[c] − E[c])² / E[c]`. Only the "present" cells of
    /// the contingency table enter (that is what sklearn computes), summed over all classes.
    #[default]
    ChiSquared,
    /// Mutual information (natural log) between the term's binary presence and the class:
    /// `Σ_{x∈{0,1}} Σ_c p(x,c) ln(p(x,c) / (p(x) p(c)))` with empirical probabilities.
    MutualInformation,
    /// The document frequency itself (most frequent terms first).
    DocFrequency,
}

/// Scores one term from its per-class document counts `present[c]`, the class sizes
/// `class_sizes[c]` and the number of documents `n`.
pub fn score(selection: Selection, present: &[u32], class_sizes: &[u32], n: u32) -> f64 {
    let df: u32 = present.iter().sum();
    let n = f64::from(n);
    let dff = f64::from(df);
    match selection {
        Selection::DocFrequency => dff,
        Selection::ChiSquared => present
            .iter()
            .zip(class_sizes)
            .map(|(&o, &nc)| {
                let e = dff * f64::from(nc) / n;
                // A class without documents has E = O = 0: it contributes nothing (sklearn
                // would produce NaN there).
                if e > 0.0 {
                    (f64::from(o) - e).powi(2) / e
                } else {
                    0.0
                }
            })
            .sum(),
        Selection::MutualInformation => {
            let mut mi = 0.0;
            for (&o, &nc) in present.iter().zip(class_sizes) {
                let pc = f64::from(nc) / n;
                for (joint, px) in [(f64::from(o), dff / n), (f64::from(nc - o), 1.0 - dff / n)] {
                    let pxc = joint / n;
                    if pxc > 0.0 {
                        mi += pxc * (pxc / (px * pc)).ln();
                    }
                }
            }
            mi
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi2_matches_hand_computation() {
        // 4 docs, 2 classes of 2; the term occurs in both docs of class 0 only.
        // E = [1, 1], O = [2, 0]: (1)^2/1 + (1)^2/1 = 2.
        assert!((score(Selection::ChiSquared, &[2, 0], &[2, 2], 4) - 2.0).abs() < 1e-12);
        // Independent term scores 0.
        assert!(score(Selection::ChiSquared, &[1, 1], &[2, 2], 4).abs() < 1e-12);
    }

    #[test]
    fn mutual_information_of_perfect_predictor_is_class_entropy() {
        let mi = score(Selection::MutualInformation, &[2, 0], &[2, 2], 4);
        assert!((mi - std::f64::consts::LN_2).abs() < 1e-12);
        assert!(score(Selection::MutualInformation, &[1, 1], &[2, 2], 4).abs() < 1e-12);
    }
}
