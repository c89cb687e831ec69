#!/usr/bin/env bash
# What a browser fetches to hydrate each page of a release build on a first visit, signed in,
# in Debian's Chromium: the WebAssembly and JS files, raw, gzip -9 and brotli. Prints Markdown
# (see docs/benchmarks.md for how to read it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-tools.sh
bash scripts/build-release.sh
python3 bench/bundle_bench.py
