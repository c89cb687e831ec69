#!/usr/bin/env bash
# Installs what building the dashboard needs and is not part of a plain Rust toolchain:
# the wasm target, cargo-leptos, the wasm-bindgen CLI (matching Cargo.lock exactly) and the
# npm packages (Tailwind CSS, binaryen's wasm-opt, Playwright). Idempotent: a second run
# only checks versions and returns in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
# Must equal the wasm-bindgen version in Cargo.lock, or the generated JS will not load.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock 2>/dev/null || true)
WASM_BINDGEN_VERSION=${WASM_BINDGEN_VERSION:-0.2.130}

log() { printf '[install-build-tools] %s\n' "$*" >&2; }

# Builds a crate from its published source with one dependency pinned down, for tools whose
# own lockfile needs a newer rustc than the one installed.
install_crate_with_pin() {
  local crate=$1 version=$2 pin_pkg=$3 pin_version=$4
  local work
  work=$(mktemp -d)
  log "building $crate $version from source (this takes several minutes once)"
  curl -sSfL "https://static.crates.io/crates/$crate/$crate-$version.crate" | tar xz -C "$work"
  (
    cd "$work/$crate-$version"
    cargo update --quiet -p "$pin_pkg" --precise "$pin_version"
    CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install --quiet --path . --locked --force
  )
  rm -rf "$work"
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo-leptos --version 2>/dev/null || true)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
  install_crate_with_pin cargo-leptos "$CARGO_LEPTOS_VERSION" cargo-util-schemas 0.14.1
fi

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  install_crate_with_pin wasm-bindgen-cli "$WASM_BINDGEN_VERSION" webpki-roots 1.0.10
fi

# npm ci is skipped when node_modules already matches the lockfile.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.lockfile-installed; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.lockfile-installed
fi
