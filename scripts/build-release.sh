#!/usr/bin/env bash
# The release build: the server and its WebAssembly, with the site embedded in the binary.
# Extra arguments go to cargo-leptos (e.g. --cargo-locked).
#
# .cargo/config.toml erases view types (`--cfg erase_components`) in every build, so that the
# debug builds compile fast and `cargo test`, `cargo clippy` and `cargo leptos` share their
# dependencies. A release keeps its view types concrete instead: erased views cost the server
# about a third of a page's instructions (docs/benchmarks.md). Both halves must be built the
# same way, or the server's markup is not what the WebAssembly hydrates, so the flags are set
# here for the host and for wasm32 together. A target's own flags replace build.rustflags;
# cargo skips an empty list, so the flag given is one that changes nothing (frame pointers are
# already off by default on both targets).
set -euo pipefail
cd "$(dirname "$0")/.."
neutral_flags=-Cforce-frame-pointers=no
host=$(rustc -vV | sed -n 's/^host: //p')
export "CARGO_TARGET_$(printf '%s' "$host" | tr 'a-z.-' 'A-Z__')_RUSTFLAGS=$neutral_flags"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=$neutral_flags
exec cargo leptos build --release --precompress --split "$@"
