//! Data helpers of the CLI: seeded stratified splits and folds, and the feature-level readers
//! used by `bench --features-format` (SVMlight, and whitespace-separated 0/1 rows with the label
//! last, optionally inside a `.gz` or a `.tar.gz`).

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use tsetlin::featurize::{Featurizer, FeaturizerConfig, LabelSet};

use crate::args::ReaderArgs;
use crate::output::Log;
use tsetlin_core::SparseRows;

pub use tsetlin::split::{stratified_folds, stratified_holdout};

/// Opens a file, transparently gunzipping `.gz` and taking the first regular file inside a
/// `.tar.gz` / `.tgz` / `.tar`; archives nested in archives are opened too (the paper's
/// `cl_ds.tar.gz` holds `cl_ds.tar`, which holds the data file).
fn open_maybe_archive(path: &Path) -> Result<Box<dyn Read>> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    unwrap_stream(
        &path.display().to_string(),
        &name,
        Box::new(BufReader::new(file)),
        0,
    )
}

/// The largest archive member read into memory (the feature-level sets are tens of MB; a
/// decompression bomb must not exhaust memory).
const MAX_MEMBER_BYTES: u64 = 4 << 30;

/// Decompresses and unpacks `stream` according to `name`'s extensions.
fn unwrap_stream(
    origin: &str,
    name: &str,
    stream: Box<dyn Read>,
    depth: usize,
) -> Result<Box<dyn Read>> {
    if depth > 4 {
        bail!("{origin}: archives nested too deeply");
    }
    let lower = name.to_lowercase();
    if let Some(inner) = lower.strip_suffix(".tgz") {
        let gz = tsetlin::io::gunzip(stream);
        return unwrap_stream(origin, &format!("{inner}.tar"), gz, depth + 1);
    }
    if lower.ends_with(".gz") {
        let gz = tsetlin::io::gunzip(stream);
        return unwrap_stream(origin, &name[..name.len() - 3], gz, depth + 1);
    }
    if !lower.ends_with(".tar") {
        return Ok(stream);
    }
    // The tar stream must be read in order, so the one member is buffered in memory (the
    // feature-level sets this is for are a few tens of MB at most).
    let mut archive = tar::Archive::new(stream);
    for entry in archive
        .entries()
        .with_context(|| format!("{origin}: not a readable tar archive"))?
    {
        let mut entry = entry.with_context(|| format!("{origin}: damaged tar archive"))?;
        if entry.header().entry_type().is_file() {
            let member = entry
                .path()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut buf = Vec::new();
            entry
                .by_ref()
                .take(MAX_MEMBER_BYTES + 1)
                .read_to_end(&mut buf)
                .with_context(|| format!("{origin}: cannot read the archive member {member}"))?;
            if buf.len() as u64 > MAX_MEMBER_BYTES {
                bail!(
                    "{origin}: the archive member {member} is larger than {} MiB, the most a feature file may hold",
                    MAX_MEMBER_BYTES >> 20
                );
            }
            return unwrap_stream(
                &format!("{origin}/{member}"),
                &member,
                Box::new(std::io::Cursor::new(buf)),
                depth + 1,
            );
        }
    }
    bail!("{origin}: the archive contains no file")
}

/// Feature rows with their labels, as read from a feature-level file.
pub struct FeatureData {
    /// The rows.
    pub x: SparseRows,
    /// Class ids.
    pub y: Vec<u32>,
    /// Class names, by id.
    pub labels: LabelSet,
}

/// Reads whitespace-separated 0/1 rows, the last value of each line being the label.
pub fn read_dense01(path: &Path) -> Result<FeatureData> {
    let reader = BufReader::new(tsetlin::io::LineLimit::new(
        open_maybe_archive(path)?,
        tsetlin::io::MAX_LINE_BYTES,
    ));
    let mut rows: Vec<Vec<u32>> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let mut width: Option<usize> = None;
    for (i, line) in reader.lines().enumerate() {
        let line_no = i + 1;
        let line = line.with_context(|| format!("{}:{line_no}: cannot read", path.display()))?;
        let values: Vec<&str> = line.split_whitespace().collect();
        if values.is_empty() {
            continue;
        }
        if values.len() < 2 {
            bail!(
                "{}:{line_no}: a row needs at least one feature and a label",
                path.display()
            );
        }
        let n = values.len() - 1;
        match width {
            None => width = Some(n),
            Some(w) if w != n => bail!(
                "{}:{line_no}: {n} features, but earlier rows have {w}",
                path.display()
            ),
            _ => {}
        }
        let mut row = Vec::new();
        for (f, v) in values[..n].iter().enumerate() {
            match *v {
                "0" => {}
                "1" => row.push(f as u32),
                other => bail!(
                    "{}:{line_no}: value {other:?} in column {} is not 0 or 1",
                    path.display(),
                    f + 1
                ),
            }
        }
        rows.push(row);
        labels.push(values[n].to_string());
    }
    let width = width.ok_or_else(|| anyhow!("{}: no rows found", path.display()))?;
    finish(path, width, &rows, &labels)
}

/// Reads an SVMlight / libsvm file (0-based feature ids, integer labels).
pub fn read_svmlight(path: &Path) -> Result<FeatureData> {
    match read_features_any(path, FeaturesFormat::Svmlight)? {
        FeatureFile::Single(d) => Ok(d),
        FeatureFile::Multi(..) => bail!(
            "{}: multi-label rows (label lists, or rows without a label); this command takes one label per row (multi-label svmlight goes to `bench --train/--test` and `tune`)",
            path.display()
        ),
    }
}

/// Encodes labels by name (class ids follow the sorted label strings) and builds the rows.
fn finish(path: &Path, width: usize, rows: &[Vec<u32>], labels: &[String]) -> Result<FeatureData> {
    let set = LabelSet::from_labels(labels);
    if set.len() < 2 {
        bail!(
            "{}: need at least 2 classes, found {}",
            path.display(),
            set.len()
        );
    }
    let y = set.encode(labels)?;
    let x = SparseRows::from_rows(width, rows)?;
    Ok(FeatureData { x, y, labels: set })
}

/// What the data files contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FeaturesFormat {
    /// A labelled text corpus (featurized with the feature options).
    Text,
    /// SVMlight / libsvm rows (0-based ids, integer labels).
    Svmlight,
    /// Whitespace-separated 0/1 values, the label last; `.gz` and `.tar.gz` are read directly.
    Dense01,
}

/// Feature-level data with one label per row, or multi-label rows (label ids as names).
pub enum FeatureFile {
    /// One class per row.
    Single(FeatureData),
    /// A label set per row (svmlight label lists).
    Multi(SparseRows, tsetlin_core::LabelSets),
}

/// Reads feature-level data that may be multi-label (svmlight label lists; a dense 0/1 file
/// is always single-label).
pub fn read_features_any(path: &Path, format: FeaturesFormat) -> Result<FeatureFile> {
    if format != FeaturesFormat::Svmlight {
        return read_features(path, format).map(FeatureFile::Single);
    }
    let (x, labels) = tsetlin::io::read_svmlight_any(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if x.n_rows() == 0 {
        bail!("{}: no rows found", path.display());
    }
    match labels {
        tsetlin::io::SvmLabels::Classes(y) => {
            let labels: Vec<String> = y.iter().map(|l| l.to_string()).collect();
            let rows: Vec<Vec<u32>> = x.iter().map(<[u32]>::to_vec).collect();
            finish(path, x.n_features(), &rows, &labels).map(FeatureFile::Single)
        }
        tsetlin::io::SvmLabels::Sets(sets) => {
            if sets.n_labels() < 2 {
                bail!(
                    "{}: need at least 2 labels, found {}",
                    path.display(),
                    sets.n_labels()
                );
            }
            Ok(FeatureFile::Multi(x, sets))
        }
    }
}

/// Reads feature-level data (`format` must not be `Text`: corpora go through the readers).
pub fn read_features(path: &Path, format: FeaturesFormat) -> Result<FeatureData> {
    match format {
        FeaturesFormat::Svmlight => read_svmlight(path),
        FeaturesFormat::Dense01 => read_dense01(path),
        FeaturesFormat::Text => bail!(
            "{}: a text corpus is not feature-level data",
            path.display()
        ),
    }
}

/// One data set to cross-validate: raw texts, featurized per fold on the training part only
/// (so that nothing about the held-out rows leaks into the vocabulary), or fixed feature rows.
pub enum FoldSource {
    /// Texts, with the feature settings to fit on each fold.
    Text(Vec<String>, FeaturizerConfig),
    /// Feature rows.
    Rows(SparseRows),
}

/// One fold: training rows, held-out rows, and the featurizer fitted for it (texts only).
pub struct Fold {
    /// Training rows.
    pub x: SparseRows,
    /// Training labels.
    pub y: Vec<u32>,
    /// Held-out rows.
    pub xt: SparseRows,
    /// Held-out labels.
    pub yt: Vec<u32>,
    /// The featurizer fitted on the training rows (for a text source).
    pub featurizer: Option<Featurizer>,
}

impl FoldSource {
    /// Reads `path` (a corpus through `reader`, or feature-level data) with its labels; at
    /// least 2 classes are required.
    pub fn read(
        path: &Path,
        format: FeaturesFormat,
        reader: &ReaderArgs,
        config: &FeaturizerConfig,
        log: &Log,
    ) -> Result<(Self, Vec<u32>, LabelSet)> {
        let (source, y, labels) = if format == FeaturesFormat::Text {
            let d = reader.read(path, "cross-validation", log)?;
            let labels = LabelSet::from_labels(&d.labels);
            let y = labels.encode(&d.labels)?;
            (Self::Text(d.texts, config.clone()), y, labels)
        } else {
            let d = read_features(path, format)?;
            (Self::Rows(d.x), d.y, d.labels)
        };
        if labels.len() < 2 {
            bail!(
                "{}: need at least 2 classes, found {}",
                path.display(),
                labels.len()
            );
        }
        Ok((source, y, labels))
    }

    /// Fold `f` of the assignment `fold` (from [`stratified_folds`]).
    pub fn fold(&self, y: &[u32], fold: &[usize], f: usize, n_classes: usize) -> Result<Fold> {
        let train_idx: Vec<usize> = (0..y.len()).filter(|&i| fold[i] != f).collect();
        let test_idx: Vec<usize> = (0..y.len()).filter(|&i| fold[i] == f).collect();
        let pick = |idx: &[usize]| idx.iter().map(|&i| y[i]).collect::<Vec<u32>>();
        let (ytr, yte) = (pick(&train_idx), pick(&test_idx));
        Ok(match self {
            Self::Rows(x) => Fold {
                x: x.select(&train_idx),
                y: ytr,
                xt: x.select(&test_idx),
                yt: yte,
                featurizer: None,
            },
            Self::Text(texts, config) => {
                let tr: Vec<&str> = train_idx.iter().map(|&i| texts[i].as_str()).collect();
                let te: Vec<&str> = test_idx.iter().map(|&i| texts[i].as_str()).collect();
                let fz = Featurizer::fit(&tr, &ytr, n_classes, config)?;
                Fold {
                    x: fz.transform(&tr),
                    y: ytr,
                    xt: fz.transform(&te),
                    yt: yte,
                    featurizer: Some(fz),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use proptest::prelude::*;

    use super::*;

    /// Bytes made of what the dense 0/1 format gives meaning to, plus arbitrary bytes.
    fn dense_bytes() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            prop_oneof![
                4 => Just(b'0'),
                4 => Just(b'1'),
                3 => Just(b' '),
                2 => Just(b'\n'),
                1 => Just(b'\t'),
                1 => Just(b'x'),
                1 => any::<u8>(),
            ],
            0..200,
        )
    }

    proptest! {
        // Structured fuzzing of the dense 0/1 reader (plain, gzip and tar): never a panic.
        // TSETLIN_FUZZ_CASES sets the cases, as for the other targets (crates/tsetlin/tests/fuzz.rs).
        #![proptest_config(ProptestConfig {
            cases: std::env::var("TSETLIN_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
        #[test]
        fn dense01_reader_never_panics(bytes in dense_bytes(), kind in 0u8..3) {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = match kind {
                0 => {
                    let p = dir.path().join("d.txt");
                    std::fs::write(&p, &bytes).expect("write");
                    p
                }
                1 => {
                    let p = dir.path().join("d.txt.gz");
                    let mut gz = flate2::write::GzEncoder::new(
                        std::fs::File::create(&p).expect("create"),
                        flate2::Compression::fast(),
                    );
                    gz.write_all(&bytes).expect("gzip");
                    gz.finish().expect("gzip");
                    p
                }
                _ => {
                    let p = dir.path().join("d.tar");
                    let mut tar = tar::Builder::new(std::fs::File::create(&p).expect("create"));
                    let mut header = tar::Header::new_gnu();
                    header.set_size(bytes.len() as u64);
                    header.set_mode(0o644);
                    header.set_cksum();
                    tar.append_data(&mut header, "d.txt", bytes.as_slice()).expect("tar");
                    tar.finish().expect("tar");
                    p
                }
            };
            if let Ok(data) = read_dense01(&path) {
                prop_assert_eq!(data.x.n_rows(), data.y.len());
            }
        }
    }
}
