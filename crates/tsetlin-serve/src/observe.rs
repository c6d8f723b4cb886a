//! What the server tells its operators: Prometheus metrics (a registry per server, so tests
//! can run several) and one structured log line per request, with a request id that is taken
//! from the `x-request-id` header when the caller sends one and returned in any case.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use prometheus::{
    Encoder, Gauge, Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts,
    Registry, TextEncoder,
};

/// The request id header.
pub const REQUEST_ID: &str = "x-request-id";

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    in_flight: IntGauge,
    /// Texts per prediction request.
    pub batch_size: Histogram,
    /// Seconds the current model took to load.
    pub model_load_seconds: Gauge,
    /// Reloads by outcome.
    pub reloads: IntCounterVec,
    next_id: AtomicU64,
}

impl Metrics {
    /// A fresh registry with the server's metrics.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "tsetlin_http_requests_total",
                "HTTP requests by route and status",
            ),
            &["route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "tsetlin_http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                1.0, 2.5, 10.0,
            ]),
            &["route"],
        )?;
        let in_flight = IntGauge::new("tsetlin_http_in_flight", "Requests being answered")?;
        let batch_size = Histogram::with_opts(
            HistogramOpts::new("tsetlin_predict_batch_size", "Texts per prediction request")
                .buckets(vec![1.0, 2.0, 4.0, 8.0, 16.0, 64.0, 256.0, 1024.0, 4096.0]),
        )?;
        let model_load_seconds = Gauge::new(
            "tsetlin_model_load_seconds",
            "Seconds the serving model took to read, check and compile",
        )?;
        let reloads = IntCounterVec::new(
            Opts::new("tsetlin_model_reloads_total", "Model reloads by outcome"),
            &["outcome"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(in_flight.clone()))?;
        registry.register(Box::new(batch_size.clone()))?;
        registry.register(Box::new(model_load_seconds.clone()))?;
        registry.register(Box::new(reloads.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            in_flight,
            batch_size,
            model_load_seconds,
            reloads,
            next_id: AtomicU64::new(1),
        })
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        // Encoding into a Vec fails only on invalid metric names, which are fixed above.
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// Middleware: request id, in-flight gauge, per-route count and latency, one log line.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let method = request.method().clone();
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{:016x}", metrics.next_id.fetch_add(1, Ordering::Relaxed)));
    metrics.in_flight.inc();
    let mut response = next.run(request).await;
    metrics.in_flight.dec();
    let status = response.status();
    let seconds = started.elapsed().as_secs_f64();
    metrics
        .requests
        .with_label_values(&[route.as_str(), status.as_str()])
        .inc();
    metrics
        .latency
        .with_label_values(&[route.as_str()])
        .observe(seconds);
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    tracing::info!(
        request_id = %id,
        method = %method,
        route = %route,
        status = status.as_u16(),
        latency_ms = seconds * 1e3,
        "request"
    );
    response
}
