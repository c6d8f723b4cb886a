#!/usr/bin/env bash
# Readability and accuracy of the default path, side by side with the rules as trained, chosen
# and measured on the training data only: the training file is split (stratified, seed 42)
# into 80 % to fit and 20 % to validate. On the 80 %: `tsetlin train --no-simplify` ("as
# trained") and `tsetlin simplify` of that model ("simplified": what `tsetlin train` delivers by
# default, the same search then the same simplification). Both are scored on the 20 %. The
# test file is never read. The clinical set (features only) runs `tsetlin bench --cv 10` (nested) with and
# without simplification.
#
#   bash bench/readability_table.sh imdb|20ng|ohsumed|clinical|all
#
# Environment: DATA [../shared/data], OUT [bench/out/readability], THREADS [2], BUDGET
# (--budget of the search; default: the CLI's; --no-time-limit: the plan alone decides, so a
# loaded machine does not change the choice). Writes OUT/<data set>/{*.json,table.md}.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
DATA=${DATA:-"$ROOT/../shared/data"}
OUT=${OUT:-"$ROOT/bench/out/readability"}
THREADS=${THREADS:-2}
SEED=42
[ $# -eq 1 ] || { sed -n '2,14p' "$0"; exit 64; }
BUDGET_ARGS=()
[ -z "${BUDGET:-}" ] || BUDGET_ARGS=(--budget "$BUDGET")
cargo build --release -q --manifest-path "$ROOT/Cargo.toml" -p tsetlin-cli
TSETLIN="$ROOT/target/release/tsetlin"

# Splits the labelled JSONL(.gz) $1 into $2 (80 %) and $3 (20 %), stratified by label, seeded.
split_train() {
  python3 - "$1" "$2" "$3" "$SEED" <<'PY'
import gzip, json, random, sys
src, fit, valid, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
opener = gzip.open if src.endswith(".gz") else open
with opener(src, "rt", encoding="utf-8") as f:
    rows = [line for line in f if line.strip()]
by_label = {}
for i, line in enumerate(rows):
    by_label.setdefault(json.loads(line)["label"], []).append(i)
rng = random.Random(seed)
held = set()
for label in sorted(by_label):
    idx = by_label[label]
    rng.shuffle(idx)
    held.update(idx[: round(0.2 * len(idx))])
with open(fit, "w", encoding="utf-8") as a, open(valid, "w", encoding="utf-8") as b:
    for i, line in enumerate(rows):
        (b if i in held else a).write(line if line.endswith("\n") else line + "\n")
PY
}

summary() { # $1: eval --json of a model on the validation part; prints one table row
  python3 - "$@" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
v = json.load(open(path))
r = v["readability"]
cover = [c.get("rules_for_90") for c in r["classes"]]
reached = sorted(c for c in cover if c is not None)
shares = [c.get("covered") or 0.0 for c in r["classes"]]
cover_txt = (f"{len(reached)} of {len(cover)} classes reach 90 %"
             + (f" (median {reached[len(reached) // 2]} rules)" if reached else "")
             + f"; all rules cover {100 * sum(shares) / len(shares):.0f} % on average")
print(f"| {name} | {100*v['accuracy']:.2f} % | {v['macro_f1']:.3f} | {r['clauses']:,} | {r['literals']['mean']:.1f} "
      f"| {r['literals']['median']:g} | {r['literals']['p90']} | {r['literals']['max']} "
      f"| {r['heaviest_max_literals']} | {100*r['short_vote_share']:.0f} % | {cover_txt} |")
PY
}

settings_line() { # $1: train --json, $2: simplify --json
  python3 - "$1" "$2" "$SEED" <<'PY'
import json, sys
t, seed = json.load(open(sys.argv[1])), sys.argv[3]
simp = json.load(open(sys.argv[2])) if sys.argv[2] else None
s, search = t["settings"], t["search"] or {}
print(f"- Validation: a stratified 20 % of the training file (seed {seed}); fit on the other 80 %. "
      f"Settings chosen by the search on the 80 % ({search.get('candidates', 0)} candidates, "
      f"{search.get('seconds', 0):.0f} s{'; ' + search['cut'] if search.get('cut') else ''}): clauses {s['clauses']}, "
      f"T {s['threshold']:g}, s {s['specificity']:g}, weighted {s['weighted']}, {s['ngram_max']}-grams, "
      f"{s['max_features'] or 'all'} features, {s['epochs']} epochs; final model {t['train_seconds']:.0f} s.")
if len(sys.argv[2]) == 0:
    sys.exit(0)
r = simp["report"]
print(f"- Simplification (`tsetlin simplify`, the default of `tsetlin train`): {r['literals_before'] - r['literals_after']:,} "
      f"of {r['literals_before']:,} literals removed on the 80 %; {r['outputs_changed']:,} clause outputs changed there, none against the label.")
PY
}

one() {
  local ds=$1 d="$OUT/$1" src
  mkdir -p "$d"
  case "$ds" in
    imdb) src="$DATA/imdb/train.jsonl.gz" ;;
    20ng) src="$DATA/20newsgroups/train.jsonl.gz" ;;
    ohsumed) src="$DATA/ohsumed/train.jsonl.gz" ;;
    clinical) src="$DATA/clinical-allergy/cl_ds.tar.gz" ;;
    *) echo "readability_table: unknown data set '$ds'" >&2; exit 64 ;;
  esac
  [ -f "$src" ] || { echo "readability_table: $src is missing (see ../shared/data/README)" >&2; return 66; }
  echo "readability_table: $ds" >&2
  date -u '+%Y-%m-%d %H:%M UTC' > "$d/started.txt"
  {
    echo "#### $ds"
    echo
    echo "- Machine: $(nproc --all) cores; run started $(cat "$d/started.txt"); threads: $THREADS."
    echo "- Command: \`$( [ -z "${BUDGET:-}" ] || echo "BUDGET=$BUDGET ")bash bench/readability_table.sh $ds\`"
  } > "$d/table.md"
  if [ "$ds" = clinical ]; then
    local variant
    for variant in simplified as-trained; do
      local extra=()
      [ "$variant" = simplified ] || extra=(--no-simplify)
      "$TSETLIN" bench -q --data "$src" --features-format dense01 --cv 10 --seed "$SEED" --methods tm \
        --threads "$THREADS" "${BUDGET_ARGS[@]}" --no-time-limit "${extra[@]}" --json > "$d/bench-$variant.json"
    done
    {
      echo "- Nested 10-fold CV (\`tsetlin bench --cv 10\`, the search inside each training fold), test folds scored once."
      echo
      echo "| rules | accuracy | macro F1 | literals per clause (mean) | heaviest 10 per class, most literals | vote share of clauses <= 5 literals |"
      echo "|---|---|---|---|---|---|"
      python3 - "$d" <<'PY'
import json, sys
for variant in ("as-trained", "simplified"):
    r = json.load(open(f"{sys.argv[1]}/bench-{variant}.json"))["rows"][0]
    print(f"| {variant} | {100*r['accuracy']:.1f} % ± {100*r['accuracy_std']:.1f} | {r['macro_f1']:.3f} "
          f"| {r['literals_mean']:.1f} | {r['heaviest_max_literals']} | {100*r['short_vote_share']:.0f} % |")
PY
    } >> "$d/table.md"
  else
    split_train "$src" "$d/fit.jsonl" "$d/valid.jsonl"
    "$TSETLIN" train -q --train "$d/fit.jsonl" --model "$d/as-trained.tsetlin" --threads "$THREADS" \
      --seed "$SEED" "${BUDGET_ARGS[@]}" --no-time-limit --no-simplify --json > "$d/train.json"
    "$TSETLIN" simplify -q --model "$d/as-trained.tsetlin" --data "$d/fit.jsonl" --out "$d/simplified.tsetlin" \
      --threads "$THREADS" --json > "$d/simplify.json"
    local variant
    for variant in as-trained simplified; do
      "$TSETLIN" eval -q --model "$d/$variant.tsetlin" --data "$d/valid.jsonl" --threads "$THREADS" --json \
        > "$d/eval-$variant.json"
    done
    {
      settings_line "$d/train.json" "$d/simplify.json"
      echo
      echo "| rules | validation accuracy | macro F1 | clauses | literals per clause (mean) | median | 90th pct | max | heaviest 10 per class, most literals | vote share of clauses <= 5 literals | rules to cover 90 % of a class |"
      echo "|---|---|---|---|---|---|---|---|---|---|---|"
      summary "as trained (--no-simplify)" "$d/eval-as-trained.json"
      summary "simplified (the default of tsetlin train)" "$d/eval-simplified.json"
    } >> "$d/table.md"
  fi
  cat "$d/table.md"
}

if [ "$1" = all ]; then
  for ds in clinical ohsumed 20ng imdb; do one "$ds"; done
else
  one "$1"
fi
