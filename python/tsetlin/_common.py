"""Helpers shared by the estimators: threads, seeds, the automatic settings, CSR packing, rule
tables."""

from __future__ import annotations

import json
import numbers
import warnings
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from sklearn.utils import check_random_state

from . import _tsetlin

_INT64_MAX = np.iinfo(np.int64).max


def resolve_n_jobs(n_jobs: Optional[int]) -> int:
    """scikit-learn's convention: None is 1 thread, -1 every core, -2 all but one, ..."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise ValueError(f"n_jobs = {n_jobs!r}: expected None, a positive integer or -1, -2, ...")
    if n_jobs > 0:
        cap = _tsetlin.available_threads() * _tsetlin.MAX_THREADS_PER_CORE
        if n_jobs > cap:
            warnings.warn(
                f"n_jobs = {n_jobs} is more than {_tsetlin.MAX_THREADS_PER_CORE} per core; using {cap}",
                RuntimeWarning,
                stacklevel=3,
            )
            return cap
        return int(n_jobs)
    return max(1, _tsetlin.available_threads() + 1 + int(n_jobs))


def resolve_device(device: Any) -> str:
    """The device an estimator's ``device`` resolves to in this build ("cpu" today): a
    ValueError for an unknown name, a RuntimeError for "cuda" without a CUDA backend."""
    if not isinstance(device, str):
        raise ValueError(f"device = {device!r}: must be 'auto', 'cpu' or 'cuda'")
    resolved, _note = _tsetlin.resolve_device(device)
    return str(resolved)


def resolve_seed(random_state: Any) -> int:
    """An int is the engine's seed as it is (the CLI's --seed); None or a RandomState draws one."""
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state = {random_state}: must be >= 0")
        return int(random_state)
    rng = check_random_state(random_state)
    return int(rng.randint(_INT64_MAX, dtype=np.int64))


# Estimator parameter -> the library's name of the setting (tune::Settings / Pinned).
_SETTINGS = {
    "n_clauses": "clauses",
    "T": "threshold",
    "s": "specificity",
    "weighted": "weighted",
    "boost_true_positive": "boost",
    "literal_budget": "literal_budget",
    "epochs": "epochs",
    "ngram_max": "ngram_max",
    "max_features": "max_features",
    "state_bits": "state_bits",
    "clause_drop": "clause_drop",
    "focused_negative_sampling": "focused_negatives",
}
_FLAGS = ("weighted", "boost_true_positive", "focused_negative_sampling")
_INTEGERS = ("n_clauses", "literal_budget", "epochs", "ngram_max", "max_features", "state_bits")


def pinned_json(est: Any) -> str:
    """The settings the estimator fixes (every parameter not None), as the library's JSON."""
    out: Dict[str, Any] = {}
    for param, key in _SETTINGS.items():
        value = getattr(est, param, None)
        if value is None:
            continue
        if param in _FLAGS:
            if not isinstance(value, (bool, np.bool_)):
                raise ValueError(f"{param} = {value!r}: must be True, False or None")
            value = bool(value)
        elif param in _INTEGERS:
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
                raise ValueError(f"{param} = {value!r}: must be a non-negative integer or None")
            if value == 0 and param != "max_features":
                # 0 means "none" only for max_features (all terms); elsewhere it is refused.
                raise ValueError(f"{param} = 0: must be at least 1 (or None)")
            value = int(value)
        else:
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ValueError(f"{param} = {value!r}: must be a number or None")
            value = float(value)
        out[key] = value
    return json.dumps(out)


def settings_params(est: Any, settings: Dict[str, Any]) -> Dict[str, Any]:
    """Library settings as the estimator's parameter names (those it has)."""
    params = {p: settings[k] for p, k in _SETTINGS.items() if k in settings and hasattr(est, p)}
    if "max_features" in params and params["max_features"] is None:
        params["max_features"] = 0  # all terms
    return params


def search_args(est: Any) -> str:
    """The search keywords of an estimator (``auto``, ``simplify``, ``budget``,
    ``time_limit``, ``max_epochs``, ``validation_split``, ``length_tolerance``), checked, as the one JSON
    object the engine's training calls take."""
    if not isinstance(est.auto, (bool, np.bool_)):
        raise ValueError(f"auto = {est.auto!r}: must be True or False")
    if not isinstance(est.simplify, (bool, np.bool_)):
        raise ValueError(f"simplify = {est.simplify!r}: must be True or False")
    if not isinstance(est.time_limit, (bool, np.bool_)):
        raise ValueError(f"time_limit = {est.time_limit!r}: must be True or False")
    if isinstance(est.budget, bool) or not isinstance(est.budget, numbers.Real):
        raise ValueError(f"budget = {est.budget!r}: must be a number of seconds")
    if isinstance(est.max_epochs, bool) or not isinstance(est.max_epochs, numbers.Integral) \
            or est.max_epochs < 1:
        raise ValueError(f"max_epochs = {est.max_epochs!r}: must be a positive integer")
    if est.validation_split not in ("file-order", "shuffled"):
        raise ValueError(
            f"validation_split = {est.validation_split!r}: must be 'file-order' or 'shuffled'")
    tol = est.length_tolerance
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not 0.0 <= tol <= 1.0:
        raise ValueError(
            f"length_tolerance = {tol!r}: must be a share of accuracy between 0 and 1")
    return json.dumps({
        "auto": bool(est.auto), "simplify": bool(est.simplify), "budget": float(est.budget),
        "time_limit": bool(est.time_limit),
        "max_epochs": int(est.max_epochs), "validation_split": str(est.validation_split),
        "length_tolerance": float(tol),
    })


def warn_if_cut(log: Optional[Dict[str, Any]]) -> None:
    """A search that ended before its plan says so (interrupt, wall-clock limit)."""
    if log is not None and log.get("cut"):
        warnings.warn(f"settings search: {log['cut']}", RuntimeWarning, stacklevel=3)


class ReadableRulesMixin:
    """``readability`` and ``simplify_rules`` for an estimator that answers
    ``_readability_json(X, y)`` (X, y: both None or both given) and
    ``_simplify_json(X, y, check, **options)`` (check: None or ``(X_check, y_check)``)."""

    def readability(self, X: Any = None, y: Any = None) -> Dict[str, Any]:
        """How readable the rules are: literals per clause (all, positive, negated), the share
        of the vote carried by clauses of at most 5 literals, the longest of each class's
        heaviest 10 rules and, with labelled data ``X``, ``y``, how many rules cover 90 % of
        each class."""
        if (X is None) != (y is None):
            raise ValueError("give both X and y, or neither")
        return json.loads(self._readability_json(X, y))  # type: ignore[attr-defined]

    def simplify_rules(
        self,
        X: Any,
        y: Any,
        X_check: Any = None,
        y_check: Any = None,
        *,
        max_changes: int = 0,
        tolerance: float = 0.5,
        preserve: str = "decisions",
    ) -> Dict[str, Any]:
        """Shortens the rules in place without changing what they decide on ``X`` (usually the
        training data): a clause loses a literal when that changes its output, in the way
        ``preserve`` counts ("decisions": only against the label, so no prediction on ``X``
        gets worse with ``max_changes=0``; "outputs": every change), on at most
        ``max_changes`` rows. The allowance is halved until the accuracy on ``X_check``,
        ``y_check`` (default: ``X``, ``y``) drops by at most ``tolerance`` points; a
        ``ValueError`` when even 0 does not hold it (the model is then unchanged). Returns the
        report: literals before and after, outputs changed, accuracies."""
        if (X_check is None) != (y_check is None):
            raise ValueError("give both X_check and y_check, or neither")
        check = None if X_check is None else (X_check, y_check)
        report = self._simplify_json(  # type: ignore[attr-defined]
            X, y, check,
            max_changes=int(max_changes), tolerance=float(tolerance), preserve=str(preserve),
        )
        return json.loads(report)


class AutoSettingsMixin:
    """``best_params_``, ``search_log_`` and ``search_log`` for an estimator whose fitted
    model answers ``_settings_json()`` and ``_search_json()``."""

    def _settings_json(self) -> str:  # pragma: no cover - implemented by the estimators
        raise NotImplementedError

    def _search_json(self) -> Optional[str]:  # pragma: no cover
        raise NotImplementedError

    @property
    def search_log(self) -> Optional[Dict[str, Any]]:
        """The whole search log stored with the model (None when nothing was recorded)."""
        raw = self._search_json()
        return None if raw is None else json.loads(raw)

    @property
    def best_params_(self) -> Dict[str, Any]:
        """The settings the model was trained with, as constructor arguments (chosen by the
        search, given, or derived from the data)."""
        return settings_params(self, json.loads(self._settings_json()))

    @property
    def search_log_(self) -> List[Dict[str, Any]]:
        """One dict per candidate of the settings search, best first: its constructor
        arguments, validation accuracy (micro-F1 for multi-label targets), best epoch, epochs
        trained, literals per clause as trained; empty without a search."""
        log = self.search_log
        if log is None:
            return []
        rows = []
        for t in log["trials"]:
            rows.append({
                "trial": t["id"],
                "params": settings_params(self, t["settings"]),
                "validation_accuracy": t["best_accuracy"] if t["curve"] else None,
                "best_epoch": t["best_epoch"],
                "epochs_trained": len(t["curve"]),
                "rung": t["rung"],
                "literals_per_clause": t.get("mean_literals"),
                "chosen": t["id"] == log.get("chosen_trial"),
            })
        rows.sort(key=lambda r: -(r["validation_accuracy"] or -1.0))
        return rows


def pack_csr(indptr: np.ndarray, indices: np.ndarray) -> Tuple[bytes, bytes]:
    """CSR arrays as the little-endian bytes the extension reads (u64 indptr, u32 indices)."""
    return (
        np.ascontiguousarray(indptr, dtype="<u8").tobytes(),
        np.ascontiguousarray(indices, dtype="<u4").tobytes(),
    )


def unpack_csr(indptr: bytes, indices: bytes) -> Tuple[np.ndarray, np.ndarray]:
    return (
        np.frombuffer(indptr, dtype="<u8").astype(np.int64),
        np.frombuffer(indices, dtype="<u4").astype(np.int32),
    )


def unpack_sums(data: bytes, n_classes: int) -> np.ndarray:
    return np.frombuffer(data, dtype="<i8").astype(np.int64).reshape(-1, n_classes)


def as_frame(rows: List[Dict[str, Any]], as_frame: bool) -> Any:
    if not as_frame:
        return rows
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("rules(as_frame=True) needs pandas: pip install pandas") from e
    return pd.DataFrame(rows)


def rule_sentence(positive: List[str], negated: List[str], polarity: int, class_name: str) -> str:
    """`if "a" AND NOT "b" then C` / `... then NOT C`, as the Rust TextClassifier words it."""
    parts = [f'"{p}"' for p in positive] + [f'NOT "{n}"' for n in negated]
    body = " AND ".join(parts) if parts else "(empty)"
    return f"if {body} then {class_name}" if polarity > 0 else f"if {body} then NOT {class_name}"
