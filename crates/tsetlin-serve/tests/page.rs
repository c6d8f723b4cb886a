//! The page at `/` in headless Chromium: a note given in the link is explained, the label and
//! the fired rules shown are those of `/v1/explain` (the engine's explanation, as
//! `tsetlin explain` prints it), and the words behind them are highlighted.
//!
//! Skipped, with a message, when no Chromium is installed (`apt-get install -y chromium`, or
//! point `CHROMIUM` at a binary); CI installs it.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tsetlin::featurize::FeaturizerConfig;
use tsetlin::TextClassifier;
use tsetlin_core::{Control, FitOptions};
use tsetlin_serve::{Limits, ServeConfig};

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser", "google-chrome"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// The DOM after the page's script ran (headless Chromium, virtual time so the fetch
/// completes before the dump).
fn dump_dom(chromium: &PathBuf, url: &str, profile: &std::path::Path) -> String {
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    while child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "chromium did not finish");
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().expect("reader")
}

/// How a serialised DOM writes a text node.
fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn the_page_explains_a_pasted_note_as_the_api_does() {
    let Some(chromium) = find_chromium() else {
        eprintln!("skipped: no Chromium (apt-get install -y chromium, or set CHROMIUM)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let data = tsetlin::synth::clinical_notes(400, 1);
    let (mut clf, x, y) = TextClassifier::prepare(
        &data.texts,
        &data.labels,
        &FeaturizerConfig::default(),
        1,
        |p| p.clauses(40).threshold(20.0).specificity(4.0).seed(1),
    )
    .expect("prepare");
    clf.machine
        .fit(&x, &y, &FitOptions::epochs(8), |_, _| Control::Continue)
        .expect("fit");
    let model = dir.path().join("m.tsetlin");
    clf.save(&model).expect("save");
    let note = "Itchy rash & a reaction <after> penicillin; no fever.";
    let expected = clf.explain(note).expect("explain");

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let config = ServeConfig {
        model,
        addr: "127.0.0.1:0".parse().expect("addr"),
        api_key: None,
        allow_unauthenticated: false,
        limits: Limits::default(),
    };
    let state = config.state().expect("state");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(config.addr))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(tsetlin_serve::serve_until(listener, state, async {
        let _ = stopped.await;
    }));

    let encoded: String = note
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let dom = dump_dom(
        &chromium,
        &format!("http://{addr}/#text={encoded}"),
        &dir.path().join("profile"),
    );
    let _ = stop.send(());
    let _ = runtime.block_on(server);

    assert!(
        dom.contains("data-done=\"1\""),
        "the page did not finish: {dom}"
    );
    assert!(
        dom.contains(&format!("<div id=\"label\">{}</div>", expected.predicted)),
        "label {} not shown: {dom}",
        expected.predicted
    );
    // Every fired rule is listed, as the engine writes it (escaped), with its vote.
    let list = dom
        .split("<ol id=\"rules\">")
        .nth(1)
        .and_then(|rest| rest.split("</ol>").next())
        .expect("the rules list");
    let listed = list.matches("<li class=\"rule\">").count();
    assert_eq!(listed, expected.fired.len(), "{dom}");
    for f in &expected.fired {
        assert!(
            list.contains(&html_escape(&f.text)),
            "rule {:?} missing",
            f.text
        );
    }
    // The note is shown escaped, with the words the rules require highlighted.
    assert!(dom.contains("<mark>rash</mark>"), "{dom}");
    assert!(dom.contains("&lt;after&gt;"), "the note is escaped: {dom}");
    // Every class sum is in the table.
    for sum in &expected.class_sums {
        assert!(
            dom.contains(&format!("<td class=\"vote\">{sum}</td>")),
            "sum {sum}: {dom}"
        );
    }
}
