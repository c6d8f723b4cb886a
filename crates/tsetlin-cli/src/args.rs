//! Argument groups shared by several subcommands: corpus reading, featurizing, the machine's
//! hyper-parameters and the run settings (threads, seed, epochs).
//!
//! Arguments are parsed by clap first and validated here afterwards, so that every mistake
//! comes back as one `error: ...` line naming the flag.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use tsetlin::featurize::{FeaturizerConfig, Selection, TokenizerConfig};
use tsetlin::io::{Dataset, Encoding, Format, ReadOptions};
use tsetlin::tune::{Pinned, SearchOptions};

use crate::output::Log;

/// Corpus layout named on the command line (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
    /// Tab-separated values with a header line.
    Tsv,
    /// `root/<class>/<file>`: one folder per class.
    Folder,
}

/// How labelled corpora are read (`train`, `eval`, `bench`, `rules`, ...).
#[derive(Debug, Clone, Args)]
pub struct ReaderArgs {
    /// Corpus format (default: from the file name: .jsonl/.json/.ndjson, .csv, .tsv,
    /// optionally .gz; a directory is one folder per class).
    #[arg(long, value_enum, help_heading = "Reading")]
    pub format: Option<FormatArg>,
    #[command(flatten)]
    pub fields: FieldArgs,
}

impl ReaderArgs {
    /// Reads a single-label corpus; see [`FieldArgs::read`].
    pub fn read(&self, path: &Path, what: &str, log: &Log) -> Result<Dataset> {
        self.fields.read(path, self.format, what, log)
    }

    /// Reads a single- or multi-label corpus; see [`FieldArgs::read_any`].
    pub fn read_any(&self, path: &Path, what: &str, log: &Log) -> Result<Dataset> {
        self.fields.read_any(path, self.format, what, log)
    }
}

/// The commands that take multi-label data, for the message of the others.
pub const MULTI_LABEL_COMMANDS: &str =
    "`tsetlin train`, `tune`, `eval`, `predict`, `rules`, `explain`, `simplify`, `report`, `export-features` and `bench --train/--test`";

/// Reading options other than the format (`report` names its data format `--data-format`,
/// because its `--format` is the report's).
#[derive(Debug, Clone, Args)]
pub struct FieldArgs {
    /// Name of the text field (JSON key or CSV/TSV column).
    #[arg(long, default_value = "text", help_heading = "Reading")]
    pub text_field: String,
    /// Name of the label field (JSON key or CSV/TSV column).
    #[arg(long, default_value = "label", help_heading = "Reading")]
    pub label_field: String,
    /// The longest line (bytes) a corpus may have; a longer one is an error naming the line
    /// (a guard against files that are not text, such as /dev/zero).
    #[arg(long, default_value_t = tsetlin::io::MAX_LINE_BYTES, value_parser = clap::value_parser!(usize), help_heading = "Reading")]
    pub max_line_bytes: usize,
    /// Skip malformed lines instead of failing (their count and first reasons go to stderr).
    #[arg(long, help_heading = "Reading")]
    pub skip_bad_lines: bool,
    /// Decode files as Latin-1 (ISO-8859-1) instead of UTF-8.
    #[arg(long, help_heading = "Reading")]
    pub latin1: bool,
    /// Read the data as multi-label even if no line has a label list (each single label is a
    /// set of one). Without it, a label list on any line (JSON `"labels": [...]`) or
    /// `--label-separator` makes the data multi-label.
    #[arg(long, help_heading = "Reading")]
    pub multi_label: bool,
    /// CSV/TSV: the label cell is a list split by this separator (e.g. "|"); an empty cell is
    /// a document with no label. Makes the data multi-label.
    #[arg(long, value_name = "SEP", help_heading = "Reading")]
    pub label_separator: Option<String>,
}

/// Above this many distinct labels, a corpus with fewer than 2 documents per label gets a
/// warning (an id column read as the label makes one class per document).
const MANY_LABELS: usize = 100;

impl FieldArgs {
    /// The library's reader options.
    pub fn options(&self, format: Option<FormatArg>) -> ReadOptions {
        ReadOptions {
            skip_bad_lines: self.skip_bad_lines,
            encoding: if self.latin1 {
                Encoding::Latin1
            } else {
                Encoding::Utf8
            },
            text_field: self.text_field.clone(),
            label_field: self.label_field.clone(),
            max_line_bytes: self.max_line_bytes,
            multi_label: self.multi_label,
            label_separator: self.label_separator.clone(),
            format: format.map(|f| match f {
                FormatArg::Jsonl => Format::JsonLines,
                FormatArg::Csv => Format::Csv,
                FormatArg::Tsv => Format::Tsv,
                FormatArg::Folder => Format::FolderPerClass,
            }),
        }
    }

    /// Reads a single-label corpus (one label per document): multi-label data is refused
    /// with a message naming the commands that take it. See [`FieldArgs::read_any`].
    pub fn read(
        &self,
        path: &Path,
        format: Option<FormatArg>,
        what: &str,
        log: &Log,
    ) -> Result<Dataset> {
        let data = self.read_any(path, format, what, log)?;
        if data.is_multi_label() {
            anyhow::bail!(
                "{} is multi-label data (documents carry label lists{}); this command takes one label per document, multi-label data goes to {MULTI_LABEL_COMMANDS}",
                path.display(),
                if self.multi_label { ", --multi-label" } else { "" }
            );
        }
        Ok(data)
    }

    /// Reads a labelled corpus, single- or multi-label; skipped lines are reported on stderr
    /// (never silently dropped).
    pub fn read_any(
        &self,
        path: &Path,
        format: Option<FormatArg>,
        what: &str,
        log: &Log,
    ) -> Result<Dataset> {
        #[cfg(unix)]
        if std::fs::metadata(path).is_ok_and(|m| {
            use std::os::unix::fs::FileTypeExt;
            m.file_type().is_fifo()
        }) {
            // Opening a named pipe blocks until something writes to it: say why we wait.
            log.warn(&format!(
                "{} is a named pipe: waiting for a writer (Ctrl-C to stop)",
                path.display()
            ));
        }
        let data = tsetlin::io::read_dataset(path, &self.options(format))
            .with_context(|| format!("cannot read the {what} data"))?;
        if !data.skipped.is_empty() {
            log.warn(&format!(
                "{}: skipped {} malformed line(s) (--skip-bad-lines); first reasons:",
                path.display(),
                data.skipped.len()
            ));
            for s in data.skipped.iter().take(5) {
                log.warn(&format!("  {}", s.reason));
            }
        }
        log.info(&format!(
            "{}: {} documents ({what})",
            path.display(),
            data.len()
        ));
        let distinct: std::collections::HashSet<&str> =
            data.labels.iter().map(String::as_str).collect();
        if distinct.len() > MANY_LABELS && distinct.len() * 2 > data.len() {
            log.warn(&format!(
                "{}: {} distinct labels in {} documents (fewer than 2 per label): is --label-field \
                 \"{}\" an id column? Every label gets its own clauses, so memory and time grow with it",
                path.display(),
                distinct.len(),
                data.len(),
                self.label_field
            ));
        }
        Ok(data)
    }
}

/// Feature selection named on the command line (`--selection`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SelectionArg {
    /// Chi-squared statistic of term presence against the class.
    Chi2,
    /// Mutual information of term presence and class.
    Mi,
    /// Document frequency.
    Df,
}

/// How texts become Boolean features (`train`, `tune`, `bench`, `export-features`).
#[derive(Debug, Clone, Args)]
pub struct FeaturizerArgs {
    /// Longest n-gram (1 = words, 2 = words and word pairs). Default: chosen by the
    /// automatic settings; 1 where there are none (bench, export-features).
    #[arg(long, help_heading = "Features")]
    pub ngrams: Option<usize>,
    /// Keep terms found in at least this many training documents.
    #[arg(long, default_value_t = 2, help_heading = "Features")]
    pub min_df: usize,
    /// Keep at most this many terms, the best by --selection (0 = keep all). Default: chosen
    /// by the automatic settings; 10,000 where there are none.
    #[arg(long, help_heading = "Features")]
    pub max_features: Option<usize>,
    /// How terms are ranked for --max-features.
    #[arg(long, value_enum, default_value = "chi2", help_heading = "Features")]
    pub selection: SelectionArg,
    /// Drop English stop words.
    #[arg(long, help_heading = "Features")]
    pub stop_words: bool,
    /// Stem words (English Snowball).
    #[arg(long, help_heading = "Features")]
    pub stem: bool,
    /// Remove Usenet headers, quoted replies and signatures (20 Newsgroups).
    #[arg(long, help_heading = "Features")]
    pub strip_headers: bool,
    /// Keep the case of words.
    #[arg(long, help_heading = "Features")]
    pub no_lowercase: bool,
}

/// The n-gram length where nothing chooses it.
pub const DEFAULT_NGRAMS: usize = 1;
/// The feature count where nothing chooses it.
pub const DEFAULT_MAX_FEATURES: usize = 10_000;

impl FeaturizerArgs {
    /// The validated featurizer configuration, with the fixed defaults for what was not
    /// given (for commands without automatic settings).
    pub fn config(&self) -> Result<FeaturizerConfig> {
        let ngrams = self.ngrams.unwrap_or(DEFAULT_NGRAMS);
        if !(1..=tsetlin::featurize::TokenizerConfig::MAX_NGRAM).contains(&ngrams) {
            bail!(
                "--ngrams must be between 1 and {}, got {ngrams}",
                tsetlin::featurize::TokenizerConfig::MAX_NGRAM
            );
        }
        if self.min_df == 0 {
            bail!("--min-df must be at least 1");
        }
        let max_features = self.max_features.unwrap_or(DEFAULT_MAX_FEATURES);
        Ok(FeaturizerConfig {
            tokenizer: TokenizerConfig {
                lowercase: !self.no_lowercase,
                ngram_max: ngrams,
                stop_words: self.stop_words,
                stem: self.stem,
                strip_newsgroup_headers: self.strip_headers,
                ..TokenizerConfig::default()
            },
            min_df: self.min_df,
            max_features: (max_features > 0).then_some(max_features),
            selection: match self.selection {
                SelectionArg::Chi2 => Selection::ChiSquared,
                SelectionArg::Mi => Selection::MutualInformation,
                SelectionArg::Df => Selection::DocFrequency,
            },
        })
    }
}

/// The Tsetlin machine's hyper-parameters. Each one given is used exactly; the automatic
/// settings choose the others (or, with `--no-auto`, the data-derived defaults).
#[derive(Debug, Clone, Args)]
pub struct MachineArgs {
    /// Clauses per class (even: half vote for the class, half against).
    #[arg(long, help_heading = "Tsetlin machine")]
    pub clauses: Option<usize>,
    /// Vote margin T.
    #[arg(long, help_heading = "Tsetlin machine")]
    pub threshold: Option<f64>,
    /// Specificity s (larger: longer, more specific clauses).
    #[arg(long, help_heading = "Tsetlin machine")]
    pub specificity: Option<f64>,
    /// Bits per automaton state.
    #[arg(long, default_value_t = 8, help_heading = "Tsetlin machine")]
    pub state_bits: u32,
    /// Boost true positive feedback (default).
    #[arg(long, overrides_with = "no_boost", help_heading = "Tsetlin machine")]
    pub boost: bool,
    /// Do not boost true positive feedback.
    #[arg(long, help_heading = "Tsetlin machine")]
    pub no_boost: bool,
    /// Weighted clauses (a clause's vote is an integer weight learned with it).
    #[arg(long, overrides_with = "no_weighted", help_heading = "Tsetlin machine")]
    pub weighted: bool,
    /// Unweighted clauses (every vote is 1).
    #[arg(long, help_heading = "Tsetlin machine")]
    pub no_weighted: bool,
    /// Literal budget: clauses stop including literals at this many.
    #[arg(long, help_heading = "Tsetlin machine")]
    pub literal_budget: Option<u32>,
    /// Probability that a clause sits out an epoch (regularisation). Default: chosen by the
    /// automatic settings (0 or 0.5); 0 where there are none
    #[arg(long, help_heading = "Tsetlin machine")]
    pub clause_drop: Option<f64>,
    /// Focused negative sampling (for many classes).
    #[arg(long, help_heading = "Tsetlin machine")]
    pub focused_negatives: bool,
}

impl MachineArgs {
    /// Checks the values by handing them to the engine's own validation (the one place a
    /// range is written), and names the flag in the error.
    pub fn validate(&self) -> Result<()> {
        let mut b = tsetlin_core::Params::builder(2, 1)
            .state_bits(self.state_bits)
            .literal_budget(self.literal_budget);
        if let Some(p) = self.clause_drop {
            b = b.clause_drop(p);
        }
        if let Some(c) = self.clauses {
            b = b.clauses(c);
        }
        if let Some(t) = self.threshold {
            b = b.threshold(t);
        }
        if let Some(s) = self.specificity {
            b = b.specificity(s);
        }
        match b.build() {
            Ok(_) => Ok(()),
            Err(tsetlin_core::TmError::InvalidParameter {
                name,
                value,
                reason,
            }) => bail!("--{} = {value}: {reason}", flag_of(name)),
            Err(other) => Err(other.into()),
        }
    }

    /// What the command line fixes: every flag given, and the features' and epochs' flags.
    pub fn pinned(&self, features: &FeaturizerArgs, run: &RunArgs) -> Pinned {
        let flag = |on: bool, off: bool| match (on, off) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        Pinned {
            ngram_max: features.ngrams,
            max_features: features.max_features,
            clauses: self.clauses,
            threshold: self.threshold,
            specificity: self.specificity,
            weighted: flag(self.weighted, self.no_weighted),
            boost: flag(self.boost, self.no_boost),
            literal_budget: self.literal_budget,
            epochs: run.epochs,
            state_bits: Some(self.state_bits),
            clause_drop: self.clause_drop,
            focused_negatives: Some(self.focused_negatives),
        }
    }
}

/// The command-line flag of an engine parameter (the builder's name).
fn flag_of(parameter: &str) -> String {
    match parameter {
        "n_clauses" => "clauses".to_string(),
        other => other.replace('_', "-"),
    }
}

/// The automatic settings (`train`, `tune`, `bench`).
#[derive(Debug, Clone, Args)]
pub struct AutoArgs {
    /// No settings search: the flags given, and defaults derived from the data for the rest.
    #[arg(long, help_heading = "Automatic settings")]
    pub no_auto: bool,
    /// Time for the settings search and the final model together, e.g. 90s, 15m, 1h (the
    /// plan is made for a 2-core laptop; a faster machine finishes sooner).
    #[arg(long, default_value = "15m", value_parser = parse_duration, help_heading = "Automatic settings")]
    pub budget: f64,
    /// Most epochs a candidate (and the final model) trains.
    #[arg(long, default_value_t = tsetlin::tune::DEFAULT_MAX_EPOCHS, help_heading = "Automatic settings")]
    pub max_epochs: usize,
    /// Train with the settings saved in this model (flags given still win).
    #[arg(long, value_name = "MODEL", help_heading = "Automatic settings")]
    pub settings_from: Option<PathBuf>,
    /// Never cut the search on the wall clock: the plan made from --budget alone decides, so
    /// the same seed gives the same choice however slow or loaded the machine is.
    #[arg(long, help_heading = "Automatic settings")]
    pub no_time_limit: bool,
    /// Keep the rules as trained. By default, after training, each clause loses the literals
    /// whose removal makes no training prediction worse (see `tsetlin simplify`).
    #[arg(long, help_heading = "Automatic settings")]
    pub no_simplify: bool,
    /// How the search holds out validation documents: `file-order` takes the last ones of
    /// each class as they come in the file (newest first, if the file is in time order; whole
    /// threads or patients, if related notes sit together); `shuffled` a seeded random
    /// sample (for a file whose order means nothing, or is misleading, e.g. sorted by length).
    #[arg(
        long,
        value_enum,
        default_value = "file-order",
        help_heading = "Automatic settings"
    )]
    pub validation_split: ValidationSplitArg,
    /// Validation accuracy (micro-F1 for multi-label data), in points, the search may give up
    /// for shorter rules: among candidates within it of the best, the one with the fewest
    /// literals per clause is chosen. 0: accuracy alone.
    #[arg(long, default_value_t = 100.0 * tsetlin::tune::DEFAULT_LENGTH_TOLERANCE, value_name = "POINTS", help_heading = "Automatic settings")]
    pub length_tolerance: f64,
    /// Join each survivor of the search's first rung by its clause-drop twin (the same
    /// settings with the other drop), trained from scratch in the second rung. Off by
    /// default: it re-decides the drop on validation but starts fewer candidates and runs
    /// longer than the budget plans (BENCHMARKS.md §7, v8).
    #[arg(long, help_heading = "Automatic settings")]
    pub drop_twins: bool,
}

/// `--validation-split`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ValidationSplitArg {
    /// The last documents of each class, in file order.
    FileOrder,
    /// A seeded random sample of each class.
    Shuffled,
}

impl AutoArgs {
    /// Checks the values.
    pub fn validate(&self) -> Result<()> {
        if self.max_epochs == 0 {
            bail!("--max-epochs must be at least 1");
        }
        if !(self.length_tolerance.is_finite() && (0.0..=100.0).contains(&self.length_tolerance)) {
            bail!(
                "--length-tolerance {}: must be between 0 and 100 points",
                self.length_tolerance
            );
        }
        Ok(())
    }

    /// `pinned` over the settings of `--settings-from` (flags given win).
    pub fn pins(&self, pinned: Pinned) -> Result<Pinned> {
        let Some(path) = &self.settings_from else {
            return Ok(pinned);
        };
        let model = tsetlin::TextClassifier::load(path)
            .with_context(|| format!("cannot read the settings of {}", path.display()))?;
        Ok(Pinned::all(&model.settings()).overlay(&pinned))
    }

    /// The search options for a run.
    pub fn options(&self, run: &RunArgs, stop: Option<Arc<AtomicBool>>) -> SearchOptions {
        SearchOptions {
            budget_seconds: self.budget,
            seed: run.seed,
            threads: run.threads,
            max_epochs: self.max_epochs,
            stop,
            auto: !self.no_auto,
            simplify: !self.no_simplify,
            time_limit: !self.no_time_limit,
            split_order: match self.validation_split {
                ValidationSplitArg::FileOrder => tsetlin::tune::SplitOrder::FileOrder,
                ValidationSplitArg::Shuffled => tsetlin::tune::SplitOrder::Shuffled,
            },
            length_tolerance: self.length_tolerance / 100.0,
            drop_twins: self.drop_twins,
            ..SearchOptions::default()
        }
    }
}

/// Parses `90`, `90s`, `15m`, `1h`, `1h30m` into seconds.
pub fn parse_duration(s: &str) -> std::result::Result<f64, String> {
    let bad = || format!("{s:?} is not a duration (examples: 90s, 15m, 1h, 1h30m)");
    let mut total = 0.0;
    let mut number = String::new();
    for ch in s.trim().chars() {
        if ch.is_ascii_digit() || ch == '.' {
            number.push(ch);
            continue;
        }
        let unit = match ch {
            's' => 1.0,
            'm' => 60.0,
            'h' => 3600.0,
            _ => return Err(bad()),
        };
        let v: f64 = number.parse().map_err(|_| bad())?;
        total += v * unit;
        number.clear();
    }
    if !number.is_empty() {
        total += number.parse::<f64>().map_err(|_| bad())?;
    }
    if !(total.is_finite() && total > 0.0) {
        return Err(bad());
    }
    Ok(total)
}

/// Settings of a training run that do not change what is learned per step.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Training epochs. Default: chosen by the automatic settings; 10 where there are none
    /// (bench with --no-auto).
    #[arg(long, help_heading = "Run")]
    pub epochs: Option<usize>,
    /// Threads for featurizing, training and prediction (0 = all cores).
    #[arg(long, default_value_t = 0, help_heading = "Run")]
    pub threads: usize,
    /// Seed of every random choice (shuffling, splits, the machine).
    #[arg(long, default_value_t = 42, help_heading = "Run")]
    pub seed: u64,
    /// Where the machine runs: cpu, cuda, or auto (CUDA when this build has it and a GPU is
    /// present, else the CPU; given explicitly, it says which). Default: auto. This build has
    /// no CUDA backend.
    #[arg(long, value_parser = parse_device, help_heading = "Run")]
    pub device: Option<tsetlin_core::Device>,
}

/// `--device` as the engine spells it (one list of names, the engine's).
fn parse_device(s: &str) -> std::result::Result<tsetlin_core::Device, String> {
    s.parse().map_err(|e: tsetlin_core::TmError| e.to_string())
}

impl RunArgs {
    /// Checks the values, resolves the device (an error for `cuda` in a build without it; a
    /// note when `auto` falls back) and sizes the global thread pool used by the featurizer.
    pub fn validate(&self, log: &Log) -> Result<()> {
        if self.epochs == Some(0) {
            bail!("--epochs must be at least 1");
        }
        let device = self.device.unwrap_or_default();
        let resolved = device.resolve().context("--device")?;
        if let (Some(note), Some(_)) = (resolved.note, self.device) {
            log.info(&format!("device: {note}"));
        }
        if tsetlin_core::backend::cap_threads(self.threads) < self.threads {
            log.warn(&format!(
                "--threads {} is more than {} per core; using {}",
                self.threads,
                tsetlin_core::backend::MAX_THREADS_PER_CORE,
                tsetlin_core::backend::cap_threads(self.threads)
            ));
        }
        set_threads(self.threads);
        Ok(())
    }
}

/// Sizes rayon's global pool (the featurizer's), once; later calls are no-ops.
pub fn set_threads(threads: usize) {
    // An error only means the pool was already built (tests, repeated calls): harmless.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(tsetlin_core::backend::cap_threads(threads))
        .build_global();
}

/// Where a benchmark or an export reads its rows: a train/test pair, or one file cut into
/// stratified folds.
#[derive(Debug, Clone, Args)]
pub struct SplitArgs {
    /// Training data (with --test).
    #[arg(long, requires = "test", conflicts_with = "data")]
    pub train: Option<PathBuf>,
    /// Test data (with --train).
    #[arg(long, requires = "train")]
    pub test: Option<PathBuf>,
    /// Data without a split, for cross-validation (with --cv).
    #[arg(long, requires = "cv")]
    pub data: Option<PathBuf>,
    /// Stratified, shuffled k-fold cross-validation on --data.
    #[arg(long, value_name = "K")]
    pub cv: Option<usize>,
}

/// The data layout [`SplitArgs`] asked for.
pub enum DataSplit<'a> {
    /// A training and a test file.
    TrainTest(&'a Path, &'a Path),
    /// One file and the number of folds (at least 2).
    Folds(&'a Path, usize),
}

impl SplitArgs {
    /// The layout asked for, or an error saying what to give.
    pub fn split(&self) -> Result<DataSplit<'_>> {
        match (&self.train, &self.test, &self.data, self.cv) {
            (Some(train), Some(test), None, None) => Ok(DataSplit::TrainTest(train, test)),
            (None, None, Some(data), Some(k)) if k >= 2 => Ok(DataSplit::Folds(data, k)),
            (None, None, Some(_), Some(k)) => bail!("--cv needs at least 2 folds, got {k}"),
            _ => bail!("give --train FILE --test FILE, or --data FILE --cv K"),
        }
    }
}
