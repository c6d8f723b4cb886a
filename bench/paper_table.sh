#!/usr/bin/env bash
# The paper's comparison table for one data set (or all four), in one command: the same
# exported features for this project's Tsetlin machine, tmu, pyTsetlinMachineParallel,
# green-tsetlin and the scikit-learn baselines (with their defaults, and tuned by cross-validation
# on the training rows), run one after the other on this machine; optionally an LSTM on the texts.
# Every Tsetlin machine gets the settings (clauses, T, s, weighting, epochs) that this project's
# automatic settings search (`tsetlin tune`) chose on the training rows alone; on the clinical
# set the search runs inside each of the 10 training folds. Nothing is chosen on test rows.
#
#   bash bench/paper_table.sh imdb|20ng|ohsumed|clinical|all
#
# Environment: DATA [../shared/data], OUT [bench/out/paper], THREADS [2], BUDGET (the search's
# --budget; default: the CLI's), OTHER_EPOCHS (the other Tsetlin libraries run at most this many
# of the chosen epochs, so that the run fits a 2-core machine; the table says how many each ran),
# TIME_LIMIT seconds per library and run (per fold for clinical), LIBS ["green tmu pytmp"], SKIP_SETUP=1 to
# reuse bench/.venv as it is, TABLE_ONLY=1 to rebuild table.md from an earlier run's results,
# TUNED=0 to skip the tuned scikit-learn rows (TUNED_TIME_LIMIT seconds for them per data set
# [1800]; clinical: none), LSTM=1 to add the LSTM row (bench/lstm_baseline.py on the texts, after
# the scikit-learn rows; setup.sh then installs torch; not for clinical, which has no text;
# LSTM_TIME_LIMIT seconds of training [3600], after which the best epoch so far is scored).
# Writes OUT/<data set>/table.md (the Markdown to paste, with the
# machine, versions, settings and commands), the search logs (tune*.json/md) and the JSON lines
# the table is made from.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
# The overrides the caller set, for the table's "Command" line.
ENV_USED=""
for v in BUDGET OTHER_EPOCHS TIME_LIMIT LIBS THREADS TUNED TUNED_TIME_LIMIT LSTM LSTM_TIME_LIMIT; do
  if [ -n "${!v:-}" ]; then ENV_USED+="$v=${!v} "; fi
done
DATA=${DATA:-"$ROOT/../shared/data"}
OUT=${OUT:-"$ROOT/bench/out/paper"}
THREADS=${THREADS:-2}
SEED=42
TUNED=${TUNED:-1}
TUNED_TIME_LIMIT=${TUNED_TIME_LIMIT:-1800}
LSTM=${LSTM:-0}
LSTM_TIME_LIMIT=${LSTM_TIME_LIMIT:-3600}
[ $# -eq 1 ] || { sed -n '2,23p' "$0"; exit 64; }
BUDGET_ARGS=()
[ -z "${BUDGET:-}" ] || BUDGET_ARGS=(--budget "$BUDGET")

# Per data set: feature options (tsetlin export-features, shared by every method), the cap on
# the other libraries' epochs, and their time limit.
settings() {
  case "$1" in
    imdb)
      SRC="$DATA/imdb"; FEATS=(--ngrams 2 --min-df 10 --max-features 5000 --selection chi2)
      DEF_OTHER_EPOCHS=1; DEF_LIMIT=480 ;;
    20ng)
      SRC="$DATA/20newsgroups"; FEATS=(--max-features 10000 --selection chi2 --min-df 2)
      DEF_OTHER_EPOCHS=1; DEF_LIMIT=300 ;;
    ohsumed)
      SRC="$DATA/ohsumed"; FEATS=(--min-df 2 --max-features 0)
      DEF_OTHER_EPOCHS=1; DEF_LIMIT=300 ;;
    clinical)
      SRC="$DATA/clinical-allergy/cl_ds.tar.gz"; FEATS=()
      DEF_OTHER_EPOCHS=20; DEF_LIMIT=300 ;;
    *) echo "paper_table: unknown data set '$1' (imdb, 20ng, ohsumed, clinical, all)" >&2; exit 64 ;;
  esac
  OEP_CAP=${OTHER_EPOCHS:-$DEF_OTHER_EPOCHS}; LIMIT=${TIME_LIMIT:-$DEF_LIMIT}
}

# The automatic settings search on the training rows $1 (svmlight), its log written to $2.json
# and $2.md; sets TM (the machine flags shared by ours and the other libraries), EP (our
# epochs: the chosen count) and OEP (the other libraries': the chosen count, capped). Clause
# drop is pinned at 0: not every other library has it, and each row must use the same machine.
choose_tm() {
  "$TSETLIN" tune -q --train "$1" --features-format svmlight --threads "$THREADS" --seed "$SEED" \
    --clause-drop 0 "${BUDGET_ARGS[@]}" --out "$2" --json > /dev/null
  local chosen
  chosen=$("$PY" -c 'import json, sys
c = json.load(open(sys.argv[1]))["search"]["chosen"]
flags = ["--clauses", str(c["clauses"]), "--T", str(round(c["threshold"])), "--s", repr(c["specificity"])]
flags += ["--boost"] if c["boost"] else ["--no-boost"]
flags += ["--weighted"] if c["weighted"] else []
print(c["epochs"], " ".join(flags))' "$2.json")
  EP=${chosen%% *}
  read -r -a TM <<< "${chosen#* }"
  OEP=$((EP < OEP_CAP ? EP : OEP_CAP))
}

if [ "${TABLE_ONLY:-0}" != 1 ]; then
  cargo build --release -q --manifest-path "$ROOT/Cargo.toml" -p tsetlin-cli
  cargo build --release -q --manifest-path "$ROOT/Cargo.toml" -p tsetlin-core --example epoch_bench
fi
TSETLIN="$ROOT/target/release/tsetlin"
BIN="$ROOT/target/release/examples/epoch_bench"
if [ "${SKIP_SETUP:-0}" != 1 ] && [ "${TABLE_ONLY:-0}" != 1 ]; then
  LSTM=$LSTM bash "$HERE/setup.sh" > /dev/null || echo "paper_table: WARNING: setup.sh reported failures; failing libraries become FAILED rows" >&2
fi
PY="$HERE/.venv/bin/python"
export OMP_NUM_THREADS=$THREADS OPENBLAS_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS

# Tags every JSON line on stdin with the fold number $1.
tag_fold() {
  "$PY" -c 'import json, sys
for line in sys.stdin:
    if line.strip():
        print(json.dumps({**json.loads(line), "fold": int(sys.argv[1])}))' "$1"
}

run_split() { # data set with a train/test split
  local ds=$1 d="$OUT/$1"
  mkdir -p "$d"
  for f in "$SRC/train.jsonl.gz" "$SRC/test.jsonl.gz"; do
    [ -f "$f" ] || { echo "paper_table: $f is missing (see ../shared/data/README)" >&2; return 66; }
  done
  "$TSETLIN" export-features -q --train "$SRC/train.jsonl.gz" --test "$SRC/test.jsonl.gz" \
    --out "$d/features" "${FEATS[@]}"
  echo "paper_table: $ds: settings search on the training rows" >&2
  choose_tm "$d/features/train.svm" "$d/tune"
  echo "paper_table: $ds: ours, ${TM[*]}, $EP epochs" >&2
  "$BIN" --train-svm "$d/features/train.svm" --test-svm "$d/features/test.svm" "${TM[@]}" \
    --epochs "$EP" --threads "$THREADS" --seed "$SEED" > "$d/ours.jsonl"
  SKIP_SETUP=1 SKLEARN=1 SKLEARN_TUNED=$TUNED TUNED_TIME_LIMIT=$TUNED_TIME_LIMIT TIME_LIMIT=$LIMIT \
    bash "$HERE/run_others.sh" "$d/features/train.svm" "$d/features/test.svm" "$d/others" \
    "${TM[@]}" --epochs "$OEP" --threads "$THREADS" --seed "$SEED"
  [ "$TUNED" = 1 ] || rm -f "$d/others/sklearn_tuned.jsonl"
  if [ "$LSTM" = 1 ]; then run_lstm "$ds"; fi
}

run_lstm() { # the LSTM baseline on the texts themselves (not the exported features)
  local ds=$1 d="$OUT/$1" rc=0
  echo "paper_table: $ds: LSTM (training limit ${LSTM_TIME_LIMIT}s)" >&2
  # --max-train-s ends training after the epoch that passes the limit (the best epoch is scored);
  # timeout only catches a run that hangs.
  timeout --kill-after=30 $((2 * LSTM_TIME_LIMIT + 900)) "$PY" "$HERE/lstm_baseline.py" \
    --train "$SRC/train.jsonl.gz" --test "$SRC/test.jsonl.gz" --threads "$THREADS" --seed "$SEED" \
    --max-train-s "$LSTM_TIME_LIMIT" > "$d/lstm.jsonl" 2> "$d/lstm.log" || rc=$?
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    echo "{\"method\": \"BiLSTM\", \"error\": \"timeout after $((2 * LSTM_TIME_LIMIT + 900)) s\", \"threads\": $THREADS}" >> "$d/lstm.jsonl"
  fi
  [ $rc -eq 0 ] || echo "paper_table: LSTM reported a failure (rc=$rc), see $d/lstm.log" >&2
}

run_cv() { # the clinical feature set: 10 stratified folds, the same for every method
  local ds=$1 d="$OUT/$1" k
  mkdir -p "$d"
  [ -f "$SRC" ] || { echo "paper_table: $SRC is missing (see ../shared/data/README)" >&2; return 66; }
  "$TSETLIN" export-features -q --data "$SRC" --features-format dense01 --cv 10 --seed "$SEED" \
    --out "$d/folds"
  : > "$d/ours.jsonl"; : > "$d/others.jsonl"
  for k in $(seq 1 10); do
    echo "paper_table: $ds: fold $k/10: settings search on its training rows" >&2
    choose_tm "$d/folds/fold-$k/train.svm" "$d/tune-fold-$k"
    "$BIN" --train-svm "$d/folds/fold-$k/train.svm" --test-svm "$d/folds/fold-$k/test.svm" "${TM[@]}" \
      --epochs "$EP" --threads "$THREADS" --seed "$SEED" | tag_fold "$k" >> "$d/ours.jsonl"
    SKIP_SETUP=1 TIME_LIMIT=$LIMIT bash "$HERE/run_others.sh" \
      "$d/folds/fold-$k/train.svm" "$d/folds/fold-$k/test.svm" "$d/others-fold-$k" \
      "${TM[@]}" --epochs "$OEP" --threads "$THREADS" --seed "$SEED"
    tag_fold "$k" < "$d/others-fold-$k/others.jsonl" >> "$d/others.jsonl"
  done
  "$PY" "$HERE/sklearn_baselines.py" --folds "$d/folds" --threads "$THREADS" > "$d/sklearn.jsonl" \
    2> "$d/sklearn.log" || echo "paper_table: scikit-learn reported a failure, see $d/sklearn.log" >&2
  rm -f "$d/sklearn_tuned.jsonl"
  if [ "$TUNED" = 1 ]; then  # nested: the search runs inside each fold's training rows
    echo "paper_table: $ds: scikit-learn tuned by CV inside each training fold" >&2
    "$PY" "$HERE/sklearn_baselines.py" --folds "$d/folds" --threads "$THREADS" --tuned > "$d/sklearn_tuned.jsonl" \
      2> "$d/sklearn_tuned.log" || echo "paper_table: scikit-learn (tuned) reported a failure, see $d/sklearn_tuned.log" >&2
  fi
}

one() {
  local ds=$1 started d="$OUT/$1"
  settings "$ds"
  if [ "${TABLE_ONLY:-0}" != 1 ]; then
    mkdir -p "$d"
    date -u '+%Y-%m-%d %H:%M UTC' > "$d/started.txt"
    if [ "$ds" = clinical ]; then run_cv "$ds"; else run_split "$ds"; fi
  fi
  started=$(cat "$d/started.txt" 2>/dev/null || echo "?")
  local src=${SRC#"$ROOT/"}
  if [ "$ds" = clinical ]; then
    RESULTS=("$d/ours.jsonl" "$d/others.jsonl" "$d/sklearn.jsonl")
    [ ! -f "$d/sklearn_tuned.jsonl" ] || RESULTS+=("$d/sklearn_tuned.jsonl")
  else
    RESULTS=("$d/ours.jsonl" "$d/others/others.jsonl" "$d/others/sklearn.jsonl")
    [ ! -f "$d/others/sklearn_tuned.jsonl" ] || RESULTS+=("$d/others/sklearn_tuned.jsonl")
    # the LSTM row: from this run when LSTM=1, or from the earlier run that TABLE_ONLY=1 renders
    if [ -f "$d/lstm.jsonl" ] && { [ "$LSTM" = 1 ] || [ "${TABLE_ONLY:-0}" = 1 ]; }; then RESULTS+=("$d/lstm.jsonl"); fi
  fi
  local lstm_in=0
  [[ "${RESULTS[*]}" == *"/lstm.jsonl"* ]] && lstm_in=1
  {
    echo "#### $ds"
    echo
    echo "- Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); run started $started; threads: $THREADS."
    if [ "$ds" = clinical ]; then
      echo "- Data: \`$src\` (dense 0/1), 10 stratified shuffled folds (seed $SEED) written once by \`tsetlin export-features --cv 10\` and used by every method."
    else
      echo "- Data: \`$src/{train,test}.jsonl.gz\`; features by \`tsetlin export-features ${FEATS[*]}\`, the same svmlight files for every method."
    fi
    echo "- Tsetlin machines: \`${TM[*]}\` (clauses per class; green-tsetlin gets clauses x classes shared clauses), seed $SEED; ours $EP epochs, the other libraries $OEP$([ "$OEP" -lt "$EP" ] && echo ' (capped to fit the 2-core machine)'), each limited to $LIMIT s per run (a library that runs out shows as FAILED)."
    echo "- Baselines: scikit-learn with its defaults (hyper-parameters: \"defaults\")$(
      [[ "${RESULTS[*]}" == *sklearn_tuned.jsonl* ]] && echo " and the same methods with their hyper-parameters chosen by stratified CV (5 folds, 3 for the random forest; accuracy; seed $SEED) on the training rows only$([ "$ds" = clinical ] && echo ', nested inside each of the 10 training folds') (\"tuned by CV on train\"; the chosen values are in the notes, and fit s includes the search)"). Macro precision, recall and F1 are unweighted means over the classes."
    if [ "$ds" = clinical ]; then
      echo "- No LSTM row: the clinical set is features only (anonymized 0/1 word features, no text), and the LSTM reads text."
    elif [ "$lstm_in" = 1 ]; then
      echo "- LSTM: \`bench/lstm_baseline.py\` (PyTorch on the CPU, --threads $THREADS) on the texts of \`$src/{train,test}.jsonl.gz\` themselves, not on the exported features: its own vocabulary and tokenizer; early stopping on a stratified 10 % of the training rows; at most ${LSTM_TIME_LIMIT} s of training. Settings in its notes."
    fi
    echo "- Command: \`${ENV_USED}bash bench/paper_table.sh $ds\`"
    echo
    "$PY" "$HERE/table.py" "${RESULTS[@]}"
  } > "$OUT/$ds/table.md"
  cat "$OUT/$ds/table.md"
}

if [ "$1" = all ]; then
  for ds in clinical ohsumed 20ng imdb; do one "$ds"; done
else
  one "$1"
fi
