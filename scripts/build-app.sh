#!/usr/bin/env bash
# Builds the release app into dist/ (WebAssembly optimised by binaryen's wasm-opt).
set -euo pipefail
source "$(dirname "$0")/env.sh"
trunk build --release --locked "$@"
