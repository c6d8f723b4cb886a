"""Turning an input matrix into the engine's Boolean features, without densifying sparse input.

Three modes (the ``binarize`` argument of :class:`tsetlin.TsetlinClassifier`):

* ``None`` (default): the input must already be binary; a value other than 0 or 1 is a
  ``ValueError``. Feature ``j`` of the engine is input column ``j``.
* a number ``t``: feature ``j`` is ``x[:, j] > t`` (like ``sklearn.preprocessing.Binarizer``).
  With sparse input ``t`` must be ``>= 0`` so that the implicit zeros stay absent.
* ``"quantile"``: thermometer encoding, the usual input of Tsetlin machines for numeric data.
  Each column gets up to ``n_bins`` thresholds (its quantiles on the data ``fit`` sees, without
  duplicates, never-firing or always-firing ones); the features are ``x[:, j] > threshold``.
  With sparse input thresholds below 0 are dropped, again so that zeros stay absent.
"""

from __future__ import annotations

import numbers
from typing import Any, List, Optional, Tuple

import numpy as np
import scipy.sparse as sp

Csr = Tuple[np.ndarray, np.ndarray, int]


class Encoding:
    """A fitted binarization: ``kind`` is "binary", "threshold" or "quantile"."""

    def __init__(self, kind: str, n_columns: int, threshold: float = 0.0,
                 thresholds: Optional[List[np.ndarray]] = None) -> None:
        self.kind = kind
        self.n_columns = n_columns
        self.threshold = threshold
        self.thresholds = thresholds
        if thresholds is not None:
            sizes = np.array([len(t) for t in thresholds], dtype=np.int64)
            self.offsets = np.concatenate([[0], np.cumsum(sizes)])
        else:
            self.offsets = None

    @property
    def n_features(self) -> int:
        """Number of engine features (at least 1: the engine needs one)."""
        if self.offsets is None:
            return max(1, self.n_columns)
        return max(1, int(self.offsets[-1]))

    def feature_names(self, columns: List[str]) -> List[str]:
        """A readable name for each engine feature."""
        if self.kind == "binary":
            names = list(columns)
        elif self.kind == "threshold":
            names = [f"{c} > {self.threshold:g}" for c in columns]
        else:
            assert self.thresholds is not None
            names = [f"{c} > {t:.6g}" for c, ts in zip(columns, self.thresholds) for t in ts]
        return names if names else ["(no feature)"]

    def transform(self, X: Any) -> Csr:
        """CSR arrays ``(indptr, indices, n_rows)`` of the present engine features."""
        if self.kind == "binary":
            return _binary(X)
        if self.kind == "threshold":
            return _above(X, self.threshold)
        return _thermometer(X, self)


def fit_encoding(X: Any, binarize: Any, n_bins: Any) -> Encoding:
    n_columns = X.shape[1]
    if binarize is None:
        return Encoding("binary", n_columns)
    if isinstance(binarize, str) and binarize == "auto":
        # 0/1 input is used as it is; anything else gets the thermometer encoding.
        if _is_binary(X):
            return Encoding("binary", n_columns)
        binarize = "quantile"
    if isinstance(binarize, str):
        if binarize != "quantile":
            raise ValueError(
                f"binarize = {binarize!r}: expected 'auto', None, a number or 'quantile'"
            )
        if isinstance(n_bins, bool) or not isinstance(n_bins, numbers.Integral) or n_bins < 1:
            raise ValueError(f"n_bins = {n_bins!r}: must be an integer >= 1")
        return Encoding("quantile", n_columns, thresholds=_quantiles(X, int(n_bins)))
    if isinstance(binarize, bool) or not isinstance(binarize, numbers.Real) or not np.isfinite(binarize):
        raise ValueError(f"binarize = {binarize!r}: expected 'auto', None, a number or 'quantile'")
    if sp.issparse(X) and binarize < 0:
        raise ValueError(
            f"binarize = {binarize}: a negative threshold would turn every implicit zero of the "
            "sparse input into a present feature; use a threshold >= 0 or dense input"
        )
    return Encoding("threshold", n_columns, threshold=float(binarize))


def _is_binary(X: Any) -> bool:
    values = X.data if sp.issparse(X) else np.asarray(X)
    return bool(np.all((values == 0) | (values == 1)))


def _rows_of(indptr: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))


def _indptr_from_rows(rows: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=out[1:])
    return out


def _filter(X: sp.csr_matrix, keep: np.ndarray) -> Csr:
    n = X.shape[0]
    if keep.all():
        return X.indptr.astype(np.int64), X.indices, n
    rows = _rows_of(X.indptr)[keep]
    return _indptr_from_rows(rows, n), X.indices[keep], n


def _binary(X: Any) -> Csr:
    if sp.issparse(X):
        data = X.data
        bad = (data != 0) & (data != 1)
        if bad.any():
            _not_binary(data[bad][0])
        return _filter(X, data != 0)
    X = np.asarray(X)
    bad = (X != 0) & (X != 1)
    if bad.any():
        _not_binary(X[bad][0])
    rows, cols = np.nonzero(X)
    return _indptr_from_rows(rows, X.shape[0]), cols, X.shape[0]


def _not_binary(value: Any) -> None:
    raise ValueError(
        f"TsetlinClassifier expects binary input (0/1) but got the value {value.item()!r}; "
        "binarize it first, or pass binarize=<threshold> (features x > threshold) or "
        "binarize='quantile' (thermometer encoding) to the constructor"
    )


def _above(X: Any, t: float) -> Csr:
    if sp.issparse(X):
        return _filter(X, X.data > t)
    rows, cols = np.nonzero(np.asarray(X) > t)
    return _indptr_from_rows(rows, X.shape[0]), cols, X.shape[0]


def _columns(X: Any):
    """Yields ``(j, rows, values, n_implicit_zeros)`` per column, sparse-aware."""
    n = X.shape[0]
    if sp.issparse(X):
        C = sp.csc_matrix(X)
        for j in range(C.shape[1]):
            lo, hi = C.indptr[j], C.indptr[j + 1]
            yield j, C.indices[lo:hi], C.data[lo:hi], n - (hi - lo)
    else:
        X = np.asarray(X)
        rows = np.arange(n)
        for j in range(X.shape[1]):
            yield j, rows, X[:, j], 0


def _quantiles(X: Any, n_bins: int) -> List[np.ndarray]:
    sparse = sp.issparse(X)
    levels = np.arange(1, n_bins + 1) / (n_bins + 1)
    out: List[np.ndarray] = [np.empty(0)] * X.shape[1]
    for j, _, values, zeros in _columns(X):
        values = np.asarray(values, dtype=np.float64)
        if zeros:
            values = np.concatenate([values, np.zeros(1)])
            # Implicit zeros count with their multiplicity.
            weights = np.concatenate([np.ones(len(values) - 1), [zeros]])
        else:
            weights = np.ones(len(values))
        if len(values) == 0:
            continue
        order = np.argsort(values, kind="stable")
        v, w = values[order], np.cumsum(weights[order])
        # Lower quantile: the smallest value whose cumulative count reaches the level.
        idx = np.searchsorted(w, levels * w[-1], side="left")
        t = np.unique(v[np.minimum(idx, len(v) - 1)])
        lo, hi = v[0], v[-1]
        t = t[(t < hi)]  # x > max never fires
        if sparse:
            t = t[t >= 0]
        if len(t) == 0:
            floor = max(lo, 0.0) if sparse else lo
            if floor < hi:
                t = np.array([floor])
        out[j] = t
    return out


def _thermometer(X: Any, enc: Encoding) -> Csr:
    assert enc.thresholds is not None and enc.offsets is not None
    n = X.shape[0]
    all_rows, all_features = [], []
    for j, rows, values, _ in _columns(X):
        t = enc.thresholds[j]
        if len(t) == 0:
            continue
        counts = np.searchsorted(t, np.asarray(values, dtype=np.float64), side="left")
        total = int(counts.sum())
        if total == 0:
            continue
        starts = np.repeat(np.cumsum(counts) - counts, counts)
        all_rows.append(np.repeat(rows, counts))
        all_features.append(enc.offsets[j] + np.arange(total) - starts)
    if not all_rows:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64), n
    rows = np.concatenate(all_rows)
    features = np.concatenate(all_features)
    order = np.argsort(rows, kind="stable")
    return _indptr_from_rows(rows, n), features[order], n
