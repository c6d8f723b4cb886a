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
            let label = label_of(r);
            write!(out, "{label}")?;
            for f in row {
                write!(out, " {f}:1")?;
            }
            if label.is_empty() && row.is_empty() {
                // A row with no label and no feature would be a blank line, which readers
                // skip: an explicit zero keeps it a row (value 0 is absent everywhere).
                write!(out, "0:0")?;
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

/// The labels of an svmlight file: one class per row, or a label set per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SvmLabels {
    /// One class id per row (`LABEL f:1 ...`).
    Classes(Vec<u32>),
    /// A set of label ids per row (`1,4,7 f:1 ...`, or no label before the first feature),
    /// as [`write_svmlight_multi_label`] writes them.
    Sets(LabelSets),
}

/// Reads a single-label file written by [`write_svmlight`] (or any libsvm file with 0-based
/// ids and integer labels). Features with value 0 are absent, any other value present.
/// Without the header comment, the number of features is the largest id + 1. Errors name
/// file and line; a multi-label file is an error that says so ([`read_svmlight_any`] reads
/// both).
pub fn read_svmlight(path: impl AsRef<Path>) -> Result<(SparseRows, Vec<u32>)> {
    let path = path.as_ref();
    match read_svmlight_any(path)? {
        (x, SvmLabels::Classes(y)) => Ok((x, y)),
        (_, SvmLabels::Sets(_)) => Err(Error::InvalidInput(format!(
            "{}: multi-label rows (label lists such as `0,2`, or rows without a label); this \
             command takes one label per row",
            path.display()
        ))),
    }
}

/// Reads an svmlight file with one label per row or with label sets: a file is multi-label
/// when some row carries a comma-separated label list or no label at all (its first item is
/// a `FEATURE:VALUE`), as `sklearn.datasets.load_svmlight_file(..., multilabel=True)` writes
/// them. The label count of a multi-label file is the header's `n_classes` when given (so that
/// a label no row carries still counts), else the largest id + 1. Errors name file and line.
pub fn read_svmlight_any(path: impl AsRef<Path>) -> Result<(SparseRows, SvmLabels)> {
    let path = path.as_ref();
    let reader = open(path)?;
    let mut declared: Option<usize> = None;
    let mut declared_classes: Option<usize> = None;
    let mut rows: Vec<Vec<u32>> = Vec::new();
    let mut labels: Vec<Vec<u32>> = Vec::new();
    let mut multi = false;
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
                let number = |v: &str, what: &str| {
                    v.parse()
                        .map_err(|_| Error::parse(path, line_no, format!("bad {what} value {v:?}")))
                };
                if let Some(v) = word.strip_prefix("n_features=") {
                    declared = Some(number(v, "n_features")?);
                } else if let Some(v) = word.strip_prefix("n_classes=") {
                    declared_classes = Some(number(v, "n_classes")?);
                }
            }
            continue;
        }
        if content.is_empty() {
            continue;
        }
        let mut parts = content.split_whitespace().peekable();
        let label_str = match parts.peek() {
            Some(first) if first.contains(':') => "",
            _ => parts.next().unwrap_or_default(),
        };
        let set = parse_labels(label_str).map_err(|why| Error::parse(path, line_no, why))?;
        multi |= set.len() != 1;
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
        labels.push(set);
    }
    let n_features = declared.unwrap_or_else(|| {
        rows.iter()
            .flat_map(|r| r.iter())
            .max()
            .map_or(0, |&m| m as usize + 1)
    });
    let x = SparseRows::from_rows(n_features, &rows)?;
    if !multi {
        return Ok((x, SvmLabels::Classes(labels.iter().map(|l| l[0]).collect())));
    }
    let largest = labels.iter().flatten().max().map_or(0, |&m| m as usize + 1);
    let n_labels = declared_classes.unwrap_or(largest);
    if largest > n_labels {
        return Err(Error::InvalidInput(format!(
            "{}: label {} is past the header's n_classes={n_labels}",
            path.display(),
            largest - 1
        )));
    }
    let sets = LabelSets::from_rows(n_labels, &labels).map_err(|e| Error::core_at(path, e))?;
    Ok((x, SvmLabels::Sets(sets)))
}

/// The label ids of one row's label text: `""` (no label), `"3"`, or `"1,4,7"` (sorted and
/// deduplicated); the reason when it is none of these.
fn parse_labels(text: &str) -> std::result::Result<Vec<u32>, String> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids = text
        .split(',')
        .map(|part| {
            part.parse::<u32>().map_err(|_| {
                if text.contains(',') {
                    format!("label list {text:?}: {part:?} is not a non-negative integer")
                } else {
                    format!("label {text:?} is not a non-negative integer")
                }
            })
        })
        .collect::<std::result::Result<Vec<u32>, String>>()?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
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
        assert!(err.to_string().contains("multi-label rows"), "{err}");
        std::fs::write(&p, "# n_features=3\n0 1:1\n0,x 2:1\n").expect("write");
        let err = read_svmlight_any(&p).expect_err("a bad list");
        assert!(
            err.to_string()
                .contains("bad.svm:3: label list \"0,x\": \"x\" is not"),
            "{err}"
        );
        std::fs::write(&p, "x 1:1\n").expect("write");
        let err = read_svmlight(&p).expect_err("bad label");
        assert!(err.to_string().contains("bad.svm:1: label \"x\""), "{err}");
    }

    #[test]
    fn multi_label_rows_round_trip_with_empty_sets_and_unseen_labels() {
        let rows = SparseRows::from_rows(4, &[vec![0, 3], vec![1], vec![], vec![]]).expect("rows");
        let sets = LabelSets::from_rows(5, &[vec![1, 4], vec![], vec![2], vec![]]).expect("sets");
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("m.svm");
        write_svmlight_multi_label(&p, &rows, &sets).expect("write");
        let (r, l) = read_svmlight_any(&p).expect("read");
        assert_eq!(r, rows);
        // Label 0 and 3 are carried by no row: the header's n_classes keeps them.
        assert_eq!(l, SvmLabels::Sets(sets));
        // Without a header, the largest id sets the label count.
        std::fs::write(&p, "1,0 0:1\n 1:1\n2\n").expect("write");
        let (_, l) = read_svmlight_any(&p).expect("read");
        let want = LabelSets::from_rows(3, &[vec![0, 1], vec![], vec![2]]).expect("sets");
        assert_eq!(l, SvmLabels::Sets(want));
        // One label per row everywhere: a single-label file.
        std::fs::write(&p, "1 0:1\n0 1:1\n").expect("write");
        assert_eq!(
            read_svmlight_any(&p).expect("read").1,
            SvmLabels::Classes(vec![1, 0])
        );
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
