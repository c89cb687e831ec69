#!/usr/bin/env bash
# Runs every test nixdeck has, installing whatever they need first:
#   1. formatting and lints (cargo fmt, cargo clippy -D warnings), and a parse check of every
#      .nix file (scripts/check-nix.sh);
#   2. the Rust tests, against SQLite and a throwaway PostgreSQL server on 127.0.0.1;
#   3. a release build, whose binary is started from an empty directory and checked to serve
#      every file of the site just built, then driven in Debian's Chromium by the
#      Playwright tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-tools.sh

step() { printf '\n==> %s\n' "$*"; }

step "formatting"
cargo fmt --all -- --check

step "lints"
cargo clippy --workspace --all-targets --locked -- -D warnings
# The browser half of the app (feature hydrate) is only compiled for WebAssembly.
cargo clippy -p app --lib --features hydrate --target wasm32-unknown-unknown --locked -- -D warnings

step "the Nix packaging parses (flake.nix, nix/)"
bash scripts/check-nix.sh

step "starting a throwaway PostgreSQL server"
pg_dir_file=$(mktemp)
NIXDECK_TEST_POSTGRES_URL=$(bash scripts/postgres-throwaway.sh 2>"$pg_dir_file")
pg_dir=$(tail -n 1 "$pg_dir_file")
rm -f "$pg_dir_file"
export NIXDECK_TEST_POSTGRES_URL
trap 'bash scripts/postgres-throwaway.sh stop "$pg_dir"' EXIT

step "Rust tests (SQLite and PostgreSQL)"
cargo test --workspace --locked

step "release build"
bash scripts/build-release.sh
step "the release binary carries exactly the site just built"
bash scripts/check-release-site.sh
step "the systemd unit (contrib/nixdeck.service)"
bash scripts/check-service-unit.sh

step "end-to-end tests in Chromium"
mkdir -p target/tmp
TMPDIR="$PWD/target/tmp" npx playwright test --config end2end/playwright.config.ts
