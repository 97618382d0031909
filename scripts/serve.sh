#!/usr/bin/env bash
# Installs what is missing, builds the app and the vendor simulator, and serves both:
#   the app        http://127.0.0.1:8080/   (Demo mode works at once)
#   the simulator  http://127.0.0.1:8787/<vendor>/...   (e.g. Humind: .../humind/public/v1)
# Ports: APP_PORT and SIM_PORT. Stop with Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/env.sh"
APP_PORT="${APP_PORT:-8080}"
SIM_PORT="${SIM_PORT:-8787}"

scripts/setup.sh
scripts/build-app.sh
cargo build --locked --release -p sim-server

cat <<EOT

Conversation Export is ready:  http://127.0.0.1:${APP_PORT}/
  - "Demo data" works at once, with no key.
  - To try the real code path over HTTP, choose Humind, keep "My account", and set
      API address: http://127.0.0.1:${SIM_PORT}/humind/public/v1
      API key:     hmd_live_sim_0123456789abcdef
EOT
exec target/release/sim-server --port "$SIM_PORT" --app-dir dist --app-port "$APP_PORT"
