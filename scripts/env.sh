# Sourced by the other scripts: the tools they install, on PATH.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
# Chromium, for browser and end-to-end tests.
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# Firefox ESR and WebKitGTK's MiniBrowser, for the end-to-end flows in every engine.
export FIREFOX_PATH="${FIREFOX_PATH:-/usr/bin/firefox-esr}"
export MINIBROWSER="${MINIBROWSER:-/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser}"
cd "$ROOT"
