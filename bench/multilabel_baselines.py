#!/usr/bin/env python3
"""One-vs-rest scikit-learn baselines on multi-label svmlight files (`tsetlin export-features`
on multi-label data writes them: `1,4,7 f:1 ...`), so that they see the very features the
Tsetlin machine trains on.

  bench/.venv/bin/python bench/multilabel_baselines.py --train DIR/train.svm --test DIR/test.svm \
      --labels DIR/labels.txt --threads 2 [--tuned]

Methods: OneVsRestClassifier over LinearSVC, LogisticRegression (each predicting a label where
its decision value is above 0, scikit-learn's own rule), MultinomialNB and BernoulliNB (a label
where its probability is above 1/2). Without --tuned: scikit-learn's defaults (C = 1, alpha =
1; LogisticRegression max_iter raised to 1000 so that it converges). With --tuned: C (or alpha
for the naive Bayes) chosen from GRID[C or alpha] by K-fold cross-validation (shuffled, seed --seed) on
the TRAINING rows only, scored by micro-F1, then refit on all of them; the test rows are
scored once. Prints one JSON line per method: method, tuning, params, cv_micro_f1, micro_f1,
macro_f1, example_f1, subset_accuracy, hamming_loss, micro/macro precision and recall, fit_s,
predict_s, threads, version. A method that fails prints a line with "error" and the script
exits 1 at the end.
"""
import argparse
import json
import sys
import time
import traceback

GRID = {
    "C": [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0],
    # Naive Bayes smoothing: the first OHSUMED run chose 0.01, the edge of the C grid, so the
    # alpha grid reaches three steps lower.
    "alpha": [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0],
}


def n_features_of(path):
    """The feature count from the `# n_features=N` header tsetlin writes."""
    opener = open
    if path.endswith(".gz"):
        import gzip

        opener = gzip.open
    with opener(path, "rt") as f:
        first = f.readline()
    for tok in first.lstrip("#").split():
        if tok.startswith("n_features="):
            return int(tok.split("=", 1)[1])
    raise SystemExit(f"{path}:1: no '# n_features=N' header (write it with tsetlin export-features)")


def load(path, n_features, n_labels):
    from sklearn.datasets import load_svmlight_file
    from sklearn.preprocessing import MultiLabelBinarizer

    import numpy as np

    x, y = load_svmlight_file(path, n_features=n_features, multilabel=True, zero_based=True)
    # LinearSVC (liblinear) takes 32-bit sparse indices only; the loader may give 64-bit ones.
    x.indices = x.indices.astype(np.int32)
    x.indptr = x.indptr.astype(np.int32)
    y = [tuple(int(v) for v in row) for row in y]
    return x, MultiLabelBinarizer(classes=list(range(n_labels))).fit_transform(y)


def scores(y, p):
    from sklearn.metrics import f1_score, hamming_loss, precision_score, recall_score

    import numpy as np

    inter = (y & p).sum(axis=1)
    denom = y.sum(axis=1) + p.sum(axis=1)
    example = np.where(denom == 0, 1.0, 2.0 * inter / np.maximum(denom, 1))
    z = {"zero_division": 0}
    return {
        "micro_f1": f1_score(y, p, average="micro", **z),
        "macro_f1": f1_score(y, p, average="macro", **z),
        "micro_precision": precision_score(y, p, average="micro", **z),
        "micro_recall": recall_score(y, p, average="micro", **z),
        "macro_precision": precision_score(y, p, average="macro", **z),
        "macro_recall": recall_score(y, p, average="macro", **z),
        "example_f1": float(example.mean()),
        "subset_accuracy": float((y == p).all(axis=1).mean()),
        "hamming_loss": hamming_loss(y, p),
    }


# The hyper-parameter each method tunes.
PARAM = {
    "ovr_linear_svc": "C",
    "ovr_logistic_regression": "C",
    "ovr_multinomial_nb": "alpha",
    "ovr_bernoulli_nb": "alpha",
}


def make(method, value, threads):
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.naive_bayes import BernoulliNB, MultinomialNB
    from sklearn.svm import LinearSVC

    if method == "ovr_linear_svc":
        base = LinearSVC(C=value)
    elif method == "ovr_logistic_regression":
        base = LogisticRegression(C=value, max_iter=1000)
    elif method == "ovr_multinomial_nb":
        base = MultinomialNB(alpha=value)
    elif method == "ovr_bernoulli_nb":
        base = BernoulliNB(alpha=value)
    else:
        raise ValueError(f"unknown method {method!r}: one of {sorted(PARAM)}")
    return OneVsRestClassifier(base, n_jobs=threads)


def run(method, args, x, y, xt, yt):
    import sklearn
    from sklearn.model_selection import GridSearchCV, KFold

    started = time.perf_counter()
    name = PARAM.get(method, "C")
    params, cv = {name: 1.0}, None
    if args.tuned:
        search = GridSearchCV(
            make(method, 1.0, 1),
            {f"estimator__{name}": GRID[name]},
            scoring="f1_micro",
            cv=KFold(args.folds, shuffle=True, random_state=args.seed),
            n_jobs=args.threads,
        )
        search.fit(x, y)
        params = {name: search.best_params_[f"estimator__{name}"]}
        cv = search.best_score_
    model = make(method, params[name], args.threads).fit(x, y)
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    p = model.predict(xt)
    predict_s = time.perf_counter() - started
    out = {
        "method": method,
        "tuning": f"{name} by {args.folds}-fold CV on train (micro-F1)" if args.tuned else "defaults",
        "params": params,
        "cv_micro_f1": cv,
        **scores(yt, p),
        "fit_s": fit_s,
        "predict_s": predict_s,
        "threads": args.threads,
        "version": sklearn.__version__,
    }
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--labels", required=True, help="labels.txt: one label name per line, by id")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--tuned", action="store_true")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--methods", default="ovr_linear_svc,ovr_logistic_regression")
    args = ap.parse_args()
    with open(args.labels) as f:
        n_labels = sum(1 for line in f if line.strip())
    n_features = n_features_of(args.train)
    x, y = load(args.train, n_features, n_labels)
    xt, yt = load(args.test, n_features, n_labels)
    failed = False
    for method in args.methods.split(","):
        try:
            print(json.dumps(run(method, args, x, y, xt, yt)), flush=True)
        except Exception as e:  # a failing method is reported, not dropped
            traceback.print_exc()
            print(json.dumps({"method": method, "error": repr(e)}), flush=True)
            failed = True
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
