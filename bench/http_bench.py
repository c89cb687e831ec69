#!/usr/bin/env python3
"""HTTP benchmark: nixdeck's server-rendered home page and /healthz against a bare axum
baseline, both release builds, served on this machine in the same run, loaded by wrk.
Reports requests per second and p50/p99 latency, each as a ratio to the baseline, plus the
size of the WebAssembly bundle (raw, gzip, brotli). Usage: bench/http.sh (builds first)."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchlib import CONNECTIONS, DURATION, NIXDECK, ROOT, ROUNDS, best_of, sign_in, wait_until_up

NIXDECK_PORT, BASELINE_PORT = 3910, 3911


def built(extension: str) -> Path:
    """The build's output file of this kind (its name carries a content hash)."""
    return max((ROOT / "target/site/pkg").glob(f"nixdeck.*.{extension}"),
               key=lambda path: path.stat().st_mtime)


def compressed_sizes(path: Path) -> tuple[int, int, int]:
    raw = path.stat().st_size
    gz = len(subprocess.run(["gzip", "-9", "-c", str(path)], check=True, capture_output=True).stdout)
    br_file = path.with_name(path.name + ".br")
    br = br_file.stat().st_size if br_file.exists() else 0
    return raw, gz, br


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="nixdeck-bench-"))
    env = dict(os.environ, NIXDECK_LISTEN=f"127.0.0.1:{NIXDECK_PORT}",
               NIXDECK_DATA_DIR=str(workdir / "data"), RUST_LOG="warn")
    servers = [
        subprocess.Popen([NIXDECK, "serve"], cwd=workdir, env=env),
        subprocess.Popen([ROOT / "target/release/baseline", f"127.0.0.1:{BASELINE_PORT}"]),
    ]
    try:
        nixdeck = f"http://127.0.0.1:{NIXDECK_PORT}"
        baseline = f"http://127.0.0.1:{BASELINE_PORT}"
        wait_until_up(nixdeck + "/healthz")
        wait_until_up(baseline + "/healthz")
        cookie = sign_in(nixdeck)
        rows = []
        # Monitoring calls /healthz without signing in; people load pages signed in.
        for label, path, session in [
            ("home page (SSR, signed in)", "/", cookie),
            ("/healthz", "/healthz", ""),
        ]:
            base = best_of(baseline + path)
            ours = best_of(nixdeck + path, session)
            rows.append((label, ours, base))
    finally:
        for server in servers:
            server.terminate()
            server.wait()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"wrk: 1 thread, {CONNECTIONS} connections, {DURATION} x {ROUNDS} rounds (best kept); "
          f"{os.cpu_count()} cores\n")
    print("| endpoint | nixdeck req/s | baseline req/s | req/s ratio | nixdeck p50 / p99 (ms) "
          "| baseline p50 / p99 (ms) | p50 ratio | p99 ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for label, ours, base in rows:
        print(f"| {label} | {ours['rps']:.0f} | {base['rps']:.0f} | {ours['rps'] / base['rps']:.3f} "
              f"| {ours['p50']:.2f} / {ours['p99']:.2f} | {base['p50']:.2f} / {base['p99']:.2f} "
              f"| {ours['p50'] / base['p50']:.1f} | {ours['p99'] / base['p99']:.1f} |")
    raw, gz, br = compressed_sizes(built("wasm"))
    js_raw, js_gz, js_br = compressed_sizes(built("js"))
    css_raw, css_gz, css_br = compressed_sizes(built("css"))
    print("\n| file | raw bytes | gzip -9 bytes | brotli bytes (served) |")
    print("|---|---|---|---|")
    print(f"| nixdeck.wasm | {raw} | {gz} | {br} |")
    print(f"| nixdeck.js | {js_raw} | {js_gz} | {js_br} |")
    print(f"| nixdeck.css | {css_raw} | {css_gz} | {css_br} |")


if __name__ == "__main__":
    main()
