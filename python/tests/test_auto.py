"""Automatic settings from Python: the same search as `tsetlin train`, pins kept, no search
with auto=False, and scikit-learn's own GridSearchCV still composes."""

import json
import pickle

import pytest
from sklearn.model_selection import GridSearchCV

from tsetlin import TextClassifier
from tsetlin.datasets import clinical_notes

TRAIN = clinical_notes(400, 11)
TEST = clinical_notes(300, 12)
QUICK = {"budget": 20.0, "max_epochs": 6, "random_state": 3, "n_jobs": 1}


@pytest.fixture(scope="module")
def auto():
    return TextClassifier(**QUICK).fit(*TRAIN)


def test_default_estimator_chooses_settings_on_training_data(auto):
    assert auto.score(*TEST) > 0.8
    log = auto.search_log_
    assert len(log) >= 3
    assert sum(r["chosen"] for r in log) == 1
    chosen = next(r for r in log if r["chosen"])
    best_score = max(r["validation_accuracy"] or 0 for r in log)
    # Within the length tolerance (half a point) of the best, with rules no longer than its.
    assert chosen["validation_accuracy"] >= best_score - 0.005 - 1e-12
    top = log[0]
    if top["trial"] != chosen["trial"]:
        assert chosen["literals_per_clause"] <= top["literals_per_clause"]
    best = auto.best_params_
    for key in ("n_clauses", "T", "s", "weighted", "epochs", "ngram_max", "max_features"):
        assert key in best
    assert best["epochs"] == chosen["best_epoch"]
    assert "cross-validation" in auto.search_log["validation"]
    assert "file order" in auto.search_log["validation"]


def test_length_tolerance_zero_chooses_by_accuracy_alone():
    clf = TextClassifier(length_tolerance=0.0, **QUICK).fit(*TRAIN)
    log = clf.search_log_
    chosen = next(r for r in log if r["chosen"])
    assert chosen["validation_accuracy"] == max(r["validation_accuracy"] or 0 for r in log)
    assert all(r["literals_per_clause"] is not None for r in log if r["epochs_trained"])
    assert "most_accurate_trial" not in clf.search_log


def test_validation_split_shuffled_is_a_random_sample():
    clf = TextClassifier(validation_split="shuffled", **QUICK).fit(*TRAIN)
    assert "(shuffled)" in clf.search_log["validation"]


def test_same_seed_same_choice_and_the_log_survives_pickling(auto):
    again = TextClassifier(**QUICK).fit(*TRAIN)
    assert again.best_params_ == auto.best_params_
    back = pickle.loads(pickle.dumps(auto))
    assert back.best_params_ == auto.best_params_
    assert back.search_log_ == auto.search_log_


def test_given_settings_are_kept():
    clf = TextClassifier(n_clauses=10, T=7, weighted=False, **QUICK).fit(*TRAIN)
    best = clf.best_params_
    assert (best["n_clauses"], best["T"], best["weighted"]) == (10, 7.0, False)
    assert all(r["params"]["n_clauses"] == 10 for r in clf.search_log_)


def test_no_auto_derives_defaults_from_the_data():
    clf = TextClassifier(auto=False, epochs=3, random_state=0).fit(*TRAIN)
    assert clf.search_log_ == []
    assert clf.best_params_["n_clauses"] == 100  # a small corpus gets the smallest bank
    assert clf.best_params_["weighted"] is True
    assert len(clf.history_) == 3


def test_bad_settings_are_refused_by_name():
    with pytest.raises(ValueError, match="n_clauses"):
        TextClassifier(n_clauses=7, **QUICK).fit(*TRAIN)
    with pytest.raises(ValueError, match="budget"):
        TextClassifier(budget=-1.0).fit(*TRAIN)
    with pytest.raises(ValueError, match="weighted"):
        TextClassifier(weighted="yes", **QUICK).fit(*TRAIN)
    with pytest.raises(ValueError, match="validation_split"):
        TextClassifier(validation_split="random", **QUICK).fit(*TRAIN)
    with pytest.raises(ValueError, match="length_tolerance"):
        TextClassifier(length_tolerance=5, **QUICK).fit(*TRAIN)
    with pytest.raises(ValueError, match="time_limit"):
        TextClassifier(time_limit="no", **QUICK).fit(*TRAIN)


def test_without_a_time_limit_the_planned_search_runs_to_its_end():
    """A budget far below the search's real time: the wall clock would cut it; with
    time_limit=False every rung runs (the plan, sized for the budget, still keeps it small)."""
    clf = TextClassifier(budget=0.5, time_limit=False, max_epochs=3, random_state=3)
    log = clf.fit(*TRAIN).search_log
    assert log["cut"] is None
    assert max(t["rung"] for t in log["trials"]) == len(log["rungs"]) - 1


def test_grid_search_cv_composes():
    base = TextClassifier(auto=False, epochs=3, n_clauses=20, random_state=0, n_jobs=1)
    grid = GridSearchCV(base, {"s": [2.0, 5.0]}, cv=2).fit(*TRAIN)
    assert grid.best_params_["s"] in (2.0, 5.0)
    assert grid.score(*TEST) > 0.5


def test_tsetlin_classifier_defaults_booleanise_and_search():
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    from tsetlin import TsetlinClassifier

    X, y = load_breast_cancer(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    clf = TsetlinClassifier(budget=20.0, max_epochs=6, random_state=0).fit(Xtr, ytr)
    assert clf.score(Xte, yte) > 0.85
    assert len(clf.search_log_) >= 3
    assert {"n_clauses", "T", "s", "weighted", "epochs"} <= set(clf.best_params_)
    assert "ngram_max" not in clf.best_params_
    again = pickle.loads(pickle.dumps(clf))
    assert again.best_params_ == clf.best_params_
    assert (again.predict(Xte) == clf.predict(Xte)).all()


def test_a_search_run_a_rung_at_a_time_through_a_pickled_plan_equals_fit():
    """What a Ray Tune trial does, by hand: the plan crosses as a pickle, each rung of each
    candidate trains from the previous rung's outcome and checkpoint bytes, the survivors and
    the log come from the plan; the log and the final model are fit's."""
    texts, labels = clinical_notes(200, 11)
    settings = {"budget": 300.0, "time_limit": False, "max_epochs": 4, "random_state": 3}
    local = TextClassifier(**settings).fit(texts, labels)
    seen = {}

    def by_hand(plan):
        plan = pickle.loads(pickle.dumps(plan))
        n = plan.n_candidates
        outcomes, states = [None] * n, [None] * n
        alive = list(range(plan.starters))
        for rung in range(len(plan.rungs)):
            for c in alive:
                assert plan.first_rung(c) <= rung
                outcomes[c], states[c], _ = plan.advance(c, rung, outcomes[c], states[c])
            alive = plan.survivors(alive, outcomes, rung)
        seen["plan"], seen["outcomes"], seen["states"] = plan, outcomes, states
        return plan.conclude(outcomes)

    by_parts = TextClassifier(**settings)._fit_searched(texts, labels, by_hand)
    assert by_parts.search_log == local.search_log
    assert by_parts.model_.to_bytes() == local.model_.to_bytes()

    plan, outcomes, states = seen["plan"], seen["outcomes"], seen["states"]
    # No clause-drop twins by default (the library option is off): every candidate starts.
    assert plan.starters == plan.n_candidates
    assert all(plan.first_rung(c) == 0 for c in range(plan.n_candidates))
    with pytest.raises(ValueError, match="search checkpoint"):
        plan.advance(0, 1, outcomes[0], states[0][:-1] + bytes([states[0][-1] ^ 1]))
    with pytest.raises(ValueError, match="come together"):
        plan.advance(0, 1, outcomes[0], None)
    with pytest.raises(ValueError, match="outcomes for"):
        plan.conclude(outcomes[:-1])
    with pytest.raises(ValueError, match="cut"):
        plan.conclude(outcomes, "lunch")
    assert "interrupted" in json.loads(plan.conclude(outcomes, "interrupted"))["cut"]
    data = plan.to_bytes()
    with pytest.raises(ValueError, match="search plan"):
        type(plan).from_bytes(data[:-1] + bytes([data[-1] ^ 1]), "{}", 3)
