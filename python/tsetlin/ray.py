"""Scoring Ray Datasets with a saved tsetlin model, and the automatic-settings search on Ray
Tune (``pip install tsetlin[ray]``).

>>> from tsetlin import ray as tray
>>> scored = tray.predict(ds, "notes.tsetlin", text_col="text", workers=2)   # doctest: +SKIP
>>> tray.evaluate(ds, "notes.tsetlin", label_col="label")                     # doctest: +SKIP
>>> clf = tray.tune_fit(TextClassifier(random_state=0), texts, labels)       # doctest: +SKIP

How it runs: the model file is read and checked on the driver (a damaged file is one error
there, naming it), its bytes are put once in Ray's object store, and ``map_batches`` runs a
pool of predictor actors (``workers`` of them; the cluster needs CPUs beyond the pool's for
the tasks that read the input) that each decode the model once, in their constructor, and score
Arrow batches with ``threads`` engine threads each (the input columns pass through as Arrow
buffers; only the texts are read into Python) (the actor reserves that many CPUs, so
Ray's scheduling and the engine's threads agree on the cores).

A null text gets a null prediction (and is counted by :func:`evaluate`); it is never scored as
an empty text.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from ._scoring import Columns, ModelPayload, batch_counts, cached_model, metrics_from_counts, \
    positive, predictions

__all__ = ["predict", "evaluate", "tune_fit"]


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401  (the Data library is an extra of Ray's own)
    except ImportError as e:
        raise ImportError("tsetlin.ray needs Ray Data: pip install 'tsetlin[ray]'") from e
    return ray


def _pool(ray: Any, workers: Optional[int], threads: int) -> Any:
    """Exactly ``workers`` actors when given; else a pool that starts at one actor and may
    grow to as many as the cluster's CPUs hold at ``threads`` each. Not a fixed pool of every
    CPU: the tasks that read the input need CPUs too, and a pool holding all of them waits
    forever for input that nobody can read."""
    if workers is not None:
        return ray.data.ActorPoolStrategy(size=positive("workers", workers))
    cpus = int(ray.cluster_resources().get("CPU", 1)) if ray.is_initialized() else 1
    return ray.data.ActorPoolStrategy(min_size=1, max_size=max(1, cpus // threads))


def _fetch(ref: Any) -> Any:
    """The model bytes behind an object-store reference, fetched only when this process has
    not decoded the model yet (``cached_model`` calls it then)."""

    def get() -> bytes:
        import ray

        return ray.get(ref)

    return get


class _Predictor:
    """One actor of the pool: the model decoded once, then a batch at a time."""

    def __init__(self, data: Any, digest: str, columns: Columns, threads: int) -> None:
        self.model = cached_model(digest, _fetch(data))
        self.columns = columns
        self.threads = threads

    def __call__(self, batch: Any) -> Any:
        # The input columns stay Arrow buffers; only the texts are read into Python.
        import pyarrow as pa

        added = predictions(self.model, batch.column(self.columns.text).to_pylist(), self.columns, self.threads)
        label_type = pa.list_(pa.string()) if self.model.multi_label else pa.string()
        types = {self.columns.label: label_type, self.columns.sums: pa.list_(pa.int64())}
        for name, values in added.items():
            batch = batch.append_column(name, pa.array(values, type=types.get(name, pa.string())))
        return batch


class _Counter:
    """One actor of the pool for :func:`evaluate`: a batch's rows reduced to counts."""

    def __init__(self, data: Any, digest: str, text_col: str, label_col: str, threads: int) -> None:
        self.model = cached_model(digest, _fetch(data))
        self.text_col = text_col
        self.label_col = label_col
        self.threads = threads

    def __call__(self, batch: Any) -> Any:
        import pandas as pd

        return pd.DataFrame(batch_counts(
            self.model, batch[self.text_col].tolist(), batch[self.label_col].tolist(), self.threads))


def _columns_of(ds: Any) -> Optional[list]:
    schema = ds.schema()
    return None if schema is None else list(schema.names)


def predict(
    ds: Any,
    model_path: Any,
    text_col: str = "text",
    *,
    label_col: str = "label",
    sums_col: str = "class_sums",
    explain: bool = False,
    explanation_col: str = "explanation",
    workers: Optional[int] = None,
    threads: int = 1,
    batch_size: int = 4096,
) -> Any:
    """``ds`` with the model's prediction added: ``label_col`` (the class name; for a
    multi-label model the list of labels above their thresholds) and ``sums_col`` (the class
    sums in the model's class order); with ``explain=True`` also ``explanation_col`` (fired
    rules and votes as JSON; costly, off by default). ``workers`` predictor actors, each with
    ``threads`` engine threads and as many CPUs reserved (leave CPUs for the tasks that read
    the input); by default a pool that starts at one and may grow to the cluster's CPUs over
    ``threads``. Lazy, like
    every Dataset transformation."""
    ray = _ray()
    threads = positive("threads", threads)
    batch_size = positive("batch_size", batch_size)
    columns = Columns(text_col, label_col, sums_col, explanation_col if explain else None)
    present = _columns_of(ds)
    if present is not None:
        columns.check(present)
    payload = ModelPayload.read(model_path)
    return ds.map_batches(
        _Predictor,
        fn_constructor_args=(ray.put(payload.data), payload.digest, columns, threads),
        batch_format="pyarrow",
        batch_size=batch_size,
        num_cpus=threads,
        compute=_pool(ray, workers, threads),
    )


def evaluate(
    ds: Any,
    model_path: Any,
    text_col: str = "text",
    label_col: str = "label",
    *,
    workers: Optional[int] = None,
    threads: int = 1,
    batch_size: int = 4096,
) -> Dict[str, Any]:
    """The model's metrics on a labelled Dataset (the keys of :func:`tsetlin.spark.evaluate`):
    each batch reduces to a few counts in the actors; only those reach the driver."""
    ray = _ray()
    threads = positive("threads", threads)
    batch_size = positive("batch_size", batch_size)
    present = _columns_of(ds)
    for name in (text_col, label_col):
        if present is not None and name not in present:
            raise ValueError(f"column {name!r} not found; the columns are {present}")
    payload = ModelPayload.read(model_path)
    counts = ds.select_columns([text_col, label_col]).map_batches(
        _Counter,
        fn_constructor_args=(ray.put(payload.data), payload.digest, text_col, label_col, threads),
        batch_format="pandas",
        batch_size=batch_size,
        num_cpus=threads,
        compute=_pool(ray, workers, threads),
    ).to_pandas()
    rows = counts[["kind", "truth", "predicted", "n"]].itertuples(index=False, name=None) if len(counts) else []
    return metrics_from_counts(payload.classes, payload.multi_label, list(rows))


def tune_fit(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    threads: int = 1,
    storage_path: Optional[str] = None,
    name: Optional[str] = None,
    verbose: int = 0,
) -> Any:
    """Fits ``estimator`` (a :class:`tsetlin.TextClassifier`, single- or multi-label ``y``) as
    ``estimator.fit(X, y)`` does, with its settings search run as a Ray Tune experiment:
    one trial per candidate (``threads`` engine threads and as many CPUs each), the
    successive halving as Tune's scheduler (a trial that finishes a rung is paused, and
    resumed from its checkpoint if it survives). The final model is trained here, on all of
    ``X``. For the same ``random_state`` the chosen settings, the search log and the model are
    those of ``fit`` (unless the wall clock cuts either search: the estimator's ``budget`` and
    ``time_limit`` bound this search as they bound ``fit``'s). Returns the fitted estimator.

    ``storage_path``: where Tune keeps trial checkpoints (a folder every node can reach, or
    a URI Tune understands, on a cluster; Tune's default otherwise); ``name``: the experiment
    name; ``verbose``: Tune's verbosity."""
    try:
        from . import _tune
    except ImportError as e:
        raise ImportError("tsetlin.ray.tune_fit needs Ray Tune: pip install 'tsetlin[ray]'") from e
    from ._multilabel import read_targets
    from ._text import TextClassifier
    from ._common import resolve_device

    if not isinstance(estimator, TextClassifier):
        raise TypeError(f"tune_fit fits a tsetlin.TextClassifier, not {type(estimator).__name__}")
    threads = positive("threads", threads)
    resolve_device(estimator.device)
    budget = float(estimator.budget) if estimator.time_limit else None

    def searcher(plan: Any) -> str:
        return _tune.run_search(plan, threads=threads, budget=budget, storage_path=storage_path,
                                name=name, verbose=verbose)

    targets = read_targets(y)
    if targets is not None:
        return estimator._fit_multi_label(X, targets, searcher)
    return estimator._fit_searched(X, y, searcher)
