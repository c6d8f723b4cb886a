"""Throughput of batch scoring: the plain Python API in one process, tsetlin.spark on a local
Spark, a naive pandas_udf (the model loaded per batch, what users write first), and
tsetlin.ray on a local Ray with 1 and 2 workers. One mode per process, so that no engine's
JVM or actors linger into another's timing; bench/scaling.sh runs them one after another.

    python bench/scaling.py prepare --texts T.jsonl.gz --repeat 8 --out notes.parquet
    python bench/scaling.py python  --model M --notes notes.parquet [--threads 2]
    python bench/scaling.py spark   --model M --notes notes.parquet [--cores 2]
    python bench/scaling.py naive   --model M --notes notes.parquet [--cores 2]
    python bench/scaling.py ray     --model M --notes notes.parquet --workers 1|2

Each mode prints one JSON line: mode, notes, seconds (end to end: reading the notes, scoring,
and consuming the output; the engines' startup is reported apart as ``startup_s``; the
Spark modes run ``--runs`` jobs in one session, the first paying for starting the Python
workers, and report the later ones as ``later_runs_s``), notes_per_s (of the first run). Timed on whatever else runs on the machine: run nothing beside it.
"""

# No `from __future__ import annotations`: pandas_udf reads the naive UDF's type hints.
import argparse
import gzip
import json
import os
import sys
import time


def _emit(mode: str, notes: int, seconds: float, **extra: object) -> None:
    print(json.dumps({"mode": mode, "notes": notes, "seconds": round(seconds, 3),
                      "notes_per_s": round(notes / seconds, 1), **extra}), flush=True)


def prepare(args: argparse.Namespace) -> None:
    """The notes: a JSONL(.gz) file's texts repeated ``--repeat`` times, in one Parquet file
    of ``--files`` parts (the engines read it in parallel)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    opener = gzip.open if args.texts.endswith(".gz") else open
    with opener(args.texts, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    texts = texts * args.repeat
    os.makedirs(args.out, exist_ok=True)
    step = -(-len(texts) // args.files)
    for k in range(args.files):
        part = texts[k * step:(k + 1) * step]
        table = pa.table({"id": pa.array(range(k * step, k * step + len(part)), pa.int64()),
                          "text": pa.array(part, pa.string())})
        pq.write_table(table, os.path.join(args.out, f"part-{k:03d}.parquet"))
    print(json.dumps({"notes": len(texts), "files": args.files, "out": args.out}))


def _read_texts(folder: str) -> list:
    import pyarrow.parquet as pq

    return pq.read_table(folder, columns=["text"]).column("text").to_pylist()


def plain_python(args: argparse.Namespace) -> None:
    """The same scoring with the Python API in one process: read, featurize and score."""
    from tsetlin import TextClassifier
    from tsetlin import _tsetlin

    start = time.perf_counter()
    texts = _read_texts(args.notes)
    read_s = time.perf_counter() - start
    clf = TextClassifier.load(args.model, n_jobs=args.threads)
    scored = 0
    for lo in range(0, len(texts), args.batch):
        batch = texts[lo:lo + args.batch]
        scored += len(clf.predict(batch))
    total = time.perf_counter() - start
    # Apart, for the capacity model: how much of scoring is turning texts into features.
    model = _tsetlin.TextModel.load(args.model)
    t0 = time.perf_counter()
    for lo in range(0, len(texts), args.batch):
        model.transform(texts[lo:lo + args.batch], args.threads)
    featurize_s = time.perf_counter() - t0
    _emit("python", scored, total, threads=args.threads, read_s=round(read_s, 3),
          featurize_s=round(featurize_s, 3))


def _spark(cores: int, arrow_batch: int):
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    t0 = time.perf_counter()
    spark = (SparkSession.builder.master(f"local[{cores}]").appName("tsetlin-scaling")
             .config("spark.ui.enabled", "false")
             .config("spark.driver.memory", "4g")
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(arrow_batch))
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    spark.range(1).collect()  # the JVM and a first job are up
    return spark, time.perf_counter() - t0


def spark_mode(args: argparse.Namespace) -> None:
    """tsetlin.spark.predict, its output consumed by Spark's no-op sink."""
    from tsetlin import spark as tspark

    spark, startup = _spark(args.cores, args.arrow_batch)
    _timed_jobs(spark, args, "spark", startup,
                lambda df: tspark.predict(df, args.model).write.format("noop").mode("overwrite").save())
    spark.stop()


def _timed_jobs(spark, args: argparse.Namespace, mode: str, startup: float, job) -> None:
    """``job`` over the notes ``--runs`` times in one session: the first run pays for starting
    the Python workers (and, for tsetlin.spark, decoding the model in each); later ones not."""
    notes = spark.read.parquet(args.notes).count()
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        job(spark.read.parquet(args.notes))
        times.append(time.perf_counter() - start)
    _emit(mode, notes, times[0], cores=args.cores, arrow_batch=args.arrow_batch,
          startup_s=round(startup, 3),
          later_runs_s=[round(t, 3) for t in times[1:]],
          later_notes_per_s=[round(notes / t, 1) for t in times[1:]])


def naive_mode(args: argparse.Namespace) -> None:
    """What users write first: a pandas_udf that loads the model file in every batch."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    from tsetlin import TextClassifier

    model_path = args.model
    spark, startup = _spark(args.cores, args.arrow_batch)  # before the UDF: defining one needs a session

    @pandas_udf("string")
    def label(texts: pd.Series) -> pd.Series:
        clf = TextClassifier.load(model_path)
        return pd.Series(clf.predict(texts.tolist()))

    _timed_jobs(spark, args, "spark-naive", startup,
                lambda df: df.withColumn("label", label("text")).write.format("noop").mode("overwrite").save())
    spark.stop()


def ray_mode(args: argparse.Namespace) -> None:
    """tsetlin.ray.predict with ``--workers`` actors of one thread, the output materialized in
    the object store (Spark's no-op sink has no Ray twin; pulling every text back to the
    driver would time the driver). Ray is given ``--workers`` + 1 logical CPUs on the
    machine's cores, so that the tasks that read the Parquet files have a slot beside the
    pool."""
    import ray

    from tsetlin import ray as tray

    t0 = time.perf_counter()
    ray.init(num_cpus=args.workers + 1, include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    startup = time.perf_counter() - t0
    start = time.perf_counter()
    ds = ray.data.read_parquet(args.notes)
    notes = tray.predict(ds, args.model, workers=args.workers).materialize().count()
    seconds = time.perf_counter() - start
    _emit("ray", notes, seconds, workers=args.workers, logical_cpus=args.workers + 1,
          startup_s=round(startup, 3))
    ray.shutdown()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="mode", required=True)
    prep = sub.add_parser("prepare")
    prep.add_argument("--texts", required=True)
    prep.add_argument("--repeat", type=int, default=8)
    prep.add_argument("--files", type=int, default=8)
    prep.add_argument("--out", required=True)
    for name in ("python", "spark", "naive", "ray"):
        q = sub.add_parser(name)
        q.add_argument("--model", required=True)
        q.add_argument("--notes", required=True)
        q.add_argument("--cores", type=int, default=2)
        q.add_argument("--threads", type=int, default=2)
        q.add_argument("--batch", type=int, default=10_000)
        q.add_argument("--workers", type=int, default=2)
        q.add_argument("--runs", type=int, default=3, help="spark modes: jobs timed in one session")
        q.add_argument("--arrow-batch", type=int, default=10_000,
                       help="spark modes: rows per Arrow batch (Spark's default 10,000)")
    args = p.parse_args()
    {"prepare": prepare, "python": plain_python, "spark": spark_mode, "naive": naive_mode,
     "ray": ray_mode}[args.mode](args)


if __name__ == "__main__":
    main()
