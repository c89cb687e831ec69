#!/usr/bin/env bash
# Checks that the release binary carries exactly the site just built: it is started from an
# empty directory, and every file of target/site is fetched from it and compared, byte for
# byte and by content type; the plain names the pages use (/pkg/nixdeck.js, .wasm, .css)
# must answer with the build's content-named files, and a brotli-accepting client must get
# the precompressed bytes. Run after `cargo leptos build --release [--precompress]`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/check_release_site.py "$@"
