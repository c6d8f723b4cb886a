//! Everything that goes to the terminal: results on stdout (through a writer, so that a closed
//! pipe is an ordinary error that `main` turns into a quiet exit 0), diagnostics and progress
//! on stderr.

use std::io::{IsTerminal, Write};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

/// Diagnostics on stderr; `--quiet` silences the informational ones (not warnings).
#[derive(Debug, Clone, Copy)]
pub struct Log {
    /// Suppress information and progress.
    pub quiet: bool,
}

impl Log {
    /// A progress message (`--quiet` hides it).
    pub fn info(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    /// Something the user should see even with `--quiet`.
    pub fn warn(&self, message: &str) {
        eprintln!("warning: {message}");
    }

    /// A progress bar of `len` steps on stderr, or a hidden one when quiet or not a terminal
    /// (then [`Log::info`] lines take its place, which read better in a log file).
    pub fn bar(&self, len: u64, what: &str) -> ProgressBar {
        if self.quiet || !std::io::stderr().is_terminal() {
            return ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
        }
        let bar = ProgressBar::new(len);
        let style = ProgressStyle::with_template(
            "{prefix} [{bar:30}] {pos}/{len} {msg} (elapsed {elapsed}, ETA {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(what.to_string());
        bar
    }

    /// Whether progress bars are drawn (else per-step lines are logged).
    pub fn bars_visible(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }
}

/// Standard output, locked, with errors propagated (a closed pipe included).
pub struct Out {
    inner: std::io::StdoutLock<'static>,
}

impl Out {
    /// Locks stdout.
    pub fn new() -> Self {
        Self {
            inner: std::io::stdout().lock(),
        }
    }

    /// Writes one line.
    pub fn line(&mut self, s: impl AsRef<str>) -> Result<()> {
        self.inner.write_all(s.as_ref().as_bytes())?;
        self.inner.write_all(b"\n")?;
        Ok(())
    }

    /// Writes text as it is.
    pub fn text(&mut self, s: impl AsRef<str>) -> Result<()> {
        self.inner.write_all(s.as_ref().as_bytes())?;
        Ok(())
    }

    /// Writes `value` as one pretty JSON document followed by a newline.
    pub fn json<T: Serialize>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer_pretty(&mut self.inner, value)?;
        self.inner.write_all(b"\n")?;
        self.inner.flush()?;
        Ok(())
    }

    /// Writes `value` as one compact JSON line (for JSON-lines streams).
    pub fn json_line<T: Serialize>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer(&mut self.inner, value)?;
        self.inner.write_all(b"\n")?;
        Ok(())
    }

    /// Flushes what was written.
    pub fn flush(&mut self) -> Result<()> {
        self.inner.flush()?;
        Ok(())
    }
}

/// A fraction as a percentage with one decimal, e.g. `87.3 %`.
pub fn pct(x: f64) -> String {
    format!("{:.1} %", 100.0 * x)
}

/// Seconds, readably: `0.42 s`, `12.3 s`, `2 min 05 s`.
pub fn secs(s: f64) -> String {
    if s < 10.0 {
        format!("{s:.2} s")
    } else if s < 120.0 {
        format!("{s:.1} s")
    } else {
        let m = (s / 60.0).floor();
        format!("{m:.0} min {:02.0} s", s - 60.0 * m)
    }
}
