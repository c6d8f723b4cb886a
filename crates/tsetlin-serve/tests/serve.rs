//! The server end to end, on an ephemeral loopback port with a plain HTTP/1.1 client written
//! here: every route, the limits, malformed bodies, auth on and off, reload with a good and
//! with a damaged file, and graceful shutdown with a request in flight.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tsetlin::featurize::FeaturizerConfig;
use tsetlin::TextClassifier;
use tsetlin_core::{Control, FitOptions};
use tsetlin_serve::{Limits, ServeConfig, ServeError};

/// A trained demo classifier's file (made once per test binary), and a second, different one.
fn models() -> &'static (Vec<u8>, Vec<u8>) {
    static MODELS: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    MODELS.get_or_init(|| {
        let make = |seed: u64, epochs: usize| {
            let data = tsetlin::synth::clinical_notes(400, seed);
            let (mut clf, x, y) = TextClassifier::prepare(
                &data.texts,
                &data.labels,
                &FeaturizerConfig::default(),
                1,
                |p| p.clauses(40).threshold(20.0).specificity(4.0).seed(seed),
            )
            .expect("prepare");
            clf.machine
                .fit(&x, &y, &FitOptions::epochs(epochs), |_, _| {
                    Control::Continue
                })
                .expect("fit");
            clf.to_bytes().expect("bytes")
        };
        (make(1, 8), make(2, 3))
    })
}

struct Server {
    addr: SocketAddr,
    /// The state the server runs on (shared: what a test does to it, the server sees).
    state: tsetlin_serve::AppState,
    stop: Option<oneshot::Sender<()>>,
    done: tokio::task::JoinHandle<Result<(), ServeError>>,
    model: PathBuf,
    _dir: tempfile::TempDir,
}

async fn start(limits: Limits, api_key: Option<&str>) -> Server {
    start_with(&models().0, limits, api_key).await
}

/// A server on the model file `bytes`.
async fn start_with(bytes: &[u8], limits: Limits, api_key: Option<&str>) -> Server {
    let dir = tempfile::tempdir().expect("tempdir");
    let model = dir.path().join("m.tsetlin");
    std::fs::write(&model, bytes).expect("write model");
    let config = ServeConfig {
        model: model.clone(),
        addr: "127.0.0.1:0".parse().expect("addr"),
        api_key: api_key.map(str::to_string),
        allow_unauthenticated: false,
        limits,
    };
    config.validate().expect("valid config");
    let state = config.state().expect("state");
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let done = tokio::spawn(tsetlin_serve::serve_until(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    Server {
        addr,
        state,
        stop: Some(stop),
        done,
        model,
        _dir: dir,
    }
}

/// A response: status, headers (lowercased names), body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One request on a fresh connection (`Connection: close`), read to the end.
async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.expect("send head");
    // The server may answer (413) before reading a large body: a failed write is fine.
    let _ = stream.write_all(body).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head: {}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

const JSON: (&str, &str) = ("Content-Type", "application/json");

async fn post(addr: SocketAddr, path: &str, body: &Value) -> Reply {
    request(addr, "POST", path, &[JSON], body.to_string().as_bytes()).await
}

/// Liveness and readiness answer 200, with or without auth.
async fn assert_probes_answer(addr: SocketAddr) {
    for probe in ["/healthz", "/readyz"] {
        assert_eq!(
            request(addr, "GET", probe, &[], b"").await.status,
            200,
            "{probe}"
        );
    }
}

fn error_message(r: &Reply) -> String {
    r.json()["error"]["message"]
        .as_str()
        .expect("error message")
        .to_string()
}

fn error_code(r: &Reply) -> String {
    r.json()["error"]["code"]
        .as_str()
        .expect("error code")
        .to_string()
}

#[tokio::test]
async fn every_route_answers() {
    let s = start(Limits::default(), None).await;
    let note = "Patient developed a rash and a reaction after penicillin.";
    let one = post(s.addr, "/v1/predict", &serde_json::json!({"text": note})).await;
    assert_eq!(one.status, 200, "{}", String::from_utf8_lossy(&one.body));
    let one = one.json();
    assert_eq!(one["label"], "allergy", "{one}");
    assert!(one["class_sums"]["allergy"].as_i64().is_some());

    let batch = post(
        s.addr,
        "/v1/predict",
        &serde_json::json!({"texts": [note, "chest pain and troponin rise"]}),
    )
    .await
    .json();
    let predictions = batch["predictions"].as_array().expect("predictions");
    assert_eq!(predictions.len(), 2);
    assert_eq!(
        predictions[0], one,
        "a batch answers each text as a single request does"
    );

    let explained = post(s.addr, "/v1/explain", &serde_json::json!({"text": note}))
        .await
        .json();
    assert_eq!(explained["label"], one["label"]);
    assert_eq!(explained["class_sums"], one["class_sums"]);
    // The fired rules' votes add up to the class sums.
    let rules = explained["rules"].as_array().expect("rules");
    for (class, sum) in one["class_sums"].as_object().expect("sums") {
        let votes: i64 = rules
            .iter()
            .filter(|r| r["class"] == *class)
            .map(|r| r["vote"].as_i64().expect("vote"))
            .sum();
        assert_eq!(votes, sum.as_i64().expect("sum"), "class {class}");
    }
    let spans = explained["spans"].as_array().expect("spans");
    assert!(spans.iter().any(|sp| sp["term"] == "rash"), "{explained}");
    for sp in spans {
        let (a, b) = (
            sp["start"].as_u64().expect("start") as usize,
            sp["end"].as_u64().expect("end") as usize,
        );
        assert_eq!(
            note[a..b].to_lowercase(),
            sp["term"].as_str().expect("term")
        );
    }

    let rules = request(s.addr, "GET", "/v1/rules?class=allergy&limit=3", &[], b"").await;
    assert_eq!(rules.status, 200);
    let rules = rules.json();
    assert!(rules["rules"].as_array().expect("rules").len() <= 3);
    assert!(rules["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .all(|r| r["class"] == "allergy"));
    let unknown = request(s.addr, "GET", "/v1/rules?class=nope", &[], b"").await;
    assert_eq!(unknown.status, 404);
    assert!(error_message(&unknown).contains("allergy"));

    let model = request(s.addr, "GET", "/v1/model", &[], b"").await.json();
    assert_eq!(
        model["model"]["labels"].as_array().expect("labels").len(),
        4
    );
    assert_eq!(model["model"]["sha256"].as_str().expect("hash").len(), 64);
    assert!(model["last_reload_error"].is_null());

    assert_probes_answer(s.addr).await;
    let metrics = request(s.addr, "GET", "/metrics", &[], b"").await;
    assert_eq!(metrics.status, 200);
    let text = String::from_utf8_lossy(&metrics.body);
    assert!(
        text.contains("tsetlin_http_requests_total{route=\"/v1/predict\",status=\"200\"} 2"),
        "{text}"
    );
    assert!(
        text.contains("tsetlin_predict_batch_size_count 2"),
        "{text}"
    );
    assert!(text.contains("tsetlin_model_load_seconds"), "{text}");

    // The OpenAPI document covers every route, with the schemas of the bodies.
    let doc = request(s.addr, "GET", "/openapi.json", &[], b"")
        .await
        .json();
    let mut paths: Vec<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "/healthz",
            "/metrics",
            "/readyz",
            "/v1/admin/reload",
            "/v1/explain",
            "/v1/model",
            "/v1/predict",
            "/v1/rules"
        ]
    );
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for name in [
        "PredictRequest",
        "Prediction",
        "BatchResponse",
        "ExplainResponse",
        "ErrorBody",
        "ModelResponse",
    ] {
        assert!(
            schemas.contains_key(name),
            "{name} missing from the OpenAPI document"
        );
    }

    let missing = request(s.addr, "GET", "/nope", &[], b"").await;
    assert_eq!(missing.status, 404);
    assert_eq!(error_code(&missing), "not_found");
    // A request id is returned, and the caller's own is propagated.
    let own = request(
        s.addr,
        "GET",
        "/healthz",
        &[("x-request-id", "abc-123")],
        b"",
    )
    .await;
    assert_eq!(own.header("x-request-id"), Some("abc-123"));
    assert!(missing.header("x-request-id").is_some());
}

#[tokio::test]
async fn bad_requests_get_json_errors_naming_the_problem() {
    let limits = Limits {
        max_body_bytes: 4096,
        max_batch: 3,
        max_text_bytes: 100,
        ..Limits::default()
    };
    let s = start(limits, None).await;
    let cases: Vec<(Vec<u8>, u16, &str, &str)> = vec![
        (b"{\"text\":".to_vec(), 400, "bad_request", "EOF"),
        (
            b"{\"text\": 5}".to_vec(),
            422,
            "bad_request",
            "invalid type",
        ),
        (
            b"{\"txt\": \"a\"}".to_vec(),
            422,
            "bad_request",
            "unknown field",
        ),
        (b"{}".to_vec(), 400, "bad_request", "missing field"),
        (
            b"{\"text\": \"   \"}".to_vec(),
            400,
            "bad_request",
            "text: the text is empty",
        ),
        (
            b"{\"texts\": []}".to_vec(),
            400,
            "bad_request",
            "the list is empty",
        ),
        (
            b"{\"text\": \"a\", \"texts\": [\"b\"]}".to_vec(),
            400,
            "bad_request",
            "not both",
        ),
        (
            serde_json::json!({"texts": ["a", "b", "c", "d"]})
                .to_string()
                .into_bytes(),
            413,
            "batch_too_large",
            "4 documents, more than the limit of 3",
        ),
        (
            serde_json::json!({"texts": ["a", "x".repeat(200)]})
                .to_string()
                .into_bytes(),
            413,
            "text_too_long",
            "texts[1]: 200 bytes",
        ),
        (
            serde_json::json!({"text": "y".repeat(10_000)})
                .to_string()
                .into_bytes(),
            413,
            "payload_too_large",
            "",
        ),
        (b"{\"text\": \"\xff\xfe\"}".to_vec(), 400, "bad_request", ""),
    ];
    for (body, status, code, says) in cases {
        let r = request(s.addr, "POST", "/v1/predict", &[JSON], &body).await;
        let shown = String::from_utf8_lossy(&body)
            .chars()
            .take(60)
            .collect::<String>();
        assert_eq!(
            r.status,
            status,
            "{shown}: {}",
            String::from_utf8_lossy(&r.body)
        );
        assert_eq!(error_code(&r), code, "{shown}");
        let message = error_message(&r);
        assert!(message.contains(says), "{shown}: {message}");
        assert!(
            !message.contains(".rs") && !message.contains('/'),
            "no paths: {message}"
        );
    }
    let no_type = request(s.addr, "POST", "/v1/predict", &[], b"{\"text\": \"a\"}").await;
    assert_eq!(no_type.status, 415);
    assert_eq!(error_code(&no_type), "unsupported_media_type");
    let batch_explain = post(s.addr, "/v1/explain", &serde_json::json!({"texts": ["a"]})).await;
    assert_eq!(batch_explain.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_beyond_the_bound_gets_503_with_retry_after() {
    let limits = Limits {
        max_in_flight: 1,
        max_body_bytes: 64 << 20,
        ..Limits::default()
    };
    let s = start(limits, None).await;
    // The only permit held, as by a request still scoring (holding it in the test, not with a
    // big batch: whether a second request lands while a batch scores is a race a loaded
    // machine loses).
    let held = s.state.hold_work_permit().expect("the permit is free");
    let note = serde_json::json!({"text": "rash"});
    for route in ["/v1/predict", "/v1/explain"] {
        let r = post(s.addr, route, &note).await;
        assert_eq!(r.status, 503, "{route}");
        assert_eq!(error_code(&r), "overloaded");
        assert_eq!(r.header("retry-after"), Some("1"));
    }
    // Probes and metadata need no permit: the server stays observable while saturated.
    let health = request(s.addr, "GET", "/healthz", &[], b"").await;
    assert_eq!(health.status, 200);
    drop(held);
    assert_eq!(post(s.addr, "/v1/predict", &note).await.status, 200);
}

#[tokio::test]
async fn a_request_past_its_time_limit_gets_503() {
    let limits = Limits {
        timeout: Duration::from_nanos(1),
        ..Limits::default()
    };
    let s = start(limits, None).await;
    // Enough work (tens of milliseconds) that it cannot finish before the first poll of the
    // 1 ns timeout, even on a loaded machine.
    let long_note = "rash reaction penicillin chest pain troponin fever culture ".repeat(12);
    let r = post(
        s.addr,
        "/v1/predict",
        &serde_json::json!({"texts": vec![long_note.as_str(); 4000]}),
    )
    .await;
    assert_eq!(r.status, 503);
    assert_eq!(error_code(&r), "timeout");
}

#[tokio::test]
async fn a_bearer_token_guards_the_api_but_not_the_probes() {
    let key = "0123456789abcdef-secret";
    let s = start(Limits::default(), Some(key)).await;
    let body = serde_json::json!({"text": "rash"}).to_string();
    let none = request(s.addr, "POST", "/v1/predict", &[JSON], body.as_bytes()).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));
    let wrong = request(
        s.addr,
        "POST",
        "/v1/predict",
        &[JSON, ("Authorization", "Bearer 0123456789abcdef-secreT")],
        body.as_bytes(),
    )
    .await;
    assert_eq!(wrong.status, 401);
    let bearer = format!("Bearer {key}");
    let right = request(
        s.addr,
        "POST",
        "/v1/predict",
        &[JSON, ("Authorization", &bearer)],
        body.as_bytes(),
    )
    .await;
    assert_eq!(right.status, 200);
    let reload = request(s.addr, "POST", "/v1/admin/reload", &[], b"").await;
    assert_eq!(reload.status, 401, "the admin route needs the token");
    assert_probes_answer(s.addr).await;
}

#[tokio::test]
async fn reload_swaps_a_good_file_and_keeps_serving_on_a_damaged_one() {
    let s = start(Limits::default(), None).await;
    let note = serde_json::json!({"text": "rash reaction penicillin"});
    let before =
        request(s.addr, "GET", "/v1/model", &[], b"").await.json()["model"]["sha256"].clone();

    write_over(&s.model, &models().1);
    let r = request(s.addr, "POST", "/v1/admin/reload", &[], b"").await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let after = r.json()["model"]["sha256"].clone();
    assert_ne!(before, after);

    let mut damaged = models().0.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xff;
    write_over(&s.model, &damaged);
    let r = request(s.addr, "POST", "/v1/admin/reload", &[], b"").await;
    assert_eq!(r.status, 422);
    assert_eq!(error_code(&r), "reload_failed");
    assert!(error_message(&r).contains("checksum"));
    let model = request(s.addr, "GET", "/v1/model", &[], b"").await.json();
    assert_eq!(
        model["model"]["sha256"], after,
        "the previous model keeps serving"
    );
    assert!(model["last_reload_error"]["message"]
        .as_str()
        .expect("error")
        .contains("checksum"));
    assert_eq!(post(s.addr, "/v1/predict", &note).await.status, 200);
    let metrics = request(s.addr, "GET", "/metrics", &[], b"").await;
    let text = String::from_utf8_lossy(&metrics.body);
    assert!(
        text.contains("tsetlin_model_reloads_total{outcome=\"failed\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("tsetlin_model_reloads_total{outcome=\"ok\"} 1"),
        "{text}"
    );
}

fn write_over(path: &Path, bytes: &[u8]) {
    tsetlin_core::format::write_atomically(path, bytes).expect("write");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_the_request_in_flight_finish() {
    let limits = Limits {
        max_body_bytes: 64 << 20,
        ..Limits::default()
    };
    let mut s = start(limits, None).await;
    let long_note = "rash reaction penicillin chest pain troponin fever culture ".repeat(150);
    let big = serde_json::json!({"texts": vec![long_note; 3000]}).to_string();
    let addr = s.addr;
    let slow =
        tokio::spawn(
            async move { request(addr, "POST", "/v1/predict", &[JSON], big.as_bytes()).await },
        );
    // Wait until the batch is being scored, then ask the server to stop.
    loop {
        let m = request(addr, "GET", "/metrics", &[], b"").await;
        if String::from_utf8_lossy(&m.body).contains("tsetlin_predict_batch_size_count 1") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    s.stop.take().expect("stop").send(()).expect("signal");
    let reply = slow.await.expect("join");
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json()["predictions"]
            .as_array()
            .expect("predictions")
            .len(),
        3000
    );
    tokio::time::timeout(Duration::from_secs(10), s.done)
        .await
        .expect("the server stops")
        .expect("join")
        .expect("clean exit");
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

#[test]
fn a_public_address_needs_a_token_or_an_explicit_choice() {
    let mut config = ServeConfig {
        model: PathBuf::from("m.tsetlin"),
        addr: "0.0.0.0:8080".parse().expect("addr"),
        api_key: None,
        allow_unauthenticated: false,
        limits: Limits::default(),
    };
    let err = config.validate().expect_err("refused").to_string();
    assert!(err.contains("--api-key-file"), "{err}");
    config.allow_unauthenticated = true;
    assert!(config.validate().is_ok());
    config.api_key = Some("short".to_string());
    assert!(config.validate().is_err(), "a short key is refused");
    let missing = ServeConfig {
        model: PathBuf::from("/nonexistent/m.tsetlin"),
        addr: "127.0.0.1:0".parse().expect("addr"),
        api_key: None,
        allow_unauthenticated: false,
        limits: Limits::default(),
    };
    let err = missing.state().err().expect("no model").to_string();
    assert!(err.contains("cannot serve /nonexistent/m.tsetlin"), "{err}");
}

/// A multi-label classifier's file, trained on the multi-label demo notes.
fn multi_label_model() -> Vec<u8> {
    let data = tsetlin::synth::clinical_notes_multi_label(800, 3);
    let pins = tsetlin::tune::Pinned {
        ngram_max: Some(1),
        max_features: Some(0),
        clauses: Some(20),
        threshold: Some(40.0),
        specificity: Some(3.0),
        weighted: Some(true),
        epochs: Some(15),
        ..tsetlin::tune::Pinned::default()
    };
    let config = FeaturizerConfig {
        min_df: 1,
        ..FeaturizerConfig::default()
    };
    let options = tsetlin::multi_label::MultiLabelOptions {
        threads: 1,
        ..Default::default()
    };
    let fit = tsetlin::multi_label::fit_text(
        &data.texts,
        data.label_sets.as_deref().expect("label sets"),
        &config,
        &pins,
        &options,
        |_, _| {},
    )
    .expect("fit");
    fit.model.to_bytes().expect("bytes")
}

#[tokio::test]
async fn a_multi_label_model_answers_label_sets() {
    let s = start_with(&multi_label_model(), Limits::default(), None).await;
    let both = "Noted a mild rash on the arm. A reaction was observed after the dose. Was given \
                penicillin today. Chest pain since the morning. Troponin elevated on arrival.";
    let one = post(s.addr, "/v1/predict", &serde_json::json!({"text": both})).await;
    assert_eq!(one.status, 200, "{}", String::from_utf8_lossy(&one.body));
    let one = one.json();
    assert!(one.get("label").is_none(), "{one}");
    assert_eq!(
        one["labels"],
        serde_json::json!(["allergy", "cardiac"]),
        "{one}"
    );
    assert_eq!(one["class_sums"].as_object().expect("sums").len(), 3);

    let none = post(
        s.addr,
        "/v1/predict",
        &serde_json::json!({"texts": ["Routine follow-up visit."]}),
    )
    .await
    .json();
    assert_eq!(
        none["predictions"][0]["labels"],
        serde_json::json!([]),
        "{none}"
    );

    let explained = post(s.addr, "/v1/explain", &serde_json::json!({"text": both}))
        .await
        .json();
    assert_eq!(explained["labels"], one["labels"]);
    let rules = explained["rules"].as_array().expect("rules");
    for (label, sum) in one["class_sums"].as_object().expect("sums") {
        let votes: i64 = rules
            .iter()
            .filter(|r| r["class"] == *label)
            .map(|r| r["vote"].as_i64().expect("vote"))
            .sum();
        assert_eq!(votes, sum.as_i64().expect("sum"), "label {label}");
    }
    // The rules of the predicted labels come first.
    assert!(["allergy", "cardiac"].contains(&rules[0]["class"].as_str().expect("class")));

    let model = request(s.addr, "GET", "/v1/model", &[], &[]).await.json();
    assert_eq!(model["model"]["multi_label"], true, "{model}");
    assert!(
        model["model"]["thresholds"]["infection"].as_i64().is_some(),
        "{model}"
    );
}
