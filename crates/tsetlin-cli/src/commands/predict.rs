//! `tsetlin predict`: one JSON line per input document with the predicted label (for a
//! multi-label classifier: the predicted label set) and every class sum.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use anyhow::{anyhow, Context, Result};
use clap::Args;
use serde::Serialize;
use tsetlin::io::Encoding;

use crate::output::{Log, Out};

/// Arguments of `tsetlin predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// The classifier file.
    #[arg(long)]
    pub model: PathBuf,
    /// Input: JSON lines with a text field (or plain text with --plain); stdin when absent.
    /// A `.gz` name is decompressed.
    pub file: Option<PathBuf>,
    /// The input is plain text, one document per line.
    #[arg(long)]
    pub plain: bool,
    /// Name of the text field of JSON-lines input.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// Decode the input as Latin-1 instead of UTF-8.
    #[arg(long)]
    pub latin1: bool,
    /// The longest input line (bytes); a longer one is an error naming the line.
    #[arg(long, default_value_t = tsetlin::io::MAX_LINE_BYTES)]
    pub max_line_bytes: usize,
    /// Threads for prediction (0 = all cores).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

#[derive(Serialize)]
struct Prediction<'a> {
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<serde_json::Value>,
    /// The predicted class (single-label classifiers).
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    /// The predicted label set, in label order (multi-label classifiers; may be empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<Vec<&'a str>>,
    scores: BTreeMap<&'a str, i64>,
}

/// Documents are predicted in batches so that featurizing runs in parallel while the output
/// still streams.
const BATCH: usize = 2048;

/// Runs `tsetlin predict`.
pub fn run(a: PredictArgs, _log: &Log) -> Result<()> {
    crate::args::set_threads(a.threads);
    // Compiled once: every batch reuses the same scorer.
    let clf = super::load_model(&a.model)?.compile();
    let origin = a
        .file
        .as_ref()
        .map_or("<stdin>".to_string(), |p| p.display().to_string());
    let input: Box<dyn BufRead> = match &a.file {
        None => Box::new(BufReader::new(tsetlin::io::LineLimit::new(
            std::io::stdin().lock(),
            a.max_line_bytes,
        ))),
        Some(p) => tsetlin::io::open_with_limit(p, a.max_line_bytes)?,
    };
    let encoding = if a.latin1 {
        Encoding::Latin1
    } else {
        Encoding::Utf8
    };
    let mut out = Out::new();
    let mut batch: Vec<(usize, Option<serde_json::Value>, String)> = Vec::new();
    let flush = |batch: &mut Vec<(usize, Option<serde_json::Value>, String)>,
                 out: &mut Out|
     -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let texts: Vec<&str> = batch.iter().map(|b| b.2.as_str()).collect();
        let sums = clf.class_sums(&texts)?;
        let names = clf.class_names();
        let m = names.len();
        for (i, (line, id, _)) in batch.drain(..).enumerate() {
            let row = &sums[i * m..(i + 1) * m];
            let (label, labels) = match clf.multi_label() {
                None => (
                    Some(names[tsetlin_core::decide(row) as usize].as_str()),
                    None,
                ),
                Some(d) => (None, Some(d.decide_names(row, names))),
            };
            out.json_line(&Prediction {
                line,
                id,
                label,
                labels,
                scores: names
                    .iter()
                    .map(String::as_str)
                    .zip(row.iter().copied())
                    .collect(),
            })?;
        }
        Ok(())
    };
    let mut reader = input;
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .with_context(|| format!("cannot read {origin}"))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        let line = match encoding {
            Encoding::Latin1 => buf.iter().map(|&b| char::from(b)).collect(),
            _ => String::from_utf8(buf.clone()).map_err(|_| {
                anyhow!("{origin}:{line_no}: invalid UTF-8 (use --latin1 for Latin-1 files)")
            })?,
        };
        if line.trim().is_empty() {
            continue;
        }
        let (id, text) = if a.plain {
            (None, line)
        } else {
            let value: serde_json::Value = serde_json::from_str(&line).map_err(|e| {
                anyhow!("{origin}:{line_no}: not valid JSON ({e}); use --plain for plain text")
            })?;
            let text = value
                .get(&a.text_field)
                .and_then(|t| t.as_str())
                .ok_or_else(|| {
                    anyhow!(
                        "{origin}:{line_no}: no string field {:?} (set --text-field)",
                        a.text_field
                    )
                })?
                .to_string();
            (value.get("id").cloned(), text)
        };
        batch.push((line_no, id, text));
        if batch.len() >= BATCH {
            flush(&mut batch, &mut out)?;
        }
    }
    flush(&mut batch, &mut out)?;
    out.flush()
}
