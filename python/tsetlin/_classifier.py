"""`TsetlinClassifier`: the scikit-learn estimator over the Rust engine."""

from __future__ import annotations

import json
import os
import pickle
from typing import Any, Dict, List, Optional

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from . import _multilabel, _tsetlin
from ._binarize import Encoding, fit_encoding
from ._common import (
    AutoSettingsMixin,
    ReadableRulesMixin,
    as_frame,
    pack_csr,
    pinned_json,
    search_args,
    warn_if_cut,
    resolve_device,
    resolve_n_jobs,
    resolve_seed,
    rule_sentence,
    unpack_sums,
)


class TsetlinClassifier(
    _multilabel.MultiLabelMixin, AutoSettingsMixin, ReadableRulesMixin, ClassifierMixin, BaseEstimator
):
    """Multiclass Tsetlin machine (Granmo 2018; Berge et al. 2019) on Boolean features.

    The engine's input is Boolean. With the default ``binarize="auto"``, 0/1 (or bool) input
    is used as it is and any other numeric input is booleanised by thermometer encoding (up
    to ``n_bins`` quantile thresholds per column, learned in ``fit``). Sparse input goes to the
    engine as its CSR index arrays and is never densified.

    Automatic settings (``auto=True``, the default): the settings left at None are chosen on
    the training data only by the library's search (as ``tsetlin train``: a stratified
    hold-out, or 3-fold cross-validation under 2,000 rows; successive halving over epochs
    within ``budget`` seconds of a 2-core laptop), then the final machine trains on all of
    ``X``. After ``fit``: ``best_params_`` and ``search_log_``. ``auto=False``: the settings
    left at None take defaults derived from the data.

    Parameters
    ----------
    n_clauses : int or None, default=None
        Clauses per class (even: half vote for the class, half against).
    T : float or None, default=None
        Vote margin (threshold).
    s : float or None, default=None
        Specificity (> 1): higher values make longer, more specific rules.
    epochs : int or None, default=None
        Training epochs of ``fit``.
    auto, budget, max_epochs : bool, float, int, default=True, 900.0, 60
        The settings search, its time budget in seconds and its epoch ceiling.
    time_limit : bool, default=True
        Whether the wall clock ends a search that overruns ``budget`` (keeping the best
        candidate so far; the log says so). False: the planned search runs to its end, so
        the choice depends on the seed alone, not on the machine's speed (the CLI's
        ``--no-time-limit``).
    validation_split : "file-order" or "shuffled", default="file-order"
        Which training rows the search holds out: the last ones of each class in the order
        given (rows in time order validate on the newest; related rows that sit together stay
        on one side), or a seeded random sample.
    length_tolerance : float, default=0.005
        Validation accuracy (a share: 0.005 is half a point; micro-F1 for multi-label ``y``)
        the search may give up for shorter rules: among candidates within it of the best,
        the one with the fewest literals per clause wins. 0: accuracy alone.
    simplify : bool, default=True
        After training, each clause loses the literals whose removal makes no training
        prediction worse (shorter rules; see ``tsetlin simplify``).
    binarize : "auto", None, float or "quantile", default="auto"
        How input values become Boolean features: "auto" keeps 0/1 input and thermometer-
        encodes anything else; None requires 0/1 input; a number ``t`` uses ``x > t``;
        "quantile" always uses up to ``n_bins`` thermometer thresholds per column.
    n_bins : int, default=8
        Thresholds per column for the thermometer encoding.
    state_bits, boost_true_positive, weighted, literal_budget, clause_drop,
    focused_negative_sampling :
        Engine options, see the Rust ``Params`` documentation (None: searched, 0 or 0.5 for
        ``clause_drop``).
    random_state : int, RandomState or None, default=None
        An int is the engine's seed (the CLI's ``--seed``); training is deterministic given it,
        whatever ``n_jobs``.
    n_jobs : int or None, default=None
        Threads: None is 1, -1 every core, -2 all but one.
    device : {"auto", "cpu", "cuda"}, default="auto"
        Where the machine runs. "auto" is the CPU in this build (which has no CUDA backend);
        "cuda" raises RuntimeError saying so.

    Multi-label: ``y`` as a 2-D 0/1 indicator matrix (dense or sparse) or a list of label
    lists trains one machine with a clause bank per label; the last rows (20 %; 10 % from
    10,000 on) choose the epoch count and one threshold per label, then the final machine
    trains on all of them. ``predict`` answers in the form ``y`` had, ``classes_`` is what
    ``MultiLabelBinarizer`` would have, ``decision_function`` is each label's sum minus its
    threshold (``thresholds_``). Settings left at None take the data-derived defaults (the
    search covers single-label data so far); ``partial_fit`` takes single-label data.

    Attributes
    ----------
    classes_ : ndarray of the class labels (sorted).
    n_features_in_ : int
    feature_names_in_ : ndarray of str, when fit on a DataFrame with string column names.
    n_iter_ : int, epochs (and partial_fit passes) trained so far.
    """

    def __init__(
        self,
        n_clauses: Optional[int] = None,
        T: Optional[float] = None,
        s: Optional[float] = None,
        *,
        epochs: Optional[int] = None,
        auto: bool = True,
        simplify: bool = True,
        budget: float = 900.0,
        time_limit: bool = True,
        max_epochs: int = 60,
        validation_split: str = "file-order",
        length_tolerance: float = 0.005,
        binarize: Any = "auto",
        n_bins: int = 8,
        state_bits: int = 8,
        boost_true_positive: Optional[bool] = None,
        weighted: Optional[bool] = None,
        literal_budget: Optional[int] = None,
        clause_drop: Optional[float] = None,
        focused_negative_sampling: bool = False,
        random_state: Any = None,
        n_jobs: Optional[int] = None,
        device: str = "auto",
    ) -> None:
        self.n_clauses = n_clauses
        self.T = T
        self.s = s
        self.epochs = epochs
        self.auto = auto
        self.simplify = simplify
        self.budget = budget
        self.time_limit = time_limit
        self.max_epochs = max_epochs
        self.validation_split = validation_split
        self.length_tolerance = length_tolerance
        self.binarize = binarize
        self.n_bins = n_bins
        self.state_bits = state_bits
        self.boost_true_positive = boost_true_positive
        self.weighted = weighted
        self.literal_budget = literal_budget
        self.clause_drop = clause_drop
        self.focused_negative_sampling = focused_negative_sampling
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.device = device

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags

    # -- training ------------------------------------------------------------------------

    def _validate(self, X: Any, y: Any = None, reset: bool = True) -> Any:
        kwargs = dict(accept_sparse="csr", dtype="numeric", reset=reset)
        if y is None:
            return validate_data(self, X, **kwargs), None
        return validate_data(self, X, y, **kwargs)

    def _rows(self, X: Any):  # type: ignore[no-untyped-def]
        indptr, indices, _ = self._encoding.transform(X)
        return pack_csr(indptr, indices)

    def _encode_labels(self, y: np.ndarray) -> bytes:
        idx = np.searchsorted(self.classes_, y)
        idx = np.minimum(idx, len(self.classes_) - 1)
        unknown = self.classes_[idx] != y
        if np.any(unknown):
            raise ValueError(
                f"label {y[unknown][0]!r} is not one of the classes {list(self.classes_)}"
            )
        return np.ascontiguousarray(idx, dtype="<u4").tobytes()

    def _check_classes(self) -> None:
        if len(self.classes_) < 2:
            raise ValueError(
                "TsetlinClassifier needs at least 2 classes; only one class is present "
                f"({self.classes_[0]!r})"
            )

    def fit(self, X: Any, y: Any) -> "TsetlinClassifier":
        """Chooses the settings left at None on ``(X, y)`` (unless ``auto=False``) and trains
        the final machine on all of it. Ctrl-C stops it (KeyboardInterrupt)."""
        resolve_device(self.device)
        targets = _multilabel.read_targets(y)
        if targets is not None:
            return self._fit_multi_label(X, targets)
        self._multi_label_form = None
        X, y = self._validate(X, y, reset=True)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        self._check_classes()
        self._encoding: Encoding = fit_encoding(X, self.binarize, self.n_bins)
        indptr, indices = self._rows(X)
        self._machine, self._search = _tsetlin.Machine.train_auto(
            len(self.classes_), self._encoding.n_features, indptr, indices,
            self._encode_labels(y), pinned_json(self), search_args(self),
            resolve_seed(self.random_state), resolve_n_jobs(self.n_jobs),
        )
        self._settings = None
        warn_if_cut(self.search_log)
        self.n_iter_ = int(self.search_log["chosen"]["epochs"])
        return self

    def _fit_multi_label(self, X: Any, targets: "_multilabel.MultiLabelTargets") -> "TsetlinClassifier":
        X, _ = self._validate(X, reset=True)
        if X.shape[0] != len(targets.rows):
            raise ValueError(f"{X.shape[0]} rows but {len(targets.rows)} label rows")
        self.classes_ = targets.classes
        if len(self.classes_) < 2:
            raise ValueError("a multi-label TsetlinClassifier needs at least 2 labels")
        self._multi_label_form = targets.form
        index = {c: j for j, c in enumerate(self.classes_.tolist())}
        sets = [sorted(index[label] for label in row) for row in targets.rows]
        self._encoding = fit_encoding(X, self.binarize, self.n_bins)
        indptr, indices = self._rows(X)
        self._machine, thresholds, self.thresholds_chosen_on_, self._settings, self._search = (
            _tsetlin.Machine.train_multi_label(
                len(self.classes_), self._encoding.n_features, indptr, indices, sets,
                pinned_json(self), search_args(self), resolve_seed(self.random_state),
                resolve_n_jobs(self.n_jobs),
            )
        )
        self._threshold_values = np.asarray(thresholds, dtype=np.int64)
        self.n_iter_ = int(json.loads(self._settings)["epochs"])
        return self

    def _thresholds(self) -> np.ndarray:
        """Each label's threshold, in ``classes_`` order."""
        return self._threshold_values

    def _search_json(self) -> Optional[str]:
        check_is_fitted(self, "_machine")
        return getattr(self, "_search", None)

    def _settings_json(self) -> str:
        check_is_fitted(self, "_machine")
        if getattr(self, "_settings", None) is not None:
            return self._settings
        return json.dumps(json.loads(self._search)["chosen"])

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> "TsetlinClassifier":
        """One pass over ``(X, y)`` in the given order (online learning).

        ``classes`` (all labels that will ever occur) is required on the first call, as in
        scikit-learn; a quantile encoding is fitted on that first batch.
        """
        first = not hasattr(self, "_machine")
        if _multilabel.read_targets(y) is not None or (not first and self._is_multi_label()):
            raise ValueError("partial_fit takes single-label targets so far; fit trains on multi-label ones")
        if first:
            self._multi_label_form = None
        if first and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        X, y = self._validate(X, y, reset=first)
        check_classification_targets(y)
        if first:
            self.classes_ = unique_labels(classes)
            self._check_classes()
            self._encoding = fit_encoding(X, self.binarize, self.n_bins)
            indptr, indices = self._rows(X)
            n_rows = max(1, X.shape[0])
            mean_present = (len(indices) // 4) / n_rows
            self._machine, self._settings = _tsetlin.Machine.with_defaults(
                len(self.classes_), self._encoding.n_features, X.shape[0], mean_present,
                pinned_json(self), resolve_seed(self.random_state),
            )
            self._search = None
            self.n_iter_ = 0
        elif classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError(
                f"classes={list(unique_labels(classes))} differs from the classes of the first "
                f"call to partial_fit ({list(self.classes_)})"
            )
        indptr, indices = self._rows(X)
        self._machine.fit(
            indptr, indices, self._encode_labels(y), 1, False, resolve_n_jobs(self.n_jobs)
        )
        self.n_iter_ += 1
        return self

    # -- prediction ----------------------------------------------------------------------

    def class_sums(self, X: Any) -> np.ndarray:
        """The machine's class sums (votes), an int64 array of shape (n_samples, n_classes)."""
        check_is_fitted(self, "_machine")
        X, _ = self._validate(X, reset=False)
        indptr, indices = self._rows(X)
        data = self._machine.class_sums(indptr, indices, resolve_n_jobs(self.n_jobs))
        return unpack_sums(data, len(self.classes_))

    def decision_function(self, X: Any) -> np.ndarray:
        """Class sums as scores: (n_samples, n_classes), or for two classes the margin
        ``sum[1] - sum[0]`` of shape (n_samples,) (scikit-learn's binary convention)."""
        sums = self.class_sums(X).astype(np.float64)
        if self._is_multi_label():
            return sums - self._thresholds()
        if sums.shape[1] == 2:
            return sums[:, 1] - sums[:, 0]
        return sums

    def predict(self, X: Any) -> Any:
        """The class with the largest class sum (ties go to the first class); for a
        multi-label model, the labels whose sums are above their thresholds, in the form the
        training ``y`` had."""
        sums = self.class_sums(X)
        if self._is_multi_label():
            chosen = (sums > self._thresholds()).astype(np.int64)
            return _multilabel.to_form(self._multi_label_form, self.classes_, chosen)
        return self.classes_[np.argmax(sums, axis=1)]

    # -- interpretation ------------------------------------------------------------------

    def _feature_names(self) -> List[str]:
        names = getattr(self, "feature_names_in_", None)
        columns = [str(c) for c in names] if names is not None else [
            f"x{j}" for j in range(self.n_features_in_)
        ]
        return self._encoding.feature_names(columns)

    def _rule_row(self, r: Dict[str, Any], names: List[str]) -> Dict[str, Any]:
        label = self.classes_.tolist()[r["class"]]
        positive = [names[f] for f in r["positive"]]
        negated = [names[f] for f in r["negated"]]
        return {
            "class": label,
            "class_index": r["class"],
            "clause": r["clause"],
            "polarity": r["polarity"],
            "weight": r["weight"],
            "positive": r["positive"],
            "negated": r["negated"],
            "positive_names": positive,
            "negated_names": negated,
            "text": rule_sentence(positive, negated, r["polarity"], str(label)),
        }

    def rules(self, as_frame: bool = False) -> Any:
        """Every non-empty clause as a rule: a list of dicts (or a pandas DataFrame).

        ``positive``/``negated`` are engine feature ids (input columns when ``binarize`` is
        None); ``positive_names``/``negated_names`` read them ("x3", "age > 41.5", ...).
        """
        check_is_fitted(self, "_machine")
        names = self._feature_names()
        rows = [self._rule_row(r, names) for r in self._machine.rules()]
        return _as_frame(rows, as_frame)

    def explain(self, x: Any) -> Dict[str, Any]:
        """Why one sample gets its class: the fired clauses and the class sums they add to."""
        check_is_fitted(self, "_machine")
        X = x if sp.issparse(x) else np.asarray(x)
        if not sp.issparse(X) and X.ndim == 1:
            X = X.reshape(1, -1)
        X, _ = self._validate(X, reset=False)
        if X.shape[0] != 1:
            raise ValueError(f"explain takes one sample, got {X.shape[0]}")
        indptr, indices, _ = self._encoding.transform(X)
        e = self._machine.explain([int(i) for i in indices[indptr[0] : indptr[1]]])
        names = self._feature_names()
        by_clause = {(r["class"], r["clause"]): r for r in self._machine.rules()}
        fired = []
        for f in e["fired"]:
            row = self._rule_row(by_clause[(f["class"], f["clause"])], names)
            row["vote"] = f["vote"]
            fired.append(row)
        if self._is_multi_label():
            above = np.asarray(e["class_sums"]) > self._thresholds()
            predicted: Any = tuple(self.classes_[j] for j in np.flatnonzero(above))
        else:
            predicted = self.classes_.tolist()[e["predicted"]]
        return {
            "predicted": predicted,
            "class_sums": {c: s for c, s in zip(self.classes_.tolist(), e["class_sums"])},
            "present": [names[int(i)] for i in indices[indptr[0] : indptr[1]]],
            "fired": fired,
        }

    # -- persistence ---------------------------------------------------------------------

    def _readability_json(self, X: Any, y: Any) -> str:
        check_is_fitted(self, "_machine")
        names = [str(c) for c in self.classes_]
        threads = resolve_n_jobs(self.n_jobs)
        if X is None:
            return self._machine.readability_json(names, threads=threads)
        self._refuse_multi_label("readability(X, y)")
        return self._machine.readability_json(names, *self._labelled_rows(X, y), threads=threads)

    def _simplify_json(self, X: Any, y: Any, check: Any, **options: Any) -> str:
        check_is_fitted(self, "_machine")
        self._refuse_multi_label("simplify_rules")
        checked = (None, None, None) if check is None else self._labelled_rows(*check)
        return self._machine.simplify(
            *self._labelled_rows(X, y), *checked, threads=resolve_n_jobs(self.n_jobs), **options
        )

    def _labelled_rows(self, X: Any, y: Any):  # type: ignore[no-untyped-def]
        """``(indptr, indices, labels)`` bytes of labelled rows, for the bindings."""
        X, y = self._validate(X, y, reset=False)
        return (*self._rows(X), self._encode_labels(np.asarray(y)))

    def save(self, path: Any) -> None:
        """Pickles the estimator (its machine travels as the engine's model bytes).

        Atomic: the pickle is made in memory first, then written to a fresh temporary file
        beside ``path`` and renamed over it, so a failure leaves any earlier file intact.
        """
        data = pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)
        _tsetlin.write_atomically(os.fspath(path), data)

    @classmethod
    def load(cls, path: Any) -> "TsetlinClassifier":
        """Loads what :meth:`save` wrote.

        Never load a pickle from a source you do not trust: unpickling runs code before any
        check can refuse the file. To exchange models, use :meth:`machine_bytes` and the
        engine's model file format, which is validated on loading and safe to read.
        """
        with open(path, "rb") as f:
            obj = pickle.load(f)
        if not isinstance(obj, cls):
            raise ValueError(f"{path}: not a pickled {cls.__name__}")
        return obj

    def machine_bytes(self) -> bytes:
        """The engine's own model file (magic ``TSETLINM``), e.g. for the Rust API."""
        check_is_fitted(self, "_machine")
        return self._machine.to_bytes()


def _as_frame(rows: List[Dict[str, Any]], frame: bool) -> Any:
    return as_frame(rows, frame)
