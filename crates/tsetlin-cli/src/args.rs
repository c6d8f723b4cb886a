//! Argument groups shared by several subcommands: corpus reading, featurizing, the machine's
//! hyper-parameters and the run settings (threads, seed, epochs).
//!
//! Arguments are parsed by clap first and validated here afterwards, so that every mistake
//! comes back as one `error: ...` line naming the flag.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use tsetlin::featurize::{FeaturizerConfig, Selection, TokenizerConfig};
use tsetlin::io::{Dataset, Encoding, Format, ReadOptions};
use tsetlin_core::ParamsBuilder;

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
    /// Reads a labelled corpus; see [`FieldArgs::read`].
    pub fn read(&self, path: &Path, what: &str, log: &Log) -> Result<Dataset> {
        self.fields.read(path, self.format, what, log)
    }
}

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
    /// Skip malformed lines instead of failing (their count and first reasons go to stderr).
    #[arg(long, help_heading = "Reading")]
    pub skip_bad_lines: bool,
    /// Decode files as Latin-1 (ISO-8859-1) instead of UTF-8.
    #[arg(long, help_heading = "Reading")]
    pub latin1: bool,
}

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
            format: format.map(|f| match f {
                FormatArg::Jsonl => Format::JsonLines,
                FormatArg::Csv => Format::Csv,
                FormatArg::Tsv => Format::Tsv,
                FormatArg::Folder => Format::FolderPerClass,
            }),
        }
    }

    /// Reads a labelled corpus; skipped lines are reported on stderr (never silently dropped).
    pub fn read(
        &self,
        path: &Path,
        format: Option<FormatArg>,
        what: &str,
        log: &Log,
    ) -> Result<Dataset> {
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

/// How texts become Boolean features (`train`, `bench`, `export-features`).
#[derive(Debug, Clone, Args)]
pub struct FeaturizerArgs {
    /// Longest n-gram (1 = words, 2 = words and word pairs).
    #[arg(long, default_value_t = 1, help_heading = "Features")]
    pub ngrams: usize,
    /// Keep terms found in at least this many training documents.
    #[arg(long, default_value_t = 2, help_heading = "Features")]
    pub min_df: usize,
    /// Keep at most this many terms, the best by --selection (0 = keep all).
    #[arg(long, default_value_t = 10_000, help_heading = "Features")]
    pub max_features: usize,
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

impl FeaturizerArgs {
    /// The validated featurizer configuration.
    pub fn config(&self) -> Result<FeaturizerConfig> {
        if !(1..=5).contains(&self.ngrams) {
            bail!("--ngrams must be between 1 and 5, got {}", self.ngrams);
        }
        if self.min_df == 0 {
            bail!("--min-df must be at least 1");
        }
        Ok(FeaturizerConfig {
            tokenizer: TokenizerConfig {
                lowercase: !self.no_lowercase,
                ngram_max: self.ngrams,
                stop_words: self.stop_words,
                stem: self.stem,
                strip_newsgroup_headers: self.strip_headers,
                ..TokenizerConfig::default()
            },
            min_df: self.min_df,
            max_features: (self.max_features > 0).then_some(self.max_features),
            selection: match self.selection {
                SelectionArg::Chi2 => Selection::ChiSquared,
                SelectionArg::Mi => Selection::MutualInformation,
                SelectionArg::Df => Selection::DocFrequency,
            },
        })
    }
}

/// The Tsetlin machine's hyper-parameters.
#[derive(Debug, Clone, Args)]
pub struct MachineArgs {
    /// Clauses per class (even: half vote for the class, half against).
    #[arg(long, default_value_t = 200, help_heading = "Tsetlin machine")]
    pub clauses: usize,
    /// Vote margin T (default: 0.8 x clauses).
    #[arg(long, help_heading = "Tsetlin machine")]
    pub threshold: Option<f64>,
    /// Specificity s (larger: longer, more specific clauses; text usually wants 5-30).
    #[arg(long, default_value_t = 10.0, help_heading = "Tsetlin machine")]
    pub specificity: f64,
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
    #[arg(long, help_heading = "Tsetlin machine")]
    pub weighted: bool,
    /// Literal budget: clauses stop including literals at this many.
    #[arg(long, help_heading = "Tsetlin machine")]
    pub literal_budget: Option<u32>,
    /// Probability that a clause sits out an epoch (regularisation).
    #[arg(long, default_value_t = 0.0, help_heading = "Tsetlin machine")]
    pub clause_drop: f64,
    /// Focused negative sampling (for many classes).
    #[arg(long, help_heading = "Tsetlin machine")]
    pub focused_negatives: bool,
}

impl MachineArgs {
    /// Checks the values the engine would refuse, with the flag's name.
    pub fn validate(&self) -> Result<()> {
        if self.clauses < 2 || self.clauses % 2 != 0 {
            bail!(
                "--clauses must be an even number of at least 2, got {}",
                self.clauses
            );
        }
        if let Some(t) = self.threshold {
            if !(t.is_finite() && t > 0.0) {
                bail!("--threshold must be positive, got {t}");
            }
        }
        if !(self.specificity.is_finite() && self.specificity > 1.0) {
            bail!(
                "--specificity must be greater than 1, got {}",
                self.specificity
            );
        }
        if !(1..=16).contains(&self.state_bits) {
            bail!(
                "--state-bits must be between 1 and 16, got {}",
                self.state_bits
            );
        }
        if self.literal_budget == Some(0) {
            bail!("--literal-budget must be at least 1");
        }
        if !(0.0..1.0).contains(&self.clause_drop) {
            bail!("--clause-drop must be in [0, 1), got {}", self.clause_drop);
        }
        Ok(())
    }

    /// Whether true-positive feedback is boosted (on unless `--no-boost`).
    pub fn boost_on(&self) -> bool {
        !self.no_boost
    }

    /// The vote margin actually used.
    pub fn threshold_value(&self) -> f64 {
        self.threshold.unwrap_or(0.8 * self.clauses as f64)
    }

    /// Applies the hyper-parameters (and the run's seed and threads) to an engine builder.
    pub fn apply(&self, run: &RunArgs, b: ParamsBuilder) -> ParamsBuilder {
        b.clauses(self.clauses)
            .threshold(self.threshold_value())
            .specificity(self.specificity)
            .state_bits(self.state_bits)
            .boost_true_positive(self.boost_on())
            .weighted(self.weighted)
            .literal_budget(self.literal_budget)
            .clause_drop(self.clause_drop)
            .focused_negative_sampling(self.focused_negatives)
            .seed(run.seed)
            .threads(run.threads)
    }

    /// The hyper-parameters as key/value pairs (for reports and benchmark tables).
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        vec![
            ("clauses per class", self.clauses.to_string()),
            ("threshold T", format!("{}", self.threshold_value())),
            ("specificity s", format!("{}", self.specificity)),
            ("state bits", self.state_bits.to_string()),
            ("boost true positive", self.boost_on().to_string()),
            ("weighted", self.weighted.to_string()),
            (
                "literal budget",
                self.literal_budget
                    .map_or("none".to_string(), |l| l.to_string()),
            ),
            ("clause drop", format!("{}", self.clause_drop)),
            ("focused negatives", self.focused_negatives.to_string()),
        ]
    }
}

/// Settings of a training run that do not change what is learned per step.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Training epochs.
    #[arg(long, default_value_t = 10, help_heading = "Run")]
    pub epochs: usize,
    /// Threads for featurizing, training and prediction (0 = all cores).
    #[arg(long, default_value_t = 0, help_heading = "Run")]
    pub threads: usize,
    /// Seed of every random choice (shuffling, splits, the machine).
    #[arg(long, default_value_t = 42, help_heading = "Run")]
    pub seed: u64,
}

impl RunArgs {
    /// Checks the values and sizes the global thread pool used by the featurizer.
    pub fn validate(&self) -> Result<()> {
        if self.epochs == 0 {
            bail!("--epochs must be at least 1");
        }
        set_threads(self.threads);
        Ok(())
    }
}

/// Sizes rayon's global pool (the featurizer's), once; later calls are no-ops.
pub fn set_threads(threads: usize) {
    // An error only means the pool was already built (tests, repeated calls): harmless.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
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
