#!/usr/bin/env python3
"""Time ONE existing Python Tsetlin-machine library on svmlight train/test files.

Run one library per process (see run_others.sh), with OMP_NUM_THREADS etc. set to --threads:

  bench/.venv/bin/python bench/tm_others.py --lib {tmu,pytmp,green} --train A.svm --test B.svm \
      --clauses 2000 --T 1600 --s 27 --epochs 3 --threads 2 --boost [--weighted] [--seed 1] \
      [--max-train-rows R] [--json]

Prints one JSON line per epoch (fit_s and predict_s timed separately with perf_counter, data
loading and conversion excluded). On failure prints a JSON line with "error" and "step" and
exits non-zero, so no library is dropped silently.

--clauses is PER CLASS (tmu / pyTsetlinMachine semantics). green-tsetlin's clauses are shared by
all classes (each clause has one weight per class), so by default it gets clauses * n_classes
shared clauses (the same total clause count: 2,000 per class x 2 classes -> 4,000 shared, as in
ANCHORS.md); --green-shared-clauses N overrides that. Every line states the semantics used.
"""
import argparse
import json
import os
import resource
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KB on Linux


class Fail(Exception):
    def __init__(self, step, msg):
        super().__init__(msg)
        self.step = step


def step(name, fn, *a, **kw):
    try:
        return fn(*a, **kw)
    except Fail:
        raise
    except BaseException as e:  # noqa: BLE001 - report everything, including SystemExit from C libs
        traceback.print_exc(file=sys.stderr)
        raise Fail(name, f"{type(e).__name__}: {e}")


# ----------------------------------------------------------------------------- libraries
# Each runner: prepare(Xtr, ytr, Xte, yte) once (conversion, untimed), then per epoch
# train_epoch() and predict() -> y_hat. meta() gives the fields that describe the run.

class TmuRunner:
    """tmu TMClassifier on CPU. fit() trains exactly one epoch per call and keeps the state between
    calls (incremental=True is the default), so one fit() call = one epoch. tmu's CPU backend is
    single-threaded whatever OMP_NUM_THREADS says. X must be dense uint32."""
    name = "tmu"

    def __init__(self, a, n_classes):
        import importlib.metadata as md
        from tmu.models.classification.vanilla_classifier import TMClassifier
        self.version = md.version("tmu")
        self.tm = TMClassifier(number_of_clauses=a.clauses, T=a.T, s=a.s, platform="CPU",
                               boost_true_positive_feedback=1 if a.boost else 0,
                               weighted_clauses=a.weighted, max_included_literals=None,
                               incremental=True, seed=a.seed)
        self.clauses, self.semantics = a.clauses, "per class"
        self.threads_used = 1

    def prepare(self, Xtr, ytr, Xte, yte):
        import numpy as np
        self.Xtr = np.ascontiguousarray(Xtr.toarray(), dtype=np.uint32)
        self.ytr = ytr.astype(np.uint32)
        self.Xte = np.ascontiguousarray(Xte.toarray(), dtype=np.uint32)

    def train_epoch(self):
        self.tm.fit(self.Xtr, self.ytr)

    def predict(self):
        return self.tm.predict(self.Xte)

    def meta(self):
        return {"seeded": True, "backend": "TMClassifier(platform=CPU), fit() = 1 epoch, incremental",
                "threads_used": self.threads_used}


class PytmpRunner:
    """pyTsetlinMachineParallel MultiClassTsetlinMachine (OpenMP, threads from OMP_NUM_THREADS).
    fit(X, Y, epochs=1, incremental=True) after the first call continues training. It cannot be
    seeded (the C code seeds itself), so runs are not reproducible. X: dense uint32."""
    name = "pytmp"

    def __init__(self, a, n_classes):
        pytmp_dir = os.path.join(HERE, ".venv", "pytmp")
        if not os.path.isdir(pytmp_dir):
            raise RuntimeError(f"{pytmp_dir} missing: run bench/setup.sh")
        # Only this process sees the --target folder, so its libTM cannot clash with pyTsetlinMachine.
        sys.path.insert(0, pytmp_dir)
        from pyTsetlinMachineParallel.tm import MultiClassTsetlinMachine
        self.version = _pytmp_version(pytmp_dir)
        self.tm = MultiClassTsetlinMachine(a.clauses, a.T, a.s,
                                           boost_true_positive_feedback=1 if a.boost else 0,
                                           weighted_clauses=a.weighted)
        self.first = True
        self.clauses, self.semantics = a.clauses, "per class"
        self.threads_used = int(os.environ.get("OMP_NUM_THREADS", "0") or 0) or None

    def prepare(self, Xtr, ytr, Xte, yte):
        import numpy as np
        self.Xtr = np.ascontiguousarray(Xtr.toarray(), dtype=np.uint32)
        self.ytr = ytr.astype(np.uint32)
        self.Xte = np.ascontiguousarray(Xte.toarray(), dtype=np.uint32)

    def train_epoch(self):
        self.tm.fit(self.Xtr, self.ytr, epochs=1, incremental=not self.first)
        self.first = False

    def predict(self):
        return self.tm.predict(self.Xte)

    def meta(self):
        return {"seeded": False, "backend": "MultiClassTsetlinMachine fit(epochs=1, incremental=True)",
                "threads_used": self.threads_used}


def _pytmp_version(d):
    for n in os.listdir(d):
        if n.lower().startswith("pytsetlinmachineparallel-") and n.endswith(".dist-info"):
            return n[len("pytsetlinmachineparallel-"):-len(".dist-info")]
    return "unknown"


class GreenRunner:
    """green-tsetlin. Its public Trainer.train() always evaluates after every epoch inside the same
    call, so it cannot time training and prediction apart. We build exactly the objects that
    Trainer._train_inner builds (input block, focused-negative-sampling feedback block, one clause
    block per thread, single/multi-thread executor) and call the executor's train_epoch() and
    eval_predict() ourselves: the same C++ calls Trainer makes (Trainer times train_epoch() the
    same way for its own 'train_time_of_epochs'), with predict timed separately, batched and on the
    same threads. (gt.Predictor predicts one example per Python call, single-threaded: not used.)

    Models (--green-model):
      dense  : gt.TsetlinMachine (AVX2 clause blocks when the CPU has AVX2), the standard TM.
      sparse : gt.SparseTsetlinMachine (sparse clause storage with active-literal lists, clause
               size and active-literal size capped at ceil(sqrt(n_literals)), lower TA threshold
               -40): a different, approximate variant, so it is NOT the default.
    Input (--green-input): csr (SparseInputDenseOutputBlock: rows kept as CSR, expanded per example
      in C++; low memory) or dense (uint8 matrix, DenseInputBlock).
    literal_budget=None (off). Clause weights are always integers per class in green-tsetlin, so
    it is always 'weighted' in tmu's sense whatever --weighted says."""
    name = "green"

    def __init__(self, a, n_classes):
        import importlib.metadata as md
        import green_tsetlin as gt
        self.gt = gt
        self.version = md.version("green-tsetlin")
        self.a = a
        self.n_classes = n_classes
        self.clauses = a.green_shared_clauses or a.clauses * n_classes
        self.semantics = "shared"
        self.threads_used = max(1, a.threads)

    def prepare(self, Xtr, ytr, Xte, yte):
        import numpy as np
        from scipy.sparse import csr_matrix
        from green_tsetlin.backend import impl
        gt, a = self.gt, self.a
        n_lit = Xtr.shape[1]
        if a.green_model == "sparse":
            tm = gt.SparseTsetlinMachine(n_literals=n_lit, n_clauses=self.clauses, n_classes=self.n_classes,
                                         s=float(a.s), threshold=int(a.T), literal_budget=None,
                                         boost_true_positives=a.boost)
            inp = "csr"
        else:
            tm = gt.TsetlinMachine(n_literals=n_lit, n_clauses=self.clauses, n_classes=self.n_classes,
                                   s=float(a.s), threshold=int(a.T), literal_budget=None,
                                   boost_true_positives=a.boost)
            inp = a.green_input
        self.inp = inp
        if inp == "csr":
            def conv(X):
                X = csr_matrix(X, dtype=np.uint8)
                X.sort_indices()
                return (X.indices.astype(np.uint32), X.indptr.astype(np.uint32))
            self.Xtr, self.Xte = conv(Xtr), conv(Xte)
            ib_cls = impl["sparse_input"] if a.green_model == "sparse" else impl["sparse_input_dense_output"]
        else:
            self.Xtr = np.ascontiguousarray(Xtr.toarray(), dtype=np.uint8)
            self.Xte = np.ascontiguousarray(Xte.toarray(), dtype=np.uint8)
            ib_cls = impl["dense_input"]
        self.ytr = np.ascontiguousarray(ytr, dtype=np.uint32)
        self.yte = np.ascontiguousarray(yte, dtype=np.uint32)
        self.y_hat = np.empty_like(self.yte)

        self.ib = ib_cls(n_lit)
        self._set(self.Xtr, self.ytr)
        self.fb = impl["feedback"](self.n_classes, int(a.T), a.seed)  # focused negative sampling
        tm.set_num_clause_blocks(self.threads_used)
        self.cbs = tm.construct_clause_blocks()
        self.cb_class = type(self.cbs[0]).__name__
        for cb in self.cbs:
            cb.set_feedback(self.fb)
            cb.set_input_block(self.ib)
        self._alloc = gt.allocate_clause_blocks(self.cbs, seed=a.seed)
        self._alloc.__enter__()
        if self.threads_used == 1:
            self.ex = impl["single_executor"](self.ib, self.cbs, self.fb, 1, a.seed)
        else:
            self.ex = impl["thread_executor"](self.ib, self.cbs, self.fb, self.threads_used, a.seed)
        self.tm = tm
        self.on_train = True

    def _set(self, X, y):
        if isinstance(X, tuple):
            self.ib.set_data(X[0], X[1], y)
        else:
            self.ib.set_data(X, y)

    def train_epoch(self):
        if not self.on_train:
            self._set(self.Xtr, self.ytr)
            self.on_train = True
        self.ex.train_epoch()

    def predict(self):
        self._set(self.Xte, self.yte)  # labels are only stored, prediction does not read them
        self.on_train = False
        self.ex.eval_predict(self.y_hat)
        return self.y_hat.copy()

    def meta(self):
        return {"seeded": True, "weighted": True, "threads_used": self.threads_used,
                "backend": f"{'SparseTsetlinMachine' if self.a.green_model == 'sparse' else 'TsetlinMachine'} "
                           f"{self.cb_class}, input={self.inp}, executor train_epoch/eval_predict, "
                           f"{len(self.cbs)} clause block(s)",
                "green_model": self.a.green_model, "green_input": self.inp}


RUNNERS = {"tmu": TmuRunner, "pytmp": PytmpRunner, "green": GreenRunner}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lib", required=True, choices=sorted(RUNNERS))
    p.add_argument("--train", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--clauses", type=int, required=True, help="clauses PER CLASS")
    p.add_argument("--T", type=int, required=True)
    p.add_argument("--s", type=float, required=True)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--boost", dest="boost", action="store_true", default=True)
    p.add_argument("--no-boost", dest="boost", action="store_false")
    p.add_argument("--weighted", action="store_true")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-train-rows", type=int, default=None)
    p.add_argument("--json", action="store_true", help="JSON lines only (default also prints a summary to stderr)")
    p.add_argument("--green-shared-clauses", type=int, default=None,
                   help="green-tsetlin total shared clauses (default clauses * n_classes)")
    p.add_argument("--green-model", choices=["dense", "sparse"], default="dense")
    p.add_argument("--green-input", choices=["csr", "dense"], default="csr")
    a = p.parse_args()

    # Libraries log to stdout (tmu's logging, C printf): send fd 1 to stderr and keep the real
    # stdout for our JSON lines only, so OUTDIR/others.jsonl stays pure JSON.
    sys.stdout.flush()
    json_out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def emit(rec):
        json_out.write(json.dumps(rec) + "\n")
        json_out.flush()

    omp = os.environ.get("OMP_NUM_THREADS")
    if omp is not None and omp != str(a.threads):
        print(f"warning: OMP_NUM_THREADS={omp} but --threads {a.threads}", file=sys.stderr)

    base = {"lib": a.lib, "version": None}
    try:
        import numpy as np
        from sklearn.metrics import accuracy_score, f1_score
        from svmdata import load_svm
        Xtr, ytr, nf, hdr_classes = step("load train", load_svm, a.train, None, a.max_train_rows)
        Xte, yte, _, _ = step("load test", load_svm, a.test, nf)
        n_classes = max(hdr_classes or 0, int(ytr.max()) + 1, int(yte.max()) + 1)
        runner = step("import/construct", RUNNERS[a.lib], a, n_classes)
        base["version"] = runner.version
        step("convert data", runner.prepare, Xtr, ytr, Xte, yte)
        common = {"lib": a.lib, "version": runner.version, "threads": a.threads,
                  "clauses": runner.clauses, "clauses_semantics": runner.semantics,
                  "clauses_per_class_requested": a.clauses, "T": a.T, "s": a.s, "boost": a.boost,
                  "weighted": a.weighted, "seed": a.seed, "rows_train": Xtr.shape[0],
                  "rows_test": Xte.shape[0], "n_features": nf, "n_classes": n_classes}
        common.update(runner.meta())
        for ep in range(1, a.epochs + 1):
            t0 = time.perf_counter()
            step(f"fit epoch {ep}", runner.train_epoch)
            t1 = time.perf_counter()
            y_hat = step(f"predict epoch {ep}", runner.predict)
            t2 = time.perf_counter()
            y_hat = np.asarray(y_hat).astype(np.int64)
            rec = dict(common)
            rec.update({"epoch": ep, "fit_s": round(t1 - t0, 4), "predict_s": round(t2 - t1, 4),
                        "accuracy": round(float(accuracy_score(yte, y_hat)), 5),
                        "macro_f1": round(float(f1_score(yte, y_hat, average="macro", labels=list(range(n_classes)),
                                                         zero_division=0)), 5),
                        "peak_rss_mb": round(peak_rss_mb(), 1)})
            emit(rec)
            if not a.json:
                print(f"[{a.lib}] epoch {ep}: fit {rec['fit_s']:.2f} s, predict {rec['predict_s']:.2f} s, "
                      f"acc {rec['accuracy']:.4f}, macro F1 {rec['macro_f1']:.4f}, RSS {rec['peak_rss_mb']:.0f} MB",
                      file=sys.stderr, flush=True)
    except Fail as f:
        rec = dict(base, error=str(f), step=f.step, threads=a.threads)
        emit(rec)
        print(f"ERROR [{a.lib}] step '{f.step}': {f}", file=sys.stderr, flush=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
