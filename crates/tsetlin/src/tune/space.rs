//! The candidates of a search: a Latin hypercube over the free settings, so that a dozen
//! candidates cover each range evenly instead of clumping as independent draws do.
//!
//! The ranges come from the sweeps recorded in BENCHMARKS.md on two development sets (IMDb and
//! 20 Newsgroups), which found two regimes far apart: large banks with a small margin
//! (`T / clauses` near 0.01, `s` near 27) on two-class sentiment, and weighted banks with a
//! margin above the clause count (`T / clauses` near 2, `s` near 3) on many topics. The space
//! spans both and everything between, on log scales.

use super::settings::{default_settings, even, round_sig, DataProfile, Pinned, Settings};
use crate::rng::SplitMix64;

/// Clause counts per class the search draws from (it never goes past what the budget allows).
pub const CLAUSE_LADDER: [usize; 8] = [50, 100, 200, 500, 1000, 2000, 5000, 10_000];
/// Range of `T / clauses` (log-uniform).
pub const THRESHOLD_RATIO: (f64, f64) = (0.01, 2.0);
/// Range of `s` (log-uniform).
pub const SPECIFICITY: (f64, f64) = (1.5, 30.0);
/// Feature counts drawn for text (capped by the vocabulary).
pub const FEATURE_COUNTS: [usize; 3] = [2_000, 5_000, 10_000];
/// The clause drop half of the drawn candidates train with (the other half: none). Dropping
/// half the clauses each epoch (Sharma et al., "Drop clause", AAAI 2023) regularised a small
/// weighted bank on IMDb's training file (about a point higher on two file-order tails, three
/// seeds) and slowed a 20-class bank on 20 Newsgroups' (two points lower over epochs 18-25):
/// the data must decide, so it is a dimension of the search, not a default (BENCHMARKS.md §7).
pub const CLAUSE_DROP: f64 = 0.5;

/// `s` with the other clause drop of the search: [`CLAUSE_DROP`] for none, none for any.
/// With [`SearchOptions::drop_twins`](super::SearchOptions::drop_twins), every survivor of
/// the first rung is joined by this twin (unless the drop is pinned), so that the drop a draw
/// happened to get does not decide alone whether its region of the space is explored: a
/// dropped bank learns more slowly per epoch and may lose to its own undropped self, and an
/// undropped winner may gain from dropping (BENCHMARKS.md §14: OHSUMED's multi-label winner
/// without drop lost as a dropped draw).
pub fn drop_twin(s: &Settings) -> Settings {
    Settings {
        clause_drop: if s.clause_drop == 0.0 {
            CLAUSE_DROP
        } else {
            0.0
        },
        ..s.clone()
    }
}

/// The two regimes the development sets found, as candidates with `clauses` per class:
/// many topics (20 Newsgroups: weighted, `T = 2 x clauses`, `s = 3`, words, 10,000 terms) and
/// polarity (IMDb: unweighted, `T = clauses / 100`, `s = 25`, words and pairs, 5,000 terms).
/// They are starting points the hypercube may beat, not answers: on other data the search
/// ranks them with everything else.
pub fn regime_anchors(base: &Settings, clauses: usize, text: bool) -> [Settings; 2] {
    let clauses = even(clauses);
    let features = |k: usize| if text { Some(k) } else { None };
    [
        Settings {
            ngram_max: 1,
            max_features: features(10_000),
            clauses,
            threshold: 2.0 * clauses as f64,
            specificity: 3.0,
            weighted: true,
            ..base.clone()
        },
        Settings {
            ngram_max: if text { 2 } else { 1 },
            max_features: features(5_000),
            clauses,
            threshold: (clauses as f64 / 100.0).max(1.0).round(),
            specificity: 25.0,
            weighted: false,
            ..base.clone()
        },
    ]
}

/// `n` candidate settings for data like `profile`, each within `max_clauses` per class, with
/// the pinned values imposed. The first candidate is the no-search default (so a search never
/// starts from less), then the two [`regime_anchors`], then a Latin hypercube (clause drop
/// one of its dimensions; the default and the anchors have none). Epochs are
/// left at the default: the search measures them.
pub fn candidates(
    profile: &DataProfile,
    pinned: &Pinned,
    max_clauses: usize,
    n: usize,
    seed: u64,
) -> Vec<Settings> {
    let mut base = default_settings(profile);
    base.clauses = base.clauses.min(max_clauses);
    base.threshold = base.clauses as f64;
    let mut out = vec![pinned.impose(base.clone())];
    if n <= 1 {
        return out;
    }
    for anchor in regime_anchors(&base, max_clauses, profile.text) {
        let anchor = pinned.impose(anchor);
        if out.len() < n && !out.contains(&anchor) {
            out.push(anchor);
        }
    }
    let ladder: Vec<usize> = CLAUSE_LADDER
        .iter()
        .copied()
        .filter(|&c| c <= max_clauses.max(CLAUSE_LADDER[0]))
        .collect();
    let mut rng = SplitMix64::new(seed ^ 0x5345_4152_4348);
    let draws = n.saturating_sub(out.len()).max(1);
    // One stratified permutation per dimension: draw i of a dimension lands in stratum
    // perm[i] of `draws` equal strata.
    let strata = |rng: &mut SplitMix64| -> Vec<f64> {
        let mut perm: Vec<usize> = (0..draws).collect();
        rng.shuffle(&mut perm);
        perm.iter()
            .map(|&k| (k as f64 + rng.unit()) / draws as f64)
            .collect()
    };
    let u_clauses = strata(&mut rng);
    let u_ratio = strata(&mut rng);
    let u_s = strata(&mut rng);
    let u_weighted = strata(&mut rng);
    let u_ngrams = strata(&mut rng);
    let u_features = strata(&mut rng);
    // Drawn last, so that the dimensions above draw what they drew before it existed.
    let u_drop = strata(&mut rng);
    let log_range = |(lo, hi): (f64, f64), u: f64| (lo.ln() + u * (hi.ln() - lo.ln())).exp();
    let pick =
        |items: &[usize], u: f64| items[((u * items.len() as f64) as usize).min(items.len() - 1)];
    // Text: the top-k ladder of the vocabulary, and the whole vocabulary when it is shorter
    // than some rung. Rows: the caller's own columns are always a candidate, and so is every
    // rung below their count (wide rows, few documents: the clinical regime).
    let mut feature_counts: Vec<Option<usize>> = FEATURE_COUNTS
        .iter()
        .filter(|&&k| k < profile.features)
        .map(|&k| Some(k))
        .collect();
    if !profile.text || feature_counts.len() < FEATURE_COUNTS.len() {
        feature_counts.push(None);
    }
    for i in 0..draws {
        let clauses = even(pick(&ladder, u_clauses[i]));
        let ratio = log_range(THRESHOLD_RATIO, u_ratio[i]);
        let s = Settings {
            ngram_max: if profile.text && u_ngrams[i] >= 0.5 {
                2
            } else {
                1
            },
            max_features: feature_counts[((u_features[i] * feature_counts.len() as f64) as usize)
                .min(feature_counts.len() - 1)],
            clauses,
            threshold: round_sig((ratio * clauses as f64).max(1.0)),
            specificity: round_sig(log_range(SPECIFICITY, u_s[i])),
            weighted: u_weighted[i] >= 0.5,
            boost: base.boost,
            literal_budget: base.literal_budget,
            epochs: base.epochs,
            state_bits: base.state_bits,
            clause_drop: if u_drop[i] >= 0.5 {
                CLAUSE_DROP
            } else {
                base.clause_drop
            },
            focused_negatives: base.focused_negatives,
        };
        let s = pinned.impose(s);
        if out.len() < n && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> DataProfile {
        DataProfile {
            rows: 5000,
            classes: 5,
            features: 20_000,
            mean_present: 60.0,
            text: true,
        }
    }

    #[test]
    fn candidates_cover_the_ranges_and_respect_pins_and_caps() {
        let c = candidates(&profile(), &Pinned::default(), 2000, 13, 7);
        assert_eq!(c.len(), 13);
        assert_eq!(c[0], default_settings(&profile()));
        assert!(c.iter().all(|s| s.clauses <= 2000 && s.clauses % 2 == 0));
        let ratios: Vec<f64> = c[1..]
            .iter()
            .map(|s| s.threshold / s.clauses as f64)
            .collect();
        assert!(ratios.iter().any(|&r| r < 0.05) && ratios.iter().any(|&r| r > 0.5));
        assert!(c.iter().any(|s| s.weighted) && c.iter().any(|s| !s.weighted));
        assert!(c.iter().any(|s| s.ngram_max == 1) && c.iter().any(|s| s.ngram_max == 2));
        // Clause drop: none for the default and the anchors, half the drawn ones drop.
        assert!(c[..3].iter().all(|s| s.clause_drop == 0.0));
        let dropping = c[3..]
            .iter()
            .filter(|s| s.clause_drop == CLAUSE_DROP)
            .count();
        assert!((4..=6).contains(&dropping), "{dropping} of 10 drop");
        assert!(c
            .iter()
            .all(|s| [0.0, CLAUSE_DROP].contains(&s.clause_drop)));
        let pinned = Pinned {
            specificity: Some(5.0),
            weighted: Some(false),
            clause_drop: Some(0.1),
            ..Pinned::default()
        };
        let c = candidates(&profile(), &pinned, 2000, 13, 7);
        assert!(c
            .iter()
            .all(|s| s.specificity == 5.0 && !s.weighted && s.clause_drop == 0.1));
        assert_eq!(c, candidates(&profile(), &pinned, 2000, 13, 7), "seeded");
    }

    #[test]
    fn wide_rows_get_the_feature_ladder_and_narrow_rows_keep_their_columns() {
        let rows = |features| DataProfile {
            text: false,
            features,
            ..profile()
        };
        let wide = candidates(&rows(38_000), &Pinned::default(), 2000, 13, 7);
        assert!(wide.iter().any(|s| s.max_features == Some(2_000)));
        assert!(wide.iter().any(|s| s.max_features.is_none()));
        assert_eq!(wide[0].max_features, None, "the default keeps every column");
        let narrow = candidates(&rows(500), &Pinned::default(), 2000, 13, 7);
        assert!(narrow.iter().all(|s| s.max_features.is_none()));
    }
}
