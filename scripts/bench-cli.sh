#!/usr/bin/env bash
# The command line's time for the benchmark's Humind export: 10,000 conversations from the
# simulator at 50 ms a request (LATENCY_MS, BENCH_CONVERSATIONS change them), from the start of
# `conversation-export export` to its files written (the CSV tables, JSON, NDJSON and zip),
# with the release build. Prints one line, then `cli_humind_fetch_seconds=N` (the part the app's
# figure measures: from the start to every page fetched) and `cli_humind_seconds=N` (all of it).
# The app's time for the same export is the humind row of BENCHMARKS.md.
set -euo pipefail
source "$(dirname "$0")/env.sh"
LATENCY_MS="${LATENCY_MS:-50}"
CONVERSATIONS="${BENCH_CONVERSATIONS:-10000}"
SIM_PORT="${SIM_PORT:-38787}"
SIM="http://127.0.0.1:${SIM_PORT}"

cargo build --locked --release -q -p conversation-export-cli -p sim-server
target/release/sim-server --port "$SIM_PORT" --latency-ms "$LATENCY_MS" --count "humind=$CONVERSATIONS" > target/bench-cli-sim.log 2>&1 &
SIM_PID=$!
OUT="$(mktemp -d)"
trap 'kill "$SIM_PID" 2>/dev/null || true; rm -rf "$OUT"' EXIT
for _ in $(seq 1 100); do curl -fsS "$SIM/_sim/health" >/dev/null 2>&1 && break; sleep 0.1; done
# The data is generated before the clock starts, as the app's benchmark does.
curl -fsS -X POST "$SIM/_sim/warm/humind" >/dev/null
curl -fsS -X POST "$SIM/_sim/reset" >/dev/null

start=$EPOCHREALTIME
CONVERSATION_EXPORT_KEY=hmd_live_sim_0123456789abcdef target/release/conversation-export export \
  --vendor humind --base-url "$SIM/humind/public/v1" --out "$OUT" >/dev/null 2> "$OUT/.stderr"
end=$EPOCHREALTIME
# "fetched in 6.1 s with 100 requests": the part the app's figure measures (Fetch to Done).
fetch="$(sed -n 's/.*fetched in \([0-9.]*\) s.*/\1/p' "$OUT/.stderr")"

requests="$(curl -fsS "$SIM/_sim/stats" | python3 -c 'import json, sys; print(json.load(sys.stdin)["requests"])')"
python3 - "$start" "$end" "$fetch" "$requests" "$LATENCY_MS" "$CONVERSATIONS" "$OUT" <<'PY'
import os, sys
start, end, fetch, requests, latency, conversations, out = sys.argv[1:]
seconds = float(end) - float(start)
fetch = float(fetch)
floor = int(requests) * int(latency) / 1000
size = sum(os.path.getsize(os.path.join(out, name)) for name in os.listdir(out) if not name.startswith("."))
print(f"CLI, Humind, {int(conversations):,} conversations at {latency} ms: fetched in {fetch:.2f} s "
      f"({requests} requests; network floor {floor:.2f} s, {fetch / floor:.2f}x); {seconds:.2f} s in all with its "
      f"files written ({size / 1e6:.1f} MB: the CSV tables, JSON, NDJSON and the zip)")
print(f"cli_humind_fetch_seconds={fetch:.2f}")
print(f"cli_humind_seconds={seconds:.2f}")
PY
