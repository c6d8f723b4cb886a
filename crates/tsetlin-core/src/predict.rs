//! Prediction: class sums with the predicting semantics (an empty clause outputs 0).

use rayon::prelude::*;

use crate::bits::eval;
use crate::data::SparseRows;
use crate::machine::TsetlinMachine;

/// A read-only view of a machine prepared for scoring many rows.
pub(crate) struct Predictor<'a> {
    machine: &'a TsetlinMachine,
    /// Per class, per clause: the vote (`polarity * weight`), 0 for an empty clause.
    votes: Vec<Vec<i64>>,
}

impl<'a> Predictor<'a> {
    pub fn new(machine: &'a TsetlinMachine) -> Self {
        let votes = machine
            .banks
            .iter()
            .map(|bank| {
                (0..bank.n_clauses)
                    .map(|j| {
                        if eval::is_empty(bank.include(j)) {
                            0
                        } else {
                            let w = i64::from(bank.weights[j]);
                            if j % 2 == 0 {
                                w
                            } else {
                                -w
                            }
                        }
                    })
                    .collect()
            })
            .collect();
        Self { machine, votes }
    }

    /// Class sums of one row into `sums` (`m` entries); `x` is a scratch buffer of `F` words.
    pub fn row_sums(&self, row: &[u32], x: &mut [u64], sums: &mut [i64]) {
        x.iter_mut().for_each(|w| *w = 0);
        for &k in row {
            x[k as usize / 64] |= 1 << (k % 64);
        }
        for (c, (bank, votes)) in self.machine.banks.iter().zip(&self.votes).enumerate() {
            sums[c] = votes
                .iter()
                .enumerate()
                .filter(|&(j, &v)| v != 0 && eval::clause_fires(bank.include(j), x))
                .map(|(_, &v)| v)
                .sum();
        }
    }

    /// Class sums of every row, row-major.
    pub fn class_sums(&self, rows: &SparseRows) -> Vec<i64> {
        let m = self.machine.n_classes();
        let f = crate::bits::words_for(self.machine.n_features());
        let mut out = vec![0i64; rows.n_rows() * m];
        out.par_chunks_mut(m * 64).enumerate().for_each_init(
            || vec![0u64; f],
            |x, (ci, chunk)| {
                for (k, sums) in chunk.chunks_mut(m).enumerate() {
                    self.row_sums(rows.row(ci * 64 + k), x, sums);
                }
            },
        );
        out
    }
}
