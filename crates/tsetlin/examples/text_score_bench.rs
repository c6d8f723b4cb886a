//! Scoring throughput of a text classifier, side by side in one process: featurizing, the
//! compiled scorer's batch path (`Scorer::class_sums`) and the same with every surviving vote
//! added one by one (`Scorer::class_sums_walking`, the way it replaced), alternated round by
//! round on the same rows, with the same sums checked.
//!
//! `cargo run --release -p tsetlin --example text_score_bench -- MODEL TEXTS [ROUNDS] [THREADS]`
//! (MODEL: a `tsetlin train` model file; TEXTS: a JSONL/CSV corpus the readers take). Prints
//! one JSON object, with what a row costs the scorer (`Scorer::cost_stats`).

use std::time::Instant;

use tsetlin::io::{read_dataset, ReadOptions};
use tsetlin::TextClassifier;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(model), Some(texts)) = (args.next(), args.next()) else {
        return Err("usage: text_score_bench MODEL TEXTS [ROUNDS] [THREADS]".into());
    };
    let rounds: usize = args.next().map_or(Ok(5), |r| r.parse())?;
    let threads: usize = args.next().map_or(Ok(2), |r| r.parse())?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let clf = TextClassifier::load(&model)?;
    let data = read_dataset(&texts, &ReadOptions::default())?;
    let scorer = clf.machine.compile();
    let (mut featurize_s, mut batch_s, mut walk_s) = (f64::MAX, f64::MAX, f64::MAX);
    let mut rows = clf.encode(&data.texts[..0]);
    for _ in 0..rounds {
        let start = Instant::now();
        rows = pool.install(|| clf.encode(&data.texts));
        featurize_s = featurize_s.min(start.elapsed().as_secs_f64());
        let start = Instant::now();
        let batch = pool.install(|| scorer.class_sums(&rows))?;
        batch_s = batch_s.min(start.elapsed().as_secs_f64());
        let start = Instant::now();
        let walked = pool.install(|| scorer.class_sums_walking(&rows))?;
        walk_s = walk_s.min(start.elapsed().as_secs_f64());
        if batch != walked {
            return Err("the sliced sums disagree with the walk".into());
        }
    }
    let n = data.texts.len() as f64;
    println!(
        "{{\"rows\":{},\"threads\":{threads},\"featurize_per_s\":{:.0},\"batch_per_s\":{:.0},\"walking_per_s\":{:.0},\"stats\":{}}}",
        data.texts.len(),
        n / featurize_s,
        n / batch_s,
        n / walk_s,
        scorer.cost_stats(&rows)
    );
    Ok(())
}
