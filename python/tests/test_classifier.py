"""TsetlinClassifier on binary arrays and sparse matrices."""

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import cross_val_score

from tsetlin import TsetlinClassifier


def make(**kw):
    kw = {
        "n_clauses": 20, "T": 10, "s": 3.0, "epochs": 20, "random_state": 1, "auto": False,
        "binarize": None, "weighted": False, "boost_true_positive": False, **kw,
    }
    return TsetlinClassifier(**kw)


def test_learns_a_planted_rule(planted):
    X, y = planted
    clf = make().fit(X[:400], y[:400])
    assert clf.score(X[400:], y[400:]) > 0.95
    assert clf.n_features_in_ == 40 and clf.n_iter_ == 20
    assert list(clf.classes_) == [0, 1]


def test_dense_and_sparse_agree_and_sparse_is_not_densified(planted, monkeypatch):
    X, y = planted
    dense = make().fit(X, y)

    def refuse(*a, **k):
        raise AssertionError("sparse input was densified")

    for cls in (sp.csr_matrix, sp.csr_array, sp.csc_matrix):
        monkeypatch.setattr(cls, "toarray", refuse)
        monkeypatch.setattr(cls, "todense", refuse)
    Xs = sp.csr_matrix(X)
    sparse = make().fit(Xs, y)
    np.testing.assert_array_equal(dense.class_sums(X), sparse.class_sums(Xs))
    np.testing.assert_array_equal(sparse.predict(sp.csr_array(X)), dense.predict(X))
    np.testing.assert_array_equal(sparse.predict(Xs.tocsc()), dense.predict(X))


def test_sparse_explicit_zeros_and_unsorted_indices(planted):
    X, y = planted
    clf = make().fit(X, y)
    Xs = sp.csr_matrix(X)
    Xs.data[::7] = 0  # explicit zeros are absent features
    expected = Xs.toarray()
    # reverse the indices within each row: the engine sorts them
    for r in range(Xs.shape[0]):
        a, b = Xs.indptr[r], Xs.indptr[r + 1]
        Xs.indices[a:b] = Xs.indices[a:b][::-1]
        Xs.data[a:b] = Xs.data[a:b][::-1]
    Xs.has_sorted_indices = False
    np.testing.assert_array_equal(clf.class_sums(Xs), clf.class_sums(expected))


@pytest.mark.parametrize("sparse", [False, True])
def test_non_binary_input_is_refused(planted, sparse):
    X, y = planted
    Xf = X.astype(float)
    Xf[3, 4] = 0.5
    Xf = sp.csr_matrix(Xf) if sparse else Xf
    with pytest.raises(ValueError, match="binary input"):
        make().fit(Xf, y)
    clf = make().fit(X, y)
    with pytest.raises(ValueError, match="binary input"):
        clf.predict(Xf)


def test_binarize_threshold_and_quantile():
    rng = np.random.RandomState(0)
    X = rng.randn(500, 3)
    y = (X[:, 0] > 0.3).astype(int)
    clf = make(binarize=0.3).fit(X, y)
    assert clf.score(X, y) > 0.95
    assert clf.score(sp.csr_matrix(np.abs(X)), y) >= 0  # sparse input with t >= 0 works
    with pytest.raises(ValueError, match="implicit zero"):
        make(binarize=-1.0).fit(sp.csr_matrix(X), y)
    y2 = ((X[:, 1] > -0.5) & (X[:, 1] < 0.7)).astype(int)
    q = make(binarize="quantile", n_bins=10, n_clauses=40, T=20, epochs=30).fit(X, y2)
    assert q.score(X, y2) > 0.9
    names = [n for r in q.rules() for n in r["positive_names"] + r["negated_names"]]
    assert any(n.startswith("x1 > ") for n in names)
    with pytest.raises(ValueError, match="binarize"):
        make(binarize="median").fit(X, y)


def test_any_label_type_and_multiclass(planted):
    X, y = planted
    y3 = np.where(X[:, 2] == 1, "c", np.where(y == 1, "b", "a"))
    clf = make(n_clauses=40, T=20).fit(X, y3)
    assert list(clf.classes_) == ["a", "b", "c"]
    assert clf.decision_function(X).shape == (600, 3)
    assert clf.score(X, y3) > 0.9
    yo = np.where(y == 1, "yes", "no").astype(object)
    clf = make().fit(X, yo)
    assert set(clf.predict(X)) <= {"yes", "no"}
    margin = clf.decision_function(X)
    assert margin.shape == (600,)
    np.testing.assert_array_equal(np.where(margin > 0, "yes", "no"), clf.predict(X))


def test_dataframe_feature_names_and_rules_frame(planted):
    X, y = planted
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(40)])
    clf = make().fit(df, y)
    assert list(clf.feature_names_in_) == list(df.columns)
    rules = clf.rules(as_frame=True)
    assert isinstance(rules, pd.DataFrame) and len(rules) > 0
    assert {"class", "clause", "polarity", "weight", "positive", "negated", "text"} <= set(rules)
    first = clf.rules()[0]
    assert isinstance(first, dict) and isinstance(first["positive"], list)
    # The planted rule's literals show up for class 1.
    lit = {n for r in clf.rules() if r["class"] == 1 and r["polarity"] > 0 for n in r["positive_names"]}
    assert "f0" in lit


def test_explain_adds_up(planted):
    X, y = planted
    clf = make().fit(X, y)
    e = clf.explain(X[5])
    sums = {c: 0 for c in clf.classes_.tolist()}
    for f in e["fired"]:
        sums[f["class"]] += f["vote"]
    assert sums == e["class_sums"]
    assert e["predicted"] == clf.predict(X[5:6])[0]
    assert clf.explain(sp.csr_matrix(X[5:6])) == e
    with pytest.raises(ValueError, match="one sample"):
        clf.explain(X[:2])


def test_partial_fit(planted):
    X, y = planted
    clf = make()
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    for _ in range(15):
        for a in range(0, 600, 100):
            clf.partial_fit(X[a : a + 100], y[a : a + 100], classes=[0, 1])
    assert clf.score(X, y) > 0.9 and clf.n_iter_ == 90
    with pytest.raises(ValueError, match="features"):
        clf.partial_fit(X[:, :-1], y)
    with pytest.raises(ValueError, match="not one of the classes"):
        clf.partial_fit(X[:3], [0, 1, 7])
    with pytest.raises(ValueError, match="differs"):
        clf.partial_fit(X[:3], y[:3], classes=[0, 1, 2])


def test_params_clone_and_determinism(planted):
    X, y = planted
    clf = make(weighted=True, literal_budget=5, clause_drop=0.1, focused_negative_sampling=True,
               boost_true_positive=True, state_bits=10)
    params = clf.get_params()
    assert params["T"] == 10 and params["s"] == 3.0 and params["literal_budget"] == 5
    assert clone(clf).get_params() == params
    a = clone(clf).set_params(n_jobs=1).fit(X, y).class_sums(X)
    b = clone(clf).set_params(n_jobs=2).fit(X, y).class_sums(X)
    np.testing.assert_array_equal(a, b)  # threads never change the model
    c = clone(clf).set_params(random_state=2).fit(X, y).class_sums(X)
    assert not np.array_equal(a, c)
    assert cross_val_score(make(), X, y, cv=3).mean() > 0.9


@pytest.mark.parametrize(
    "param,value,match",
    [
        ("n_clauses", 7, "n_clauses"),
        ("n_clauses", 0, "n_clauses"),
        ("T", -1.0, "threshold"),
        ("s", 0.5, "specificity"),
        ("state_bits", 99, "state_bits"),
        ("clause_drop", 1.0, "clause_drop"),
        ("literal_budget", 0, "literal_budget"),
        ("epochs", -1, "epochs"),
        ("n_jobs", 0, "n_jobs"),
        ("random_state", -5, "random_state"),
        ("weighted", "yes", "weighted"),
        ("n_clauses", -2, "n_clauses"),
        ("n_clauses", 2.5, "n_clauses"),
    ],
)
def test_bad_parameters_are_value_errors(planted, param, value, match):
    X, y = planted
    with pytest.raises(ValueError, match=match):
        make(**{param: value}).fit(X, y)


def test_errors(planted, tmp_path):
    X, y = planted
    with pytest.raises(NotFittedError):
        make().predict(X)
    with pytest.raises(NotFittedError):
        make().rules()
    with pytest.raises(ValueError, match="one class"):
        make().fit(X, np.zeros(600))
    clf = make().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :10])
    with pytest.raises(FileNotFoundError):
        TsetlinClassifier.load(tmp_path / "missing.pkl")


def test_pickle_and_save_load(planted, tmp_path):
    X, y = planted
    clf = make(binarize="quantile").fit(X.astype(float) * 3.0, y)
    back = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(back.class_sums(X * 3.0), clf.class_sums(X * 3.0))
    assert back.get_params() == clf.get_params()
    clf.save(tmp_path / "m.pkl")
    again = TsetlinClassifier.load(tmp_path / "m.pkl")
    np.testing.assert_array_equal(again.predict(X * 3.0), clf.predict(X * 3.0))
    assert clf.machine_bytes()[:8] == b"TSETLINM"
    back.partial_fit(X[:50] * 3.0, y[:50])  # a restored model trains on


def test_every_engine_parameter_is_offered_with_the_engines_range(planted):
    """The estimators offer each hyper-parameter the engine declares (a parameter added to
    the engine and not here fails this test), and a value is refused exactly when the engine
    refuses it: the estimators forward values, they do not hold ranges of their own."""
    from tsetlin import TextClassifier

    X, y = planted
    engine = set(make(epochs=1).fit(X, y)._machine.params())
    spelled = {"n_clauses": "n_clauses", "threshold": "T", "specificity": "s"}
    for name in engine - {"n_classes", "n_features", "seed"}:
        for est in (TsetlinClassifier(), TextClassifier()):
            assert spelled.get(name, name) in est.get_params(), (type(est).__name__, name)
    # The engine's own boundaries, through the estimator.
    for bits, ok in [(1, False), (2, True), (16, True), (17, False)]:
        if ok:
            make(state_bits=bits, epochs=1).fit(X, y)
        else:
            with pytest.raises(ValueError, match="state_bits"):
                make(state_bits=bits, epochs=1).fit(X, y)


def test_the_bare_machine_reads_parameters_by_the_engines_names():
    """``_tsetlin.Machine`` takes a dict read by the engine's own builder: its names, its
    defaults, its ranges; an unknown name is a ValueError listing the valid ones."""
    from tsetlin import _tsetlin

    m = _tsetlin.Machine(3, 10, {"n_clauses": 8, "threshold": None, "state_bits": 6})
    p = m.params()
    assert (p["n_classes"], p["n_features"], p["n_clauses"], p["state_bits"]) == (3, 10, 8, 6)
    assert p["threshold"] == pytest.approx(6.4)
    with pytest.raises(ValueError, match="unknown field `clauses`.*n_clauses"):
        _tsetlin.Machine(3, 10, {"clauses": 8})
    with pytest.raises(ValueError, match="state_bits"):
        _tsetlin.Machine(3, 10, {"state_bits": 1})


def test_save_is_atomic_and_a_failed_save_keeps_the_old_file(planted, tmp_path):
    X, y = planted
    clf = make(epochs=1).fit(X, y)
    path = tmp_path / "m.pkl"
    clf.save(path)
    before = path.read_bytes()
    clf.unpicklable = lambda: None  # a lambda cannot be pickled
    with pytest.raises(Exception):
        clf.save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pkl"], "no temporary file left"


def test_absurd_sizes_are_value_errors_not_aborts(planted, monkeypatch):
    X, y = planted
    monkeypatch.setenv("TSETLIN_MAX_MEMORY", "1G")
    with pytest.raises(ValueError, match="would need"):
        make(n_clauses=10**12, auto=False, epochs=1).fit(X, y)
    wide = sp.csr_matrix(([1], ([0], [2**31 - 2])), shape=(1, 2**31 - 1))
    with pytest.raises(ValueError):
        make(auto=False, epochs=1).fit(sp.vstack([wide, wide]), [0, 1])


def test_too_many_threads_are_capped_with_a_warning(planted):
    X, y = planted
    with pytest.warns(RuntimeWarning, match="per core"):
        make(n_jobs=10**6, epochs=1, auto=False).fit(X, y)


def test_crafted_machine_bytes_are_value_errors(planted):
    import zlib

    from tsetlin import _tsetlin

    X, y = planted
    clf = make(epochs=1).fit(X, y)
    p = clf._machine.params()
    data = bytearray(clf.machine_bytes())
    header_len = int.from_bytes(data[16:20], "little")
    words = (p["n_features"] + 63) // 64
    first_weight = 20 + header_len + p["n_clauses"] * p["state_bits"] * 2 * words * 8
    data[first_weight : first_weight + 4] = (5).to_bytes(4, "little")  # unweighted: must be 1
    data[12:16] = zlib.crc32(bytes(data[16:])).to_bytes(4, "little")  # a valid checksum
    with pytest.raises(ValueError, match="clause weight of 5"):
        _tsetlin.Machine.from_bytes(bytes(data))
