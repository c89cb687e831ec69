#!/usr/bin/env python3
"""What a browser fetches to hydrate each page on a first visit: serves the release build on
a fresh embedded database, makes a cluster and its first job through the API so their pages
exist, signs in, loads each page in Debian's Chromium (bench/bundle_fetched.mjs) and sums
the WebAssembly and JS it fetched, gzip -9 and brotli (what is served), file by file as a
browser receives them. The goal is the home page's WebAssembly at most 175 KiB gzip.
Usage: bench/bundle.sh (builds first)."""

import json
import subprocess
from pathlib import Path

from benchlib import ROOT, SeededNixdeck, built, compressed_sizes

PORT = 3914
SITE = ROOT / "target/site"
GOAL_GZIP_KIB = 175


def fetched_file(path: str) -> Path:
    """The built file a fetched path names: itself, or for a plain name (`nixdeck.wasm`,
    which pages asked for before the bundle was split) the content-named file it stands
    for."""
    file = SITE / path.lstrip("/")
    return file if file.exists() else built(file.suffix.lstrip("."))


def total(paths: list[str], suffix: str) -> tuple[int, int, int, int]:
    """Files, raw, gzip and brotli bytes of the fetched files with this suffix."""
    chosen = [fetched_file(path) for path in paths if path.endswith(suffix)]
    sums = [compressed_sizes(path) for path in chosen]
    return (len(chosen), sum(s[0] for s in sums), sum(s[1] for s in sums),
            sum(s[2] for s in sums))


def main() -> None:
    with SeededNixdeck(PORT, "nixdeck-bundle-") as nixdeck:
        pages = ["home=/", "clusters=/clusters", "cluster=/clusters/staging-1",
                 f"job=/jobs/{nixdeck.job_id}", "audit=/audit", "secrets=/secrets",
                 "builder=/builder", "account=/account"]
        fetched = json.loads(subprocess.run(
            ["node", ROOT / "bench/bundle_fetched.mjs", nixdeck.base, nixdeck.cookie, *pages],
            check=True, stdout=subprocess.PIPE, text=True).stdout)

    print("| page | .wasm files | WebAssembly raw | gzip -9 | KiB gzip | brotli (served) "
          "| JS files, gzip -9 |")
    print("|---|---|---|---|---|---|---|")
    for name, paths in fetched.items():
        files, raw, gz, br = total(paths, ".wasm")
        js_files, _, js_gz, _ = total(paths, ".js")
        print(f"| {name} | {files} | {raw} | {gz} | {gz / 1024:.0f} | {br} "
              f"| {js_files}, {js_gz} |")
    pkg = SITE / "pkg"
    every_wasm = sorted(pkg.glob("*.wasm"))
    raw, gz, br = compressed_sizes(built("wasm"))
    everything = [compressed_sizes(path) for path in every_wasm]
    print(f"\nBuilt: {len(every_wasm)} WebAssembly files, {sum(s[0] for s in everything)} bytes raw, "
          f"{sum(s[1] for s in everything)} gzip -9; the main module {raw} raw, {gz} gzip -9, "
          f"{br} brotli.")
    _, _, home_gz, _ = total(fetched["home"], ".wasm")
    verdict = "met" if home_gz <= GOAL_GZIP_KIB * 1024 else "not met"
    print(f"Home page: {home_gz / 1024:.0f} KiB gzip of WebAssembly; goal "
          f"≤ {GOAL_GZIP_KIB} KiB: {verdict}.")


if __name__ == "__main__":
    main()
