//! Rules as data: how often each fires and how precisely (`coverage`), how readable a model's
//! rules are (`readability`), and how to make them shorter without changing what they decide on
//! given documents (`simplify`). Shared by the CLI, the report and the Python bindings.

mod coverage;
mod readability;
mod simplify;

pub use coverage::{
    coverage, coverage_sets, is_numeric_term, order_negations, sort_rules, RuleCoverage,
};
pub use readability::{ClassReadability, LiteralStats, Readability, SHORT_RULE};
pub use simplify::{
    simplify, simplify_checked, simplify_scored, simplify_trained, Preserve, SimplifyReport,
};
