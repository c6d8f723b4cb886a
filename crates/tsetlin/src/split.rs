//! Stratified splits of labelled rows: a hold-out and k folds, seeded and shuffled, or in
//! file order (the settings search's default: see [`ordered_holdout`]). Used by the settings
//! search (validation on training data only), `train --valid-fraction`, `bench --cv` and
//! `export-features --cv`, so that every caller cuts data the same way.

use crate::error::{Error, Result};
use crate::rng::SplitMix64;

/// Row indices of each class, shuffled with `seed`.
fn shuffled_by_class(y: &[u32], seed: u64) -> Vec<Vec<usize>> {
    let n_classes = y.iter().max().map_or(0, |&m| m as usize + 1);
    let mut by_class = vec![Vec::new(); n_classes];
    for (i, &c) in y.iter().enumerate() {
        by_class[c as usize].push(i);
    }
    let mut rng = SplitMix64::new(seed);
    for rows in &mut by_class {
        rng.shuffle(rows);
    }
    by_class
}

/// A seeded stratified hold-out: about `fraction` of each class goes to the second list.
/// Both lists are sorted (file order is kept within each part). A class never loses its last
/// document to the hold-out, so every class stays in training.
pub fn stratified_holdout(y: &[u32], fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut keep = Vec::new();
    let mut held = Vec::new();
    for rows in shuffled_by_class(y, seed) {
        let k = ((rows.len() as f64) * fraction).round() as usize;
        let k = k.min(rows.len().saturating_sub(1));
        held.extend_from_slice(&rows[..k]);
        keep.extend_from_slice(&rows[k..]);
    }
    keep.sort_unstable();
    held.sort_unstable();
    (keep, held)
}

/// Row indices of each class, in file order.
fn in_order_by_class(y: &[u32]) -> Vec<Vec<usize>> {
    let n_classes = y.iter().max().map_or(0, |&m| m as usize + 1);
    let mut by_class = vec![Vec::new(); n_classes];
    for (i, &c) in y.iter().enumerate() {
        by_class[c as usize].push(i);
    }
    by_class
}

/// A stratified hold-out in file order: the last `fraction` of each class's documents (as
/// they come in the file) go to the second list, the rest to the first. With documents in
/// time order it validates as a model is used, on notes newer than those it learnt from;
/// with related documents next to each other (a thread, a patient, a movie's reviews) it
/// keeps most of a group on one side. A class never loses its last document to the hold-out.
pub fn ordered_holdout(y: &[u32], fraction: f64) -> (Vec<usize>, Vec<usize>) {
    let mut keep = Vec::new();
    let mut held = Vec::new();
    for rows in in_order_by_class(y) {
        let k = ((rows.len() as f64) * fraction).round() as usize;
        let k = k.min(rows.len().saturating_sub(1));
        let cut = rows.len() - k;
        keep.extend_from_slice(&rows[..cut]);
        held.extend_from_slice(&rows[cut..]);
    }
    keep.sort_unstable();
    held.sort_unstable();
    (keep, held)
}

/// Stratified folds in file order: each class's documents are cut into `k` contiguous blocks
/// (as they come in the file), block `f` going to fold `f` (blocked cross-validation; why
/// blocks, see [`ordered_holdout`]).
pub fn ordered_folds(y: &[u32], k: usize) -> Vec<usize> {
    let k = k.max(1);
    let mut fold = vec![0; y.len()];
    for rows in in_order_by_class(y) {
        let n = rows.len();
        for (p, r) in rows.into_iter().enumerate() {
            fold[r] = p * k / n;
        }
    }
    fold
}

/// Seeded stratified folds: the fold number of each row (each class dealt round-robin over
/// the folds after shuffling, as scikit-learn's `StratifiedKFold(shuffle=True)` does in
/// spirit; the exact assignment differs).
pub fn stratified_folds(y: &[u32], k: usize, seed: u64) -> Vec<usize> {
    let mut fold = vec![0; y.len()];
    let mut next = 0;
    for rows in shuffled_by_class(y, seed) {
        for r in rows {
            fold[r] = next % k.max(1);
            next += 1;
        }
    }
    fold
}

/// Checks that `k` stratified folds of the labels `y` are all meaningful: at least 2, and no
/// more than the documents of the smallest class, so every fold holds every class (with more
/// folds, some would hold none of a class, or nothing at all, and score as 0 %).
pub fn check_fold_count(y: &[u32], k: usize) -> Result<()> {
    if k < 2 {
        return Err(Error::InvalidInput(format!(
            "cross-validation needs at least 2 folds, got {k}"
        )));
    }
    let n_classes = y.iter().max().map_or(0, |&m| m as usize + 1);
    let mut counts = vec![0usize; n_classes];
    for &c in y {
        counts[c as usize] += 1;
    }
    let smallest = counts.iter().copied().filter(|&n| n > 0).min().unwrap_or(0);
    if k > smallest {
        return Err(Error::InvalidInput(format!(
            "{k} folds need at least {k} documents of every class, but the smallest class has \
             {smallest} (of {} documents); use --cv {} or fewer",
            y.len(),
            smallest.max(2)
        )));
    }
    Ok(())
}

/// The (training, held-out) row indices of fold `f` of `folds` (from [`stratified_folds`]).
pub fn fold_rows(folds: &[usize], f: usize) -> (Vec<usize>, Vec<usize>) {
    let mut train = Vec::new();
    let mut held = Vec::new();
    for (i, &k) in folds.iter().enumerate() {
        if k == f {
            held.push(i);
        } else {
            train.push(i);
        }
    }
    (train, held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_count_is_bounded_by_the_smallest_class() {
        let y = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2];
        assert!(check_fold_count(&y, 3).is_ok());
        let err = check_fold_count(&y, 4).expect_err("4 folds of a 3-document class");
        assert!(err.to_string().contains("smallest class has 3"), "{err}");
        assert!(check_fold_count(&y, 1).is_err());
        assert!(check_fold_count(&[], 2).is_err());
    }

    #[test]
    fn holdout_is_stratified_and_keeps_every_class() {
        let y: Vec<u32> = (0..100)
            .map(|i| if i < 90 { 0 } else { 1 })
            .chain([2])
            .collect();
        let (keep, held) = stratified_holdout(&y, 0.2, 1);
        assert_eq!(keep.len() + held.len(), y.len());
        assert_eq!(held.iter().filter(|&&i| y[i] == 0).count(), 18);
        assert_eq!(held.iter().filter(|&&i| y[i] == 1).count(), 2);
        assert!(
            keep.iter().any(|&i| y[i] == 2),
            "a singleton class stays in training"
        );
    }

    #[test]
    fn ordered_holdout_takes_the_last_documents_of_each_class() {
        // Class 0 at rows 0..10, class 1 interleaved at 10..20 with class 2.
        let y: Vec<u32> = (0..10)
            .map(|_| 0)
            .chain((0..10).map(|i| 1 + i % 2))
            .collect();
        let (keep, held) = ordered_holdout(&y, 0.2);
        assert_eq!(keep.len() + held.len(), y.len());
        // 20 % of 10 is 2 (rows 8, 9); of each 5-document class 1 (its last: 18 and 19).
        assert_eq!(held, vec![8, 9, 18, 19]);
        assert!(keep.windows(2).all(|w| w[0] < w[1]));
        // A class of one document stays in training.
        let (keep, held) = ordered_holdout(&[0, 0, 0, 0, 1], 0.5);
        assert_eq!((keep, held), (vec![0, 1, 4], vec![2, 3]));
    }

    #[test]
    fn ordered_folds_are_contiguous_blocks_of_each_class() {
        let y: Vec<u32> = (0..9).map(|_| 0).chain((0..6).map(|_| 1)).collect();
        let folds = ordered_folds(&y, 3);
        assert_eq!(folds, vec![0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 1, 1, 2, 2]);
        for f in 0..3 {
            let (train, held) = fold_rows(&folds, f);
            assert_eq!(train.len() + held.len(), y.len());
            assert!(held.iter().any(|&i| y[i] == 0) && held.iter().any(|&i| y[i] == 1));
        }
    }

    #[test]
    fn folds_partition_the_rows() {
        let y: Vec<u32> = (0..50).map(|i| (i % 3) as u32).collect();
        let folds = stratified_folds(&y, 5, 3);
        let mut seen = 0;
        for f in 0..5 {
            let (train, held) = fold_rows(&folds, f);
            assert_eq!(train.len() + held.len(), 50);
            assert!((9..=11).contains(&held.len()));
            seen += held.len();
        }
        assert_eq!(seen, 50);
    }
}
