#!/usr/bin/env bash
# Builds the CORS relay (release) and starts it; every argument goes to the relay, e.g.
#   scripts/relay.sh --allow-origin https://tools.example.com
#   scripts/relay.sh --allow-origin http://127.0.0.1:8080 --upstream voice-widget=https://voice.example.com
# See `scripts/relay.sh --help` and the README's Relay section. Stop with Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cargo build --locked --release -p relay
exec target/release/relay "$@"
