#!/usr/bin/env bash
# Builds nixdeck and the baselines in release mode and counts, under valgrind's callgrind,
# the instructions the signed-in clusters list costs nixdeck and the hand-written page,
# AWS answered by moto. Prints Markdown (see docs/benchmarks.md for how to read it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/require-program.sh valgrind
bash bench/build-servers.sh --baseline
python3 bench/profile_page.py
