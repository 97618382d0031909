#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there. Safe to run again.
#   scripts/setup.sh          tools to build and serve the app
#   scripts/setup.sh --test   also headless Chromium and its driver, for the tests
set -euo pipefail
source "$(dirname "$0")/env.sh"

step() { printf '\n== %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# trunk 0.22 needs a newer rustc than these machines have; 0.21.14 is the last that builds here.
if ! trunk --version 2>/dev/null | grep -q '0\.21\.14'; then
  step "Installing Trunk 0.21.14 (about 7 minutes on 2 cores)"
  cargo install --locked trunk@0.21.14
fi

# The CLI must match the wasm-bindgen in Cargo.lock exactly, or Trunk tries to download one.
# --locked fails here (a locked dependency is missing from the registry), so it is left out.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " ${bindgen_version}\$"; then
  step "Installing wasm-bindgen-cli ${bindgen_version} (about 3 minutes)"
  cargo install wasm-bindgen-cli --version "${bindgen_version}"
fi

# wasm-opt from npm's binaryen (Debian's is too old: its output dies in the browser).
if ! node_modules/.bin/wasm-opt --version >/dev/null 2>&1 || ! node -e "require.resolve('playwright-core')" >/dev/null 2>&1; then
  step "Installing npm tools (binaryen, playwright-core, axe-core)"
  npm ci --no-audit --no-fund
fi

if [[ "${1:-}" == "--test" ]]; then
  sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
  missing=()
  [[ -x "$CHROME_PATH" && -x "$CHROMEDRIVER" ]] || missing+=(chromium chromium-driver)
  # LibreOffice opens the exported CSV files as a spreadsheet user would.
  command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
  if (( ${#missing[@]} )); then
    step "Installing ${missing[*]}"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # DuckDB and pandas load the exported files as a data team would.
  if ! .venv/bin/python -c "import duckdb, pandas, openpyxl" >/dev/null 2>&1; then
    step "Installing DuckDB, pandas and openpyxl (Python)"
    python3 -m venv .venv
    .venv/bin/pip install -q --disable-pip-version-check -r tests/consumers/requirements.txt
  fi
fi

step "Fetching crates"
cargo fetch --locked >/dev/null
