"""tsetlin.ray against a real local Ray (ray.init(num_cpus=2)): predictions equal the plain
Python API row for row with one and two workers, null texts and empty blocks are handled, a
damaged model is one error on the driver, and evaluate equals scikit-learn's metrics; the
settings search run on Ray Tune (tune_fit) makes the local search's choice and model."""

import pytest

from conftest import require_engine


@pytest.fixture(scope="module")
def ray():
    ray = require_engine("ray", "pip install 'tsetlin[ray]' to run these")
    require_engine("ray.data", "pip install 'tsetlin[ray]' to run these")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


def _null(value):
    """Ray hands a null back as None or pandas' NA, depending on the column's Arrow type."""
    import pandas as pd

    return value is None or (not hasattr(value, "__len__") and bool(pd.isna(value)))


def _dataset(ray, columns, blocks):
    """A dataset of ``blocks`` blocks, some empty when there are more blocks than rows. Made
    from frames, not by a repartition: a pool of two actors holds both CPUs of this local
    Ray, and a task that split the input could never run."""
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame(columns)
    parts = np.array_split(np.arange(len(frame)), blocks)
    return ray.data.from_pandas([frame.iloc[p].reset_index(drop=True) for p in parts])


@pytest.mark.parametrize("workers", [1, 2])
def test_predictions_equal_the_python_api_row_for_row(ray, scoring_models, workers):
    from tsetlin import ray as tray

    path, est, texts, _ = scoring_models["single"]
    texts = texts[:300] + [None]
    ds = _dataset(ray, {"id": range(301), "text": texts}, blocks=3)
    out = tray.predict(ds, path, workers=workers, batch_size=64).to_pandas().set_index("id")
    assert len(out) == 301
    expected, sums = est.predict(texts[:300]), est.class_sums(texts[:300])
    for i in range(300):
        assert out.loc[i, "label"] == expected[i]
        assert list(out.loc[i, "class_sums"]) == sums[i].tolist()
    assert _null(out.loc[300, "label"]) and _null(out.loc[300, "class_sums"])


def test_empty_blocks_and_multi_label(ray, scoring_models):
    from tsetlin import ray as tray

    path, est, texts, labels = scoring_models["multi"]
    ds = _dataset(ray, {"id": range(3), "text": texts[:3]}, blocks=6)
    out = tray.predict(ds, path, workers=2).to_pandas().set_index("id").sort_index()
    assert [tuple(x) for x in out["label"]] == list(est.predict(texts[:3]))
    metrics = tray.evaluate(_dataset(ray, {"text": texts[:80], "label": labels[:80]}, 2), path)
    from sklearn.metrics import f1_score
    from sklearn.preprocessing import MultiLabelBinarizer

    mlb = MultiLabelBinarizer(classes=list(est.model_.classes))
    y, p = mlb.fit_transform(labels[:80]), mlb.transform(est.predict(texts[:80]))
    assert metrics["n"] == 80
    assert metrics["micro_f1"] == pytest.approx(f1_score(y, p, average="micro"))


def test_evaluate_equals_sklearn_and_counts_nulls(ray, scoring_models):
    from sklearn.metrics import accuracy_score

    from tsetlin import ray as tray

    path, est, texts, labels = scoring_models["single"]
    ds = _dataset(ray, {"text": texts[:150] + [None], "label": labels[:150] + ["allergy"]}, 2)
    metrics = tray.evaluate(ds, path, workers=2)
    assert metrics["n"] == 150 and metrics["null_texts"] == 1
    assert metrics["accuracy"] == pytest.approx(accuracy_score(labels[:150], est.predict(texts[:150])))


def test_a_damaged_model_and_bad_columns_are_errors_on_the_driver(ray, scoring_models):
    from tsetlin import ray as tray

    path, _, texts, _ = scoring_models["single"]
    ds = _dataset(ray, {"text": texts[:4]}, 1)
    with pytest.raises(ValueError, match="damaged.tsetlin"):
        tray.predict(ds, scoring_models["damaged"])
    with pytest.raises(ValueError, match="'note' not found"):
        tray.predict(ds, path, text_col="note")
    with pytest.raises(ValueError, match="already has column"):
        tray.predict(ds, path, label_col="text")
    with pytest.raises(ValueError, match="workers"):
        tray.predict(ds, path, workers=0)


def test_tune_fit_makes_the_local_choice_log_and_model(ray, tmp_path):
    """One Tune trial per candidate, halving as Tune's scheduler: with 2 CPUs and a dozen
    candidates most trials are paused at a rung's end and resumed from their checkpoints, and
    the log (every curve, the choice) and the final model bytes are still the local ones."""
    from tsetlin import TextClassifier, _tsetlin
    from tsetlin import ray as tray

    texts, labels = _tsetlin.clinical_notes(240, 3)
    settings = dict(random_state=3, max_epochs=4, budget=300.0, time_limit=False)
    local = TextClassifier(**settings).fit(texts, labels)
    assert len(local.search_log["trials"]) >= 6 and len(local.search_log["rungs"]) >= 2
    distributed = tray.tune_fit(TextClassifier(**settings), texts, labels,
                                storage_path=str(tmp_path), name="search")
    assert distributed.search_log == local.search_log
    assert distributed.model_.to_bytes() == local.model_.to_bytes()
    assert list(distributed.predict(texts[:50])) == list(local.predict(texts[:50]))
    assert (tmp_path / "search").is_dir(), "the trials' checkpoints are kept where asked"


def test_tune_fit_multi_label_makes_the_local_choice_and_model(ray, tmp_path):
    """Label lists: the multi-label search (micro-F1, per-label thresholds) on Tune gives
    fit's log, model bytes and label sets."""
    from tsetlin import TextClassifier, _tsetlin
    from tsetlin import ray as tray

    texts, sets = _tsetlin.clinical_notes_multi_label(240, 4)
    settings = dict(random_state=5, max_epochs=4, budget=300.0, time_limit=False)
    local = TextClassifier(**settings).fit(texts, sets)
    assert len(local.search_log["trials"]) >= 6
    distributed = tray.tune_fit(TextClassifier(**settings), texts, sets,
                                storage_path=str(tmp_path))
    assert distributed.search_log == local.search_log
    assert "micro-F1" in distributed.search_log["validation"]
    assert distributed.model_.to_bytes() == local.model_.to_bytes()
    assert distributed.predict(texts[:30]) == local.predict(texts[:30])


def test_tune_fit_refuses_what_it_cannot_search(ray):
    from tsetlin import TextClassifier, TsetlinClassifier
    from tsetlin import ray as tray

    with pytest.raises(TypeError, match="TextClassifier"):
        tray.tune_fit(TsetlinClassifier(), ["a"], ["x"])
    with pytest.raises(ValueError, match="threads"):
        tray.tune_fit(TextClassifier(), ["a b", "c d"], ["x", "y"], threads=0)
