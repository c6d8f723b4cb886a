"""Readable rules from Python: the fitted model is simplified by default (no training
prediction worse), `readability` measures the rules, and `simplify` goes further on request
without breaking its promises."""

import numpy as np
import pytest

from tsetlin import TextClassifier
from tsetlin.datasets import clinical_notes

TRAIN = clinical_notes(500, 21)
TEST = clinical_notes(300, 22)
FIXED = {"auto": False, "n_clauses": 20, "T": 40, "s": 3.0, "epochs": 8, "random_state": 1, "n_jobs": 1}


@pytest.fixture(scope="module")
def raw():
    return TextClassifier(simplify=False, **FIXED).fit(*TRAIN)


def literals(clf):
    return sum(len(r["positive"]) + len(r["negated"]) for r in clf.rules())


def test_fit_simplifies_by_default_and_no_training_prediction_gets_worse(raw):
    assert raw.simplified_ is None
    simple = TextClassifier(**FIXED).fit(*TRAIN)
    report = simple.simplified_
    assert report["literals_before"] == literals(raw)
    assert report["literals_after"] == literals(simple) < literals(raw)
    assert report["changes_counted"] == 0 and report["decisions_only"]
    X, y = TRAIN
    was_right = raw.predict(X) == np.asarray(y)
    assert (simple.predict(X)[was_right] == np.asarray(y)[was_right]).all()


def test_readability_measures_the_rules(raw):
    r = raw.readability()
    rules = raw.rules()
    lens = [len(x["positive"]) + len(x["negated"]) for x in rules]
    assert r["clauses"] == len(rules)
    assert r["literals"]["max"] == max(lens)
    assert abs(r["literals"]["mean"] - sum(lens) / len(lens)) < 1e-9
    assert 0.0 <= r["short_vote_share"] <= 1.0
    covered = raw.readability(*TEST)
    assert {c["class"] for c in covered["classes"]} == set(raw.classes_)
    assert all(0.0 <= c["covered"] <= 1.0 for c in covered["classes"])
    with pytest.raises(ValueError, match="both"):
        raw.readability(TEST[0])


def test_simplify_keeps_every_clause_output_when_asked(raw):
    import copy

    clf = copy.deepcopy(raw)
    before = clf.class_sums(TRAIN[0])
    report = clf.simplify_rules(*TRAIN, preserve="outputs")
    assert report["outputs_changed"] == 0
    assert report["literals_after"] <= report["literals_before"]
    np.testing.assert_array_equal(clf.class_sums(TRAIN[0]), before)
    assert clf.simplified_ == report
    loose = copy.deepcopy(raw).simplify_rules(*TRAIN, *TEST, max_changes=5, tolerance=0.5)
    assert loose["accuracy_before"] - loose["accuracy_after"] <= 0.005 + 1e-9
    with pytest.raises(ValueError, match="preserve"):
        copy.deepcopy(raw).simplify_rules(*TRAIN, preserve="everything")
    with pytest.raises(ValueError, match="tolerance"):
        copy.deepcopy(raw).simplify_rules(*TRAIN, tolerance=-1)


def test_tsetlin_classifier_measures_and_simplifies_its_rules():
    from tsetlin import TsetlinClassifier

    rng = np.random.default_rng(5)
    X = (rng.random((400, 30)) < 0.2).astype(np.uint8)
    y = (X[:, 0] & ~X[:, 1]) | X[:, 2]
    params = {"auto": False, "n_clauses": 20, "T": 10, "s": 6.0, "epochs": 5, "random_state": 2}
    raw = TsetlinClassifier(simplify=False, **params).fit(X, y)
    r = raw.readability(X, y)
    assert r["clauses"] == len(raw.rules()) and len(r["classes"]) == 2
    assert raw.readability()["literals"]["max"] == r["literals"]["max"]
    before = raw.class_sums(X)
    report = raw.simplify_rules(X, y, preserve="outputs")
    assert report["outputs_changed"] == 0
    np.testing.assert_array_equal(raw.class_sums(X), before)
    was_right = TsetlinClassifier(simplify=False, **params).fit(X, y).predict(X) == y
    simple = TsetlinClassifier(**params).fit(X, y)
    assert (simple.predict(X)[was_right] == y[was_right]).all()
    with pytest.raises(ValueError, match="both"):
        raw.simplify_rules(X, y, X_check=X)
