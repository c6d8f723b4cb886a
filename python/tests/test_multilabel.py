"""Multi-label targets the scikit-learn way: label lists or a 0/1 indicator matrix in, the same
form out, ``classes_`` as ``MultiLabelBinarizer`` has them, and ``cross_validate`` with
multi-label scorers."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.model_selection import KFold, cross_validate
from sklearn.preprocessing import MultiLabelBinarizer

from tsetlin import TextClassifier, TsetlinClassifier
from tsetlin.datasets import clinical_notes_multi_label

TRAIN = clinical_notes_multi_label(800, 3)
TEST = clinical_notes_multi_label(300, 4)


def make(**kw):
    kw = {
        "n_clauses": 20, "T": 40, "s": 3.0, "weighted": True, "epochs": 15, "random_state": 1,
        "ngram_max": 1, "max_features": 0, "min_df": 1, **kw,
    }
    return TextClassifier(**kw)


@pytest.fixture(scope="module")
def from_lists():
    return make().fit(*TRAIN)


def test_the_corpus_is_multi_label():
    texts, sets = TRAIN
    assert len(texts) == len(sets) == 800
    assert sum(len(s) >= 2 for s in sets) > 150 and sum(len(s) == 0 for s in sets) > 80
    assert clinical_notes_multi_label(800, 3) == TRAIN


def test_label_lists_in_label_tuples_out(from_lists):
    clf = from_lists
    mlb = MultiLabelBinarizer().fit(TRAIN[1])
    assert list(clf.classes_) == list(mlb.classes_) == ["allergy", "cardiac", "infection"]
    predicted = clf.predict(TEST[0])
    assert isinstance(predicted, list) and all(isinstance(p, tuple) for p in predicted)
    truth = mlb.transform(TEST[1])
    got = mlb.transform(predicted)
    assert (got == truth).all(axis=1).mean() > 0.85
    assert clf.score(*TEST) == pytest.approx((got == truth).all(axis=1).mean())
    # decision_function is each label's sum minus its threshold: above 0 is predicted.
    margin = clf.decision_function(TEST[0])
    assert margin.shape == (300, 3)
    assert ((margin > 0).astype(int) == got).all()
    assert set(clf.thresholds_) == {"allergy", "cardiac", "infection"}


def test_each_planted_rule_is_among_its_labels_heaviest(from_lists):
    rules = sorted((r for r in from_lists.rules() if r["polarity"] > 0), key=lambda r: -r["weight"])
    planted = {
        "allergy": {"rash", "reaction", "penicillin"},
        "cardiac": {"chest", "troponin"},
        "infection": {"fever", "culture"},
    }
    for label, words in planted.items():
        top = [set(r["positive_names"]) for r in rules if r["class"] == label][:3]
        assert any(words <= t for t in top), (label, top)


def test_explain_gives_the_label_set(from_lists):
    texts, sets = TEST
    i = next(k for k, s in enumerate(sets) if len(s) >= 2)
    e = from_lists.explain(texts[i])
    assert set(e["predicted"]) == set(sets[i])
    sums = {c: 0 for c in from_lists.classes_}
    for f in e["fired"]:
        sums[f["class"]] += f["vote"]
    assert sums == e["class_sums"]


def test_indicator_matrix_in_and_out_and_a_never_carried_column():
    texts, sets = TRAIN
    y = MultiLabelBinarizer(classes=["allergy", "cardiac", "infection"]).fit_transform(sets)
    y = np.hstack([y, np.zeros((len(y), 1), dtype=int)])  # a label no training text carries
    clf = make().fit(texts, y)
    assert list(clf.classes_) == [0, 1, 2, 3]
    p = clf.predict(TEST[0])
    assert isinstance(p, np.ndarray) and p.shape == (300, 4)
    assert not p[:, 3].any()
    # A sparse indicator trains the same model.
    again = make().fit(texts, sp.csr_matrix(y))
    assert (again.predict(TEST[0]) == p).all()
    # The model survives pickling with its thresholds.
    back = pickle.loads(pickle.dumps(clf))
    assert (back.predict(TEST[0]) == p).all()


def test_cross_validate_with_multi_label_scorers():
    texts, sets = TRAIN
    y = MultiLabelBinarizer().fit_transform(sets)
    scores = cross_validate(
        make(epochs=10), np.array(texts, dtype=object), y,
        cv=KFold(3), scoring=["f1_micro", "f1_macro", "accuracy"],
    )
    assert scores["test_f1_micro"].min() > 0.9, scores
    assert scores["test_f1_macro"].min() > 0.85, scores


def test_saved_model_reads_back_as_label_sets(from_lists, tmp_path):
    path = tmp_path / "m.tsetlin"
    from_lists.save(path)
    back = TextClassifier.load(path)
    assert list(back.classes_) == ["allergy", "cardiac", "infection"]
    assert back.predict(TEST[0]) == from_lists.predict(TEST[0])


def test_bad_targets_are_refused(from_lists):
    texts = TRAIN[0][:4]
    with pytest.raises(ValueError, match="indicator matrix holds 0 and 1 only"):
        make().fit(texts, np.array([[0, 2], [1, 0], [0, 1], [1, 1]]))
    with pytest.raises(ValueError, match=r"y\[1\] is 'cardiac'"):
        make().fit(texts, [["allergy"], "cardiac", [], []])
    with pytest.raises(ValueError, match="empty label"):
        make().fit(texts, [["allergy"], [""], [], ["cardiac"]])
    with pytest.raises(ValueError, match="4 texts but 3 label rows"):
        make().fit(texts, [["allergy"], [], ["cardiac"]])
    with pytest.raises(ValueError, match="partial_fit takes single-label"):
        make().partial_fit(texts, [["allergy"], [], ["cardiac"], []])
    with pytest.raises(ValueError, match="single-label data so far"):
        from_lists.readability(TEST[0], TEST[1])


def planted_matrix(n, seed):
    """0/1 features with two planted labels: 0 is x1 AND x2, 1 is x7 AND NOT x8."""
    rng = np.random.RandomState(seed)
    X = (rng.rand(n, 30) < 0.3).astype(np.uint8)
    X[:, [1, 2, 7, 8]] = (rng.rand(n, 4) < 0.5).astype(np.uint8)
    Y = np.stack([(X[:, 1] & X[:, 2]), (X[:, 7] & (1 - X[:, 8]))], axis=1).astype(int)
    return X, Y


def test_tsetlin_classifier_on_an_indicator_matrix():
    from tsetlin import TsetlinClassifier

    X, Y = planted_matrix(800, 0)
    Xt, Yt = planted_matrix(300, 1)
    clf = TsetlinClassifier(n_clauses=20, T=20, s=3.0, weighted=True, epochs=20, random_state=0).fit(X, Y)
    assert list(clf.classes_) == [0, 1]
    p = clf.predict(Xt)
    assert p.shape == (300, 2) and set(np.unique(p)) <= {0, 1}
    assert (p == Yt).all(axis=1).mean() > 0.9
    assert clf.score(Xt, Yt) == pytest.approx((p == Yt).all(axis=1).mean())
    assert ((clf.decision_function(Xt) > 0).astype(int) == p).all()
    assert "last 160 of 800" in clf.thresholds_chosen_on_
    e = clf.explain(Xt[0])
    assert set(e["predicted"]) == set(np.flatnonzero(p[0]))
    # Label lists in, label tuples out; the same seed trains the same machine.
    lists = [[["a", "b"][j] for j in np.flatnonzero(row)] for row in Y]
    by_name = TsetlinClassifier(n_clauses=20, T=20, s=3.0, weighted=True, epochs=20, random_state=0).fit(X, lists)
    assert list(by_name.classes_) == ["a", "b"]
    assert by_name.machine_bytes() == clf.machine_bytes()
    assert by_name.predict(Xt[:3]) == [tuple(["a", "b"][j] for j in np.flatnonzero(r)) for r in p[:3]]
    scores = cross_validate(
        TsetlinClassifier(n_clauses=20, T=20, s=3.0, weighted=True, epochs=10, random_state=0), X, Y,
        cv=KFold(3), scoring=["f1_micro", "f1_macro"],
    )
    assert scores["test_f1_micro"].min() > 0.85, scores


def test_the_settings_search_covers_multi_label_targets():
    texts, sets = TRAIN
    clf = TextClassifier(ngram_max=1, max_features=0, min_df=1, budget=10.0, max_epochs=4,
                         random_state=1).fit(texts[:300], sets[:300])
    assert len(clf.search_log_) >= 3
    # Multi-label candidates are scored by validation micro-F1.
    assert all(0.0 <= row["validation_accuracy"] <= 1.0 for row in clf.search_log_
               if row["validation_accuracy"] is not None)
    chosen = clf.search_log["chosen"]
    assert clf.best_params_["n_clauses"] == chosen["clauses"]
    assert all(isinstance(p, tuple) for p in clf.predict(TEST[0][:5]))


def test_the_estimator_on_rows_searches_multi_label_settings_too():
    rng = np.random.default_rng(0)
    X = (rng.random((400, 30)) < 0.2).astype(np.int8)
    Y = np.stack([X[:, 0] & X[:, 1], X[:, 2] & (1 - X[:, 3])], axis=1)
    clf = TsetlinClassifier(budget=10.0, max_epochs=4, random_state=0).fit(X, Y)
    assert len(clf.search_log_) >= 3
    assert clf.predict(X).shape == Y.shape
