//! `TextScorer`: a text classifier compiled for scoring. Built once from a
//! [`TextClassifier`], immutable and `Send + Sync`, so a server or a streaming job shares one
//! across threads and rebuilds nothing per request.

use rayon::prelude::*;
use tsetlin_core::{Rule, Scorer, SparseRows};

use crate::classifier::{rule_sentence, text_explanation, TextClassifier, TextExplanation};
use crate::error::Result;
use crate::featurize::{Featurizer, LabelSet};
use crate::multi_label::MultiLabelDecision;

/// The featurizer, the labels, the compiled scorer and the rules of a classifier: everything
/// predictions and explanations need, without the training state (a few megabytes where the
/// automata take hundreds: what a server keeps).
#[derive(Debug, Clone)]
pub struct TextScorer {
    featurizer: Featurizer,
    labels: LabelSet,
    scorer: Scorer,
    /// The non-empty clauses as rules, ordered by (class, clause).
    rules: Vec<Rule>,
    /// The per-label thresholds of a multi-label classifier.
    multi_label: Option<MultiLabelDecision>,
}

impl TextClassifier {
    /// Compiles the classifier for scoring (see [`TextScorer`]); later training of `self` does
    /// not change the scorer.
    pub fn compile(&self) -> TextScorer {
        TextScorer {
            featurizer: self.featurizer.clone(),
            labels: self.labels.clone(),
            scorer: self.machine.compile(),
            rules: self.machine.rules(),
            multi_label: self.multi_label.clone(),
        }
    }
}

impl TextScorer {
    /// The featurizer (feature names, term matches).
    pub fn featurizer(&self) -> &Featurizer {
        &self.featurizer
    }

    /// Every non-empty clause as a rule, ordered by (class, clause).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// A rule as a sentence (as [`TextClassifier::rule_text`] writes it).
    pub fn rule_text(&self, rule: &Rule) -> String {
        rule_sentence(&self.featurizer, &self.labels, rule)
    }

    /// Explains the prediction for one text, as [`TextClassifier::explain`] does, from the
    /// compiled scorer and the stored rules.
    pub fn explain(&self, text: &str) -> Result<TextExplanation> {
        let e = self.scorer.explain(&self.featurizer.transform_one(text))?;
        Ok(text_explanation(
            &self.featurizer,
            &self.labels,
            text,
            e,
            |c, j| {
                self.rules
                    .binary_search_by_key(&(c, j), |r| (r.class, r.clause))
                    .ok()
                    .map(|i| self.rules[i].clone())
            },
        ))
    }

    /// How a multi-label classifier decides its label sets; `None` for a single-label one.
    pub fn multi_label(&self) -> Option<&MultiLabelDecision> {
        self.multi_label.as_ref()
    }

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
    ///
    /// Each text is featurized and scored in one pass, [`Scorer::ROWS_PER_TASK`] texts per
    /// task, on the thread's
    /// kept scratch: no intermediate rows are collected and copied, and the batch is one
    /// fork-join, not two. The same sums as scoring [`Self::encode`]'s rows (a test holds them
    /// equal).
    pub fn class_sums<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Result<Vec<i64>> {
        if self.featurizer.n_features() != self.scorer.n_features() {
            // Not reached (a classifier's parts agree when it is built or loaded); if it were,
            // the fused loop below would index past the scorer's features, so the rows path
            // answers instead, with its width error.
            return Ok(self.scorer.class_sums(&self.encode(texts))?);
        }
        let m = self.scorer.n_classes().max(1);
        let mut out = vec![0i64; texts.len() * m];
        let per_task = Scorer::ROWS_PER_TASK;
        out.par_chunks_mut(m * per_task)
            .zip(texts.par_chunks(per_task))
            .for_each(|(sums, texts)| {
                self.scorer.with_kept_scratch(|scratch| {
                    for (row_sums, text) in sums.chunks_mut(m).zip(texts) {
                        // Invariant of `row_sums_into`: sorted, distinct ids of this
                        // featurizer's vocabulary, whose width the scorer has (checked above).
                        let row = self.featurizer.transform_one(text.as_ref());
                        self.scorer.row_sums_into(&row, scratch, row_sums);
                    }
                })
            });
        Ok(out)
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
        // Past one task of 64 texts, with a partial last one: the one-pass batch equals the
        // classifier and the encoded rows scored apart.
        let many = crate::synth::clinical_notes(150, 5).texts;
        let sums = scorer.class_sums(&many).expect("sums");
        assert_eq!(sums, clf.class_sums(&many).expect("sums"));
        assert_eq!(
            sums,
            scorer
                .scorer()
                .class_sums(&scorer.encode(&many))
                .expect("sums")
        );
        let texts = crate::synth::clinical_notes(40, 4).texts;
        assert_eq!(
            scorer.class_sums(&texts).expect("sums"),
            clf.class_sums(&texts).expect("sums")
        );
        // Explanations from the stored rules equal the classifier's, rule for rule.
        for text in &texts {
            let (a, b) = (
                scorer.explain(text).expect("explain"),
                clf.explain(text).expect("explain"),
            );
            assert_eq!(a.predicted, b.predicted);
            assert_eq!(a.class_sums, b.class_sums);
            assert_eq!(
                scorer.text_sums(text).expect("sums"),
                a.class_sums,
                "one text on the calling thread"
            );
            let key = |e: &crate::TextExplanation| -> Vec<(usize, usize, i64, String)> {
                e.fired
                    .iter()
                    .map(|f| (f.rule.class, f.rule.clause, f.vote, f.text.clone()))
                    .collect()
            };
            assert_eq!(key(&a), key(&b));
            assert_eq!(a.matches, b.matches);
        }
        assert_eq!(scorer.rules(), clf.machine.rules().as_slice());
        assert_eq!(
            scorer.predict(&texts).expect("predict"),
            clf.predict(&texts).expect("predict")
        );
        fn shared<T: Send + Sync>(_: &T) {}
        shared(&scorer);
    }
}
