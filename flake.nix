{
  description = "nixdeck, the control plane of the NixOps deployer";

  # nixdeck needs Rust 1.94 or newer, the wasm-bindgen CLI of the version Cargo.lock pins,
  # Tailwind CSS v4 and cargo-leptos 0.3 (see nix/package.nix).
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: {
        nixdeck = pkgs.callPackage ./nix/package.nix { };
        default = self.packages.${pkgs.stdenv.hostPlatform.system}.nixdeck;
      });

      overlays.default = final: _prev: {
        nixdeck = final.callPackage ./nix/package.nix { };
      };

      # services.nixdeck, with the package built from this flake's nixpkgs (whose toolchain is
      # the one nix/package.nix was written for) unless the configuration sets another.
      nixosModules.nixdeck =
        { lib, pkgs, ... }:
        {
          imports = [ ./nix/module.nix ];
          services.nixdeck.package = lib.mkDefault self.packages.${pkgs.stdenv.hostPlatform.system}.nixdeck;
        };
      nixosModules.default = self.nixosModules.nixdeck;
    };
}
