//! Self-check on IMDb: unigrams + bigrams, min_df 10, chi-squared top 5,000, then the
//! baselines. Usage: `cargo run --release -p tsetlin --example imdb_check [DATA_DIR]`
//! (default `../shared/data/imdb` relative to the workspace root).

use std::time::Instant;

use tsetlin::baselines::{Baseline, BernoulliNb, LinearSvm, LogisticRegression, MultinomialNb};
use tsetlin::featurize::{Featurizer, FeaturizerConfig, LabelSet, TokenizerConfig};
use tsetlin::io::{read_dataset, ReadOptions};
use tsetlin::metrics::Metrics;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/imdb").to_string()
    });
    let t = Instant::now();
    let train = read_dataset(format!("{dir}/train.jsonl.gz"), &ReadOptions::default())?;
    let test = read_dataset(format!("{dir}/test.jsonl.gz"), &ReadOptions::default())?;
    println!(
        "read {} + {} documents in {:.2?}",
        train.len(),
        test.len(),
        t.elapsed()
    );
    let labels = LabelSet::from_labels(&train.labels);
    let y = labels.encode(&train.labels)?;
    let yt = labels.encode(&test.labels)?;
    let config = FeaturizerConfig {
        tokenizer: TokenizerConfig {
            ngram_max: 2,
            ..TokenizerConfig::default()
        },
        min_df: 10,
        max_features: Some(5000),
        ..FeaturizerConfig::default()
    };
    let t = Instant::now();
    let featurizer = Featurizer::fit(&train.texts, &y, labels.len(), &config)?;
    let fit_time = t.elapsed();
    let t = Instant::now();
    let x = featurizer.transform(&train.texts);
    let xt = featurizer.transform(&test.texts);
    println!(
        "featurize: fit {fit_time:.2?}, transform train+test {:.2?}; {} features, train nnz {}",
        t.elapsed(),
        featurizer.n_features(),
        x.nnz()
    );
    println!("sample features: {:?}", &featurizer.feature_names()[..10]);
    fn run<B: Baseline>(
        x: &tsetlin::SparseRows,
        y: &[u32],
        xt: &tsetlin::SparseRows,
        yt: &[u32],
        names: &[String],
    ) -> Result<(), tsetlin::Error> {
        let t = Instant::now();
        let model = B::fit(x, y, names.len())?;
        let m = Metrics::compute(yt, &model.predict(xt), names);
        println!(
            "{:<20} test accuracy {:.4}  macro F1 {:.4}  ({:.2?})",
            model.name(),
            m.accuracy,
            m.macro_f1,
            t.elapsed()
        );
        Ok(())
    }
    run::<MultinomialNb>(&x, &y, &xt, &yt, labels.names())?;
    run::<BernoulliNb>(&x, &y, &xt, &yt, labels.names())?;
    run::<LogisticRegression>(&x, &y, &xt, &yt, labels.names())?;
    run::<LinearSvm>(&x, &y, &xt, &yt, labels.names())?;
    Ok(())
}
