//! `tsetlin`: learn human-readable rules for text categories with the Tsetlin machine, then
//! evaluate, explain, report and benchmark them. See `tsetlin --help`.

mod args;
mod commands;
mod data;
mod output;
mod search_view;
mod training;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::output::Log;

/// Learn human-readable rules for text categories with the Tsetlin machine.
///
/// Start with `tsetlin demo` (no downloads): it trains on a synthetic clinical corpus and
/// shows the rules it recovered.
#[derive(Debug, Parser)]
#[command(
    name = "tsetlin",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    /// Print only results (no progress or information on stderr).
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Train a text classifier and save it (settings chosen on the training data unless given).
    Train(commands::train::TrainArgs),
    /// Run the automatic settings search alone and print its table (Markdown or JSON).
    Tune(commands::tune::TuneArgs),
    /// Evaluate a saved classifier on labelled data.
    Eval(commands::eval::EvalArgs),
    /// Predict the class of each document (JSON lines on stdout).
    Predict(commands::predict::PredictArgs),
    /// Show the learned rules per class, optionally with coverage and precision on data.
    Rules(commands::rules::RulesArgs),
    /// Shorten the rules of a saved classifier without changing what they decide on given data.
    Simplify(commands::simplify::SimplifyArgs),
    /// Explain one prediction: the rules that fired and how their votes add up.
    Explain(commands::explain::ExplainArgs),
    /// Train on a built-in synthetic clinical corpus and show the recovered planted rules.
    Demo(commands::demo::DemoArgs),
    /// Write a self-contained HTML (or JSON) report of a classifier.
    Report(commands::report::ReportArgs),
    /// Compare the Tsetlin machine with classical baselines on the same features.
    Bench(commands::bench::BenchArgs),
    /// Write the featurized train/test sets as SVMlight files (for other libraries).
    ExportFeatures(commands::export::ExportArgs),
    /// Serve a classifier over HTTP (predict, explain, rules, metrics; hot reload).
    Serve(commands::serve::ServeArgs),
}

fn main() -> ExitCode {
    // A flag given twice takes its last value (scripts append overrides to a base command
    // line); clap does not propagate this setting to subcommands by itself.
    let matches = Cli::command()
        .mut_subcommands(|s| s.args_override_self(true))
        .get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let log = Log { quiet: cli.quiet };
    let result = match cli.command {
        Command::Train(a) => commands::train::run(a, &log),
        Command::Tune(a) => commands::tune::run(a, &log),
        Command::Eval(a) => commands::eval::run(a, &log),
        Command::Predict(a) => commands::predict::run(a, &log),
        Command::Simplify(a) => commands::simplify::run(a, &log),
        Command::Rules(a) => commands::rules::run(a, &log),
        Command::Explain(a) => commands::explain::run(a, &log),
        Command::Demo(a) => commands::demo::run(a, &log),
        Command::Report(a) => commands::report::run(a, &log),
        Command::Bench(a) => commands::bench::run(a, &log),
        Command::ExportFeatures(a) => commands::export::run(a, &log),
        Command::Serve(a) => commands::serve::run(a, &log),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => {
            // `tsetlin rules ... | head`: the reader has all it wanted; not an error.
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// Whether the error (anywhere in its chain) is a write to a closed pipe.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// The cause chain on one line, `outer: inner: ...`, without a backtrace. A cause that the
/// message before it already quotes (the library's errors include their source's text) is
/// left out, so nothing is said twice.
fn one_line(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}
