//! `tsetlin serve`: the model as an HTTP service (the server itself is the `tsetlin-serve`
//! crate; this parses the flags, reads the key file and sets up logging).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use tsetlin_serve::{Limits, ServeConfig};

use crate::output::Log;

/// Arguments of `tsetlin serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The classifier file to serve (reloaded from the same path on SIGHUP or
    /// POST /v1/admin/reload).
    #[arg(long)]
    pub model: PathBuf,
    /// Address to listen on (loopback by default; another address needs --api-key-file or
    /// --allow-unauthenticated).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port to listen on (0: any free port, printed at start).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// A file holding the bearer token that every /v1 route requires (at least 16
    /// characters; surrounding whitespace is ignored).
    #[arg(long)]
    pub api_key_file: Option<PathBuf>,
    /// Listen on a non-loopback address without a token (when a proxy in front
    /// authenticates).
    #[arg(long)]
    pub allow_unauthenticated: bool,
    /// Largest request body, bytes.
    #[arg(long, default_value_t = Limits::default().max_body_bytes)]
    pub max_body_bytes: usize,
    /// Most texts per batch request.
    #[arg(long, default_value_t = Limits::default().max_batch)]
    pub max_batch: usize,
    /// Longest text, bytes.
    #[arg(long, default_value_t = Limits::default().max_text_bytes)]
    pub max_text_bytes: usize,
    /// Most requests scoring at once; more are answered 503 with Retry-After.
    #[arg(long, default_value_t = Limits::default().max_in_flight)]
    pub max_in_flight: usize,
    /// Per-request time limit, seconds.
    #[arg(long, default_value_t = Limits::default().timeout.as_secs_f64())]
    pub timeout: f64,
    /// Log one JSON object per line instead of text.
    #[arg(long)]
    pub log_json: bool,
}

/// Runs `tsetlin serve` until SIGTERM or Ctrl-C.
pub fn run(a: ServeArgs, log: &Log) -> Result<()> {
    if !(a.timeout.is_finite() && a.timeout > 0.0 && a.timeout <= 86_400.0) {
        anyhow::bail!(
            "--timeout must be between 0 and 86400 seconds, not {}",
            a.timeout
        );
    }
    let api_key = match &a.api_key_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the API key file {}", path.display()))?
                .trim()
                .to_string(),
        ),
        None => None,
    };
    let config = ServeConfig {
        model: a.model.clone(),
        addr: SocketAddr::new(a.host, a.port),
        api_key,
        allow_unauthenticated: a.allow_unauthenticated,
        limits: Limits {
            max_body_bytes: a.max_body_bytes,
            max_batch: a.max_batch,
            max_text_bytes: a.max_text_bytes,
            max_in_flight: a.max_in_flight,
            timeout: Duration::from_secs_f64(a.timeout),
        },
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("TSETLIN_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(if log.quiet { "warn" } else { "info" })
    });
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    // A second initialisation (never in the binary) is harmless.
    let _ = if a.log_json {
        subscriber.json().try_init()
    } else {
        subscriber.try_init()
    };
    let auth = if config.api_key.is_some() {
        "bearer token required on /v1"
    } else {
        "no authentication"
    };
    tsetlin_serve::run(&config, |addr| {
        log.info(&format!(
            "serving {} on http://{addr} ({auth}); Ctrl-C or SIGTERM stops, SIGHUP reloads",
            a.model.display()
        ));
    })
    .context("tsetlin serve")
}
