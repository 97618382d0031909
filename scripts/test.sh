#!/usr/bin/env bash
# Installs what is missing and runs every test: formatting and lints, host tests, browser tests
# (wasm-bindgen-test in headless Chromium) and end-to-end tests (the release build against the
# simulator server over HTTP: Playwright in Chromium, then the flows every engine must pass in
# Chromium, Firefox ESR and WebKitGTK over WebDriver). E2E_ENGINES="firefox" runs some engines only.
set -euo pipefail
source "$(dirname "$0")/env.sh"
SIM_PORT="${SIM_PORT:-18787}"
APP_PORT="${APP_PORT:-18080}"
RELAY_PORT="${RELAY_PORT:-18790}"

step() { printf '\n== %s\n' "$*"; }

scripts/setup.sh --test

step "Formatting and lints"
cargo fmt --all -- --check
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo clippy --locked --target wasm32-unknown-unknown --lib --bins --test browser -- -D warnings

step "Host tests (core, vendors, engine, exporters, simulator, fault matrix)"
cargo test --locked --workspace
cat target/fault-matrix.txt

step "The command line and the Singer tap into PostgreSQL (directly and through Meltano)"
scripts/warehouse.sh

step "Fuzzing the page parsers and the NDJSON reader (20 s each)"
scripts/fuzz.sh 20

step "Exports opened in LibreOffice, DuckDB and pandas"
cargo run --locked --quiet --example write_exports -- target/exports
.venv/bin/python tests/consumers/check_exports.py target/exports

step "Building the release app, the simulator server, the relay and the command line"
scripts/build-app.sh
# The command line too: an end-to-end test compares its files with the browser's download.
cargo build --locked -p sim-server -p relay -p conversation-export-cli

step "Starting the simulator on :${SIM_PORT} and the app on :${APP_PORT}"
target/debug/sim-server --port "$SIM_PORT" --app-dir dist --app-port "$APP_PORT" --slow-ms 3000 > target/sim-server.log 2>&1 &
SIM_PID=$!
# A second one serves the app from a sub-path, with 10,000 voice widget calls to preview.
target/debug/sim-server --port "$((SIM_PORT + 1))" --app-dir dist --app-port "$((APP_PORT + 1))" --app-base /tools/export/ \
  --count voice-widget=10000 > target/sim-server-subpath.log 2>&1 &
SUBPATH_PID=$!
# The relay, for the app's page, to every vendor on the first simulator (a private address:
# allowed for the tests only).
SIM="http://127.0.0.1:${SIM_PORT}"
target/debug/relay --listen "127.0.0.1:${RELAY_PORT}" --allow-origin "http://127.0.0.1:${APP_PORT}" --allow-private-upstreams \
  --upstream "humind=${SIM}/humind/public/v1" --upstream "talktohumans=${SIM}/talktohumans/v1" \
  --upstream "huechat=${SIM}/huechat/v2" --upstream "voice-widget=${SIM}/voice-widget" \
  --upstream "mindo=${SIM}/mindo/api/v1" > target/relay.log 2>&1 &
RELAY_PID=$!
trap 'kill "$SIM_PID" "$SUBPATH_PID" "$RELAY_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:${SIM_PORT}/_sim/health" >/dev/null 2>&1 && break
  sleep 0.1
done

step "Browser tests (wasm-bindgen-test in headless Chromium)"
SIM_ORIGIN="http://127.0.0.1:${SIM_PORT}" cargo test --locked --target wasm32-unknown-unknown --test browser

export APP_URL="http://127.0.0.1:${APP_PORT}/" SIM_URL="http://127.0.0.1:${SIM_PORT}"

step "End-to-end tests (Playwright, headless Chromium)"
RELAY_URL="http://127.0.0.1:${RELAY_PORT}" RELAY_LOG="target/relay.log" \
SUBPATH_URL="http://127.0.0.1:$((APP_PORT + 1))/tools/export/" SIM2_URL="http://127.0.0.1:$((SIM_PORT + 1))" \
  node --test --test-concurrency=1 tests/e2e/*.test.mjs

# One engine after another (two cores): each engine's WebDriver, a fresh profile per flow.
timings=()
failed=()
for engine in ${E2E_ENGINES:-chromium firefox webkit}; do
  step "End-to-end flows in ${engine} (WebDriver)"
  started=$SECONDS
  if ! ENGINE="$engine" node --test --test-concurrency=1 tests/e2e/engines/*.test.mjs; then
    failed+=("$engine")
  fi
  timings+=("${engine} $((SECONDS - started)) s")
done
step "End-to-end flows per engine: $(IFS=,; echo "${timings[*]}" | sed 's/,/, /g')"
if (( ${#failed[@]} )); then
  echo "Failed in: ${failed[*]}"
  exit 1
fi

step "All tests passed"
