"""TsetlinClassifier() with no arguments on scikit-learn's bundled tabular data sets, against a
decision tree with its defaults and one tuned by cross-validation on the training rows.

    python/.venv/bin/python bench/tabular.py [--folds 5] [--seed 42]

Protocol: stratified k-fold cross-validation (shuffled, seeded); in each fold, every method
sees the training rows only (the Tsetlin machine's automatic settings search and the tree's
GridSearchCV both run inside the fold) and the test rows once. Prints a Markdown table of
accuracy mean ± std over folds, with fit times.
"""

import argparse
import platform
import time

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.tree import DecisionTreeClassifier

import tsetlin
from tsetlin import TsetlinClassifier

DATASETS = {"breast cancer": load_breast_cancer, "wine": load_wine, "digits": load_digits}
TREE_GRID = {"max_depth": [None, 3, 5, 10, 20], "min_samples_leaf": [1, 2, 5, 10]}


def methods(seed):
    return {
        "TsetlinClassifier() (automatic settings)": lambda: TsetlinClassifier(random_state=seed, n_jobs=2),
        "DecisionTree (defaults)": lambda: DecisionTreeClassifier(random_state=seed),
        "DecisionTree (tuned by 5-fold CV on train)": lambda: GridSearchCV(
            DecisionTreeClassifier(random_state=seed), TREE_GRID, cv=5),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    print(f"tsetlin {tsetlin.__version__}, scikit-learn {sklearn.__version__}, Python "
          f"{platform.python_version()}; stratified {a.folds}-fold CV, seed {a.seed}\n")
    print("| data set | rows x columns, classes | method | accuracy | fit s per fold |")
    print("|---|---|---|---|---|")
    for name, load in DATASETS.items():
        X, y = load(return_X_y=True)
        cv = StratifiedKFold(a.folds, shuffle=True, random_state=a.seed)
        for method, make in methods(a.seed).items():
            accs, fits = [], []
            for train, test in cv.split(X, y):
                est = make()
                t = time.perf_counter()
                est.fit(X[train], y[train])
                fits.append(time.perf_counter() - t)
                accs.append(est.score(X[test], y[test]))
            print(f"| {name} | {X.shape[0]} x {X.shape[1]}, {len(np.unique(y))} | {method} | "
                  f"{100 * np.mean(accs):.1f} % ± {100 * np.std(accs, ddof=1):.1f} | "
                  f"{np.mean(fits):.1f} |", flush=True)


if __name__ == "__main__":
    main()
