"""Multi-label targets the scikit-learn way: a 2-D 0/1 indicator matrix (dense or sparse), or a
list of label lists (as ``MultiLabelBinarizer`` takes them); to and from the label sets the
Rust library trains on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import scipy.sparse as sp

INDICATOR = "indicator"
SETS = "sets"


@dataclass
class MultiLabelTargets:
    """Multi-label ``y`` read: its form (``INDICATOR`` or ``SETS``), ``classes`` (column
    ``j`` of an indicator is class ``j``; label sets: every label given, sorted, as
    ``MultiLabelBinarizer`` has them) and each row's labels as values of ``classes``."""

    form: str
    classes: np.ndarray
    rows: List[List[Any]]


def _is_label_list(v: Any) -> bool:
    return isinstance(v, (list, tuple, set, frozenset, np.ndarray)) and not isinstance(v, str)


def _indicator_rows(m: np.ndarray) -> List[List[Any]]:
    if m.ndim != 2:
        raise ValueError(f"a multi-label indicator matrix is 2-D, got {m.ndim}-D")
    if m.size and not np.isin(m, (0, 1)).all():
        bad = m[~np.isin(m, (0, 1))].flat[0]
        raise ValueError(f"a multi-label indicator matrix holds 0 and 1 only, found {bad!r}")
    return [np.flatnonzero(row).tolist() for row in m]


def read_targets(y: Any) -> Optional[MultiLabelTargets]:
    """``y`` as multi-label targets, or None when it is one label per row. As in
    scikit-learn, a rectangular list of 0/1 lists is an indicator matrix, and a 2-D ``y`` of
    one column is a column vector of single labels."""
    if sp.issparse(y) or (isinstance(y, np.ndarray) and y.ndim == 2):
        m = np.asarray(y.toarray()) if sp.issparse(y) else y
        if m.shape[1] == 1:
            return None
        return MultiLabelTargets(INDICATOR, np.arange(m.shape[1]), _indicator_rows(m))
    if isinstance(y, (str, bytes)) or not hasattr(y, "__iter__"):
        return None
    items = list(y)
    if not items or not any(_is_label_list(v) for v in items):
        return None
    for i, v in enumerate(items):
        if not _is_label_list(v):
            raise ValueError(
                f"y[{i}] is {v!r}: multi-label targets give every row a list of labels "
                "(an empty list for none), or a 0/1 indicator matrix"
            )
    try:
        m = np.asarray(items)
        if m.ndim == 2 and m.shape[1] == 1 and m.dtype.kind in "biuf":
            return None
        if m.ndim == 2 and m.dtype.kind in "biu" and np.isin(m, (0, 1)).all():
            return MultiLabelTargets(INDICATOR, np.arange(m.shape[1]), _indicator_rows(m))
    except (ValueError, TypeError):
        pass  # ragged: label lists
    rows = [list(dict.fromkeys(v)) for v in items]
    for i, row in enumerate(rows):
        for label in row:
            if label is None or (isinstance(label, str) and not label.strip()):
                raise ValueError(f"y[{i}] holds an empty label {label!r}")
    try:
        classes = sorted({label for row in rows for label in row})
    except TypeError as e:
        raise ValueError(f"the labels cannot be sorted together ({e}); use one type") from None
    return MultiLabelTargets(SETS, np.array(classes, dtype=object), rows)


def to_form(form: str, classes: np.ndarray, predicted: np.ndarray) -> Any:
    """A 0/1 matrix of predictions (columns in ``classes`` order) in the form ``y`` had:
    the matrix itself, or a list of label tuples (as ``MultiLabelBinarizer.inverse_transform``
    gives)."""
    if form == INDICATOR:
        return predicted
    values = classes.tolist()
    return [tuple(values[j] for j in np.flatnonzero(row)) for row in predicted]


def indicator(rows: Sequence[Sequence[Any]], classes: np.ndarray) -> np.ndarray:
    """Label rows as a 0/1 matrix over ``classes`` (a label not in ``classes``: ValueError)."""
    index = {c: j for j, c in enumerate(classes.tolist())}
    m = np.zeros((len(rows), len(index)), dtype=np.int64)
    for i, row in enumerate(rows):
        for label in row:
            if label not in index:
                raise ValueError(f"label {label!r} is not one of {classes.tolist()}")
            m[i, index[label]] = 1
    return m


def subset_accuracy(classes: np.ndarray, y: Any, predicted: np.ndarray, sample_weight: Any = None) -> float:
    """The share of rows whose predicted 0/1 row (columns in ``classes`` order) equals the
    truth ``y`` (an indicator matrix or label lists), as ``accuracy_score`` has it."""
    from sklearn.metrics import accuracy_score

    truth = read_targets(y)
    if truth is None:
        raise ValueError("a multi-label model is scored on multi-label targets")
    columns = classes if truth.form == SETS else np.arange(len(classes))
    return float(accuracy_score(indicator(truth.rows, columns), predicted, sample_weight=sample_weight))


class MultiLabelMixin:
    """What both estimators share about multi-label models: whether the fitted model is one
    (``_multi_label_form`` set by ``fit``), the refusal of what is single-label so far,
    ``thresholds_`` and subset-accuracy ``score``. The estimator gives ``_thresholds()``
    (in ``classes_`` order) and ``class_sums(X)``."""

    def _is_multi_label(self) -> bool:
        return getattr(self, "_multi_label_form", None) is not None

    def _refuse_multi_label(self, what: str) -> None:
        if self._is_multi_label():
            raise ValueError(f"{what} takes single-label data so far; this model is multi-label")

    @property
    def thresholds_(self) -> Dict[Any, int]:
        """Multi-label models: each label's decision threshold (predicted when its class sum
        is above it), chosen on the last training rows."""
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self)
        if not self._is_multi_label():
            raise AttributeError("thresholds_: this model is single-label (one class per sample)")
        return dict(zip(self.classes_.tolist(), self._thresholds().tolist()))  # type: ignore[attr-defined]

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy; for a multi-label model, subset accuracy (every label of a sample right),
        as scikit-learn's ``accuracy_score`` on indicator matrices."""
        if not self._is_multi_label():
            return float(super().score(X, y, sample_weight))  # type: ignore[misc]
        chosen = (self.class_sums(X) > self._thresholds()).astype(np.int64)  # type: ignore[attr-defined]
        return subset_accuracy(self.classes_, y, chosen, sample_weight)  # type: ignore[attr-defined]
