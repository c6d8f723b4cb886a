//! Parameters from Python: the settings an estimator fixed, search options, featurizer
//! configuration, all refused by name when out of range.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use tsetlin::featurize::{FeaturizerConfig, Selection};
use tsetlin::tune::{Pinned, SearchOptions};
use tsetlin_core::{Params, ParamsBuilder, Rule};

use crate::errors::{core_err, text_err, value_error};
use crate::threads::resolve_threads;

pub(crate) fn extract<'py, T: FromPyObjectOwned<'py>>(
    key: &str,
    v: &Bound<'py, PyAny>,
) -> PyResult<T> {
    v.extract::<T>().map_err(|e| {
        let e: PyErr = e.into();
        value_error(format!("parameter `{key}`: {e}"))
    })
}

/// Machine hyper-parameters read from a dict (keys as in `Params`; `threshold: None` keeps
/// the default `0.8 x n_clauses`); plain data, so it can cross into a thread without the GIL.
#[derive(Debug, Clone, Default)]
pub(crate) struct MachineSettings {
    n_clauses: Option<usize>,
    threshold: Option<f64>,
    specificity: Option<f64>,
    state_bits: Option<u32>,
    boost_true_positive: Option<bool>,
    weighted: Option<bool>,
    literal_budget: Option<Option<u32>>,
    clause_drop: Option<f64>,
    focused_negative_sampling: Option<bool>,
    seed: Option<u64>,
}

impl MachineSettings {
    pub(crate) fn from_dict(params: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let mut s = Self::default();
        let Some(params) = params else {
            return Ok(s);
        };
        for (k, v) in params.iter() {
            let key: String = k.extract()?;
            let key = key.as_str();
            match key {
                "n_clauses" => s.n_clauses = Some(extract(key, &v)?),
                "threshold" => s.threshold = extract(key, &v)?,
                "specificity" => s.specificity = Some(extract(key, &v)?),
                "state_bits" => s.state_bits = Some(extract(key, &v)?),
                "boost_true_positive" => s.boost_true_positive = Some(extract(key, &v)?),
                "weighted" => s.weighted = Some(extract(key, &v)?),
                "literal_budget" => s.literal_budget = Some(extract(key, &v)?),
                "clause_drop" => s.clause_drop = Some(extract(key, &v)?),
                "focused_negative_sampling" => {
                    s.focused_negative_sampling = Some(extract(key, &v)?)
                }
                "seed" => s.seed = Some(extract(key, &v)?),
                other => return Err(value_error(format!("unknown machine parameter `{other}`"))),
            }
        }
        Ok(s)
    }

    fn apply(&self, mut b: ParamsBuilder) -> ParamsBuilder {
        if let Some(v) = self.n_clauses {
            b = b.clauses(v);
        }
        if let Some(v) = self.threshold {
            b = b.threshold(v);
        }
        if let Some(v) = self.specificity {
            b = b.specificity(v);
        }
        if let Some(v) = self.state_bits {
            b = b.state_bits(v);
        }
        if let Some(v) = self.boost_true_positive {
            b = b.boost_true_positive(v);
        }
        if let Some(v) = self.weighted {
            b = b.weighted(v);
        }
        if let Some(v) = self.literal_budget {
            b = b.literal_budget(v);
        }
        if let Some(v) = self.clause_drop {
            b = b.clause_drop(v);
        }
        if let Some(v) = self.focused_negative_sampling {
            b = b.focused_negative_sampling(v);
        }
        if let Some(v) = self.seed {
            b = b.seed(v);
        }
        b
    }

    pub(crate) fn build(&self, n_classes: usize, n_features: usize) -> PyResult<Params> {
        self.apply(Params::builder(n_classes, n_features))
            .build()
            .map_err(core_err)
    }
}

pub(crate) fn params_dict<'py>(py: Python<'py>, p: &Params) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("n_classes", p.n_classes)?;
    d.set_item("n_features", p.n_features)?;
    d.set_item("n_clauses", p.n_clauses)?;
    d.set_item("threshold", p.threshold)?;
    d.set_item("specificity", p.specificity)?;
    d.set_item("state_bits", p.state_bits)?;
    d.set_item("boost_true_positive", p.boost_true_positive)?;
    d.set_item("weighted", p.weighted)?;
    d.set_item("literal_budget", p.literal_budget)?;
    d.set_item("clause_drop", p.clause_drop)?;
    d.set_item("focused_negative_sampling", p.focused_negative_sampling)?;
    d.set_item("seed", p.seed)?;
    Ok(d)
}

pub(crate) fn parse_selection(name: &str) -> PyResult<Selection> {
    match name {
        "chi2" | "chi_squared" => Ok(Selection::ChiSquared),
        "mutual_info" | "mutual_information" => Ok(Selection::MutualInformation),
        "df" | "doc_frequency" => Ok(Selection::DocFrequency),
        other => Err(value_error(format!(
            "selection = {other:?}: expected 'chi2', 'mutual_info' or 'df'"
        ))),
    }
}

/// Featurizer settings from a dict (missing keys keep the Rust defaults).
pub(crate) fn featurizer_config(config: Option<&Bound<'_, PyDict>>) -> PyResult<FeaturizerConfig> {
    let mut c = FeaturizerConfig::default();
    let Some(config) = config else {
        return Ok(c);
    };
    for (k, v) in config.iter() {
        let key: String = k.extract()?;
        let key = key.as_str();
        match key {
            "lowercase" => c.tokenizer.lowercase = extract(key, &v)?,
            "ngram_max" => c.tokenizer.ngram_max = extract(key, &v)?,
            "stop_words" => c.tokenizer.stop_words = extract(key, &v)?,
            "stem" => c.tokenizer.stem = extract(key, &v)?,
            "strip_newsgroup_headers" => c.tokenizer.strip_newsgroup_headers = extract(key, &v)?,
            "strip_html_breaks" => c.tokenizer.strip_html_breaks = extract(key, &v)?,
            "min_df" => c.min_df = extract(key, &v)?,
            "max_features" => c.max_features = extract(key, &v)?,
            "selection" => c.selection = parse_selection(&extract::<String>(key, &v)?)?,
            other => return Err(value_error(format!("unknown featurizer setting `{other}`"))),
        }
    }
    if c.tokenizer.ngram_max == 0 {
        return Err(value_error("ngram_max = 0: must be at least 1"));
    }
    if c.min_df == 0 {
        return Err(value_error("min_df = 0: must be at least 1"));
    }
    if c.max_features == Some(0) {
        return Err(value_error(
            "max_features = 0: must be at least 1 (or None)",
        ));
    }
    Ok(c)
}

pub(crate) fn rule_dict<'py>(py: Python<'py>, rule: &Rule) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("class", rule.class)?;
    d.set_item("clause", rule.clause)?;
    d.set_item("polarity", rule.polarity)?;
    d.set_item("weight", rule.weight)?;
    d.set_item("positive", rule.positive.clone())?;
    d.set_item("negated", rule.negated.clone())?;
    Ok(d)
}

/// The settings a Python estimator fixed, as the JSON of [`Pinned`]; refused (naming the
/// parameter) when no run could use them, before any featurizing or training.
pub(crate) fn parse_pinned(json: &str) -> PyResult<Pinned> {
    let pinned: Pinned =
        serde_json::from_str(json).map_err(|e| value_error(format!("settings: {e}")))?;
    pinned.validate().map_err(text_err)?;
    Ok(pinned)
}

/// The search options of a Python call, refused by name when out of range.
pub(crate) fn search_options(
    auto: bool,
    simplify: bool,
    budget: f64,
    max_epochs: usize,
    seed: u64,
    threads: usize,
    stop: &Arc<AtomicBool>,
) -> PyResult<SearchOptions> {
    if !(budget.is_finite() && budget > 0.0) {
        return Err(value_error(format!(
            "budget = {budget}: must be a positive number of seconds"
        )));
    }
    if max_epochs == 0 {
        return Err(value_error("max_epochs = 0: must be at least 1"));
    }
    Ok(SearchOptions {
        budget_seconds: budget,
        seed,
        threads: resolve_threads(threads),
        max_epochs,
        stop: Some(Arc::clone(stop)),
        auto,
        simplify,
        ..SearchOptions::default()
    })
}
