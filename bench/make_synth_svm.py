#!/usr/bin/env python3
"""Write a synthetic binary svmlight file whose labels depend on planted conjunctions.

  python bench/make_synth_svm.py --rows 2000 --features 1000 --density 0.02 --classes 2 --seed 1 --out X.svm

Each class c gets 3 planted conjunctions of 2 'signal' features (signal features are present in
50 % of rows; all other features at --density). A row's label is the class with most satisfied
conjunctions (ties broken at random), then --noise of the labels are replaced at random, so a
Tsetlin machine can learn it (clauses = conjunctions) and accuracy is meaningful but below 100 %.
Output: '# n_features=F n_classes=M' then 'LABEL f:1 ...' rows, 0-based increasing feature ids.
Use the same --seed (and different --row-seed) to get train and test files from one distribution.
"""
import argparse

import numpy as np


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--features", type=int, required=True)
    p.add_argument("--density", type=float, default=0.02)
    p.add_argument("--classes", type=int, default=2)
    p.add_argument("--seed", type=int, default=1, help="seed of the planted rule (same for train and test)")
    p.add_argument("--row-seed", type=int, default=None, help="seed of the rows (default: --seed)")
    p.add_argument("--noise", type=float, default=0.05)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    m, F = a.classes, a.features
    n_sig = 6 * m
    if F < n_sig or m < 2:
        raise SystemExit(f"need --classes >= 2 and --features >= {n_sig}")

    rule_rng = np.random.default_rng(a.seed)
    sig = rule_rng.choice(F, size=n_sig, replace=False)
    conj = sig.reshape(m, 3, 2)  # class, conjunction, feature

    rng = np.random.default_rng(a.seed if a.row_seed is None else a.row_seed)
    is_sig = np.zeros(F, dtype=bool)
    is_sig[sig] = True
    with open(a.out, "w") as f:
        f.write(f"# n_features={F} n_classes={m}\n")
        chunk = 1000
        for start in range(0, a.rows, chunk):
            n = min(chunk, a.rows - start)
            X = rng.random((n, F)) < a.density
            X[:, is_sig] = rng.random((n, n_sig)) < 0.5
            votes = (X[:, conj[:, :, 0]] & X[:, conj[:, :, 1]]).sum(axis=2)  # n x m
            votes = votes + rng.random((n, m)) * 0.5  # random tie-break
            y = votes.argmax(axis=1)
            flip = rng.random(n) < a.noise
            y[flip] = rng.integers(0, m, size=int(flip.sum()))
            for i in range(n):
                ids = np.flatnonzero(X[i])
                f.write(str(int(y[i])) + "".join(f" {j}:1" for j in ids) + "\n")


if __name__ == "__main__":
    main()
