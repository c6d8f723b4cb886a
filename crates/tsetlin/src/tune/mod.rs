//! Automatic settings: choose the machine's hyper-parameters, the n-grams, the feature count
//! and the epoch count on the training data alone, within a time budget, then train the final
//! model on all the training data with them.
//!
//! - Validation: a stratified hold-out of the training data (20 % under 10,000 documents, 10 %
//!   above), or 3-fold cross-validation under 2,000 documents, where one hold-out is too
//!   noisy. A test file never enters: these functions do not take one.
//! - Candidates: the no-search default ([`default_settings`]) and a Latin hypercube over
//!   clauses, `T / clauses`, `s`, weighting, n-grams and feature count ([`space`]), each small
//!   enough that the final model fits the budget.
//! - Search: successive halving over epochs ([`search`]), planned from a deterministic cost
//!   model ([`cost`]) so that the same seed gives the same choice on any machine and thread
//!   count; the wall clock only cuts a search that overruns its budget (the log says so).
//!
//! One entry point per kind of input: [`fit_text`] (texts and labels: featurizer and machine)
//! and [`fit_rows`] (Boolean feature rows). The CLI, the Python package and `tsetlin bench` all
//! call these.

pub mod cost;
pub mod plan_codec;
pub mod search;
pub mod settings;
pub mod space;
pub mod step;
pub mod trainee;

use tsetlin_core::{LabelSets, Params, SparseRows, TsetlinMachine};

use crate::classifier::{EpochRecord, TextClassifier};
use crate::error::{Error, Result};
use crate::featurize::{Featurizer, FeaturizerConfig, Selection};
use crate::rules::{simplify_trained, SimplifyReport};
use crate::split::{
    fold_rows, ordered_folds, ordered_holdout, stratified_folds, stratified_holdout,
};

pub use cost::CostModel;
pub use search::{
    conclude, survivors, Cost, Cut, FeatureView, FoldLabels, FoldRows, Outcome, SearchEvent,
    SearchLog, SearchOptions, SearchPlan, SplitOrder, Trial, DEFAULT_BUDGET_SECONDS,
    DEFAULT_LENGTH_TOLERANCE, DEFAULT_MAX_EPOCHS,
};
pub use settings::{default_settings, DataProfile, Pinned, Settings};
pub use step::{Checkpoint, Step};
pub use trainee::{patience, Trained, Trainee};

/// How the training data is cut for validation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Validation {
    /// One stratified hold-out of this fraction.
    Holdout(f64),
    /// Stratified k-fold cross-validation.
    Folds(usize),
}

impl Validation {
    /// The scheme for a training set of `rows` documents.
    pub fn for_rows(rows: usize) -> Self {
        if rows < 2_000 {
            Validation::Folds(3)
        } else if rows < 10_000 {
            Validation::Holdout(0.2)
        } else {
            Validation::Holdout(0.1)
        }
    }

    /// `(training rows, validation rows)` of each fold, cut in `order`.
    pub fn cut(&self, y: &[u32], seed: u64, order: SplitOrder) -> Vec<(Vec<usize>, Vec<usize>)> {
        match (*self, order) {
            (Validation::Holdout(f), SplitOrder::FileOrder) => vec![ordered_holdout(y, f)],
            (Validation::Holdout(f), SplitOrder::Shuffled) => {
                vec![stratified_holdout(y, f, seed)]
            }
            (Validation::Folds(k), order) => {
                let folds = match order {
                    SplitOrder::FileOrder => ordered_folds(y, k),
                    SplitOrder::Shuffled => stratified_folds(y, k, seed),
                };
                (0..k).map(|f| fold_rows(&folds, f)).collect()
            }
        }
    }

    /// For the log: what was held out, e.g. `stratified hold-out of the last 10 % of each
    /// class (file order)`.
    pub fn describe(&self, order: SplitOrder) -> String {
        match (*self, order) {
            (Validation::Holdout(f), SplitOrder::FileOrder) => format!(
                "stratified hold-out of the last {:.0} % of each class of the training data (file order)",
                f * 100.0
            ),
            (Validation::Holdout(f), SplitOrder::Shuffled) => format!(
                "stratified hold-out {:.0} % of the training data (shuffled)",
                f * 100.0
            ),
            (Validation::Folds(k), SplitOrder::FileOrder) => format!(
                "stratified {k}-fold cross-validation on the training data (contiguous blocks of each class, file order)"
            ),
            (Validation::Folds(k), SplitOrder::Shuffled) => {
                format!("stratified {k}-fold cross-validation on the training data (shuffled)")
            }
        }
    }

    fn training_fraction(&self) -> f64 {
        match *self {
            Validation::Holdout(f) => 1.0 - f,
            Validation::Folds(k) => (k - 1) as f64 / k as f64,
        }
    }

    fn folds(&self) -> usize {
        match *self {
            Validation::Holdout(_) => 1,
            Validation::Folds(k) => k,
        }
    }
}

/// The candidates and rung epochs that fit `options.budget_seconds` for data like `profile`:
/// each candidate's final model fits the final share of the budget, and as many candidates
/// start (in drawing order) as the search share allows with their drop twins, at least three.
/// Returned: the starters, then their drop twins ([`space::drop_twin`]; only with
/// [`SearchOptions::drop_twins`], and none when the drop is pinned or there is one rung), the
/// number of starters, and the rung epochs.
pub fn plan(
    profile: &DataProfile,
    pinned: &Pinned,
    validation: Validation,
    options: &SearchOptions,
) -> (Vec<Settings>, usize, Vec<usize>) {
    let max_epochs = pinned.epochs.unwrap_or(options.max_epochs).max(1);
    let rungs = search::rung_epochs(max_epochs);
    let final_seconds = (1.0 - search::SEARCH_SHARE) * options.budget_seconds;
    let features_of = |s: &Settings| {
        s.max_features
            .unwrap_or(profile.features)
            .min(profile.features)
            .max(1)
    };
    let fits = |s: &Settings| {
        options
            .cost
            .epoch_seconds(profile.rows, features_of(s), profile.mean_present, s)
            * (max_epochs as f64
                + cost::WARMUP_EPOCHS.min(max_epochs) as f64 * (options.cost.warmup_factor - 1.0))
            <= final_seconds
    };
    // A bank of more clauses per class than there are documents has more patterns to learn
    // than examples to learn them from: the ladder stops at the document count.
    let max_clauses = space::CLAUSE_LADDER
        .iter()
        .copied()
        .filter(|&c| c <= profile.rows.max(space::CLAUSE_LADDER[1]))
        .max()
        .unwrap_or(space::CLAUSE_LADDER[0]);
    // A validation set of a few dozen documents cannot rank many candidates: one candidate
    // per 20 documents, at least three.
    let most = (profile.rows / 20).clamp(3, search::MAX_CANDIDATES);
    let drawn = space::candidates(profile, pinned, max_clauses, most, options.seed);
    let mut candidates: Vec<Settings> = Vec::new();
    for mut s in drawn {
        if pinned.clauses.is_none() {
            // Step down the ladder, keeping T / clauses, until the final model fits.
            let ratio = s.threshold / s.clauses as f64;
            for &c in space::CLAUSE_LADDER.iter().rev() {
                if c > s.clauses {
                    continue;
                }
                s.threshold = settings::round_sig((ratio * c as f64).max(1.0));
                s.clauses = c;
                if fits(&s) {
                    break;
                }
            }
        }
        if !candidates.contains(&s) {
            candidates.push(s);
        }
    }
    let inner_rows = (profile.rows as f64 * validation.training_fraction()) as usize;
    let costs: Vec<f64> = candidates
        .iter()
        .map(|s| {
            validation.folds() as f64
                * options
                    .cost
                    .epoch_seconds(inner_rows, features_of(s), profile.mean_present, s)
        })
        .collect();
    let search_seconds = search::SEARCH_SHARE * options.budget_seconds;
    let twinned = options.drop_twins && pinned.clause_drop.is_none() && rungs.len() > 1;
    // The twins of the first `n` candidates that are not among them, with their costs (the
    // cost model does not see the drop).
    let twins_of = |n: usize| -> Vec<(Settings, f64)> {
        if !twinned {
            return Vec::new();
        }
        candidates[..n]
            .iter()
            .zip(&costs)
            .map(|(s, &c)| (space::drop_twin(s), c))
            .filter(|(t, _)| !candidates[..n].contains(t))
            .collect()
    };
    let planned = |n: usize| {
        let all: Vec<f64> = costs[..n]
            .iter()
            .copied()
            .chain(twins_of(n).into_iter().map(|(_, c)| c))
            .collect();
        search::planned_seconds(&all, n, &rungs, options.cost.warmup_factor)
    };
    let mut n = candidates.len().min(3);
    while n < candidates.len() && planned(n + 1) <= search_seconds {
        n += 1;
    }
    let twins = twins_of(n);
    candidates.truncate(n);
    candidates.extend(twins.into_iter().map(|(t, _)| t));
    (candidates, n, rungs)
}

/// A model trained with automatic settings, and how they were chosen.
#[derive(Debug, Clone)]
pub struct AutoFit<M> {
    /// The final model, trained on all the training data.
    pub model: M,
    /// The search (or, with every setting pinned, the settings used).
    pub log: SearchLog,
    /// Wall-clock seconds of each final epoch.
    pub history: Vec<EpochRecord>,
    /// Whether an interrupt ended the final training early.
    pub interrupted: bool,
    /// What simplifying the final model's rules removed (when [`SearchOptions::simplify`]).
    pub simplified: Option<SimplifyReport>,
}

/// Simplifies `machine`'s rules on its training rows when `options` ask for it
/// ([`simplify_trained`]).
fn simplify_final(
    machine: &mut TsetlinMachine,
    x: &SparseRows,
    y: &[u32],
    options: &SearchOptions,
) -> Result<Option<SimplifyReport>> {
    if !options.simplify {
        return Ok(None);
    }
    Ok(Some(simplify_trained(machine, x, y)?))
}

/// Fewer training rows than this leave too little to hold out: no search, the data-derived
/// defaults (the log says why).
pub const MIN_ROWS_TO_SEARCH: usize = 30;

/// A log for settings that were not searched: all given, `--no-auto`, or too little data.
fn given(settings: Settings, options: &SearchOptions, rows: usize) -> SearchLog {
    SearchLog {
        chosen: settings,
        chosen_trial: None,
        most_accurate_trial: None,
        valid_accuracy: None,
        validation: if !options.auto {
            "none: automatic settings off; data-derived defaults for what was not given".to_string()
        } else if rows < MIN_ROWS_TO_SEARCH {
            format!(
                "none: {rows} training rows are too few to hold any out (at least {MIN_ROWS_TO_SEARCH}); data-derived defaults for what was not given"
            )
        } else {
            "none: every setting was given".to_string()
        },
        budget_seconds: options.budget_seconds,
        planned_seconds: 0.0,
        rungs: Vec::new(),
        trials: Vec::new(),
        cut: None,
    }
}

/// Chooses settings on `texts` and `labels` (training data only) and trains the final text
/// classifier on all of them. `base` fixes what is not searched (tokenizer options,
/// `min_df`, the selection method); `pinned` fixes what the user set. Events report
/// progress; a stop request ends the search with the best candidate so far, and the final
/// training then stops at once unless the caller clears the flag on
/// [`SearchEvent::Chosen`] (the CLI does, so that a second Ctrl-C ends the final training).
pub fn fit_text<S: AsRef<str> + Sync>(
    texts: &[S],
    labels: &[String],
    base: &FeaturizerConfig,
    pinned: &Pinned,
    options: &SearchOptions,
    mut on_event: impl FnMut(&SearchEvent),
) -> Result<AutoFit<TextClassifier>> {
    pinned.validate()?;
    let log = search_text(texts, labels, base, pinned, options, &mut on_event)?;
    finish_text(texts, labels, base, log, options, on_event)
}

/// The rest of [`fit_text`] once the settings are chosen (here, or by a search run elsewhere
/// from the same [`plan_text`]): the final classifier trained on all of `texts` with
/// `log.chosen`, its rules simplified when `options` ask for it, the log saved in it.
pub fn finish_text<S: AsRef<str> + Sync>(
    texts: &[S],
    labels: &[String],
    base: &FeaturizerConfig,
    log: SearchLog,
    options: &SearchOptions,
    mut on_event: impl FnMut(&SearchEvent),
) -> Result<AutoFit<TextClassifier>> {
    let config = featurizer_config(base, &log.chosen);
    let (mut clf, x, y) = TextClassifier::prepare(texts, labels, &config, options.threads, |b| {
        log.chosen.apply(b).seed(options.seed)
    })?;
    let (history, interrupted) = final_fit(
        &mut clf.machine,
        &x,
        &y,
        log.chosen.epochs,
        options,
        &mut on_event,
    )?;
    clf.history = history.clone();
    clf.search = Some(log.clone());
    let simplified = simplify_final(&mut clf.machine, &x, &y, options)?;
    clf.simplified = simplified.clone();
    Ok(AutoFit {
        model: clf,
        log,
        history,
        interrupted,
        simplified,
    })
}

/// Without a search: the pinned settings over the defaults derived from `texts` (the
/// document count, and the density of the featurized rows), and an untrained classifier with
/// its encoded training rows, for a caller with its own training loop (`--no-auto`).
pub fn prepare_text<S: AsRef<str> + Sync>(
    texts: &[S],
    labels: &[String],
    base: &FeaturizerConfig,
    pinned: &Pinned,
    seed: u64,
    threads: usize,
) -> Result<(TextClassifier, SparseRows, Vec<u32>, Settings)> {
    pinned.validate()?;
    let guess = DataProfile {
        rows: texts.len(),
        classes: 2,
        features: usize::MAX,
        mean_present: 1.0,
        text: true,
    };
    let first = pinned.impose(default_settings(&guess));
    let config = featurizer_config(base, &first);
    let (mut clf, x, y) = TextClassifier::prepare(texts, labels, &config, threads, |b| {
        first.apply(b).seed(seed)
    })?;
    let profile = DataProfile::of_rows(&x, clf.labels.len(), true);
    let settings = pinned.impose(default_settings(&profile));
    let params = settings
        .apply(Params::builder(profile.classes, profile.features))
        .seed(seed)
        .build()?;
    clf.machine = TsetlinMachine::with_threads(params, threads)?;
    Ok((clf, x, y, settings))
}

/// The featurizer configuration of `settings` over `base`.
pub fn featurizer_config(base: &FeaturizerConfig, settings: &Settings) -> FeaturizerConfig {
    let mut c = base.clone();
    c.tokenizer.ngram_max = settings.ngram_max;
    c.max_features = settings.max_features;
    c
}

/// The search of [`fit_text`] alone (what `tsetlin tune` prints).
pub fn search_text<S: AsRef<str> + Sync>(
    texts: &[S],
    labels: &[String],
    base: &FeaturizerConfig,
    pinned: &Pinned,
    options: &SearchOptions,
    on_event: &mut impl FnMut(&SearchEvent),
) -> Result<SearchLog> {
    plan_text(texts, labels, base, pinned, options)?.run(options, on_event)
}

/// The settings search of a multi-label text classifier: the search of [`search_text`] with
/// every label learning one-vs-rest ([`tsetlin_core::LabelSets`]) and each candidate scored
/// by validation micro-F1 at per-label thresholds chosen on the validation rows. The hold-out
/// is stratified by each document's first label (documents without a label form their own
/// stratum); the plan counts every label's bank as trained on every example.
pub fn search_text_multi_label<S: AsRef<str> + Sync>(
    texts: &[S],
    sets: &LabelSets,
    base: &FeaturizerConfig,
    pinned: &Pinned,
    options: &SearchOptions,
    on_event: &mut impl FnMut(&SearchEvent),
) -> Result<SearchLog> {
    let (planned, options) = plan_text_multi_label(texts, sets, base, pinned, options)?;
    planned.run(&options, on_event).map(scored_by_micro_f1)
}

/// The plan of [`search_text_multi_label`], without running it, and the options its search
/// runs with ([`multi_label_search_options`]); a log concluded elsewhere from it goes through
/// [`scored_by_micro_f1`], as the local one does.
pub fn plan_text_multi_label<S: AsRef<str> + Sync>(
    texts: &[S],
    sets: &LabelSets,
    base: &FeaturizerConfig,
    pinned: &Pinned,
    options: &SearchOptions,
) -> Result<(Planned, SearchOptions)> {
    crate::error::one_label_set_each("texts", texts.len(), sets.n_rows())?;
    let m = MultiLabelSearch::of(sets, options);
    let planned = plan_labelled(
        texts,
        &m.labels,
        &m.strata,
        sets.n_labels(),
        base,
        pinned,
        &m.options,
    )?;
    Ok((planned, m.options))
}

/// The options a multi-label search over `n_labels` labels runs with: `options` with the
/// cost model counting every label's bank as trained on every example.
pub fn multi_label_search_options(n_labels: usize, options: &SearchOptions) -> SearchOptions {
    SearchOptions {
        cost: options.cost.touching(n_labels),
        ..options.clone()
    }
}

/// Says in a multi-label search's log what its "validation accuracy" figures are.
pub fn scored_by_micro_f1(mut log: SearchLog) -> SearchLog {
    if log.trials.is_empty() {
        return log;
    }
    log.validation.push_str(
        "; multi-label: every validation figure is micro-F1 at per-label thresholds chosen on the validation rows",
    );
    log
}

/// What a search of these settings will do: nothing (every setting given, automatic
/// settings off, too little data: the log of the settings used), or run a plan.
#[derive(Debug, Clone)]
pub enum Planned {
    /// No search: the settings used, as a log.
    Given(SearchLog),
    /// The search to run.
    Search(SearchPlan),
}

impl Planned {
    /// The log: the given settings', or the planned search's, run here.
    fn run(
        self,
        options: &SearchOptions,
        on_event: &mut impl FnMut(&SearchEvent),
    ) -> Result<SearchLog> {
        match self {
            Planned::Given(log) => Ok(log),
            Planned::Search(plan) => run(&plan, options, on_event),
        }
    }
}

/// The plan of [`search_text`] (single-label texts), without running it: for a search that
/// runs its candidates elsewhere (the Python package's Ray Tune search), then hands the log
/// of [`conclude`] to [`finish_text`].
pub fn plan_text<S: AsRef<str> + Sync>(
    texts: &[S],
    labels: &[String],
    base: &FeaturizerConfig,
    pinned: &Pinned,
    options: &SearchOptions,
) -> Result<Planned> {
    pinned.validate()?;
    let (label_set, y) = crate::classifier::training_labels(texts.len(), labels)?;
    plan_labelled(
        texts,
        &FoldLabels::Classes(y.clone()),
        &y,
        label_set.len(),
        base,
        pinned,
        options,
    )
}

/// The plan of the text search over `labels` (classes or label sets), the hold-out
/// stratified by `strata` (one value per document).
fn plan_labelled<S: AsRef<str> + Sync>(
    texts: &[S],
    labels: &FoldLabels,
    strata: &[u32],
    n_classes: usize,
    base: &FeaturizerConfig,
    pinned: &Pinned,
    options: &SearchOptions,
) -> Result<Planned> {
    if !options.auto || pinned.is_complete(true) || texts.len() < MIN_ROWS_TO_SEARCH {
        // No search: the defaults need the density of the rows, from one featurization of
        // all the training texts.
        let mut config = base.clone();
        config.tokenizer.ngram_max = pinned.ngram_max.unwrap_or(1);
        let f = Featurizer::fit(texts, labels.targets(), n_classes, &config)?;
        let x = f.transform(texts);
        let profile = DataProfile::of_rows(&x, n_classes, true);
        return Ok(Planned::Given(given(
            pinned.impose(default_settings(&profile)),
            options,
            profile.rows,
        )));
    }
    let validation = Validation::for_rows(texts.len());
    let cuts = validation.cut(strata, options.seed, options.split_order);
    let pinned_features = pinned.max_features.map(|k| (k > 0).then_some(k));
    // One featurization per n-gram length and fold, fitted on that fold's training rows only;
    // every candidate's feature count is a top-k of it by the same selection score.
    let view_of = |ngram: usize| -> Result<FeatureView> {
        let mut config = base.clone();
        config.tokenizer.ngram_max = ngram;
        config.max_features = pinned_features.flatten();
        let folds = cuts
            .iter()
            .map(|(train, valid)| {
                let pick = |idx: &[usize]| -> Vec<&str> {
                    idx.iter().map(|&i| texts[i].as_ref()).collect()
                };
                let (tt, ty) = (pick(train), labels.select(train));
                let (vt, vy) = (pick(valid), labels.select(valid));
                let f = Featurizer::fit(&tt, ty.targets(), n_classes, &config)?;
                if f.n_features() == 0 {
                    return Err(Error::InvalidInput(
                        "no features survived the vocabulary settings (lower min_df?)".to_string(),
                    ));
                }
                Ok(FoldRows::new(
                    f.transform(&tt),
                    ty,
                    f.transform(&vt),
                    vy,
                    n_classes,
                    config.selection,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(FeatureView {
            ngram_max: ngram,
            folds,
        })
    };
    let first_ngram = pinned.ngram_max.unwrap_or(1);
    let mut views = vec![view_of(first_ngram)?];
    // The first fold's rows stand for the corpus, except for its size.
    let profile = DataProfile {
        rows: texts.len(),
        ..DataProfile::of_rows(&views[0].folds[0].x_train, n_classes, true)
    };
    let (candidates, starters, rungs) = plan(&profile, pinned, validation, options);
    let mut placed = Vec::with_capacity(candidates.len());
    for s in candidates {
        let view = match views.iter().position(|v| v.ngram_max == s.ngram_max) {
            Some(v) => v,
            None => {
                views.push(view_of(s.ngram_max)?);
                views.len() - 1
            }
        };
        placed.push((s, view));
    }
    Ok(Planned::Search(SearchPlan {
        views,
        n_classes,
        candidates: placed,
        starters,
        rungs,
        validation: validation.describe(options.split_order),
    }))
}

/// Runs the planned search and reports the choice.
fn run(
    plan: &SearchPlan,
    options: &SearchOptions,
    on_event: &mut impl FnMut(&SearchEvent),
) -> Result<SearchLog> {
    let log = search::search(plan, options, &mut *on_event)?;
    on_event(&SearchEvent::Chosen {
        settings: log.chosen.clone(),
        cut: log.cut.clone(),
    });
    Ok(log)
}

/// Chooses settings on Boolean rows `x`, `y` (training data only) and trains the final
/// machine on all of them. No n-gram choice; the feature count is searched like a text
/// vocabulary's (the top `k` columns by the chi-squared score on the training rows, or all
/// of them). A machine trained on `k` columns is returned widened to every column
/// ([`tsetlin_core::Model::widen`]: the others never trained), so it scores the caller's
/// full rows with exactly the rules it learned.
pub fn fit_rows(
    x: &SparseRows,
    y: &[u32],
    n_classes: usize,
    pinned: &Pinned,
    options: &SearchOptions,
    mut on_event: impl FnMut(&SearchEvent),
) -> Result<AutoFit<TsetlinMachine>> {
    pinned.validate()?;
    let log = search_rows(x, y, n_classes, pinned, options, &mut on_event)?;
    let columns = chosen_columns(x, y, n_classes, &log.chosen);
    let narrow = columns.as_ref().map(|keep| search::project(x, keep));
    let rows = narrow.as_ref().unwrap_or(x);
    let params = log
        .chosen
        .apply(Params::builder(n_classes, rows.n_features()))
        .seed(options.seed)
        .build()?;
    let mut machine = TsetlinMachine::with_threads(params, options.threads)?;
    let (history, interrupted) = final_fit(
        &mut machine,
        rows,
        y,
        log.chosen.epochs,
        options,
        &mut on_event,
    )?;
    let simplified = simplify_final(&mut machine, rows, y, options)?;
    if let Some(keep) = &columns {
        let wide = machine.model().widen(keep, x.n_features())?;
        machine = TsetlinMachine::from_model(wide, options.threads)?;
    }
    Ok(AutoFit {
        model: machine,
        log,
        history,
        interrupted,
        simplified,
    })
}

/// The search of [`fit_rows`] alone.
pub fn search_rows(
    x: &SparseRows,
    y: &[u32],
    n_classes: usize,
    pinned: &Pinned,
    options: &SearchOptions,
    on_event: &mut impl FnMut(&SearchEvent),
) -> Result<SearchLog> {
    if x.n_rows() != y.len() {
        return Err(Error::InvalidInput(format!(
            "{} rows but {} labels",
            x.n_rows(),
            y.len()
        )));
    }
    search_rows_labelled(
        x,
        &FoldLabels::Classes(y.to_vec()),
        y,
        n_classes,
        pinned,
        options,
        on_event,
    )
}

/// The settings search on Boolean rows with label sets (multi-label), as
/// [`search_text_multi_label`] is for texts: candidates scored by validation micro-F1, the
/// hold-out stratified by each row's first label, every label's bank counted in the plan.
pub fn search_rows_multi_label(
    x: &SparseRows,
    sets: &LabelSets,
    pinned: &Pinned,
    options: &SearchOptions,
    on_event: &mut impl FnMut(&SearchEvent),
) -> Result<SearchLog> {
    crate::error::one_label_set_each("rows", x.n_rows(), sets.n_rows())?;
    let m = MultiLabelSearch::of(sets, options);
    search_rows_labelled(
        x,
        &m.labels,
        &m.strata,
        sets.n_labels(),
        pinned,
        &m.options,
        on_event,
    )
    .map(scored_by_micro_f1)
}

/// One stratum per row for a multi-label hold-out: its first label, or one past the last
/// label for a row without any.
/// What a multi-label search runs on, over texts or rows alike: the label sets as fold labels,
/// the hold-out strata, and the options with the plan counting every label's bank.
struct MultiLabelSearch {
    labels: FoldLabels,
    strata: Vec<u32>,
    options: SearchOptions,
}

impl MultiLabelSearch {
    fn of(sets: &LabelSets, options: &SearchOptions) -> Self {
        Self {
            labels: FoldLabels::Sets(sets.clone()),
            strata: first_label_strata(sets),
            options: multi_label_search_options(sets.n_labels(), options),
        }
    }
}

fn first_label_strata(sets: &LabelSets) -> Vec<u32> {
    let none = sets.n_labels() as u32;
    sets.iter()
        .map(|row| row.first().copied().unwrap_or(none))
        .collect()
}

/// The rows search over `labels` (classes or label sets), the hold-out stratified by
/// `strata` (one value per row).
fn search_rows_labelled(
    x: &SparseRows,
    labels: &FoldLabels,
    strata: &[u32],
    n_classes: usize,
    pinned: &Pinned,
    options: &SearchOptions,
    on_event: &mut impl FnMut(&SearchEvent),
) -> Result<SearchLog> {
    if x.n_rows() == 0 {
        return Err(Error::InvalidInput("no training rows".to_string()));
    }
    let mut pinned = pinned.clone();
    pinned.ngram_max = Some(1);
    let profile = DataProfile::of_rows(x, n_classes, false);
    if !options.auto || pinned.is_complete(false) || profile.rows < MIN_ROWS_TO_SEARCH {
        return Ok(given(
            pinned.impose(default_settings(&profile)),
            options,
            profile.rows,
        ));
    }
    let validation = Validation::for_rows(x.n_rows());
    let folds = validation
        .cut(strata, options.seed, options.split_order)
        .into_iter()
        .map(|(train, valid)| {
            FoldRows::new(
                x.select(&train),
                labels.select(&train),
                x.select(&valid),
                labels.select(&valid),
                n_classes,
                Selection::default(),
            )
        })
        .collect();
    let views = vec![FeatureView {
        ngram_max: 1,
        folds,
    }];
    let (candidates, starters, rungs) = plan(&profile, &pinned, validation, options);
    let plan = SearchPlan {
        views,
        n_classes,
        candidates: candidates.into_iter().map(|s| (s, 0)).collect(),
        starters,
        rungs,
        validation: validation.describe(options.split_order),
    };
    run(&plan, options, on_event)
}

/// The columns a model of `settings` trains on: `None` for every column, else the best
/// `max_features` by chi-squared on `x` against `labels` (sorted ids), which
/// [`search::project`] keeps and [`tsetlin_core::Model::widen`] maps back.
pub fn chosen_columns<'t>(
    x: &SparseRows,
    labels: impl Into<tsetlin_core::Targets<'t>>,
    n_classes: usize,
    settings: &Settings,
) -> Option<Vec<u32>> {
    settings
        .max_features
        .filter(|&k| k < x.n_features())
        .map(|k| {
            let mut keep = search::rank_features(x, labels, n_classes, Selection::default());
            keep.truncate(k);
            keep.sort_unstable();
            keep
        })
}

/// Trains the final model for `epochs` epochs on all the training rows.
fn final_fit(
    machine: &mut TsetlinMachine,
    x: &SparseRows,
    y: &[u32],
    epochs: usize,
    options: &SearchOptions,
    on_event: &mut impl FnMut(&SearchEvent),
) -> Result<(Vec<EpochRecord>, bool)> {
    let mut history = Vec::with_capacity(epochs);
    let plan = crate::training::Plan {
        stop: options.stop.clone(),
        ..crate::training::Plan::epochs(epochs)
    };
    let outcome = crate::training::fit(machine, &mut history, x, y, &plan, |r| {
        on_event(&SearchEvent::FinalEpoch {
            epoch: r.epoch,
            epochs,
            seconds: r.seconds.unwrap_or(0.0),
        });
    })?;
    Ok((history, outcome.interrupted))
}
