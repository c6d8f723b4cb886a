//! The memory a machine would need, checked before anything is allocated: a typo such as
//! `--clauses 1000000000000`, or an id column used as the label (50,000 classes), must be a
//! clear error, not an allocation abort.
//!
//! The limit is the machine's physical memory (a machine larger than that can never train),
//! or the `TSETLIN_MAX_MEMORY` environment variable (bytes, or with a suffix `K`, `M`, `G`,
//! `T`: powers of 1,024).

use crate::error::{Result, TmError};
use crate::params::Params;

/// The environment variable that overrides the limit.
pub const LIMIT_VARIABLE: &str = "TSETLIN_MAX_MEMORY";

/// Bytes of training state per clause (state planes, weight, deferred-step record, include
/// summary) for `params`, computed without overflow.
fn bytes_per_clause(params: &Params) -> u128 {
    let words = crate::bits::words_for(params.n_features) as u128;
    let stride = 2 * words;
    // The in-memory block of `bits::planes::Layout`: the include plane rounded up to a cache
    // line, then each word's lower planes in a power-of-two slot (in u128: no overflow).
    let lane = u128::from(params.state_bits.saturating_sub(1)).next_power_of_two();
    let block_words = (stride.next_multiple_of(8) + stride * lane).next_multiple_of(8);
    block_words * 8 + 4 + (crate::bank::Deferred::WORDS * 4) as u128 + stride.div_ceil(64) * 8
}

/// Estimated bytes of a machine's state for `params` (the clause banks; the per-thread
/// buffers and the compiled scorer are small beside them).
pub fn estimate(params: &Params) -> u128 {
    (params.n_classes as u128)
        .checked_mul(params.n_clauses as u128)
        .and_then(|n| n.checked_mul(bytes_per_clause(params)))
        .unwrap_or(u128::MAX)
}

/// The limit and where it comes from, or `None` when neither the variable nor the physical
/// memory is known.
pub fn limit() -> Result<Option<(u128, String)>> {
    if let Some(value) = std::env::var_os(LIMIT_VARIABLE) {
        let text = value.to_string_lossy();
        let bytes = parse_size(&text).ok_or_else(|| TmError::InvalidParameter {
            name: "TSETLIN_MAX_MEMORY",
            value: text.to_string(),
            reason: "expected bytes, optionally with a suffix K, M, G or T (e.g. 64G)",
        })?;
        return Ok(Some((bytes, format!("{LIMIT_VARIABLE}={text}"))));
    }
    Ok(physical_memory().map(|b| (b, "the physical memory".to_string())))
}

/// Refuses `params` when their state would exceed the limit.
pub fn check(params: &Params) -> Result<()> {
    let needed = estimate(params);
    match limit()? {
        Some((limit, source_of_limit)) if needed > limit => Err(TmError::TooLarge {
            what: format!(
                "{} classes x {} clauses over {} features",
                params.n_classes, params.n_clauses, params.n_features
            ),
            needed,
            limit,
            source_of_limit,
        }),
        _ => Ok(()),
    }
}

/// `12345678` as "11.8 MiB".
pub fn human(bytes: u128) -> String {
    const UNITS: [&str; 6] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Parses "1073741824", "512M", "64G", "1.5T".
fn parse_size(text: &str) -> Option<u128> {
    let text = text.trim();
    let (number, scale) = match text.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => {
            let power = match c.to_ascii_uppercase() {
                'K' => 1,
                'M' => 2,
                'G' => 3,
                'T' => 4,
                _ => return None,
            };
            (&text[..i], 1024f64.powi(power))
        }
        _ => (text, 1.0),
    };
    let value: f64 = number.trim().parse().ok()?;
    (value.is_finite() && value > 0.0).then_some((value * scale) as u128)
}

/// Total physical memory from `/proc/meminfo` (Linux); `None` elsewhere.
fn physical_memory() -> Option<u128> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u128 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_suffixes() {
        assert_eq!(parse_size("1024"), Some(1024));
        assert_eq!(parse_size("2K"), Some(2048));
        assert_eq!(parse_size("64g"), Some(64 << 30));
        assert_eq!(parse_size("1.5M"), Some(3 << 19));
        assert_eq!(parse_size("x"), None);
        assert_eq!(parse_size("-1"), None);
        assert_eq!(parse_size("12Q"), None);
    }

    #[test]
    fn estimate_does_not_overflow_and_grows_with_clauses() {
        let small = Params::builder(2, 100).clauses(10).build().expect("params");
        let huge = Params::builder(1_000_000_000, u32::MAX as usize / 2)
            .clauses(1_000_000_000_000)
            .build()
            .expect("params");
        assert!(estimate(&small) < estimate(&huge));
        assert!(estimate(&huge) > 1u128 << 70);
    }

    #[test]
    fn human_sizes_read_well() {
        assert_eq!(human(512), "512 bytes");
        assert_eq!(human(3 << 29), "1.5 GiB");
    }
}
