"""tsetlin.spark against a real local Spark session (local[2]): predictions equal the plain
Python API row for row, null texts and empty partitions are handled, a damaged model is one
error on the driver, and evaluate equals scikit-learn's metrics."""

import json
import os
import sys

import pytest

from conftest import require_engine


@pytest.fixture(scope="module")
def spark():
    require_engine("pyspark", "pip install 'tsetlin[spark]' (and a Java runtime) to run these")
    from pyspark.sql import SparkSession

    # The executors' Python must be this one (with tsetlin installed), not the PATH's python3.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("tsetlin-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _frame(spark, texts, labels, partitions):
    rows = [(i, t, l) for i, (t, l) in enumerate(zip(texts, labels))]
    return spark.createDataFrame(rows, "id long, text string, label string").repartition(partitions)


def test_predictions_equal_the_python_api_row_for_row(spark, scoring_models):
    from tsetlin import spark as tspark

    path, est, texts, labels = scoring_models["single"]
    texts = texts[:300] + [None]
    df = _frame(spark, texts, labels[:300] + [None], partitions=3)
    out = {r["id"]: r for r in tspark.predict(df, path, label_col="predicted").collect()}
    assert len(out) == 301
    expected, sums = est.predict(texts[:300]), est.class_sums(texts[:300])
    for i in range(300):
        assert out[i]["predicted"] == expected[i]
        assert out[i]["class_sums"] == sums[i].tolist()
        assert out[i]["text"] == texts[i] and out[i]["label"] == labels[i]
    assert out[300]["predicted"] is None and out[300]["class_sums"] is None


def test_empty_partitions_and_an_empty_frame(spark, scoring_models):
    from tsetlin import spark as tspark

    path, est, texts, _ = scoring_models["single"]
    df = spark.createDataFrame([(t,) for t in texts[:3]], "text string").repartition(8)
    assert sum(1 for n in df.rdd.glom().map(len).collect() if n == 0) > 0
    got = sorted((r["text"], r["label"]) for r in tspark.predict(df, path).collect())
    assert got == sorted(zip(texts[:3], est.predict(texts[:3]).tolist()))
    assert tspark.predict(df.limit(0), path).collect() == []


def test_multi_label_predictions_are_label_arrays(spark, scoring_models):
    from tsetlin import spark as tspark

    path, est, texts, labels = scoring_models["multi"]
    df = spark.createDataFrame([(i, t) for i, t in enumerate(texts[:100])], "id long, text string")
    out = {r["id"]: r["label"] for r in tspark.predict(df, path).collect()}
    expected = est.predict(texts[:100])
    assert [tuple(out[i]) for i in range(100)] == list(expected)
    ml = spark.createDataFrame(list(zip(texts[:100], labels[:100])), "text string, label array<string>")
    metrics = tspark.evaluate(ml, path)
    from tsetlin._scoring import batch_counts, cached_model, metrics_from_counts, ModelPayload

    local = batch_counts(cached_model(ModelPayload.read(path).digest, b""), texts[:100], labels[:100], 1)
    assert metrics == metrics_from_counts(est.model_.classes, True, list(zip(*local.values())))
    assert metrics["n"] == 100 and 0 <= metrics["micro_f1"] <= 1


def test_evaluate_equals_sklearn_and_counts_nulls(spark, scoring_models):
    from sklearn.metrics import accuracy_score, f1_score

    from tsetlin import spark as tspark

    path, est, texts, labels = scoring_models["single"]
    df = _frame(spark, texts[:200] + [None, texts[0]], labels[:200] + ["allergy", None], partitions=4)
    metrics = tspark.evaluate(df, path)
    predicted = est.predict(texts[:200])
    assert metrics["n"] == 200 and metrics["null_texts"] == 1 and metrics["null_labels"] == 1
    assert metrics["accuracy"] == pytest.approx(accuracy_score(labels[:200], predicted))
    assert metrics["macro_f1"] == pytest.approx(f1_score(labels[:200], predicted, average="macro"))


def test_a_damaged_model_is_one_clear_error_on_the_driver(spark, scoring_models):
    from tsetlin import spark as tspark

    path, _, texts, _ = scoring_models["single"]
    df = spark.createDataFrame([(t,) for t in texts[:5]], "text string")
    with pytest.raises(ValueError, match="damaged.tsetlin") as caught:
        tspark.predict(df, scoring_models["damaged"])
    assert "Py4J" not in str(caught.value) and "Traceback" not in str(caught.value)
    with pytest.raises(FileNotFoundError, match="nowhere.tsetlin"):
        tspark.evaluate(df.withColumn("label", df.text), scoring_models["folder"] / "nowhere.tsetlin")


def test_bad_columns_are_refused_before_any_job(spark, scoring_models):
    from tsetlin import spark as tspark

    path, _, _, _ = scoring_models["single"]
    df = spark.createDataFrame([(1, "a rash", "allergy")], "n long, text string, label string")
    with pytest.raises(ValueError, match="already has column"):
        tspark.predict(df, path)
    with pytest.raises(ValueError, match="'note' not found"):
        tspark.predict(df, path, text_col="note")
    with pytest.raises(ValueError, match="is bigint, not a string"):
        tspark.predict(df, path, text_col="n", label_col="p")
    with pytest.raises(ValueError, match="threads"):
        tspark.predict(df, path, label_col="p", threads=0)


def test_explanations_on_request(spark, scoring_models):
    from tsetlin import spark as tspark

    path, est, texts, _ = scoring_models["single"]
    df = spark.createDataFrame([(texts[0],), (None,)], "text string")
    rows = tspark.predict(df, path, explain=True).collect()
    why = json.loads(next(r for r in rows if r["text"] is not None)["explanation"])
    assert why["predicted"] == est.predict(texts[:1])[0]
    assert next(r for r in rows if r["text"] is None)["explanation"] is None
    assert "explanation" not in tspark.predict(df, path).columns


def test_column_names_with_dots_and_backticks(spark, scoring_models):
    from tsetlin import spark as tspark

    path, est, texts, _ = scoring_models["single"]
    df = spark.createDataFrame([(t,) for t in texts[:3]], "`note.text` string")
    out = tspark.predict(df, path, text_col="note.text", label_col="pred`label").collect()
    assert [r["pred`label"] for r in out] == est.predict(texts[:3]).tolist()
    assert [r["note.text"] for r in out] == texts[:3]
