#!/usr/bin/env bash
# The history benchmark: nixdeck's pages and streams over a small and a large data set
# (100 clusters, 10,000 jobs, 1,000,000 audit events, a 200,000-line log), as ratios.
# Prints Markdown tables (see docs/benchmarks.md for how to read them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/require-program.sh wrk
bash bench/build-servers.sh
python3 bench/history_bench.py
