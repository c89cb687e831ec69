# nixdeck, built the way scripts/build-release.sh builds it elsewhere (`cargo leptos build
# --release --precompress --split`, view types concrete in both halves):
# the WebAssembly half (package `app`, feature `hydrate`, profile `wasm-release`) through
# wasm-bindgen and wasm-opt, the CSS through Tailwind, then the server, whose release binary
# carries the whole site. Everything comes from nixpkgs; nothing is downloaded during the build.
#
#   nix build .#nixdeck          (flake.nix)
#   pkgs.callPackage ./nix/package.nix { }
{
  lib,
  rustPlatform,
  rustc,
  fetchCrate,
  cargo-leptos,
  tailwindcss_4,
  binaryen,
  lld,
  buildWasmBindgenCli,
  # The wasm-bindgen CLI must be exactly the version Cargo.lock pins (0.2.130), or the JS glue
  # it writes does not match the WebAssembly. nixpkgs names each version it carries
  # `wasm-bindgen-cli_0_2_NNN`; when this one is not there yet, it is built below.
  wasm-bindgen-cli_0_2_130 ? null,
}:

let
  workspace = builtins.fromTOML (builtins.readFile ../Cargo.toml);
  lock = builtins.fromTOML (builtins.readFile ../Cargo.lock);
  lockedVersion =
    name:
    (lib.findFirst (p: p.name == name) (throw "Cargo.lock has no package ${name}") lock.package).version;

  wasmBindgenVersion = lockedVersion "wasm-bindgen";

  wasmBindgenCli =
    if wasm-bindgen-cli_0_2_130 != null then
      wasm-bindgen-cli_0_2_130
    else
      # Built from crates.io as nixpkgs builds its own versioned CLIs
      # (pkgs/by-name/wa/wasm-bindgen-cli_0_2_*/package.nix). The two hashes could not be
      # computed where this file was written (no network): both are lib.fakeHash
      # placeholders. The first build fails with "hash mismatch ... got: sha256-..."; put that
      # value in, build again for the second. `nix build .#nixdeck.wasm-bindgen-cli` builds
      # just this.
      buildWasmBindgenCli rec {
        src = fetchCrate {
          pname = "wasm-bindgen-cli";
          version = "0.2.130";
          hash = lib.fakeHash;
        };
        cargoDeps = rustPlatform.fetchCargoVendor {
          inherit src;
          inherit (src) pname version;
          hash = lib.fakeHash;
        };
      };

  # cargo-leptos before 0.3.0 compiled its own wasm-bindgen in and so only worked with the
  # wasm-bindgen version it was built with; 0.3.0 and later run the wasm-bindgen CLI found on
  # PATH (leptos-rs/cargo-leptos#582). The bundle is split by route (`--split`), and the split
  # loader must import the main module by its content-named file, which 0.3.11 does. nixpkgs'
  # cargo-leptos is used when it is 0.3.11 or newer; otherwise 0.3.11 (what
  # scripts/install-build-tools.sh installs) is built from crates.io.
  cargoLeptos =
    if lib.versionAtLeast cargo-leptos.version "0.3.11" then
      cargo-leptos
    else
      let
        src = fetchCrate {
          pname = "cargo-leptos";
          version = "0.3.11";
          # NAR hash of the unpacked crate, computed from the .crate whose sha256 matches the
          # crates.io index (2d8cab2c...0b0be0).
          hash = "sha256-PcOJajukGxBv5fvVDjFv27Fz5u5bwyBWMlCshjzK4Ko=";
        };
      in
      rustPlatform.buildRustPackage {
        pname = "cargo-leptos";
        version = "0.3.11";
        inherit src;
        # The crate ships its Cargo.lock and every dependency in it comes from crates.io, so the
        # vendored dependencies need no hash of their own. Reading the lock file out of `src`
        # is import-from-derivation (allowed by default for flakes; not in nixpkgs itself).
        cargoLock.lockFile = "${src}/Cargo.lock";
        # Fail, rather than download, when tailwindcss, wasm-bindgen or wasm-opt is missing.
        buildFeatures = [ "no_downloads" ];
        doCheck = false;
        meta.mainProgram = "cargo-leptos";
      };
in

assert lib.assertMsg (wasmBindgenCli.version == wasmBindgenVersion)
  "nix/package.nix: Cargo.lock pins wasm-bindgen ${wasmBindgenVersion} but the CLI is ${wasmBindgenCli.version}; change the wasm-bindgen-cli_0_2_* argument and the fallback's version to match.";
assert lib.assertMsg (lib.versionAtLeast rustc.version workspace.workspace.package.rust-version)
  "nix/package.nix: nixdeck needs Rust ${workspace.workspace.package.rust-version} or newer; this nixpkgs has ${rustc.version}.";

rustPlatform.buildRustPackage {
  pname = "nixdeck";
  inherit (workspace.workspace.package) version;

  # What the build reads, and nothing else (no target/, node_modules/, end2end/, docs).
  src = lib.fileset.toSource {
    root = ../.;
    fileset = lib.fileset.unions [
      ../Cargo.toml
      ../Cargo.lock
      ../.cargo
      ../.env.example
      ../app
      ../aws
      ../bench # workspace members: cargo wants them present
      ../engine
      ../migrations
      ../public
      ../server
      ../style
      ../testkit
    ];
  };

  # Every dependency is from crates.io with its checksum in Cargo.lock: no vendor hash needed.
  cargoLock.lockFile = ../Cargo.lock;

  nativeBuildInputs = [
    cargoLeptos
    wasmBindgenCli
    tailwindcss_4 # the standalone CLI; it carries Tailwind itself, so `@import "tailwindcss"` resolves
    binaryen # wasm-opt
    lld # nixpkgs' rustc links wasm32-unknown-unknown (whose std it ships) with `lld`
  ];

  # A release keeps its view types concrete in the server and the WebAssembly alike, as
  # scripts/build-release.sh builds it elsewhere: .cargo/config.toml's build.rustflags
  # (`--cfg erase_components`, for fast debug builds) must reach neither half, and the cargo
  # configuration nixpkgs appends sets target.<host>.rustflags, which would reach only the
  # server. RUSTFLAGS wins over both and reaches both halves. The flag itself changes nothing
  # (frame pointers are off by default on both targets).
  RUSTFLAGS = "-Cforce-frame-pointers=no";

  # The cargo wrapper that embeds dependency lists would also wrap cargo-leptos's wasm32 build;
  # keep the build exactly what `cargo leptos build` does on any other machine.
  auditable = false;

  buildPhase = ''
    runHook preBuild
    export HOME="$TMPDIR"
    cargo leptos build --release --precompress --split --cargo-locked --cargo-offline
    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall
    install -D -m 755 target/release/nixdeck "$out/bin/nixdeck"
    runHook postInstall
  '';

  # The tests need an SSH server, PostgreSQL, moto (a local AWS) and Chromium, none of which
  # the build sandbox has; scripts/test.sh runs all of them.
  doCheck = false;

  passthru = {
    cargo-leptos = cargoLeptos;
    wasm-bindgen-cli = wasmBindgenCli;
  };

  meta = {
    description = "Web control plane for NixOS clusters deployed with NixOps on AWS";
    license = lib.licenses.mit;
    mainProgram = "nixdeck";
    platforms = lib.platforms.linux;
  };
}
