//! End-to-end tests of the `tsetlin` binary: small corpora written here in every supported
//! layout, malformed inputs whose one-line error messages are snapshotted, and the promises of
//! each subcommand (the demo recovers its planted rules, explanations add up, a closed pipe is
//! not an error, reports contain the rules).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_tsetlin");

/// Small, fast machine settings for tests.
const FAST: &[&str] = &[
    "--no-auto",
    "--clauses",
    "20",
    "--threshold",
    "40",
    "--specificity",
    "3",
    "--weighted",
    "--epochs",
    "10",
    "--threads",
    "1",
    "--min-df",
    "1",
    "-q",
];

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and expects success; returns stdout.
fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert!(
        o.status.success(),
        "tsetlin {args:?} failed:\n{}",
        stderr(&o)
    );
    stdout(&o)
}

/// Runs and expects failure with exactly one `error:` line (no panic, no backtrace); returns
/// stderr with the scratch folder replaced by `[DIR]`.
fn fails(args: &[&str]) -> String {
    let o = run(args);
    assert!(!o.status.success(), "tsetlin {args:?} should fail");
    let err = stderr(&o);
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "one line expected: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err.replace(&dir().display().to_string(), "[DIR]")
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).expect("one JSON object on stdout")
}

/// The scratch folder of this test binary, with a demo corpus and model in `demo/`.
fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("scratch dir");
        let demo = d.join("demo");
        let out = run(&[
            "demo",
            "--json",
            "--threads",
            "1",
            "--train-size",
            "600",
            "--test-size",
            "200",
            "--out",
            demo.to_str().expect("utf-8 path"),
            "-q",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        d
    })
}

fn p(name: &str) -> String {
    dir().join(name).display().to_string()
}

fn write(name: &str, content: &str) -> String {
    let path = dir().join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, content).expect("write");
    path.display().to_string()
}

/// A tiny two-class corpus as (text, label) pairs.
fn tiny() -> Vec<(String, &'static str)> {
    (0..40)
        .map(|i| {
            if i % 2 == 0 {
                (format!("great fun movie number {i}"), "pos")
            } else {
                (format!("awful boring film number {i}"), "neg")
            }
        })
        .collect()
}

fn tiny_jsonl() -> String {
    tiny()
        .iter()
        .map(|(t, l)| format!("{}\n", serde_json::json!({"text": t, "label": l})))
        .collect()
}

/// A quick automatic-settings run: a small budget and epoch ceiling, one thread.
const QUICK_AUTO: &[&str] = &[
    "--budget",
    "20s",
    "--max-epochs",
    "6",
    "--threads",
    "1",
    "-q",
];

/// The first `n` lines of the demo's training corpus (600 documents, 4 classes).
fn demo_head(n: usize) -> String {
    let all = std::fs::read_to_string(dir().join("demo/train.jsonl")).expect("demo train");
    let head: String = all.lines().take(n).map(|l| format!("{l}\n")).collect();
    write(&format!("auto/head-{n}.jsonl"), &head)
}

#[test]
fn train_with_no_settings_chooses_them_on_training_data_and_saves_them() {
    let train = demo_head(300);
    let test = p("demo/test.jsonl");
    let model = p("auto/m.tsetlin");
    let mut args = vec![
        "train", "--train", &train, "--test", &test, "--model", &model, "--json",
    ];
    args.extend_from_slice(QUICK_AUTO);
    let v = json(&args);
    let search = &v["search"];
    assert!(
        search["candidates"].as_u64().expect("candidates") >= 3,
        "{v:#}"
    );
    let validation = search["validation"].as_str().expect("validation");
    assert!(
        validation.contains("3-fold") && validation.contains("file order"),
        "{v:#}"
    );
    // --validation-split shuffled: a random sample instead of the file's last documents.
    let shuffled_model = p("auto/shuffled.tsetlin");
    let mut shuffled_args = vec![
        "train",
        "--train",
        &train,
        "--model",
        &shuffled_model,
        "--json",
        "--validation-split",
        "shuffled",
    ];
    shuffled_args.extend_from_slice(QUICK_AUTO);
    let shuffled = json(&shuffled_args);
    assert!(
        shuffled["search"]["validation"]
            .as_str()
            .expect("validation")
            .contains("(shuffled)"),
        "{shuffled:#}"
    );
    assert_eq!(
        v["train_documents"], 300,
        "the final model sees all the training data"
    );
    assert!(v["test"]["accuracy"].as_f64().expect("acc") > 0.8, "{v:#}");
    let chosen = v["settings"].clone();
    assert_eq!(v["epochs"], chosen["epochs"]);
    // The rules were simplified on the training data (none against a label), and measured.
    let simplified = &v["simplified"];
    assert_eq!(simplified["changes_counted"], 0, "{v:#}");
    assert!(simplified["literals_after"].as_u64() <= simplified["literals_before"].as_u64());
    assert!(
        v["readability"]["literals"]["mean"].as_f64().is_some(),
        "{v:#}"
    );

    // The text summary says what was chosen, and the report's settings panel shows it.
    let mut args = vec!["train", "--train", &train, "--model", &model];
    args.extend_from_slice(QUICK_AUTO);
    let text = ok(&args);
    assert!(
        text.contains("settings chosen on the training data"),
        "{text}"
    );
    assert!(
        text.contains("simplified the rules on the training data"),
        "{text}"
    );
    assert!(text.contains("literals per clause mean"), "{text}");
    let report = p("auto/r.json");
    ok(&[
        "report", "--model", &model, "--out", &report, "--format", "json",
    ]);
    let r = std::fs::read_to_string(&report).expect("report");
    assert!(
        r.contains("automatic search on the training data only"),
        "{r}"
    );
    assert!(r.contains("rules simplified after training"), "{r}");
    // --no-simplify keeps the rules as trained.
    let raw = p("auto/raw.tsetlin");
    let mut args = vec![
        "train",
        "--train",
        &train,
        "--model",
        &raw,
        "--json",
        "--no-simplify",
    ];
    args.extend_from_slice(QUICK_AUTO);
    let w = json(&args);
    assert!(w["simplified"].is_null(), "{w:#}");

    // --settings-from reuses them exactly: no search, the same settings and the same model.
    let again = p("auto/again.tsetlin");
    let v2 = json(&[
        "train",
        "--train",
        &train,
        "--model",
        &again,
        "--json",
        "--settings-from",
        &model,
        "--threads",
        "1",
        "-q",
    ]);
    assert_eq!(v2["settings"], chosen);
    assert_eq!(v2["search"]["candidates"], 0);
    let eval = |m: &str| json(&["eval", "--model", m, "--data", &test, "--json"]);
    assert_eq!(eval(&model)["confusion"], eval(&again)["confusion"]);

    // `tune` runs the search alone and makes the same choice.
    let tune_out = p("auto/tune");
    let mut args = vec!["tune", "--train", &train, "--json", "--out", &tune_out];
    args.extend_from_slice(QUICK_AUTO);
    let t = json(&args);
    assert_eq!(t["search"]["chosen"], chosen);
    assert!(t["search"]["trials"].as_array().expect("trials").len() >= 3);
    let md = std::fs::read_to_string(dir().join("auto/tune.md")).expect("markdown");
    assert!(md.contains("| trial |") && md.contains("(chosen)"), "{md}");
}

#[test]
fn the_test_file_never_changes_the_choice() {
    let train = demo_head(240);
    // The test labels poisoned: every label rotated to another class.
    let rotate = |l: &str| match l {
        "allergy" => "cardiac",
        "cardiac" => "infection",
        "infection" => "other",
        _ => "allergy",
    };
    let test = std::fs::read_to_string(dir().join("demo/test.jsonl")).expect("test");
    let poisoned: String = test
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).expect("json");
            let label = rotate(v["label"].as_str().expect("label")).to_string();
            v["label"] = Value::String(label);
            format!("{v}\n")
        })
        .collect();
    let poisoned = write("auto/poisoned.jsonl", &poisoned);
    let choose = |test: &str, name: &str| -> (Value, f64) {
        let model = p(name);
        let mut args = vec![
            "train", "--train", &train, "--test", test, "--model", &model, "--json",
        ];
        args.extend_from_slice(QUICK_AUTO);
        let v = json(&args);
        (
            v["settings"].clone(),
            v["test"]["accuracy"].as_f64().expect("acc"),
        )
    };
    let (clean, clean_acc) = choose(&p("demo/test.jsonl"), "auto/clean.tsetlin");
    let (dirty, dirty_acc) = choose(&poisoned, "auto/dirty.tsetlin");
    assert_eq!(clean, dirty);
    assert!(clean_acc > dirty_acc + 0.4, "{clean_acc} {dirty_acc}");
}

#[test]
fn explicit_flags_win_and_no_auto_derives_defaults_from_the_data() {
    let train = demo_head(200);
    let model = p("auto/flags.tsetlin");
    let mut args = vec![
        "train",
        "--train",
        &train,
        "--model",
        &model,
        "--json",
        "--clauses",
        "10",
        "--threshold",
        "7",
        "--no-weighted",
    ];
    args.extend_from_slice(QUICK_AUTO);
    let v = json(&args);
    assert_eq!(v["settings"]["clauses"], 10);
    assert_eq!(v["settings"]["threshold"], 7.0);
    assert_eq!(v["settings"]["weighted"], false);

    let v = json(&[
        "train",
        "--train",
        &train,
        "--model",
        &model,
        "--json",
        "--no-auto",
        "--threads",
        "1",
        "-q",
    ]);
    assert!(v["search"].is_null(), "{v:#}");
    assert_eq!(
        v["settings"]["clauses"], 100,
        "a small corpus gets the smallest bank"
    );
    assert_eq!(v["settings"]["weighted"], true);
    assert_eq!(v["epochs"], v["settings"]["epochs"]);
    let err = fails(&[
        "train",
        "--train",
        &train,
        "--model",
        &model,
        "--early-stop",
        "2",
    ]);
    assert!(err.contains("go with --no-auto"), "{err}");
    let o = run(&[
        "train", "--train", &train, "--model", &model, "--budget", "soon",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("\"soon\" is not a duration"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn demo_recovers_the_planted_rules() {
    let v = json(&["demo", "--json", "--threads", "1", "-q"]);
    assert_eq!(v["all_recovered"], Value::Bool(true), "{v:#}");
    assert!(v["accuracy"].as_f64().expect("accuracy") > 0.95, "{v:#}");
    let planted = v["planted"].as_array().expect("planted");
    assert_eq!(planted.len(), 3);
    for p in planted {
        assert_eq!(p["recovered"], Value::Bool(true), "{p}");
    }
    // Exactly, with no spurious literal: the heaviest allergy rule is the planted rule.
    let allergy = planted
        .iter()
        .find(|p| p["class"] == "allergy")
        .expect("allergy");
    assert_eq!(allergy["rank"], 1, "{allergy}");
    assert_eq!(
        allergy["learned"],
        "if \"penicillin\" AND \"rash\" AND \"reaction\" AND NOT \"denies\" then allergy",
        "{allergy}"
    );
    // The text version says the same and tells what to run next.
    let text = ok(&["demo", "--threads", "1", "-q"]);
    assert!(text.contains("3 of 3 planted rules recovered."), "{text}");
    assert!(text.contains("tsetlin train --train"), "{text}");
}

#[test]
fn train_eval_predict_rules_explain_on_the_demo_corpus() {
    let (train, test, model) = (p("demo/train.jsonl"), p("demo/test.jsonl"), p("m1.tsetlin"));
    let mut args = vec![
        "train", "--train", &train, "--test", &test, "--model", &model, "--json",
    ];
    args.extend_from_slice(FAST);
    let v = json(&args);
    assert_eq!(v["epochs"], 10);
    assert!(v["test"]["accuracy"].as_f64().expect("acc") > 0.8, "{v:#}");
    assert!(v["valid"].is_null());

    let e = json(&["eval", "--model", &model, "--data", &test, "--json"]);
    assert!(e["accuracy"].as_f64().is_some());
    assert!(e["macro_f1"].as_f64().is_some());
    assert_eq!(e["per_class"].as_array().expect("per class").len(), 4);
    assert_eq!(e["confusion"].as_array().expect("confusion").len(), 4);
    let table = ok(&["eval", "--model", &model, "--data", &test]);
    assert!(
        table.contains("macro avg") && table.contains("confusion"),
        "{table}"
    );

    let preds = ok(&["predict", "--model", &model, &test]);
    let lines: Vec<Value> = preds
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 200);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[0]["scores"].as_object().expect("scores").len(), 4);

    let rules = json(&[
        "rules", "--model", &model, "--data", &test, "--json", "--top", "2",
    ]);
    let classes = rules["classes"].as_array().expect("classes");
    assert_eq!(classes.len(), 4);
    let first = &classes[0]["rules"][0];
    assert!(
        first["text"].as_str().expect("text").starts_with("if "),
        "{first}"
    );
    assert!(first["coverage"].as_u64().is_some(), "{first}");

    let ex = json(&[
        "explain", "--model", &model, "--file", &test, "--line", "1", "--json",
    ]);
    assert_eq!(ex["check"]["ok"], Value::Bool(true), "{ex:#}");
    assert_eq!(ex["check"]["vote_sums"], ex["class_sums"]);
    let text = ok(&[
        "explain",
        "--model",
        &model,
        "--text",
        "Noted a mild rash on the arm. A reaction was observed after the dose. Was given penicillin today.",
    ]);
    assert!(text.contains("predicted: allergy"), "{text}");
    assert!(
        text.lines().last().expect("check line").ends_with("-> ok"),
        "{text}"
    );
    assert!(text.contains("\"penicillin\" at "), "{text}");
}

#[test]
fn plain_text_predict_from_stdin() {
    let model = p("demo/model.tsetlin");
    let mut child = Command::new(BIN)
        .args(["predict", "--model", &model, "--plain"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"Complains of chest pressure. Troponin ordered.\n\nBlood culture drawn. Low grade fever noted.\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success());
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["label"], "cardiac");
    assert_eq!(lines[1]["line"], 3);
    assert_eq!(lines[1]["label"], "infection");
}

#[test]
fn rules_into_a_closed_pipe_exits_zero() {
    let model = p("demo/model.tsetlin");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{BIN}' rules --model '{model}' --top 0 --all-literals | head -1; exit ${{PIPESTATUS:-0}}"
        ))
        .output()
        .expect("sh");
    assert!(out.status.success());
    assert_eq!(stdout(&out).lines().count(), 1);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    // The same with `set -o pipefail` semantics, checking tsetlin's own status.
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{BIN}' rules --model '{model}' --top 0 --all-literals | head -1 >/dev/null"
        ))
        .output()
        .expect("bash");
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn rules_text_is_stable() {
    let model = p("demo/model.tsetlin");
    let out = ok(&[
        "rules",
        "--model",
        &model,
        "--class",
        "allergy",
        "--top",
        "1",
        "--positive-only",
        "--all-literals",
    ]);
    assert!(out.starts_with("rules: "), "{out}");
    assert!(out.contains("literals per clause mean"), "{out}");
    assert!(out.contains("\nclass allergy (1 of "), "{out}");
    // The heaviest allergy rule contains the planted conjunction (on this small corpus of 600
    // notes it may carry a word that every allergy note of it has; the full-size demo recovers
    // the planted rules exactly, see demo_recovers_the_planted_rules).
    for literal in ["\"penicillin\" AND", "\"reaction\" AND", "NOT \"denies\""] {
        assert!(out.contains(literal), "{literal} missing from {out}");
    }
}

#[test]
fn report_contains_the_rules() {
    let (model, test) = (p("demo/model.tsetlin"), p("demo/test.jsonl"));
    let (html, js) = (p("report.html"), p("report.json"));
    ok(&[
        "report",
        "--model",
        &model,
        "--data",
        &test,
        "--out",
        &html,
        "--max-docs",
        "5",
        "-q",
    ]);
    let page = std::fs::read_to_string(&html).expect("html");
    assert!(page.contains("<html") && page.contains("penicillin"));
    ok(&[
        "report",
        "--model",
        &model,
        "--data",
        &test,
        "--out",
        &js,
        "--format",
        "json",
        "--max-docs",
        "5",
        "-q",
    ]);
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(&js).expect("json")).expect("json");
    let features = v["features"].as_array().expect("features");
    let name = |id: &Value| {
        features[id.as_u64().expect("id") as usize]
            .as_str()
            .expect("name")
            .to_string()
    };
    let allergy = v["classes"]
        .as_array()
        .expect("classes")
        .iter()
        .position(|c| c == "allergy")
        .expect("allergy");
    let found = v["clauses"].as_array().expect("clauses").iter().any(|c| {
        let mut pos: Vec<String> = c["positive"]
            .as_array()
            .expect("pos")
            .iter()
            .map(name)
            .collect();
        pos.sort();
        let neg: Vec<String> = c["negated"]
            .as_array()
            .expect("neg")
            .iter()
            .map(name)
            .collect();
        c["class"] == allergy
            && c["polarity"] == 1
            && ["penicillin", "rash", "reaction"]
                .iter()
                .all(|w| pos.iter().any(|p| p == w))
            && neg.iter().any(|n| n == "denies")
    });
    assert!(found, "the planted allergy rule is in the report");
    assert_eq!(v["documents"].as_array().expect("docs").len(), 5);
    assert!(v["metrics"]["accuracy"].as_f64().is_some());
    assert!(v["clauses"][0]["coverage"].as_u64().is_some());
}

#[test]
fn every_input_layout_trains() {
    let rows = tiny();
    let jsonl = write("fmt/a.jsonl", &tiny_jsonl());
    let mut csv = String::from("label,text\n");
    let mut tsv = String::from("label\ttext\n");
    for (t, l) in &rows {
        csv.push_str(&format!("{l},\"{t}\"\n"));
        tsv.push_str(&format!("{l}\t{t}\n"));
    }
    let csv = write("fmt/a.csv", &csv);
    let tsv = write("fmt/a.tsv", &tsv);
    for (i, (t, l)) in rows.iter().enumerate() {
        write(&format!("fmt/tree/{l}/{i}.txt"), t);
    }
    let gz = dir().join("fmt/a.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).expect("create"),
        flate2::Compression::default(),
    );
    enc.write_all(tiny_jsonl().as_bytes()).expect("gz");
    enc.finish().expect("gz");
    let model = p("fmt/m.tsetlin");
    for input in [jsonl, csv, tsv, p("fmt/tree"), gz.display().to_string()] {
        let mut args = vec!["train", "--train", &input, "--model", &model, "--json"];
        args.extend_from_slice(FAST);
        let v = json(&args);
        assert_eq!(v["classes"], serde_json::json!(["neg", "pos"]), "{input}");
        assert_eq!(
            v["train_documents"], 36,
            "{input}: 10 % held out for validation"
        );
        assert!(v["valid"]["accuracy"].as_f64().is_some(), "{input}");
    }
}

#[test]
fn early_stopping_keeps_the_best_epoch_and_history() {
    let (train, model) = (p("demo/train.jsonl"), p("es.tsetlin"));
    let mut args = vec![
        "train",
        "--train",
        &train,
        "--model",
        &model,
        "--json",
        "--valid-fraction",
        "0.2",
        "--early-stop",
        "2",
    ];
    args.extend_from_slice(FAST);
    let v = json(&args);
    assert!(v["best_epoch"].as_u64().is_some(), "{v:#}");
    let report = p("es.json");
    ok(&[
        "report", "--model", &model, "--out", &report, "--format", "json",
    ]);
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("read")).expect("json");
    let curve = r["learning_curve"].as_array().expect("curve");
    assert_eq!(curve.len() as u64, v["epochs"].as_u64().expect("epochs"));
    assert!(curve[0]["valid_accuracy"].as_f64().is_some());
    assert!(curve[0]["train_accuracy"].as_f64().is_some());
}

#[test]
fn skipped_lines_are_reported() {
    let mut data = tiny_jsonl();
    data.push_str("{not json\n");
    let input = write("skip.jsonl", &data);
    let model = p("skip.tsetlin");
    let mut args = vec![
        "train",
        "--train",
        &input,
        "--model",
        &model,
        "--skip-bad-lines",
    ];
    args.extend_from_slice(FAST);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("skipped 1 malformed line(s)"), "{err}");
    assert!(err.contains("skip.jsonl:41"), "{err}");
}

#[test]
fn bench_and_export_features() {
    let (train, test) = (p("demo/train.jsonl"), p("demo/test.jsonl"));
    let mut args = vec!["bench", "--train", &train, "--test", &test, "--json"];
    args.extend_from_slice(FAST);
    let v = json(&args);
    let rows = v["rows"].as_array().expect("rows");
    let methods: Vec<&str> = rows
        .iter()
        .map(|r| r["method"].as_str().expect("m"))
        .collect();
    assert_eq!(
        methods,
        [
            "tsetlin-machine",
            "multinomial-nb",
            "bernoulli-nb",
            "logistic-regression",
            "linear-svm"
        ]
    );
    for r in rows {
        for k in ["accuracy", "macro_f1", "fit_seconds", "predict_seconds"] {
            assert!(r[k].as_f64().is_some(), "{k} in {r}");
        }
    }
    assert_eq!(rows[0]["epochs"].as_array().expect("epochs").len(), 10);

    let out = p("export");
    ok(&[
        "export-features",
        "--train",
        &train,
        "--test",
        &test,
        "--out",
        &out,
        "--min-df",
        "1",
        "-q",
    ]);
    let svm = std::fs::read_to_string(dir().join("export/train.svm")).expect("svm");
    assert!(svm.starts_with("# n_features="));
    assert_eq!(svm.lines().count(), 601);

    // Cross-validation on the exported feature file, and on a dense 0/1 .tar.gz.
    let svm_path = dir().join("export/train.svm").display().to_string();
    let mut args = vec![
        "bench",
        "--data",
        &svm_path,
        "--cv",
        "3",
        "--features-format",
        "svmlight",
        "--json",
        "--methods",
        "tm,multinomial-nb",
    ];
    args.extend_from_slice(FAST);
    let v = json(&args);
    assert_eq!(v["rows"][0]["folds"], 3);
    assert!(v["rows"][1]["accuracy_std"].as_f64().is_some());

    // The settings search on the feature rows: it chooses the machine's settings only (the
    // features are given), which bench/paper_table.sh hands to every Tsetlin library.
    let mut args = vec![
        "tune",
        "--train",
        &svm_path,
        "--features-format",
        "svmlight",
        "--json",
    ];
    args.extend_from_slice(QUICK_AUTO);
    let t = json(&args);
    assert_eq!(t["documents"], 600);
    let chosen = &t["search"]["chosen"];
    assert_eq!(chosen["ngram_max"], 1, "{chosen}");
    assert!(chosen["clauses"].as_u64().expect("clauses") >= 2);
    assert!(t["search"]["trials"].as_array().expect("trials").len() >= 3);

    let mut dense = String::new();
    for i in 0..30 {
        let c = i % 2;
        dense.push_str(&format!("{} {} 1 {c}\n", c, 1 - c));
    }
    let tar_gz = dir().join("dense.tar.gz");
    {
        let enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&tar_gz).expect("create"),
            flate2::Compression::default(),
        );
        let mut tar = tar::Builder::new(enc);
        let mut header = tar::Header::new_gnu();
        header.set_size(dense.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, "clinical_dataset", dense.as_bytes())
            .expect("append");
        tar.into_inner().expect("tar").finish().expect("gz");
    }
    let tar_path = tar_gz.display().to_string();
    let mut args = vec![
        "bench",
        "--data",
        &tar_path,
        "--cv",
        "3",
        "--features-format",
        "dense01",
        "--markdown",
        "--seed",
        "42",
    ];
    args.extend_from_slice(FAST);
    let md = ok(&args);
    assert!(md.contains("| tsetlin-machine | 100.0 % ± 0.0 |"), "{md}");
    assert!(
        md.contains("stratified 3-fold cross-validation, shuffled, seed 42"),
        "{md}"
    );

    // The same folds as files, for the Python side: every row is in exactly one test fold,
    // the folds are stratified, and folds.txt says where each input row went.
    let folds = p("folds");
    let said = ok(&[
        "export-features",
        "--data",
        &tar_path,
        "--features-format",
        "dense01",
        "--cv",
        "3",
        "--seed",
        "42",
        "--out",
        &folds,
    ]);
    assert!(said.contains("wrote 3 folds"), "{said}");
    let assigned = std::fs::read_to_string(dir().join("folds/folds.txt")).expect("folds.txt");
    let assigned: Vec<&str> = assigned.lines().collect();
    assert_eq!(assigned.len(), 30);
    let mut test_rows = 0;
    for k in 1..=3 {
        let read = |name: &str| {
            std::fs::read_to_string(dir().join(format!("folds/fold-{k}/{name}"))).expect("fold")
        };
        let (train_svm, test_svm) = (read("train.svm"), read("test.svm"));
        let rows = |s: &str| s.lines().skip(1).map(str::to_string).collect::<Vec<_>>();
        let (tr, te) = (rows(&train_svm), rows(&test_svm));
        assert_eq!(tr.len() + te.len(), 30, "fold {k}");
        assert_eq!(te.len(), 10, "fold {k}");
        let positives = te.iter().filter(|r| r.starts_with('1')).count();
        assert_eq!(positives, 5, "fold {k} is not stratified: {te:?}");
        assert_eq!(assigned.iter().filter(|&&f| f == k.to_string()).count(), 10);
        test_rows += te.len();
    }
    assert_eq!(test_rows, 30);
    let o = run(&["export-features", "--data", &tar_path, "--out", &folds]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--cv"), "{}", stderr(&o));
}

#[test]
fn user_errors_are_one_clear_line() {
    let good = write("err/good.jsonl", &tiny_jsonl());
    let model = p("err/m.tsetlin");
    let train = |input: &str, extra: &[&str]| -> String {
        let mut args = vec!["train", "--train", input, "--model", &model];
        args.extend_from_slice(FAST);
        args.extend_from_slice(extra);
        fails(&args)
    };
    let bad_json = write(
        "err/bad.jsonl",
        "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\", \"label\": \"y\"}\n{oops\n",
    );
    let no_label = write("err/nolabel.jsonl", "{\"text\": \"a\"}\n");
    let csv = write("err/a.csv", "label,text\npos,good\n");
    let empty = write("err/empty.jsonl", "");
    let only_test = write(
        "err/test.jsonl",
        "{\"text\": \"fine\", \"label\": \"neutral\"}\n",
    );
    let not_model = write("err/not-a-model.bin", "hello");
    let engine = tsetlin_core::TsetlinMachine::new(
        tsetlin_core::Params::builder(2, 4)
            .clauses(4)
            .build()
            .expect("params"),
    )
    .expect("machine");
    engine.save(dir().join("err/engine.bin")).expect("save");
    insta::assert_snapshot!("bad_json_line_3", train(&bad_json, &[]));
    insta::assert_snapshot!("missing_label_field", train(&no_label, &[]));
    insta::assert_snapshot!("unknown_column", train(&csv, &["--text-field", "body"]));
    insta::assert_snapshot!("empty_file", train(&empty, &[]));
    insta::assert_snapshot!("missing_file", train(&p("err/nope.jsonl"), &[]));
    insta::assert_snapshot!("label_only_in_test", train(&good, &["--test", &only_test]));
    insta::assert_snapshot!("odd_clauses", train(&good, &["--clauses", "7"]));
    insta::assert_snapshot!("bad_specificity", train(&good, &["--specificity", "0.5"]));
    insta::assert_snapshot!(
        "early_stop_on_test",
        train(&good, &["--test", &good, "--early-stop", "2"])
    );
    insta::assert_snapshot!(
        "not_a_model",
        fails(&["eval", "--model", &not_model, "--data", &good])
    );
    insta::assert_snapshot!(
        "engine_model_is_not_a_classifier",
        fails(&["rules", "--model", &p("err/engine.bin")])
    );
    insta::assert_snapshot!(
        "unknown_class",
        fails(&[
            "rules",
            "--model",
            &p("demo/model.tsetlin"),
            "--class",
            "nope"
        ])
    );
}

#[test]
fn simplify_shortens_the_rules_and_keeps_what_it_promises() {
    let (model, train, test) = (
        p("demo/model.tsetlin"),
        p("demo/train.jsonl"),
        p("demo/test.jsonl"),
    );
    let predictions = |m: &str, data: &str| -> Vec<String> {
        let v = json(&["eval", "--model", m, "--data", data, "--json"]);
        vec![v["confusion"].to_string()]
    };
    // Preserving every clause output on the training notes: the same predictions there.
    let strict = p("simplify/strict.tsetlin");
    std::fs::create_dir_all(dir().join("simplify")).expect("mkdir");
    let v = json(&[
        "simplify",
        "--model",
        &model,
        "--data",
        &train,
        "--out",
        &strict,
        "--preserve",
        "outputs",
        "--json",
    ]);
    let r = &v["report"];
    assert_eq!(r["outputs_changed"], 0, "{v:#}");
    assert!(r["literals_after"].as_u64() <= r["literals_before"].as_u64());
    assert_eq!(predictions(&model, &train), predictions(&strict, &train));
    // The default (decisions) removes at least as much, with the accuracy checked on --valid.
    let loose = p("simplify/loose.tsetlin");
    let w = json(&[
        "simplify",
        "--model",
        &model,
        "--data",
        &train,
        "--valid",
        &test,
        "--out",
        &loose,
        "--max-changes",
        "3",
        "--json",
    ]);
    let s = &w["report"];
    assert!(
        s["literals_after"].as_u64() <= r["literals_after"].as_u64(),
        "{w:#}"
    );
    assert!(s["decisions_only"].as_bool().expect("bool"));
    let (before, after) = (
        s["accuracy_before"].as_f64().expect("acc"),
        s["accuracy_after"].as_f64().expect("acc"),
    );
    assert!(before - after <= 0.005 + 1e-9, "{w:#}");
    assert!(w["after"]["literals"]["mean"].as_f64() <= w["before"]["literals"]["mean"].as_f64());
    assert_eq!(w["checked_on"], test);
    // The saved model says it was simplified, and the rules shown are the rules it uses.
    let e = json(&["eval", "--model", &loose, "--data", &test, "--json"]);
    assert!(
        e["readability"]["literals"]["mean"].as_f64().is_some(),
        "{e:#}"
    );
    let err = fails(&[
        "simplify",
        "--model",
        &model,
        "--data",
        &train,
        "--out",
        &loose,
        "--tolerance=-1",
    ]);
    assert!(err.contains("--tolerance"), "{err}");
}

/// The README's promise: the same seed gives the same model file, byte for byte, on any
/// number of threads — with the automatic settings and with early stopping alike.
#[test]
fn the_model_file_does_not_depend_on_the_thread_count() {
    let train = demo_head(200);
    let file_for = |name: &str, threads: &str, extra: &[&str]| -> Vec<u8> {
        let model = p(name);
        let mut args = vec!["train", "--train", &train, "--model", &model];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--threads", threads, "-q", "--no-time-limit"]);
        ok(&args);
        std::fs::read(&model).expect("model")
    };
    let auto = ["--budget", "20s", "--max-epochs", "4"];
    let one = file_for("auto/threads-auto-1.tsetlin", "1", &auto);
    let four = file_for("auto/threads-auto-4.tsetlin", "4", &auto);
    assert!(one == four, "automatic settings: the files differ");
    let manual = [
        "--no-auto",
        "--clauses",
        "20",
        "--epochs",
        "6",
        "--early-stop",
        "2",
        "--min-df",
        "1",
    ];
    let one = file_for("auto/threads-manual-1.tsetlin", "1", &manual);
    let four = file_for("auto/threads-manual-4.tsetlin", "4", &manual);
    assert!(one == four, "--no-auto: the files differ");
}

/// `--device cuda` is a clear error in a build without CUDA; `auto` (the default) falls back
/// to the CPU and says so.
#[test]
fn the_device_choice_is_resolved_before_training() {
    let train = demo_head(120);
    let model = p("auto/device.tsetlin");
    let err = fails(&[
        "train", "--train", &train, "--model", &model, "--device", "cuda",
    ]);
    assert!(err.contains("no CUDA backend"), "{err}");
    let mut args = vec!["train", "--train", &train, "--model", &model];
    args.extend_from_slice(&FAST[..FAST.len() - 1]);
    args.extend_from_slice(&["--device", "auto"]);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("device: using the CPU"),
        "{}",
        stderr(&o)
    );
}

/// Every hyper-parameter the engine declares is offered by `train` (under its flag), and the
/// CLI's ranges are the engine's: the CLI forwards its values to the engine's validation.
#[test]
fn the_cli_offers_the_engine_parameters_and_their_ranges() {
    let params = tsetlin_core::Params::builder(2, 1)
        .build()
        .expect("defaults");
    let declared = serde_json::to_value(&params).expect("json");
    let help = ok(&["train", "--help"]);
    for name in declared.as_object().expect("object").keys() {
        let flag = match name.as_str() {
            // Sized by the data, not by a flag.
            "n_classes" | "n_features" => continue,
            "n_clauses" => "--clauses".to_string(),
            "boost_true_positive" => "--boost".to_string(),
            "focused_negative_sampling" => "--focused-negatives".to_string(),
            other => format!("--{}", other.replace('_', "-")),
        };
        assert!(help.contains(&flag), "train offers no {flag} for `{name}`");
    }
    let train = demo_head(60);
    let model = p("auto/ranges.tsetlin");
    for (flag, value, accepted) in [
        ("--state-bits", "1", false),
        ("--state-bits", "17", false),
        ("--state-bits", "2", true),
        ("--clause-drop", "1", false),
        ("--clauses", "7", false),
        ("--specificity", "1", false),
        ("--literal-budget", "0", false),
        // A search option, in points of accuracy.
        ("--length-tolerance", "-1", false),
        ("--length-tolerance", "101", false),
        ("--length-tolerance", "0", true),
    ] {
        let mut args = vec!["train", "--train", &train, "--model", &model];
        args.extend_from_slice(FAST);
        args.extend_from_slice(&[flag, value]);
        let o = run(&args);
        assert_eq!(
            o.status.success(),
            accepted,
            "{flag} {value}: {}",
            stderr(&o)
        );
        let engine = match flag {
            "--state-bits" => tsetlin_core::Params::builder(2, 1)
                .state_bits(value.parse().expect("n"))
                .build()
                .is_ok(),
            _ => accepted,
        };
        assert_eq!(engine, accepted, "{flag} {value}: the engine disagrees");
    }
}

// --- Hostile and careless input: clean errors before any work, nothing clobbered. ---

#[test]
fn outputs_never_clobber_inputs() {
    let train = write("clobber/train.jsonl", &tiny_jsonl());
    let before = std::fs::read(&train).expect("corpus");
    let err = fails(&["train", "--train", &train, "--model", &train, "-q"]);
    assert!(err.contains("it is the input"), "{err}");
    assert_eq!(
        std::fs::read(&train).expect("corpus"),
        before,
        "the corpus survives"
    );
    // Through another spelling of the same file, too.
    let other = format!("{}/../clobber/train.jsonl", p("clobber"));
    let err = fails(&["train", "--train", &train, "--model", &other, "-q"]);
    assert!(err.contains("it is the input"), "{err}");

    let model = p("demo/model.tsetlin");
    let model_bytes = std::fs::read(&model).expect("model");
    let err = fails(&["report", "--model", &model, "--out", &model]);
    assert!(err.contains("it is the input"), "{err}");
    assert_eq!(std::fs::read(&model).expect("model"), model_bytes);
}

#[test]
fn output_locations_are_checked_before_training() {
    let train = write("outloc/train.jsonl", &tiny_jsonl());
    let folder = p("outloc");
    let started = std::time::Instant::now();
    let err = fails(&["train", "--train", &train, "--model", &folder, "-q"]);
    assert!(err.contains("is a directory"), "{err}");
    let err = fails(&[
        "train",
        "--train",
        &train,
        "--model",
        &p("outloc/missing/m.tsetlin"),
        "-q",
    ]);
    assert!(err.contains("does not exist"), "{err}");
    // Refused before the settings search (which takes seconds even on this corpus).
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[cfg(unix)]
#[test]
fn saving_never_follows_a_planted_link() {
    let train = write("link/train.jsonl", &tiny_jsonl());
    let victim = write("link/victim.txt", "precious");
    let model = p("link/shared.tsetlin");
    // The name an older version wrote its temporary file under.
    std::os::unix::fs::symlink(&victim, format!("{model}.tmp")).expect("symlink");
    let mut args = vec!["train", "--train", &train, "--model", &model];
    args.extend_from_slice(FAST);
    ok(&args);
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "precious"
    );
    let leftovers: Vec<String> = std::fs::read_dir(p("link"))
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") && n != "shared.tsetlin.tmp")
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn demo_refuses_to_overwrite_without_force() {
    let out = p("demo-again");
    let args = [
        "demo",
        "--threads",
        "1",
        "--train-size",
        "200",
        "--test-size",
        "50",
        "--epochs",
        "2",
        "--out",
        &out,
        "-q",
    ];
    ok(&args);
    let err = fails(&args);
    assert!(err.contains("--force"), "{err}");
    let mut forced = args.to_vec();
    forced.push("--force");
    ok(&forced);
    let err = fails(&["demo", "--train-size", "1000000000000", "-q"]);
    assert!(err.contains("at most"), "{err}");
}

#[test]
fn a_line_without_end_is_refused_naming_the_line() {
    let mut corpus = tiny_jsonl();
    corpus.push_str(&"x".repeat(5000));
    let train = write("longline/train.jsonl", &corpus);
    let model = p("longline/m.tsetlin");
    let mut args = vec![
        "train",
        "--train",
        &train,
        "--model",
        &model,
        "--max-line-bytes",
        "1000",
    ];
    args.extend_from_slice(FAST);
    let err = fails(&args);
    assert!(err.contains("line 41 is longer than 1000 bytes"), "{err}");
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_record() {
    let train = write("bom/train.jsonl", &format!("\u{feff}{}", tiny_jsonl()));
    let model = p("bom/m.tsetlin");
    let mut args = vec![
        "train",
        "--train",
        &train,
        "--model",
        &model,
        "--json",
        "--valid-fraction",
        "0",
    ];
    args.extend_from_slice(FAST);
    let v = json(&args);
    assert_eq!(v["train_documents"], 40, "{v:#}");
}

#[test]
fn fold_counts_are_checked_against_the_data() {
    let data = write("folds/data.jsonl", &tiny_jsonl());
    let err = fails(&[
        "bench",
        "--data",
        &data,
        "--cv",
        "300",
        "--methods",
        "multinomial-nb",
        "-q",
    ]);
    assert!(err.contains("smallest class has 20"), "{err}");
}

#[test]
fn a_machine_larger_than_the_memory_limit_is_refused_before_allocating() {
    let train = write("huge/train.jsonl", &tiny_jsonl());
    let o = Command::new(BIN)
        .env("TSETLIN_MAX_MEMORY", "1G")
        .args([
            "train",
            "--train",
            &train,
            "--model",
            &p("huge/m.tsetlin"),
            "--no-auto",
            "--clauses",
            "1000000000000",
            "--epochs",
            "1",
            "-q",
        ])
        .output()
        .expect("runs");
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("would need") && err.contains("TSETLIN_MAX_MEMORY=1G"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn absurd_thread_counts_are_capped_with_a_warning() {
    let train = write("threads/train.jsonl", &tiny_jsonl());
    let model = p("threads/m.tsetlin");
    let mut args = vec!["train", "--train", &train, "--model", &model];
    args.extend_from_slice(FAST);
    let at = args
        .iter()
        .position(|a| *a == "--threads")
        .expect("FAST sets threads")
        + 1;
    args[at] = "100000";
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("more than 4 per core"),
        "{}",
        stderr(&o)
    );
}

/// The body of a framed file (magic, version, CRC-32, body) with the CRC made valid again.
fn reframe(bytes: &mut [u8]) {
    let crc = crc32fast::hash(&bytes[16..]);
    bytes[12..16].copy_from_slice(&crc.to_le_bytes());
}

#[test]
fn crafted_classifier_headers_are_refused_with_a_valid_checksum() {
    let model = p("demo/model.tsetlin");
    let bytes = std::fs::read(&model).expect("model");
    let header_len = u32::from_le_bytes(bytes[16..20].try_into().expect("4 bytes")) as usize;
    let header = String::from_utf8(bytes[20..20 + header_len].to_vec()).expect("JSON header");
    let craft = |name: &str, from: &str, to: &str| -> String {
        assert!(header.contains(from), "{from} not in the header");
        let edited = header.replacen(from, to, 1);
        let mut out = bytes[..16].to_vec();
        out.extend_from_slice(&(edited.len() as u32).to_le_bytes());
        out.extend_from_slice(edited.as_bytes());
        out.extend_from_slice(&bytes[20 + header_len..]);
        reframe(&mut out);
        let path = p(&format!("crafted/{name}.tsetlin"));
        std::fs::create_dir_all(p("crafted")).expect("mkdir");
        std::fs::write(&path, out).expect("write");
        path
    };
    let ngram = craft(
        "ngram",
        "\"ngram_max\":1",
        "\"ngram_max\":1000000000000000000",
    );
    let err = fails(&["rules", "--model", &ngram]);
    assert!(err.contains("ngram_max must be between 1 and 5"), "{err}");
    let unsorted = craft("labels", "\"names\":[\"allergy\"", "\"names\":[\"zzz\"");
    let err = fails(&["rules", "--model", &unsorted]);
    assert!(err.contains("not sorted and distinct"), "{err}");
}

#[test]
fn predict_bounds_the_lines_it_reads_from_stdin() {
    let mut child = Command::new(BIN)
        .args([
            "predict",
            "--model",
            &p("demo/model.tsetlin"),
            "--max-line-bytes",
            "100",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    // A writer that stops when the reader has given up (a closed pipe is fine).
    let _ = stdin.write_all(format!("{{\"text\": \"rash\"}}\n{}", "y".repeat(10_000)).as_bytes());
    drop(stdin);
    let o = child.wait_with_output().expect("wait");
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("line 2 is longer than 100 bytes"), "{err}");
}

#[test]
fn an_id_column_read_as_the_label_gets_a_warning() {
    let corpus: String = (0..300)
        .map(|i| format!("{}\n", serde_json::json!({"text": format!("word{} common", i % 7), "label": format!("id{i}")})))
        .collect();
    let train = write("ids/train.jsonl", &corpus);
    let o = run(&[
        "train",
        "--train",
        &train,
        "--model",
        &p("ids/m.tsetlin"),
        "--no-auto",
        "--clauses",
        "2",
        "--epochs",
        "1",
        "--threads",
        "1",
        "-q",
    ]);
    assert!(
        stderr(&o).contains("300 distinct labels in 300 documents"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn serve_refuses_unsafe_or_broken_setups_before_listening() {
    let model = p("demo/model.tsetlin");
    let err = fails(&[
        "serve", "--model", &model, "--host", "0.0.0.0", "--port", "0",
    ]);
    assert!(err.contains("without authentication"), "{err}");
    let err = fails(&["serve", "--model", &p("nope.tsetlin"), "--port", "0"]);
    assert!(err.contains("cannot serve"), "{err}");
    let short = write("serve/key.txt", "short\n");
    let err = fails(&[
        "serve",
        "--model",
        &model,
        "--port",
        "0",
        "--api-key-file",
        &short,
    ]);
    assert!(err.contains("shorter than 16"), "{err}");
}

/// The multi-label demo corpus (notes documenting several conditions), written once.
fn multi_label_demo() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = dir().join("demo-ml");
        let v = json(&[
            "demo",
            "--multi-label",
            "--json",
            "--threads",
            "1",
            "--train-size",
            "600",
            "--test-size",
            "200",
            "--out",
            d.to_str().expect("utf-8 path"),
            "-q",
        ]);
        assert_eq!(v["multi_label"], true);
        assert!(
            v["train_with_several"].as_u64().expect("count") > 100,
            "{v:#}"
        );
        assert_eq!(v["all_recovered"], true, "{v:#}");
        assert!(v["micro_f1"].as_f64().expect("micro-F1") > 0.9, "{v:#}");
        d
    })
}

#[test]
fn multi_label_demo_shows_each_planted_rule_recovered() {
    multi_label_demo();
    let text = ok(&[
        "demo",
        "--multi-label",
        "--threads",
        "1",
        "--train-size",
        "600",
        "--test-size",
        "100",
        "-q",
    ]);
    assert!(text.contains("3 of 3 planted rules recovered."), "{text}");
    assert!(text.contains("with two or more conditions"), "{text}");
    let first = std::fs::read_to_string(multi_label_demo().join("train.jsonl")).expect("train");
    let v: Value = serde_json::from_str(first.lines().next().expect("a line")).expect("JSON");
    assert!(v["labels"].is_array(), "{v}");
}

#[test]
fn multi_label_train_eval_predict_rules_explain() {
    let d = multi_label_demo();
    let (train, test) = (
        d.join("train.jsonl").display().to_string(),
        d.join("test.jsonl").display().to_string(),
    );
    let model = p("ml/m.tsetlin");
    std::fs::create_dir_all(dir().join("ml")).expect("mkdir");
    let mut args = vec![
        "train", "--train", &train, "--test", &test, "--model", &model, "--json",
    ];
    // FAST, words only (the planted rules are about words).
    args.extend_from_slice(FAST);
    args.extend_from_slice(&["--ngrams", "1"]);
    let v = json(&args);
    assert_eq!(v["multi_label"], true);
    assert_eq!(
        v["labels"],
        serde_json::json!(["allergy", "cardiac", "infection"])
    );
    assert!(
        v["validation"]
            .as_str()
            .expect("validation")
            .contains("last 120 of 600"),
        "{v:#}"
    );
    assert!(v["thresholds"]["cardiac"].as_i64().is_some(), "{v:#}");
    assert!(
        v["test"]["micro_f1"].as_f64().expect("micro-F1") > 0.9,
        "{v:#}"
    );

    // The saved thresholds decide the same sets again: eval reproduces train's test figures.
    let e = json(&["eval", "--model", &model, "--data", &test, "--json"]);
    for key in [
        "micro_f1",
        "macro_f1",
        "example_f1",
        "subset_accuracy",
        "hamming_loss",
    ] {
        assert_eq!(e[key], v["test"][key], "{key}: {e:#}");
    }
    let per_label = e["per_label"].as_array().expect("per label");
    assert_eq!(per_label.len(), 3);
    assert!(e["thresholds_chosen_on"].as_str().is_some());
    let table = ok(&["eval", "--model", &model, "--data", &test]);
    assert!(table.contains("micro"), "{table}");

    let preds = ok(&["predict", "--model", &model, &test]);
    let lines: Vec<Value> = preds
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 200);
    let truth: Vec<Value> = std::fs::read_to_string(&test)
        .expect("test")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    let right = lines
        .iter()
        .zip(&truth)
        .filter(|(p, t)| p["labels"] == t["labels"])
        .count();
    assert!(right > 170, "{right} of 200 label sets right");
    for l in &lines {
        assert!(l.get("label").is_none(), "{l}");
        assert_eq!(l["scores"].as_object().expect("scores").len(), 3);
    }
    // A note with no condition is predicted with the empty set, not forced into a label.
    let empty = lines
        .iter()
        .zip(&truth)
        .find(|(_, t)| t["labels"].as_array().is_some_and(Vec::is_empty))
        .expect("a test note without conditions");
    assert!(empty.0["labels"].as_array().is_some(), "{}", empty.0);

    let rules = json(&[
        "rules",
        "--model",
        &model,
        "--data",
        &test,
        "--class",
        "cardiac",
        "--positive-only",
        "--json",
        "--top",
        "3",
    ]);
    // Coverage and precision are measured against each note's label set: the planted
    // conjunction is among the heaviest cardiac rules and right wherever it fires.
    assert_eq!(rules["classes"][0]["class"], "cardiac");
    let top = rules["classes"][0]["rules"].as_array().expect("rules");
    let planted = top
        .iter()
        .find(|r| {
            let words = r["positive"].as_array().expect("positive");
            words.contains(&Value::from("chest")) && words.contains(&Value::from("troponin"))
        })
        .unwrap_or_else(|| panic!("no chest AND troponin rule among {top:#?}"));
    assert!(
        planted["precision"].as_f64().expect("precision") > 0.95,
        "{planted}"
    );

    let line = truth
        .iter()
        .position(|t| t["labels"].as_array().is_some_and(|l| l.len() >= 2))
        .expect("a note with two conditions")
        + 1;
    let ex = json(&[
        "explain",
        "--model",
        &model,
        "--file",
        &test,
        "--line",
        &line.to_string(),
        "--json",
    ]);
    assert_eq!(ex["check"]["ok"], true, "{ex:#}");
    assert_eq!(ex["labels"], truth[line - 1]["labels"], "{ex:#}");
    let fired_for: std::collections::BTreeSet<&str> = ex["fired"]
        .as_array()
        .expect("fired")
        .iter()
        .filter(|f| f["vote"].as_i64().is_some_and(|v| v > 0))
        .filter_map(|f| f["class"].as_str())
        .collect();
    for l in ex["labels"].as_array().expect("labels") {
        assert!(fired_for.contains(l.as_str().expect("label")), "{ex:#}");
    }
    let text = ok(&[
        "explain",
        "--model",
        &model,
        "--file",
        &test,
        "--line",
        &line.to_string(),
    ]);
    assert!(text.starts_with("predicted labels: "), "{text}");
    assert!(
        text.lines().last().expect("check").ends_with("-> ok"),
        "{text}"
    );

    // simplify: judged against the label sets, checked by micro-F1 at the model's thresholds;
    // the written model decides the same sets on the training file (no allowance).
    let simple = p("ml/simple.tsetlin");
    let sv = json(&[
        "simplify", "--model", &model, "--data", &train, "--out", &simple, "--json", "-q",
    ]);
    assert_eq!(sv["score"], "micro-F1", "{sv:#}");
    let (b, a) = (
        sv["report"]["accuracy_before"].as_f64().expect("before"),
        sv["report"]["accuracy_after"].as_f64().expect("after"),
    );
    assert!(a >= b - 0.005, "micro-F1 {b} -> {a}");
    assert!(
        sv["report"]["literals_after"].as_u64() <= sv["report"]["literals_before"].as_u64(),
        "{sv:#}"
    );
    let simple_eval = json(&["eval", "--model", &simple, "--data", &test, "--json"]);
    assert!(
        simple_eval["micro_f1"].as_f64().expect("micro-F1") > 0.85,
        "{simple_eval:#}"
    );

    // report: the model's thresholds, the figures eval gives, and per document the decided
    // set (the one predict printed) beside the true one.
    let rj = p("ml/r.json");
    ok(&[
        "report", "--model", &model, "--data", &test, "--out", &rj, "--format", "json", "-q",
    ]);
    let r: Value =
        serde_json::from_str(&std::fs::read_to_string(&rj).expect("report")).expect("JSON");
    assert_eq!(r["schema_version"], 2);
    let names: Vec<&str> = r["classes"]
        .as_array()
        .expect("classes")
        .iter()
        .map(|c| c.as_str().expect("name"))
        .collect();
    for (i, name) in names.iter().enumerate() {
        assert_eq!(
            r["multi_label"]["thresholds"][i], v["thresholds"][*name],
            "{name}"
        );
    }
    let rm = &r["metrics"];
    assert_eq!(rm["multi_label"]["micro_f1"], e["micro_f1"], "{rm:#}");
    assert_eq!(rm["accuracy"], e["subset_accuracy"], "{rm:#}");
    assert_eq!(rm["macro_f1"], e["macro_f1"], "{rm:#}");
    assert_eq!(rm["confusion"], serde_json::json!([]));
    let as_names = |set: &Value| -> Value {
        set.as_array()
            .expect("label ids")
            .iter()
            .map(|c| Value::from(names[c.as_u64().expect("id") as usize]))
            .collect()
    };
    let docs = r["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), 50);
    for (k, doc) in docs.iter().enumerate() {
        assert_eq!(
            as_names(&doc["predicted_labels"]),
            lines[k]["labels"],
            "doc {k}"
        );
        assert_eq!(as_names(&doc["true_labels"]), truth[k]["labels"], "doc {k}");
        assert!(doc["true_label"].is_null(), "{doc}");
    }
    let html = p("ml/r.html");
    ok(&[
        "report", "--model", &model, "--data", &test, "--out", &html, "-q",
    ]);
    assert!(std::fs::read_to_string(&html)
        .expect("html")
        .contains("\"multi_label\""));

    // A single-label model refuses multi-label data by name instead of misreading it.
    let refused = fails(&[
        "eval",
        "--model",
        &p("demo/model.tsetlin"),
        "--data",
        &test,
        "-q",
    ]);
    assert!(refused.contains("multi-label"), "{refused}");
}

#[test]
fn multi_label_input_layouts_and_malformed_label_lists() {
    // TSV with a separated label column; a row with an empty label cell has no label.
    let mut tsv = String::from("label\ttext\n");
    let mut jsonl = String::new();
    for i in 0..60 {
        let (labels, text): (&[&str], String) = match i % 4 {
            0 => (&["pos"], format!("great fun movie {i}")),
            1 => (&["neg"], format!("awful boring film {i}")),
            2 => (
                &["pos", "long"],
                format!("great fun but long epic movie {i}"),
            ),
            _ => (&[], format!("a film was shown {i}")),
        };
        tsv.push_str(&format!("{}\t{text}\n", labels.join("|")));
        jsonl.push_str(&format!(
            "{}\n",
            serde_json::json!({"text": text, "labels": labels})
        ));
    }
    let tsv = write("ml/train.tsv", &tsv);
    let jsonl = write("ml/train.jsonl", &jsonl);
    let model = p("ml/tsv.tsetlin");
    let mut args = vec![
        "train",
        "--train",
        &tsv,
        "--model",
        &model,
        "--json",
        "--label-separator",
        "|",
    ];
    args.extend_from_slice(FAST);
    let v = json(&args);
    assert_eq!(
        v["labels"],
        serde_json::json!(["long", "neg", "pos"]),
        "{v:#}"
    );
    // Without the separator, "pos|long" is one label of a single-label corpus; the empty
    // label cell is then an error naming the line.
    let mut args = vec!["train", "--train", &tsv, "--model", &model];
    args.extend_from_slice(FAST);
    let err = fails(&args);
    assert!(err.contains("train.tsv:5"), "{err}");

    // Single labels read as multi-label when forced.
    let single = write("ml/single.jsonl", &tiny_jsonl());
    let mut args = vec![
        "train",
        "--train",
        &single,
        "--model",
        &model,
        "--json",
        "--multi-label",
    ];
    args.extend_from_slice(FAST);
    assert_eq!(json(&args)["multi_label"], true);

    // Feature export: svmlight multi-label rows `1,3 f:1 ...` (label ids in labels.txt order).
    let out = p("ml/export");
    ok(&[
        "export-features",
        "--train",
        &jsonl,
        "--test",
        &jsonl,
        "--out",
        &out,
        "--min-df",
        "1",
        "-q",
    ]);
    let svm = std::fs::read_to_string(dir().join("ml/export/train.svm")).expect("svm");
    let rows: Vec<&str> = svm.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(rows.len(), 60);
    let labels_of = |row: &str| row.split(' ').next().unwrap_or_default().to_string();
    assert!(labels_of(rows[2]).contains(','), "{}", rows[2]);
    assert!(!rows[3].starts_with(char::is_numeric), "{}", rows[3]);

    // Those files read back as multi-label rows: bench compares on them, tune searches them.
    let (train_svm, test_svm) = (p("ml/export/train.svm"), p("ml/export/test.svm"));
    let mut args = vec![
        "bench",
        "--train",
        &train_svm,
        "--test",
        &test_svm,
        "--features-format",
        "svmlight",
        "--json",
    ];
    args.extend_from_slice(FAST);
    let b = json(&args);
    assert_eq!(b["multi_label"], true, "{b:#}");
    let methods: Vec<&str> = b["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["method"].as_str().expect("method"))
        .collect();
    assert_eq!(methods.len(), 5, "{methods:?}");
    assert!(b["rows"][0]["micro_f1"].as_f64().is_some(), "{b:#}");
    let t = json(&[
        "tune",
        "--train",
        &train_svm,
        "--features-format",
        "svmlight",
        "--json",
        "--budget",
        "5s",
        "--max-epochs",
        "3",
        "--threads",
        "1",
    ]);
    assert!(
        t["search"]["validation"]
            .as_str()
            .expect("validation")
            .contains("micro-F1"),
        "{t:#}"
    );
    // A command that takes one label per row says why it refuses them.
    let err = fails(&[
        "bench",
        "--data",
        &train_svm,
        "--features-format",
        "svmlight",
        "--cv",
        "3",
    ]);
    assert!(err.contains("multi-label rows"), "{err}");

    let bad = |name: &str, line: &str| -> String {
        let path = write(
            &format!("ml/{name}.jsonl"),
            &format!("{{\"text\": \"a\", \"labels\": [\"x\"]}}\n{line}\n"),
        );
        let mut args = vec!["train", "--train", &path, "--model", &model];
        args.extend_from_slice(FAST);
        fails(&args)
    };
    for (name, line) in [
        ("fraction_in_list", r#"{"text": "b", "labels": ["x", 1.5]}"#),
        ("object_as_labels", r#"{"text": "b", "labels": {"x": 1}}"#),
        (
            "empty_label_in_list",
            r#"{"text": "b", "labels": ["x", " "]}"#,
        ),
        ("empty_label", r#"{"text": "b", "label": ""}"#),
    ] {
        let err = bad(name, line);
        assert!(err.contains(&format!("{name}.jsonl:2")), "{name}: {err}");
    }
}

#[test]
fn multi_label_bench_runs_one_vs_rest_baselines_on_the_same_features() {
    let d = multi_label_demo();
    let (train, test) = (
        d.join("train.jsonl").display().to_string(),
        d.join("test.jsonl").display().to_string(),
    );
    let v = json(&[
        "bench",
        "--train",
        &train,
        "--test",
        &test,
        "--json",
        "--no-auto",
        "--epochs",
        "10",
        "--threads",
        "1",
        "--min-df",
        "1",
        "--ngrams",
        "1",
        "-q",
    ]);
    assert_eq!(v["multi_label"], true);
    assert_eq!(v["labels"], 3);
    assert_eq!(v["test_rows"], 200);
    let rows = v["rows"].as_array().expect("rows");
    let methods: Vec<&str> = rows.iter().filter_map(|r| r["method"].as_str()).collect();
    assert_eq!(
        methods,
        [
            "tsetlin machine",
            "one-vs-rest multinomial-nb",
            "one-vs-rest bernoulli-nb",
            "one-vs-rest logistic-regression",
            "one-vs-rest linear-svm"
        ]
    );
    for r in rows {
        for key in [
            "micro_f1",
            "macro_f1",
            "example_f1",
            "subset_accuracy",
            "hamming_loss",
        ] {
            assert!(r[key].as_f64().is_some(), "{key}: {r}");
        }
    }
    assert!(rows[0]["micro_f1"].as_f64().expect("tm") > 0.9, "{v:#}");
    assert!(rows[0]["settings"]["clauses"].as_u64().is_some(), "{v:#}");
    let table = ok(&[
        "bench",
        "--train",
        &train,
        "--test",
        &test,
        "--no-auto",
        "--epochs",
        "3",
        "--threads",
        "1",
        "--min-df",
        "1",
        "--methods",
        "tm,linear-svm",
        "-q",
    ]);
    assert!(table.contains("| one-vs-rest linear-svm |"), "{table}");
}

/// With no settings given, multi-label training searches them too (candidates ranked by
/// validation micro-F1), reports the search and keeps the given flags.
#[test]
fn multi_label_train_searches_the_settings() {
    let d = multi_label_demo();
    let train = d.join("train.jsonl").display().to_string();
    std::fs::create_dir_all(dir().join("ml-auto")).expect("mkdir");
    let model = p("ml-auto/m.tsetlin");
    let v = json(&[
        "train",
        "--train",
        &train,
        "--model",
        &model,
        "--json",
        "--threads",
        "1",
        "--budget",
        "10s",
        "--max-epochs",
        "4",
        "--ngrams",
        "1",
    ]);
    assert_eq!(v["multi_label"], true);
    let search = &v["search"];
    assert!(
        search["candidates"].as_u64().expect("candidates") >= 3,
        "{v:#}"
    );
    let f1 = search["valid_accuracy"].as_f64().expect("micro-F1");
    assert!((0.0..=1.0).contains(&f1), "{v:#}");
    assert_eq!(v["settings"]["ngram_max"], 1, "the pinned flag is kept");

    // `tune` runs the same search alone and says what its figures are.
    let t = json(&[
        "tune",
        "--train",
        &train,
        "--json",
        "--threads",
        "1",
        "--budget",
        "10s",
        "--max-epochs",
        "4",
        "--ngrams",
        "1",
    ]);
    let log = &t["search"];
    assert!(
        log["trials"].as_array().expect("trials").len() >= 3,
        "{t:#}"
    );
    assert!(
        log["validation"]
            .as_str()
            .expect("validation")
            .contains("micro-F1"),
        "{t:#}"
    );
    for key in [
        "clauses",
        "threshold",
        "specificity",
        "weighted",
        "max_features",
    ] {
        assert_eq!(
            log["chosen"][key], v["settings"][key],
            "{key}: the same choice as train"
        );
    }
}
