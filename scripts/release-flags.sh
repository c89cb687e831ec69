# Sourced, not run: the rustc flags of every release build (scripts/build-release.sh, and the
# benchmarks' own release binaries, so they share its compiled dependencies).
#
# .cargo/config.toml erases view types (`--cfg erase_components`) in every build, so that the
# debug builds compile fast and `cargo test`, `cargo clippy` and `cargo leptos` share their
# dependencies. A release keeps its view types concrete instead: erased views cost the server
# about a fifth of a page's instructions (docs/benchmarks.md). Both halves must be built the
# same way, or the server's markup is not what the WebAssembly hydrates, so the flags are set
# here for the host and for wasm32 together. A target's own flags replace build.rustflags;
# cargo skips an empty list, so the flag given is one that changes nothing (frame pointers are
# already off by default on both targets).
release_flags=-Cforce-frame-pointers=no
release_host=$(rustc -vV | sed -n 's/^host: //p')
: "${release_host:?rustc -vV names no host}"
export "CARGO_TARGET_$(printf '%s' "$release_host" | tr 'a-z.-' 'A-Z__')_RUSTFLAGS=$release_flags"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=$release_flags
unset release_flags release_host
