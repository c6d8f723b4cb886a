//! Classification metrics: accuracy, per-class and macro precision/recall/F1, confusion matrix.

use std::fmt;

use serde::Serialize;

/// Precision, recall, F1 and support of one class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassMetrics {
    /// The class name.
    pub name: String,
    /// Correct predictions of this class / all predictions of it (0 when never predicted,
    /// as scikit-learn's `zero_division=0`).
    pub precision: f64,
    /// Correct predictions of this class / its true occurrences (0 when it never occurs).
    pub recall: f64,
    /// Harmonic mean of precision and recall (0 when both are 0).
    pub f1: f64,
    /// Number of true occurrences.
    pub support: usize,
}

/// Evaluation of predictions against true labels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Fraction of correct predictions.
    pub accuracy: f64,
    /// Per-class figures, indexed by class id.
    pub per_class: Vec<ClassMetrics>,
    /// Unweighted mean of the per-class precisions.
    pub macro_precision: f64,
    /// Unweighted mean of the per-class recalls.
    pub macro_recall: f64,
    /// Unweighted mean of the per-class F1 scores.
    pub macro_f1: f64,
    /// `confusion[t][p]`: number of documents of true class `t` predicted as `p`.
    pub confusion: Vec<Vec<usize>>,
}

/// `a / b`, or 0 when `b` is 0.
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

impl Metrics {
    /// Computes all metrics. Class ids index `class_names`; ids beyond it get the name of
    /// their number. Panics only if the two label slices differ in length (a programming
    /// error, not a data error).
    pub fn compute(y_true: &[u32], y_pred: &[u32], class_names: &[String]) -> Metrics {
        assert_eq!(
            y_true.len(),
            y_pred.len(),
            "y_true and y_pred differ in length"
        );
        let max_id = y_true
            .iter()
            .chain(y_pred)
            .map(|&c| c as usize + 1)
            .max()
            .unwrap_or(0);
        let k = class_names.len().max(max_id);
        let mut confusion = vec![vec![0usize; k]; k];
        for (&t, &p) in y_true.iter().zip(y_pred) {
            confusion[t as usize][p as usize] += 1;
        }
        let correct: usize = (0..k).map(|c| confusion[c][c]).sum();
        let per_class: Vec<ClassMetrics> = (0..k)
            .map(|c| {
                let tp = confusion[c][c];
                let support: usize = confusion[c].iter().sum();
                let predicted: usize = confusion.iter().map(|row| row[c]).sum();
                let precision = ratio(tp, predicted);
                let recall = ratio(tp, support);
                let f1 = if precision + recall > 0.0 {
                    2.0 * precision * recall / (precision + recall)
                } else {
                    0.0
                };
                ClassMetrics {
                    name: class_names.get(c).cloned().unwrap_or_else(|| c.to_string()),
                    precision,
                    recall,
                    f1,
                    support,
                }
            })
            .collect();
        let mean = |f: fn(&ClassMetrics) -> f64| {
            if k == 0 {
                0.0
            } else {
                per_class.iter().map(f).sum::<f64>() / k as f64
            }
        };
        Metrics {
            accuracy: ratio(correct, y_true.len()),
            macro_precision: mean(|m| m.precision),
            macro_recall: mean(|m| m.recall),
            macro_f1: mean(|m| m.f1),
            per_class,
            confusion,
        }
    }

    /// A plain-text table: per-class figures, macro averages, accuracy, then the confusion
    /// matrix (rows = true class, columns = predicted, numbered as in the first table).
    pub fn to_table(&self) -> String {
        let width = self
            .per_class
            .iter()
            .map(|m| m.name.chars().count())
            .max()
            .unwrap_or(0)
            .max(9);
        let mut s = String::new();
        let line = |s: &mut String, name: &str, p: f64, r: f64, f: f64, n: usize| {
            s.push_str(&format!(
                "{name:<width$}  {p:>9.4}  {r:>9.4}  {f:>9.4}  {n:>8}\n"
            ));
        };
        s.push_str(&format!(
            "{:<width$}  {:>9}  {:>9}  {:>9}  {:>8}\n",
            "class", "precision", "recall", "f1", "support"
        ));
        for m in &self.per_class {
            line(&mut s, &m.name, m.precision, m.recall, m.f1, m.support);
        }
        let total: usize = self.per_class.iter().map(|m| m.support).sum();
        line(
            &mut s,
            "macro avg",
            self.macro_precision,
            self.macro_recall,
            self.macro_f1,
            total,
        );
        s.push_str(&format!(
            "{:<width$}  {:>9.4}\n\n",
            "accuracy", self.accuracy
        ));
        s.push_str("confusion (rows = true, columns = predicted)\n");
        let cell = self
            .confusion
            .iter()
            .flatten()
            .map(|v| v.to_string().len())
            .max()
            .unwrap_or(1)
            .max(self.confusion.len().to_string().len());
        s.push_str(&format!("{:>width$}", ""));
        for p in 0..self.confusion.len() {
            s.push_str(&format!("  {p:>cell$}"));
        }
        s.push('\n');
        for (t, row) in self.confusion.iter().enumerate() {
            let label = format!("{t} {}", self.per_class[t].name);
            let label: String = label.chars().take(width).collect();
            s.push_str(&format!("{label:<width$}"));
            for v in row {
                s.push_str(&format!("  {v:>cell$}"));
            }
            s.push('\n');
        }
        s
    }
}

impl fmt::Display for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_table())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        vec!["neg".to_string(), "pos".to_string(), "neutral".to_string()]
    }

    #[test]
    fn figures_match_hand_computation() {
        let m = Metrics::compute(&[0, 0, 1, 1, 2], &[0, 1, 1, 1, 0], &names());
        assert!((m.accuracy - 0.6).abs() < 1e-12);
        assert_eq!(
            m.confusion,
            vec![vec![1, 1, 0], vec![0, 2, 0], vec![1, 0, 0]]
        );
        assert!((m.per_class[1].precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.per_class[1].recall - 1.0).abs() < 1e-12);
        assert!((m.per_class[1].f1 - 0.8).abs() < 1e-12);
        assert_eq!(m.per_class[2].f1, 0.0);
        assert!((m.macro_f1 - (0.5 + 0.8 + 0.0) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn table_snapshot() {
        let m = Metrics::compute(&[0, 0, 1, 1, 2], &[0, 1, 1, 1, 0], &names());
        insta::assert_snapshot!(m.to_table());
    }
}
