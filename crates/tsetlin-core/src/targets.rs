//! What a training row is labelled with: one class (multiclass) or a set of labels
//! (multi-label, where a row may carry several labels or none).

use crate::error::{Result, TmError};

/// The label sets of a multi-label corpus in compressed sparse row form: the labels of row `r`
/// are `labels[indptr[r]..indptr[r + 1]]`, strictly increasing. A row may have no label.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LabelSets {
    n_labels: usize,
    indptr: Vec<usize>,
    labels: Vec<u32>,
}

impl LabelSets {
    /// Label sets from one list per row; each list is sorted and de-duplicated here, and a
    /// label `>= n_labels` is an error naming the row.
    pub fn from_rows<R: AsRef<[u32]>>(n_labels: usize, rows: &[R]) -> Result<Self> {
        let mut out = Self {
            n_labels,
            indptr: Vec::with_capacity(rows.len() + 1),
            labels: Vec::new(),
        };
        out.indptr.push(0);
        for (r, row) in rows.iter().enumerate() {
            let mut set = row.as_ref().to_vec();
            set.sort_unstable();
            set.dedup();
            if let Some(&label) = set.iter().find(|&&l| l as usize >= n_labels) {
                return Err(TmError::LabelOutOfRange {
                    row: r,
                    label,
                    n_classes: n_labels,
                });
            }
            out.labels.extend_from_slice(&set);
            out.indptr.push(out.labels.len());
        }
        Ok(out)
    }

    /// Number of labels a row may carry.
    pub fn n_labels(&self) -> usize {
        self.n_labels
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// The labels of row `r`, strictly increasing.
    pub fn row(&self, r: usize) -> &[u32] {
        &self.labels[self.indptr[r]..self.indptr[r + 1]]
    }

    /// Whether row `r` carries label `c`.
    pub fn contains(&self, r: usize, c: usize) -> bool {
        self.row(r).binary_search(&(c as u32)).is_ok()
    }

    /// Every row's set, in row order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u32]> + '_ {
        (0..self.n_rows()).map(|r| self.row(r))
    }

    /// Row `r` as a 0/1 indicator over the labels.
    pub fn indicator(&self, r: usize) -> Vec<bool> {
        let mut out = vec![false; self.n_labels];
        for &c in self.row(r) {
            out[c as usize] = true;
        }
        out
    }

    /// The rows selected by `order`, in that order (for shuffles and folds).
    pub fn select(&self, order: &[usize]) -> Self {
        let mut out = Self {
            n_labels: self.n_labels,
            indptr: vec![0],
            labels: Vec::new(),
        };
        for &r in order {
            out.labels.extend_from_slice(self.row(r));
            out.indptr.push(out.labels.len());
        }
        out
    }

    /// Number of rows carrying each label.
    pub fn label_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.n_labels];
        for &c in &self.labels {
            counts[c as usize] += 1;
        }
        counts
    }
}

/// The training targets of a set of rows: what the feedback policy
/// ([`crate::task`]) reads to decide which classes get which feedback.
#[derive(Debug, Clone, Copy)]
pub enum Targets<'a> {
    /// One class per row (multiclass: the row's class gets Type I/II feedback towards 1, one
    /// sampled other class towards 0).
    Classes(&'a [u32]),
    /// A label set per row (multi-label: every label gets feedback, towards 1 when the row
    /// carries it and towards 0 when it does not).
    LabelSets(&'a LabelSets),
}

impl Targets<'_> {
    /// Number of rows labelled.
    pub fn len(&self) -> usize {
        match self {
            Targets::Classes(y) => y.len(),
            Targets::LabelSets(s) => s.n_rows(),
        }
    }

    /// Whether no row is labelled.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The labels of row `r` (one for a class, any number for a label set).
    pub fn row(&self, r: usize) -> &[u32] {
        match self {
            Targets::Classes(y) => std::slice::from_ref(&y[r]),
            Targets::LabelSets(s) => s.row(r),
        }
    }
}

impl<'a> From<&'a [u32]> for Targets<'a> {
    fn from(y: &'a [u32]) -> Self {
        Targets::Classes(y)
    }
}

impl<'a> From<&'a Vec<u32>> for Targets<'a> {
    fn from(y: &'a Vec<u32>) -> Self {
        Targets::Classes(y)
    }
}

impl<'a, const N: usize> From<&'a [u32; N]> for Targets<'a> {
    fn from(y: &'a [u32; N]) -> Self {
        Targets::Classes(y)
    }
}

impl<'a> From<&'a LabelSets> for Targets<'a> {
    fn from(s: &'a LabelSets) -> Self {
        Targets::LabelSets(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sorted_deduplicated_and_checked() {
        let s = LabelSets::from_rows(4, &[vec![3, 1, 3], vec![], vec![0]]).expect("sets");
        assert_eq!(s.n_rows(), 3);
        assert_eq!(s.row(0), &[1, 3]);
        assert!(s.row(1).is_empty());
        assert!(s.contains(0, 3) && !s.contains(0, 2));
        assert_eq!(s.indicator(0), vec![false, true, false, true]);
        assert_eq!(s.label_counts(), vec![1, 1, 0, 1]);
        assert_eq!(s.select(&[2, 0]).row(1), &[1, 3]);
        let err = LabelSets::from_rows(2, &[vec![0], vec![1, 2]]).expect_err("range");
        assert!(err.to_string().contains("row 1"), "{err}");
    }

    #[test]
    fn targets_read_both_forms() {
        let y = vec![2u32, 0];
        let t: Targets = (&y).into();
        assert_eq!((t.len(), t.row(0)), (2, &[2u32][..]));
        let s = LabelSets::from_rows(3, &[vec![0, 2], vec![]]).expect("sets");
        let t: Targets = (&s).into();
        assert_eq!((t.len(), t.row(0), t.row(1)), (2, &[0u32, 2][..], &[][..]));
    }
}
