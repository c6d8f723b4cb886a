//! Featurizing throughput, side by side in one process: `Featurizer::transform_one` against
//! the plain path it replaced (every term built with its span by `TokenizerConfig::terms`,
//! then looked up), alternated round by round on one thread, with the same output checked.
//!
//! `cargo run --release -p tsetlin --example featurize_bench -- MODEL TEXTS [ROUNDS]`
//! (MODEL: a `tsetlin train` model file; TEXTS: a JSONL/CSV corpus the readers take).

use std::time::Instant;

use tsetlin::io::{read_dataset, ReadOptions};
use tsetlin::TextClassifier;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(model), Some(texts)) = (args.next(), args.next()) else {
        return Err("usage: featurize_bench MODEL TEXTS [ROUNDS]".into());
    };
    let rounds: usize = args.next().map_or(Ok(5), |r| r.parse())?;
    let clf = TextClassifier::load(&model)?;
    let data = read_dataset(&texts, &ReadOptions::default())?;
    let f = &clf.featurizer;
    let bytes: usize = data.texts.iter().map(String::len).sum();
    let n = data.texts.len() as f64;
    println!(
        "{} texts, {:.0} bytes each on average; {} features",
        data.texts.len(),
        bytes as f64 / n,
        f.n_features()
    );
    let plain = |text: &str| f.transform_one_reference(text);
    for t in &data.texts {
        if f.transform_one(t) != plain(t) {
            return Err(format!("the two paths disagree on {t:?}").into());
        }
    }
    let (mut fast_s, mut plain_s) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let start = Instant::now();
        let kept: usize = data.texts.iter().map(|t| plain(t).len()).sum();
        plain_s.push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        let kept_fast: usize = data.texts.iter().map(|t| f.transform_one(t).len()).sum();
        fast_s.push(start.elapsed().as_secs_f64());
        assert_eq!(kept, kept_fast);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (p, q) = (median(&mut plain_s), median(&mut fast_s));
    println!(
        "plain (terms with spans): {:.1} µs a text; transform_one: {:.1} µs a text; {:.2}x (median of {rounds} alternated rounds, 1 thread)",
        p / n * 1e6,
        q / n * 1e6,
        p / q
    );
    Ok(())
}
