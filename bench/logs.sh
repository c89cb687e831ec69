#!/usr/bin/env bash
# The job log benchmark (latency to a live viewer, throughput with 50 viewers), each
# against plain ssh in the same run. Needs the test tools (sshd, the nixdeck-test user).
# Prints Markdown tables (see docs/benchmarks.md for how to read them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-tools.sh
# The release's flags, so the benchmark shares the server's compiled dependencies.
source scripts/release-flags.sh
cargo run --release --locked -p log-bench
