//! Clauses read as rules, and the explanation of one prediction.

use serde::{Deserialize, Serialize};

use crate::bank::polarity;
use crate::bits::eval;
use crate::error::{Result, TmError};
use crate::machine::TsetlinMachine;
use crate::model::Model;
use crate::task::decide;

/// One clause as a rule: `if positive... AND NOT negated... then (not) class`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// Class the clause belongs to.
    pub class: usize,
    /// Index of the clause within its class.
    pub clause: usize,
    /// +1 (votes for the class) or -1 (votes against).
    pub polarity: i8,
    /// Clause weight (1 unless weighted).
    pub weight: u32,
    /// Features that must be present, increasing.
    pub positive: Vec<u32>,
    /// Features that must be absent, increasing.
    pub negated: Vec<u32>,
}

impl Rule {
    /// The signed vote the clause casts when it fires.
    pub fn vote(&self) -> i64 {
        i64::from(self.polarity) * i64::from(self.weight)
    }

    /// Number of literals.
    pub fn len(&self) -> usize {
        self.positive.len() + self.negated.len()
    }

    /// Whether the clause includes no literal (it never fires when predicting).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the rule fires on a row of present features (sorted), predicting semantics.
    pub fn fires(&self, row: &[u32]) -> bool {
        !self.is_empty()
            && self.positive.iter().all(|f| row.binary_search(f).is_ok())
            && self.negated.iter().all(|f| row.binary_search(f).is_err())
    }
}

/// A clause that fired on the explained row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredClause {
    /// Class of the clause.
    pub class: usize,
    /// Clause index within the class.
    pub clause: usize,
    /// Signed vote (`polarity * weight`).
    pub vote: i64,
}

/// Why the machine predicted what it did for one row: the clauses that fired and their votes,
/// which add up exactly to `class_sums`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// Class sums (predicting semantics).
    pub class_sums: Vec<i64>,
    /// argmax of the class sums, ties to the lowest class.
    pub predicted: u32,
    /// Every clause that fired, by class then clause index.
    pub fired: Vec<FiredClause>,
}

impl Model {
    /// Clause `j` of class `c` as a rule.
    pub fn rule(&self, c: usize, j: usize) -> Rule {
        let bank = &self.banks[c];
        let include = bank.include(j);
        let f = include.len() / 2;
        let o = self.params.n_features;
        let collect = |words: &[u64]| -> Vec<u32> {
            let mut out = Vec::new();
            for (w, &word) in words.iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    let k = w * 64 + word.trailing_zeros() as usize;
                    if k < o {
                        out.push(k as u32);
                    }
                    word &= word - 1;
                }
            }
            out
        };
        Rule {
            class: c,
            clause: j,
            polarity: polarity(j),
            weight: bank.weights[j],
            positive: collect(&include[..f]),
            negated: collect(&include[f..]),
        }
    }

    /// Every non-empty clause of every class as a rule.
    pub fn rules(&self) -> Vec<Rule> {
        (0..self.params.n_classes)
            .flat_map(|c| (0..self.params.n_clauses).map(move |j| (c, j)))
            .filter(|&(c, j)| !eval::is_empty(self.banks[c].include(j)))
            .map(|(c, j)| self.rule(c, j))
            .collect()
    }

    /// Explains the prediction for one row of present feature ids (any order).
    pub fn explain(&self, row: &[u32]) -> Result<Explanation> {
        let o = self.params.n_features;
        let mut sorted = row.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        if let Some(&bad) = sorted.iter().find(|&&k| k as usize >= o) {
            return Err(TmError::FeatureOutOfRange {
                row: 0,
                feature: bad,
                n_features: o,
            });
        }
        let mut x = vec![0u64; crate::bits::words_for(o)];
        for &k in &sorted {
            x[k as usize / 64] |= 1 << (k % 64);
        }
        let mut class_sums = vec![0i64; self.params.n_classes];
        let mut fired = Vec::new();
        for (c, bank) in self.banks.iter().enumerate() {
            for j in 0..bank.n_clauses {
                let include = bank.include(j);
                if !eval::is_empty(include) && eval::clause_fires(include, &x) {
                    let vote = bank.vote(j);
                    class_sums[c] += vote;
                    fired.push(FiredClause {
                        class: c,
                        clause: j,
                        vote,
                    });
                }
            }
        }
        Ok(Explanation {
            predicted: decide(&class_sums),
            class_sums,
            fired,
        })
    }
}

impl TsetlinMachine {
    /// See [`Model::rule`].
    pub fn rule(&self, c: usize, j: usize) -> Rule {
        self.model().rule(c, j)
    }

    /// See [`Model::rules`].
    pub fn rules(&self) -> Vec<Rule> {
        self.model().rules()
    }

    /// See [`Model::explain`].
    pub fn explain(&self, row: &[u32]) -> Result<Explanation> {
        self.model().explain(row)
    }
}
