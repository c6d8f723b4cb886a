//! `tsetlin serve`: a trained text classifier behind an HTTP API that a hospital system can
//! call one note at a time.
//!
//! * The model is loaded, checked and compiled once ([`model::ModelSlot`]); every request
//!   scores through the same compiled scorer, and a reload (`SIGHUP` or
//!   `POST /v1/admin/reload`) swaps a whole new model in or, when the file is damaged, keeps
//!   the old one serving and reports the error at `/v1/model`.
//! * Routes ([`routes::router`]): `POST /v1/predict` (one text or a batch), `POST /v1/explain`
//!   (the fired rules and the text spans behind them), `GET /v1/rules`, `GET /v1/model`,
//!   `GET /healthz`, `GET /readyz`, `GET /metrics` (Prometheus text).
//! * Limits ([`Limits`]): body size (413), batch size and text length (413), a bound on
//!   concurrent scoring work (503 with `Retry-After`, never an unbounded queue) and a
//!   per-request timeout. Every error is a JSON body naming the field that is wrong.
//! * Security: loopback by default; a bearer token (`--api-key-file`, compared in constant
//!   time) on every `/v1` route; a non-loopback address without a token is refused unless
//!   the operator says `--allow-unauthenticated`.
//! * Shutdown on SIGTERM or SIGINT is graceful: no new connections, in-flight requests finish.

pub mod api;
pub mod model;
pub mod observe;
pub mod routes;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use routes::{router, AppState};

/// The server's bounds on what one request and all requests together may take.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body, bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Most texts in one batch (413 beyond).
    pub max_batch: usize,
    /// Longest text, bytes (413 beyond).
    pub max_text_bytes: usize,
    /// Most requests scoring at once; more get 503 with `Retry-After`.
    pub max_in_flight: usize,
    /// Longest a request may score before it gets 503.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 16 << 20,
            max_batch: 4096,
            max_text_bytes: 1 << 20,
            max_in_flight: 256,
            timeout: Duration::from_secs(30),
        }
    }
}

/// Everything `tsetlin serve` is told.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The classifier file to serve (and to reload).
    pub model: PathBuf,
    /// Where to listen.
    pub addr: SocketAddr,
    /// The bearer token `/v1` routes require, if any.
    pub api_key: Option<String>,
    /// Listen on a non-loopback address without a token.
    pub allow_unauthenticated: bool,
    /// Request and concurrency bounds.
    pub limits: Limits,
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The configuration is unsafe or invalid.
    #[error("{0}")]
    Config(String),
    /// The model could not be loaded at start.
    #[error("cannot serve {path}: {source}")]
    Model {
        /// The model file.
        path: PathBuf,
        /// What was wrong.
        source: model::LoadError,
    },
    /// Listening or serving failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The metrics registry could not be built.
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
}

impl ServeConfig {
    /// Refuses what a careful operator would not run: a public address with no token, limits
    /// of zero.
    pub fn validate(&self) -> Result<(), ServeError> {
        if !self.addr.ip().is_loopback() && self.api_key.is_none() && !self.allow_unauthenticated {
            return Err(ServeError::Config(format!(
                "refusing to listen on {} without authentication: give --api-key-file, or \
                 --allow-unauthenticated if a proxy in front of it authenticates",
                self.addr
            )));
        }
        if self.api_key.as_deref().is_some_and(|k| k.len() < 16) {
            return Err(ServeError::Config(
                "the API key is shorter than 16 characters; use a long random token".to_string(),
            ));
        }
        let l = &self.limits;
        if l.max_body_bytes == 0
            || l.max_batch == 0
            || l.max_text_bytes == 0
            || l.max_in_flight == 0
            || l.timeout.is_zero()
        {
            return Err(ServeError::Config(
                "every limit must be at least 1".to_string(),
            ));
        }
        Ok(())
    }

    /// Loads the model and builds the application state.
    pub fn state(&self) -> Result<AppState, ServeError> {
        let slot = model::ModelSlot::open(&self.model).map_err(|source| ServeError::Model {
            path: self.model.clone(),
            source,
        })?;
        Ok(AppState::new(
            slot,
            self.limits.clone(),
            Arc::new(observe::Metrics::new()?),
            self.api_key.as_deref(),
        ))
    }
}

/// Serves `state` on `listener` until `shutdown` completes, then lets in-flight requests
/// finish. `SIGHUP` reloads the model (Unix).
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    #[cfg(unix)]
    {
        let state = state.clone();
        tokio::spawn(async move {
            use tokio::signal::unix::{signal, SignalKind};
            let Ok(mut hangups) = signal(SignalKind::hangup()) else {
                tracing::warn!("cannot listen for SIGHUP; reload with POST /v1/admin/reload");
                return;
            };
            while hangups.recv().await.is_some() {
                // The outcome is logged and counted by `reload`.
                let _ = state.reload().await;
            }
        });
    }
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C).
pub async fn termination() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// Runs the server until SIGTERM or SIGINT: validates the configuration, loads the model,
/// binds, and serves on a multi-threaded runtime. `on_ready` is told the bound address.
pub fn run(config: &ServeConfig, on_ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    config.validate()?;
    let state = config.state()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        on_ready(listener.local_addr()?);
        serve_until(listener, state, termination()).await
    })
}
