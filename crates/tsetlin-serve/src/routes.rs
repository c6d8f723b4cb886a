//! The routes and their handlers.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;
use tsetlin::text_scorer::TextScorer;
use tsetlin_core::Rule;

use crate::api::{
    ApiError, ApiJson, BatchResponse, ClassSums, ErrorBody, ExplainResponse, ModelResponse,
    PredictRequest, Prediction, RuleOut, RulesQuery, RulesResponse, Span, Status,
};
use crate::model::{Loaded, ModelSlot};
use crate::observe::{self, Metrics};
use crate::Limits;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

struct Shared {
    slot: ModelSlot,
    limits: Limits,
    metrics: Arc<Metrics>,
    /// Permits for concurrent scoring work: the bound that turns overload into 503s instead
    /// of a queue that grows without limit.
    work: Arc<Semaphore>,
    /// SHA-256 of the bearer token, when auth is on (compared in constant time).
    api_key: Option<[u8; 32]>,
}

impl AppState {
    /// The state of a server over `slot`.
    pub fn new(
        slot: ModelSlot,
        limits: Limits,
        metrics: Arc<Metrics>,
        api_key: Option<&str>,
    ) -> Self {
        metrics
            .model_load_seconds
            .set(slot.current().info.load_seconds);
        Self {
            inner: Arc::new(Shared {
                work: Arc::new(Semaphore::new(limits.max_in_flight)),
                slot,
                limits,
                metrics,
                api_key: api_key.map(|k| Sha256::digest(k.as_bytes()).into()),
            }),
        }
    }

    /// Takes one of the permits for scoring work, as a request does while it scores (`None`:
    /// all are taken). Held, it makes the server answer scoring requests beyond the bound
    /// with 503; for tests of that bound, which cannot rely on a request being slow enough.
    #[doc(hidden)]
    pub fn hold_work_permit(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        Arc::clone(&self.inner.work).try_acquire_owned().ok()
    }

    /// Reloads the model file (blocking work, on the blocking pool); the outcome is counted
    /// and logged, and a failure leaves the old model serving.
    pub async fn reload(&self) -> Result<crate::model::ModelInfo, crate::model::ReloadError> {
        let state = self.clone();
        let outcome = tokio::task::spawn_blocking(move || state.inner.slot.reload())
            .await
            .unwrap_or_else(|e| {
                Err(crate::model::ReloadError {
                    message: format!("the reload task failed: {e}"),
                    at: 0,
                })
            });
        let metrics = &self.inner.metrics;
        match &outcome {
            Ok(info) => {
                metrics.reloads.with_label_values(&["ok"]).inc();
                metrics.model_load_seconds.set(info.load_seconds);
                tracing::info!(sha256 = %info.sha256, "model reloaded");
            }
            Err(e) => {
                metrics.reloads.with_label_values(&["failed"]).inc();
                tracing::error!(error = %e.message, "model reload failed; the old model keeps serving");
            }
        }
        outcome
    }
}

/// The whole application: every route, the auth on `/v1/*`, the body limit and the
/// per-request tracking.
pub fn router(state: AppState) -> Router {
    let metrics = Arc::clone(&state.inner.metrics);
    let body_limit = state.inner.limits.max_body_bytes;
    let api = Router::new()
        .route("/v1/predict", post(predict))
        .route("/v1/explain", post(explain))
        .route("/v1/rules", get(rules))
        .route("/v1/model", get(model))
        .route("/v1/admin/reload", post(reload))
        .route_layer(from_fn_with_state(state.clone(), require_key));
    Router::new()
        .merge(api)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .route("/openapi.json", get(openapi))
        .route("/", get(page))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
        .layer(from_fn_with_state(metrics, observe::track))
}

async fn require_key(State(s): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(expected) = &s.inner.api_key {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let ok = given.is_some_and(|token| {
            let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
            bool::from(digest.ct_eq(expected))
        });
        if !ok {
            let mut response = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "missing or wrong bearer token (Authorization: Bearer <key>)",
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        }
    }
    next.run(request).await
}

/// The texts of a prediction request, checked against the limits.
enum Texts {
    One(String),
    Many(Vec<String>),
}

fn checked_texts(req: PredictRequest, limits: &Limits, batch: bool) -> Result<Texts, ApiError> {
    let check = |field: String, text: &str| -> Result<(), ApiError> {
        if text.trim().is_empty() {
            return Err(ApiError::bad_request(format!("{field}: the text is empty")));
        }
        if text.len() > limits.max_text_bytes {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "text_too_long",
                format!(
                    "{field}: {} bytes, more than the limit of {} bytes per text",
                    text.len(),
                    limits.max_text_bytes
                ),
            ));
        }
        Ok(())
    };
    match (req.text, req.texts) {
        (Some(text), None) => {
            check("text".to_string(), &text)?;
            Ok(Texts::One(text))
        }
        (None, Some(texts)) if batch => {
            if texts.is_empty() {
                return Err(ApiError::bad_request("texts: the list is empty"));
            }
            if texts.len() > limits.max_batch {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "batch_too_large",
                    format!(
                        "texts: {} documents, more than the limit of {} per request",
                        texts.len(),
                        limits.max_batch
                    ),
                ));
            }
            for (i, t) in texts.iter().enumerate() {
                check(format!("texts[{i}]"), t)?;
            }
            Ok(Texts::Many(texts))
        }
        (None, Some(_)) => Err(ApiError::bad_request(
            "texts: this route explains one document; send \"text\"",
        )),
        (Some(_), Some(_)) => Err(ApiError::bad_request(
            "give either \"text\" (one document) or \"texts\" (a list), not both",
        )),
        (None, None) => Err(ApiError::bad_request(
            "missing field \"text\" (one document) or \"texts\" (a list)",
        )),
    }
}

/// Runs scoring work on the blocking pool under a work permit and the request timeout.
async fn scored<R: Send + 'static>(
    s: &AppState,
    work: impl FnOnce(&Loaded) -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    let permit = Arc::clone(&s.inner.work)
        .try_acquire_owned()
        .map_err(|_| ApiError::overloaded())?;
    let model = s.inner.slot.current();
    let task = tokio::task::spawn_blocking(move || {
        let _permit_held_while_working = permit;
        work(&model)
    });
    match tokio::time::timeout(s.inner.limits.timeout, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the request failed inside the server (a bug; it is logged)",
        )),
        Err(_) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!(
                "the request took longer than {:?}; send fewer or shorter texts",
                s.inner.limits.timeout
            ),
        )),
    }
}

/// What a model predicts from one document's sums: `(label, labels)`, the class with the
/// largest sum for a single-label model, the labels above their thresholds for a multi-label
/// one.
fn decided(scorer: &TextScorer, sums: &[i64]) -> (Option<String>, Option<Vec<String>>) {
    let names = scorer.class_names();
    match scorer.multi_label() {
        None => (
            Some(names[tsetlin_core::decide(sums) as usize].clone()),
            None,
        ),
        Some(d) => (
            None,
            Some(
                d.decide_names(sums, names)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            ),
        ),
    }
}

fn prediction(m: &Loaded, sums: &[i64]) -> Prediction {
    let (label, labels) = decided(&m.scorer, sums);
    Prediction {
        label,
        labels,
        class_sums: ClassSums::new(&m.sum_labels, sums),
    }
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "scoring failed");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "scoring failed inside the server (it is logged)",
    )
}

/// Predicts the label of one text (`text`) or of each text of a batch (`texts`).
#[utoipa::path(post, path = "/v1/predict", request_body = PredictRequest,
    responses(
        (status = 200, description = "`{\"text\"}`: one prediction", body = Prediction),
        (status = 200, description = "`{\"texts\"}`: one per text, in order", body = BatchResponse),
        (status = 400, description = "malformed body or empty text", body = ErrorBody),
        (status = 413, description = "body, batch or text over its limit", body = ErrorBody),
        (status = 503, description = "overloaded (Retry-After) or timed out", body = ErrorBody),
    ))]
async fn predict(
    State(s): State<AppState>,
    ApiJson(req): ApiJson<PredictRequest>,
) -> Result<Response, ApiError> {
    match checked_texts(req, &s.inner.limits, true)? {
        Texts::One(text) => {
            s.inner.metrics.batch_size.observe(1.0);
            let p = scored(&s, move |m| {
                let sums = m.scorer.text_sums(&text).map_err(internal)?;
                Ok(prediction(m, &sums))
            })
            .await?;
            Ok(Json(p).into_response())
        }
        Texts::Many(texts) => {
            s.inner.metrics.batch_size.observe(texts.len() as f64);
            let batch = scored(&s, move |m| {
                let k = m.scorer.class_names().len().max(1);
                let sums = m.scorer.class_sums(&texts).map_err(internal)?;
                let predictions = sums.chunks(k).map(|row| prediction(m, row)).collect();
                Ok(BatchResponse { predictions })
            })
            .await?;
            Ok(Json(batch).into_response())
        }
    }
}

fn rule_out(m: &Loaded, rule: &Rule) -> RuleOut {
    let names = m.scorer.featurizer().feature_names();
    let words = |ids: &[u32]| ids.iter().map(|&f| names[f as usize].clone()).collect();
    RuleOut {
        class: m.scorer.class_names()[rule.class].clone(),
        vote: rule.vote(),
        text: m.scorer.rule_text(rule),
        present: words(&rule.positive),
        absent: words(&rule.negated),
    }
}

/// Explains the prediction for one text: the rules that fired and the spans behind them.
#[utoipa::path(post, path = "/v1/explain", request_body = PredictRequest,
    responses(
        (status = 200, body = ExplainResponse),
        (status = 400, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 503, body = ErrorBody),
    ))]
async fn explain(
    State(s): State<AppState>,
    ApiJson(req): ApiJson<PredictRequest>,
) -> Result<Json<ExplainResponse>, ApiError> {
    let Texts::One(text) = checked_texts(req, &s.inner.limits, false)? else {
        return Err(ApiError::bad_request("send \"text\""));
    };
    let out = scored(&s, move |m| {
        let e = m.scorer.explain(&text).map_err(internal)?;
        let class_names = m.scorer.class_names();
        let (label, labels) = decided(&m.scorer, &e.class_sums);
        let predicted: Vec<usize> = class_names
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                label.as_ref() == Some(*c) || labels.as_ref().is_some_and(|l| l.contains(c))
            })
            .map(|(i, _)| i)
            .collect();
        let mut fired: Vec<&tsetlin::classifier::FiredRule> = e.fired.iter().collect();
        // The rules for the predicted labels first (what a reader asks: why this label?),
        // then the others; heaviest vote first within each.
        fired.sort_by_key(|f| {
            (
                !predicted.contains(&f.rule.class),
                std::cmp::Reverse(f.vote),
                std::cmp::Reverse(f.vote.abs()),
                f.rule.class,
                f.rule.clause,
            )
        });
        let used: HashSet<u32> = fired
            .iter()
            .flat_map(|f| f.rule.positive.iter().copied())
            .collect();
        let names = m.scorer.featurizer().feature_names();
        let mut spans: Vec<Span> = e
            .matches
            .iter()
            .filter(|fm| used.contains(&fm.feature))
            .flat_map(|fm| {
                fm.spans.iter().map(|&(start, end)| Span {
                    term: names[fm.feature as usize].clone(),
                    start,
                    end,
                })
            })
            .collect();
        spans.sort_by_key(|sp| (sp.start, sp.end));
        Ok(ExplainResponse {
            label,
            labels,
            class_sums: class_names
                .iter()
                .cloned()
                .zip(e.class_sums.iter().copied())
                .collect::<BTreeMap<_, _>>(),
            rules: fired.iter().map(|f| rule_out(m, &f.rule)).collect(),
            spans,
        })
    })
    .await?;
    Ok(Json(out))
}

/// The most rules one `/v1/rules` answer lists.
const MAX_RULES: usize = 10_000;

/// The heaviest rules, of one class or all.
#[utoipa::path(get, path = "/v1/rules", params(RulesQuery),
    responses((status = 200, body = RulesResponse), (status = 404, body = ErrorBody)))]
async fn rules(
    State(s): State<AppState>,
    query: Result<Query<RulesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<RulesResponse>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let limit = q.limit.unwrap_or(50).min(MAX_RULES);
    let m = s.inner.slot.current();
    let class = match &q.class {
        Some(name) => Some(
            m.scorer
                .class_names()
                .iter()
                .position(|c| c == name)
                .ok_or_else(|| {
                    ApiError::new(
                        StatusCode::NOT_FOUND,
                        "unknown_class",
                        format!(
                            "class: no class {name:?}; the classes are {}",
                            m.scorer.class_names().join(", ")
                        ),
                    )
                })?,
        ),
        None => None,
    };
    // The scorer keeps only non-empty clauses.
    let mut all: Vec<Rule> = m
        .scorer
        .rules()
        .iter()
        .filter(|r| class.is_none_or(|c| r.class == c))
        .cloned()
        .collect();
    let total = all.len();
    tsetlin::rules::sort_rules(&mut all);
    let shown: Vec<RuleOut> = all.iter().take(limit).map(|r| rule_out(&m, r)).collect();
    Ok(Json(RulesResponse {
        total,
        rules: shown,
    }))
}

/// The model now serving, and the last failed reload.
#[utoipa::path(get, path = "/v1/model", responses((status = 200, body = ModelResponse)))]
async fn model(State(s): State<AppState>) -> Json<ModelResponse> {
    Json(ModelResponse {
        model: s.inner.slot.current().info.clone(),
        last_reload_error: s.inner.slot.last_error(),
    })
}

/// Reads the model file again and swaps it in; a damaged file leaves the old one serving.
#[utoipa::path(post, path = "/v1/admin/reload",
    responses((status = 200, body = ModelResponse), (status = 422, body = ErrorBody)))]
async fn reload(State(s): State<AppState>) -> Result<Json<ModelResponse>, ApiError> {
    match s.reload().await {
        Ok(info) => Ok(Json(ModelResponse {
            model: info,
            last_reload_error: None,
        })),
        Err(e) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reload_failed",
            format!("{}; the previous model keeps serving", e.message),
        )),
    }
}

/// Liveness.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Status)))]
async fn healthz() -> Json<Status> {
    Json(Status {
        status: "ok".to_string(),
    })
}

/// Readiness: the server starts only with a model, and a failed reload keeps the old one.
#[utoipa::path(get, path = "/readyz", responses((status = 200, body = Status)))]
async fn readyz() -> Json<Status> {
    Json(Status {
        status: "ready".to_string(),
    })
}

/// The OpenAPI document of this API, generated from the handlers and the types they use.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "tsetlin serve",
        description = "Predictions and their rules from a Tsetlin machine text classifier"
    ),
    paths(predict, explain, rules, model, reload, healthz, readyz, metrics_text)
)]
pub struct ApiDoc;

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        <ApiDoc as utoipa::OpenApi>::openapi()
            .to_json()
            .unwrap_or_else(|_| "{}".to_string()),
    )
        .into_response()
}

/// Prometheus metrics (text exposition format).
#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
async fn metrics_text(State(s): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        s.inner.metrics.render(),
    )
        .into_response()
}

/// The page at `/`: paste a note, see the label, the highlighted words and the fired rules.
/// Static (it holds no data; it calls `/v1/explain` like any client).
const PAGE: &str = include_str!("page.html");

async fn page() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        PAGE,
    )
        .into_response()
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such route; see /v1/predict, /v1/explain, /v1/rules, /v1/model, /healthz, /readyz, /metrics",
    )
}
