//! Reading labelled text corpora (JSON lines, CSV/TSV, folder-per-class trees) and writing or
//! reading binary feature matrices in SVMlight format.
//!
//! All readers return a [`Dataset`]. Bad input is an error that names the file and the 1-based
//! line; with [`ReadOptions::skip_bad_lines`] the bad line is recorded in
//! [`Dataset::skipped`] instead, so nothing is ever dropped silently.

mod delimited;
mod folder;
mod jsonl;
mod svmlight;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::error::{Error, Result};

pub use svmlight::{
    read_svmlight, read_svmlight_any, write_svmlight, write_svmlight_multi_label, SvmLabels,
};

/// A labelled corpus as read from disk: `texts[i]` has label `labels[i]` (single-label), or
/// the label set `label_sets[i]` (multi-label, where `labels` is empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dataset {
    /// Document texts, in file order.
    pub texts: Vec<String>,
    /// Label strings, parallel to `texts`; empty for a multi-label corpus.
    pub labels: Vec<String>,
    /// For a multi-label corpus (a label list on some line, or
    /// [`ReadOptions::multi_label`]): every document's labels, parallel to `texts`, each
    /// sorted and without repeats; a set may be empty.
    pub label_sets: Option<Vec<Vec<String>>>,
    /// Lines (or files) that were skipped because they were malformed, with the reason.
    pub skipped: Vec<SkippedLine>,
}

impl Dataset {
    /// Number of documents.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether there are no documents.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Whether documents carry label sets rather than one label each.
    pub fn is_multi_label(&self) -> bool {
        self.label_sets.is_some()
    }

    /// Every document's label set: the multi-label sets, or each single label as a set of one.
    pub fn sets(&self) -> Vec<Vec<String>> {
        match &self.label_sets {
            Some(s) => s.clone(),
            None => self.labels.iter().map(|l| vec![l.clone()]).collect(),
        }
    }

    /// The documents at `rows`, in that order (labels or label sets with them).
    pub fn select(&self, rows: &[usize]) -> Dataset {
        let pick = |v: &[String]| rows.iter().map(|&i| v[i].clone()).collect();
        Dataset {
            texts: pick(&self.texts),
            labels: if self.labels.is_empty() {
                Vec::new()
            } else {
                pick(&self.labels)
            },
            label_sets: self
                .label_sets
                .as_ref()
                .map(|s| rows.iter().map(|&i| s[i].clone()).collect()),
            skipped: Vec::new(),
        }
    }

    /// A corpus from one [`RowLabels`] per text: multi-label when `force_multi` or any row
    /// has a list.
    fn from_rows(
        texts: Vec<String>,
        rows: Vec<RowLabels>,
        skipped: Vec<SkippedLine>,
        force_multi: bool,
    ) -> Self {
        let multi = force_multi || rows.iter().any(|r| matches!(r, RowLabels::Many(_)));
        let (labels, label_sets) = if multi {
            let sets = rows
                .into_iter()
                .map(|r| {
                    let mut s = match r {
                        RowLabels::One(l) => vec![l],
                        RowLabels::Many(s) => s,
                    };
                    s.sort_unstable();
                    s.dedup();
                    s
                })
                .collect();
            (Vec::new(), Some(sets))
        } else {
            let labels = rows
                .into_iter()
                .map(|r| match r {
                    RowLabels::One(l) => l,
                    RowLabels::Many(mut s) => s.pop().unwrap_or_default(),
                })
                .collect();
            (labels, None)
        };
        Dataset {
            texts,
            labels,
            label_sets,
            skipped,
        }
    }
}

/// What one line of a corpus says about its document's labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RowLabels {
    /// One label (a JSON string or integer, a CSV cell).
    One(String),
    /// A label list (a JSON array, a CSV cell split by [`ReadOptions::label_separator`]).
    Many(Vec<String>),
}

/// A malformed input line that [`ReadOptions::skip_bad_lines`] let through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedLine {
    /// 1-based line number (for folder trees: the line inside the named file).
    pub line: usize,
    /// What was wrong, as the error would have said it.
    pub reason: String,
}

/// How bytes are decoded into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8; invalid bytes are an error naming file and line.
    #[default]
    Utf8,
    /// ISO-8859-1: every byte is the code point of the same value (never fails; this is how
    /// scikit-learn reads 20 Newsgroups).
    Latin1,
}

/// The on-disk layout of a corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    JsonLines,
    /// Comma-separated values with a header line (RFC 4180 quoting).
    Csv,
    /// Tab-separated values with a header line; quotes are ordinary characters.
    Tsv,
    /// `root/<class>/<file>`: the label is the folder name, the text the file content.
    FolderPerClass,
}

/// Options shared by all corpus readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Record malformed lines in [`Dataset::skipped`] instead of failing.
    pub skip_bad_lines: bool,
    /// How to decode bytes.
    pub encoding: Encoding,
    /// Name of the text field (JSON key or CSV/TSV column).
    pub text_field: String,
    /// Name of the label field (JSON key or CSV/TSV column).
    pub label_field: String,
    /// The format; `None` means detect it with [`format_from_path`].
    pub format: Option<Format>,
    /// The longest line accepted (bytes), and the longest document of a folder-per-class
    /// corpus; a longer one is an error naming the file and line.
    pub max_line_bytes: usize,
    /// Read the corpus as multi-label even when no line has a label list (every single label
    /// becomes a set of one). Without it, a label list on any line makes the corpus
    /// multi-label.
    pub multi_label: bool,
    /// CSV/TSV: the label cell holds a list split by this separator (e.g. `|`; an empty cell
    /// is a document with no label), which makes the corpus multi-label.
    pub label_separator: Option<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            skip_bad_lines: false,
            encoding: Encoding::Utf8,
            text_field: "text".to_string(),
            label_field: "label".to_string(),
            format: None,
            max_line_bytes: MAX_LINE_BYTES,
            multi_label: false,
            label_separator: None,
        }
    }
}

/// Detects the format from a path: a directory is [`Format::FolderPerClass`]; otherwise the
/// extension after an optional `.gz`: `.jsonl`/`.json`/`.ndjson`, `.csv`, `.tsv`
/// (case-insensitive).
pub fn format_from_path(path: &Path) -> Result<Format> {
    if path.is_dir() {
        return Ok(Format::FolderPerClass);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "jsonl" | "json" | "ndjson" => Ok(Format::JsonLines),
        "csv" => Ok(Format::Csv),
        "tsv" => Ok(Format::Tsv),
        _ => Err(Error::UnknownFormat {
            path: path.to_path_buf(),
        }),
    }
}

/// Reads a labelled corpus from `path` in the format given by `options` (or detected from the
/// path). An empty corpus is an error.
pub fn read_dataset(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Dataset> {
    let path = path.as_ref();
    let format = match options.format {
        Some(f) => f,
        None => format_from_path(path)?,
    };
    let data = match format {
        Format::JsonLines => jsonl::read(path, options)?,
        Format::Csv => delimited::read(path, options, b',')?,
        Format::Tsv => delimited::read(path, options, b'\t')?,
        Format::FolderPerClass => folder::read(path, options)?,
    };
    if options.label_separator.as_deref() == Some("") {
        return Err(Error::InvalidInput(
            "the label separator must not be empty".to_string(),
        ));
    }
    if options.label_separator.is_some() && !matches!(format, Format::Csv | Format::Tsv) {
        return Err(Error::InvalidInput(format!(
            "{}: a label separator applies to CSV/TSV label cells; JSON lines give a label list as an array",
            path.display()
        )));
    }
    let data = if options.multi_label && !data.is_multi_label() {
        let rows = data.labels.into_iter().map(RowLabels::One).collect();
        Dataset::from_rows(data.texts, rows, data.skipped, true)
    } else {
        data
    };
    if data.is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(data)
}

/// Whether a file name says gzip (`.gz`, any case).
pub fn is_gzip_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The decompressed bytes of a gzip stream (every member of a multi-member file): the one
/// gzip decoder of the project.
pub fn gunzip<R: Read + 'static>(stream: R) -> Box<dyn Read> {
    Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(stream)))
}

/// Opens a text file for reading, decompressing it when the name ends in `.gz`; errors name
/// the file. No line may be longer than [`MAX_LINE_BYTES`] (see [`LineLimit`]).
pub fn open(path: &Path) -> Result<Box<dyn BufRead>> {
    open_with_limit(path, MAX_LINE_BYTES)
}

/// [`open`] with a line-length limit of `max_line_bytes`.
pub fn open_with_limit(path: &Path, max_line_bytes: usize) -> Result<Box<dyn BufRead>> {
    Ok(Box::new(BufReader::new(LineLimit::new(
        open_raw(path)?,
        max_line_bytes,
    ))))
}

/// Opens a file (decompressed when `.gz`) with no line structure assumed.
fn open_raw(path: &Path) -> Result<Box<dyn Read>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(if is_gzip_name(path) {
        gunzip(file)
    } else {
        Box::new(file)
    })
}

/// The longest line the readers accept by default (64 MiB: a thousand times a long clinical
/// note). A longer line is almost always not text (`/dev/zero`, a binary file, a file with no
/// line ends), and holding it whole would exhaust memory.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// A reader that fails with an `InvalidData` error naming the line when a line grows past
/// `max` bytes, so that no reader above it ever holds more than that of one line.
#[derive(Debug)]
pub struct LineLimit<R> {
    inner: R,
    max: usize,
    /// Bytes since the last line end.
    current: usize,
    /// 1-based number of the line being read.
    line: usize,
}

impl<R: Read> LineLimit<R> {
    /// Wraps `inner` with a limit of `max` bytes per line.
    pub fn new(inner: R, max: usize) -> Self {
        Self {
            inner,
            max,
            current: 0,
            line: 1,
        }
    }
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut rest = &buf[..n];
        loop {
            let end = rest.iter().position(|&b| b == b'\n');
            let len = end.unwrap_or(rest.len());
            self.current = self.current.saturating_add(len);
            if self.current > self.max {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    LineTooLong {
                        line: self.line,
                        max: self.max,
                    },
                ));
            }
            match end {
                Some(i) => {
                    self.current = 0;
                    self.line += 1;
                    rest = &rest[i + 1..];
                }
                None => return Ok(n),
            }
        }
    }
}

/// The error [`LineLimit`] raises (inside an `InvalidData` I/O error).
#[derive(Debug)]
struct LineTooLong {
    line: usize,
    max: usize,
}

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {} is longer than {} bytes (the limit: is this a text file? --max-line-bytes raises it)",
            self.line, self.max
        )
    }
}

impl std::error::Error for LineTooLong {}

/// Whether an I/O error is [`LineLimit`]'s, not another `InvalidData` (such as bad UTF-8).
pub(crate) fn is_line_too_long(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<LineTooLong>())
}

/// Reads a whole (possibly gzipped) file into bytes; a file (decompressed) longer than `limit`
/// bytes is an error, so that a decompression bomb cannot exhaust memory.
pub(crate) fn read_all(path: &Path, limit: usize) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    open_raw(path)?
        .take(limit as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(path, e))?;
    if buf.len() > limit {
        return Err(Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("a document longer than {limit} bytes (--max-line-bytes raises the limit)"),
            ),
        ));
    }
    Ok(buf)
}

/// Decodes bytes. On invalid UTF-8 the error message says where, as a 0-based byte offset
/// within `bytes`, so that callers can turn it into a line number.
pub(crate) fn decode(bytes: &[u8], encoding: Encoding) -> std::result::Result<String, usize> {
    match encoding {
        Encoding::Latin1 => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        Encoding::Utf8 => match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => Err(e.valid_up_to()),
        },
    }
}

/// The message used for invalid UTF-8, pointing at the Latin-1 option.
pub(crate) fn utf8_message(offset: usize) -> String {
    format!("invalid UTF-8 at byte {offset} of the line (read with Latin-1 encoding if the file is not UTF-8)")
}

/// Either fails with `err` or records it as skipped, depending on the options.
pub(crate) fn bad_line(
    options: &ReadOptions,
    skipped: &mut Vec<SkippedLine>,
    err: Error,
) -> Result<()> {
    if !options.skip_bad_lines {
        return Err(err);
    }
    let line = match &err {
        Error::Parse { line, .. } => *line,
        _ => 0,
    };
    skipped.push(SkippedLine {
        line,
        reason: err.to_string(),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_extension() {
        let f = |p: &str| format_from_path(Path::new(p)).ok();
        assert_eq!(f("a/train.jsonl.gz"), Some(Format::JsonLines));
        assert_eq!(f("x.NDJSON"), Some(Format::JsonLines));
        assert_eq!(f("x.json"), Some(Format::JsonLines));
        assert_eq!(f("x.csv"), Some(Format::Csv));
        assert_eq!(f("x.tsv.gz"), Some(Format::Tsv));
        assert_eq!(f("x.txt"), None);
        assert_eq!(f("x.gz"), None);
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(
            format_from_path(dir.path()).ok(),
            Some(Format::FolderPerClass)
        );
    }

    #[test]
    fn latin1_never_fails() {
        assert_eq!(decode(b"caf\xe9", Encoding::Latin1), Ok("café".to_string()));
        assert_eq!(decode(b"caf\xe9", Encoding::Utf8), Err(3));
    }

    #[test]
    fn reads_shared_ohsumed_when_present() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/ohsumed/train.jsonl.gz");
        if !path.exists() {
            println!("skipped: {} is absent", path.display());
            return;
        }
        let d = read_dataset(&path, &ReadOptions::default()).expect("read ohsumed");
        assert_eq!(d.len(), 3357);
        assert!(d.skipped.is_empty());
        let labels = crate::featurize::LabelSet::from_labels(&d.labels);
        assert_eq!(labels.len(), 23);
        assert_eq!(labels.name(0), Some("C01"));
    }
}
