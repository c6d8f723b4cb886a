#!/usr/bin/env python3
"""scikit-learn baselines on the same svmlight files as the Tsetlin benchmarks.

  bench/.venv/bin/python bench/sklearn_baselines.py --train A.svm --test B.svm --threads 2 [--skip-slow] [--tuned]
  bench/.venv/bin/python bench/sklearn_baselines.py --data ALL.svm --cv 10 --seed 42 --threads 2 [--tuned]
  bench/.venv/bin/python bench/sklearn_baselines.py --folds DIR --threads 2 [--tuned]  # DIR/fold-*/{train,test}.svm

Prints one JSON line per method: method, tuning, accuracy, macro_precision, macro_recall, macro_f1,
fit_s, predict_s, threads, version (macro = unweighted mean over the classes in the test labels and
predictions).
With --cv K (one file, no split): stratified, shuffled K-fold; the scores are fold means, with
*_std (sample standard deviation over folds) and per-fold lists (accuracy_folds, fit_s_folds,
predict_s_folds); fit_s/predict_s are fold means. --folds DIR uses the folds that
`tsetlin export-features --data F --cv K` wrote (DIR/fold-1 ... fold-K), so that every method
sees the very same splits. --skip-slow omits the decision tree and the random forest. A method that fails prints
a JSON line with "error" (and the script exits 1 at the end) rather than being dropped.
Set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS to --threads (run_others.sh does).

Without --tuned every method runs with scikit-learn's defaults ("tuning": "defaults"). With
--tuned the same methods instead choose their hyper-parameters by stratified, shuffled K-fold
cross-validation (seed --seed, scoring accuracy) on the TRAINING rows only, then refit on all of
them and score the test rows once ("tuning": "tuned by CV on train"): LogisticRegressionCV over C,
GridSearchCV over C (LinearSVC), alpha (the two naive Bayes), max_depth x min_samples_leaf (decision
tree; --tune-folds folds each) and n_estimators x max_features (random forest; --tune-folds-slow
folds). The grids are in GRIDS below. With --cv / --folds the search is nested: it runs inside each
outer training fold, so the outer test fold is never seen. The chosen parameters go into "params"
(one split) or "params_folds" (one per outer fold), the best inner CV accuracy into "cv_score"
(/"cv_score_folds") and a readable summary into "notes"; fit_s includes the search and the refit.
"""
import argparse
import json
import os
import sys
import time
import traceback
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

DEFAULTS, TUNED = "defaults", "tuned by CV on train"
# Hyper-parameter grids of --tuned: small, so that 25,000 x 5,000 sparse rows stay minutes on 2 cores.
GRIDS = {
    "C": [0.01, 0.03, 0.1, 0.3, 1, 3, 10],  # LogisticRegressionCV and LinearSVC (defaults: C=1)
    "alpha": [0.01, 0.03, 0.1, 0.3, 1.0],  # MultinomialNB, BernoulliNB (default alpha=1)
    "tree": {"max_depth": [None, 10, 30], "min_samples_leaf": [1, 5, 20]},  # defaults None, 1
    "forest": {"n_estimators": [100, 300], "max_features": ["sqrt", "log2"]},  # defaults 100, sqrt
}


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


def tuned_methods(threads, seed, skip_slow, folds, folds_slow):
    """The same methods, each wrapped in a cross-validated search on the rows it is fitted on.
    Returns [(name, make, inner folds, grid description)]."""
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from sklearn.naive_bayes import BernoulliNB, MultinomialNB
    from sklearn.svm import LinearSVC
    from sklearn.tree import DecisionTreeClassifier

    def cv(k):
        return StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)

    def grid(est, params, k):  # parallel over candidates x folds; the estimators stay single-threaded
        return GridSearchCV(est, params, cv=cv(k), scoring="accuracy", n_jobs=threads, refit=True,
                            error_score="raise")

    alpha = {"alpha": GRIDS["alpha"]}
    ms = [
        ("MultinomialNB (CV)", lambda: grid(MultinomialNB(), alpha, folds), folds, alpha),
        ("BernoulliNB (CV)", lambda: grid(BernoulliNB(), alpha, folds), folds, alpha),
        ("LogisticRegressionCV", lambda: LogisticRegressionCV(Cs=GRIDS["C"], cv=cv(folds), scoring="accuracy",
                                                              max_iter=5000, n_jobs=threads, random_state=seed,
                                                              l1_ratios=(0.0,), use_legacy_attributes=False),
         folds, {"C": GRIDS["C"]}),
        ("LinearSVC (CV)", lambda: grid(LinearSVC(max_iter=20000, random_state=seed), {"C": GRIDS["C"]}, folds),
         folds, {"C": GRIDS["C"]}),
    ]
    if not skip_slow:
        ms += [
            ("DecisionTree (CV)", lambda: grid(DecisionTreeClassifier(random_state=seed), GRIDS["tree"], folds),
             folds, GRIDS["tree"]),
            ("RandomForest (CV)", lambda: grid(RandomForestClassifier(n_jobs=1, random_state=seed), GRIDS["forest"],
                                               folds_slow), folds_slow, GRIDS["forest"]),
        ]
    return ms


def chosen(clf):
    """(params, best mean inner-CV accuracy) of a fitted search; ({}, None) for a plain estimator."""
    import numpy as np
    if hasattr(clf, "best_params_"):  # GridSearchCV
        return dict(clf.best_params_), float(clf.best_score_)
    if hasattr(clf, "C_") and hasattr(clf, "scores_"):  # LogisticRegressionCV: one C for every class
        scores = clf.scores_  # (folds, l1_ratios, Cs); a dict of such per class with legacy attributes
        scores = np.asarray(next(iter(scores.values())) if isinstance(scores, dict) else scores, dtype=float)
        return {"C": float(np.ravel(clf.C_)[0])}, float(scores.reshape(scores.shape[0], -1).mean(axis=0).max())
    return {}, None


def fmt_params(params):
    return ", ".join(f"{k}={v}" for k, v in sorted(params.items()))


def fmt_grid(grid):
    return "; ".join(f"{k} in {{{', '.join(str(v) for v in vs)}}}" for k, vs in sorted(grid.items()))


def fit_eval(make, Xtr, ytr, Xte, yte):
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support
    clf = make()
    t0 = time.perf_counter()
    clf.fit(Xtr, ytr)
    t1 = time.perf_counter()
    yh = clf.predict(Xte)
    t2 = time.perf_counter()
    p, r, f1, _ = precision_recall_fscore_support(yte, yh, average="macro", zero_division=0)
    params, cv_score = chosen(clf)
    return {"accuracy": float(accuracy_score(yte, yh)), "macro_precision": float(p), "macro_recall": float(r),
            "macro_f1": float(f1), "fit_s": t1 - t0, "predict_s": t2 - t1, "params": params,
            "cv_score": cv_score}


SCORES = ("accuracy", "macro_precision", "macro_recall", "macro_f1")


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
    p.add_argument("--tuned", action="store_true",
                   help="choose each method's hyper-parameters by stratified CV on the training rows (nested "
                        "inside each fold with --cv/--folds) instead of using the defaults")
    p.add_argument("--tune-folds", type=int, default=5, help="inner CV folds of --tuned (default 5)")
    p.add_argument("--tune-folds-slow", type=int, default=3,
                   help="inner CV folds of --tuned for the random forest (default 3)")
    a = p.parse_args()

    import numpy as np
    import sklearn
    from svmdata import load_svm
    ver = sklearn.__version__
    tuning = TUNED if a.tuned else DEFAULTS

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
        print(json.dumps({"method": "sklearn", "tuning": tuning, "version": ver,
                          "error": f"{type(e).__name__}: {e}", "step": "load data"}))
        sys.exit(2)

    if a.tuned:
        todo = tuned_methods(a.threads, a.seed, a.skip_slow, a.tune_folds, a.tune_folds_slow)
    else:
        todo = [(name, make, None, None) for name, make in methods(a.threads, a.seed, a.skip_slow)]
    failed = False
    for name, make, inner, grid in todo:
        rec = {"method": name, "tuning": tuning, "threads": a.threads, "version": ver}
        how = None
        if a.tuned:
            rec.update({"tune_folds": inner, "tune_seed": a.seed, "grid": grid})
            how = (f"{inner}-fold stratified CV on the training rows{' of each fold' if fold_data else ''} "
                   f"(accuracy, seed {a.seed}) over {fmt_grid(grid)}; fit s includes the search")
        try:
            if fold_data is not None:
                res = [fit_eval(make, *f) for f in fold_data]
                rows = sum(f[3].shape[0] for f in fold_data)
                rec.update({"cv": a.cv, "seed": None if a.folds else a.seed, "rows": rows,
                            "folds_from": a.folds})
                for s in SCORES:
                    v = np.array([r[s] for r in res])
                    rec.update({s: round(v.mean(), 5), s + "_std": round(v.std(ddof=1), 5)})
                fs, ps = np.array([r["fit_s"] for r in res]), np.array([r["predict_s"] for r in res])
                rec.update({"fit_s": round(fs.mean(), 4), "predict_s": round(ps.mean(), 4),
                            "accuracy_folds": [round(r["accuracy"], 5) for r in res],
                            "fit_s_folds": [round(v, 4) for v in fs],
                            "predict_s_folds": [round(v, 4) for v in ps]})
                if a.tuned:
                    rec["params_folds"] = [r["params"] for r in res]
                    rec["cv_score_folds"] = [round(r["cv_score"], 5) for r in res]
                    counts = Counter(fmt_params(r["params"]) for r in res)
                    rec["notes"] = (f"chosen per fold: {'; '.join(f'{k} ({n}x)' for k, n in counts.most_common())} "
                                    f"by {how}")
            else:
                r = fit_eval(make, Xtr, ytr, Xte, yte)
                rec.update({s: round(r[s], 5) for s in SCORES})
                rec.update({"fit_s": round(r["fit_s"], 4), "predict_s": round(r["predict_s"], 4),
                            "rows_train": Xtr.shape[0], "rows_test": Xte.shape[0]})
                if a.tuned:
                    rec.update({"params": r["params"], "cv_score": round(r["cv_score"], 5)})
                    rec["notes"] = (f"chosen {fmt_params(r['params'])} (CV accuracy {100 * r['cv_score']:.1f} %) "
                                    f"by {how}")
        except BaseException as e:  # noqa: BLE001
            traceback.print_exc(file=sys.stderr)
            rec.update({"error": f"{type(e).__name__}: {e}", "step": "fit/predict"})
            failed = True
        print(json.dumps(rec), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
