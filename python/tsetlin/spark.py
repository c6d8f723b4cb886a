"""Scoring Spark DataFrames with a saved tsetlin model (``pip install tsetlin[spark]``).

>>> from tsetlin import spark as tspark
>>> scored = tspark.predict(notes_df, "notes.tsetlin", text_col="text")   # doctest: +SKIP
>>> tspark.evaluate(labelled_df, "notes.tsetlin", label_col="label")      # doctest: +SKIP

How it runs: the model file is read and checked on the driver (a damaged file is one error
there, naming it), its bytes go out once as a broadcast, each Python worker decodes it once and
keeps it for every later batch and task, and the text column alone flows through an iterator
``pandas_udf`` in Arrow batches (``spark.sql.execution.arrow.maxRecordsPerBatch`` rows each).
The engine uses ``spark.task.cpus`` threads per task by default, so that Spark's task slots and
the engine's threads share the executor's cores instead of oversubscribing them.

A null text gets a null prediction (and is counted by :func:`evaluate`); it is never scored as
an empty text.
"""

# No `from __future__ import annotations`: Spark reads the scoring UDF's type hints at runtime.
from typing import Any, Dict, Iterator, Optional

from ._scoring import COUNT_COLUMNS, Columns, ModelPayload, batch_counts, cached_model, \
    metrics_from_counts, positive, predictions

__all__ = ["predict", "evaluate"]


def _pyspark() -> Any:
    try:
        import pyspark.sql.types as types
    except ImportError as e:
        raise ImportError(
            "tsetlin.spark needs PySpark (and pandas and pyarrow): pip install 'tsetlin[spark]'"
        ) from e
    return types


def _threads(df: Any, threads: Optional[int]) -> int:
    if threads is None:
        return max(1, int(df.sparkSession.conf.get("spark.task.cpus", "1")))
    return positive("threads", threads)


def _check_text_column(df: Any, types: Any, name: str) -> None:
    field = next((f for f in df.schema.fields if f.name == name), None)
    if field is not None and not isinstance(field.dataType, types.StringType):
        raise ValueError(f"text column {name!r} is {field.dataType.simpleString()}, not a string")


def predict(
    df: Any,
    model_path: Any,
    text_col: str = "text",
    *,
    label_col: str = "label",
    sums_col: str = "class_sums",
    explain: bool = False,
    explanation_col: str = "explanation",
    threads: Optional[int] = None,
) -> Any:
    """``df`` with the model's prediction added: ``label_col`` (the class name; for a
    multi-label model the array of labels above their thresholds) and ``sums_col`` (the class
    sums, an array of longs in the model's class order). With ``explain=True`` also
    ``explanation_col``: each row's fired rules and votes as JSON (a second pass per row:
    costly, off by default). Lazy, like every DataFrame transformation."""
    types = _pyspark()
    columns = Columns(text_col, label_col, sums_col, explanation_col if explain else None)
    columns.check(df.columns)
    _check_text_column(df, types, text_col)
    payload = ModelPayload.read(model_path)
    n_threads = _threads(df, threads)
    label_type = types.ArrayType(types.StringType()) if payload.multi_label else types.StringType()
    added = [
        types.StructField(label_col, label_type, True),
        types.StructField(sums_col, types.ArrayType(types.LongType(), False), True),
    ]
    if explain:
        added.append(types.StructField(explanation_col, types.StringType(), True))
    shipped = df.sparkSession.sparkContext.broadcast(payload.data)
    digest = payload.digest
    struct = "__tsetlin_prediction"
    while struct in df.columns:
        struct += "_"

    import pandas as pd
    from pyspark.sql.functions import col, pandas_udf

    # An iterator UDF over the text column alone: the texts travel to Python once and only the
    # predictions come back (mapInPandas would send every column there and back). The closure
    # holds the broadcast handle and the digest, never the model bytes (they would travel with
    # every task).
    @pandas_udf(types.StructType(added))  # type: ignore[call-overload]
    def score(batches: Iterator[pd.Series]) -> Iterator[pd.DataFrame]:
        model = cached_model(digest, lambda: shipped.value)
        for texts in batches:
            yield pd.DataFrame(predictions(model, texts.tolist(), columns, n_threads))

    return df.withColumn(struct, score(col(_quoted(text_col)))).select(
        *[col(_quoted(c)) for c in df.columns],
        *[col(f"{_quoted(struct)}.{_quoted(f.name)}").alias(f.name) for f in added],
    )


def _quoted(name: str) -> str:
    """A column name as Spark SQL reads it verbatim (dots and backticks included)."""
    return "`" + name.replace("`", "``") + "`"


def evaluate(
    df: Any,
    model_path: Any,
    text_col: str = "text",
    label_col: str = "label",
    *,
    threads: Optional[int] = None,
) -> Dict[str, Any]:
    """The model's metrics on a labelled DataFrame, computed where the data is (each
    partition reduces its rows to a few counts; only those reach the driver): ``n`` (rows
    scored), ``null_texts`` and ``null_labels`` (rows skipped), ``unknown_labels`` (true labels
    the model lacks, scored as errors), and ``accuracy``, ``macro_precision``,
    ``macro_recall``, ``macro_f1`` for a single-label model, or ``micro_f1``, ``macro_f1`` and
    ``subset_accuracy`` for a multi-label one (``label_col`` then holds arrays of labels)."""
    types = _pyspark()
    for name in (text_col, label_col):
        if name not in df.columns:
            raise ValueError(f"column {name!r} not found; the columns are {list(df.columns)}")
    _check_text_column(df, types, text_col)
    payload = ModelPayload.read(model_path)
    n_threads = _threads(df, threads)
    shipped = df.sparkSession.sparkContext.broadcast(payload.data)
    digest = payload.digest

    def count(batches: Any) -> Any:
        import pandas as pd

        model = cached_model(digest, lambda: shipped.value)
        for frame in batches:
            yield pd.DataFrame(batch_counts(
                model, frame[text_col].tolist(), frame[label_col].tolist(), n_threads))

    schema = types.StructType([
        types.StructField("kind", types.StringType(), False),
        types.StructField("truth", types.StringType(), True),
        types.StructField("predicted", types.StringType(), True),
        types.StructField("n", types.LongType(), False),
    ])
    counted = df.select(text_col, label_col).mapInPandas(count, schema)
    summed = counted.groupBy(*COUNT_COLUMNS[:3]).sum("n").collect()
    return metrics_from_counts(payload.classes, payload.multi_label, [tuple(r) for r in summed])
