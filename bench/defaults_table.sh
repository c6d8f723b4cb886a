#!/usr/bin/env bash
# The default path, measured honestly: `tsetlin train` with no settings on each text data set
# (the automatic settings choose everything on the training file; the test file is read once,
# at the end), the clinical feature set by nested 10-fold CV (`tsetlin bench --cv 10`: the
# search runs inside each training fold), and the scikit-learn baselines on the features of
# BENCHMARKS.md §4, with their defaults and tuned by CV on the training rows.
#
#   bash bench/defaults_table.sh imdb|20ng|ohsumed|clinical|all
#
# Environment: DATA [../shared/data], OUT [bench/out/defaults], THREADS [2], BUDGET (passed as
# --budget; default: the CLI's), TUNED=0 to skip the tuned baselines, SKIP_SETUP=1 to reuse
# bench/.venv. Writes OUT/<data set>/{ours.json,ours.log,sklearn*.jsonl,table.md}.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
DATA=${DATA:-"$ROOT/../shared/data"}
OUT=${OUT:-"$ROOT/bench/out/defaults"}
THREADS=${THREADS:-2}
TUNED=${TUNED:-1}
SEED=42
[ $# -eq 1 ] || { sed -n '2,12p' "$0"; exit 64; }
BUDGET_ARGS=()
[ -z "${BUDGET:-}" ] || BUDGET_ARGS=(--budget "$BUDGET")

cargo build --release -q --manifest-path "$ROOT/Cargo.toml" -p tsetlin-cli
TSETLIN="$ROOT/target/release/tsetlin"
if [ "${SKIP_SETUP:-0}" != 1 ]; then
  LIBS="" bash "$HERE/setup.sh" > /dev/null || echo "defaults_table: WARNING: setup.sh reported failures" >&2
fi
PY=${PY:-"$HERE/.venv/bin/python"}
export OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS

baselines() { # $1: output dir; the rest: sklearn_baselines.py's data arguments
  local d=$1; shift
  "$PY" "$HERE/sklearn_baselines.py" "$@" --threads "$THREADS" > "$d/sklearn.jsonl" 2> "$d/sklearn.log"
  if [ "$TUNED" = 1 ]; then
    "$PY" "$HERE/sklearn_baselines.py" "$@" --threads "$THREADS" --tuned > "$d/sklearn_tuned.jsonl" \
      2> "$d/sklearn_tuned.log"
  fi
}

one() {
  local ds=$1 d="$OUT/$1" src feats=()
  mkdir -p "$d"
  case "$ds" in
    imdb) src="$DATA/imdb"; feats=(--ngrams 2 --min-df 10 --max-features 5000) ;;
    20ng) src="$DATA/20newsgroups"; feats=(--max-features 10000 --min-df 2) ;;
    ohsumed) src="$DATA/ohsumed"; feats=(--min-df 2 --max-features 0) ;;
    clinical) src="$DATA/clinical-allergy/cl_ds.tar.gz" ;;
    *) echo "defaults_table: unknown data set '$ds'" >&2; exit 64 ;;
  esac
  echo "defaults_table: $ds" >&2
  date -u '+%Y-%m-%d %H:%M UTC' > "$d/started.txt"
  if [ "$ds" = clinical ]; then
    /usr/bin/time -v "$TSETLIN" bench --data "$src" --features-format dense01 --cv 10 --seed "$SEED" \
      --methods tm --threads "$THREADS" "${BUDGET_ARGS[@]}" --json > "$d/ours.json" 2> "$d/ours.log"
    "$TSETLIN" export-features -q --data "$src" --features-format dense01 --cv 10 --seed "$SEED" --out "$d/folds"
    baselines "$d" --folds "$d/folds"
  else
    /usr/bin/time -v "$TSETLIN" train --train "$src/train.jsonl.gz" --test "$src/test.jsonl.gz" \
      --model "$d/model.tsetlin" --threads "$THREADS" "${BUDGET_ARGS[@]}" --json > "$d/ours.json" 2> "$d/ours.log"
    "$TSETLIN" export-features -q --train "$src/train.jsonl.gz" --test "$src/test.jsonl.gz" \
      --out "$d/features" "${feats[@]}"
    baselines "$d" --train "$d/features/train.svm" --test "$d/features/test.svm"
  fi
  {
    echo "#### $ds (defaults)"
    echo
    echo "- Machine: $(nproc --all) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); run started $(cat "$d/started.txt"); threads: $THREADS."
    echo "- Command: \`bash bench/defaults_table.sh $ds\`$([ -z "${BUDGET:-}" ] || echo " (BUDGET=$BUDGET)")"
    "$PY" - "$d/ours.json" "$ds" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
if sys.argv[2] == "clinical":
    r = v["rows"][0]
    print(f"- Ours (`tsetlin bench --cv 10`, automatic settings chosen inside each training fold): "
          f"accuracy {100*r['accuracy']:.1f} % ± {100*r['accuracy_std']:.1f}, macro P {r['macro_precision']:.3f}, "
          f"R {r['macro_recall']:.3f}, F1 {r['macro_f1']:.3f}; search + final model {r['fit_seconds']:.0f} s per fold.")
    for k, val in v["settings"]:
        if k.startswith("tm settings"):
            print(f"  - {k}: {val}")
else:
    t, s = v["test"], v["search"]
    print(f"- Ours (`tsetlin train`, no settings given): accuracy {100*t['accuracy']:.2f} %, macro P "
          f"{t['macro_precision']:.3f}, R {t['macro_recall']:.3f}, F1 {t['macro_f1']:.3f}; search "
          f"{s['seconds']:.0f} s ({s['candidates']} candidates, {s['validation']}, validation accuracy "
          f"{100*s['valid_accuracy']:.2f} %{'; ' + s['cut'] if s['cut'] else ''}), final model {v['train_seconds']:.0f} s.")
    st = v["settings"]
    print(f"  - chosen: clauses {st['clauses']}, T {st['threshold']}, s {st['specificity']}, weighted {st['weighted']}, "
          f"{st['ngram_max']}-grams, {st['max_features'] or 'all'} features, {st['epochs']} epochs")
PY
    echo "- Baselines on \`tsetlin export-features ${feats[*]:-(the folds of --cv 10)}\`:"
    echo
    "$PY" "$HERE/table.py" "$d"/sklearn*.jsonl
  } > "$d/table.md"
  cat "$d/table.md"
}

if [ "$1" = all ]; then
  for ds in ohsumed clinical 20ng imdb; do one "$ds"; done
else
  one "$1"
fi
