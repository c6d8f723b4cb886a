"""Type stubs of the Rust extension module `tsetlin._tsetlin`.

Rows cross as CSR arrays packed little-endian into bytes: ``indptr`` as u64, ``indices`` as
u32; class sums come back as row-major i64 bytes. The estimators in `tsetlin` do the packing.
``search`` is the JSON object of the search keywords (``_common.search_args``): ``auto``,
``simplify``, ``budget``, ``time_limit``, ``max_epochs``, ``validation_split``,
``length_tolerance``; a key
left out takes the library's default.
"""

from os import PathLike
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

__version__: str

_Path = Union[str, PathLike[str]]

class Machine:
    def __init__(
        self, n_classes: int, n_features: int, params: Optional[Dict[str, Any]] = None
    ) -> None: ...
    @staticmethod
    def train_auto(
        n_classes: int,
        n_features: int,
        indptr: bytes,
        indices: bytes,
        y: bytes,
        pinned: str = "{}",
        search: str = "{}",
        seed: int = 42,
        threads: int = 1,
    ) -> Tuple["Machine", str]: ...
    @staticmethod
    def train_multi_label(
        n_labels: int,
        n_features: int,
        indptr: bytes,
        indices: bytes,
        label_sets: Sequence[Sequence[int]],
        pinned: str = "{}",
        search: str = "{}",
        seed: int = 42,
        threads: int = 1,
    ) -> Tuple["Machine", List[int], str, str, Optional[str]]: ...
    @property
    def n_classes(self) -> int: ...
    @property
    def n_features(self) -> int: ...
    @property
    def steps(self) -> int: ...
    def params(self) -> Dict[str, Any]: ...
    def fit(
        self,
        indptr: bytes,
        indices: bytes,
        y: bytes,
        epochs: int,
        shuffle: bool = True,
        threads: int = 1,
    ) -> List[float]: ...
    def class_sums(self, indptr: bytes, indices: bytes, threads: int = 1) -> bytes: ...
    def rules(self) -> List[Dict[str, Any]]: ...
    def readability_json(
        self,
        names: Sequence[str],
        indptr: Optional[bytes] = None,
        indices: Optional[bytes] = None,
        y: Optional[bytes] = None,
        threads: int = 1,
    ) -> str: ...
    def simplify(
        self,
        indptr: bytes,
        indices: bytes,
        y: bytes,
        check_indptr: Optional[bytes] = None,
        check_indices: Optional[bytes] = None,
        check_y: Optional[bytes] = None,
        max_changes: int = 0,
        tolerance: float = 0.5,
        preserve: str = "decisions",
        threads: int = 1,
    ) -> str: ...
    def explain(self, row: Sequence[int]) -> Dict[str, Any]: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> "Machine": ...
    def save(self, path: _Path) -> None: ...
    @staticmethod
    def load(path: _Path) -> "Machine": ...

class Featurizer:
    @staticmethod
    def fit(
        texts: Sequence[str],
        labels: Optional[Sequence[int]] = None,
        n_classes: int = 1,
        config: Optional[Dict[str, Any]] = None,
        threads: int = 1,
    ) -> "Featurizer": ...
    def transform(self, texts: Sequence[str], threads: int = 1) -> Tuple[bytes, bytes]: ...
    @property
    def feature_names(self) -> List[str]: ...
    @property
    def n_features(self) -> int: ...
    def config_json(self) -> str: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> "Featurizer": ...

class TextModel:
    @staticmethod
    def train_auto(
        texts: Sequence[str],
        labels: Sequence[str],
        featurizer: Optional[Dict[str, Any]] = None,
        pinned: str = "{}",
        search: str = "{}",
        seed: int = 42,
        threads: int = 1,
    ) -> "TextModel": ...
    @staticmethod
    def finish(
        texts: Sequence[str],
        labels: Sequence[str],
        log: str,
        featurizer: Optional[Dict[str, Any]] = None,
        search: str = "{}",
        seed: int = 42,
        threads: int = 1,
    ) -> "TextModel": ...
    @staticmethod
    def finish_multi_label(
        texts: Sequence[str],
        label_sets: Sequence[Sequence[str]],
        log: str,
        featurizer: Optional[Dict[str, Any]] = None,
        search: str = "{}",
        valid_fraction: Optional[float] = None,
        labels: Optional[Sequence[str]] = None,
        seed: int = 42,
        threads: int = 1,
    ) -> "TextModel": ...
    @staticmethod
    def train_multi_label(
        texts: Sequence[str],
        label_sets: Sequence[Sequence[str]],
        featurizer: Optional[Dict[str, Any]] = None,
        pinned: str = "{}",
        search: str = "{}",
        valid_fraction: Optional[float] = None,
        labels: Optional[Sequence[str]] = None,
        seed: int = 42,
        threads: int = 1,
    ) -> "TextModel": ...
    @property
    def multi_label(self) -> bool: ...
    def thresholds(self) -> Optional[Tuple[List[int], str]]: ...
    @staticmethod
    def prepare(
        texts: Sequence[str],
        labels: Sequence[str],
        featurizer: Optional[Dict[str, Any]] = None,
        pinned: str = "{}",
        seed: int = 42,
        threads: int = 1,
    ) -> "TextModel": ...
    def settings_json(self) -> str: ...
    def search_json(self) -> Optional[str]: ...
    def simplified_json(self) -> Optional[str]: ...
    def readability_json(
        self,
        texts: Optional[Sequence[str]] = None,
        labels: Optional[Sequence[str]] = None,
        threads: int = 1,
    ) -> str: ...
    def simplify(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        check_texts: Optional[Sequence[str]] = None,
        check_labels: Optional[Sequence[str]] = None,
        max_changes: int = 0,
        tolerance: float = 0.5,
        preserve: str = "decisions",
        threads: int = 1,
    ) -> str: ...
    def partial_fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        epochs: int = 1,
        shuffle: bool = False,
        threads: int = 1,
    ) -> None: ...
    @property
    def classes(self) -> List[str]: ...
    @property
    def feature_names(self) -> List[str]: ...
    def featurizer_json(self) -> str: ...
    def params(self) -> Dict[str, Any]: ...
    def history(self) -> List[Dict[str, Any]]: ...
    def transform(self, texts: Sequence[str], threads: int = 1) -> Tuple[bytes, bytes]: ...
    def class_sums(self, texts: Sequence[str], threads: int = 1) -> bytes: ...
    def rules(self) -> List[Dict[str, Any]]: ...
    def explain(self, text: str) -> Dict[str, Any]: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes) -> "TextModel": ...
    def save(self, path: _Path) -> None: ...
    @staticmethod
    def load(path: _Path) -> "TextModel": ...

def clinical_notes(n: int = 1000, seed: int = 0) -> Tuple[List[str], List[str]]: ...
def clinical_notes_multi_label(n: int = 1000, seed: int = 0) -> Tuple[List[str], List[List[str]]]: ...
def available_threads() -> int: ...
def resolve_device(name: str) -> Tuple[str, Optional[str]]: ...
def write_atomically(path: str, data: bytes) -> None: ...

MAX_THREADS_PER_CORE: int

class SearchPlan:
    """A planned settings search, run a candidate and a rung at a time (``tsetlin.ray``)."""
    @staticmethod
    def of_texts(
        texts: Sequence[str],
        labels: Sequence[str],
        featurizer: Optional[Dict[str, Any]] = None,
        pinned: str = "{}",
        search: str = "{}",
        seed: int = 42,
        threads: int = 1,
    ) -> Tuple[Optional["SearchPlan"], Optional[str]]: ...
    @staticmethod
    def of_texts_multi_label(
        texts: Sequence[str],
        label_sets: Sequence[Sequence[str]],
        featurizer: Optional[Dict[str, Any]] = None,
        pinned: str = "{}",
        search: str = "{}",
        labels: Optional[Sequence[str]] = None,
        seed: int = 42,
        threads: int = 1,
    ) -> Tuple[Optional["SearchPlan"], Optional[str]]: ...
    @property
    def n_candidates(self) -> int: ...
    @property
    def rungs(self) -> List[int]: ...
    def candidate_json(self, id: int) -> str: ...
    def advance(
        self,
        id: int,
        rung: int,
        outcome: Optional[str] = None,
        checkpoint: Optional[bytes] = None,
        threads: int = 1,
    ) -> Tuple[str, bytes, str]: ...
    def survivors(
        self, alive: Sequence[int], outcomes: Sequence[Optional[str]], last: bool
    ) -> List[int]: ...
    def conclude(self, outcomes: Sequence[Optional[str]], cut: Optional[str] = None) -> str: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(
        data: bytes, search: str, seed: int, n_labels: Optional[int] = None
    ) -> "SearchPlan": ...
