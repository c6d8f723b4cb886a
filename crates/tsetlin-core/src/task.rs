//! The feedback policies (TM-SPEC "Learning from one example" and "Prediction"): which classes
//! receive feedback for a training example, with which probability, and how a prediction is
//! decided from the class sums. Multiclass: the example's class and one sampled other class.
//! Multi-label: every label, each from its own class sum, towards 1 when the example carries
//! it and towards 0 when it does not (one-vs-rest inside one machine). Pure functions, so
//! that the policies are tested on their own, apart from the training kernels.

use crate::rng::Xoshiro256;

/// The decision: the class with the largest sum; ties go to the lowest index.
pub fn decide(sums: &[i64]) -> u32 {
    let mut best = 0;
    for (c, &s) in sums.iter().enumerate() {
        if s > sums[best] {
            best = c;
        }
    }
    best as u32
}

/// A class sum clipped to `[-T, T]`, as feedback sees it.
pub fn clip(sum: i64, t: f64) -> f64 {
    (sum as f64).clamp(-t, t)
}

/// Probability that a clause of the example's own class (target 1) gets feedback:
/// `(T - clip(v)) / 2T`, falling to 0 as the class sum reaches `T`.
pub fn positive_probability(clipped_sum: f64, t: f64) -> f64 {
    (t - clipped_sum) / (2.0 * t)
}

/// Probability that a clause of the negative class (target 0) gets feedback:
/// `(T + clip(v)) / 2T`, falling to 0 as the class sum reaches `-T`.
pub fn negative_probability(clipped_sum: f64, t: f64) -> f64 {
    (t + clipped_sum) / (2.0 * t)
}

/// The multi-label feedback of one label: `(towards 1?, probability)`. A label the example
/// carries is fed back like the multiclass target class, `(T - clip(v)) / 2T`; a label it
/// does not carry like the negative class, `(T + clip(v)) / 2T`.
pub fn label_feedback(clipped_sum: f64, carried: bool, t: f64) -> (bool, f64) {
    if carried {
        (true, positive_probability(clipped_sum, t))
    } else {
        (false, negative_probability(clipped_sum, t))
    }
}

/// The multi-label decision: the labels whose class sum is above its threshold, in label
/// order (possibly none). Strictly above, so that a document on which no clause fires (every
/// sum 0) gets no label at the default thresholds of 0.
pub fn decide_labels(sums: &[i64], thresholds: &[i64]) -> Vec<u32> {
    sums.iter()
        .zip(thresholds)
        .enumerate()
        .filter(|(_, (s, t))| s > t)
        .map(|(c, _)| c as u32)
        .collect()
}

/// The negative class drawn uniformly among the `m - 1` classes other than `y`.
pub fn uniform_negative(rng: &mut Xoshiro256, m: usize, y: usize) -> usize {
    let q = rng.below(m - 1);
    if q >= y {
        q + 1
    } else {
        q
    }
}

/// Focused negative sampling (Glimsdal et al. 2022): the negative class drawn with probability
/// proportional to `clip(v_c) + T` among the classes other than `y`, so that the classes the
/// example is confused with are corrected most; uniform when every other class sits at `-T`.
pub fn focused_negative(rng: &mut Xoshiro256, clipped_sums: &[f64], y: usize, t: f64) -> usize {
    let m = clipped_sums.len();
    let weights: Vec<f64> = (0..m)
        .map(|c| if c == y { 0.0 } else { clipped_sums[c] + t })
        .collect();
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return uniform_negative(rng, m, y);
    }
    let mut u = rng.unit() * total;
    let mut chosen = if y == 0 { 1 } else { 0 };
    for (c, &w) in weights.iter().enumerate() {
        if w > 0.0 {
            chosen = c;
            if u < w {
                break;
            }
            u -= w;
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decide_takes_the_largest_and_breaks_ties_low() {
        assert_eq!(decide(&[1, 5, 5, -2]), 1);
        assert_eq!(decide(&[0, 0]), 0);
        assert_eq!(decide(&[-3, -1]), 1);
    }

    #[test]
    fn feedback_probabilities_follow_the_spec() {
        let t = 10.0;
        assert_eq!(positive_probability(clip(100, t), t), 0.0);
        assert_eq!(positive_probability(clip(-100, t), t), 1.0);
        assert_eq!(negative_probability(clip(-100, t), t), 0.0);
        assert_eq!(negative_probability(clip(100, t), t), 1.0);
        assert_eq!(positive_probability(0.0, t), 0.5);
    }

    #[test]
    fn label_feedback_is_the_multiclass_rule_per_label() {
        let t = 8.0;
        for v in [-8.0, -3.0, 0.0, 5.0, 8.0] {
            assert_eq!(
                label_feedback(v, true, t),
                (true, positive_probability(v, t))
            );
            assert_eq!(
                label_feedback(v, false, t),
                (false, negative_probability(v, t))
            );
        }
        // A carried label already at T, an absent one at -T: nothing left to learn.
        assert_eq!(label_feedback(8.0, true, t).1, 0.0);
        assert_eq!(label_feedback(-8.0, false, t).1, 0.0);
    }

    #[test]
    fn labels_are_decided_strictly_above_their_thresholds() {
        assert_eq!(decide_labels(&[3, 0, -1, 7], &[0, 0, -2, 7]), vec![0, 2]);
        assert!(decide_labels(&[0, 0], &[0, 0]).is_empty());
    }

    #[test]
    fn negatives_are_never_the_label() {
        let mut rng = Xoshiro256::new(3);
        for y in 0..4 {
            for _ in 0..200 {
                assert_ne!(uniform_negative(&mut rng, 4, y), y);
                assert_ne!(
                    focused_negative(&mut rng, &[3.0, -10.0, 10.0, 0.0], y, 10.0),
                    y
                );
            }
        }
    }

    #[test]
    fn focused_sampling_prefers_the_confused_class() {
        let mut rng = Xoshiro256::new(9);
        let mut counts = [0usize; 3];
        for _ in 0..10_000 {
            counts[focused_negative(&mut rng, &[0.0, 8.0, -8.0], 0, 10.0)] += 1;
        }
        // Weights 18 and 2: class 1 drawn about 90 % of the time.
        assert!((8_700..9_300).contains(&counts[1]), "{counts:?}");
        // Every other class at -T: uniform.
        let mut counts = [0usize; 3];
        for _ in 0..10_000 {
            counts[focused_negative(&mut rng, &[5.0, -10.0, -10.0], 0, 10.0)] += 1;
        }
        assert!((4_700..5_300).contains(&counts[1]), "{counts:?}");
    }
}
