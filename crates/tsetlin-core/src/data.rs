//! Input rows: sparse (CSR of present feature ids) and dense bit-packed.
//!
//! Text is sparse: a document sets 1-3 % of its features. [`SparseRows`] stores only the present
//! feature ids, sorted and without duplicates, which is what the engine's kernels consume.
//! [`DenseRows`] is the bit-packed form for data that is not sparse; it converts to the sparse
//! form losslessly, and the two give identical results.

use crate::error::{Result, TmError};

/// Binary rows in compressed sparse row form: for row `r`, the present features are
/// `indices[indptr[r]..indptr[r + 1]]`, strictly increasing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SparseRows {
    n_features: usize,
    indptr: Vec<usize>,
    indices: Vec<u32>,
}

impl SparseRows {
    /// An empty set of rows over `n_features` features.
    pub fn new(n_features: usize) -> Self {
        Self {
            n_features,
            indptr: vec![0],
            indices: Vec::new(),
        }
    }

    /// Builds rows from lists of present feature ids. Each list is sorted and de-duplicated
    /// here; an id `>= n_features` is an error naming the row.
    pub fn from_rows<R: AsRef<[u32]>>(n_features: usize, rows: &[R]) -> Result<Self> {
        let mut out = Self::new(n_features);
        for row in rows {
            out.push_row(row.as_ref())?;
        }
        Ok(out)
    }

    /// Builds rows from raw CSR arrays (as scipy.sparse stores them). Indices within a row may
    /// come in any order and may repeat; they are sorted and de-duplicated.
    pub fn from_csr(n_features: usize, indptr: &[usize], indices: &[u32]) -> Result<Self> {
        if indptr.is_empty() || indptr[0] != 0 {
            return Err(TmError::InvalidData(
                "CSR indptr must start with 0".to_string(),
            ));
        }
        let mut out = Self::new(n_features);
        for (r, w) in indptr.windows(2).enumerate() {
            if w[1] < w[0] || w[1] > indices.len() {
                return Err(TmError::InvalidData(format!(
                    "CSR indptr is not monotone or overruns indices at row {r}"
                )));
            }
            out.push_row(&indices[w[0]..w[1]])?;
        }
        Ok(out)
    }

    /// Appends one row (any order, duplicates allowed).
    pub fn push_row(&mut self, row: &[u32]) -> Result<()> {
        let r = self.n_rows();
        let start = self.indices.len();
        self.indices.extend_from_slice(row);
        let tail = &mut self.indices[start..];
        tail.sort_unstable();
        if let Some(&last) = tail.last() {
            if last as usize >= self.n_features {
                let feature = last;
                self.indices.truncate(start);
                return Err(TmError::FeatureOutOfRange {
                    row: r,
                    feature,
                    n_features: self.n_features,
                });
            }
        }
        let mut write = start;
        for read in start..self.indices.len() {
            if write == start || self.indices[write - 1] != self.indices[read] {
                self.indices[write] = self.indices[read];
                write += 1;
            }
        }
        self.indices.truncate(write);
        self.indptr.push(self.indices.len());
        Ok(())
    }

    /// Number of features (columns).
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.n_rows() == 0
    }

    /// The present features of row `r`, strictly increasing.
    pub fn row(&self, r: usize) -> &[u32] {
        &self.indices[self.indptr[r]..self.indptr[r + 1]]
    }

    /// Iterates over rows.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &[u32]> + '_ {
        self.indptr.windows(2).map(|w| &self.indices[w[0]..w[1]])
    }

    /// Total number of present features over all rows.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// The share of (row, feature) cells that are present, `0..=1` (0 for no cells).
    pub fn density(&self) -> f64 {
        let cells = self.n_rows() as f64 * self.n_features() as f64;
        if cells == 0.0 {
            0.0
        } else {
            self.nnz() as f64 / cells
        }
    }

    /// The CSR row pointer array (`n_rows + 1` entries).
    pub fn indptr(&self) -> &[usize] {
        &self.indptr
    }

    /// The CSR column index array.
    pub fn indices(&self) -> &[u32] {
        &self.indices
    }

    /// The rows selected by `order`, in that order (for shuffles and folds).
    pub fn select(&self, order: &[usize]) -> Self {
        let mut out = Self::new(self.n_features);
        for &r in order {
            out.indices.extend_from_slice(self.row(r));
            out.indptr.push(out.indices.len());
        }
        out
    }
}

/// Binary rows bit-packed densely: bit `k % 64` of word `k / 64` of a row is feature `k`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenseRows {
    n_features: usize,
    words_per_row: usize,
    bits: Vec<u64>,
}

impl DenseRows {
    /// Packs rows given as slices of 0/1 bytes, each of length `n_features`.
    pub fn from_bools<R: AsRef<[u8]>>(n_features: usize, rows: &[R]) -> Result<Self> {
        let words_per_row = n_features.div_ceil(64);
        let mut bits = vec![0u64; words_per_row * rows.len()];
        for (r, row) in rows.iter().enumerate() {
            let row = row.as_ref();
            if row.len() != n_features {
                return Err(TmError::InvalidData(format!(
                    "row {r} has {} values, expected {n_features}",
                    row.len()
                )));
            }
            for (k, &v) in row.iter().enumerate() {
                match v {
                    0 => {}
                    1 => bits[r * words_per_row + k / 64] |= 1 << (k % 64),
                    other => {
                        return Err(TmError::InvalidData(format!(
                            "row {r}, feature {k}: value {other} is not 0 or 1"
                        )))
                    }
                }
            }
        }
        Ok(Self {
            n_features,
            words_per_row,
            bits,
        })
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.bits.len().checked_div(self.words_per_row).unwrap_or(0)
    }

    /// The packed words of row `r`.
    pub fn row(&self, r: usize) -> &[u64] {
        &self.bits[r * self.words_per_row..(r + 1) * self.words_per_row]
    }

    /// Converts to the sparse form the engine trains on.
    pub fn to_sparse(&self) -> SparseRows {
        let mut out = SparseRows::new(self.n_features);
        for r in 0..self.n_rows() {
            for (w, &word) in self.row(r).iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    let b = word.trailing_zeros();
                    out.indices.push((w * 64) as u32 + b);
                    word &= word - 1;
                }
            }
            out.indptr.push(out.indices.len());
        }
        out
    }
}

impl From<&DenseRows> for SparseRows {
    fn from(d: &DenseRows) -> Self {
        d.to_sparse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_sorted_and_deduplicated() {
        let rows = SparseRows::from_rows(10, &[vec![3, 1, 3, 9], vec![]]).expect("valid");
        assert_eq!(rows.row(0), &[1, 3, 9]);
        assert_eq!(rows.row(1), &[] as &[u32]);
        assert_eq!(rows.n_rows(), 2);
    }

    #[test]
    fn out_of_range_feature_names_the_row() {
        let err = SparseRows::from_rows(4, &[vec![0], vec![4]]).expect_err("must fail");
        assert!(err.to_string().contains("row 1"), "{err}");
        assert!(err.to_string().contains("feature id 4"), "{err}");
    }

    #[test]
    fn dense_and_sparse_agree() {
        let dense = DenseRows::from_bools(
            70,
            &[{
                let mut v = vec![0u8; 70];
                v[0] = 1;
                v[65] = 1;
                v
            }],
        )
        .expect("valid");
        let sparse = dense.to_sparse();
        assert_eq!(sparse.row(0), &[0, 65]);
    }

    #[test]
    fn csr_round_trip() {
        let rows = SparseRows::from_csr(5, &[0, 2, 2, 3], &[4, 1, 0]).expect("valid");
        assert_eq!(rows.row(0), &[1, 4]);
        assert_eq!(rows.row(2), &[0]);
        assert!(SparseRows::from_csr(5, &[1, 2], &[0, 1]).is_err());
    }
}
