#!/usr/bin/env bash
# What the benchmarks that serve nixdeck need: the build tools, moto (their AWS), and the
# release build; with `--baseline`, also the baselines (bench/baseline).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-build-tools.sh
bash scripts/install-moto.sh
bash scripts/build-release.sh
if [ "${1:-}" = "--baseline" ]; then
  # The release's flags, so the baseline shares the server's compiled dependencies.
  source scripts/release-flags.sh
  cargo build --release --locked -p baseline
fi
