"""Helpers shared by the estimators: threads, seeds, CSR packing, rule tables."""

from __future__ import annotations

import numbers
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
        return int(n_jobs)
    return max(1, _tsetlin.available_threads() + 1 + int(n_jobs))


def resolve_seed(random_state: Any) -> int:
    """An int is the engine's seed as it is (the CLI's --seed); None or a RandomState draws one."""
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state = {random_state}: must be >= 0")
        return int(random_state)
    rng = check_random_state(random_state)
    return int(rng.randint(_INT64_MAX, dtype=np.int64))


def check_epochs(epochs: Any) -> int:
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 0:
        raise ValueError(f"epochs = {epochs!r}: must be an integer >= 0")
    return int(epochs)


def machine_params(est: Any, seed: int) -> Dict[str, Any]:
    """The engine's hyper-parameters from an estimator's constructor arguments."""

    def flag(name: str) -> bool:
        value = getattr(est, name)
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{name} = {value!r}: must be True or False")
        return bool(value)

    def number(name: str) -> Any:
        value = getattr(est, name)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{name} = {value!r}: must be a number")
        return value

    def integer(name: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise ValueError(f"{name} = {value!r}: must be an integer")
        return int(value)

    return {
        "n_clauses": integer("n_clauses", est.n_clauses),
        "threshold": None if est.T is None else float(number("T")),
        "specificity": float(number("s")),
        "state_bits": integer("state_bits", est.state_bits),
        "boost_true_positive": flag("boost_true_positive"),
        "weighted": flag("weighted"),
        "literal_budget": None
        if est.literal_budget is None
        else integer("literal_budget", est.literal_budget),
        "clause_drop": float(number("clause_drop")),
        "focused_negative_sampling": flag("focused_negative_sampling"),
        "seed": seed,
    }


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
