#!/usr/bin/env bash
# The benchmark: builds the release app, starts the simulator with a latency (LATENCY_MS, 50 by
# default), drives the app in headless Chromium and prints one table of figures; writes them to
# BENCHMARKS.md. Not part of the test command. About 6 minutes on 2 cores once built.
# BENCH_ONLY=<vendor>[,<vendor>...] runs and prints those vendors' exports alone;
# BENCH_CONVERSATIONS=<n> gives every vendor n conversations instead of the sizes below.
set -euo pipefail
source "$(dirname "$0")/env.sh"
LATENCY_MS="${LATENCY_MS:-50}"
SIM_PORT="${SIM_PORT:-28787}"
APP_PORT="${APP_PORT:-28080}"
BENCH_APP_PORT=$((APP_PORT + 1))

scripts/setup.sh --test
npm ls papaparse >/dev/null 2>&1 || npm install --no-save --no-audit --no-fund papaparse@5.5.3 >/dev/null

# The app people download, and the same app with the benchmark's exports (for CSV timing).
scripts/build-app.sh
trunk build --release --locked --features bench --dist target/dist-bench >/dev/null
cargo build --locked --release -p sim-server -p relay

# Sizes of the benchmark: 10,000 conversations; 2,000 for HueChat (one request per
# conversation); Mindo counted in messages: about 100,000 from 21,700 conversations.
SIZES=(--conversations 10000 --count huechat=2000 --count mindo=21700)
if [[ -n "${BENCH_CONVERSATIONS:-}" ]]; then
  SIZES=(--conversations "$BENCH_CONVERSATIONS")
fi
target/release/sim-server --port "$SIM_PORT" --app-dir dist --app-port "$APP_PORT" --latency-ms "$LATENCY_MS" \
  "${SIZES[@]}" > target/bench-sim.log 2>&1 &
SIM_PID=$!
target/release/sim-server --port $((SIM_PORT + 1)) --app-dir target/dist-bench --app-port "$BENCH_APP_PORT" > target/bench-sim2.log 2>&1 &
SIM2_PID=$!
RELAY_PORT=$((SIM_PORT + 5))
target/release/relay --listen "127.0.0.1:${RELAY_PORT}" --allow-origin "http://127.0.0.1:${APP_PORT}" --allow-private-upstreams \
  --upstream "humind=http://127.0.0.1:${SIM_PORT}/humind/public/v1" > target/bench-relay.log 2>&1 &
RELAY_PID=$!
trap 'kill "$SIM_PID" "$SIM2_PID" "$RELAY_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:${SIM_PORT}/_sim/health" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$((SIM_PORT + 1))/_sim/health" >/dev/null 2>&1 && break
  sleep 0.1
done

# The command line's time for Humind's export, next to the app's (same size and latency).
CLI_FIGURES="$(LATENCY_MS="$LATENCY_MS" scripts/bench-cli.sh | tail -2)"
CLI_FETCH_SECONDS="$(sed -n 's/^cli_humind_fetch_seconds=//p' <<< "$CLI_FIGURES")"
CLI_SECONDS="$(sed -n 's/^cli_humind_seconds=//p' <<< "$CLI_FIGURES")"

APP_URL="http://127.0.0.1:${APP_PORT}/" SIM_URL="http://127.0.0.1:${SIM_PORT}" BENCH_APP_URL="http://127.0.0.1:${BENCH_APP_PORT}/" \
  CLI_FETCH_SECONDS="$CLI_FETCH_SECONDS" CLI_SECONDS="$CLI_SECONDS" \
  RELAY_URL="http://127.0.0.1:${RELAY_PORT}" \
  LATENCY_MS="$LATENCY_MS" node bench/run.mjs
