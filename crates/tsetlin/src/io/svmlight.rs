//! SVMlight / libsvm format for binary feature matrices, used to hand the exact same features
//! to Python benchmarks (`sklearn.datasets.load_svmlight_file(..., zero_based=True)`).
//!
//! Layout: a first comment line `# n_features=N n_classes=C`, then one line per row
//! `LABEL f:1 f:1 ...` with 0-based feature ids in increasing order.

use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

use tsetlin_core::format::AtomicFile;
use tsetlin_core::{LabelSets, SparseRows};

use super::open;
use crate::error::{Error, Result};

/// Writes `rows` with their `labels` to `path` (gzip-compressed when the name ends in `.gz`).
/// `n_classes` in the header is `max(label) + 1`.
pub fn write_svmlight(path: impl AsRef<Path>, rows: &SparseRows, labels: &[u32]) -> Result<()> {
    if labels.len() != rows.n_rows() {
        return Err(Error::InvalidInput(format!(
            "{} labels for {} rows",
            labels.len(),
            rows.n_rows()
        )));
    }
    let n_classes = labels.iter().max().map_or(0, |&m| m as usize + 1);
    write_rows(path.as_ref(), rows, n_classes, |r| labels[r].to_string())
}

/// Writes multi-label `rows` with their label sets: each line starts with the label ids
/// joined by commas (`1,4,7 f:1 ...`; nothing before the first feature for an empty set), as
/// `sklearn.datasets.load_svmlight_file(..., multilabel=True)` reads them. `n_classes` in
/// the header is the label count.
pub fn write_svmlight_multi_label(
    path: impl AsRef<Path>,
    rows: &SparseRows,
    sets: &LabelSets,
) -> Result<()> {
    if sets.n_rows() != rows.n_rows() {
        return Err(Error::InvalidInput(format!(
            "{} label sets for {} rows",
            sets.n_rows(),
            rows.n_rows()
        )));
    }
    write_rows(path.as_ref(), rows, sets.n_labels(), |r| {
        let ids: Vec<String> = sets.row(r).iter().map(u32::to_string).collect();
        ids.join(",")
    })
}

/// Writes the header and one line per row, the row's label text from `label_of`.
fn write_rows(
    path: &Path,
    rows: &SparseRows,
    n_classes: usize,
    label_of: impl Fn(usize) -> String,
) -> Result<()> {
    let file = AtomicFile::create(path).map_err(|e| Error::core_at(path, e))?;
    let mut out = if super::is_gzip_name(path) {
        Sink::Gzip(BufWriter::new(flate2::write::GzEncoder::new(
            file,
            flate2::Compression::default(),
        )))
    } else {
        Sink::Plain(BufWriter::new(file))
    };
    let mut write = || -> std::io::Result<()> {
        writeln!(
            out,
            "# n_features={} n_classes={n_classes}",
            rows.n_features()
        )?;
        for (r, row) in rows.iter().enumerate() {
            write!(out, "{}", label_of(r))?;
            for f in row {
                write!(out, " {f}:1")?;
            }
            writeln!(out)?;
        }
        Ok(())
    };
    write().map_err(|e| Error::io(path, e))?;
    out.finish()
        .map_err(|e| Error::io(path, e))?
        .commit()
        .map_err(|e| Error::core_at(path, e))
}

/// The svmlight writer's output: plain or gzip, over an atomic file.
enum Sink {
    Plain(BufWriter<AtomicFile>),
    Gzip(BufWriter<flate2::write::GzEncoder<AtomicFile>>),
}

impl Sink {
    /// Flushes every layer (the gzip trailer included, with its errors) and hands back the
    /// file to commit.
    fn finish(self) -> std::io::Result<AtomicFile> {
        match self {
            Sink::Plain(w) => w.into_inner().map_err(|e| e.into_error()),
            Sink::Gzip(w) => w.into_inner().map_err(|e| e.into_error())?.finish(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(buf),
            Sink::Gzip(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
        }
    }
}

/// Reads a file written by [`write_svmlight`] (or any libsvm file with 0-based ids and integer
/// labels). Features with value 0 are absent, any other value present. Without the header
/// comment, the number of features is the largest id + 1. Errors name file and line.
pub fn read_svmlight(path: impl AsRef<Path>) -> Result<(SparseRows, Vec<u32>)> {
    let path = path.as_ref();
    let reader = open(path)?;
    let mut declared: Option<usize> = None;
    let mut rows: Vec<Vec<u32>> = Vec::new();
    let mut labels = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line_no = i + 1;
        let line = line.map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData if !super::is_line_too_long(&e) => {
                Error::parse(path, line_no, "invalid UTF-8")
            }
            _ => Error::io(path, e),
        })?;
        let content = line.trim();
        if let Some(comment) = content.strip_prefix('#') {
            for word in comment.split_whitespace() {
                if let Some(v) = word.strip_prefix("n_features=") {
                    declared = Some(v.parse().map_err(|_| {
                        Error::parse(path, line_no, format!("bad n_features value {v:?}"))
                    })?);
                }
            }
            continue;
        }
        if content.is_empty() {
            continue;
        }
        let mut parts = content.split_whitespace();
        let label_str = parts.next().unwrap_or_default();
        let label: u32 = label_str.parse().map_err(|_| {
            let why = if label_str.contains(',') {
                format!("label list {label_str:?}: multi-label feature files are written by export-features but not read yet (train on the text with `tsetlin train` or `bench --train/--test`)")
            } else {
                format!("label {label_str:?} is not a non-negative integer")
            };
            Error::parse(path, line_no, why)
        })?;
        let mut row = Vec::new();
        for item in parts {
            let (f, v) = item.split_once(':').ok_or_else(|| {
                Error::parse(
                    path,
                    line_no,
                    format!("expected FEATURE:VALUE, found {item:?}"),
                )
            })?;
            let f: u32 = f.parse().map_err(|_| {
                Error::parse(
                    path,
                    line_no,
                    format!("feature id {f:?} is not a non-negative integer"),
                )
            })?;
            let v: f64 = v
                .parse()
                .map_err(|_| Error::parse(path, line_no, format!("value {v:?} is not a number")))?;
            if let Some(n) = declared {
                if f as usize >= n {
                    return Err(Error::parse(
                        path,
                        line_no,
                        format!("feature id {f} >= n_features={n}"),
                    ));
                }
            }
            if v != 0.0 {
                row.push(f);
            }
        }
        rows.push(row);
        labels.push(label);
    }
    let n_features = declared.unwrap_or_else(|| {
        rows.iter()
            .flat_map(|r| r.iter())
            .max()
            .map_or(0, |&m| m as usize + 1)
    });
    Ok((SparseRows::from_rows(n_features, &rows)?, labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_plain_and_gz() {
        let rows = SparseRows::from_rows(5, &[vec![4, 0], vec![], vec![2]]).expect("rows");
        let labels = [1, 0, 1];
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["f.svm", "f.svm.gz"] {
            let p = dir.path().join(name);
            write_svmlight(&p, &rows, &labels).expect("write");
            let (r, l) = read_svmlight(&p).expect("read");
            assert_eq!(r, rows);
            assert_eq!(l, labels);
        }
        let text = std::fs::read_to_string(dir.path().join("f.svm")).expect("read");
        assert_eq!(text, "# n_features=5 n_classes=2\n1 0:1 4:1\n0\n1 2:1\n");
    }

    #[test]
    fn errors_name_file_and_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("bad.svm");
        std::fs::write(&p, "# n_features=3\n0 1:1\n1 7:1\n").expect("write");
        let err = read_svmlight(&p).expect_err("out of range");
        assert!(err.to_string().contains("bad.svm:3: feature id 7"), "{err}");
        std::fs::write(&p, "# n_features=3\n0 1:1\n0,2 2:1\n").expect("write");
        let err = read_svmlight(&p).expect_err("a label list");
        assert!(
            err.to_string()
                .contains("bad.svm:3: label list \"0,2\": multi-label"),
            "{err}"
        );
        std::fs::write(&p, "x 1:1\n").expect("write");
        let err = read_svmlight(&p).expect_err("bad label");
        assert!(err.to_string().contains("bad.svm:1: label \"x\""), "{err}");
    }

    #[test]
    fn a_line_over_the_limit_is_named_as_such_not_as_bad_utf8() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("long.svm");
        let mut f = std::fs::File::create(&p).expect("create");
        std::io::Write::write_all(&mut f, b"0 1:1\n").expect("write");
        let long = vec![b'7'; super::super::MAX_LINE_BYTES + 10];
        std::io::Write::write_all(&mut f, &long).expect("write");
        drop(f);
        let err = read_svmlight(&p).expect_err("too long").to_string();
        assert!(err.contains("line 2 is longer than"), "{err}");
    }
}
