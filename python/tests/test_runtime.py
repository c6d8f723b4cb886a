"""The extension's runtime behaviour: GIL, Ctrl-C, fork."""

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
import scipy.sparse as sp

from tsetlin import TextClassifier, TsetlinClassifier
from tsetlin.datasets import clinical_notes


def big_problem(n=4000, features=400):
    rng = np.random.RandomState(0)
    X = sp.random(n, features, density=0.05, format="csr", random_state=rng)
    X.data[:] = 1
    y = (np.asarray(X[:, 0].todense()).ravel() > 0).astype(int) + 2 * (
        np.asarray(X[:, 1].todense()).ravel() > 0
    )
    return X, y


def test_gil_is_released_during_fit():
    X, y = big_problem()
    clf = TsetlinClassifier(n_clauses=200, epochs=3, auto=False, random_state=0)
    t = threading.Thread(target=clf.fit, args=(X, y))
    started = time.perf_counter()
    t.start()
    ticks = 0
    while t.is_alive():
        ticks += 1
        time.sleep(0.001)
    elapsed = time.perf_counter() - started
    assert elapsed > 0.05, "fit too short to tell"
    # With the GIL held for the whole fit, this thread would barely run at all.
    assert ticks > 0.25 * elapsed / 0.001 * 0.1, (ticks, elapsed)


SCRIPT = textwrap.dedent(
    """
    import signal, sys, time
    # A process started from a background job inherits SIGINT ignored, and Python then
    # leaves it ignored: restore Python's handler so that the test measures the library, not
    # how the test run was started.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import numpy as np, scipy.sparse as sp
    from tsetlin import TsetlinClassifier
    rng = np.random.RandomState(0)
    X = sp.random(4000, 400, density=0.05, format="csr", random_state=rng)
    X.data[:] = 1
    y = rng.randint(0, 4, 4000)
    clf = TsetlinClassifier(n_clauses=200, epochs=100000, auto=False, random_state=0)
    print("training", flush=True)
    t = time.perf_counter()
    try:
        clf.fit(X, y)
    except KeyboardInterrupt:
        print(f"interrupted after {time.perf_counter() - t:.2f}s", flush=True)
        sys.exit(0)
    print("finished", flush=True)
    sys.exit(1)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_interrupts_a_long_fit(tmp_path):
    # Run from an empty folder: `python -c` puts the working directory first on sys.path, and
    # from python/ the source package (without the compiled extension) would shadow the
    # installed one.
    p = subprocess.Popen(
        [sys.executable, "-c", SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert p.stdout.readline().strip() == "training"
        time.sleep(0.5)
        sent = time.perf_counter()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
        assert time.perf_counter() - sent < 5, "the interrupt took too long"
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, (out, err)
    assert out.startswith("interrupted after"), (out, err)


_INHERITED = {}


def _predict_in_child(_):
    # Uses the parent's objects as the fork left them (no pickling on the way).
    clf, X = _INHERITED["clf"], _INHERITED["X"]
    return clf.predict(X).tolist()


def _fit_in_child(args):
    X, y = args
    clf = TsetlinClassifier(n_clauses=20, epochs=2, auto=False, random_state=0, n_jobs=2).fit(X, y)
    return clf.predict(X).tolist()


def _text_in_child(_):
    texts, _ = clinical_notes(50, 9)
    return _INHERITED["text"].predict(texts).tolist()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_children_do_not_hang():
    X, y = big_problem(1000, 100)
    # The parent uses its thread pools first: a child inherits them without their threads.
    clf = TsetlinClassifier(n_clauses=20, epochs=2, auto=False, random_state=0, n_jobs=2).fit(X, y)
    expected = clf.predict(X).tolist()
    texts, labels = clinical_notes(300, 1)
    text = TextClassifier(n_clauses=20, epochs=2, auto=False, random_state=0, n_jobs=2).fit(texts, labels)
    text_expected = text.predict(clinical_notes(50, 9)[0]).tolist()
    _INHERITED.update(clf=clf, X=X, text=text)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        got = pool.map_async(_predict_in_child, [0, 1]).get(timeout=30)
        assert got == [expected, expected]
        fitted = pool.map_async(_fit_in_child, [(X, y)] * 2).get(timeout=30)
        assert fitted == [expected, expected]
        got = pool.map_async(_text_in_child, [0, 1]).get(timeout=30)
        assert got == [text_expected, text_expected]
    # The parent still works after forking.
    assert clf.predict(X).tolist() == expected


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_raw_fork_uses_the_inherited_model():
    X, y = big_problem(500, 50)
    clf = TsetlinClassifier(n_clauses=20, epochs=2, auto=False, random_state=0, n_jobs=2).fit(X, y)
    expected = clf.class_sums(X)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: predict and train on the inherited object, report, exit
        try:
            ok = np.array_equal(clf.class_sums(X), expected)
            clf.partial_fit(X, y)
            os.write(w, b"ok" if ok else b"mismatch")
        finally:
            os._exit(0)
    os.close(w)
    deadline = time.time() + 30
    while time.time() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child hung")
    assert os.read(r, 16) == b"ok"


def test_device_choice():
    """``device``: "auto" and "cpu" train on the CPU; "cuda" says this build has no CUDA
    backend; an unknown name is a ValueError naming it."""
    X = np.array([[1, 0], [0, 1]] * 20, dtype=np.uint8)
    y = np.array([1, 0] * 20)
    for device in ("auto", "cpu"):
        clf = TsetlinClassifier(10, 5.0, 3.0, epochs=3, auto=False, device=device, random_state=1)
        assert clf.fit(X, y).score(X, y) == 1.0
    with pytest.raises(RuntimeError, match="no CUDA backend"):
        TsetlinClassifier(10, 5.0, 3.0, epochs=1, auto=False, device="cuda").fit(X, y)
    with pytest.raises(ValueError, match="tpu"):
        TextClassifier(device="tpu").fit(["a b", "c d"], ["x", "y"])


def test_predict_from_many_threads_at_once():
    """A web server's worker threads share one fitted model: concurrent predictions neither
    fail ("Already borrowed") nor differ from one-at-a-time ones."""
    from concurrent.futures import ThreadPoolExecutor

    texts, labels = clinical_notes(300, 5)
    text_clf = TextClassifier(n_clauses=20, epochs=3, auto=False, random_state=0).fit(texts, labels)
    X, y = big_problem(n=600, features=100)
    clf = TsetlinClassifier(n_clauses=20, epochs=2, auto=False, random_state=0).fit(X, y)
    expected_text = text_clf.class_sums(texts[:20])
    expected = clf.class_sums(X[:20])
    with ThreadPoolExecutor(max_workers=8) as pool:
        text_sums = list(pool.map(lambda _: text_clf.class_sums(texts[:20]), range(64)))
        sums = list(pool.map(lambda _: clf.class_sums(X[:20]), range(64)))
    for got in text_sums:
        np.testing.assert_array_equal(got, expected_text)
    for got in sums:
        np.testing.assert_array_equal(got, expected)
