#!/usr/bin/env bash
# Starts the dashboard at http://127.0.0.1:3000 on the embedded SQLite database (in ./data),
# installing whatever building it needs first. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-build-tools.sh
exec cargo leptos serve --split
