//! CSV and TSV with a header line naming the columns.

use std::path::Path;

use super::{bad_line, decode, open_with_limit, utf8_message, Dataset, ReadOptions, RowLabels};
use crate::error::{Error, Result};

/// Reads a delimited file. CSV (`,`) uses RFC 4180 quoting; TSV (`\t`) treats quotes as
/// ordinary characters, since TSV files usually do not quote. Every record must have as many
/// fields as the header.
pub(super) fn read(path: &Path, options: &ReadOptions, delimiter: u8) -> Result<Dataset> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .quoting(delimiter == b',')
        .has_headers(true)
        .from_reader(open_with_limit(path, options.max_line_bytes)?);
    let header = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(csv_error(path, e)),
    };
    let mut columns = Vec::with_capacity(header.len());
    for field in header.iter() {
        columns.push(
            decode(field, options.encoding).map_err(|o| Error::parse(path, 1, utf8_message(o)))?,
        );
    }
    let find = |name: &str| -> Result<usize> {
        columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| Error::UnknownColumn {
                path: path.to_path_buf(),
                name: name.to_string(),
                available: columns.clone(),
            })
    };
    let text_col = find(&options.text_field)?;
    let label_col = find(&options.label_field)?;

    let mut texts = Vec::new();
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                let field = |i: usize| {
                    decode(&record[i], options.encoding)
                        .map_err(|o| Error::parse(path, line, utf8_message(o)))
                };
                match (field(label_col), field(text_col)) {
                    (Ok(label), Ok(text)) => {
                        let labels = match &options.label_separator {
                            Some(sep) => RowLabels::Many(split_labels(&label, sep)),
                            // An empty cell: no label, which only multi-label data allows.
                            None if label.trim().is_empty() && options.multi_label => {
                                RowLabels::Many(Vec::new())
                            }
                            None if label.trim().is_empty() => {
                                let e = Error::parse(
                                    path,
                                    line,
                                    format!(
                                        "empty {:?} cell (documents without a label are allowed only in multi-label data: --label-separator or --multi-label)",
                                        options.label_field
                                    ),
                                );
                                bad_line(options, &mut skipped, e)?;
                                continue;
                            }
                            None => RowLabels::One(label),
                        };
                        rows.push(labels);
                        texts.push(text);
                    }
                    (Err(e), _) | (_, Err(e)) => bad_line(options, &mut skipped, e)?,
                }
            }
            Err(e) => {
                let recoverable = matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. });
                let err = csv_error(path, e);
                if !recoverable {
                    return Err(err);
                }
                bad_line(options, &mut skipped, err)?;
            }
        }
    }
    let multi = options.multi_label || options.label_separator.is_some();
    Ok(Dataset::from_rows(texts, rows, skipped, multi))
}

/// The labels of a cell holding a list: split by `sep`, each trimmed, empty pieces dropped
/// (so an empty cell is a document with no label).
fn split_labels(cell: &str, sep: &str) -> Vec<String> {
    cell.split(sep)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Converts a `csv` error into ours, keeping the line number when the crate knows it.
fn csv_error(path: &Path, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line() as usize);
    match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::io(path, io),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Error::parse(
            path,
            line.unwrap_or(0),
            format!("expected {expected_len} fields like the header, found {len}"),
        ),
        other => Error::parse(path, line.unwrap_or(0), format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{read_dataset, ReadOptions};

    #[test]
    fn csv_with_quotes_and_named_columns() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("d.csv");
        std::fs::write(
            &p,
            "id,text,label\n1,\"hello, world\",pos\n2,\"multi\nline\",neg\n",
        )
        .expect("write");
        let d = read_dataset(&p, &ReadOptions::default()).expect("read");
        assert_eq!(d.texts, vec!["hello, world", "multi\nline"]);
        assert_eq!(d.labels, vec!["pos", "neg"]);
    }

    #[test]
    fn unknown_column_lists_available() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("d.tsv");
        std::fs::write(&p, "body\tlabel\n\"quoted\tx\n").expect("write");
        let err = read_dataset(&p, &ReadOptions::default()).expect_err("no text column");
        assert!(
            err.to_string()
                .ends_with("no column \"text\"; available columns: body, label"),
            "{err}"
        );
        let opts = ReadOptions {
            text_field: "body".into(),
            ..ReadOptions::default()
        };
        let d = read_dataset(&p, &opts).expect("read");
        assert_eq!(d.texts, vec!["\"quoted"]);
        assert_eq!(d.labels, vec!["x"]);
    }

    #[test]
    fn short_row_names_line_and_can_be_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("d.csv");
        std::fs::write(&p, "text,label\na,x\nb\nc,y\n").expect("write");
        let err = read_dataset(&p, &ReadOptions::default()).expect_err("short row");
        assert!(
            err.to_string().contains("d.csv:3: expected 2 fields"),
            "{err}"
        );
        let opts = ReadOptions {
            skip_bad_lines: true,
            ..ReadOptions::default()
        };
        let d = read_dataset(&p, &opts).expect("read");
        assert_eq!(d.texts, vec!["a", "c"]);
        assert_eq!(d.skipped[0].line, 3);
    }

    #[test]
    fn an_empty_label_cell_is_an_error_unless_multi_label() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("e.tsv");
        std::fs::write(&p, "text\tlabel\nx\ta\ny\t \n").expect("write");
        let err = read_dataset(&p, &ReadOptions::default()).expect_err("empty label");
        assert!(
            err.to_string().contains("e.tsv:3: empty \"label\" cell"),
            "{err}"
        );
        let forced = ReadOptions {
            multi_label: true,
            ..ReadOptions::default()
        };
        let d = read_dataset(&p, &forced).expect("multi-label");
        assert_eq!(d.sets(), vec![vec!["a".to_string()], vec![]]);
    }

    #[test]
    fn a_label_separator_splits_the_cell_into_a_set() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("m.tsv");
        std::fs::write(&p, "text\tlabel\nx\tb | a\ny\t\nz\tc\n").expect("write");
        let opts = ReadOptions {
            label_separator: Some("|".into()),
            ..ReadOptions::default()
        };
        let d = read_dataset(&p, &opts).expect("read");
        let sets = d.label_sets.expect("multi-label");
        assert_eq!(sets[0], vec!["a", "b"]);
        assert!(sets[1].is_empty());
        assert_eq!(sets[2], vec!["c"]);
        let empty = ReadOptions {
            label_separator: Some(String::new()),
            ..ReadOptions::default()
        };
        assert!(read_dataset(&p, &empty).is_err());
    }
}
