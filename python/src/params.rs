//! Parameters from Python: the settings an estimator fixed, search options, featurizer
//! configuration, all refused by name when out of range.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use tsetlin::featurize::{FeaturizerConfig, Selection};
use tsetlin::tune::{Pinned, SearchOptions, SplitOrder};
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

/// Machine hyper-parameters from a Python dict, read by the engine's own builder (its field
/// names, every one optional, an unknown name a ValueError that lists the valid ones), so the
/// bindings hold no list of parameters; `None` is the defaults.
pub(crate) fn params_from_dict(
    params: Option<&Bound<'_, PyDict>>,
    n_classes: usize,
    n_features: usize,
) -> PyResult<Params> {
    let builder: ParamsBuilder = match params {
        None => ParamsBuilder::default(),
        Some(d) => {
            let json: String = PyModule::import(d.py(), "json")?
                .call_method1("dumps", (d,))
                .and_then(|j| j.extract())
                .map_err(|e| value_error(format!("machine parameters: {e}")))?;
            serde_json::from_str(&json)
                .map_err(|e| value_error(format!("machine parameters: {e}")))?
        }
    };
    builder
        .sized(n_classes, n_features)
        .build()
        .map_err(core_err)
}

/// The hyper-parameters as a Python dict (the engine's serialised form, field for field).
pub(crate) fn params_dict<'py>(py: Python<'py>, p: &Params) -> PyResult<Bound<'py, PyDict>> {
    let json = serde_json::to_string(p)
        .map_err(|e| value_error(format!("cannot encode the parameters: {e}")))?;
    PyModule::import(py, "json")?
        .call_method1("loads", (json,))?
        .cast_into::<PyDict>()
        .map_err(|e| value_error(format!("parameters: {e}")))
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

/// The search keywords of a Python estimator, as `_common.search_args` writes them (one JSON
/// object, so that a new keyword is added in one place on each side).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct SearchArgs {
    pub auto: bool,
    pub simplify: bool,
    pub budget: f64,
    pub time_limit: bool,
    pub max_epochs: usize,
    pub validation_split: String,
    pub length_tolerance: f64,
}

impl Default for SearchArgs {
    /// The library's defaults (`{}` searches as `tsetlin train` does with no flags).
    fn default() -> Self {
        let d = SearchOptions::default();
        Self {
            auto: d.auto,
            simplify: d.simplify,
            budget: d.budget_seconds,
            time_limit: d.time_limit,
            max_epochs: d.max_epochs,
            validation_split: "file-order".to_string(),
            length_tolerance: d.length_tolerance,
        }
    }
}

/// The search options of a Python call (`search`: the JSON of [`SearchArgs`]), refused by
/// name when out of range; also returns the parsed keywords.
pub(crate) fn search_options(
    search: &str,
    seed: u64,
    threads: usize,
    stop: &Arc<AtomicBool>,
) -> PyResult<(SearchOptions, SearchArgs)> {
    let args: SearchArgs =
        serde_json::from_str(search).map_err(|e| value_error(format!("search: {e}")))?;
    let split_order = match args.validation_split.as_str() {
        "file-order" => SplitOrder::FileOrder,
        "shuffled" => SplitOrder::Shuffled,
        other => {
            return Err(value_error(format!(
                "validation_split = {other:?}: must be \"file-order\" or \"shuffled\""
            )))
        }
    };
    if !(args.budget.is_finite() && args.budget > 0.0) {
        return Err(value_error(format!(
            "budget = {}: must be a positive number of seconds",
            args.budget
        )));
    }
    if args.max_epochs == 0 {
        return Err(value_error("max_epochs = 0: must be at least 1"));
    }
    if !(args.length_tolerance.is_finite() && (0.0..=1.0).contains(&args.length_tolerance)) {
        return Err(value_error(format!(
            "length_tolerance = {}: must be between 0 and 1 (a share of accuracy)",
            args.length_tolerance
        )));
    }
    let options = SearchOptions {
        budget_seconds: args.budget,
        time_limit: args.time_limit,
        seed,
        threads: resolve_threads(threads),
        max_epochs: args.max_epochs,
        stop: Some(Arc::clone(stop)),
        auto: args.auto,
        simplify: args.simplify,
        split_order,
        length_tolerance: args.length_tolerance,
        ..SearchOptions::default()
    };
    Ok((options, args))
}

/// The multi-label training options of a Python call: its seed, threads, validation share,
/// stop flag, simplification and known labels (the final model refits on all the texts).
pub(crate) fn multi_label_options(
    seed: u64,
    threads: usize,
    valid_fraction: Option<f64>,
    stop: &Arc<AtomicBool>,
    simplify: bool,
    labels: Option<Vec<String>>,
) -> tsetlin::multi_label::MultiLabelOptions {
    tsetlin::multi_label::MultiLabelOptions {
        seed,
        threads: resolve_threads(threads),
        valid_fraction,
        refit: true,
        stop: Some(Arc::clone(stop)),
        simplify,
        labels,
    }
}
