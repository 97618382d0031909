#!/usr/bin/env bash
# Fuzzes the page parsers and the NDJSON reader with cargo-fuzz (libFuzzer).
#   scripts/fuzz.sh            a short run of each target (20 s), as the test suite does
#   scripts/fuzz.sh 3600       an hour per target
# Stable Rust: RUSTC_BOOTSTRAP lets cargo-fuzz pass its -Z flags; no sanitizer (it needs nightly).
# Crashes land in fuzz/artifacts/<target>/; the corpus grows in fuzz/corpus/<target>/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
SECONDS_PER_TARGET="${1:-20}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz
fi
cd fuzz
for target in page_parsers ndjson_reader; do
  mkdir -p "corpus/$target"
  RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none -O "$target" "corpus/$target" "seeds/$target" \
    -- -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 2>&1 | grep -E "^(Done|stat::number_of_executed_units|==|SUMMARY)|panicked" || true
  if compgen -G "artifacts/$target/crash-*" >/dev/null; then
    echo "fuzz: $target crashed; see fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
