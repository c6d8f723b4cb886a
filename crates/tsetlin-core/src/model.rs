//! The trained state of a Tsetlin machine as plain data: validated hyper-parameters, the clause
//! banks and the training clocks. No threads, no random pools, nothing tied to a process: a
//! [`Model`] is cloned, compared, saved ([`crate::format`]), read as rules
//! ([`crate::rules`]), compiled for scoring ([`Model::compile`]) and trained by a backend
//! ([`crate::backend::CpuBackend`]). Outside a training pass it is canonical: no automaton is
//! owed a deferred forget step, so equal models are equal bytes.

use crate::bank::ClauseBank;
use crate::data::SparseRows;
use crate::error::{Result, TmError};
use crate::params::Params;
use crate::scorer::Scorer;
use crate::targets::Targets;

/// Hyper-parameters, clause banks and clocks of a multiclass Tsetlin machine (TM-SPEC): per
/// class, `n` clauses of alternating polarity. Equal models have equal parameters, banks and
/// clocks (the revision counter is bookkeeping, not state).
#[derive(Debug, Clone)]
pub struct Model {
    /// The hyper-parameters.
    pub(crate) params: Params,
    pub(crate) banks: Vec<ClauseBank>,
    /// Examples trained on so far: the clock that every random draw is keyed by.
    pub(crate) steps: u64,
    /// Training passes (epochs and `partial_fit` calls) so far: keys shuffles and clause drop.
    pub(crate) passes: u64,
    /// Changes since this value was made (training passes, literal exclusions): what a cached
    /// compiled scorer is checked against. Not saved, not compared.
    pub(crate) revision: u64,
}

impl PartialEq for Model {
    fn eq(&self, other: &Self) -> bool {
        self.params == other.params
            && self.banks == other.banks
            && self.steps == other.steps
            && self.passes == other.passes
    }
}

impl Model {
    /// A fresh model: every automaton at state `N`, every weight 1.
    pub fn new(params: Params) -> Result<Self> {
        params.validate()?;
        crate::memory::check(&params)?;
        let banks = (0..params.n_classes)
            .map(|_| ClauseBank::new(params.n_clauses, params.n_features, params.state_bits))
            .collect();
        Ok(Self::from_parts(params, banks, 0, 0))
    }

    /// A model from decoded parts (the caller has validated `params` and sized `banks`).
    pub(crate) fn from_parts(
        params: Params,
        banks: Vec<ClauseBank>,
        steps: u64,
        passes: u64,
    ) -> Self {
        Self {
            params,
            banks,
            steps,
            passes,
            revision: 0,
        }
    }

    /// The hyper-parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.params.n_classes
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.params.n_features
    }

    /// Examples trained on so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Training passes so far.
    pub fn passes(&self) -> u64 {
        self.passes
    }

    /// The clause bank of class `c`.
    pub fn bank(&self, c: usize) -> &ClauseBank {
        &self.banks[c]
    }

    /// The model compiled for scoring: built once, immutable, shared by any number of threads
    /// (see [`Scorer`]).
    pub fn compile(&self) -> Scorer {
        Scorer::new(&self.banks, self.params.n_features)
    }

    /// Excludes literal `k` (`k < o`: `x_k`; else `NOT x_{k-o}`) from clause `j` of class `c`:
    /// its automaton is set to the last exclude state, so the clause no longer tests it (rule
    /// simplification). Errors if `c`, `j` or `k` is out of range.
    pub fn exclude_literal(&mut self, c: usize, j: usize, k: usize) -> Result<()> {
        let (m, n, o) = (
            self.params.n_classes,
            self.params.n_clauses,
            self.params.n_features,
        );
        if c >= m || j >= n || k >= 2 * o {
            return Err(TmError::InvalidData(format!(
                "no literal {k} of clause {j} of class {c}: the machine has {m} classes, {n} \
                 clauses per class and {} literals",
                2 * o
            )));
        }
        let last_exclude = (1u32 << (self.params.state_bits - 1)) - 1;
        self.banks[c].set_state(j, o, k, last_exclude);
        self.revision += 1;
        Ok(())
    }

    /// This model over `n_features` input features, of which it has seen only `columns`
    /// (its feature `i` is input feature `columns[i]`; strictly increasing): every other
    /// feature's two automata are at the fresh state `N`, as if never trained, so on full rows
    /// the widened model computes exactly what this one computes on the rows restricted to
    /// `columns`. Training on a feature subset (selection) and then serving the caller's full
    /// rows needs no column map anywhere else. Errors when `columns` does not fit, and when
    /// the model is mid-pass (deferred steps owed: not canonical).
    pub fn widen(&self, columns: &[u32], n_features: usize) -> Result<Model> {
        let o = self.params.n_features;
        if columns.len() != o {
            return Err(TmError::InvalidData(format!(
                "{} columns for a model of {o} features",
                columns.len()
            )));
        }
        if columns.windows(2).any(|w| w[0] >= w[1])
            || columns.last().is_some_and(|&c| c as usize >= n_features)
        {
            return Err(TmError::InvalidData(format!(
                "the columns must increase strictly and stay below {n_features}"
            )));
        }
        if self.has_deferred_steps() {
            return Err(TmError::InvalidData(
                "the model owes deferred steps (mid-pass): settle it before widening".to_string(),
            ));
        }
        let mut params = self.params.clone();
        params.n_features = n_features;
        params.validate()?;
        crate::memory::check(&params)?;
        let wide_literal = |k: usize| {
            if k < o {
                columns[k] as usize
            } else {
                n_features + columns[k - o] as usize
            }
        };
        let banks = self
            .banks
            .iter()
            .map(|narrow| {
                let mut wide = ClauseBank::new(narrow.n_clauses, n_features, params.state_bits);
                wide.weights.clone_from(&narrow.weights);
                for j in 0..narrow.n_clauses {
                    wide.set_states(
                        j,
                        n_features,
                        (0..2 * o).map(|k| (wide_literal(k), narrow.state(j, o, k))),
                    );
                }
                wide
            })
            .collect();
        Ok(Self::from_parts(params, banks, self.steps, self.passes))
    }

    /// Whether some automaton is still owed deferred forget steps (never true outside a
    /// training pass, except for a format-v1 file before it is settled).
    pub(crate) fn has_deferred_steps(&self) -> bool {
        self.banks
            .iter()
            .any(|b| b.deferred.iter().any(|d| d.pending > 0))
    }

    /// Refuses rows of another width.
    pub(crate) fn check_rows(&self, x: &SparseRows) -> Result<()> {
        if x.n_features() != self.params.n_features {
            return Err(TmError::InvalidData(format!(
                "rows have {} features, the machine has {}",
                x.n_features(),
                self.params.n_features
            )));
        }
        Ok(())
    }

    /// Refuses training data that does not match the model: width, no rows, label count,
    /// labels out of range (a class, or any label of a label set).
    pub(crate) fn check_training_data(&self, x: &SparseRows, targets: Targets<'_>) -> Result<()> {
        self.check_rows(x)?;
        if x.is_empty() {
            return Err(TmError::InvalidData("no training rows".to_string()));
        }
        if targets.len() != x.n_rows() {
            return Err(TmError::InvalidData(format!(
                "{} rows but {} labels",
                x.n_rows(),
                targets.len()
            )));
        }
        if let Targets::LabelSets(sets) = targets {
            if sets.n_labels() != self.params.n_classes {
                return Err(TmError::InvalidData(format!(
                    "the label sets have {} labels, the machine has {} classes",
                    sets.n_labels(),
                    self.params.n_classes
                )));
            }
        }
        for row in 0..targets.len() {
            if let Some(&label) = targets
                .row(row)
                .iter()
                .find(|&&l| l as usize >= self.params.n_classes)
            {
                return Err(TmError::LabelOutOfRange {
                    row,
                    label,
                    n_classes: self.params.n_classes,
                });
            }
        }
        Ok(())
    }
}
