#!/usr/bin/env bash
# `tsetlin serve` under load, side by side with the obvious alternative (the Python package
# behind FastAPI on uvicorn), with wrk; client and server share the same machine, so the
# figures are for the pair, not the server alone.
#
#   bash bench/serve/run.sh        # writes bench/out/serve/results.jsonl
#
# The model: OHSUMED's training file (../shared/data/ohsumed, 23 labels) with fixed settings
# (those the settings search chose on its 80 % split, BENCHMARKS.md §9). The request bodies
# come from the training file too: the test file is not read. Environment: DATA, OUT,
# DURATION [15s], CONNECTIONS [64], BATCH [256], TSETLIN (a `tsetlin` binary to serve with,
# e.g. one built from another commit for a before/after pair; default: this checkout's,
# built), OURS_ONLY=1 (skip FastAPI), RESULTS [$OUT/results.jsonl].
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DATA=${DATA:-"$ROOT/../shared/data"}
OUT=${OUT:-"$ROOT/bench/out/serve"}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
BATCH=${BATCH:-256}
mkdir -p "$OUT"
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
if [ -n "${TSETLIN:-}" ]; then
  T="$TSETLIN"
else
  cargo build --release -q --manifest-path "$ROOT/Cargo.toml" -p tsetlin-cli
  T="${CARGO_TARGET_DIR:-$ROOT/target}/release/tsetlin"
fi
MODEL="$OUT/ohsumed.tsetlin"
if [ ! -f "$MODEL" ]; then
  "$T" train -q --train "$DATA/ohsumed/train.jsonl.gz" --model "$MODEL" --no-auto --ngrams 2 \
    --max-features 2000 --clauses 2000 --threshold 1770 --specificity 2.04 --weighted \
    --epochs 17 --threads 2 --seed 42
fi
python3 - "$DATA/ohsumed/train.jsonl.gz" "$OUT" "$BATCH" <<'PY'
import gzip, json, sys
texts = [json.loads(l)["text"] for l in gzip.open(sys.argv[1], "rt")]
by_len = sorted(texts, key=len)
json.dump({"text": by_len[len(by_len) // 2]}, open(f"{sys.argv[2]}/one.json", "w"))
json.dump({"texts": texts[: int(sys.argv[3])]}, open(f"{sys.argv[2]}/batch.json", "w"))
PY
VENV="$OUT/venv"
if [ -z "${OURS_ONLY:-}" ] && [ ! -x "$VENV/bin/uvicorn" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "$ROOT/python" fastapi uvicorn
fi
RESULTS="${RESULTS:-$OUT/results.jsonl}"
: > "$RESULTS"

wait_ready() { for _ in $(seq 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
tree_rss_kb() { # the server and its children (uvicorn workers)
  local total=0; for p in $1 $(pgrep -P "$1" || true); do total=$((total + $(rss_kb "$p"))); done; echo $total; }

load() { # $1 server name, $2 url, $3 body file, $4 what
  local json
  json=$(BODY="$3" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$HERE/post.lua" "$2" | sed -n 's/^JSON //p')
  echo "{\"server\": \"$1\", \"what\": \"$4\", \"connections\": $CONNECTIONS, \"wrk\": $json}" | tee -a "$RESULTS"
}

idle_rss() { # $1 pid, $2 port: RSS with 1,000 idle connections open
  python3 - "$1" "$2" <<'PY'
import socket, subprocess, sys, time
pid, port = sys.argv[1], int(sys.argv[2])
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(1000)]
time.sleep(2)
kids = subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True).stdout.split()
total = 0
for p in [pid] + kids:
    for line in open(f"/proc/{p}/status"):
        if line.startswith("VmRSS"):
            total += int(line.split()[1])
print(total)
for s in socks:
    s.close()
PY
}

# --- tsetlin serve
"$T" serve --model "$MODEL" --port 8080 --max-in-flight 1024 -q &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
wait_ready http://127.0.0.1:8080/readyz
echo "{\"server\": \"tsetlin serve\", \"rss_idle_kb\": $(rss_kb $PID)}" | tee -a "$RESULTS"
load "tsetlin serve" http://127.0.0.1:8080/v1/predict "$OUT/one.json" "one note per request"
load "tsetlin serve" http://127.0.0.1:8080/v1/predict "$OUT/batch.json" "$BATCH notes per request"
echo "{\"server\": \"tsetlin serve\", \"rss_peak_kb\": $(hwm_kb $PID), \"rss_1000_idle_connections_kb\": $(idle_rss $PID 8080)}" | tee -a "$RESULTS"
kill -TERM $PID; wait $PID || true

[ -z "${OURS_ONLY:-}" ] || exit 0

# --- FastAPI + uvicorn, 2 workers (one per core)
TSETLIN_MODEL="$MODEL" "$VENV/bin/uvicorn" --app-dir "$HERE" fastapi_app:app --port 8081 \
  --workers 2 --log-level warning &
PID=$!
wait_ready http://127.0.0.1:8081/docs
sleep 2
echo "{\"server\": \"fastapi+uvicorn (2 workers)\", \"rss_idle_kb\": $(tree_rss_kb $PID)}" | tee -a "$RESULTS"
load "fastapi+uvicorn (2 workers)" http://127.0.0.1:8081/v1/predict "$OUT/one.json" "one note per request"
load "fastapi+uvicorn (2 workers)" http://127.0.0.1:8081/v1/predict "$OUT/batch.json" "$BATCH notes per request"
echo "{\"server\": \"fastapi+uvicorn (2 workers)\", \"rss_under_load_kb\": $(tree_rss_kb $PID), \"rss_1000_idle_connections_kb\": $(idle_rss $PID 8081)}" | tee -a "$RESULTS"
kill -TERM $PID; wait $PID || true
