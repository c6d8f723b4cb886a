//! Multi-label metrics: micro and macro precision / recall / F1, example-based F1, subset
//! accuracy, Hamming loss and per-label figures, with scikit-learn's conventions (a ratio with
//! a zero denominator is 0), except example-based F1 of a document with no true and no
//! predicted label, which is 1 (the answer is exactly right).

use serde::Serialize;

use crate::metrics::ClassMetrics;

/// Evaluation of predicted label sets against true ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MultiLabelMetrics {
    /// Documents evaluated.
    pub documents: usize,
    /// Precision over all (document, label) decisions pooled.
    pub micro_precision: f64,
    /// Recall over all decisions pooled.
    pub micro_recall: f64,
    /// F1 of the pooled precision and recall.
    pub micro_f1: f64,
    /// Unweighted mean of the per-label precisions.
    pub macro_precision: f64,
    /// Unweighted mean of the per-label recalls.
    pub macro_recall: f64,
    /// Unweighted mean of the per-label F1 scores.
    pub macro_f1: f64,
    /// Mean over documents of `2 |true ∩ predicted| / (|true| + |predicted|)`.
    pub example_f1: f64,
    /// Fraction of documents whose predicted set is exactly the true set.
    pub subset_accuracy: f64,
    /// Fraction of (document, label) decisions that are wrong.
    pub hamming_loss: f64,
    /// Mean number of true labels per document.
    pub true_cardinality: f64,
    /// Mean number of predicted labels per document.
    pub predicted_cardinality: f64,
    /// Per-label figures, indexed by label id (support: documents carrying the label).
    pub per_label: Vec<ClassMetrics>,
}

/// `a / b`, or 0 when `b` is 0.
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The harmonic mean of `p` and `r` (0 when both are 0).
fn f1(p: f64, r: f64) -> f64 {
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

impl MultiLabelMetrics {
    /// Computes every metric from the true and predicted sets (label ids, each set sorted
    /// and distinct, ids `< label_names.len()`). Panics only if the two lists differ in
    /// length (a programming error, not a data error).
    pub fn compute<T: AsRef<[u32]>, P: AsRef<[u32]>>(
        truth: &[T],
        predicted: &[P],
        label_names: &[String],
    ) -> Self {
        assert_eq!(
            truth.len(),
            predicted.len(),
            "truth and predictions differ in length"
        );
        let k = label_names.len();
        let n = truth.len();
        let (mut tp, mut n_true, mut n_pred) = (vec![0usize; k], vec![0usize; k], vec![0usize; k]);
        let (mut exact, mut example_f1, mut wrong) = (0usize, 0.0f64, 0usize);
        let (mut true_total, mut pred_total) = (0usize, 0usize);
        for (t, p) in truth.iter().zip(predicted) {
            let (t, p) = (t.as_ref(), p.as_ref());
            let both = t.iter().filter(|l| p.binary_search(l).is_ok()).count();
            for &l in t {
                n_true[l as usize] += 1;
            }
            for &l in p {
                n_pred[l as usize] += 1;
                if t.binary_search(&l).is_ok() {
                    tp[l as usize] += 1;
                }
            }
            exact += usize::from(t == p);
            example_f1 += if t.is_empty() && p.is_empty() {
                1.0
            } else {
                2.0 * both as f64 / (t.len() + p.len()) as f64
            };
            wrong += t.len() + p.len() - 2 * both;
            true_total += t.len();
            pred_total += p.len();
        }
        let per_label: Vec<ClassMetrics> = (0..k)
            .map(|c| {
                let precision = ratio(tp[c], n_pred[c]);
                let recall = ratio(tp[c], n_true[c]);
                ClassMetrics {
                    name: label_names[c].clone(),
                    precision,
                    recall,
                    f1: f1(precision, recall),
                    support: n_true[c],
                }
            })
            .collect();
        let mean = |f: fn(&ClassMetrics) -> f64| {
            if k == 0 {
                0.0
            } else {
                per_label.iter().map(f).sum::<f64>() / k as f64
            }
        };
        let all_tp: usize = tp.iter().sum();
        let micro_precision = ratio(all_tp, pred_total);
        let micro_recall = ratio(all_tp, true_total);
        Self {
            documents: n,
            micro_precision,
            micro_recall,
            micro_f1: f1(micro_precision, micro_recall),
            macro_precision: mean(|m| m.precision),
            macro_recall: mean(|m| m.recall),
            macro_f1: mean(|m| m.f1),
            example_f1: if n == 0 { 0.0 } else { example_f1 / n as f64 },
            subset_accuracy: ratio(exact, n),
            hamming_loss: ratio(wrong, n * k),
            true_cardinality: ratio(true_total, n),
            predicted_cardinality: ratio(pred_total, n),
            per_label,
        }
    }

    /// A plain-text table: per-label figures, then the averages.
    pub fn to_table(&self) -> String {
        let width = self
            .per_label
            .iter()
            .map(|m| m.name.chars().count())
            .max()
            .unwrap_or(0)
            .max(9);
        let mut s = format!("{:<width$}  precision  recall  f1      support\n", "label");
        for m in &self.per_label {
            s.push_str(&format!(
                "{:<width$}  {:>9.4}  {:>6.4}  {:.4}  {:>7}\n",
                m.name, m.precision, m.recall, m.f1, m.support
            ));
        }
        s.push_str(&format!(
            "{:<width$}  {:>9.4}  {:>6.4}  {:.4}\n{:<width$}  {:>9.4}  {:>6.4}  {:.4}\n",
            "micro avg",
            self.micro_precision,
            self.micro_recall,
            self.micro_f1,
            "macro avg",
            self.macro_precision,
            self.macro_recall,
            self.macro_f1,
        ));
        s.push_str(&format!(
            "example-based F1 {:.4}, subset accuracy {:.4}, Hamming loss {:.4}, labels per document {:.2} true / {:.2} predicted ({} documents)\n",
            self.example_f1,
            self.subset_accuracy,
            self.hamming_loss,
            self.true_cardinality,
            self.predicted_cardinality,
            self.documents
        ));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(k: usize) -> Vec<String> {
        (0..k).map(|c| format!("L{c}")).collect()
    }

    /// Worked by hand: 3 documents, 3 labels.
    /// truth {0,1} {2} {}; predicted {0} {1,2} {}.
    #[test]
    fn matches_a_hand_computation() {
        let truth: Vec<Vec<u32>> = vec![vec![0, 1], vec![2], vec![]];
        let pred: Vec<Vec<u32>> = vec![vec![0], vec![1, 2], vec![]];
        let m = MultiLabelMetrics::compute(&truth, &pred, &names(3));
        // tp = 2 (0 in doc 0, 2 in doc 1); predicted 3; true 3.
        assert!((m.micro_precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.micro_recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.micro_f1 - 2.0 / 3.0).abs() < 1e-12);
        // Label 0: P 1, R 1; label 1: P 0, R 0; label 2: P 1, R 1.
        assert!((m.macro_f1 - 2.0 / 3.0).abs() < 1e-12);
        // Example F1: 2*1/3, 2*1/3, 1 (both empty).
        assert!((m.example_f1 - (2.0 / 3.0 + 2.0 / 3.0 + 1.0) / 3.0).abs() < 1e-12);
        assert!((m.subset_accuracy - 1.0 / 3.0).abs() < 1e-12);
        // Wrong decisions: doc 0 misses 1, doc 1 adds 1: 2 of 9.
        assert!((m.hamming_loss - 2.0 / 9.0).abs() < 1e-12);
        assert_eq!(m.per_label[1].support, 1);
        assert!(m.to_table().contains("micro avg"));
    }

    #[test]
    fn perfect_and_empty_predictions() {
        let truth: Vec<Vec<u32>> = vec![vec![0], vec![1]];
        let perfect = MultiLabelMetrics::compute(&truth, &truth, &names(2));
        assert_eq!(
            (
                perfect.micro_f1,
                perfect.subset_accuracy,
                perfect.hamming_loss
            ),
            (1.0, 1.0, 0.0)
        );
        let none: Vec<Vec<u32>> = vec![vec![], vec![]];
        let m = MultiLabelMetrics::compute(&truth, &none, &names(2));
        assert_eq!(
            (m.micro_precision, m.micro_f1, m.example_f1),
            (0.0, 0.0, 0.0)
        );
        assert_eq!(m.hamming_loss, 0.5);
    }
}
