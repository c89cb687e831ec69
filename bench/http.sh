#!/usr/bin/env bash
# Builds nixdeck and the baselines (a bare axum server, a hand-written clusters page) in
# release mode and runs the HTTP benchmark, AWS answered by moto.
# Prints Markdown tables (see docs/benchmarks.md for how to read them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/require-program.sh wrk
bash bench/build-servers.sh --baseline
python3 bench/http_bench.py
