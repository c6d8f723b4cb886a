"""Shared helpers for the benchmark scripts: read the svmlight files the Rust side exports.

Format: first line a comment `# n_features=F n_classes=M`, then `LABEL f:1 f:1 ...` rows with
0-based increasing feature ids and binary presence.
"""
import re
import sys


def read_header(path):
    """Return (n_features, n_classes) from the header comment; n_classes may be None."""
    with open(path, "r", encoding="utf-8") as f:
        first = f.readline()
    m = re.search(r"n_features\s*=\s*(\d+)", first)
    if not first.startswith("#") or not m:
        raise ValueError(f"{path}: first line must be a comment '# n_features=F n_classes=M', got {first[:80]!r}")
    c = re.search(r"n_classes\s*=\s*(\d+)", first)
    return int(m.group(1)), (int(c.group(1)) if c else None)


def load_svm(path, n_features=None, max_rows=None):
    """Load an svmlight file as (X csr float64, y int64, n_features, n_classes).

    n_features defaults to the header's; a test file is loaded with the train file's count.
    """
    from sklearn.datasets import load_svmlight_file
    import numpy as np

    hdr_features, hdr_classes = read_header(path)
    nf = n_features if n_features is not None else hdr_features
    X, y = load_svmlight_file(path, n_features=nf, zero_based=True, dtype=np.float64)
    y = y.astype(np.int64)
    if max_rows is not None and max_rows > 0:
        X, y = X[:max_rows], y[:max_rows]
    if X.nnz and X.data.max() != 1.0:
        print(f"warning: {path} has non-binary values; treating any non-zero as 1", file=sys.stderr)
        X.data[:] = 1.0
    X = X.tocsr()
    X.sort_indices()
    if X.nnz < 2**31 - 1:  # load_svmlight_file may give int64 indices; LinearSVC (liblinear) rejects them
        X.indices = X.indices.astype(np.int32)
        X.indptr = X.indptr.astype(np.int32)
    return X, y, nf, hdr_classes
