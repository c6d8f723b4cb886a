//! `TextScorer`: a text classifier compiled for scoring. Built once from a
//! [`TextClassifier`], immutable and `Send + Sync`, so a server or a streaming job shares one
//! across threads and rebuilds nothing per request.

use tsetlin_core::{Scorer, SparseRows};

use crate::classifier::TextClassifier;
use crate::error::Result;
use crate::featurize::{Featurizer, LabelSet};

/// The featurizer, the labels and the compiled scorer of a classifier.
#[derive(Debug, Clone)]
pub struct TextScorer {
    featurizer: Featurizer,
    labels: LabelSet,
    scorer: Scorer,
}

impl TextClassifier {
    /// Compiles the classifier for scoring (see [`TextScorer`]); later training of `self` does
    /// not change the scorer.
    pub fn compile(&self) -> TextScorer {
        TextScorer {
            featurizer: self.featurizer.clone(),
            labels: self.labels.clone(),
            scorer: self.machine.compile(),
        }
    }
}

impl TextScorer {
    /// Class names in class-index order.
    pub fn class_names(&self) -> &[String] {
        self.labels.names()
    }

    /// The compiled engine scorer (for rows that are already features).
    pub fn scorer(&self) -> &Scorer {
        &self.scorer
    }

    /// Encodes texts as the machine's rows.
    pub fn encode<S: AsRef<str> + Sync>(&self, texts: &[S]) -> SparseRows {
        self.featurizer.transform(texts)
    }

    /// Class sums of each text, row-major (`n x classes`), on the current rayon pool.
    pub fn class_sums<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Vec<i64>> {
        Ok(self.scorer.class_sums(&self.encode(texts))?)
    }

    /// Class sums of one text on the calling thread, with no thread pool involved: the
    /// single-request path of a server.
    pub fn text_sums(&self, text: &str) -> Result<Vec<i64>> {
        Ok(self
            .scorer
            .row_class_sums(&self.featurizer.transform_one(text))?)
    }

    /// Predicted class index of each text.
    pub fn predict_ids<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Vec<u32>> {
        Ok(self.scorer.predict(&self.encode(texts))?)
    }

    /// Predicted class name of each text.
    pub fn predict<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Vec<String>> {
        Ok(self.labels.names_of(&self.predict_ids(texts)?))
    }
}

#[cfg(test)]
mod tests {
    use tsetlin_core::{Control, FitOptions};

    use crate::featurize::FeaturizerConfig;
    use crate::TextClassifier;

    #[test]
    fn compiled_scorer_matches_the_classifier() {
        let data = crate::synth::clinical_notes(300, 3);
        let (mut clf, x, y) = TextClassifier::prepare(
            &data.texts,
            &data.labels,
            &FeaturizerConfig::default(),
            1,
            |b| b.clauses(20).threshold(10.0),
        )
        .expect("prepare");
        clf.machine
            .fit(&x, &y, &FitOptions::epochs(2), |_, _| Control::Continue)
            .expect("fit");
        let scorer = clf.compile();
        let texts = crate::synth::clinical_notes(40, 4).texts;
        assert_eq!(
            scorer.class_sums(&texts).expect("sums"),
            clf.class_sums(&texts).expect("sums")
        );
        assert_eq!(
            scorer.predict(&texts).expect("predict"),
            clf.predict(&texts).expect("predict")
        );
        fn shared<T: Send + Sync>(_: &T) {}
        shared(&scorer);
    }
}
