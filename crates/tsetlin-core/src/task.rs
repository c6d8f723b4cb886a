//! The multiclass feedback policy (TM-SPEC "Learning from one example" and "Prediction"): which
//! classes receive feedback for a training example, with which probability, and how a
//! prediction is decided from the class sums. Pure functions, so that the policy is tested on
//! its own and a multi-label policy can sit beside it without touching the training kernels.

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
