"""The automatic-settings search run locally (``TextClassifier.fit``) against the same search
run on a local Ray Tune (``tsetlin.ray.tune_fit``: one trial per candidate, halving as Tune's
scheduler). One mode per process, so that no Ray actor lingers into the local timing; run
them one after another. Both searches run without the wall-clock limit (``time_limit=False``),
so that each runs its whole plan and the two can be compared.

    python bench/tune_search.py local --train T.jsonl [--threads 2] [--budget S] [--max-epochs E]
    python bench/tune_search.py tune  --train T.jsonl [--cpus 2] [--budget S] [--max-epochs E]

Each prints one JSON line: mode, documents, candidates, seconds (end to end: the search and
the final model; Ray's start is reported apart as ``startup_s``), the chosen trial and its
validation accuracy, and SHA-256 digests of the search log and of the model bytes, which are
equal for the two modes when the searches made the same choice. Training data only: no test
file is read. Timed on whatever else runs on the machine: run nothing beside it.
"""

import argparse
import hashlib
import json
import tempfile
import time

from lstm_baseline import read_jsonl  # the benches' one JSONL reader (stdlib only at import)


def read_labelled(path: str):
    """([label list], [text]) of a multi-label .jsonl corpus ("labels": [...] per row)."""
    labels, texts = [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row.get("labels"), list) or "text" not in row:
                raise ValueError(f"{path}:{n}: need 'text' and a 'labels' list")
            labels.append([str(x) for x in row["labels"]])
            texts.append(row["text"])
    return labels, texts


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["local", "tune"])
    p.add_argument("--train", required=True)
    p.add_argument("--threads", type=int, default=2,
                   help="engine threads of the local search and of both final models")
    p.add_argument("--cpus", type=int, default=2, help="tune: Ray's CPUs (one-thread trials)")
    p.add_argument("--budget", type=float, default=900.0)
    p.add_argument("--max-epochs", type=int, default=20)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--multi-label", action="store_true",
                   help="the file's rows carry \"labels\" lists (a multi-label search)")
    args = p.parse_args()

    from tsetlin import TextClassifier

    labels, texts = read_labelled(args.train) if args.multi_label else read_jsonl(args.train)
    est = TextClassifier(random_state=args.seed, budget=args.budget, time_limit=False,
                         max_epochs=args.max_epochs, n_jobs=args.threads)
    extra = {}
    if args.mode == "local":
        start = time.monotonic()
        est.fit(texts, labels)
        seconds = time.monotonic() - start
    else:
        import ray
        from tsetlin import ray as tray

        start = time.monotonic()
        ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
        extra["startup_s"] = round(time.monotonic() - start, 2)
        start = time.monotonic()
        with tempfile.TemporaryDirectory() as storage:
            tray.tune_fit(est, texts, labels, threads=1, storage_path=storage, name="search")
        seconds = time.monotonic() - start
        ray.shutdown()
    log = est.search_log
    print(json.dumps({
        "mode": args.mode, "documents": len(texts), "candidates": len(log["trials"]),
        "rungs": log["rungs"], "seconds": round(seconds, 2), "chosen_trial": log["chosen_trial"],
        "valid_accuracy": log["valid_accuracy"], "cut": log["cut"],
        "log_sha256": _digest(json.dumps(log, sort_keys=True).encode()),
        "model_sha256": _digest(est.model_.to_bytes()), **extra,
    }), flush=True)


if __name__ == "__main__":
    main()
