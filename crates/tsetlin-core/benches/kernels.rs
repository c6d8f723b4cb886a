//! Criterion benchmarks of the hot kernels on IMDb-sized clauses (5,000 features: 158 words
//! per plane, 8 planes).
//!
//! `cargo bench -p tsetlin-core --bench kernels`

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use tsetlin_core::bernoulli::BernoulliPool;
use tsetlin_core::binomial::{subtract_saturating, BinomialPools};
use tsetlin_core::bits::{eval, planes};
use tsetlin_core::rng::Xoshiro256;

const STRIDE: usize = 158;
const BITS: usize = 8;

fn random_words(rng: &mut Xoshiro256, n: usize, density: f64) -> Vec<u64> {
    (0..n)
        .map(|_| (0..64).fold(0u64, |w, b| w | (u64::from(rng.unit() < density) << b)))
        .collect()
}

fn kernels(c: &mut Criterion) {
    let mut rng = Xoshiro256::new(1);
    let layout = planes::Layout::new(STRIDE, BITS);
    let mut state: Vec<u64> = (0..layout.clause_len()).map(|_| rng.next_u64()).collect();
    let inc = random_words(&mut rng, STRIDE, 0.5);
    let dec: Vec<u64> = random_words(&mut rng, STRIDE, 0.04)
        .iter()
        .zip(&inc)
        .map(|(d, i)| d & !i)
        .collect();
    c.bench_function("planes::step (dense inc + sparse dec, 10k automata)", |b| {
        b.iter(|| planes::step(black_box(&mut state), &layout, &inc, &dec))
    });

    let include = random_words(&mut rng, STRIDE, 0.003);
    let mut summary = vec![0u64; STRIDE.div_ceil(64)];
    for (w, &word) in include.iter().enumerate() {
        if word != 0 {
            summary[w / 64] |= 1 << (w % 64);
        }
    }
    let x = random_words(&mut rng, STRIDE / 2, 0.02);
    c.bench_function("eval::clause_fires (dense, 10k literals)", |b| {
        b.iter(|| eval::clause_fires(black_box(&include), &x))
    });
    c.bench_function("eval::clause_fires_sparse (30 included literals)", |b| {
        b.iter(|| eval::clause_fires_sparse(black_box(&include), &summary, &x))
    });

    let pool = BernoulliPool::new(1.0 / 27.0, STRIDE, 3);
    let mut window = vec![0u64; STRIDE];
    c.bench_function("BernoulliPool::window (10k Bernoulli(1/27) bits)", |b| {
        b.iter(|| pool.window(black_box(rng.next_u64()), &mut window))
    });

    let binomial = BinomialPools::new(1.0 / 27.0, STRIDE, 4);
    let mut acc = vec![0u64; 16 * STRIDE];
    let mut scratch = Vec::new();
    let mask = vec![!0u64; STRIDE];
    c.bench_function("binomial flush of 20 deferred steps (10k automata)", |b| {
        b.iter(|| {
            acc.iter_mut().for_each(|w| *w = 0);
            let used = binomial.add_amounts(20, rng.next_u64(), &mut acc, STRIDE, &mut scratch);
            subtract_saturating(black_box(&mut state), &layout, &acc, used, &mask);
        })
    });
}

criterion_group!(benches, kernels);
criterion_main!(benches);
