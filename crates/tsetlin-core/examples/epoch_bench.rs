//! Whole-epoch benchmark on synthetic data shaped like the paper's IMDb setting.
//!
//! ```text
//! cargo run --release -p tsetlin-core --example epoch_bench -- \
//!     --rows 25000 --test-rows 25000 --features 5000 --density 0.02 --clauses 2000 \
//!     --threads 2 --epochs 3 [--s 27] [--boost] [--weighted] [--export-svm DIR] [--save-model F]
//!     [--layout cache-line|plane-major]
//! ```
//! Prints one JSON line per epoch (seconds per epoch, prediction seconds and rate, accuracy)
//! and, at the end, the peak resident memory. `--export-svm DIR` writes the same rows as
//! svmlight files so that other libraries can be timed on identical data; `--train-svm F
//! --test-svm G` trains on such files instead (e.g. real IMDb features from
//! `tsetlin export-features`).

use std::io::Write;
use std::time::Instant;

use tsetlin_core::rng::Xoshiro256;
use tsetlin_core::{Control, FitOptions, LayoutKind, Params, SparseRows, TsetlinMachine};

struct Args {
    rows: usize,
    test_rows: usize,
    features: usize,
    density: f64,
    clauses: usize,
    threshold: Option<f64>,
    s: f64,
    threads: usize,
    epochs: usize,
    boost: bool,
    weighted: bool,
    seed: u64,
    export: Option<String>,
    train_svm: Option<String>,
    test_svm: Option<String>,
    save_model: Option<String>,
    layout: Option<LayoutKind>,
}

fn parse() -> Result<Args, String> {
    let mut a = Args {
        rows: 25_000,
        test_rows: 25_000,
        features: 5_000,
        density: 0.02,
        clauses: 2_000,
        threshold: None,
        s: 27.0,
        threads: 2,
        epochs: 3,
        boost: true,
        weighted: false,
        seed: 1,
        export: None,
        train_svm: None,
        test_svm: None,
        save_model: None,
        layout: None,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        let mut value = || -> Result<String, String> {
            i += 1;
            args.get(i).cloned().ok_or(format!("{flag} needs a value"))
        };
        let num = |v: String| v.parse::<f64>().map_err(|e| format!("{flag}: {e}"));
        match flag {
            "--rows" => a.rows = num(value()?)? as usize,
            "--test-rows" => a.test_rows = num(value()?)? as usize,
            "--features" => a.features = num(value()?)? as usize,
            "--density" => a.density = num(value()?)?,
            "--clauses" => a.clauses = num(value()?)? as usize,
            "--T" => a.threshold = Some(num(value()?)?),
            "--s" => a.s = num(value()?)?,
            "--threads" => a.threads = num(value()?)? as usize,
            "--epochs" => a.epochs = num(value()?)? as usize,
            "--seed" => a.seed = num(value()?)? as u64,
            "--boost" => a.boost = true,
            "--no-boost" => a.boost = false,
            "--weighted" => a.weighted = true,
            "--export-svm" => a.export = Some(value()?),
            "--train-svm" => a.train_svm = Some(value()?),
            "--test-svm" => a.test_svm = Some(value()?),
            "--save-model" => a.save_model = Some(value()?),
            "--layout" => {
                a.layout = Some(match value()?.as_str() {
                    "cache-line" => LayoutKind::CacheLine,
                    "plane-major" => LayoutKind::PlaneMajor,
                    other => return Err(format!("--layout: unknown layout {other}")),
                })
            }
            other => return Err(format!("unknown flag {other}")),
        }
        i += 1;
    }
    Ok(a)
}

/// Documents of about `density * o` features drawn from a Zipf-like distribution; the label
/// is the sign of a noisy vote of 200 "sentiment" features, so the task is learnable but not
/// trivially so (like IMDb, most features carry no signal).
fn synth(n: usize, o: usize, density: f64, seed: u64) -> (SparseRows, Vec<u32>) {
    let mut rng = Xoshiro256::new(seed);
    let per_doc = (density * o as f64).round() as usize;
    // Zipf-ish: feature k has weight 1/(k+10); sample by inverse CDF on a table.
    let weights: Vec<f64> = (0..o).map(|k| 1.0 / (k as f64 + 10.0)).collect();
    let total: f64 = weights.iter().sum();
    let mut cdf = Vec::with_capacity(o);
    let mut acc = 0.0;
    for w in &weights {
        acc += w / total;
        cdf.push(acc);
    }
    let mut polarity = vec![0i32; o];
    for (k, p) in polarity
        .iter_mut()
        .enumerate()
        .take(o.min(400))
        .skip(o.min(20))
    {
        *p = if k % 2 == 0 { 1 } else { -1 };
    }
    let mut rows = SparseRows::new(o);
    let mut labels = Vec::with_capacity(n);
    let mut row = Vec::with_capacity(per_doc);
    for _ in 0..n {
        row.clear();
        let len = per_doc / 2 + rng.below(per_doc + 1);
        for _ in 0..len {
            let u = rng.unit();
            let k = cdf.partition_point(|&c| c < u).min(o - 1);
            row.push(k as u32);
        }
        row.sort_unstable();
        row.dedup();
        let score: i32 = row.iter().map(|&k| polarity[k as usize]).sum();
        let noisy = score as f64 + (rng.unit() - 0.5) * 2.0;
        labels.push(u32::from(noisy > 0.0));
        rows.push_row(&row).map_err(|e| e.to_string()).unwrap_or(());
    }
    (rows, labels)
}

fn export(dir: &str, name: &str, x: &SparseRows, y: &[u32]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut f = std::io::BufWriter::new(std::fs::File::create(format!("{dir}/{name}.svm"))?);
    writeln!(f, "# n_features={} n_classes=2", x.n_features())?;
    for (r, label) in y.iter().enumerate() {
        write!(f, "{label}")?;
        for k in x.row(r) {
            write!(f, " {k}:1")?;
        }
        writeln!(f)?;
    }
    Ok(())
}

/// Reads an svmlight file with the `# n_features=... n_classes=...` header line.
fn read_svm(path: &str) -> Result<(SparseRows, Vec<u32>, usize), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut lines = text.lines().enumerate();
    let header = lines.next().map(|(_, l)| l).unwrap_or("");
    let field = |name: &str| -> Result<usize, String> {
        header
            .split_whitespace()
            .find_map(|t| t.strip_prefix(name))
            .and_then(|v| v.parse().ok())
            .ok_or(format!("{path}:1: header lacks {name}"))
    };
    let (o, m) = (field("n_features=")?, field("n_classes=")?);
    let mut rows = SparseRows::new(o);
    let mut labels = Vec::new();
    for (n, line) in lines {
        let mut it = line.split_whitespace();
        let Some(label) = it.next() else { continue };
        labels.push(
            label
                .parse::<u32>()
                .map_err(|e| format!("{path}:{}: {e}", n + 1))?,
        );
        let row: Result<Vec<u32>, String> = it
            .map(|t| {
                t.split(':')
                    .next()
                    .and_then(|k| k.parse().ok())
                    .ok_or(format!("{path}:{}: bad feature {t}", n + 1))
            })
            .collect();
        rows.push_row(&row?)
            .map_err(|e| format!("{path}:{}: {e}", n + 1))?;
    }
    Ok((rows, labels, m))
}

fn macro_f1(truth: &[u32], predicted: &[u32], m: usize) -> f64 {
    let mut f1 = 0.0;
    for c in 0..m as u32 {
        let tp = truth
            .iter()
            .zip(predicted)
            .filter(|&(&t, &p)| t == c && p == c)
            .count() as f64;
        let fp = truth
            .iter()
            .zip(predicted)
            .filter(|&(&t, &p)| t != c && p == c)
            .count() as f64;
        let fn_ = truth
            .iter()
            .zip(predicted)
            .filter(|&(&t, &p)| t == c && p != c)
            .count() as f64;
        if tp > 0.0 {
            f1 += 2.0 * tp / (2.0 * tp + fp + fn_);
        }
    }
    f1 / m as f64
}

/// The compiled scorer's figures as JSON fields: the compile time and the batch time of the
/// whole test set through a scorer compiled once (best of 3). Single-document latency and
/// what a row costs the index: the `score_bench` example, on a model saved with
/// `--save-model`.
fn measure_scoring(tm: &TsetlinMachine, xt: &SparseRows) -> String {
    let t = Instant::now();
    let scorer = tm.compile();
    let compile_s = t.elapsed().as_secs_f64();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(tm.threads().max(1))
        .build();
    let mut score_s = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        let sums = match &pool {
            Ok(pool) => pool.install(|| scorer.class_sums(xt)),
            Err(_) => scorer.class_sums(xt),
        };
        score_s = score_s.min(t.elapsed().as_secs_f64());
        std::hint::black_box(sums.ok());
    }
    format!(
        "\"compile_s\":{compile_s:.4},\"compiled_predict_s\":{score_s:.4},\"compiled_predictions_per_s\":{:.0},",
        xt.n_rows() as f64 / score_s
    )
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let a = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("epoch_bench: {e}");
            std::process::exit(2);
        }
    };
    let (x, y, xt, yt, m) = match (&a.train_svm, &a.test_svm) {
        (Some(tr), Some(te)) => match read_svm(tr).and_then(|t| Ok((t, read_svm(te)?))) {
            Ok(((x, y, m), (xt, yt, _))) => (x, y, xt, yt, m),
            Err(e) => {
                eprintln!("epoch_bench: {e}");
                std::process::exit(2);
            }
        },
        _ => {
            let (x, y) = synth(a.rows, a.features, a.density, a.seed);
            let (xt, yt) = synth(a.test_rows, a.features, a.density, a.seed + 1);
            (x, y, xt, yt, 2)
        }
    };
    let features = x.n_features();
    if let Some(dir) = &a.export {
        if let Err(e) = export(dir, "train", &x, &y).and_then(|_| export(dir, "test", &xt, &yt)) {
            eprintln!("epoch_bench: cannot export to {dir}: {e}");
            std::process::exit(1);
        }
    }
    let params = Params::builder(m, features)
        .clauses(a.clauses)
        .threshold(a.threshold.unwrap_or(0.8 * a.clauses as f64))
        .specificity(a.s)
        .boost_true_positive(a.boost)
        .weighted(a.weighted)
        .seed(a.seed)
        .build();
    let mut tm = match params.and_then(|p| TsetlinMachine::with_threads(p, a.threads)) {
        Ok(tm) => tm,
        Err(e) => {
            eprintln!("epoch_bench: {e}");
            std::process::exit(2);
        }
    };
    let nnz = x.nnz() as f64 / x.n_rows() as f64;
    eprintln!(
        "rows {} x {} features, {:.1} present per row ({:.2} %), {} clauses per class, {} threads",
        x.n_rows(),
        features,
        nnz,
        100.0 * nnz / features as f64,
        a.clauses,
        a.threads
    );
    let options = FitOptions {
        layout: a.layout,
        ..FitOptions::epochs(a.epochs)
    };
    let result = tm.fit(&x, &y, &options, |tm, info| {
        let t = Instant::now();
        let predicted = tm.predict(&xt).unwrap_or_default();
        let predict_s = t.elapsed().as_secs_f64();
        let acc = predicted.iter().zip(&yt).filter(|(p, t)| p == t).count() as f64
            / yt.len().max(1) as f64;
        let scoring = measure_scoring(tm, &xt);
        println!(
            "{{\"lib\":\"tsetlin\",\"version\":\"{}\",\"epoch\":{},\"fit_s\":{:.3},\"predict_s\":{:.3},\"predictions_per_s\":{:.0},{}\"accuracy\":{:.4},\"macro_f1\":{:.4},\"threads\":{},\"clauses\":{},\"clauses_semantics\":\"per class\",\"T\":{},\"s\":{},\"boost\":{},\"weighted\":{},\"seeded\":true,\"rows_train\":{},\"rows_test\":{},\"peak_rss_mb\":{:.1}}}",
            env!("CARGO_PKG_VERSION"),
            info.epoch,
            info.seconds,
            predict_s,
            xt.n_rows() as f64 / predict_s,
            scoring,
            acc,
            macro_f1(&yt, &predicted, m),
            a.threads,
            a.clauses,
            tm.params().threshold(),
            a.s,
            a.boost,
            a.weighted,
            x.n_rows(),
            xt.n_rows(),
            peak_rss_mb()
        );
        Control::Continue
    });
    if let Err(e) = result {
        eprintln!("epoch_bench: {e}");
        std::process::exit(1);
    }
    if let Some(path) = &a.save_model {
        if let Err(e) = tm.save(path) {
            eprintln!("epoch_bench: cannot save {path}: {e}");
            std::process::exit(1);
        }
    }
}
