//! JSON lines: one object per line with a text (string) and a label (string or integer) or,
//! for multi-label data, a label list (`"labels": [...]`, or an array in the label field).

use std::path::Path;

use serde_json::Value;

use super::{bad_line, decode, open_with_limit, utf8_message, Dataset, ReadOptions, RowLabels};
use crate::error::{Error, Result};

/// The byte-order mark that some editors put at the start of a UTF-8 file.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a JSON-lines corpus. Blank lines are ignored (they carry no record).
pub(super) fn read(path: &Path, options: &ReadOptions) -> Result<Dataset> {
    let mut reader = open_with_limit(path, options.max_line_bytes)?;
    let mut texts = Vec::new();
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let n = std::io::BufRead::read_until(&mut reader, b'\n', &mut buf)
            .map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        if line_no == 1 && buf.starts_with(UTF8_BOM) {
            // Written by some Windows tools; not part of the first record.
            buf.drain(..UTF8_BOM.len());
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match parse_line(&buf, options) {
            Ok((labels, text)) => {
                rows.push(labels);
                texts.push(text);
            }
            Err(msg) => bad_line(options, &mut skipped, Error::parse(path, line_no, msg))?,
        }
    }
    Ok(Dataset::from_rows(
        texts,
        rows,
        skipped,
        options.multi_label,
    ))
}

/// The key of a label list when the label field itself is absent.
const LABELS_FIELD: &str = "labels";

/// Parses one line into `(labels, text)`, or says what is wrong with it.
fn parse_line(
    bytes: &[u8],
    options: &ReadOptions,
) -> std::result::Result<(RowLabels, String), String> {
    let line = decode(bytes, options.encoding).map_err(utf8_message)?;
    let value: Value = serde_json::from_str(&line).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(obj) = value else {
        return Err("expected a JSON object".to_string());
    };
    let (field, value) = match obj.get(&options.label_field) {
        Some(v) => (options.label_field.as_str(), v),
        None => match obj.get(LABELS_FIELD) {
            Some(v) => (LABELS_FIELD, v),
            None if options.label_field == "label" => {
                return Err("missing field \"label\" (or a \"labels\" list)".to_string())
            }
            None => return Err(format!("missing field {:?}", options.label_field)),
        },
    };
    let label = match value {
        Value::Array(items) => {
            let mut labels = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let label = scalar_label(item).ok_or_else(|| {
                    format!(
                        "field {field:?}: item {} must be a string or an integer, found {}",
                        i + 1,
                        kind(item)
                    )
                })?;
                if label.trim().is_empty() {
                    return Err(format!("field {field:?}: item {} is an empty label", i + 1));
                }
                labels.push(label);
            }
            RowLabels::Many(labels)
        }
        other => {
            let label = scalar_label(other).ok_or_else(|| {
                format!(
                    "field {field:?} must be a string, an integer or a list of them, found {}",
                    kind(other)
                )
            })?;
            if label.trim().is_empty() {
                return Err(format!(
                    "field {field:?} is empty (a document without labels is written \"{LABELS_FIELD}\": [], in multi-label data)"
                ));
            }
            RowLabels::One(label)
        }
    };
    let text = match obj.get(&options.text_field) {
        None => return Err(format!("missing field {:?}", options.text_field)),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(format!(
                "field {:?} must be a string, found {}",
                options.text_field,
                kind(other)
            ))
        }
    };
    Ok((label, text))
}

/// A label given as a JSON string or integer.
fn scalar_label(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// A short name for a JSON value's type, for error messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a non-integer number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::super::{read_dataset, Encoding};
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    }

    #[test]
    fn reads_string_and_integer_labels() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write(
            dir.path(),
            "d.jsonl",
            b"{\"label\": \"pos\", \"text\": \"good\"}\n\n{\"label\": 3, \"text\": \"\"}\n",
        );
        let d = read_dataset(&p, &ReadOptions::default()).expect("read");
        assert_eq!(d.labels, vec!["pos", "3"]);
        assert_eq!(d.texts, vec!["good", ""]);
        assert!(d.skipped.is_empty());
    }

    #[test]
    fn missing_field_names_file_and_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write(
            dir.path(),
            "data.jsonl",
            b"{\"label\": \"a\", \"text\": \"x\"}\n{\"text\": \"y\"}\n",
        );
        let err = read_dataset(&p, &ReadOptions::default()).expect_err("must fail");
        let msg = err.to_string();
        assert!(
            msg.ends_with("data.jsonl:2: missing field \"label\" (or a \"labels\" list)"),
            "{msg}"
        );

        let opts = ReadOptions {
            skip_bad_lines: true,
            ..ReadOptions::default()
        };
        let d = read_dataset(&p, &opts).expect("read");
        assert_eq!(d.len(), 1);
        assert_eq!(d.skipped.len(), 1);
        assert_eq!(d.skipped[0].line, 2);
    }

    #[test]
    fn custom_fields_and_float_label_rejected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write(dir.path(), "d.ndjson", b"{\"y\": 1.5, \"body\": \"x\"}\n");
        let opts = ReadOptions {
            text_field: "body".into(),
            label_field: "y".into(),
            ..ReadOptions::default()
        };
        let err = read_dataset(&p, &opts).expect_err("float label");
        assert!(err.to_string().contains(":1: field \"y\" must be"), "{err}");
    }

    #[test]
    fn invalid_utf8_is_an_error_unless_latin1() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write(
            dir.path(),
            "d.jsonl",
            b"{\"label\": \"a\", \"text\": \"ok\"}\n{\"label\": \"a\", \"text\": \"caf\xe9\"}\n",
        );
        let err = read_dataset(&p, &ReadOptions::default()).expect_err("bad utf8");
        assert!(
            err.to_string().contains("d.jsonl:2: invalid UTF-8"),
            "{err}"
        );
        let opts = ReadOptions {
            encoding: Encoding::Latin1,
            ..ReadOptions::default()
        };
        let d = read_dataset(&p, &opts).expect("latin1");
        assert_eq!(d.texts[1], "café");
    }

    #[test]
    fn gzip_and_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("d.jsonl.gz");
        let f = std::fs::File::create(&p).expect("create");
        let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
        gz.write_all(b"{\"label\": \"a\", \"text\": \"zipped\"}\n")
            .expect("write");
        gz.finish().expect("finish");
        let d = read_dataset(&p, &ReadOptions::default()).expect("read");
        assert_eq!(d.texts, vec!["zipped"]);

        let e = write(dir.path(), "e.jsonl", b"\n");
        let err = read_dataset(&e, &ReadOptions::default()).expect_err("empty");
        assert!(err.to_string().contains("no documents"), "{err}");
    }

    #[test]
    fn label_lists_make_the_corpus_multi_label() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write(
            dir.path(),
            "m.jsonl",
            b"{\"labels\": [\"b\", \"a\", \"b\"], \"text\": \"one\"}\n\
              {\"label\": \"c\", \"text\": \"two\"}\n\
              {\"labels\": [], \"text\": \"three\"}\n\
              {\"label\": [7], \"text\": \"four\"}\n",
        );
        let d = read_dataset(&p, &ReadOptions::default()).expect("read");
        assert!(d.is_multi_label());
        assert!(d.labels.is_empty());
        let sets = d.label_sets.expect("sets");
        assert_eq!(
            sets,
            vec![vec!["a", "b"], vec!["c"], vec![], vec!["7"]]
                .into_iter()
                .map(|s| s.into_iter().map(String::from).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn single_labels_stay_single_unless_forced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write(
            dir.path(),
            "s.jsonl",
            b"{\"label\": \"a\", \"text\": \"x\"}\n{\"label\": \"b\", \"text\": \"y\"}\n",
        );
        let d = read_dataset(&p, &ReadOptions::default()).expect("read");
        assert!(!d.is_multi_label());
        let forced = ReadOptions {
            multi_label: true,
            ..ReadOptions::default()
        };
        let d = read_dataset(&p, &forced).expect("read");
        assert_eq!(d.sets(), vec![vec!["a".to_string()], vec!["b".to_string()]]);
        assert!(d.is_multi_label());
    }

    #[test]
    fn malformed_label_lists_name_file_line_and_item() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cases: [(&[u8], &str); 5] = [
            (
                b"{\"labels\": [\"a\", {\"x\": 1}], \"text\": \"t\"}\n",
                "m.jsonl:1: field \"labels\": item 2 must be a string or an integer, found an object",
            ),
            (
                b"{\"labels\": [\"a\"], \"text\": \"t\"}\n{\"labels\": \"a,b\", \"text\": \"t\"}\n{\"labels\": null, \"text\": \"t\"}\n",
                "m.jsonl:3: field \"labels\" must be a string, an integer or a list of them, found null",
            ),
            (
                b"{\"labels\": [1.5], \"text\": \"t\"}\n",
                "m.jsonl:1: field \"labels\": item 1 must be a string or an integer, found a non-integer number",
            ),
            (
                b"{\"labels\": [\"a\", \" \"], \"text\": \"t\"}\n",
                "m.jsonl:1: field \"labels\": item 2 is an empty label",
            ),
            (
                b"{\"label\": \"a\", \"text\": \"t\"}\n{\"label\": \"\", \"text\": \"t\"}\n",
                "m.jsonl:2: field \"label\" is empty (a document without labels is written \"labels\": [], in multi-label data)",
            ),
        ];
        for (bytes, expected) in cases {
            let p = write(dir.path(), "m.jsonl", bytes);
            let err = read_dataset(&p, &ReadOptions::default()).expect_err("malformed");
            assert!(err.to_string().ends_with(expected), "{err}");
        }
        let p = write(
            dir.path(),
            "m.jsonl",
            b"{\"labels\": [\"a\"], \"text\": \"t\"}\n",
        );
        let opts = ReadOptions {
            label_separator: Some("|".into()),
            ..ReadOptions::default()
        };
        let err = read_dataset(&p, &opts).expect_err("separator on JSON");
        assert!(err.to_string().contains("CSV/TSV"), "{err}");
    }
}
