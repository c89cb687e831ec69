#!/usr/bin/env bash
# The release build: the server and its WebAssembly, with the site embedded in the binary,
# view types concrete in both halves (scripts/release-flags.sh says why). Extra arguments go
# to cargo-leptos (e.g. --cargo-locked).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/release-flags.sh
exec cargo leptos build --release --precompress --split "$@"
