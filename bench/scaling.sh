#!/usr/bin/env bash
# Batch-scoring throughput (issue 17): the plain Python API, tsetlin.spark on local[2], a naive
# pandas_udf, and tsetlin.ray with 1 and 2 workers, one after another on the same notes and model.
#
#   bash bench/scaling.sh            # results: bench/out/scaling/results.jsonl
#
# The model: IMDb, 2,000 clauses per class (the ANCHORS setting of BENCHMARKS.md §5), 3 epochs,
# trained here once; the notes: the 25,000 IMDb test reviews repeated 8 times (200,000), as
# Parquet. Environment: DATA (default ../shared/data), OUT (default bench/out/scaling), PY (a
# Python with tsetlin[spark,ray]; default python/.venv/bin/python, which python/run_tests.sh
# makes), REPEAT (default 8), ONLY (the modes to run; default "python spark naive ray"). Run nothing else beside it: the figures are timings.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$HERE/.."
DATA="${DATA:-$ROOT/../shared/data}"
OUT="${OUT:-$HERE/out/scaling}"
PY="${PY:-$ROOT/python/.venv/bin/python}"
REPEAT="${REPEAT:-8}"
mkdir -p "$OUT"
IMDB="$DATA/imdb"
[ -f "$IMDB/train.jsonl.gz" ] || { echo "scaling.sh: $IMDB/train.jsonl.gz not found (set DATA)" >&2; exit 2; }

MODEL="$OUT/imdb-2000.tsetlin"
if [ ! -f "$MODEL" ]; then
  cargo build --release -q -p tsetlin-cli
  "$ROOT/target/release/tsetlin" train --train "$IMDB/train.jsonl.gz" --model "$MODEL" --no-auto \
    --ngrams 2 --min-df 10 --max-features 5000 --selection chi2 --clauses 2000 --specificity 27 \
    --threshold 1600 --boost --threads 2 --epochs 3 --seed 42
fi
NOTES="$OUT/notes"
[ -d "$NOTES" ] || "$PY" "$HERE/scaling.py" prepare --texts "$IMDB/test.jsonl.gz" --repeat "$REPEAT" --out "$NOTES"

RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
: > "$OUT/stderr.log"
run() { "$PY" "$HERE/scaling.py" "$@" --model "$MODEL" --notes "$NOTES" 2>>"$OUT/stderr.log" | tee -a "$RESULTS"; }
ONLY="${ONLY:-python spark naive ray}"  # a subset of the modes, e.g. ONLY="naive ray"
case " $ONLY " in *" python "*) run python --threads 1; run python --threads 2 ;; esac
# Spark's default Arrow batch (10,000 rows), then small batches (1,000: micro-batches of a
# stream, or a job tuned for memory), where loading the model per batch starts to cost.
case " $ONLY " in *" spark "*) run spark --cores 2; run spark --cores 2 --arrow-batch 1000 ;; esac
case " $ONLY " in *" naive "*) run naive --cores 2; run naive --cores 2 --arrow-batch 1000 ;; esac
case " $ONLY " in *" ray "*) run ray --workers 1; run ray --workers 2 ;; esac
echo "scaling.sh: $RESULTS"
