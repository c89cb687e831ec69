#!/usr/bin/env bash
# Checks that the release binary carries exactly the site just built: it is started from an
# empty directory, and every file of target/site is fetched from it and compared, byte for
# byte and by content type; the plain names (/pkg/nixdeck.js, .wasm, .css) must answer with
# the build's content-named files, a brotli-accepting client must get the precompressed
# bytes, only files named after their content may be kept by browsers, and the split loader,
# its chunks and the pages' scripts must name each other. Run after scripts/build-release.sh
# (or `cargo leptos build --release --split [--precompress]`).
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/check_release_site.py "$@"
