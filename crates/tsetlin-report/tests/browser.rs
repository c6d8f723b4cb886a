//! End-to-end test of the HTML page in headless Chromium.
//!
//! A deterministic synthetic report (3 classes, ~2,000 clauses, 100
//! documents) is rendered to `target/report-test/single-label/report.html` and opened with
//! `chromium --headless --dump-dom` under several deep links (`#tab=rules`,
//! `#doc=N`, `#paste=...`); the serialised DOM after the page's script ran is
//! checked against the data and against the Rust reference evaluator.
//! Screenshots of each tab land next to the report. The same report as a multi-label
//! model's (thresholds, label sets) goes to `target/report-test/multi-label/`.
//!
//! Skipped, with a message, when no Chromium is installed. Install with
//! `apt-get install -y chromium` (Debian), or point `CHROMIUM` at a binary.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tsetlin_report::*;

// ---------- deterministic synthetic report ----------

/// SplitMix64 (the engine's mixer): tiny, deterministic, good enough to make test data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let z = self.0;
        self.0 = self.0.wrapping_add(tsetlin_core::rng::GOLDEN);
        tsetlin_core::rng::mix(z)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, v: &'a [&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
}

const CLASSES: [&str; 3] = ["allergy", "infection", "cardiac"];
const CLASS_WORDS: [&[&str]; 3] = [
    &[
        "rash",
        "reaction",
        "hives",
        "itching",
        "swelling",
        "penicillin",
        "peanut",
        "anaphylaxis",
        "epinephrine",
        "antihistamine",
        "urticaria",
        "wheezing",
        "latex",
        "sneezing",
        "eczema",
    ],
    &[
        "fever",
        "chills",
        "antibiotic",
        "culture",
        "sepsis",
        "pneumonia",
        "cough",
        "pus",
        "wound",
        "cellulitis",
        "leukocytosis",
        "viral",
        "bacterial",
        "infiltrate",
        "sputum",
    ],
    &[
        "chest",
        "pain",
        "troponin",
        "ecg",
        "angina",
        "palpitations",
        "murmur",
        "stent",
        "infarction",
        "tachycardia",
        "hypertension",
        "syncope",
        "edema",
        "statin",
        "arrhythmia",
    ],
];
const COMMON: &[&str] = &[
    "patient",
    "denies",
    "reports",
    "history",
    "today",
    "mild",
    "severe",
    "noted",
    "admitted",
    "discharged",
    "stable",
    "review",
    "follow",
    "up",
    "clinic",
    "started",
    "stopped",
    "dose",
    "daily",
    "improved",
    "worse",
    "café",
    "naïve",
    "no",
    "not",
    "good",
];
const STOP: &[&str] = &["the", "a", "of", "and", "with", "was", "to"];
const BIGRAMS: &[&str] = &[
    "chest pain",
    "no fever",
    "not good",
    "follow up",
    "peanut reaction",
];

fn vocabulary() -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for w in CLASS_WORDS.iter().flat_map(|c| c.iter()).chain(COMMON) {
        v.push((*w).to_owned());
    }
    v.extend(BIGRAMS.iter().map(|s| (*s).to_owned()));
    // Rare filler terms make the feature space realistically large.
    v.extend((0..300).map(|i| format!("term{i}")));
    v
}

fn fid(features: &[String], term: &str) -> u32 {
    u32::try_from(features.iter().position(|f| f == term).expect("known term")).expect("small")
}

fn make_text(rng: &mut Rng, class: usize, i: usize) -> String {
    let mut words = Vec::new();
    let n = 8 + rng.below(14);
    for _ in 0..n {
        let w = match rng.below(10) {
            0..=4 => rng.pick(CLASS_WORDS[class]).to_owned(),
            5 => {
                let other = (class + 1 + rng.below(2)) % 3;
                rng.pick(CLASS_WORDS[other]).to_owned()
            }
            6 => rng.pick(STOP).to_owned(),
            7 => format!("term{}", rng.below(300)),
            _ => rng.pick(COMMON).to_owned(),
        };
        words.push(w);
    }
    if let Some(first) = words.first_mut() {
        let mut c = first.chars();
        if let Some(h) = c.next() {
            *first = h.to_uppercase().chain(c).collect();
        }
    }
    let mut text = words.join(" ");
    // Hostile and awkward content: markup, entities, quotes, breaks.
    match i % 7 {
        0 => text.push_str(". Pt said \"it's <worse> & itchy\"<br /><br />Plan: review."),
        3 => text.push_str(" </script><script>document.title='pwned'</script>"),
        5 => text.push_str("; O'Brien's note: <b>no fever</b> &amp; stable."),
        _ => text.push('.'),
    }
    text
}

fn synthetic_report() -> ReportData {
    let mut rng = Rng(42);
    let features = vocabulary();
    let class_ids: Vec<Vec<u32>> = CLASS_WORDS
        .iter()
        .map(|ws| ws.iter().map(|w| fid(&features, w)).collect())
        .collect();
    let mut clauses = vec![
        // Known rules the test looks for.
        ClauseRule {
            id: 0,
            class: 0,
            polarity: 1,
            weight: 60,
            positive: vec![fid(&features, "rash"), fid(&features, "reaction")],
            negated: vec![fid(&features, "denies")],
            coverage: None,
            precision: None,
        },
        ClauseRule {
            id: 1,
            class: 0,
            polarity: -1,
            weight: 55,
            positive: vec![fid(&features, "chest pain")],
            negated: vec![],
            coverage: None,
            precision: None,
        },
        // A rule with many negations: the compact view shows 3 and counts the rest.
        ClauseRule {
            id: 2,
            class: 0,
            polarity: 1,
            weight: 50,
            positive: vec![fid(&features, "penicillin")],
            negated: [
                "mild",
                "severe",
                "noted",
                "admitted",
                "discharged",
                "stable",
            ]
            .iter()
            .map(|w| fid(&features, w))
            .collect(),
            coverage: None,
            precision: None,
        },
    ];
    let n_clauses = 2000u32;
    for id in 3..n_clauses {
        let class = rng.below(3);
        let polarity: i8 = if id % 2 == 0 { 1 } else { -1 };
        let mut positive = Vec::new();
        let mut negated = Vec::new();
        if id % 97 != 0 {
            // Positive clauses look for the class's words, negative ones for
            // another class's; both sometimes require a word to be absent.
            let own = if polarity > 0 {
                class
            } else {
                (class + 1 + rng.below(2)) % 3
            };
            for _ in 0..1 + rng.below(3) {
                let f = class_ids[own][rng.below(15)];
                if !positive.contains(&f) {
                    positive.push(f);
                }
            }
            if rng.below(3) == 0 {
                let other = (own + 1 + rng.below(2)) % 3;
                negated.push(class_ids[other][rng.below(15)]);
            }
        }
        clauses.push(ClauseRule {
            id,
            class,
            polarity,
            weight: 1 + u32::try_from(rng.below(30)).expect("small"),
            positive,
            negated,
            coverage: None,
            precision: None,
        });
    }
    let mut data = ReportData {
        schema_version: SCHEMA_VERSION,
        title: "Synthetic clinical notes <test> & \"report\"".into(),
        generated_by: GeneratedBy {
            tool: "tsetlin".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        classes: CLASSES.iter().map(|s| (*s).to_owned()).collect(),
        features,
        tokenizer: TokenizerSpec {
            lowercase: true,
            ngram_max: 2,
            stop_words: STOP.iter().map(|s| (*s).to_owned()).collect(),
            stem: false,
            strip_html_breaks: true,
        },
        clauses,
        metrics: None,
        learning_curve: (1..=25)
            .map(|e| {
                let x = e as f64;
                EpochPoint {
                    epoch: e,
                    train_accuracy: Some(0.98 - 0.5 * (-x / 4.0).exp()),
                    valid_accuracy: Some(0.91 - 0.5 * (-x / 5.0).exp() + 0.01 * (x * 1.3).sin()),
                    seconds: Some(1.5 + 0.1 * (x * 0.7).cos()),
                }
            })
            .collect(),
        documents: Vec::new(),
        settings: vec![
            Setting::new("clauses", n_clauses),
            Setting::new("T", 50),
            Setting::new("s", 3.9),
            Setting::new("epochs", 25),
            Setting::new("weighted", true),
            Setting::new("seed", 42),
        ],
        multi_label: None,
    };
    let ev = Evaluator::new(&data);
    let docs: Vec<DocExplanation> = (0..100)
        .map(|i| {
            let class = rng.below(3);
            ev.explain(
                &format!("note-{i:03}"),
                &make_text(&mut rng, class, i),
                Some(class),
            )
        })
        .collect();
    // Coverage and precision of each clause over the documents.
    let mut cover = vec![(0usize, 0usize); data.clauses.len()];
    let pos_of: std::collections::HashMap<u32, usize> = data
        .clauses
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    for d in &docs {
        for f in &d.fired {
            let k = pos_of[&f.clause_id];
            let c = &data.clauses[k];
            cover[k].0 += 1;
            let agrees = (d.true_label == Some(c.class)) == (c.polarity > 0);
            cover[k].1 += usize::from(agrees);
        }
    }
    for (c, (n, ok)) in data.clauses.iter_mut().zip(cover) {
        c.coverage = Some(n);
        c.precision = (n > 0).then(|| ok as f64 / n as f64);
    }
    // Metrics from the predictions.
    let mut confusion = vec![vec![0usize; 3]; 3];
    for d in &docs {
        confusion[d.true_label.expect("labelled")][d.predicted] += 1;
    }
    let per_class: Vec<ClassMetrics> = (0..3)
        .map(|c| {
            let tp = confusion[c][c] as f64;
            let predicted: usize = (0..3).map(|t| confusion[t][c]).sum();
            let support: usize = confusion[c].iter().sum();
            let p = if predicted > 0 {
                tp / predicted as f64
            } else {
                0.0
            };
            let r = if support > 0 {
                tp / support as f64
            } else {
                0.0
            };
            let f1 = if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            };
            ClassMetrics {
                precision: p,
                recall: r,
                f1,
                support,
            }
        })
        .collect();
    let mean = |f: fn(&ClassMetrics) -> f64| per_class.iter().map(f).sum::<f64>() / 3.0;
    data.metrics = Some(MetricsSpec {
        accuracy: (0..3).map(|c| confusion[c][c]).sum::<usize>() as f64 / docs.len() as f64,
        macro_precision: mean(|m| m.precision),
        macro_recall: mean(|m| m.recall),
        macro_f1: mean(|m| m.f1),
        per_class,
        confusion,
        multi_label: None,
    });
    data.documents = docs;
    data
}

// ---------- Chromium driver ----------

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

struct Browser {
    bin: PathBuf,
    out_dir: PathBuf,
    runs: usize,
}

impl Browser {
    /// Runs Chromium headless on `url` with extra `args`; returns stdout and
    /// the wall time. A fresh profile per run keeps runs independent.
    fn run(&mut self, url: &str, args: &[String]) -> (String, Duration) {
        self.runs += 1;
        let profile = self.out_dir.join(format!("profile-{}", self.runs));
        let _ = std::fs::remove_dir_all(&profile);
        let started = Instant::now();
        let mut child = Command::new(&self.bin)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(args)
            .arg(url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        // Read stdout on a thread so a large DOM cannot block the child.
        let mut stdout = child.stdout.take().expect("piped stdout");
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut stdout, &mut s).expect("read DOM");
            s
        });
        let deadline = started + Duration::from_secs(90);
        loop {
            if child.try_wait().expect("wait chromium").is_some() {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within 90 s on {url}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let out = reader.join().expect("reader thread");
        let elapsed = started.elapsed();
        let _ = std::fs::remove_dir_all(&profile);
        (out, elapsed)
    }

    fn dump_dom(&mut self, url: &str) -> String {
        let (dom, _) = self.run(
            url,
            &["--virtual-time-budget=5000".into(), "--dump-dom".into()],
        );
        assert!(dom.contains("id=\"perf\""), "no DOM dumped for {url}");
        without_scripts(&dom)
    }

    fn screenshot(&mut self, url: &str, name: &str) -> PathBuf {
        let path = self.out_dir.join(name);
        let _ = std::fs::remove_file(&path);
        self.run(
            url,
            &[
                "--virtual-time-budget=5000".into(),
                "--window-size=1400,1800".into(),
                format!("--screenshot={}", path.display()),
            ],
        );
        assert!(path.is_file(), "no screenshot at {}", path.display());
        path
    }
}

/// Writes `data` as `report.html` into `target/report-test/<sub>` and opens a browser there:
/// the browser and the page's `file://` URL, or `None` (after saying so) without Chromium.
fn open_report(data: &ReportData, sub: &str, what: &str) -> Option<(Browser, String)> {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("report-test")
        .join(sub);
    std::fs::create_dir_all(&out_dir).expect("create target/report-test");
    let html_path = out_dir.join("report.html");
    let html = render_html(data);
    std::fs::write(&html_path, &html).expect("write report");
    std::fs::write(out_dir.join("report.json"), to_json(data)).expect("write json");
    println!("report: {} ({} bytes)", html_path.display(), html.len());
    let Some(bin) = find_chromium() else {
        say(&format!("SKIPPED {what}: no chromium found (install with `apt-get install -y chromium`, or set CHROMIUM=/path/to/chrome)"));
        return None;
    };
    let base = format!(
        "file://{}",
        html_path.display().to_string().replace(' ', "%20")
    );
    Some((
        Browser {
            bin,
            out_dir,
            runs: 0,
        },
        base,
    ))
}

/// Prints past libtest's output capture (which only hooks `print!`), so the
/// skip notice and the load time show up in a plain `cargo test` log.
fn say(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{msg}");
}

// ---------- tiny DOM helpers (string based, enough for our own markup) ----------

/// The DOM without `<script>` elements, whose source would match the
/// markup we search for.
fn without_scripts(dom: &str) -> String {
    let mut out = String::with_capacity(dom.len());
    let mut rest = dom;
    while let Some(a) = rest.find("<script") {
        out.push_str(&rest[..a]);
        match rest[a..].find("</script>") {
            Some(b) => rest = &rest[a + b + "</script>".len()..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The opening tag that contains `marker` (e.g. `id="perf"`).
fn tag_with<'a>(dom: &'a str, marker: &str) -> &'a str {
    let at = dom
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in DOM"));
    let start = dom[..at].rfind('<').expect("tag start");
    let end = at + dom[at..].find('>').expect("tag end");
    &dom[start..=end]
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let end = at + tag[at..].find('"')?;
    Some(decode_entities(&tag[at..end]))
}

/// Text content of the element whose opening tag contains `marker`, up to
/// the first `close` after it.
fn text_of(dom: &str, marker: &str, close: &str) -> String {
    let at = dom
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in DOM"));
    let start = at + dom[at..].find('>').expect("tag end") + 1;
    let end = start + dom[start..].find(close).expect("close tag");
    strip_tags(&dom[start..end])
}

/// `(class, sum)` of every class-sum row inside the element with `id`.
fn class_sums(dom: &str, id: &str) -> Vec<(usize, i64)> {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("#{id} not in DOM"));
    let mut out = Vec::new();
    let mut rest = &dom[at..];
    while let Some(k) = rest.find("data-testid=\"class-sum\"") {
        let tag = tag_with(rest, "data-testid=\"class-sum\"");
        let class = attr(tag, "data-class")
            .expect("data-class")
            .parse()
            .expect("int");
        let sum = attr(tag, "data-sum")
            .expect("data-sum")
            .parse()
            .expect("int");
        out.push((class, sum));
        rest = &rest[k + 10..];
        if out.len() == CLASSES.len() {
            break;
        }
    }
    out
}

fn encode_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn rule_matches(data: &ReportData, c: &ClauseRule, words: &[&str]) -> bool {
    words.iter().all(|w| {
        c.positive
            .iter()
            .chain(&c.negated)
            .any(|&f| data.features[f as usize].to_lowercase().contains(w))
    })
}

#[test]
fn report_renders_and_agrees_with_rust_in_chromium() {
    let data = synthetic_report();
    assert!(data.clauses.len() >= 2000 && data.documents.len() == 100);
    let Some((mut browser, base)) = open_report(&data, "single-label", "browser test") else {
        return;
    };
    let out_dir = browser.out_dir.clone();

    // --- Load time: a plain load, no virtual time (it would fake the clock).
    let (dom, wall) = browser.run(&base, &["--dump-dom".into()]);
    let dom = without_scripts(&dom);
    let perf = tag_with(&dom, "id=\"perf\"");
    let load_ms: f64 = attr(perf, "data-load-ms")
        .expect("load ms")
        .parse()
        .expect("float");
    let init_ms: f64 = attr(perf, "data-init-ms")
        .expect("init ms")
        .parse()
        .expect("float");
    say(&format!(
        "page load ({} clauses, {} documents): ready at {load_ms:.1} ms after navigation start, init script {init_ms:.1} ms; chromium process wall time {:.2} s",
        data.clauses.len(),
        data.documents.len(),
        wall.as_secs_f64()
    ));
    assert!(load_ms < 5000.0, "page took {load_ms} ms to get ready");
    // XSS: the hostile document text never becomes markup.
    assert!(dom.contains("<title>Synthetic clinical notes &lt;test&gt; &amp; \"report\"</title>"));
    assert!(!dom.contains("pwned'</script>"));
    // The overview says how long the rules are.
    let cards = text_of(&dom, "id=\"stat-cards\"", "</section>");
    assert!(
        cards.contains("Rule length") && cards.contains("of the vote from rules of ≤ 5 literals"),
        "{cards}"
    );

    // --- Rules of a class: count, a known rule's text, the filter.
    let dom = browser.dump_dom(&format!("{base}#tab=rules&class=0"));
    let total = data
        .clauses
        .iter()
        .filter(|c| c.class == 0 && !c.is_empty())
        .count();
    let rc = tag_with(&dom, "id=\"rule-count\"");
    assert_eq!(attr(rc, "data-total"), Some(total.to_string()));
    let rows = dom.matches("data-testid=\"rule\"").count();
    assert_eq!(rows, total.min(100), "rule rows rendered (capped at 100)");
    let first = text_of(&dom, "data-testid=\"rule\" data-clause-id=\"0\"", "</tr>");
    assert!(
        first.contains("rash AND reaction AND NOT denies → allergy"),
        "rule 0 reads: {first}"
    );
    // The compact view: three negations shown, the other three counted, not dropped.
    let long = text_of(&dom, "data-testid=\"rule\" data-clause-id=\"2\"", "</tr>");
    assert!(
        long.contains(
            "penicillin AND NOT mild AND NOT severe AND NOT noted AND +3 more NOT → allergy"
        ),
        "rule 2 reads: {long}"
    );
    // "all literals" (the auditors' view) shows every one.
    let all = browser.dump_dom(&format!("{base}#tab=rules&class=0&all=1"));
    let long = text_of(&all, "data-testid=\"rule\" data-clause-id=\"2\"", "</tr>");
    assert!(
        long.contains("NOT noted AND NOT admitted AND NOT discharged AND NOT stable → allergy"),
        "rule 2 with all literals reads: {long}"
    );
    assert!(!all.contains("data-testid=\"hidden-literals\""));
    let neg = text_of(&dom, "data-testid=\"rule\" data-clause-id=\"1\"", "</tr>");
    assert!(
        neg.contains("chest pain → NOT allergy"),
        "rule 1 reads: {neg}"
    );

    let dom = browser.dump_dom(&format!("{base}#tab=rules&class=2&filter=chest"));
    let want = data
        .clauses
        .iter()
        .filter(|c| c.class == 2 && !c.is_empty() && rule_matches(&data, c, &["chest"]))
        .count();
    let rc = tag_with(&dom, "id=\"rule-count\"");
    assert_eq!(attr(rc, "data-total"), Some(want.to_string()));
    assert_eq!(dom.matches("data-testid=\"rule\"").count(), want.min(100));

    // --- A document: class sums and prediction equal the data's; a wrong
    // prediction shows the misleading rules.
    let wrong = data
        .documents
        .iter()
        .position(|d| d.true_label != Some(d.predicted));
    let picks: Vec<usize> = [Some(7), wrong].into_iter().flatten().collect();
    for (k, &i) in picks.iter().enumerate() {
        let doc = &data.documents[i];
        let url = format!("{base}#doc={i}");
        let dom = browser.dump_dom(&url);
        let sums = class_sums(&dom, "class-sums");
        let want: Vec<(usize, i64)> = doc.class_sums.iter().copied().enumerate().collect();
        assert_eq!(sums, want, "class sums of document {i}");
        assert_eq!(
            text_of(&dom, "id=\"predicted\"", "</span>"),
            data.classes[doc.predicted]
        );
        assert_eq!(
            dom.contains("Why not "),
            doc.true_label != Some(doc.predicted),
            "misleading-rules box for document {i}"
        );
        let fired: HashSet<String> = dom
            .match_indices("data-testid=\"fired\" data-clause-id=\"")
            .map(|(at, m)| {
                let s = &dom[at + m.len()..];
                s[..s.find('"').expect("quote")].to_owned()
            })
            .collect();
        // Only fired clauses are listed, and the strongest one is among them.
        let truth: HashSet<String> = doc.fired.iter().map(|f| f.clause_id.to_string()).collect();
        assert!(fired.is_subset(&truth), "only fired clauses are listed");
        if let Some(top) = doc
            .fired
            .iter()
            .max_by_key(|f| (f.vote.abs(), std::cmp::Reverse(f.clause_id)))
        {
            assert!(
                fired.contains(&top.clause_id.to_string()),
                "strongest fired clause listed"
            );
        }
        assert!(dom.contains(&format!(
            "{} of {} clauses fired",
            doc.fired.len(),
            data.clauses.len()
        )));
        if k == picks.len() - 1 {
            let shot = browser.screenshot(&url, "documents.png");
            println!("screenshot: {}", shot.display());
        }
    }

    // --- Pasted text: the page's evaluation equals the Rust reference.
    let texts = [
        "Rash and reaction after PENICILLIN; no fever.<br />Chest pain at rest",
        "Patient denies rash. Fever, chills & productive cough — \"sputum\" <b>culture</b> pending",
        "Troponin up, ECG: tachycardia; naïve café follow-up not good",
    ];
    for (k, text) in texts.iter().enumerate() {
        let (want_sums, want_pred) = evaluate(&data, text);
        let url = format!("{base}#paste={}", encode_component(text));
        let dom = browser.dump_dom(&url);
        let res = tag_with(&dom, "id=\"paste-result\"");
        assert_eq!(
            attr(res, "data-predicted"),
            Some(want_pred.to_string()),
            "prediction for {text:?}"
        );
        let got: Vec<i64> =
            serde_json::from_str(&attr(res, "data-sums").expect("data-sums")).expect("sums JSON");
        assert_eq!(got, want_sums, "class sums for {text:?}");
        let mut want_features: Vec<u32> = Evaluator::new(&data)
            .spans(text)
            .iter()
            .map(|s| s.feature)
            .collect();
        want_features.sort_unstable();
        want_features.dedup();
        let got_features: Vec<u32> =
            serde_json::from_str(&attr(res, "data-features").expect("data-features"))
                .expect("features JSON");
        assert_eq!(got_features, want_features, "features found in {text:?}");
        let sums = class_sums(&dom, "paste-sums");
        assert_eq!(sums.iter().map(|s| s.1).collect::<Vec<_>>(), want_sums);
        if k == 0 {
            let shot = browser.screenshot(&url, "try.png");
            println!("screenshot: {}", shot.display());
        }
    }

    // A stemmed model: the page cannot reproduce stemming, so it refuses.
    let mut stemmed = data.clone();
    stemmed.tokenizer.stem = true;
    let stem_path = out_dir.join("report-stem.html");
    std::fs::write(&stem_path, render_html(&stemmed)).expect("write stemmed report");
    let dom =
        browser.dump_dom(&format!("file://{}#paste=rash", stem_path.display()).replace(' ', "%20"));
    assert!(tag_with(&dom, "id=\"paste-input\"").contains("disabled"));
    assert!(dom.contains("stemmed words"));
    assert!(attr(tag_with(&dom, "id=\"paste-result\""), "data-predicted").is_none());

    // A report with nothing in it still initialises (no script error).
    let mut empty = data.clone();
    empty.clauses.clear();
    empty.documents.clear();
    empty.metrics = None;
    empty.learning_curve.clear();
    let empty_path = out_dir.join("report-empty.html");
    std::fs::write(&empty_path, render_html(&empty)).expect("write empty report");
    let dom = browser
        .dump_dom(&format!("file://{}#doc=0&paste=rash", empty_path.display()).replace(' ', "%20"));
    assert!(
        attr(tag_with(&dom, "id=\"perf\""), "data-load-ms").is_some(),
        "empty report initialised"
    );
    assert!(dom.contains("No documents in this report."));

    for (tab, name) in [("overview", "overview.png"), ("rules&class=0", "rules.png")] {
        let shot = browser.screenshot(&format!("{base}#tab={tab}"), name);
        println!("screenshot: {}", shot.display());
    }
}

/// The synthetic report as a multi-label model's: thresholds per class, every document's
/// decided set from the Rust evaluator, true sets that add a second label to every fifth
/// document (so that some sets are missed and some labels extra), and label-set metrics.
fn multi_label_report() -> ReportData {
    let mut data = synthetic_report();
    data.multi_label = Some(MultiLabelSpec {
        thresholds: vec![30, -10, 0],
        chosen_on: "the last 20 % of the training file".into(),
    });
    let ev = Evaluator::new(&data);
    let docs: Vec<DocExplanation> = data
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let first = d.true_label.expect("labelled");
            let mut truth = vec![first];
            if i % 5 == 0 {
                truth.push((first + 1) % 3);
                truth.sort_unstable();
            }
            let mut e = ev.explain(&d.id, &d.text, None);
            e.true_labels = Some(truth);
            e
        })
        .collect();
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut exact = 0;
    for d in &docs {
        let (p, t) = (
            d.predicted_labels.as_ref().expect("decided"),
            d.true_labels.as_ref().expect("true"),
        );
        tp += p.iter().filter(|c| t.contains(c)).count();
        fp += p.iter().filter(|c| !t.contains(c)).count();
        fn_ += t.iter().filter(|c| !p.contains(c)).count();
        exact += usize::from(p == t);
    }
    let (p, r) = (
        tp as f64 / (tp + fp).max(1) as f64,
        tp as f64 / (tp + fn_).max(1) as f64,
    );
    let metrics = data.metrics.as_mut().expect("metrics");
    metrics.accuracy = exact as f64 / docs.len() as f64;
    metrics.confusion.clear();
    metrics.multi_label = Some(MultiLabelMetricsSpec {
        micro_precision: p,
        micro_recall: r,
        micro_f1: 2.0 * p * r / (p + r).max(f64::MIN_POSITIVE),
        example_f1: 0.5,
        subset_accuracy: metrics.accuracy,
        hamming_loss: (fp + fn_) as f64 / (3 * docs.len()) as f64,
    });
    data.documents = docs;
    data
}

#[test]
fn multi_label_report_decides_label_sets_like_rust_in_chromium() {
    let data = multi_label_report();
    let spec = data.multi_label.clone().expect("multi-label");
    let Some((mut browser, base)) = open_report(&data, "multi-label", "multi-label browser test")
    else {
        return;
    };

    // Overview: label-set figures, and the thresholds where a single-label report has its
    // confusion matrix.
    let dom = browser.dump_dom(&format!("{base}#tab=overview"));
    let cards = text_of(&dom, "id=\"stat-cards\"", "</section>");
    for want in ["Labels", "Micro F1", "Subset accuracy", "Hamming loss"] {
        assert!(cards.contains(want), "{want} not in {cards}");
    }
    assert!(!cards.contains("Accuracy"), "{cards}");
    assert_eq!(
        text_of(&dom, "id=\"confusion-title\"", "</h2>"),
        "How labels are decided"
    );
    let thresholds = text_of(&dom, "data-testid=\"thresholds\"", "</table>");
    assert!(
        thresholds.contains("allergy+30") && thresholds.contains("infection−10"),
        "{thresholds}"
    );

    // Rules of a label: its figures and its threshold beside them.
    let dom = browser.dump_dom(&format!("{base}#tab=rules&class=1"));
    let q = text_of(&dom, "id=\"class-quality\"", "</p>");
    assert!(
        q.starts_with("infection: precision")
            && q.contains("predicted when the score is above −10"),
        "{q}"
    );

    // Documents: the decided set, one box per missed and per extra label, each bar with its
    // threshold.
    let missed_doc = data.documents.iter().position(|d| {
        let (p, t) = (
            d.predicted_labels.as_ref().expect("decided"),
            d.true_labels.as_ref().expect("true"),
        );
        t.iter().any(|c| !p.contains(c)) && p.iter().any(|c| !t.contains(c))
    });
    let right_doc = data
        .documents
        .iter()
        .position(|d| d.predicted_labels == d.true_labels);
    let picks: Vec<usize> = [missed_doc, right_doc].into_iter().flatten().collect();
    assert!(
        !picks.is_empty(),
        "the synthetic data has no wrong and no right set"
    );
    for &i in &picks {
        let doc = &data.documents[i];
        let (p, t) = (
            doc.predicted_labels.clone().expect("decided"),
            doc.true_labels.clone().expect("true"),
        );
        let dom = browser.dump_dom(&format!("{base}#doc={i}"));
        let pred = tag_with(&dom, "id=\"predicted\"");
        let shown: Vec<usize> =
            serde_json::from_str(&attr(pred, "data-labels").expect("data-labels")).expect("JSON");
        assert_eq!(shown, p, "decided set of document {i}");
        let sums = class_sums(&dom, "class-sums");
        let want: Vec<(usize, i64)> = doc.class_sums.iter().copied().enumerate().collect();
        assert_eq!(sums, want, "class sums of document {i}");
        assert_eq!(dom.matches("data-threshold=").count(), 3, "document {i}");
        for c in 0..3 {
            let missed = t.contains(&c) && !p.contains(&c);
            let extra = p.contains(&c) && !t.contains(&c);
            let name = &data.classes[c];
            assert_eq!(
                dom.contains(&format!("Why not {name}?")),
                missed,
                "doc {i}, {name}"
            );
            assert_eq!(
                dom.contains(&format!("Why {name}?")),
                extra,
                "doc {i}, {name}"
            );
        }
        assert_eq!(dom.contains("WRONG"), p != t, "document {i}");
    }

    // Pasted text: the page decides the same set as the Rust evaluator.
    let texts = [
        "Rash and reaction after PENICILLIN; no fever.<br />Chest pain at rest",
        "Troponin up, ECG: tachycardia; fever and chills",
        "nothing of note",
    ];
    for text in texts {
        let want = explain(&data, "", text, None);
        let dom = browser.dump_dom(&format!("{base}#paste={}", encode_component(text)));
        let res = tag_with(&dom, "id=\"paste-result\"");
        let got: Vec<usize> =
            serde_json::from_str(&attr(res, "data-labels").expect("data-labels")).expect("JSON");
        assert_eq!(Some(got), want.predicted_labels, "labels for {text:?}");
        assert_eq!(want.predicted_labels, Some(spec.decide(&want.class_sums)));
    }
    let shot = browser.screenshot(&format!("{base}#doc={}", picks[0]), "documents.png");
    println!("screenshot: {}", shot.display());

    // Epochs recorded without a figure (a final model on every document): said, not drawn.
    let mut unscored = data.clone();
    for p in &mut unscored.learning_curve {
        (p.train_accuracy, p.valid_accuracy) = (None, None);
    }
    let Some((mut browser, base)) = open_report(&unscored, "unscored", "unscored curve test")
    else {
        return;
    };
    let dom = browser.dump_dom(&format!("{base}#tab=overview"));
    let note = text_of(&dom, "data-testid=\"no-curve\"", "</p>");
    assert!(
        note.starts_with("25 epochs trained; no micro-F1 was measured"),
        "{note}"
    );
}
