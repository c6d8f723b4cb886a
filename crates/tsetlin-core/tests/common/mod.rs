//! Data generators shared by the engine's integration tests.
#![allow(dead_code)]

use tsetlin_core::rng::Xoshiro256;
use tsetlin_core::SparseRows;

/// Noisy XOR (Granmo 2018): 12 features, class = x0 XOR x1, a fraction of the labels flipped.
pub fn noisy_xor(n: usize, noise: f64, seed: u64) -> (SparseRows, Vec<u32>) {
    let mut rng = Xoshiro256::new(seed);
    let mut rows = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let row: Vec<u32> = (0..12).filter(|_| rng.next_u64() & 1 == 1).collect();
        let x0 = row.contains(&0);
        let x1 = row.contains(&1);
        let mut y = u32::from(x0 ^ x1);
        if rng.unit() < noise {
            y ^= 1;
        }
        rows.push(row);
        labels.push(y);
    }
    (
        SparseRows::from_rows(12, &rows).expect("valid rows"),
        labels,
    )
}

/// Sparse rows over `o` features with about `density * o` present, labelled 1 exactly when
/// features 3 and 17 are present and feature 29 is absent. The planted features appear often
/// enough that the conjunction is learnable from a few thousand rows.
pub fn planted(n: usize, o: usize, density: f64, seed: u64) -> (SparseRows, Vec<u32>) {
    let mut rng = Xoshiro256::new(seed);
    let mut rows = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        let mut row: Vec<u32> = (0..o as u32).filter(|_| rng.unit() < density).collect();
        for planted in [3u32, 17, 29] {
            if rng.unit() < 0.6 {
                row.push(planted);
            }
        }
        row.sort_unstable();
        row.dedup();
        let y = u32::from(row.contains(&3) && row.contains(&17) && !row.contains(&29));
        rows.push(row);
        labels.push(y);
    }
    (SparseRows::from_rows(o, &rows).expect("valid rows"), labels)
}

/// Random sparse rows and random labels: for properties that must hold on any machine.
pub fn random_rows(n: usize, o: usize, m: u32, density: f64, seed: u64) -> (SparseRows, Vec<u32>) {
    let mut rng = Xoshiro256::new(seed);
    let rows: Vec<Vec<u32>> = (0..n)
        .map(|_| (0..o as u32).filter(|_| rng.unit() < density).collect())
        .collect();
    let labels = (0..n).map(|_| rng.below(m as usize) as u32).collect();
    (SparseRows::from_rows(o, &rows).expect("valid rows"), labels)
}
