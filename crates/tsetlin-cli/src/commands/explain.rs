//! `tsetlin explain`: why one document got its class (or, for a multi-label model, its label
//! set): the clauses that fired, their votes per class or label, the words that made them
//! fire, and the check that the votes add up to the class sums.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use serde::Serialize;

use crate::output::{Log, Out};

/// Arguments of `tsetlin explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The classifier file.
    #[arg(long)]
    pub model: PathBuf,
    /// The text to explain.
    #[arg(long, conflicts_with_all = ["file", "line"], required_unless_present = "file")]
    pub text: Option<String>,
    /// Take the document from this file (JSON lines with a text field, or plain text with
    /// --plain; `.gz` is decompressed) ...
    #[arg(long, requires = "line")]
    pub file: Option<PathBuf>,
    /// ... at this 1-based line.
    #[arg(long)]
    pub line: Option<usize>,
    /// The file is plain text, one document per line.
    #[arg(long)]
    pub plain: bool,
    /// Name of the text field in a JSON-lines file.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// Negated terms shown per rule before "+k more".
    #[arg(long, default_value_t = 5)]
    pub max_negated: usize,
    /// Show every literal of every rule.
    #[arg(long)]
    pub all_literals: bool,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct Word {
    term: String,
    /// Byte spans `[start, end)` in the text.
    spans: Vec<(usize, usize)>,
}

#[derive(Serialize)]
struct Fired {
    class: String,
    clause: usize,
    vote: i64,
    rule: String,
    words: Vec<Word>,
}

#[derive(Serialize)]
struct Check {
    /// Whether, for every class, the fired votes add up to the class sum.
    ok: bool,
    vote_sums: BTreeMap<String, i64>,
}

#[derive(Serialize)]
struct ExplainOut {
    text: String,
    /// The class with the largest sum (single-label models); for a multi-label model, the
    /// predicted labels joined by ", " (empty: none).
    predicted: String,
    /// Multi-label models: the predicted label set (each label whose sum is above its
    /// threshold) and the thresholds.
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    thresholds: Option<BTreeMap<String, i64>>,
    class_sums: BTreeMap<String, i64>,
    fired: Vec<Fired>,
    check: Check,
}

/// Reads line `n` (1-based) of a file, decompressing `.gz`.
fn nth_line(path: &Path, n: usize) -> Result<String> {
    if n == 0 {
        bail!("--line is 1-based");
    }
    let reader = tsetlin::io::open(path)?;
    match reader.lines().nth(n - 1) {
        Some(line) => line.with_context(|| format!("{}:{n}: cannot read the line", path.display())),
        None => bail!("{} has fewer than {n} lines", path.display()),
    }
}

/// Runs `tsetlin explain`.
pub fn run(a: ExplainArgs, _log: &Log) -> Result<()> {
    let clf = super::load_model(&a.model)?;
    let text = match (&a.text, &a.file, a.line) {
        (Some(t), _, _) => t.clone(),
        (None, Some(f), Some(n)) => {
            let line = nth_line(f, n)?;
            let jsonl = !a.plain
                && tsetlin::io::format_from_path(f)
                    .is_ok_and(|fmt| fmt == tsetlin::io::Format::JsonLines);
            if jsonl {
                let v: serde_json::Value = serde_json::from_str(&line)
                    .map_err(|e| anyhow!("{}:{n}: not valid JSON ({e})", f.display()))?;
                v.get(&a.text_field)
                    .and_then(|t| t.as_str())
                    .ok_or_else(|| {
                        anyhow!("{}:{n}: no string field {:?}", f.display(), a.text_field)
                    })?
                    .to_string()
            } else {
                line
            }
        }
        _ => bail!("give --text TEXT, or --file FILE --line N"),
    };
    let e = clf.explain(&text)?;
    let names = clf.class_names();
    let features = clf.featurizer.feature_names();
    let max_negated = (!a.all_literals).then_some(a.max_negated);
    let mut vote_sums = vec![0i64; names.len()];
    let mut fired = Vec::new();
    for f in &e.fired {
        vote_sums[f.rule.class] += f.vote;
        let words = f
            .rule
            .positive
            .iter()
            .map(|&feat| Word {
                term: features[feat as usize].clone(),
                spans: e
                    .matches
                    .iter()
                    .find(|m| m.feature == feat)
                    .map(|m| m.spans.clone())
                    .unwrap_or_default(),
            })
            .collect();
        fired.push(Fired {
            class: names[f.rule.class].clone(),
            clause: f.rule.clause,
            vote: f.vote,
            rule: super::rules::sentence(&clf, &f.rule, max_negated),
            words,
        });
    }
    // Heaviest votes first within a class, classes in class order.
    let class_of = |n: &str| clf.labels.id(n).unwrap_or(0);
    fired.sort_by(|x, y| {
        class_of(&x.class)
            .cmp(&class_of(&y.class))
            .then(y.vote.abs().cmp(&x.vote.abs()))
            .then(y.vote.cmp(&x.vote))
            .then(x.clause.cmp(&y.clause))
    });
    let ok = vote_sums == e.class_sums;
    let by_name = |v: &[i64]| -> BTreeMap<String, i64> {
        names.iter().cloned().zip(v.iter().copied()).collect()
    };
    let decided = clf.multi_label.as_ref().map(|d| {
        let labels = d.decide_names(&e.class_sums, names);
        (
            labels.into_iter().map(str::to_string).collect::<Vec<_>>(),
            d.by_label(names),
        )
    });
    let result = ExplainOut {
        predicted: match &decided {
            Some((labels, _)) => labels.join(", "),
            None => e.predicted.clone(),
        },
        labels: decided.as_ref().map(|(l, _)| l.clone()),
        thresholds: decided.map(|(_, t)| t),
        class_sums: by_name(&e.class_sums),
        check: Check {
            ok,
            vote_sums: by_name(&vote_sums),
        },
        fired,
        text,
    };
    let mut out = Out::new();
    if a.json {
        out.json(&result)?;
    } else {
        match (&result.labels, &result.thresholds) {
            (Some(labels), Some(thresholds)) => {
                let shown = if labels.is_empty() {
                    "(none)".to_string()
                } else {
                    labels.join(", ")
                };
                out.line(format!("predicted labels: {shown}"))?;
                let sums: Vec<String> = names
                    .iter()
                    .zip(&e.class_sums)
                    .map(|(n, s)| format!("{n} {s:+} (threshold {:+})", thresholds[n]))
                    .collect();
                out.line(format!(
                    "label sums (a label is predicted above its threshold): {}",
                    sums.join(", ")
                ))?;
            }
            _ => {
                out.line(format!("predicted: {}", result.predicted))?;
                let sums: Vec<String> = names
                    .iter()
                    .zip(&e.class_sums)
                    .map(|(n, s)| format!("{n} {s:+}"))
                    .collect();
                out.line(format!("class sums: {}", sums.join(", ")))?;
            }
        }
        out.line(format!("fired clauses: {}", result.fired.len()))?;
        for f in &result.fired {
            out.line(format!("  {:+4}  {}", f.vote, f.rule))?;
            if !f.words.is_empty() {
                let words: Vec<String> = f
                    .words
                    .iter()
                    .map(|w| {
                        let at: Vec<String> =
                            w.spans.iter().map(|(s, e)| format!("{s}..{e}")).collect();
                        format!("\"{}\" at {}", w.term, at.join(", "))
                    })
                    .collect();
                out.line(format!("        because {}", words.join("; ")))?;
            }
        }
        let check: Vec<String> = names
            .iter()
            .zip(vote_sums.iter().zip(&e.class_sums))
            .map(|(n, (v, s))| format!("{n}: votes {v:+} = sum {s:+}"))
            .collect();
        out.line(format!(
            "check: {} -> {}",
            check.join(", "),
            if ok { "ok" } else { "MISMATCH" }
        ))?;
    }
    if !ok {
        bail!("the fired votes do not add up to the class sums (an engine bug; please report it)");
    }
    Ok(())
}
