"""TextClassifier, TsetlinVectorizer, the demo corpus and the CLI's model file."""

import json
import os
import pickle
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.pipeline import make_pipeline

from tsetlin import TextClassifier, TsetlinClassifier, TsetlinVectorizer, _tsetlin
from tsetlin.datasets import clinical_notes

TRAIN = clinical_notes(1000, 1)
TEST = clinical_notes(300, 2)


def make(**kw):
    kw = {
        "n_clauses": 40, "T": 20, "s": 4.0, "epochs": 20, "random_state": 0, "auto": False,
        "weighted": False, "boost_true_positive": False, "ngram_max": 1, "max_features": 0,
        "min_df": 1, **kw,
    }
    return TextClassifier(**kw)


@pytest.fixture(scope="module")
def trained():
    return make().fit(*TRAIN)


def test_demo_corpus():
    texts, labels = clinical_notes(20, 3)
    assert len(texts) == len(labels) == 20 and all(isinstance(t, str) for t in texts)
    assert set(labels) <= {"allergy", "cardiac", "infection", "other"}
    assert clinical_notes(20, 3) == (texts, labels)


def test_trains_on_the_demo_corpus(trained):
    assert trained.score(*TEST) > 0.9
    assert list(trained.classes_) == ["allergy", "cardiac", "infection", "other"]
    assert len(trained.history_) == 20
    rules = trained.rules()
    assert any("rash" in r["positive_names"] for r in rules if r["class"] == "allergy")
    assert rules[0]["text"].startswith("if ")
    frame = trained.rules(as_frame=True)
    assert isinstance(frame, pd.DataFrame) and len(frame) == len(rules)


def test_explain(trained):
    text = TEST[0][0]
    e = trained.explain(text)
    sums = {c: 0 for c in trained.classes_}
    for f in e["fired"]:
        sums[f["class"]] += f["vote"]
    assert sums == e["class_sums"]
    assert e["predicted"] == trained.predict([text])[0]
    for m in e["matches"]:
        for a, b in m["spans"]:
            assert text[a:b].lower().split()[0] in m["term"].split()[0] or m["term"]


def test_labels_keep_their_type():
    texts, labels = TRAIN
    ids = np.array([["allergy", "cardiac", "infection", "other"].index(l) * 5 for l in labels])
    clf = make().fit(texts, ids)  # 0, 5, 10, 15: the file orders them "0", "10", "15", "5"
    assert clf.classes_.tolist() == [0, 5, 10, 15]
    test_ids = [["allergy", "cardiac", "infection", "other"].index(l) * 5 for l in TEST[1]]
    assert clf.score(TEST[0], test_ids) > 0.9
    sums = clf.class_sums(TEST[0])  # columns in classes_ order
    clear = np.sort(sums, axis=1)[:, -1] > np.sort(sums, axis=1)[:, -2]
    np.testing.assert_array_equal(
        clf.classes_[np.argmax(sums, axis=1)][clear], clf.predict(TEST[0])[clear]
    )
    assert clf.rules()[0]["class"] in {0, 5, 10, 15}
    with pytest.raises(ValueError):  # mixed label types: refused (by sklearn or by us)
        make().fit(["a b", "c d"], np.array([1, "1"], dtype=object))


def test_text_input_errors(trained):
    with pytest.raises(ValueError, match="single string"):
        trained.predict("one text")
    with pytest.raises(ValueError, match="not a str"):
        trained.predict([1, 2])
    with pytest.raises(ValueError, match="one class"):
        make().fit(["a", "b"], ["x", "x"])
    with pytest.raises(ValueError, match="selection"):
        make(selection="bogus").fit(*TRAIN)
    with pytest.raises(ValueError, match="ngram_max"):
        make(ngram_max=0).fit(*TRAIN)


def test_featurizer_settings():
    clf = make(epochs=2, ngram_max=2, stop_words="english", stem=True, min_df=3,
               max_features=200, selection="mutual_info").fit(*TRAIN)
    names = clf.get_feature_names_out()
    assert len(names) == 200 and any(" " in n for n in names)
    assert "the" not in set(names)
    X = clf.transform(TEST[0])
    assert sp.issparse(X) and X.shape == (300, 200)


def test_round_trip_with_the_rust_model_file(trained, tmp_path):
    path = tmp_path / "model.tsetlin"
    trained.save(path)
    data = path.read_bytes()
    assert data[:8] == b"TSETLINC"  # the Rust TextClassifier file, as the CLI writes it
    back = TextClassifier.load(path)
    np.testing.assert_array_equal(back.class_sums(TEST[0]), trained.class_sums(TEST[0]))
    assert back.get_params()["n_clauses"] == 40 and back.get_params()["T"] == 20
    assert back.get_params()["random_state"] == 0
    # Decoded by the Rust side directly, the bytes are the same file again.
    assert _tsetlin.TextModel.from_bytes(data).to_bytes() == data
    back.partial_fit(TEST[0][:50], TEST[1][:50])  # a loaded model trains on
    assert len(back.history_) == 21


def test_model_file_errors(trained, tmp_path):
    with pytest.raises(FileNotFoundError):
        TextClassifier.load(tmp_path / "nope.tsetlin")
    path = tmp_path / "m.tsetlin"
    trained.save(path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="checksum"):
        TextClassifier.load(path)
    engine = tmp_path / "engine.bin"
    X = (np.random.RandomState(0).rand(50, 5) > 0.5).astype(int)
    engine.write_bytes(TsetlinClassifier(n_clauses=4, epochs=1, auto=False).fit(X, X[:, 0]).machine_bytes())
    with pytest.raises(ValueError, match="bare engine model"):
        TextClassifier.load(engine)
    with pytest.raises(OSError):
        trained.save(tmp_path / "no" / "such" / "dir" / "m.tsetlin")


def test_pickle(trained):
    back = pickle.loads(pickle.dumps(trained))
    np.testing.assert_array_equal(back.predict(TEST[0]), trained.predict(TEST[0]))


def test_partial_fit():
    texts, labels = TRAIN
    clf = make()
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(texts[:100], labels[:100])
    classes = sorted(set(labels))
    clf.partial_fit(texts[:500], labels[:500], classes=classes)
    for _ in range(10):
        clf.partial_fit(texts, labels)
    assert clf.score(*TEST) > 0.85
    with pytest.raises(ValueError, match="not one of"):
        clf.partial_fit(texts[:2], ["allergy", "unknown"])


def test_vectorizer_in_a_pipeline():
    vec = TsetlinVectorizer(ngram_max=2)
    X = vec.fit_transform(*TRAIN)
    assert sp.isspmatrix_csr(X) and X.dtype == np.uint8 and set(np.unique(X.data)) == {1}
    names = vec.get_feature_names_out()
    assert X.shape[1] == len(names) and vec.vocabulary_[names[3]] == 3
    pipe = make_pipeline(
        TsetlinVectorizer(max_features=300),
        TsetlinClassifier(n_clauses=40, T=20, s=4.0, epochs=20, random_state=0, auto=False,
                          weighted=False, boost_true_positive=False),
    )
    pipe.fit(*TRAIN)
    assert pipe.score(*TEST) > 0.9
    with pytest.raises(ValueError, match="pass y"):
        TsetlinVectorizer(max_features=10).fit(TRAIN[0])
    assert TsetlinVectorizer(max_features=10, selection="df").fit(TRAIN[0]).transform(
        TEST[0]
    ).shape == (300, 10)
    back = pickle.loads(pickle.dumps(vec))
    assert (back.transform(TEST[0]) != vec.transform(TEST[0])).nnz == 0


# -- the command line (branch `cli`), when a binary is available ----------------------------


def _cli():
    if os.environ.get("TSETLIN_CLI"):
        return os.environ["TSETLIN_CLI"]
    root = Path(__file__).resolve().parents[2]
    # The most recently built of the workspace's binaries: a stale release build must not
    # be tested against today's file format.
    built = [
        p
        for p in (root / "target" / "release" / "tsetlin", root / "target" / "debug" / "tsetlin")
        if p.is_file() and os.access(p, os.X_OK)
    ]
    if built:
        return str(max(built, key=lambda p: p.stat().st_mtime))
    return shutil.which("tsetlin")


CLI = _cli()


def _cli_predict(model, texts, tmp_path):
    """Labels and class sums from `tsetlin predict --plain` (one JSON object per line)."""
    inp = tmp_path / "texts.txt"
    inp.write_text("\n".join(t.replace("\n", " ") for t in texts) + "\n")
    out = subprocess.run([CLI, "predict", "--quiet", "--model", str(model), "--plain", str(inp)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert len(rows) == len(texts)
    return rows


@pytest.mark.skipif(CLI is None, reason="no `tsetlin` CLI binary (set TSETLIN_CLI or build it)")
def test_cli_round_trip(trained, tmp_path):
    texts = [t.replace("\n", " ") for t in TEST[0][:50]]
    # Python -> CLI: the CLI predicts with the model Python saved, same labels and sums.
    model = tmp_path / "py.tsetlin"
    trained.save(model)
    rows = _cli_predict(model, texts, tmp_path)
    sums = trained.class_sums(texts)
    for row, label, s in zip(rows, trained.predict(texts), sums):
        assert row["label"] == label
        assert [row["scores"][c] for c in trained.classes_] == s.tolist()
    # CLI -> Python: Python predicts with the model the CLI trained, same as the CLI.
    train = tmp_path / "train.csv"
    pd.DataFrame({"text": TRAIN[0], "label": TRAIN[1]}).to_csv(train, index=False)
    cli_model = tmp_path / "cli.tsetlin"
    out = subprocess.run(
        [CLI, "train", "--quiet", "--train", str(train), "--model", str(cli_model),
         "--epochs", "10", "--clauses", "40", "--threshold", "20", "--specificity", "4",
         "--threads", "1"],
        capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    clf = TextClassifier.load(cli_model)
    assert clf.get_params()["n_clauses"] == 40
    rows = _cli_predict(cli_model, texts, tmp_path)
    assert [r["label"] for r in rows] == clf.predict(texts).tolist()
    assert clf.score(*TEST) > 0.7


def test_crafted_model_files_are_value_errors(trained, tmp_path):
    """A file with a valid checksum and an edited header (as an attacker would write it) is
    refused with ValueError by load and by unpickling, never a panic or an abort."""
    import pickle
    import zlib

    path = tmp_path / "m.tsetlin"
    trained.save(path)
    data = path.read_bytes()
    header_len = int.from_bytes(data[16:20], "little")
    header = data[20 : 20 + header_len].replace(
        b'"ngram_max":1', b'"ngram_max":1000000000000000000', 1
    )
    assert header != data[20 : 20 + header_len]
    body = len(header).to_bytes(4, "little") + header + data[20 + header_len :]
    crafted = data[:12] + zlib.crc32(body).to_bytes(4, "little") + body
    bad = tmp_path / "crafted.tsetlin"
    bad.write_bytes(crafted)
    with pytest.raises(ValueError, match="ngram_max"):
        TextClassifier.load(bad)
    # Unpickling rebuilds the model from its file bytes through the same decoder.
    from tsetlin import _tsetlin

    assert pickle.loads(pickle.dumps(trained)).classes_ is not None
    with pytest.raises(ValueError, match="ngram_max"):
        _tsetlin.TextModel.from_bytes(crafted)
