import numpy as np
import pytest


@pytest.fixture
def planted():
    """Binary data with a planted rule: class 1 iff x0 AND NOT x1 (40 features, 600 rows)."""
    rng = np.random.RandomState(0)
    X = (rng.rand(600, 40) < 0.3).astype(np.uint8)
    y = ((X[:, 0] == 1) & (X[:, 1] == 0)).astype(int)
    return X, y


def require_engine(module: str, install: str):
    """The module of an optional scale-out engine (pyspark, ray), or a skip that says how to
    get it; under TSETLIN_REQUIRE_ENGINES=1 (CI) its absence fails the test instead."""
    import importlib
    import os

    try:
        return importlib.import_module(module)
    except ImportError as e:
        if os.environ.get("TSETLIN_REQUIRE_ENGINES") == "1":
            raise
        pytest.skip(f"{module} is not installed ({e}); {install}")


@pytest.fixture(scope="session")
def scoring_models(tmp_path_factory):
    """A single-label and a multi-label text model saved to files, the estimators that wrote
    them, and texts to score (with the labels they were trained on)."""
    from tsetlin import TextClassifier, datasets

    folder = tmp_path_factory.mktemp("models")
    texts, labels = datasets.clinical_notes(500, seed=3)
    single = TextClassifier(n_clauses=40, T=20, s=4.0, epochs=3, random_state=0, auto=False)
    single.fit(texts, labels)
    single.save(folder / "single.tsetlin")
    ml_texts, ml_labels = datasets.clinical_notes_multi_label(500, seed=4)
    multi = TextClassifier(n_clauses=40, T=20, s=4.0, epochs=3, random_state=0, auto=False)
    multi.fit(ml_texts, ml_labels)
    multi.save(folder / "multi.tsetlin")
    (folder / "damaged.tsetlin").write_bytes((folder / "single.tsetlin").read_bytes()[:200])
    return {
        "folder": folder,
        "single": (folder / "single.tsetlin", single, texts, labels),
        "multi": (folder / "multi.tsetlin", multi, ml_texts, ml_labels),
        "damaged": folder / "damaged.tsetlin",
    }
