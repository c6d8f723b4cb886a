#!/usr/bin/env bash
# Run the other Tsetlin libraries (and scikit-learn) on the same svmlight files, one process each.
#
#   bench/run_others.sh TRAIN.svm TEST.svm OUTDIR [tm_others.py args...]
#   e.g. bench/run_others.sh tr.svm te.svm bench/out/imdb --clauses 2000 --T 1600 --s 27 --epochs 3 --threads 2 --boost
#
# Environment: LIBS (default "green tmu pytmp"), TIME_LIMIT seconds per library (default 3600),
# SKLEARN=1 to also run sklearn_baselines.py (SKLEARN_ARGS, e.g. --skip-slow), SKLEARN_TUNED=1 to
# also run it with --tuned (hyper-parameters by CV on the training file; own limit
# TUNED_TIME_LIMIT, default TIME_LIMIT), SKIP_SETUP=1.
# Writes OUTDIR/others.jsonl (one JSON line per epoch per library; a line with "error" for a
# library that failed or ran out of time: none is dropped silently), OUTDIR/sklearn.jsonl,
# OUTDIR/sklearn_tuned.jsonl and OUTDIR/<lib>.log (stderr). Then: bench/.venv/bin/python bench/table.py OUTDIR/*.jsonl
set -uo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,13p' "$0"; exit 64
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TRAIN=$1; TEST=$2; OUT=$3; shift 3
ARGS=("$@")
LIBS=${LIBS:-"green tmu pytmp"}
TIME_LIMIT=${TIME_LIMIT:-3600}
for f in "$TRAIN" "$TEST"; do [ -f "$f" ] || { echo "run_others: no such file: $f" >&2; exit 66; }; done

THREADS=1
for ((i = 0; i < ${#ARGS[@]}; i++)); do
  case "${ARGS[$i]}" in
    --threads) THREADS=${ARGS[$((i + 1))]} ;;
    --threads=*) THREADS=${ARGS[$i]#--threads=} ;;
  esac
done
export OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS \
       NUMEXPR_NUM_THREADS=$THREADS VECLIB_MAXIMUM_THREADS=$THREADS

if [ "${SKIP_SETUP:-0}" != 1 ]; then
  bash "$HERE/setup.sh" > /dev/null 2> >(cat >&2) || echo "run_others: WARNING: setup.sh reported failures (see above); failing libraries will be marked in the results" >&2
fi
PY="$HERE/.venv/bin/python"
[ -x "$PY" ] || { echo "run_others: $PY missing (setup failed)" >&2; exit 69; }
mkdir -p "$OUT"
JSONL="$OUT/others.jsonl"
: > "$JSONL"

for lib in $LIBS; do
  echo "[run_others] $lib (threads=$THREADS, limit ${TIME_LIMIT}s)" >&2
  tmp=$(mktemp)
  timeout --kill-after=30 "$TIME_LIMIT" "$PY" "$HERE/tm_others.py" --lib "$lib" --train "$TRAIN" --test "$TEST" \
      "${ARGS[@]}" --json > "$tmp" 2> "$OUT/$lib.log"
  rc=$?
  cat "$tmp" >> "$JSONL"
  if [ $rc -ne 0 ] && ! grep -q '"error"' "$tmp"; then
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then why="timeout after ${TIME_LIMIT} s"; else why="exit code $rc"; fi
    epochs_done=$(grep -c '"epoch"' "$tmp")
    "$PY" -c 'import json,sys; print(json.dumps({"lib": sys.argv[1], "error": sys.argv[2], "step": "run (%s epoch(s) completed)" % sys.argv[3], "threads": int(sys.argv[4])}))' \
      "$lib" "$why" "$epochs_done" "$THREADS" >> "$JSONL"
  fi
  [ $rc -eq 0 ] || echo "[run_others] $lib FAILED (rc=$rc), see $OUT/$lib.log" >&2
  rm -f "$tmp"
done

run_sklearn() { # run_sklearn NAME LIMIT TUNING [extra args]: OUT/NAME.jsonl, OUT/NAME.log
  local name=$1 limit=$2 tuning=$3 rc; shift 3
  echo "[run_others] scikit-learn baselines, $tuning (limit ${limit}s)" >&2
  # shellcheck disable=SC2086
  timeout --kill-after=30 "$limit" "$PY" "$HERE/sklearn_baselines.py" --train "$TRAIN" --test "$TEST" \
      --threads "$THREADS" "$@" ${SKLEARN_ARGS:-} > "$OUT/$name.jsonl" 2> "$OUT/$name.log"
  rc=$?
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "{\"method\": \"sklearn (remaining methods)\", \"tuning\": \"$tuning\", \"error\": \"timeout after ${limit} s\", \"threads\": $THREADS}" >> "$OUT/$name.jsonl"
  fi
  [ $rc -eq 0 ] || echo "[run_others] scikit-learn ($tuning): rc=$rc (failed method or timeout), see $OUT/$name.log" >&2
}
if [ "${SKLEARN:-0}" = 1 ]; then
  run_sklearn sklearn "$TIME_LIMIT" defaults
fi
if [ "${SKLEARN_TUNED:-0}" = 1 ]; then
  run_sklearn sklearn_tuned "${TUNED_TIME_LIMIT:-$TIME_LIMIT}" "tuned by CV on train" --tuned
fi
echo "[run_others] results in $JSONL" >&2
