#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there. Safe to run again.
#   scripts/setup.sh          tools to build and serve the app
#   scripts/setup.sh --test   also the browsers and their WebDriver servers, for the tests:
#                             Chromium with ChromeDriver, Firefox ESR with geckodriver, WebKitGTK's
#                             MiniBrowser with WebKitWebDriver (under Xvfb)
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
# The WebDriver client for the cross-engine tests (selenium-webdriver) comes with them.
if ! node_modules/.bin/wasm-opt --version >/dev/null 2>&1 \
  || ! node -e "require.resolve('playwright-core'); require.resolve('selenium-webdriver'); require.resolve('axe-core')" >/dev/null 2>&1; then
  step "Installing npm tools (binaryen, playwright-core, selenium-webdriver, axe-core)"
  npm ci --no-audit --no-fund
fi

if [[ "${1:-}" == "--test" ]]; then
  sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
  missing=()
  [[ -x "$CHROME_PATH" && -x "$CHROMEDRIVER" ]] || missing+=(chromium chromium-driver)
  # Firefox ESR (driven by geckodriver, below) and WebKitGTK: WebKitWebDriver drives its
  # MiniBrowser, a GTK window, on a virtual display (xvfb-run).
  [[ -x "$FIREFOX_PATH" ]] || missing+=(firefox-esr)
  [[ -x "$MINIBROWSER" ]] && command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null || missing+=(xvfb)
  # LibreOffice opens the exported CSV files as a spreadsheet user would.
  command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui)
  if (( ${#missing[@]} )); then
    step "Installing ${missing[*]}"
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # geckodriver has no Debian package; crates.io builds it (about 5 minutes on 2 cores).
  if ! geckodriver --version 2>/dev/null | grep -q '^geckodriver 0\.37'; then
    step "Installing geckodriver 0.37 (about 5 minutes)"
    cargo install --locked geckodriver@0.37.1
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
