"""The batch scorer behind tsetlin.spark and tsetlin.ray, without either engine: predictions
equal the estimator's, null texts stay null, and metrics added up over any split into
batches equal scikit-learn's on the whole."""

import json
import re

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.preprocessing import MultiLabelBinarizer

from tsetlin import _scoring


def _model(path):
    return _scoring.cached_model(_scoring.ModelPayload.read(path).digest, b"")


def test_payload_reads_once_and_names_a_damaged_file(scoring_models):
    path, est, _, _ = scoring_models["single"]
    payload = _scoring.ModelPayload.read(path)
    assert payload.classes == tuple(est.model_.classes) and not payload.multi_label
    # Decoded on the driver: a worker of this process takes it from the cache, bytes unused.
    assert _scoring.cached_model(payload.digest, lambda: pytest.fail("decoded twice")) is not None
    with pytest.raises(ValueError, match="damaged.tsetlin"):
        _scoring.ModelPayload.read(scoring_models["damaged"])
    with pytest.raises(FileNotFoundError, match="missing.tsetlin"):
        _scoring.ModelPayload.read(scoring_models["folder"] / "missing.tsetlin")


def test_scores_equal_the_estimator_and_null_texts_stay_null(scoring_models):
    path, est, texts, _ = scoring_models["single"]
    model = _model(path)
    batch = texts[:50] + [None, float("nan")]
    labels, sums = _scoring.score_texts(model, batch, threads=2)
    assert labels[:50] == est.predict(texts[:50]).tolist()
    assert np.array_equal(np.array(sums[:50]), est.class_sums(texts[:50]))
    assert labels[50:] == [None, None] and sums[50:] == [None, None]
    with pytest.raises(TypeError, match="row 1 of the batch"):
        _scoring.score_texts(model, ["a note", 7], threads=1)
    assert _scoring.score_texts(model, [], threads=1) == ([], [])


def test_multi_label_scores_are_label_lists(scoring_models):
    path, est, texts, _ = scoring_models["multi"]
    labels, _ = _scoring.score_texts(_model(path), texts[:40], threads=1)
    assert [tuple(x) for x in labels] == list(est.predict(texts[:40]))


def test_frame_columns_and_explanations(scoring_models):
    pd = pytest.importorskip("pandas")
    path, est, texts, _ = scoring_models["single"]
    cols = _scoring.Columns("note", "predicted", "sums", "why")
    frame = pd.DataFrame({"note": texts[:5], "id": range(5)})
    out = _scoring.predictions(_model(path), frame["note"].tolist(), cols, threads=1)
    assert list(out) == ["predicted", "sums", "why"]
    why = json.loads(out["why"][0])
    assert why["predicted"] == est.predict(texts[:1])[0]
    assert sum(f["vote"] for f in why["fired"] if f["class"] == why["predicted"]) \
        == why["class_sums"][why["predicted"]]
    with pytest.raises(ValueError, match="already has column"):
        _scoring.Columns("note", "id").check(list(frame.columns))
    with pytest.raises(ValueError, match="text column 'text' not found"):
        _scoring.Columns().check(["note"])


def _counts_in_batches(model, texts, truth, cuts):
    rows = []
    for lo, hi in zip([0] + cuts, cuts + [len(texts)]):
        c = _scoring.batch_counts(model, texts[lo:hi], truth[lo:hi], threads=1)
        rows += list(zip(c["kind"], c["truth"], c["predicted"], c["n"]))
    return rows


def test_single_label_metrics_over_batches_equal_sklearn(scoring_models):
    path, est, texts, labels = scoring_models["single"]
    model = _model(path)
    texts, truth = texts[:120] + [None], labels[:120] + ["allergy"]
    truth[3] = None  # a row without a label: skipped, counted
    truth[4] = "rare"  # a label the model lacks: an error, named
    metrics = _scoring.metrics_from_counts(
        model.classes, False, _counts_in_batches(model, texts, truth, [0, 7, 64]))
    keep = [i for i in range(120) if i != 3]
    y, p = [truth[i] for i in keep], est.predict([texts[i] for i in keep]).tolist()
    pr, rc, f1, _ = precision_recall_fscore_support(y, p, average="macro", zero_division=0)
    assert metrics["n"] == 119 and metrics["null_texts"] == 1 and metrics["null_labels"] == 1
    assert metrics["unknown_labels"] == ["rare"]
    assert metrics["accuracy"] == pytest.approx(accuracy_score(y, p))
    assert (metrics["macro_precision"], metrics["macro_recall"], metrics["macro_f1"]) \
        == pytest.approx((pr, rc, f1))


def test_multi_label_metrics_over_batches_equal_sklearn(scoring_models):
    path, est, texts, labels = scoring_models["multi"]
    model = _model(path)
    texts, truth = texts[:150], labels[:150]
    metrics = _scoring.metrics_from_counts(
        model.classes, True, _counts_in_batches(model, texts, truth, [10, 11, 90]))
    mlb = MultiLabelBinarizer(classes=list(model.classes))
    y, p = mlb.fit_transform(truth), mlb.transform(est.predict(texts))
    assert metrics["n"] == 150
    assert metrics["micro_f1"] == pytest.approx(f1_score(y, p, average="micro", zero_division=0))
    assert metrics["macro_f1"] == pytest.approx(f1_score(y, p, average="macro", zero_division=0))
    assert metrics["subset_accuracy"] == pytest.approx(accuracy_score(y, p))
    with pytest.raises(TypeError, match="list of labels"):
        _scoring.batch_counts(model, texts[:1], ["allergy"], threads=1)


def test_metrics_of_nothing_scored_are_none(scoring_models):
    path, _, _, _ = scoring_models["single"]
    model = _model(path)
    metrics = _scoring.metrics_from_counts(
        model.classes, False, _counts_in_batches(model, [None], ["allergy"], []))
    assert metrics["n"] == 0 and metrics["accuracy"] is None and metrics["null_texts"] == 1


@pytest.mark.parametrize("module, names, extra", [
    ("spark", ["pyspark", "pyspark.sql", "pyspark.sql.types"], "tsetlin[spark]"),
    ("ray", ["ray", "ray.data"], "tsetlin[ray]"),
])
def test_a_missing_engine_says_what_to_install(monkeypatch, scoring_models, module, names, extra):
    import importlib
    import sys

    integration = importlib.import_module(f"tsetlin.{module}")  # importing needs no engine
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)  # as if not installed
    path = scoring_models["single"][0]
    with pytest.raises(ImportError, match=re.escape(extra)):
        integration.predict(object(), path)
    with pytest.raises(ImportError, match=re.escape(extra)):
        integration.evaluate(object(), path)
