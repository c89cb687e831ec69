#!/usr/bin/env bash
# Lighthouse over the home, clusters, cluster, job and audit pages of a release build,
# signed in, in both themes, driving Debian's Chromium. Prints Markdown tables (see
# docs/benchmarks.md for how to read them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-build-tools.sh
command -v chromium >/dev/null 2>&1 || bash scripts/install-test-tools.sh
# npm ci is skipped when node_modules already matches the lockfile.
lock=bench/lighthouse/package-lock.json
if ! cmp -s "$lock" bench/lighthouse/node_modules/.lockfile-installed 2>/dev/null; then
  (cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error)
  cp "$lock" bench/lighthouse/node_modules/.lockfile-installed
fi
bash scripts/build-release.sh
python3 bench/lighthouse_bench.py
