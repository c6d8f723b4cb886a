//! Scoring benchmark: a saved model, a test set, and the compiled scorer timed alone.
//!
//! ```text
//! cargo run --release -p tsetlin-core --example score_bench -- \
//!     --model bench/out/seams/m2000.tsetlin --test-svm bench/out/seams/data/test.svm \
//!     --threads 2 [--repeat 5] [--stats]
//! ```
//! Prints one JSON object: compile seconds, the best batch time of the whole test set over
//! `--repeat` runs (documents per second) with the same for the plain vote walk alternated
//! with it (`Scorer::class_sums_walking`), single-document latency p50/p99 (`row_sums_into`
//! on one thread, up to 5,000 rows), and with `--stats` what a row costs the inverted index.

use std::time::Instant;

use tsetlin_core::{SparseRows, TsetlinMachine};

fn read_svm(path: &str) -> Result<SparseRows, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("");
    let o: usize = header
        .split_whitespace()
        .find_map(|t| t.strip_prefix("n_features="))
        .and_then(|v| v.parse().ok())
        .ok_or(format!("{path}:1: header lacks n_features="))?;
    let mut rows = SparseRows::new(o);
    for (n, line) in lines.enumerate() {
        let row: Result<Vec<u32>, String> = line
            .split_whitespace()
            .skip(1)
            .map(|t| {
                t.split(':')
                    .next()
                    .and_then(|k| k.parse().ok())
                    .ok_or(format!("{path}:{}: bad feature {t}", n + 2))
            })
            .collect();
        rows.push_row(&row?).map_err(|e| e.to_string())?;
    }
    Ok(rows)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let (Some(model), Some(test)) = (get("--model"), get("--test-svm")) else {
        eprintln!("score_bench: --model and --test-svm are required");
        std::process::exit(2);
    };
    let threads: usize = get("--threads").and_then(|v| v.parse().ok()).unwrap_or(2);
    let repeat: usize = get("--repeat").and_then(|v| v.parse().ok()).unwrap_or(5);
    let run = || -> Result<String, String> {
        let mut tm = TsetlinMachine::load(&model).map_err(|e| e.to_string())?;
        tm.set_threads(threads).map_err(|e| e.to_string())?;
        let x = read_svm(&test)?;
        let t = Instant::now();
        let scorer = tm.compile();
        let compile_s = t.elapsed().as_secs_f64();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| e.to_string())?;
        // The scorer and its plain vote walk (`class_sums_walking`) alternated in one
        // process, so that their ratio is measured side by side.
        let (mut best, mut best_walking) = (f64::INFINITY, f64::INFINITY);
        let (mut sums, mut walked) = (Vec::new(), Vec::new());
        for _ in 0..repeat {
            let t = Instant::now();
            sums = pool
                .install(|| scorer.class_sums(&x))
                .map_err(|e| e.to_string())?;
            best = best.min(t.elapsed().as_secs_f64());
            let t = Instant::now();
            walked = pool
                .install(|| scorer.class_sums_walking(&x))
                .map_err(|e| e.to_string())?;
            best_walking = best_walking.min(t.elapsed().as_secs_f64());
        }
        if sums != walked {
            return Err("the sliced vote sums disagree with the walk".to_string());
        }
        if sums != tm.class_sums(&x).map_err(|e| e.to_string())? {
            return Err("the compiled scorer disagrees with the machine".to_string());
        }
        let mut scratch = scorer.scratch();
        let mut row_sums = vec![0i64; scorer.n_classes()];
        let mut latencies: Vec<f64> = (0..x.n_rows().min(5_000))
            .map(|r| {
                let t = Instant::now();
                scorer.row_sums_into(x.row(r), &mut scratch, &mut row_sums);
                std::hint::black_box(&row_sums);
                t.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        latencies.sort_by(f64::total_cmp);
        let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
        let stats = if args.iter().any(|a| a == "--stats") {
            format!(",\"stats\":{}", scorer.cost_stats(&x))
        } else {
            String::new()
        };
        Ok(format!(
            "{{\"rows\":{},\"threads\":{threads},\"compile_s\":{compile_s:.4},\"batch_s\":{best:.4},\"docs_per_s\":{:.0},\"walking_docs_per_s\":{:.0},\"latency_p50_us\":{:.2},\"latency_p99_us\":{:.2}{stats}}}",
            x.n_rows(),
            x.n_rows() as f64 / best,
            x.n_rows() as f64 / best_walking,
            at(0.5),
            at(0.99)
        ))
    };
    match run() {
        Ok(line) => println!("{line}"),
        Err(e) => {
            eprintln!("score_bench: {e}");
            std::process::exit(1);
        }
    }
}
