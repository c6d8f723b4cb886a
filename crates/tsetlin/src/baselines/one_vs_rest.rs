//! One-vs-rest: the standard reduction of multi-label classification to one binary
//! classifier per label (carries it or not), with any [`Baseline`].

use tsetlin_core::{LabelSets, SparseRows};

use super::Baseline;
use crate::error::Result;

/// What decides one label.
#[derive(Debug, Clone)]
enum PerLabel<B> {
    /// A binary model: class 1 means the row carries the label.
    Model(B),
    /// Every training row carried the label (`true`) or none did (`false`): a binary model
    /// cannot be fitted on one class, so the label is always or never predicted.
    Constant(bool),
}

/// One `B` per label, each trained on every row (class 1: the row carries the label).
#[derive(Debug, Clone)]
pub struct OneVsRest<B> {
    labels: Vec<PerLabel<B>>,
}

impl<B: Baseline> OneVsRest<B> {
    /// Trains one binary model per label of `sets` on `rows`.
    pub fn fit(rows: &SparseRows, sets: &LabelSets) -> Result<Self> {
        crate::error::one_label_set_each("rows", rows.n_rows(), sets.n_rows())?;
        let labels = (0..sets.n_labels())
            .map(|c| {
                let y: Vec<u32> = (0..sets.n_rows())
                    .map(|r| u32::from(sets.contains(r, c)))
                    .collect();
                let carried = y.iter().filter(|&&v| v == 1).count();
                if carried == 0 || carried == y.len() {
                    Ok(PerLabel::Constant(carried > 0))
                } else {
                    Ok(PerLabel::Model(B::fit(rows, &y, 2)?))
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { labels })
    }

    /// The predicted label set of each row, label ids ascending.
    pub fn predict(&self, rows: &SparseRows) -> Vec<Vec<u32>> {
        let mut out = vec![Vec::new(); rows.n_rows()];
        for (c, label) in self.labels.iter().enumerate() {
            let carried: Vec<bool> = match label {
                PerLabel::Model(m) => m.predict(rows).into_iter().map(|p| p == 1).collect(),
                PerLabel::Constant(v) => vec![*v; rows.n_rows()],
            };
            for (set, yes) in out.iter_mut().zip(carried) {
                if yes {
                    set.push(c as u32);
                }
            }
        }
        out
    }

    /// The report name: `one-vs-rest <base>`.
    pub fn name(&self) -> String {
        let base = self.labels.iter().find_map(|l| match l {
            PerLabel::Model(m) => Some(m.name()),
            PerLabel::Constant(_) => None,
        });
        format!("one-vs-rest {}", base.unwrap_or("constant"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baselines::LogisticRegression;

    #[test]
    fn each_label_is_learned_on_its_own_and_constant_labels_stay_constant() {
        // Label 0 iff feature 0, label 1 iff feature 1, label 2 on every row, label 3 never.
        let rows: Vec<Vec<u32>> = (0..200u32)
            .map(|i| {
                [
                    (i % 2 == 0).then_some(0),
                    (i % 3 == 0).then_some(1),
                    Some(2 + i % 5),
                ]
                .into_iter()
                .flatten()
                .collect()
            })
            .collect();
        let sets: Vec<Vec<u32>> = rows
            .iter()
            .map(|r| {
                let mut s: Vec<u32> = r.iter().copied().filter(|&f| f < 2).collect();
                s.push(2);
                s
            })
            .collect();
        let x = SparseRows::from_rows(8, &rows).expect("rows");
        let sets = LabelSets::from_rows(4, &sets).expect("sets");
        let ovr = OneVsRest::<LogisticRegression>::fit(&x, &sets).expect("fit");
        let predicted = ovr.predict(&x);
        for (r, p) in predicted.iter().enumerate() {
            assert_eq!(p.as_slice(), sets.row(r), "row {r}");
        }
        assert_eq!(ovr.name(), "one-vs-rest logistic-regression");
        let wrong = LabelSets::from_rows(4, &vec![Vec::<u32>::new(); 3]).expect("sets");
        assert!(OneVsRest::<LogisticRegression>::fit(&x, &wrong).is_err());
    }
}
