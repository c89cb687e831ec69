#!/usr/bin/env bash
# What Leptos itself costs the browser, for scale beside nixdeck's bundle: builds
# bench/leptos_floor (one routed page with a title, a counter and a list loaded by a server
# function) for the browser twice, the whole page hydrating as nixdeck's pages do and as
# Leptos's islands (only the counter hydrates). Each is built as nixdeck's release builds its
# WebAssembly: the release's rustc flags, the wasm-release profile, wasm-bindgen, then
# wasm-opt with cargo-leptos's options. Prints raw and gzip -9 bytes as Markdown (see
# docs/benchmarks.md, WebAssembly bundle).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-build-tools.sh
source scripts/release-flags.sh
floor=bench/leptos_floor
# The versions nixdeck builds with: its lockfile, which cargo trims to what the floor uses.
cp Cargo.lock "$floor/Cargo.lock"
out=$(mktemp -d "${TMPDIR:-/tmp}/nixdeck-floor-XXXXXX")
trap 'rm -rf "$out"' EXIT
echo "| Leptos alone, built as nixdeck's release | raw bytes | gzip -9 bytes |"
echo "|---|---|---|"
for variant in hydrate islands; do
  cargo build --quiet --manifest-path "$floor/Cargo.toml" --lib --target wasm32-unknown-unknown \
    --profile wasm-release --features "$variant" --target-dir target/leptos-floor
  wasm-bindgen --target web --no-typescript --out-dir "$out/$variant" \
    target/leptos-floor/wasm32-unknown-unknown/wasm-release/leptos_floor.wasm
  node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$out/$variant/leptos_floor_bg.wasm" -o "$out/$variant/floor.wasm"
  echo "| $variant | $(stat -c %s "$out/$variant/floor.wasm") | $(gzip -9 -c "$out/$variant/floor.wasm" | wc -c) |"
done
