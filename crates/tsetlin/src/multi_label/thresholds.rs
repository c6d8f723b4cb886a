//! Per-label decision thresholds, chosen on validation data: a label is predicted when its
//! class sum is above its threshold ([`tsetlin_core::decide_labels`]). Each label's
//! threshold maximises that label's F1 on the validation rows (the "SCut" strategy of
//! Yang 2001); ties go to the threshold closest to 0, the untuned decision, so that a flat
//! stretch of the validation curve never moves the threshold for nothing.

use tsetlin_core::LabelSets;

/// F1 from true positives, false positives and false negatives (0 when all are 0).
fn f1(tp: usize, fp: usize, fn_: usize) -> f64 {
    let d = 2 * tp + fp + fn_;
    if d == 0 {
        0.0
    } else {
        2.0 * tp as f64 / d as f64
    }
}

/// How many of the sorted `values` are above `t`.
fn above(values: &[i64], t: i64) -> usize {
    values.len() - values.partition_point(|&v| v <= t)
}

/// The threshold of each label that maximises its F1 on validation rows with class sums
/// `sums` (row-major, `rows x labels`) and true label sets `truth`. A label that no
/// validation row carries keeps 0.
pub fn choose_thresholds(sums: &[i64], truth: &LabelSets) -> Vec<i64> {
    let k = truth.n_labels();
    let n = truth.n_rows();
    debug_assert_eq!(sums.len(), n * k);
    (0..k)
        .map(|c| {
            let (mut pos, mut neg) = (Vec::new(), Vec::new());
            for r in 0..n {
                let v = sums[r * k + c];
                if truth.contains(r, c) {
                    pos.push(v);
                } else {
                    neg.push(v);
                }
            }
            if pos.is_empty() {
                return 0;
            }
            pos.sort_unstable();
            neg.sort_unstable();
            // Every threshold between two neighbouring sums predicts the same; the ends of
            // those stretches (a sum, or one below it) and 0 hold the one closest to 0.
            let mut candidates: Vec<i64> = pos
                .iter()
                .chain(&neg)
                .flat_map(|&v| [v, v.saturating_sub(1)])
                .collect();
            candidates.push(0);
            candidates.sort_unstable();
            candidates.dedup();
            let score = |t: i64| {
                let tp = above(&pos, t);
                f1(tp, above(&neg, t), pos.len() - tp)
            };
            let mut best = (score(0), 0i64);
            for &t in &candidates {
                let s = score(t);
                if s > best.0 || (s == best.0 && t.unsigned_abs() < best.1.unsigned_abs()) {
                    best = (s, t);
                }
            }
            best.1
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets(rows: &[&[u32]], k: usize) -> LabelSets {
        LabelSets::from_rows(k, rows).expect("sets")
    }

    /// The brute force the sweep must equal: every integer threshold in the range of the
    /// sums, best F1, ties closest to 0.
    fn brute(sums: &[i64], truth: &LabelSets) -> Vec<i64> {
        let k = truth.n_labels();
        (0..k)
            .map(|c| {
                let n = truth.n_rows();
                if (0..n).all(|r| !truth.contains(r, c)) {
                    return 0;
                }
                let mut best = (f64::MIN, 0i64);
                let mut ts: Vec<i64> = (-60..=60).collect();
                ts.sort_by_key(|t: &i64| t.unsigned_abs());
                for t in ts {
                    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
                    for r in 0..n {
                        let p = sums[r * k + c] > t;
                        match (p, truth.contains(r, c)) {
                            (true, true) => tp += 1,
                            (true, false) => fp += 1,
                            (false, true) => fn_ += 1,
                            _ => {}
                        }
                    }
                    let s = f1(tp, fp, fn_);
                    if s > best.0 {
                        best = (s, t);
                    }
                }
                best.1
            })
            .collect()
    }

    #[test]
    fn separable_sums_get_a_separating_threshold() {
        // Label 0 carried where its sum is 5 or 7, not at -3 or 2: threshold in [2, 5).
        let truth = sets(&[&[0], &[], &[0], &[]], 1);
        let t = choose_thresholds(&[5, -3, 7, 2], &truth);
        assert_eq!(t, vec![2]);
        // Already separated at 0: stays at 0.
        let t = choose_thresholds(&[5, -3, 7, -2], &truth);
        assert_eq!(t, vec![0]);
    }

    #[test]
    fn an_unseen_label_keeps_zero() {
        let truth = sets(&[&[0], &[]], 2);
        assert_eq!(choose_thresholds(&[3, 9, -1, 4], &truth), vec![0, 0]);
    }

    #[test]
    fn sweep_equals_brute_force() {
        let mut rng = tsetlin_core::rng::Xoshiro256::new(5);
        for _ in 0..200 {
            let n = 1 + rng.below(30);
            let k = 1 + rng.below(3);
            let sums: Vec<i64> = (0..n * k).map(|_| rng.below(81) as i64 - 40).collect();
            let rows: Vec<Vec<u32>> = (0..n)
                .map(|_| (0..k as u32).filter(|_| rng.unit() < 0.4).collect())
                .collect();
            let truth = LabelSets::from_rows(k, &rows).expect("sets");
            let fast = choose_thresholds(&sums, &truth);
            let slow = brute(&sums, &truth);
            // Equal F1 (the brute force may pick another threshold of the same score and
            // distance from 0 only when two tie exactly, e.g. -t and t).
            for c in 0..k {
                let score = |t: i64| {
                    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
                    for r in 0..n {
                        match (sums[r * k + c] > t, truth.contains(r, c)) {
                            (true, true) => tp += 1,
                            (true, false) => fp += 1,
                            (false, true) => fn_ += 1,
                            _ => {}
                        }
                    }
                    f1(tp, fp, fn_)
                };
                assert_eq!(score(fast[c]), score(slow[c]), "label {c}");
                assert_eq!(fast[c].unsigned_abs(), slow[c].unsigned_abs(), "label {c}");
            }
        }
    }
}
