"""Small data sets shipped with the package (generated, nothing is downloaded)."""

from __future__ import annotations

from typing import List, Tuple

from . import _tsetlin


def clinical_notes(n: int = 1000, seed: int = 0) -> Tuple[List[str], List[str]]:
    """``n`` synthetic clinical notes and their labels ("allergy", "cardiac", "infection",
    "other"), generated deterministically from ``seed`` by planted rules such as
    ``rash AND reaction AND NOT denies -> allergy`` (the demo corpus of the CLI)."""
    if n < 0 or seed < 0:
        raise ValueError("n and seed must be >= 0")
    return _tsetlin.clinical_notes(n, seed)


def clinical_notes_multi_label(n: int = 1000, seed: int = 0) -> Tuple[List[str], List[List[str]]]:
    """``n`` synthetic clinical notes and their label lists: each note documents each of
    "allergy", "cardiac" and "infection" independently (about a third two or more, a fifth
    none), the label set given by the same planted rules as :func:`clinical_notes`."""
    if n < 0 or seed < 0:
        raise ValueError("n and seed must be >= 0")
    return _tsetlin.clinical_notes_multi_label(n, seed)
