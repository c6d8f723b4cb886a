//! Successive halving over epochs (Jamieson & Talwalkar 2016): every candidate trains a few
//! epochs, the best third goes on to three times as many, and so on until one remains at the
//! full epoch count. Candidates keep training where they stopped (a machine is not retrained
//! from scratch unless memory forced it to be dropped), and a candidate that stops improving
//! on validation data stops early. The whole schedule is planned up front from the cost model
//! ([`super::cost`]), so the same seed makes the same choice on any machine and thread count.
//!
//! Readability is part of the objective (issue 11): among candidates whose validation score
//! is within [`SearchOptions::length_tolerance`] of the best of a rung, the one with the
//! shorter rules (fewer literals per clause, as trained) ranks first. Lengths are compared
//! only between candidates trained alike (the same rung), because every clause grows with
//! training: a machine after 2 epochs has short rules and says nothing about its rules at 50.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tsetlin_core::{Control, LabelSets, SparseRows, Targets, TsetlinMachine};

use super::cost::CostModel;
use super::settings::Settings;
use super::trainee::{self, best, Trained, Trainee};
use crate::error::Result;
use crate::featurize::{score, Selection};

/// The labels of a fold's rows: one class per row, or a label set per row (multi-label,
/// where a candidate is scored by micro-F1 instead of accuracy).
#[derive(Debug, Clone, PartialEq)]
pub enum FoldLabels {
    /// One class id per row.
    Classes(Vec<u32>),
    /// A set of label ids per row.
    Sets(LabelSets),
}

impl FoldLabels {
    /// The labels as the engine's training targets.
    pub fn targets(&self) -> Targets<'_> {
        match self {
            FoldLabels::Classes(y) => Targets::Classes(y),
            FoldLabels::Sets(s) => Targets::LabelSets(s),
        }
    }

    /// The labels of rows `idx`, in that order.
    pub fn select(&self, idx: &[usize]) -> FoldLabels {
        match self {
            FoldLabels::Classes(y) => FoldLabels::Classes(idx.iter().map(|&i| y[i]).collect()),
            FoldLabels::Sets(s) => FoldLabels::Sets(s.select(idx)),
        }
    }

    /// How `machine` does on rows `x` with these labels: accuracy for classes; for label
    /// sets, micro-F1 at per-label thresholds chosen on these same rows (what the final
    /// model's thresholds will be chosen by, so candidates are ranked as they will be used).
    pub(super) fn score(&self, machine: &TsetlinMachine, x: &SparseRows) -> Result<f64> {
        Ok(match self {
            FoldLabels::Classes(y) => machine.accuracy(x, y)?,
            FoldLabels::Sets(sets) => {
                let sums = machine.class_sums(x)?;
                let decision = crate::multi_label::MultiLabelDecision {
                    thresholds: crate::multi_label::choose_thresholds(&sums, sets),
                    chosen_on: String::new(),
                };
                crate::multi_label::micro_f1(&sums, sets, &decision)
            }
        })
    }
}

/// The training and validation rows of one fold of one featurization.
#[derive(Debug, Clone, PartialEq)]
pub struct FoldRows {
    /// Training rows.
    pub x_train: SparseRows,
    /// Their labels.
    pub y_train: FoldLabels,
    /// Validation rows (same features).
    pub x_valid: SparseRows,
    /// Their labels.
    pub y_valid: FoldLabels,
    /// Feature ids, best first by the selection score on the training rows (ties: lower id).
    pub ranking: Vec<u32>,
}

impl FoldRows {
    /// Cuts `x, y` into training and validation rows and ranks the features by `selection`.
    pub fn new(
        x_train: SparseRows,
        y_train: FoldLabels,
        x_valid: SparseRows,
        y_valid: FoldLabels,
        n_classes: usize,
        selection: Selection,
    ) -> Self {
        let ranking = rank_features(&x_train, y_train.targets(), n_classes, selection);
        Self {
            x_train,
            y_train,
            x_valid,
            y_valid,
            ranking,
        }
    }

    /// The (training, validation) rows restricted to the best `k` features; borrowed as they
    /// are when `k` is `None` or keeps every feature (no copy per candidate).
    pub(super) fn project(&self, k: Option<usize>) -> (Cow<'_, SparseRows>, Cow<'_, SparseRows>) {
        match k {
            Some(k) if k < self.ranking.len() => {
                let mut keep: Vec<u32> = self.ranking[..k].to_vec();
                keep.sort_unstable();
                (
                    Cow::Owned(project(&self.x_train, &keep)),
                    Cow::Owned(project(&self.x_valid, &keep)),
                )
            }
            _ => (Cow::Borrowed(&self.x_train), Cow::Borrowed(&self.x_valid)),
        }
    }
}

/// Ranks the features of `x` by `selection` against `y` (best first; ties to the lower id,
/// which for a fitted featurizer is the alphabetical order `Featurizer::fit` breaks ties by).
/// With label sets, a row counts once for each of its labels (as `Featurizer::fit` does).
pub fn rank_features<'t>(
    x: &SparseRows,
    y: impl Into<Targets<'t>>,
    n_classes: usize,
    selection: Selection,
) -> Vec<u32> {
    let y = y.into();
    let n_features = x.n_features();
    let mut counts = vec![0u32; n_features * n_classes];
    let mut class_sizes = vec![0u32; n_classes];
    for (r, row) in x.iter().enumerate() {
        for &c in y.row(r) {
            class_sizes[c as usize] += 1;
            for &f in row {
                counts[f as usize * n_classes + c as usize] += 1;
            }
        }
    }
    let n = y.len() as u32;
    let scores: Vec<f64> = (0..n_features)
        .map(|f| {
            let present = &counts[f * n_classes..(f + 1) * n_classes];
            match selection {
                Selection::DocFrequency => score(selection, &[present.iter().sum()], &[n], n),
                _ => score(selection, present, &class_sizes, n),
            }
        })
        .collect();
    let mut order: Vec<u32> = (0..n_features as u32).collect();
    order.sort_by(|&a, &b| scores[b as usize].total_cmp(&scores[a as usize]));
    order
}

/// `x` with only the features in `keep` (sorted), renumbered `0..keep.len()`.
pub fn project(x: &SparseRows, keep: &[u32]) -> SparseRows {
    let mut map = vec![u32::MAX; x.n_features()];
    for (new, &old) in keep.iter().enumerate() {
        map[old as usize] = new as u32;
    }
    let mut out = SparseRows::new(keep.len());
    let mut row_buf = Vec::new();
    for row in x.iter() {
        row_buf.clear();
        row_buf.extend(
            row.iter()
                .map(|&f| map[f as usize])
                .filter(|&f| f != u32::MAX),
        );
        // Ids stay increasing: `keep` is sorted, so the renumbering is monotone.
        out.push_row(&row_buf)
            .expect("projected ids are below keep.len()");
    }
    out
}

/// One featurization (one n-gram length) cut into folds.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureView {
    /// Longest n-gram of this featurization.
    pub ngram_max: usize,
    /// Its folds (one for a hold-out).
    pub folds: Vec<FoldRows>,
}

/// How a search runs.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Reference seconds for the whole job (search and final model); also the wall-clock
    /// limit after which the search stops with the best candidate so far (unless
    /// `time_limit` is off).
    pub budget_seconds: f64,
    /// Cut a search that overruns `budget_seconds` on the wall clock. Off: the plan alone
    /// decides, so the same seed gives the same choice however slow or loaded the machine.
    pub time_limit: bool,
    /// Seed of every machine and split.
    pub seed: u64,
    /// Engine threads (never changes the result).
    pub threads: usize,
    /// Most epochs any candidate (and so the final model) trains.
    pub max_epochs: usize,
    /// Set by Ctrl-C: the search stops and keeps the best candidate so far.
    pub stop: Option<Arc<AtomicBool>>,
    /// The time estimate the plan is made with.
    pub cost: CostModel,
    /// Search at all; when false, the settings are the pinned ones over the data-derived
    /// defaults (`--no-auto`).
    pub auto: bool,
    /// Simplify the final model's rules on its training rows ([`crate::rules::simplify_trained`]:
    /// preserving decisions with no allowance: no training prediction gets worse).
    pub simplify: bool,
    /// How validation rows are cut from the training data.
    pub split_order: SplitOrder,
    /// The validation score (accuracy, or micro-F1) a candidate may give up against the best
    /// of its rung for shorter rules; 0 ranks by the score alone.
    pub length_tolerance: f64,
    /// Join the survivors of the first rung by their clause-drop twins
    /// ([`super::space::drop_twin`], [`SearchPlan::next_alive`]). Off by default: measured on
    /// the five shared sets it re-decided the drop on validation but cost a fifth to a half of
    /// the first rung's candidates and 15 % to twice the search time, past the budget on three
    /// (BENCHMARKS.md §7, v8).
    pub drop_twins: bool,
}

/// How the search cuts its validation rows from the training data (stratified either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SplitOrder {
    /// The last documents of each class in file order are held out (in k-fold
    /// cross-validation, contiguous blocks). Real corpora are seldom in random order: notes
    /// are exported by date, posts come by thread, reviews by movie. A random hold-out then
    /// shares a thread's or a movie's words with the training rows and rewards settings that
    /// memorise them (measured on the IMDb and 20 Newsgroups training files: 1-3 points more
    /// optimistic than the file-order hold-out, BENCHMARKS.md §7); the file-order hold-out
    /// validates on documents the model has not seen the like of, as it will be used. On
    /// shuffled data the two are the same thing.
    #[default]
    FileOrder,
    /// A seeded random hold-out (k-fold: shuffled folds).
    Shuffled,
}

impl Default for SearchOptions {
    fn default() -> Self {
        Self {
            budget_seconds: DEFAULT_BUDGET_SECONDS,
            time_limit: true,
            seed: 42,
            threads: 0,
            max_epochs: DEFAULT_MAX_EPOCHS,
            stop: None,
            cost: CostModel::default(),
            auto: true,
            simplify: true,
            split_order: SplitOrder::default(),
            length_tolerance: DEFAULT_LENGTH_TOLERANCE,
            drop_twins: false,
        }
    }
}

/// The default [`SearchOptions::length_tolerance`]: half a point, the accuracy the
/// readable-rules issue allows for short clauses. Validation noise is of that order on a
/// hold-out of a few thousand documents (one standard error at 2,500 documents and 85 %
/// accuracy is 0.7 points), so within it the candidates are not told apart by their score.
pub const DEFAULT_LENGTH_TOLERANCE: f64 = 0.005;

/// The default budget: 15 minutes of the reference 2-core laptop for search and final model.
pub const DEFAULT_BUDGET_SECONDS: f64 = 900.0;
/// The default epoch ceiling (the many-class sets of BENCHMARKS.md kept improving to 40-60).
pub const DEFAULT_MAX_EPOCHS: usize = 60;
/// Share of the budget the search plans to spend; the final model gets the rest.
pub const SEARCH_SHARE: f64 = 0.6;
/// Successive halving keeps `1 / ETA` of the candidates per rung and multiplies epochs by it.
pub const ETA: usize = 3;
/// Epochs of the first rung.
pub const FIRST_RUNG_EPOCHS: usize = 2;
/// Most candidates a search starts with.
pub const MAX_CANDIDATES: usize = 27;
/// Machines kept in memory between rungs, in bytes; past it, survivors are retrained.
const KEEP_BYTES: f64 = 2.0 * 1024.0 * 1024.0 * 1024.0;

/// What one candidate did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// Its index in the log (0 is the no-search default).
    pub id: usize,
    /// Its settings (`epochs`: the epochs it trained).
    pub settings: Settings,
    /// Validation accuracy after each epoch (mean over folds).
    pub curve: Vec<f64>,
    /// The best of `curve`.
    pub best_accuracy: f64,
    /// The 1-based epoch of `best_accuracy` (the first, on ties).
    pub best_epoch: usize,
    /// The last rung it was trained in (0-based).
    pub rung: usize,
    /// Whether it stopped before its rung's epochs because validation stopped improving.
    pub converged: bool,
    /// Planned reference seconds per epoch (all folds).
    pub estimated_epoch_seconds: f64,
    /// Literals per non-empty clause when it stopped training (mean over folds' machines, as
    /// trained, before any simplification); absent in logs written before it was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_literals: Option<f64>,
}

/// Everything a search did, saved in the model and printed at the end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchLog {
    /// The chosen settings (`epochs`: for the final model).
    pub chosen: Settings,
    /// The chosen trial's id.
    pub chosen_trial: Option<usize>,
    /// The trial with the best validation score, when the length preference chose another
    /// (so the log shows what the shorter rules cost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub most_accurate_trial: Option<usize>,
    /// Its validation accuracy.
    pub valid_accuracy: Option<f64>,
    /// How it was validated (`"hold-out 10 %"`, `"3-fold"`, or that nothing was searched).
    pub validation: String,
    /// The budget in reference seconds.
    pub budget_seconds: f64,
    /// The plan's estimate of the search, in reference seconds.
    pub planned_seconds: f64,
    /// Epochs of each rung.
    pub rungs: Vec<usize>,
    /// The candidates, in the order they were drawn.
    pub trials: Vec<Trial>,
    /// Why the search ended before its plan, if it did (interrupt, wall-clock limit).
    pub cut: Option<String>,
}

impl SearchLog {
    /// The log as Markdown: how it was run, then one row per candidate, best first.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "Validation: {}. Budget {:.0} s (plan: {:.0} s of search), rungs at {:?} epochs.\n\n",
            self.validation, self.budget_seconds, self.planned_seconds, self.rungs
        ));
        if let Some(cut) = &self.cut {
            out.push_str(&format!("The search ended early: {cut}.\n\n"));
        }
        out.push_str(&format!("Chosen: {}", self.chosen.summary()));
        if let Some(a) = self.valid_accuracy {
            out.push_str(&format!(" (validation accuracy {:.2} %)", 100.0 * a));
        }
        out.push_str("\n\n");
        if let Some(t) = self.most_accurate_trial.and_then(|id| self.trials.get(id)) {
            out.push_str(&format!(
                "Preferred for shorter rules over trial {} ({:.2} %, {}).\n\n",
                t.id,
                100.0 * t.best_accuracy,
                t.mean_literals
                    .map_or("length unknown".to_string(), |l| format!(
                        "{l:.1} literals per clause"
                    ))
            ));
        }
        if self.trials.is_empty() {
            return out;
        }
        out.push_str("| trial | clauses | T | s | weighted | clause drop | n-grams | features | epochs trained | best epoch | validation accuracy | literals per clause | rung |\n");
        out.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        // Candidates that never trained (drop twins whose sibling lost the first rung, or
        // any candidate of a search cut short) are counted, not listed.
        let mut order: Vec<&Trial> = self.trials.iter().filter(|t| !t.curve.is_empty()).collect();
        order.sort_by(|a, b| {
            b.best_accuracy
                .total_cmp(&a.best_accuracy)
                .then(a.id.cmp(&b.id))
        });
        let order_len = order.len();
        for t in order {
            let s = &t.settings;
            let mark = if Some(t.id) == self.chosen_trial {
                " (chosen)"
            } else {
                ""
            };
            out.push_str(&format!(
                "| {}{} | {} | {} | {} | {} | {} | {} | {} | {}{} | {} | {} | {} | {} |\n",
                t.id,
                mark,
                s.clauses,
                super::settings::round_sig(s.threshold),
                super::settings::round_sig(s.specificity),
                if s.weighted { "yes" } else { "no" },
                super::settings::round_sig(s.clause_drop),
                s.ngram_max,
                s.max_features.map_or("all".to_string(), |k| k.to_string()),
                t.curve.len(),
                if t.converged { " (converged)" } else { "" },
                t.best_epoch,
                if t.curve.is_empty() {
                    "–".to_string()
                } else {
                    format!("{:.2} %", 100.0 * t.best_accuracy)
                },
                t.mean_literals
                    .map_or("–".to_string(), |l| format!("{l:.1}")),
                t.rung,
            ));
        }
        let untrained = self.trials.len() - order_len;
        if untrained > 0 {
            out.push_str(&format!(
                "\n{untrained} more candidates never trained (the clause-drop twins of candidates that lost the first rung, and any candidate a search cut short did not reach).\n"
            ));
        }
        out
    }
}

/// Progress of a search, for a display.
#[derive(Debug, Clone)]
pub enum SearchEvent {
    /// The plan: candidates, rung epochs, estimated reference seconds.
    Planned {
        /// Candidates of the first rung.
        candidates: usize,
        /// Drop twins that will join the second rung (one per survivor of the first).
        twins: usize,
        /// Epochs of each rung.
        rungs: Vec<usize>,
        /// Estimated reference seconds of the search.
        estimated_seconds: f64,
        /// Epochs the search will train in all (every candidate of every rung).
        total_epochs: usize,
    },
    /// A candidate starts (or resumes) training towards `epochs`.
    TrialStart {
        /// Its id.
        trial: usize,
        /// The rung (0-based).
        rung: usize,
        /// Epochs it will have after this rung.
        epochs: usize,
        /// Its settings.
        settings: Settings,
    },
    /// A candidate finished an epoch.
    Epoch {
        /// Its id.
        trial: usize,
        /// The 1-based epoch.
        epoch: usize,
        /// Validation accuracy (mean over folds).
        accuracy: f64,
    },
    /// A rung ended; `survivors` go on.
    RungEnd {
        /// The rung (0-based).
        rung: usize,
        /// The ids that go on, best first.
        survivors: Vec<usize>,
    },
    /// The search is over; the final model trains on all the training data.
    Chosen {
        /// The chosen settings.
        settings: Settings,
        /// Why the search ended early, if it did.
        cut: Option<String>,
    },
    /// The final model finished an epoch.
    FinalEpoch {
        /// The 1-based epoch.
        epoch: usize,
        /// Epochs it trains.
        epochs: usize,
        /// Wall-clock seconds of the epoch.
        seconds: f64,
    },
}

/// The epoch counts of the rungs: `first, first x ETA, ...`, the last one `max_epochs`.
pub fn rung_epochs(max_epochs: usize) -> Vec<usize> {
    let mut rungs = Vec::new();
    let mut e = FIRST_RUNG_EPOCHS.min(max_epochs).max(1);
    while e < max_epochs {
        rungs.push(e);
        e *= ETA;
    }
    rungs.push(max_epochs);
    rungs
}

/// How many candidates train in each rung when `starters` begin: a third (rounded up) of the
/// previous rung's, at least one. The drop twins that join the second rung
/// ([`SearchPlan::next_alive`]) come on top of its count and compete for the same places.
pub fn halving_schedule(starters: usize, rungs: usize) -> Vec<usize> {
    let mut alive = starters;
    (0..rungs)
        .map(|_| {
            let now = alive;
            alive = alive.div_ceil(ETA).max(1);
            now
        })
        .collect()
}

/// How many of `twins` planned drop twins join the second rung when `starters` begin: one per
/// survivor of the first rung, none when there is no second rung.
pub fn joining_twins(twins: usize, starters: usize, rungs: usize) -> usize {
    if rungs > 1 {
        twins.min(halving_schedule(starters, rungs)[1])
    } else {
        0
    }
}

/// Estimated cost of halving with the given per-epoch costs (steady state), each candidate's
/// first epochs costing `warmup_factor` times more: the first `starters` costs are the
/// candidates of the first rung, the rest their drop twins, as many of which join the second
/// rung (trained from scratch to its epochs) as there are survivors of the first.
pub fn planned_seconds(
    epoch_costs: &[f64],
    starters: usize,
    rungs: &[usize],
    warmup_factor: f64,
) -> f64 {
    let starters = starters.min(epoch_costs.len());
    if starters == 0 {
        return 0.0;
    }
    let mean_of = |c: &[f64]| c.iter().sum::<f64>() / c.len().max(1) as f64;
    let mean = mean_of(&epoch_costs[..starters]);
    let schedule = halving_schedule(starters, rungs.len());
    let mut done = 0;
    let mut total = 0.0;
    for (&r, &alive) in rungs.iter().zip(&schedule) {
        total += mean * alive as f64 * (r - done) as f64;
        done = r;
    }
    let twins = &epoch_costs[starters..];
    let joined = joining_twins(twins.len(), starters, rungs.len());
    if joined > 0 {
        total += mean_of(twins) * joined as f64 * rungs[1] as f64;
    }
    let warm = super::cost::WARMUP_EPOCHS.min(rungs.last().copied().unwrap_or(0)) as f64;
    total + mean * (starters + joined) as f64 * warm * (warmup_factor - 1.0).max(0.0)
}

/// A search ready to run: the featurized folds, the candidates (each with the index of the
/// view it learns from) and the rung epochs. Run here by [`search`], or one candidate at a
/// time elsewhere ([`SearchPlan::trainee`], [`survivors`] after each rung, [`conclude`]):
/// the two make the same choice for the same seed.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPlan {
    /// One featurization per n-gram length the candidates use.
    pub views: Vec<FeatureView>,
    /// Classes (or labels) of the machines.
    pub n_classes: usize,
    /// The candidates in drawing order (0 is the no-search default) and their views: the
    /// first `starters` train from the first rung, the rest are their drop twins
    /// ([`SearchPlan::twin_of`]), each of which joins the second rung when its sibling
    /// survives the first.
    pub candidates: Vec<(Settings, usize)>,
    /// How many candidates train from the first rung.
    pub starters: usize,
    /// Epochs of each rung.
    pub rungs: Vec<usize>,
    /// How validation rows were held out, for the log.
    pub validation: String,
}

/// What the plan expects of one candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    /// Reference seconds per epoch over all folds (ranking ties go to the cheaper).
    pub epoch_seconds: f64,
    /// Bytes its fold machines hold.
    pub bytes: f64,
}

impl SearchPlan {
    /// Each candidate's planned cost under `options.cost`.
    pub fn costs(&self, options: &SearchOptions) -> Vec<Cost> {
        let folds = self.views.first().map_or(1, |v| v.folds.len()) as f64;
        self.candidates
            .iter()
            .map(|(settings, view)| {
                let f = &self.views[*view].folds[0];
                let features = settings
                    .max_features
                    .map_or(f.x_train.n_features(), |k| k.min(f.x_train.n_features()));
                let mean_present = f.x_train.nnz() as f64 / f.x_train.n_rows().max(1) as f64;
                Cost {
                    epoch_seconds: folds
                        * options.cost.epoch_seconds(
                            f.x_train.n_rows(),
                            features,
                            mean_present,
                            settings,
                        ),
                    bytes: folds
                        * self.n_classes as f64
                        * settings.clauses as f64
                        * 2.0
                        * features as f64
                        * 9.0
                        / 8.0,
                }
            })
            .collect()
    }

    /// The first rung candidate `id` trains in: 0 for a starter, 1 for a drop twin.
    pub fn first_rung(&self, id: usize) -> usize {
        usize::from(id >= self.starters)
    }

    /// The drop twin of starter `id` ([`super::space::drop_twin`]), when the plan has one:
    /// none when the drop was pinned, the plan has one rung, or the twin is a starter itself.
    pub fn twin_of(&self, id: usize) -> Option<usize> {
        let (settings, _) = self.candidates.get(id).filter(|_| id < self.starters)?;
        let twin = super::space::drop_twin(settings);
        (self.starters..self.candidates.len()).find(|&t| self.candidates[t].0 == twin)
    }

    /// The candidates that train in rung `rung + 1`, best first, after `alive` trained in
    /// rung `rung`: the best of them, as many as the [`halving_schedule`] keeps (one after the
    /// last rung; shorter rules first among the nearly best, see [`survivors`]); after the
    /// first rung, followed by the drop twins of the survivors, which start there.
    pub fn next_alive(
        &self,
        rung: usize,
        alive: &[usize],
        outcomes: &[Outcome],
        costs: &[Cost],
        tolerance: f64,
    ) -> Vec<usize> {
        let last = rung + 1 >= self.rungs.len();
        let keep = if last {
            1
        } else {
            halving_schedule(self.starters, self.rungs.len())[rung + 1]
        };
        let mut next = survivors(alive, outcomes, costs, keep, tolerance);
        if rung == 0 && !last {
            let twins: Vec<usize> = next.iter().filter_map(|&id| self.twin_of(id)).collect();
            next.extend(twins);
        }
        next
    }

    /// A fresh trainee of candidate `id` (seeded with `options.seed`).
    pub fn trainee(&self, id: usize, options: &SearchOptions) -> Result<Trainee<'_>> {
        let (settings, view) = self.candidate(id)?;
        Trainee::new(
            &self.views[view],
            settings,
            self.n_classes,
            options.seed,
            options.threads,
        )
    }

    /// Candidate `id`'s settings and view index.
    pub fn candidate(&self, id: usize) -> Result<(&Settings, usize)> {
        self.candidates
            .get(id)
            .map(|(s, v)| (s, *v))
            .ok_or_else(|| {
                crate::error::Error::InvalidInput(format!(
                    "candidate {id}: the plan has {}",
                    self.candidates.len()
                ))
            })
    }
}

/// What one candidate has done so far: everything the halving ranks it by, and all that a
/// distributed search sends back from a trial.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Validation score after each epoch (mean over folds).
    pub curve: Vec<f64>,
    /// Literals per clause of its machines when it last stopped training.
    pub mean_literals: Option<f64>,
    /// The last rung it was (or is being) trained in (0-based).
    pub rung: usize,
    /// Whether it stopped before its rung's epochs because validation stopped improving.
    pub converged: bool,
}

/// Why a search ended before its plan (the log's `cut`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// A stop request (Ctrl-C).
    Interrupted,
    /// The wall clock passed the budget.
    Budget,
}

impl Cut {
    /// What the log says of it.
    pub fn describe(self, options: &SearchOptions) -> String {
        match self {
            Cut::Interrupted => "interrupted: kept the best candidate so far".to_string(),
            Cut::Budget => format!(
                "the wall-clock budget ({:.0} s) ran out: kept the best candidate so far",
                options.budget_seconds
            ),
        }
    }
}

/// Runs successive halving over the plan's candidates, every epoch scored on the views'
/// validation rows. Candidates are trained in id order; ranking ties go to the cheaper
/// candidate, then the lower id.
pub fn search(
    plan: &SearchPlan,
    options: &SearchOptions,
    mut on_event: impl FnMut(&SearchEvent),
) -> Result<SearchLog> {
    let started = Instant::now();
    let n = plan.candidates.len();
    let costs = plan.costs(options);
    let epoch_costs: Vec<f64> = costs.iter().map(|c| c.epoch_seconds).collect();
    let starters = plan.starters.min(n);
    let twins = joining_twins(n - starters, starters, plan.rungs.len());
    // The plan's epochs: its cost with every epoch costing one and no warm-up.
    let total_epochs =
        planned_seconds(&vec![1.0; n], plan.starters, &plan.rungs, 1.0).round() as usize;
    on_event(&SearchEvent::Planned {
        candidates: starters,
        twins,
        total_epochs,
        rungs: plan.rungs.clone(),
        estimated_seconds: planned_seconds(
            &epoch_costs,
            plan.starters,
            &plan.rungs,
            options.cost.warmup_factor,
        ),
    });
    let mut outcomes = vec![Outcome::default(); n];
    // `None` before the first rung, and after the candidate is dropped (or evicted for memory).
    let mut trainees: Vec<Option<Trainee>> = (0..n).map(|_| None).collect();
    let mut alive: Vec<usize> = (0..plan.starters.min(n)).collect();
    let mut cut: Option<String> = None;
    let stopped = || {
        options
            .stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::SeqCst))
    };
    'rungs: for (r, &target) in plan.rungs.iter().enumerate() {
        let last = r + 1 == plan.rungs.len();
        for &id in &alive {
            if stopped() {
                cut = Some(Cut::Interrupted.describe(options));
                break 'rungs;
            }
            if options.time_limit && started.elapsed().as_secs_f64() > options.budget_seconds {
                cut = Some(Cut::Budget.describe(options));
                break 'rungs;
            }
            outcomes[id].rung = r;
            if outcomes[id].converged {
                continue;
            }
            on_event(&SearchEvent::TrialStart {
                trial: id,
                rung: r,
                epochs: target,
                settings: plan.candidates[id].0.clone(),
            });
            // A fresh trainee (or one dropped for memory) starts over: the same seed retraces
            // the same curve.
            let trainee = match &mut trainees[id] {
                Some(t) => t,
                slot @ None => slot.insert(plan.trainee(id, options)?),
            };
            let result = trainee.train_to(
                target,
                trainee::patience(target, last),
                options.stop.clone(),
                |epoch, accuracy| {
                    on_event(&SearchEvent::Epoch {
                        trial: id,
                        epoch,
                        accuracy,
                    });
                    Control::Continue
                },
            )?;
            outcomes[id].curve = trainee.curve();
            outcomes[id].mean_literals = Some(trainee.mean_literals());
            match result {
                Trained::Done => {}
                Trained::Converged => outcomes[id].converged = true,
                Trained::Interrupted => {
                    cut = Some(Cut::Interrupted.describe(options));
                    break 'rungs;
                }
            }
        }
        let ranked = plan.next_alive(r, &alive, &outcomes, &costs, options.length_tolerance);
        for &id in &alive {
            if !ranked.contains(&id) {
                trainees[id] = None;
            }
        }
        // Memory: survivors keep their machines only while they fit in KEEP_BYTES together.
        let mut held = 0.0;
        for &id in &ranked {
            held += costs[id].bytes;
            if held > KEEP_BYTES {
                trainees[id] = None;
            }
        }
        on_event(&SearchEvent::RungEnd {
            rung: r,
            survivors: ranked.clone(),
        });
        alive = ranked;
    }
    conclude(plan, &outcomes, options, cut)
}

/// The best `keep` candidates of `alive` (at least one), best first: shorter rules first
/// among the nearly best ([`SearchOptions::length_tolerance`]).
pub fn survivors(
    alive: &[usize],
    outcomes: &[Outcome],
    costs: &[Cost],
    keep: usize,
    tolerance: f64,
) -> Vec<usize> {
    let mut ranked = alive.to_vec();
    rank(&mut ranked, outcomes, costs, tolerance);
    ranked.truncate(keep.max(1));
    ranked
}

/// The log of a search whose candidates did `outcomes` (one per candidate of `plan`, in
/// order), with the choice: the most accurate candidate, then the shortest-ruled one within
/// the tolerance of it among those trained at least as far (the same rung or later). `cut`
/// says why the search ended before its plan, if it did.
pub fn conclude(
    plan: &SearchPlan,
    outcomes: &[Outcome],
    options: &SearchOptions,
    cut: Option<String>,
) -> Result<SearchLog> {
    let Some((first, _)) = plan.candidates.first() else {
        return Err(crate::error::Error::InvalidInput(
            "a search plan without candidates".to_string(),
        ));
    };
    if outcomes.len() != plan.candidates.len() {
        return Err(crate::error::Error::InvalidInput(format!(
            "{} outcomes for {} candidates",
            outcomes.len(),
            plan.candidates.len()
        )));
    }
    let costs = plan.costs(options);
    let epoch_costs: Vec<f64> = costs.iter().map(|c| c.epoch_seconds).collect();
    let trials: Vec<Trial> = plan
        .candidates
        .iter()
        .zip(outcomes)
        .enumerate()
        .map(|(id, ((settings, _), o))| {
            let (best_accuracy, best_epoch) = best(&o.curve);
            let mut settings = settings.clone();
            settings.epochs = o.curve.len();
            Trial {
                id,
                settings,
                best_accuracy,
                best_epoch,
                curve: o.curve.clone(),
                rung: o.rung,
                converged: o.converged,
                estimated_epoch_seconds: costs[id].epoch_seconds,
                mean_literals: o.mean_literals,
            }
        })
        .collect();
    let mut by_score: Vec<usize> = (0..trials.len())
        .filter(|&id| !trials[id].curve.is_empty())
        .collect();
    rank(&mut by_score, outcomes, &costs, 0.0);
    let most_accurate = by_score.first().copied();
    let chosen = most_accurate.map(|top| {
        let mut peers: Vec<usize> = by_score
            .iter()
            .copied()
            .filter(|&id| trials[id].rung >= trials[top].rung)
            .collect();
        rank(&mut peers, outcomes, &costs, options.length_tolerance);
        peers[0]
    });
    let (settings, valid_accuracy) = match chosen {
        Some(id) => {
            let mut s = plan.candidates[id].0.clone();
            s.epochs = trials[id].best_epoch.max(1);
            (s, Some(trials[id].best_accuracy))
        }
        None => (first.clone(), None),
    };
    Ok(SearchLog {
        chosen: settings,
        chosen_trial: chosen,
        most_accurate_trial: most_accurate.filter(|&m| Some(m) != chosen),
        valid_accuracy,
        validation: plan.validation.clone(),
        budget_seconds: options.budget_seconds,
        planned_seconds: planned_seconds(
            &epoch_costs,
            plan.starters,
            &plan.rungs,
            options.cost.warmup_factor,
        ),
        rungs: plan.rungs.clone(),
        trials,
        cut,
    })
}

/// Orders candidate `ids` best first: those whose best score is within `tolerance` of the
/// best among them come first, shorter rules first ([`Outcome::mean_literals`]; unknown
/// last), then the others by score; ties to the cheaper candidate, then the lower id.
fn rank(ids: &mut [usize], outcomes: &[Outcome], costs: &[Cost], tolerance: f64) {
    // Scores once per candidate, not once per comparison (each is a pass over its curve).
    let score: Vec<f64> = outcomes.iter().map(|o| best(&o.curve).0).collect();
    let top = ids
        .iter()
        .map(|&id| score[id])
        .fold(f64::NEG_INFINITY, f64::max);
    // The sort key's head: (not near, length), the length only counting among the near ones
    // (unknown last); the others tie there and the score decides.
    let head = |id: usize| {
        let near = tolerance > 0.0 && score[id] >= top - tolerance - 1e-12;
        let length = outcomes[id].mean_literals.unwrap_or(f64::INFINITY);
        (!near, if near { length } else { 0.0 })
    };
    ids.sort_by(|&a, &b| {
        let ((far_a, len_a), (far_b, len_b)) = (head(a), head(b));
        far_a
            .cmp(&far_b)
            .then(len_a.total_cmp(&len_b))
            .then(score[b].total_cmp(&score[a]))
            .then(costs[a].epoch_seconds.total_cmp(&costs[b].epoch_seconds))
            .then(a.cmp(&b))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(curve: &[f64], literals: Option<f64>) -> Outcome {
        Outcome {
            curve: curve.to_vec(),
            mean_literals: literals,
            ..Outcome::default()
        }
    }

    fn cost(epoch_seconds: f64) -> Cost {
        Cost {
            epoch_seconds,
            bytes: 0.0,
        }
    }

    #[test]
    fn ranking_prefers_shorter_rules_only_within_the_tolerance() {
        let o = vec![
            outcome(&[0.80, 0.900], Some(40.0)), // the most accurate, long rules
            outcome(&[0.897], Some(6.0)),        // 0.3 points below, short
            outcome(&[0.890], Some(2.0)),        // 1 point below, shortest
            outcome(&[0.899], None),             // near, length unknown
        ];
        let c = vec![cost(1.0); 4];
        let mut ids = vec![0, 1, 2, 3];
        rank(&mut ids, &o, &c, 0.005);
        assert_eq!(
            ids,
            [1, 0, 3, 2],
            "near ones by length (unknown last), then by score"
        );
        rank(&mut ids, &o, &c, 0.0);
        assert_eq!(ids, [0, 3, 1, 2], "no tolerance: the score alone");
        rank(&mut ids, &o, &c, 0.02);
        assert_eq!(ids, [2, 1, 0, 3], "a wide tolerance takes in the shortest");
    }

    #[test]
    fn ranking_ties_go_to_the_cheaper_then_the_lower_id() {
        let o = vec![outcome(&[0.9], Some(5.0)); 3];
        let c = vec![cost(2.0), cost(1.0), cost(1.0)];
        let mut ids = vec![0, 1, 2];
        rank(&mut ids, &o, &c, 0.005);
        assert_eq!(ids, [1, 2, 0]);
    }

    #[test]
    fn the_plan_counts_the_twins_that_join_the_second_rung() {
        assert_eq!(halving_schedule(18, 5), [18, 6, 2, 1, 1]);
        assert_eq!(halving_schedule(2, 2), [2, 1]);
        let rungs = [2, 6, 18];
        // 18 x 2 + 6 x 4 + 2 x 12 epochs, then 6 twins trained from scratch to 6 epochs.
        assert_eq!(planned_seconds(&[1.0; 18], 18, &rungs, 1.0), 84.0);
        assert_eq!(planned_seconds(&[1.0; 36], 18, &rungs, 1.0), 84.0 + 36.0);
        assert_eq!(planned_seconds(&[1.0; 20], 18, &rungs, 1.0), 84.0 + 12.0);
        assert_eq!(
            planned_seconds(&[1.0; 36], 18, &[2], 1.0),
            36.0,
            "one rung: nobody joins"
        );
    }

    #[test]
    fn survivors_of_the_first_rung_are_joined_by_their_drop_twins() {
        let base = super::super::settings::default_settings(&super::super::settings::DataProfile {
            rows: 1000,
            classes: 2,
            features: 500,
            mean_present: 20.0,
            text: true,
        });
        let starter = |clauses: usize| Settings {
            clauses,
            ..base.clone()
        };
        let starters: Vec<Settings> = [10, 20, 30, 40].map(starter).to_vec();
        // Twins of all but the last starter (as if its twin were another starter).
        let twins: Vec<Settings> = starters[..3]
            .iter()
            .map(super::super::space::drop_twin)
            .collect();
        let plan = SearchPlan {
            views: Vec::new(),
            n_classes: 2,
            candidates: starters
                .iter()
                .chain(&twins)
                .map(|s| (s.clone(), 0))
                .collect(),
            starters: 4,
            rungs: vec![2, 6, 18],
            validation: String::new(),
        };
        assert_eq!(
            (0..7).map(|id| plan.twin_of(id)).collect::<Vec<_>>(),
            [Some(4), Some(5), Some(6), None, None, None, None]
        );
        assert_eq!(
            (0..7).map(|id| plan.first_rung(id)).collect::<Vec<_>>(),
            [0, 0, 0, 0, 1, 1, 1]
        );
        let mut outcomes = vec![Outcome::default(); 7];
        for (id, score) in [(0, 0.7), (1, 0.6), (2, 0.9), (3, 0.8)] {
            outcomes[id] = outcome(&[score, score], Some(5.0));
        }
        let costs = vec![cost(1.0); 7];
        // Two of four go on (the schedule), then the twins of the two: starter 3 has none.
        assert_eq!(
            plan.next_alive(0, &[0, 1, 2, 3], &outcomes, &costs, 0.0),
            [2, 3, 6]
        );
        outcomes[6] = outcome(&[0.5, 0.8, 0.95], Some(5.0));
        outcomes[2].curve.push(0.91);
        outcomes[3].curve.push(0.85);
        assert_eq!(
            plan.next_alive(1, &[2, 3, 6], &outcomes, &costs, 0.0),
            [6],
            "a twin competes for the same places; no twins after the second rung"
        );
        assert_eq!(plan.next_alive(2, &[6], &outcomes, &costs, 0.0), [6]);
    }

    #[test]
    fn rungs_grow_by_eta_and_end_at_the_ceiling() {
        assert_eq!(rung_epochs(60), vec![2, 6, 18, 54, 60]);
        assert_eq!(rung_epochs(18), vec![2, 6, 18]);
        assert_eq!(rung_epochs(1), vec![1]);
    }

    #[test]
    fn projection_keeps_the_chosen_columns_renumbered() {
        let x = SparseRows::from_rows(5, &[vec![0, 2, 4], vec![1, 3]]).expect("rows");
        let p = project(&x, &[2, 3]);
        assert_eq!(p.n_features(), 2);
        assert_eq!(p.row(0), &[0]);
        assert_eq!(p.row(1), &[1]);
    }

    #[test]
    fn ranking_puts_the_class_feature_first() {
        // Feature 1 is present exactly in class 1; feature 0 everywhere; feature 2 nowhere.
        let rows: Vec<Vec<u32>> = (0..20)
            .map(|i| if i % 2 == 1 { vec![0, 1] } else { vec![0] })
            .collect();
        let y: Vec<u32> = (0..20).map(|i| (i % 2) as u32).collect();
        let x = SparseRows::from_rows(3, &rows).expect("rows");
        assert_eq!(rank_features(&x, &y, 2, Selection::ChiSquared)[0], 1);
    }

    #[test]
    fn ranking_takes_label_sets() {
        // Rows 0-3 carry labels {0, 2} and feature 2; rows 4-7 label 0; rows 8-11 label 1.
        // Feature 1 is in every other row (independent of the labels), feature 0 in all.
        let rows: Vec<Vec<u32>> = (0..12u32)
            .map(|i| {
                let mut r = vec![0];
                if i % 2 == 1 {
                    r.push(1);
                }
                if i < 4 {
                    r.push(2);
                }
                r
            })
            .collect();
        let labels: Vec<Vec<u32>> = (0..12)
            .map(|i| match i {
                0..=3 => vec![0, 2],
                4..=7 => vec![0],
                _ => vec![1],
            })
            .collect();
        let x = SparseRows::from_rows(3, &rows).expect("rows");
        let sets = LabelSets::from_rows(3, &labels).expect("sets");
        assert_eq!(
            rank_features(&x, &sets, 3, Selection::ChiSquared),
            [2, 0, 1]
        );
    }
}
