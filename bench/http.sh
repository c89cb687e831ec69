#!/usr/bin/env bash
# Builds nixdeck and the baselines (a bare axum server, a hand-written clusters page) in
# release mode and runs the HTTP benchmark, AWS answered by moto.
# Prints Markdown tables (see docs/benchmarks.md for how to read them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-build-tools.sh
bash scripts/install-moto.sh
bash bench/require-wrk.sh
cargo leptos build --release --precompress --split
cargo build --release --locked -p baseline
python3 bench/http_bench.py
