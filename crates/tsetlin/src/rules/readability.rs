//! How readable a model's rules are: literals per clause, the share of the vote that short
//! clauses carry, how long the heaviest rules of each class are and, on labelled rows, how many
//! rules it takes to cover most of a class's documents.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tsetlin_core::{Rule, SparseRows, TsetlinMachine};

use super::coverage::sort_rules;

/// A clause of at most this many literals counts as short (readable at a glance).
pub const SHORT_RULE: usize = 5;
/// The heaviest rules of a class that a reader looks at first.
const HEAVIEST: usize = 10;
/// The share of a class's documents that its rules should cover, in tenths.
const COVER_TENTHS: usize = 9;

/// Summary of a distribution of literal counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LiteralStats {
    /// Mean.
    pub mean: f64,
    /// Median.
    pub median: f64,
    /// 90th percentile (nearest rank).
    pub p90: usize,
    /// Largest.
    pub max: usize,
}

impl LiteralStats {
    /// The summary of `counts` (all zero when there are none).
    pub fn of(counts: &[usize]) -> Self {
        if counts.is_empty() {
            return Self {
                mean: 0.0,
                median: 0.0,
                p90: 0,
                max: 0,
            };
        }
        let mut v = counts.to_vec();
        v.sort_unstable();
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2] as f64
        } else {
            (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
        };
        let rank = ((0.9 * n as f64).ceil() as usize).clamp(1, n);
        Self {
            mean: v.iter().sum::<usize>() as f64 / n as f64,
            median,
            p90: v[rank - 1],
            max: v[n - 1],
        }
    }
}

/// Readability of one class's rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassReadability {
    /// Class name.
    pub class: String,
    /// Non-empty clauses of the class (both polarities).
    pub rules: usize,
    /// Mean literals per non-empty clause.
    pub mean_literals: f64,
    /// The most literals among the class's heaviest 10 rules (the order of `tsetlin rules`).
    pub heaviest_max_literals: usize,
    /// With labelled rows: how many of the class's positive rules that require a word (at
    /// least one positive literal; a rule of negations only fires on almost anything) cover
    /// 90 % of its documents, picked greedily (the one covering the most uncovered documents
    /// first); `None` when all of them together cover less.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules_for_90: Option<usize>,
    /// With labelled rows: the share of the class's documents that at least one of those
    /// rules covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covered: Option<f64>,
}

/// Readability of a model's rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Readability {
    /// Non-empty clauses (empty ones never fire and are not rules).
    pub clauses: usize,
    /// Literals per non-empty clause.
    pub literals: LiteralStats,
    /// Included (positive) literals per non-empty clause.
    pub positive: LiteralStats,
    /// Negated literals per non-empty clause.
    pub negated: LiteralStats,
    /// Share of the clause weight carried by clauses of at most [`SHORT_RULE`] literals.
    pub short_vote_share: f64,
    /// The most literals among any class's heaviest 10 rules.
    pub heaviest_max_literals: usize,
    /// Per class.
    pub classes: Vec<ClassReadability>,
}

impl Readability {
    /// Measures `machine`'s rules; `names` are the class names; with labelled rows `data`,
    /// also the rules needed to cover each class.
    pub fn of(
        machine: &TsetlinMachine,
        names: &[String],
        data: Option<(&SparseRows, &[u32])>,
    ) -> Self {
        let rules = machine.rules();
        let lens: Vec<usize> = rules.iter().map(Rule::len).collect();
        let pos: Vec<usize> = rules.iter().map(|r| r.positive.len()).collect();
        let neg: Vec<usize> = rules.iter().map(|r| r.negated.len()).collect();
        let weight = |r: &Rule| u64::from(r.weight);
        let total: u64 = rules.iter().map(weight).sum();
        let short: u64 = rules
            .iter()
            .filter(|r| r.len() <= SHORT_RULE)
            .map(weight)
            .sum();
        let covers = data.map(|(x, y)| cover_counts(&rules, machine.n_classes(), x, y));
        let classes: Vec<ClassReadability> = (0..machine.n_classes())
            .map(|c| {
                let mut own: Vec<Rule> = rules.iter().filter(|r| r.class == c).cloned().collect();
                sort_rules(&mut own);
                let n = own.len();
                let (rules_for_90, covered) = match &covers {
                    Some(cv) => (cv[c].0, Some(cv[c].1)),
                    None => (None, None),
                };
                ClassReadability {
                    class: names.get(c).cloned().unwrap_or_else(|| c.to_string()),
                    rules: n,
                    mean_literals: if n == 0 {
                        0.0
                    } else {
                        own.iter().map(Rule::len).sum::<usize>() as f64 / n as f64
                    },
                    heaviest_max_literals: own
                        .iter()
                        .take(HEAVIEST)
                        .map(Rule::len)
                        .max()
                        .unwrap_or(0),
                    rules_for_90,
                    covered,
                }
            })
            .collect();
        Self {
            clauses: rules.len(),
            literals: LiteralStats::of(&lens),
            positive: LiteralStats::of(&pos),
            negated: LiteralStats::of(&neg),
            short_vote_share: if total == 0 {
                0.0
            } else {
                short as f64 / total as f64
            },
            heaviest_max_literals: classes
                .iter()
                .map(|c| c.heaviest_max_literals)
                .max()
                .unwrap_or(0),
            classes,
        }
    }

    /// A few lines for people: literals per clause, short-vote share, heaviest rules, cover.
    pub fn to_text(&self) -> String {
        let l = &self.literals;
        let mut out = format!(
            "rules: {} clauses; literals per clause mean {:.1}, median {}, 90th percentile {}, max {} \
             ({:.1} included, {:.1} negated on average); clauses of at most {SHORT_RULE} literals carry \
             {:.0} % of the vote; the heaviest 10 rules of a class have at most {} literals",
            self.clauses,
            l.mean,
            l.median,
            l.p90,
            l.max,
            self.positive.mean,
            self.negated.mean,
            100.0 * self.short_vote_share,
            self.heaviest_max_literals
        );
        if let Some(cover) = self.cover_text() {
            out.push_str(&format!(
                "\nrules to cover 90 % of a class's documents: {cover}"
            ));
        }
        out
    }

    /// Per class, the rules needed to cover 90 % of its documents (`allergy 2, other (all
    /// cover 84 %)`); `None` when no labelled rows were given.
    pub fn cover_text(&self) -> Option<String> {
        if self.classes.iter().all(|c| c.covered.is_none()) {
            return None;
        }
        let cover: Vec<String> = self
            .classes
            .iter()
            .map(|c| match c.rules_for_90 {
                Some(n) => format!("{} {n}", c.class),
                None => format!(
                    "{} (all cover {:.0} %)",
                    c.class,
                    100.0 * c.covered.unwrap_or(0.0)
                ),
            })
            .collect();
        Some(cover.join(", "))
    }
}

/// Per class: the positive rules with a positive literal needed (greedy set cover) to cover
/// 90 % of its rows in `x`, and the share that all of them cover.
fn cover_counts(
    rules: &[Rule],
    n_classes: usize,
    x: &SparseRows,
    y: &[u32],
) -> Vec<(Option<usize>, f64)> {
    let words = x.n_features().div_ceil(64);
    (0..n_classes)
        .into_par_iter()
        .map(|c| {
            let docs: Vec<Vec<u64>> = x
                .iter()
                .zip(y)
                .filter(|&(_, &l)| l as usize == c)
                .map(|(row, _)| {
                    let mut bits = vec![0u64; words];
                    for &f in row {
                        bits[f as usize / 64] |= 1 << (f % 64);
                    }
                    bits
                })
                .collect();
            if docs.is_empty() {
                return (Some(0), 0.0);
            }
            let has = |bits: &[u64], f: u32| bits[f as usize / 64] >> (f % 64) & 1 == 1;
            // For each positive rule of the class, the documents it covers (a bitset).
            let sets: Vec<Vec<u64>> = rules
                .iter()
                .filter(|r| r.class == c && r.polarity > 0 && !r.positive.is_empty())
                .map(|r| {
                    let mut set = vec![0u64; docs.len().div_ceil(64)];
                    for (d, bits) in docs.iter().enumerate() {
                        if r.positive.iter().all(|&f| has(bits, f))
                            && !r.negated.iter().any(|&f| has(bits, f))
                        {
                            set[d / 64] |= 1 << (d % 64);
                        }
                    }
                    set
                })
                .collect();
            greedy_cover(&sets, docs.len())
        })
        .collect()
}

/// Greedy set cover of `n` items by `sets` (bitsets): the number of sets picked once 90 % of
/// the items are covered (`None` if never), and the share all of them cover.
fn greedy_cover(sets: &[Vec<u64>], n: usize) -> (Option<usize>, f64) {
    let need = (COVER_TENTHS * n).div_ceil(10);
    let mut covered = vec![0u64; n.div_ceil(64)];
    let mut count = 0usize;
    let mut picked = 0usize;
    let mut reached = None;
    loop {
        if reached.is_none() && count >= need {
            reached = Some(picked);
        }
        let gain = |s: &Vec<u64>| -> usize {
            s.iter()
                .zip(&covered)
                .map(|(a, b)| (a & !b).count_ones() as usize)
                .sum()
        };
        let best = sets
            .iter()
            .enumerate()
            .map(|(i, s)| (gain(s), i))
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        match best {
            Some((g, i)) if g > 0 => {
                for (w, s) in covered.iter_mut().zip(&sets[i]) {
                    *w |= s;
                }
                count += g;
                picked += 1;
            }
            // Past 90 %, the loop goes on only to learn the share all rules cover.
            _ => break,
        }
    }
    (reached, count as f64 / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_stats_are_the_textbook_ones() {
        let s = LiteralStats::of(&[1, 2, 3, 4, 10]);
        assert_eq!(s.mean, 4.0);
        assert_eq!(s.median, 3.0);
        assert_eq!(s.p90, 10);
        assert_eq!(s.max, 10);
        assert_eq!(LiteralStats::of(&[2, 4]).median, 3.0);
        assert_eq!(LiteralStats::of(&[]).max, 0);
    }

    #[test]
    fn greedy_cover_counts_the_sets_needed_for_ninety_percent() {
        // 10 items: one set covers 6, another 3 new ones, a third the last.
        let set = |items: &[usize]| {
            let mut s = vec![0u64; 1];
            for &i in items {
                s[0] |= 1 << i;
            }
            s
        };
        let sets = vec![
            set(&[0, 1]),
            set(&[0, 1, 2, 3, 4, 5]),
            set(&[6, 7, 8]),
            set(&[9]),
        ];
        assert_eq!(greedy_cover(&sets, 10), (Some(2), 1.0));
        let (reached, share) = greedy_cover(&sets[..1], 10);
        assert_eq!((reached, share), (None, 0.2));
    }
}
