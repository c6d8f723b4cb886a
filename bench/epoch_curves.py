"""Validation curves of one machine setting: accuracy after every epoch on held-out rows.

    python bench/epoch_curves.py TRAIN.svm VALID.svm [MORE.svm ...] --epochs 16 --seed 1 \
        --params '{"n_clauses": 500, "threshold": 443, "specificity": 2.04, "weighted": true,
                   "boost_true_positive": true, "clause_drop": 0.5}'

Reads the svmlight files that `tsetlin export-features` writes (their `# n_features=...
n_classes=...` header line included), trains the library's `Machine` one epoch at a time and
prints one JSON line: the setting, the seed and, per epoch, the accuracy on each held-out file.
Used for the clause-drop evidence of BENCHMARKS.md §7 (v7), on training files only.
"""

import argparse
import json

import numpy as np
from svmdata import load_svm
from tsetlin import _tsetlin


def read_svmlight(path, n_features=None):
    """CSR bytes (u64 indptr, u32 indices), labels, feature and class counts of a file, read by
    the benchmarks' one svmlight reader (`svmdata.load_svm`)."""
    x, y, n_features, n_classes = load_svm(path, n_features)
    rows = (x.indptr.astype("<u8").tobytes(), x.indices.astype("<u4").tobytes())
    return rows, y.astype("<u4"), n_features, n_classes


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("train")
    p.add_argument("held_out", nargs="+")
    p.add_argument("--epochs", type=int, default=16)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--params", default="{}", help="engine parameters as JSON (see Machine)")
    a = p.parse_args()
    (x, y, n_features, n_classes) = read_svmlight(a.train)
    held = [read_svmlight(path, n_features) for path in a.held_out]
    params = {**json.loads(a.params), "seed": a.seed}
    machine = _tsetlin.Machine(n_classes, n_features, params)

    def accuracy(rows, labels):
        sums = machine.class_sums(rows[0], rows[1], threads=a.threads)
        sums = np.frombuffer(sums, dtype="<i8").reshape(-1, n_classes)
        return round(100.0 * float((sums.argmax(1) == labels).mean()), 2)

    curve = []
    for _ in range(a.epochs):
        machine.fit(x[0], x[1], y.tobytes(), 1, True, a.threads)
        curve.append([accuracy(rows, labels) for rows, labels, _, _ in held])
    print(json.dumps({"params": params, "held_out": a.held_out, "curve": curve}), flush=True)


if __name__ == "__main__":
    main()
