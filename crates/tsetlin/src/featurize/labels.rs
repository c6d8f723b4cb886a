//! Label strings to class ids.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The classes of a task: label strings in sorted order, class id = position. Sorting makes
/// the ids independent of the order documents appear in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StoredLabels")]
pub struct LabelSet {
    names: Vec<String>,
}

/// A label set as stored, before [`LabelSet`]'s invariant is checked.
#[derive(Deserialize)]
struct StoredLabels {
    names: Vec<String>,
}

impl TryFrom<StoredLabels> for LabelSet {
    type Error = String;

    /// A stored label set is untrusted input: lookups rely on the names being sorted and
    /// distinct.
    fn try_from(s: StoredLabels) -> std::result::Result<Self, String> {
        if s.names.windows(2).any(|w| w[0] >= w[1]) {
            return Err("the class labels are not sorted and distinct".to_string());
        }
        Ok(Self { names: s.names })
    }
}

impl LabelSet {
    /// The distinct labels of `labels`, sorted.
    pub fn from_labels(labels: &[String]) -> Self {
        let mut names = labels.to_vec();
        names.sort();
        names.dedup();
        Self { names }
    }

    /// Encodes labels as class ids; an unknown label (for example one seen only in the test
    /// split) is an error naming it.
    pub fn encode(&self, labels: &[String]) -> Result<Vec<u32>> {
        labels
            .iter()
            .map(|l| {
                self.id(l).ok_or_else(|| Error::UnknownLabel {
                    label: l.clone(),
                    known: self.names.clone(),
                })
            })
            .collect()
    }

    /// Encodes one label set per document as [`tsetlin_core::LabelSets`] (each set sorted and
    /// de-duplicated); an unknown label is an error naming it.
    pub fn encode_sets<S: AsRef<[String]>>(&self, sets: &[S]) -> Result<tsetlin_core::LabelSets> {
        let ids: Vec<Vec<u32>> = sets
            .iter()
            .map(|set| self.encode(set.as_ref()))
            .collect::<Result<_>>()?;
        Ok(tsetlin_core::LabelSets::from_rows(self.len(), &ids)?)
    }

    /// The id of one label.
    pub fn id(&self, label: &str) -> Option<u32> {
        self.names
            .binary_search_by(|n| n.as_str().cmp(label))
            .ok()
            .map(|i| i as u32)
    }

    /// The label of a class id.
    pub fn name(&self, id: u32) -> Option<&str> {
        self.names.get(id as usize).map(String::as_str)
    }

    /// All label names, indexed by class id.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The names of class ids (each id below [`LabelSet::len`], as a machine of this label
    /// set predicts them).
    pub fn names_of(&self, ids: &[u32]) -> Vec<String> {
        ids.iter()
            .map(|&c| self.names[c as usize].clone())
            .collect()
    }

    /// Number of classes.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no classes.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_ids_and_unknown_label_error() {
        let train: Vec<String> = ["pos", "neg", "pos"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let set = LabelSet::from_labels(&train);
        assert_eq!(set.names(), &["neg", "pos"]);
        assert_eq!(set.encode(&train).expect("known"), vec![1, 0, 1]);
        let err = set.encode(&["neutral".to_string()]).expect_err("unknown");
        assert!(err.to_string().contains("\"neutral\""), "{err}");
    }
}
