#!/usr/bin/env bash
# Side-by-side epoch timings: this project's engine and the other Tsetlin libraries on
# identical rows, identical hyper-parameters, one process each, in one run.
#
#   bench/engine_compare.sh OUTDIR                 # synthetic IMDb-shaped rows
#   bench/engine_compare.sh OUTDIR TRAIN.svm TEST.svm   # e.g. from `tsetlin export-features`
#
# Environment (defaults in brackets): ROWS [25000] and TEST_ROWS [25000] synthetic rows of
# 5,000 features with about 2 % present; CLAUSES per class [2000]; T [0.8 x CLAUSES]; S [27];
# EPOCHS [3] for ours, OTHER_EPOCHS [EPOCHS] for the others; THREADS ["1 2"]; LIBS
# ["green tmu pytmp"]; TIME_LIMIT seconds per library run [3600]. Boost true positive is on,
# as in ANCHORS.md. Writes OUTDIR/table.md (and the JSON lines it is made from).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
[ $# -ge 1 ] || { sed -n '2,13p' "$0"; exit 64; }
OUT=$1
ROWS=${ROWS:-25000}; TEST_ROWS=${TEST_ROWS:-25000}; CLAUSES=${CLAUSES:-2000}
T=${T:-$(( CLAUSES * 8 / 10 ))}; S=${S:-27}; EPOCHS=${EPOCHS:-3}; OTHER_EPOCHS=${OTHER_EPOCHS:-$EPOCHS}
THREADS=${THREADS:-"1 2"}
mkdir -p "$OUT"

cargo build --release -q --manifest-path "$ROOT/Cargo.toml" -p tsetlin-core --example epoch_bench
BIN="$ROOT/target/release/examples/epoch_bench"
if [ $# -ge 3 ]; then
  TRAIN=$2; TEST=$3
else
  "$BIN" --rows "$ROWS" --test-rows "$TEST_ROWS" --epochs 0 --export-svm "$OUT/data" 2>/dev/null
  TRAIN="$OUT/data/train.svm"; TEST="$OUT/data/test.svm"
fi
echo "engine_compare: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" | tee "$OUT/machine.txt"

for t in $THREADS; do
  echo "engine_compare: ours, $t thread(s)" >&2
  "$BIN" --train-svm "$TRAIN" --test-svm "$TEST" --clauses "$CLAUSES" --T "$T" --s "$S" \
    --epochs "$EPOCHS" --threads "$t" --boost > "$OUT/ours-t$t.jsonl"
  echo "engine_compare: others, $t thread(s)" >&2
  SKIP_SETUP=${SKIP_SETUP:-0} bash "$HERE/run_others.sh" "$TRAIN" "$TEST" "$OUT/t$t" \
    --clauses "$CLAUSES" --T "$T" --s "$S" --epochs "$OTHER_EPOCHS" --threads "$t" --boost --seed 1
  SKIP_SETUP=1
done
"$HERE/.venv/bin/python" "$HERE/table.py" "$OUT"/ours-t*.jsonl "$OUT"/t*/others.jsonl > "$OUT/table.md"
cat "$OUT/table.md"
