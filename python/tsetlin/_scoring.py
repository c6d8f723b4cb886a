"""Batch scoring of texts with a saved model, shared by the Spark and Ray integrations: the
model read and checked once where the job starts, shipped as bytes, decoded once per worker
process, and applied to batches (pandas frames for Spark, Arrow tables for Ray); plus the
confusion counts that ``evaluate`` adds up over partitions and the metrics it computes from
them.

Nothing here imports Spark or Ray: the same code scores a batch in a Spark Python worker, a
Ray actor or a plain process, which is what the tests compare row for row.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from . import _tsetlin
from ._common import unpack_sums


@dataclass(frozen=True)
class ModelPayload:
    """A model file read and decoded once on the driver: its bytes (what travels to the
    workers), a digest (what a worker caches the decoded model under), its class names and
    whether it is a multi-label model (which fixes the output column's type)."""

    data: bytes
    digest: str
    classes: Tuple[str, ...]
    multi_label: bool

    @classmethod
    def read(cls, model_path: Any) -> "ModelPayload":
        """Reads and decodes ``model_path`` here, so that a missing or damaged file is one
        error on the driver (naming the file) instead of one per task on the workers."""
        path = os.fspath(model_path)
        model = _tsetlin.TextModel.load(path)  # its errors name the file
        data = bytes(model.to_bytes())
        digest = hashlib.sha256(data).hexdigest()
        _remember(digest, model)
        return cls(data, digest, tuple(model.classes), bool(model.multi_label))


# Decoded models of this process, by digest: a Spark Python worker or a Ray actor decodes a
# model once and reuses it for every batch (and every task the worker runs).
_MODELS: Dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()
_MODELS_KEPT = 4  # a worker seldom sees more than one or two models; bound it anyway


def _remember(digest: str, model: Any) -> None:
    with _MODELS_LOCK:
        if digest not in _MODELS and len(_MODELS) >= _MODELS_KEPT:
            _MODELS.pop(next(iter(_MODELS)))
        _MODELS[digest] = model


def cached_model(digest: str, data: Any) -> Any:
    """The decoded model for ``digest``; ``data`` (bytes, or a callable returning them, e.g. a
    Spark broadcast's ``value``) is decoded only on the first call in this process."""
    with _MODELS_LOCK:
        model = _MODELS.get(digest)
    if model is None:
        raw = data() if callable(data) else data
        model = _tsetlin.TextModel.from_bytes(raw)
        _remember(digest, model)
    return model


def positive(name: str, value: Any) -> int:
    """``value`` checked as a positive integer (a thread, worker or batch count)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} = {value!r}: must be a positive integer")
    return value


@dataclass(frozen=True)
class Columns:
    """The names of the columns the scorers read and add."""

    text: str = "text"
    label: str = "label"
    sums: str = "class_sums"
    explanation: Optional[str] = None  # None: no explanations (they cost a pass per row)

    def added(self) -> List[str]:
        out = [self.label, self.sums]
        if self.explanation is not None:
            out.append(self.explanation)
        return out

    def check(self, present: Sequence[str]) -> None:
        """Refuses a missing text column or an added column that would shadow an input one."""
        if self.text not in present:
            raise ValueError(f"text column {self.text!r} not found; the columns are {list(present)}")
        names = self.added()
        if len(set(names)) != len(names):
            raise ValueError(f"the added columns need distinct names, got {names}")
        clash = [c for c in names if c in present]
        if clash:
            raise ValueError(
                f"the input already has column(s) {clash}; pass other names "
                "(label_col=..., sums_col=..., explanation_col=...)")


def labels_of(model: Any, sums: np.ndarray) -> List[Any]:
    """Each row's prediction from its class sums: the class name with the largest sum (the
    engine's tie rule: the first), or for a multi-label model the list of labels whose sum is
    above their threshold."""
    names = model.classes
    if model.multi_label:
        thresholds = np.asarray(model.thresholds()[0], dtype=np.int64)
        chosen = sums > thresholds
        return [[names[j] for j in np.flatnonzero(row)] for row in chosen]
    return [names[j] for j in np.argmax(sums, axis=1)] if len(sums) else []


def score_texts(model: Any, texts: Sequence[Any], threads: int) -> Tuple[List[Any], List[Any]]:
    """Predictions and class sums for ``texts``; a null text (None or NaN) gets None in both
    (it is not a text: scoring it as "" would invent a prediction)."""
    keep = [i for i, t in enumerate(texts) if isinstance(t, str)]
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str) and not _is_null(t)]
    if bad:
        raise TypeError(f"text column holds a {type(texts[bad[0]]).__name__}, not a string (row {bad[0]} of the batch)")
    labels: List[Any] = [None] * len(texts)
    sums_out: List[Any] = [None] * len(texts)
    if keep:
        data = model.class_sums([texts[i] for i in keep], threads)
        sums = unpack_sums(data, len(model.classes))
        for i, label, row in zip(keep, labels_of(model, sums), sums.tolist()):
            labels[i] = label
            sums_out[i] = row
    return labels, sums_out


def explanations(model: Any, texts: Sequence[Any]) -> List[Optional[str]]:
    """Each text's explanation (fired rules with votes, class sums) as a JSON string; None for
    a null text."""
    out: List[Optional[str]] = []
    for t in texts:
        if not isinstance(t, str):
            out.append(None)
            continue
        e = model.explain(t)
        out.append(json.dumps({
            "predicted": e["predicted"],
            "class_sums": dict(zip(model.classes, e["class_sums"])),
            "fired": [
                {"class": f["class_name"], "clause": f["clause"], "vote": f["vote"], "rule": f["text"]}
                for f in e["fired"]
            ],
        }))
    return out


def predictions(model: Any, texts: Sequence[Any], columns: Columns, threads: int) -> Dict[str, List[Any]]:
    """The columns a scorer adds for ``texts``, by name and in order (label, class sums, and
    the explanations when ``columns.explanation`` is set): what Spark's UDF returns as a
    frame and Ray's predictor appends to its Arrow batch."""
    labels, sums = score_texts(model, texts, threads)
    out: Dict[str, List[Any]] = {columns.label: labels, columns.sums: sums}
    if columns.explanation is not None:
        out[columns.explanation] = explanations(model, texts)
    return out


# --- evaluation: counts per batch, added up over partitions, metrics on the driver ---------

#: The columns of a batch's counts, summed over batches by (kind, truth, predicted). Kinds:
#: "pair" (a single-label model: rows with this truth and this prediction), "tp" / "fp" /
#: "fn" (a multi-label model: per label, in ``truth``), "exact" and "scored" (multi-label:
#: rows whose predicted set equals the true one, and rows scored), "null_text" and
#: "null_label" (rows skipped: a null text, a null truth).
COUNT_COLUMNS = ("kind", "truth", "predicted", "n")


def batch_counts(model: Any, texts: Sequence[Any], truth: Sequence[Any], threads: int) -> Dict[str, List[Any]]:
    """What ``evaluate`` adds up over partitions, for one batch: a small table with
    ``COUNT_COLUMNS`` as a dict of lists."""
    if len(texts) != len(truth):
        raise ValueError(f"{len(texts)} texts but {len(truth)} labels")
    predicted, _ = score_texts(model, texts, threads)
    counts: Dict[Tuple[str, Optional[str], Optional[str]], int] = {}

    def add(kind: str, t: Optional[str] = None, p: Optional[str] = None) -> None:
        counts[(kind, t, p)] = counts.get((kind, t, p), 0) + 1

    for p, t in zip(predicted, truth):
        if _is_null(t):
            add("null_label")
        elif p is None:
            add("null_text")
        elif model.multi_label:
            true_set, pred_set = set(_as_label_list(t)), set(p)
            add("scored")
            if true_set == pred_set:
                add("exact")
            for label in true_set & pred_set:
                add("tp", label)
            for label in pred_set - true_set:
                add("fp", label)
            for label in true_set - pred_set:
                add("fn", label)
        else:
            add("pair", str(t), p)
    keys = list(counts)
    return {
        "kind": [k[0] for k in keys],
        "truth": [k[1] for k in keys],
        "predicted": [k[2] for k in keys],
        "n": [counts[k] for k in keys],
    }


def _is_null(value: Any) -> bool:
    """None or NaN (pandas' null in an object column): a missing text or truth."""
    return value is None or (isinstance(value, float) and bool(np.isnan(value)))


def _as_label_list(value: Any) -> List[str]:
    if isinstance(value, str):
        raise TypeError(f"a multi-label model needs a list of labels per row, got the string {value!r}")
    return [str(v) for v in value]


def metrics_from_counts(classes: Sequence[str], multi_label: bool, rows: Sequence[Sequence[Any]]) -> Dict[str, Any]:
    """The metrics of a labelled data set from the counts of all its batches (rows of
    ``COUNT_COLUMNS``, summed or not): accuracy and macro precision / recall / F1 for a
    single-label model (scikit-learn's definitions, over the labels seen in truth or
    prediction), micro and macro F1 (over the model's labels) and exact-set accuracy for a
    multi-label one; plus the rows scored, those skipped for a null text or a null truth, and
    true labels the model does not know."""
    totals: Dict[Tuple[str, Optional[str], Optional[str]], int] = {}
    for kind, t, p, n in rows:
        totals[(kind, t, p)] = totals.get((kind, t, p), 0) + int(n)

    def total(kind: str) -> int:
        return sum(n for (k, _, _), n in totals.items() if k == kind)

    out: Dict[str, Any] = {"null_texts": total("null_text"), "null_labels": total("null_label")}
    if multi_label:
        per = {kind: {t: n for (k, t, _), n in totals.items() if k == kind} for kind in ("tp", "fp", "fn")}
        scored = total("scored")
        tp, fp, fn = (sum(per[k].values()) for k in ("tp", "fp", "fn"))
        f1s = [_f1(per["tp"].get(c, 0), per["fp"].get(c, 0), per["fn"].get(c, 0)) for c in classes]
        seen = set(per["tp"]) | set(per["fn"])
        out.update(
            n=scored,
            micro_f1=_f1(tp, fp, fn) if scored else None,
            macro_f1=float(np.mean(f1s)) if scored and f1s else None,
            subset_accuracy=total("exact") / scored if scored else None,
            unknown_labels=sorted(seen - set(classes)),
        )
        return out
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    pairs = [(t, p, n) for (k, t, p), n in totals.items() if k == "pair"]
    out["n"] = sum(n for _, _, n in pairs)
    out["unknown_labels"] = sorted({t for t, _, _ in pairs} - set(classes))
    if not pairs:
        out.update(accuracy=None, macro_precision=None, macro_recall=None, macro_f1=None)
        return out
    truth, pred, weight = (list(c) for c in zip(*pairs))
    p, r, f, _ = precision_recall_fscore_support(
        truth, pred, sample_weight=weight, average="macro", zero_division=0)
    out.update(
        accuracy=float(accuracy_score(truth, pred, sample_weight=weight)),
        macro_precision=float(p), macro_recall=float(r), macro_f1=float(f),
    )
    return out


def _f1(tp: int, fp: int, fn: int) -> float:
    """F1 from counts; 0 when nothing is true or predicted (scikit-learn's zero_division=0)."""
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)
