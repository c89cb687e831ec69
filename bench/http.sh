#!/usr/bin/env bash
# Builds nixdeck and the bare axum baseline in release mode and runs the HTTP benchmark.
# Prints Markdown tables (see docs/benchmarks.md for how to read them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-build-tools.sh
if ! command -v wrk >/dev/null 2>&1; then
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq wrk >/dev/null
fi
cargo leptos build --release --precompress
cargo build --release --locked -p baseline
python3 bench/http_bench.py
