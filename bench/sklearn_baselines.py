#!/usr/bin/env python3
"""scikit-learn baselines on the same svmlight files as the Tsetlin benchmarks.

  bench/.venv/bin/python bench/sklearn_baselines.py --train A.svm --test B.svm --threads 2 [--skip-slow]
  bench/.venv/bin/python bench/sklearn_baselines.py --data ALL.svm --cv 10 --seed 42 --threads 2
  bench/.venv/bin/python bench/sklearn_baselines.py --folds DIR --threads 2   # DIR/fold-*/{train,test}.svm

Prints one JSON line per method: method, accuracy, macro_f1, fit_s, predict_s, threads, version.
With --cv K (one file, no split): stratified, shuffled K-fold; accuracy/macro_f1 are fold means,
with *_std (sample standard deviation over folds) and per-fold lists (accuracy_folds, fit_s_folds,
predict_s_folds); fit_s/predict_s are fold means. --folds DIR uses the folds that
`tsetlin export-features --data F --cv K` wrote (DIR/fold-1 ... fold-K), so that every method
sees the very same splits. --skip-slow omits the decision tree and the random forest. A method that fails prints
a JSON line with "error" (and the script exits 1 at the end) rather than being dropped.
Set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS to --threads (run_others.sh does).
"""
import argparse
import json
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def methods(threads, seed, skip_slow):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import BernoulliNB, MultinomialNB
    from sklearn.svm import LinearSVC
    from sklearn.tree import DecisionTreeClassifier
    ms = [
        ("MultinomialNB", lambda: MultinomialNB()),
        ("BernoulliNB", lambda: BernoulliNB()),
        ("LogisticRegression", lambda: LogisticRegression(max_iter=5000)),
        ("LinearSVC", lambda: LinearSVC(max_iter=20000, random_state=seed)),
    ]
    if not skip_slow:
        ms += [
            ("DecisionTree", lambda: DecisionTreeClassifier(random_state=seed)),
            ("RandomForest", lambda: RandomForestClassifier(n_estimators=100, n_jobs=threads, random_state=seed)),
        ]
    return ms


def fit_eval(make, Xtr, ytr, Xte, yte):
    from sklearn.metrics import accuracy_score, f1_score
    clf = make()
    t0 = time.perf_counter()
    clf.fit(Xtr, ytr)
    t1 = time.perf_counter()
    yh = clf.predict(Xte)
    t2 = time.perf_counter()
    return (float(accuracy_score(yte, yh)), float(f1_score(yte, yh, average="macro", zero_division=0)),
            t1 - t0, t2 - t1)


def load_fold_dirs(root):
    """[(Xtr, ytr, Xte, yte)] for root/fold-1, fold-2, ... in order."""
    from svmdata import load_svm
    k = 1
    out = []
    while os.path.isdir(os.path.join(root, f"fold-{k}")):
        d = os.path.join(root, f"fold-{k}")
        Xtr, ytr, nf, _ = load_svm(os.path.join(d, "train.svm"))
        Xte, yte, _, _ = load_svm(os.path.join(d, "test.svm"), nf)
        out.append((Xtr, ytr, Xte, yte))
        k += 1
    if not out:
        raise FileNotFoundError(f"{root}: no fold-1 folder (write the folds with tsetlin export-features --cv K)")
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--train")
    p.add_argument("--test")
    p.add_argument("--data", help="single file for --cv")
    p.add_argument("--cv", type=int, default=0)
    p.add_argument("--folds", help="folder of fold-*/train.svm + test.svm (from tsetlin export-features --cv)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--skip-slow", action="store_true")
    p.add_argument("--max-train-rows", type=int, default=None)
    a = p.parse_args()

    import numpy as np
    import sklearn
    from svmdata import load_svm
    ver = sklearn.__version__

    try:
        fold_data = None
        if a.folds:
            fold_data = load_fold_dirs(a.folds)
            a.cv = len(fold_data)
        elif a.cv:
            path = a.data or a.train
            if not path:
                p.error("--cv needs --data FILE")
            X, y, nf, _ = load_svm(path)
            from sklearn.model_selection import StratifiedKFold
            splits = StratifiedKFold(n_splits=a.cv, shuffle=True, random_state=a.seed).split(X, y)
            fold_data = [(X[tr], y[tr], X[te], y[te]) for tr, te in splits]
        else:
            if not (a.train and a.test):
                p.error("need --train and --test (or --data with --cv K)")
            Xtr, ytr, nf, _ = load_svm(a.train, None, a.max_train_rows)
            Xte, yte, _, _ = load_svm(a.test, nf)
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001
        traceback.print_exc(file=sys.stderr)
        print(json.dumps({"method": "sklearn", "version": ver, "error": f"{type(e).__name__}: {e}", "step": "load data"}))
        sys.exit(2)

    failed = False
    for name, make in methods(a.threads, a.seed, a.skip_slow):
        rec = {"method": name, "threads": a.threads, "version": ver}
        try:
            if fold_data is not None:
                res = [fit_eval(make, *f) for f in fold_data]
                acc, f1, fs, ps = (np.array(v) for v in zip(*res))
                rows = sum(f[3].shape[0] for f in fold_data)
                rec.update({"cv": a.cv, "seed": None if a.folds else a.seed, "rows": rows,
                            "folds_from": a.folds,
                            "accuracy": round(acc.mean(), 5), "accuracy_std": round(acc.std(ddof=1), 5),
                            "macro_f1": round(f1.mean(), 5), "macro_f1_std": round(f1.std(ddof=1), 5),
                            "fit_s": round(fs.mean(), 4), "predict_s": round(ps.mean(), 4),
                            "accuracy_folds": [round(v, 5) for v in acc],
                            "fit_s_folds": [round(v, 4) for v in fs],
                            "predict_s_folds": [round(v, 4) for v in ps]})
            else:
                acc, f1, fs, ps = fit_eval(make, Xtr, ytr, Xte, yte)
                rec.update({"accuracy": round(acc, 5), "macro_f1": round(f1, 5), "fit_s": round(fs, 4),
                            "predict_s": round(ps, 4), "rows_train": Xtr.shape[0], "rows_test": Xte.shape[0]})
        except BaseException as e:  # noqa: BLE001
            traceback.print_exc(file=sys.stderr)
            rec.update({"error": f"{type(e).__name__}: {e}", "step": "fit/predict"})
            failed = True
        print(json.dumps(rec), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
