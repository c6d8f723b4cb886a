//! tsetlin-report: human-readable reports of a trained Tsetlin machine text
//! classifier.
//!
//! The crate knows nothing about the engine. A producer (the CLI) fills a
//! plain [`ReportData`] from a trained model, and this crate renders it:
//!
//! * [`render_html`] — one self-contained HTML file (inline CSS, JS and SVG,
//!   no network) with the rules as sentences, per-document explanations and
//!   a paste box that evaluates text in the browser;
//! * [`to_json`] — the same data as pretty, stably ordered JSON;
//! * [`evaluate`] / [`Evaluator`] — the Rust reference evaluator the page's
//!   JavaScript must agree with, also handy to fill [`DocExplanation`]s.

pub mod eval;
mod html;
pub mod model;

pub use eval::{evaluate, explain, Evaluator};
pub use html::render_html;
pub use model::{
    ClassMetrics, ClauseRule, DocExplanation, EpochPoint, FiredClause, GeneratedBy, MetricsSpec,
    MultiLabelMetricsSpec, MultiLabelSpec, ReportData, Setting, Span, TokenizerSpec,
    SCHEMA_VERSION,
};

/// The report data as pretty-printed JSON (`--format json`). Keys follow the
/// field order of the [`model`] types, so output is stable across runs.
pub fn to_json(data: &ReportData) -> String {
    // Serialising plain structs of strings and numbers cannot fail; non-finite
    // floats become `null`, which is what a JSON consumer can read anyway.
    serde_json::to_string_pretty(data)
        .unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
}
