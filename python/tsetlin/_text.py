"""Raw text in: `TextClassifier` (the Rust `TextClassifier`, the CLI's model file) and
`TsetlinVectorizer` (the Rust featurizer as a scikit-learn transformer)."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Optional

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d

from . import _multilabel, _tsetlin
from ._common import (
    AutoSettingsMixin,
    ReadableRulesMixin,
    as_frame,
    pinned_json,
    search_args,
    warn_if_cut,
    resolve_device,
    resolve_n_jobs,
    resolve_seed,
    unpack_csr,
    unpack_sums,
)

_SELECTIONS = ("chi2", "mutual_info", "df")


def _texts(X: Any) -> List[str]:
    if isinstance(X, (str, bytes)):
        raise ValueError("expected an iterable of texts (a list of str), got a single string")
    if sp.issparse(X) or (isinstance(X, np.ndarray) and X.ndim != 1):
        raise ValueError("expected an iterable of texts (a list of str)")
    texts = list(X)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise ValueError(f"text {i} is a {type(t).__name__}, not a str")
    return texts


def _stop_words(value: Any) -> bool:
    if value is None or value is False:
        return False
    if value is True or value == "english":
        return True
    raise ValueError(f"stop_words = {value!r}: expected None or 'english' (the built-in list)")


def _featurizer_config(est: Any) -> Dict[str, Any]:
    if est.selection not in _SELECTIONS:
        raise ValueError(f"selection = {est.selection!r}: expected one of {_SELECTIONS}")
    return {
        "lowercase": bool(est.lowercase),
        "ngram_max": 1 if est.ngram_max is None else est.ngram_max,
        "stop_words": _stop_words(est.stop_words),
        "stem": bool(est.stem),
        "strip_html_breaks": bool(est.strip_html_breaks),
        "strip_newsgroup_headers": bool(est.strip_newsgroup_headers),
        "min_df": est.min_df,
        "max_features": est.max_features or None,
        "selection": est.selection,
    }


def _config_params(config_json: str) -> Dict[str, Any]:
    """Constructor arguments from the featurizer settings stored in a model file."""
    c = json.loads(config_json)
    tok = c.get("tokenizer", {})
    selection = {"ChiSquared": "chi2", "MutualInformation": "mutual_info", "DocFrequency": "df"}
    return {
        "lowercase": tok.get("lowercase", True),
        "ngram_max": tok.get("ngram_max", 1),
        "stop_words": "english" if tok.get("stop_words") else None,
        "stem": tok.get("stem", False),
        "strip_html_breaks": tok.get("strip_html_breaks", True),
        "strip_newsgroup_headers": tok.get("strip_newsgroup_headers", False),
        "min_df": c.get("min_df", 1),
        "max_features": c.get("max_features"),
        "selection": selection.get(c.get("selection"), "chi2"),
    }



def _csr(indptr: bytes, indices: bytes, n_features: int) -> sp.csr_matrix:
    p, i = unpack_csr(indptr, indices)
    data = np.ones(len(i), dtype=np.uint8)
    return sp.csr_matrix((data, i, p), shape=(len(p) - 1, n_features))


class TextClassifier(
    _multilabel.MultiLabelMixin, AutoSettingsMixin, ReadableRulesMixin, ClassifierMixin, BaseEstimator
):
    """Tsetlin machine text classifier: raw strings in, labels and readable rules out.

    The Rust featurizer (tokenizer, n-grams, document-frequency cut, chi-squared or mutual
    information selection) and the machine are one model, saved in the same file as the
    ``tsetlin`` command line (``--model``). Labels are stored as strings in that file; within
    Python, ``classes_`` keeps the labels as given to ``fit``.

    Automatic settings (``auto=True``, the default): every setting left at None
    (``n_clauses``, ``T``, ``s``, ``weighted``, ``boost_true_positive``, ``epochs``,
    ``ngram_max``, ``max_features``, ``clause_drop``) is chosen on the training data only, by the same search
    as ``tsetlin train`` (a stratified hold-out, or 3-fold cross-validation under 2,000
    texts, of the last texts of each class in the order given, or a random sample with
    ``validation_split="shuffled"``; successive halving over epochs within ``budget`` seconds, planned for a 2-core
    laptop; ``time_limit=False``: no wall-clock cut, the choice depends on the seed alone),
    then the final model trains on all of ``X``. Settings given are used exactly
    (``clause_drop`` too: None lets the search try 0 and 0.5). Among candidates within ``length_tolerance`` (default 0.005: half a point of validation
    accuracy) of the best, the one with the shortest rules is chosen; 0 ranks by accuracy
    alone.
    After ``fit``: ``best_params_`` (the settings used, as constructor arguments) and
    ``search_log_`` (one dict per candidate). With ``auto=False``, the settings left at None
    take defaults derived from the data (the corpus size and density). ``simplify=True`` (the
    default): after training, each clause loses the literals whose removal makes no training
    prediction worse (``tsetlin train`` does the same); :meth:`simplify_rules` goes further on
    request and :meth:`readability` measures the rules.

    Multi-label: ``y`` as a 2-D 0/1 indicator matrix (dense or sparse) or a list of label
    lists (``[["allergy", "cardiac"], [], ...]``) trains one machine with a clause bank per
    label (the library's multi-label path, as ``tsetlin train`` on label lists): the last
    texts (20 %; 10 % from 10,000 on) choose the epoch count and one threshold per label,
    then the final model trains on all of ``X``. ``predict`` answers in the form ``y`` had;
    ``classes_`` is what ``MultiLabelBinarizer`` would have (the column numbers of an
    indicator, the sorted labels of label lists); ``decision_function`` is each label's sum
    minus its threshold (above 0: predicted). The settings search covers multi-label data
    too (each candidate scored by validation micro-F1); ``partial_fit`` and labelled
    :meth:`readability` / :meth:`simplify_rules` take single-label data.

    Text parameters: ``lowercase``, ``ngram_max`` (1: words, 2: words and word pairs),
    ``stop_words`` (None or "english"), ``stem`` (English Snowball), ``min_df``,
    ``max_features`` (keep the best terms by ``selection``: "chi2", "mutual_info" or "df";
    0 keeps all), ``strip_html_breaks``, ``strip_newsgroup_headers``. Machine parameters as
    in :class:`tsetlin.TsetlinClassifier`.
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
        lowercase: bool = True,
        ngram_max: Optional[int] = None,
        stop_words: Optional[str] = None,
        stem: bool = False,
        min_df: int = 2,
        max_features: Optional[int] = None,
        selection: str = "chi2",
        strip_html_breaks: bool = True,
        strip_newsgroup_headers: bool = False,
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
        self.lowercase = lowercase
        self.ngram_max = ngram_max
        self.stop_words = stop_words
        self.stem = stem
        self.min_df = min_df
        self.max_features = max_features
        self.selection = selection
        self.strip_html_breaks = strip_html_breaks
        self.strip_newsgroup_headers = strip_newsgroup_headers
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
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.classifier_tags.multi_label = True
        return tags

    # -- labels: Python objects <-> the file's label strings -----------------------------

    def _set_labels(self, classes: np.ndarray) -> None:
        names = [str(c) for c in classes]
        if len(set(names)) != len(names):
            raise ValueError(f"labels {list(classes)} are not distinct as strings")
        self.classes_ = classes
        # The Rust model orders classes by their string; column k of its sums is class
        # ``_order[k]`` of classes_.
        self._to_name = dict(zip(classes.tolist(), names))
        self._order = np.argsort(np.array(names, dtype=object), kind="stable")

    def _names(self, y: np.ndarray) -> List[str]:
        try:
            return [self._to_name[v] for v in y.tolist()]
        except KeyError as e:
            raise ValueError(f"label {e.args[0]!r} is not one of {list(self.classes_)}") from None

    def fit(self, X: Any, y: Any) -> "TextClassifier":
        """Chooses the settings left at None on ``X`` (unless ``auto=False``), fits the
        featurizer and trains the final machine on all of ``X``. Multi-label ``y`` (an
        indicator matrix or label lists): see the class documentation."""
        resolve_device(self.device)
        targets = _multilabel.read_targets(y)
        if targets is not None:
            return self._fit_multi_label(X, targets)
        return self._fit_searched(X, y, None)

    def _fit_searched(self, X: Any, y: Any, searcher: Any) -> "TextClassifier":
        """``fit`` for single-label ``y``, its settings search run here (``searcher`` None)
        or by ``searcher(plan)``, which runs a ``SearchPlan`` elsewhere and returns its log
        (``tsetlin.ray.tune_fit``); the final model is trained here either way."""
        self._multi_label_form = None
        texts, labels = self._start(X, y, None)
        featurizer, pinned, search = _featurizer_config(self), pinned_json(self), search_args(self)
        seed, threads = resolve_seed(self.random_state), resolve_n_jobs(self.n_jobs)
        if searcher is None:
            self.model_ = _tsetlin.TextModel.train_auto(
                texts, labels, featurizer, pinned, search, seed, threads)
        else:
            plan, log = _tsetlin.SearchPlan.of_texts(
                texts, labels, featurizer, pinned, search, seed, threads)
            if plan is not None:
                log = searcher(plan)
            self.model_ = _tsetlin.TextModel.finish(
                texts, labels, log, featurizer, search, seed, threads)
        self._check_classes()
        warn_if_cut(self.search_log)
        self.n_iter_ = len(self.model_.history())
        return self

    def _fit_multi_label(self, X: Any, targets: "_multilabel.MultiLabelTargets",
                         searcher: Any = None) -> "TextClassifier":
        """``fit`` for multi-label targets; ``searcher`` as in :meth:`_fit_searched`."""
        texts = _texts(X)
        if len(texts) != len(targets.rows):
            raise ValueError(f"{len(texts)} texts but {len(targets.rows)} label rows")
        self._set_labels(targets.classes)
        if len(self.classes_) < 2:
            raise ValueError("a multi-label TextClassifier needs at least 2 labels")
        self._multi_label_form = targets.form
        sets = [self._names(np.array(row, dtype=object)) for row in targets.rows]
        featurizer, pinned, search = _featurizer_config(self), pinned_json(self), search_args(self)
        known = [self._to_name[c] for c in self.classes_.tolist()]
        seed, threads = resolve_seed(self.random_state), resolve_n_jobs(self.n_jobs)
        plan, log = None, None
        if searcher is not None:
            plan, log = _tsetlin.SearchPlan.of_texts_multi_label(
                texts, sets, featurizer, pinned, search, known, seed, threads)
            if plan is not None:
                log = searcher(plan)
        if log is None:
            self.model_ = _tsetlin.TextModel.train_multi_label(
                texts, sets, featurizer, pinned, search, None, known, seed, threads)
        else:
            self.model_ = _tsetlin.TextModel.finish_multi_label(
                texts, sets, log, featurizer, search, None, known, seed, threads)
        self.n_iter_ = len(self.model_.history())
        return self

    def _thresholds(self) -> np.ndarray:
        """Each label's threshold, in ``classes_`` order."""
        found = self.model_.thresholds()
        if found is None:
            raise ValueError("the model file holds no per-label thresholds")
        out = np.empty(len(self.classes_), dtype=np.int64)
        out[self._order] = np.asarray(found[0], dtype=np.int64)
        return out

    def _start(self, X: Any, y: Any, classes: Any):  # type: ignore[no-untyped-def]
        texts = _texts(X)
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if len(texts) != len(y):
            raise ValueError(f"{len(texts)} texts but {len(y)} labels")
        self._set_labels(np.unique(y) if classes is None else unique_labels(classes))
        if len(self.classes_) < 2:
            raise ValueError("TextClassifier needs at least 2 classes; only one class is present")
        return texts, self._names(y)

    def _check_classes(self) -> None:
        if len(self.model_.classes) != len(self.classes_):
            missing = sorted(set(self._to_name.values()) - set(self.model_.classes))
            del self.model_
            raise ValueError(f"the first batch must contain every class; missing {missing}")

    def _search_json(self) -> Optional[str]:
        check_is_fitted(self, "model_")
        return self.model_.search_json()

    def _settings_json(self) -> str:
        check_is_fitted(self, "model_")
        return self.model_.settings_json()

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> "TextClassifier":
        """One pass over the texts in the given order (no settings search). The first call
        fits the featurizer on its texts, with the given settings over the data-derived
        defaults, and needs ``classes`` (and every class present in the batch)."""
        resolve_device(self.device)
        if _multilabel.read_targets(y) is not None or (
                hasattr(self, "model_") and self._is_multi_label()):
            raise ValueError("partial_fit takes single-label targets so far; fit trains on multi-label ones")
        if not hasattr(self, "model_"):
            self._multi_label_form = None
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            texts, labels = self._start(X, y, classes)
            self.model_ = _tsetlin.TextModel.prepare(
                texts, labels, _featurizer_config(self), pinned_json(self),
                resolve_seed(self.random_state), resolve_n_jobs(self.n_jobs),
            )
            self._check_classes()
            self.n_iter_ = 0
        else:
            texts = _texts(X)
            y = column_or_1d(y, warn=True)
            if len(texts) != len(y):
                raise ValueError(f"{len(texts)} texts but {len(y)} labels")
            labels = self._names(y)
        self.model_.partial_fit(texts, labels, 1, False, resolve_n_jobs(self.n_jobs))
        self.n_iter_ += 1
        return self

    def class_sums(self, X: Any) -> np.ndarray:
        """Class sums, int64 (n_texts, n_classes), columns in ``classes_`` order."""
        check_is_fitted(self, "model_")
        data = self.model_.class_sums(_texts(X), resolve_n_jobs(self.n_jobs))
        sums = unpack_sums(data, len(self.classes_))
        out = np.empty_like(sums)
        out[:, self._order] = sums
        return out

    def decision_function(self, X: Any) -> np.ndarray:
        sums = self.class_sums(X).astype(np.float64)
        if self._is_multi_label():
            return sums - self._thresholds()
        return sums[:, 1] - sums[:, 0] if sums.shape[1] == 2 else sums

    def predict(self, X: Any) -> Any:
        check_is_fitted(self, "model_")
        if self._is_multi_label():
            chosen = (self.class_sums(X) > self._thresholds()).astype(np.int64)
            return _multilabel.to_form(self._multi_label_form, self.classes_, chosen)
        data = self.model_.class_sums(_texts(X), resolve_n_jobs(self.n_jobs))
        ids = np.argmax(unpack_sums(data, len(self.classes_)), axis=1)  # engine's tie rule
        return self.classes_[self._order[ids]]

    def transform(self, X: Any) -> sp.csr_matrix:
        """The texts as the machine's binary features (CSR)."""
        check_is_fitted(self, "model_")
        indptr, indices = self.model_.transform(_texts(X), resolve_n_jobs(self.n_jobs))
        return _csr(indptr, indices, len(self.model_.feature_names))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "model_")
        return np.array(self.model_.feature_names, dtype=object)

    def _label(self, name: str) -> Any:
        """The class label (a plain Python value) of a class name of the model file."""
        return self.classes_.tolist()[self._order[self.model_.classes.index(name)]]

    def rules(self, as_frame: bool = False) -> Any:
        """Every non-empty clause as a rule (dicts, or a DataFrame): class, clause, polarity,
        weight, feature ids and terms, and the rule in words."""
        check_is_fitted(self, "model_")
        rows = []
        for r in self.model_.rules():
            rows.append({
                "class": self._label(r["class_name"]),
                "class_index": int(self._order[r["class"]]),
                "clause": r["clause"],
                "polarity": r["polarity"],
                "weight": r["weight"],
                "positive": r["positive"],
                "negated": r["negated"],
                "positive_names": r["positive_terms"],
                "negated_names": r["negated_terms"],
                "text": r["text"],
            })
        return _frame(rows, as_frame)

    def explain(self, text: str) -> Dict[str, Any]:
        """Why a text gets its class: fired rules with votes, the class sums they add up to,
        and the byte spans of the text behind each present feature."""
        check_is_fitted(self, "model_")
        if not isinstance(text, str):
            raise ValueError("explain takes one text (a str)")
        e = self.model_.explain(text)
        names = self.model_.classes
        if self._is_multi_label():
            sums = np.empty(len(self.classes_), dtype=np.int64)
            sums[self._order] = np.asarray(e["class_sums"], dtype=np.int64)
            chosen = np.flatnonzero(sums > self._thresholds())
            predicted: Any = tuple(self.classes_[j] for j in chosen)
        else:
            predicted = self._label(e["predicted"])
        return {
            "predicted": predicted,
            "class_sums": {self._label(n): s for n, s in zip(names, e["class_sums"])},
            "fired": [
                {
                    "class": self._label(f["class_name"]),
                    "clause": f["clause"],
                    "vote": f["vote"],
                    "positive_names": [self.model_.feature_names[i] for i in f["positive"]],
                    "negated_names": [self.model_.feature_names[i] for i in f["negated"]],
                    "text": f["text"],
                }
                for f in e["fired"]
            ],
            "matches": e["matches"],
        }

    def _readability_json(self, X: Any, y: Any) -> str:
        check_is_fitted(self, "model_")
        threads = resolve_n_jobs(self.n_jobs)
        if X is None:
            return self.model_.readability_json(threads=threads)
        self._refuse_multi_label("readability(X, y)")
        return self.model_.readability_json(_texts(X), self._names(np.asarray(y)), threads=threads)

    def _simplify_json(self, X: Any, y: Any, check: Any, **options: Any) -> str:
        check_is_fitted(self, "model_")
        self._refuse_multi_label("simplify_rules")
        checked = (None, None) if check is None else (_texts(check[0]), self._names(np.asarray(check[1])))
        return self.model_.simplify(
            _texts(X), self._names(np.asarray(y)), *checked,
            threads=resolve_n_jobs(self.n_jobs), **options,
        )

    @property
    def simplified_(self) -> Optional[Dict[str, Any]]:
        """What simplifying the rules removed (after ``fit`` with ``simplify=True`` or a
        :meth:`simplify_rules` call), or None."""
        check_is_fitted(self, "model_")
        s = self.model_.simplified_json()
        return None if s is None else json.loads(s)

    @property
    def history_(self) -> List[Dict[str, Any]]:
        """The training log stored in the model file (one dict per epoch)."""
        check_is_fitted(self, "model_")
        return self.model_.history()

    def save(self, path: Any) -> None:
        """Writes the model file that ``tsetlin predict/eval/rules/explain --model`` read."""
        check_is_fitted(self, "model_")
        self.model_.save(os.fspath(path))

    @classmethod
    def load(cls, path: Any, **params: Any) -> "TextClassifier":
        """Reads a model file written by :meth:`save` or by ``tsetlin train --model``.

        The featurizer and machine settings come from the file; ``params`` may set the
        others (``n_jobs``, ``epochs`` for later fits, ...). ``classes_`` are the file's label
        strings.
        """
        return cls._from_model(_tsetlin.TextModel.load(os.fspath(path)), params)

    @classmethod
    def _from_model(cls, model: Any, params: Dict[str, Any]) -> "TextClassifier":
        p = model.params()
        settings = dict(
            n_clauses=p["n_clauses"],
            T=p["threshold"],
            s=p["specificity"],
            state_bits=p["state_bits"],
            boost_true_positive=p["boost_true_positive"],
            weighted=p["weighted"],
            literal_budget=p["literal_budget"],
            clause_drop=p["clause_drop"],
            focused_negative_sampling=p["focused_negative_sampling"],
            random_state=p["seed"],
        )
        settings.update(_config_params(model.featurizer_json()))
        settings["epochs"] = max(1, len(model.history()))
        if settings.get("max_features") is None:
            settings["max_features"] = 0
        settings.update(params)
        est = cls(**settings)
        est._set_labels(np.array(model.classes, dtype=object))
        # A multi-label file answers with label tuples (its labels are strings).
        est._multi_label_form = _multilabel.SETS if model.multi_label else None
        est.model_ = model
        est.n_iter_ = len(model.history())
        return est


class TsetlinVectorizer(TransformerMixin, BaseEstimator):
    """The Rust featurizer as a scikit-learn transformer: texts to binary term-presence
    features (scipy.sparse CSR, uint8), e.g. in a ``Pipeline`` before
    :class:`tsetlin.TsetlinClassifier`. ``fit(X, y)`` uses ``y`` to rank terms when
    ``max_features`` is set with ``selection`` "chi2" or "mutual_info"."""

    def __init__(
        self,
        *,
        lowercase: bool = True,
        ngram_max: int = 1,
        stop_words: Optional[str] = None,
        stem: bool = False,
        min_df: int = 1,
        max_features: Optional[int] = None,
        selection: str = "chi2",
        strip_html_breaks: bool = True,
        strip_newsgroup_headers: bool = False,
        n_jobs: Optional[int] = None,
    ) -> None:
        self.lowercase = lowercase
        self.ngram_max = ngram_max
        self.stop_words = stop_words
        self.stem = stem
        self.min_df = min_df
        self.max_features = max_features
        self.selection = selection
        self.strip_html_breaks = strip_html_breaks
        self.strip_newsgroup_headers = strip_newsgroup_headers
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags

    def fit(self, X: Any, y: Any = None) -> "TsetlinVectorizer":
        texts = _texts(X)
        config = _featurizer_config(self)
        if y is None:
            if config["max_features"] is not None and self.selection != "df":
                raise ValueError(
                    f"selection={self.selection!r} ranks terms by the labels: pass y to fit, "
                    "or use selection='df'"
                )
            labels, n_classes = None, 1
        else:
            y = column_or_1d(y, warn=True)
            if len(y) != len(texts):
                raise ValueError(f"{len(texts)} texts but {len(y)} labels")
            classes, inverse = np.unique(y, return_inverse=True)
            labels, n_classes = [int(i) for i in inverse], len(classes)
        self.featurizer_ = _tsetlin.Featurizer.fit(
            texts, labels, n_classes, config, resolve_n_jobs(self.n_jobs)
        )
        return self

    def transform(self, X: Any) -> sp.csr_matrix:
        check_is_fitted(self, "featurizer_")
        indptr, indices = self.featurizer_.transform(_texts(X), resolve_n_jobs(self.n_jobs))
        return _csr(indptr, indices, self.featurizer_.n_features)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "featurizer_")
        return np.array(self.featurizer_.feature_names, dtype=object)

    @property
    def vocabulary_(self) -> Dict[str, int]:
        """Term -> feature id."""
        check_is_fitted(self, "featurizer_")
        return {t: i for i, t in enumerate(self.featurizer_.feature_names)}


def _frame(rows: List[Dict[str, Any]], frame: bool) -> Any:
    return as_frame(rows, frame)
