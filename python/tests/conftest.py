import numpy as np
import pytest


@pytest.fixture
def planted():
    """Binary data with a planted rule: class 1 iff x0 AND NOT x1 (40 features, 600 rows)."""
    rng = np.random.RandomState(0)
    X = (rng.rand(600, 40) < 0.3).astype(np.uint8)
    y = ((X[:, 0] == 1) & (X[:, 1] == 0)).astype(int)
    return X, y
