"""tsetlin: Tsetlin machine classifiers with human-readable rules, over a Rust engine.

>>> from tsetlin import TextClassifier
>>> from tsetlin.datasets import clinical_notes
>>> texts, labels = clinical_notes(400, seed=1)
>>> clf = TextClassifier(n_clauses=40, T=20, s=4.0, epochs=5, random_state=0).fit(texts, labels)
>>> clf.predict(["itchy rash and a reaction after the new drug"])[0] in clf.classes_
True
"""

from ._tsetlin import __version__
from ._classifier import TsetlinClassifier
from ._text import TextClassifier, TsetlinVectorizer
from . import datasets

__all__ = ["TsetlinClassifier", "TextClassifier", "TsetlinVectorizer", "datasets", "__version__"]
