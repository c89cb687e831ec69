#!/usr/bin/env python3
"""HTTP benchmark, release builds served on this machine in the same run, loaded by wrk:
- nixdeck's signed-in clusters list against a hand-written page doing the same work (the
  same session lookup and engine queries on nixdeck's own database, the same AWS reads, the
  same HTML built with plain string formatting), with 3 deployed clusters and with a full
  deployer's 25, AWS answered by moto (its answers cached as in production);
- nixdeck's home page and /healthz against a bare axum handler (the second reference);
- the size of the WebAssembly bundle (raw, gzip, brotli).
Usage: bench/http.sh (builds first)."""

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from benchlib import (CONNECTIONS, DURATION, NIXDECK, ROOT, ROUNDS, Moto, best_of, best_of_each,
                      built, compressed_sizes, request, sign_in, wait_until_up)

NIXDECK_PORT, BASELINE_PORT = 3910, 3911
NIXDECK_URL = f"http://127.0.0.1:{NIXDECK_PORT}"
BASELINE_URL = f"http://127.0.0.1:{BASELINE_PORT}"


def add_clusters(cookie: str, indexes: range, database: Path) -> None:
    """Staging clusters with a first job each, made through the API as a person would, then
    marked deployed (there is no deployer here), so the list reads each one's health from
    AWS."""
    for index in indexes:
        name = f"bench-{index:02d}"
        request(NIXDECK_URL + "/api/v1/clusters", cookie, "POST", {
            "name": name, "cluster_index": index, "env": "staging",
            "domain": f"{name}.example.org", "dns_zone": "example.org.",
        }).read()
        job = json.load(request(f"{NIXDECK_URL}/api/v1/clusters/{name}/deploys", cookie,
                                "POST", {}))
        # Without a deployer the job ends at once; the cluster's state follows it.
        for _ in range(200):
            state = json.load(request(f"{NIXDECK_URL}/api/v1/jobs/{job['job_id']}", cookie))
            if state["finished_at"] is not None:
                break
            time.sleep(0.05)
    with sqlite3.connect(database) as db:
        db.execute("update clusters set state = 'deployed', on_deployer = 1")


def page_bytes(url: str, cookie: str) -> int:
    req = urllib.request.Request(url)
    req.add_header("Cookie", cookie)
    return len(urllib.request.urlopen(req, timeout=10).read())


def measure(workdir: Path, aws_url: str) -> tuple:
    """Serves nixdeck and the baselines from `workdir`, AWS at `aws_url`, and loads them."""
    database = workdir / "data/nixdeck.db"
    aws = dict(os.environ, AWS_ENDPOINT_URL=aws_url, AWS_ACCESS_KEY_ID="testing",
               AWS_SECRET_ACCESS_KEY="testing")
    env = dict(aws, NIXDECK_LISTEN=f"127.0.0.1:{NIXDECK_PORT}",
               NIXDECK_DATA_DIR=str(workdir / "data"), RUST_LOG="warn")
    servers = [subprocess.Popen([NIXDECK, "serve"], cwd=workdir, env=env)]
    try:
        wait_until_up(NIXDECK_URL + "/healthz")
        cookie = sign_in(NIXDECK_URL)
        add_clusters(cookie, range(1, 4), database)
        # The baseline reads the database nixdeck has just written, and the same AWS.
        servers.append(subprocess.Popen([
            ROOT / "target/release/baseline", f"127.0.0.1:{BASELINE_PORT}",
            f"sqlite://{database}",
        ], env=aws))
        wait_until_up(BASELINE_URL + "/healthz")
        bare = best_of(BASELINE_URL + "/")
        pages = []
        for clusters, more in [(3, range(4, 4)), (25, range(4, 26))]:
            add_clusters(cookie, more, database)
            # One load each first, which fills the AWS caches (moto's first answers are slow).
            sizes = (page_bytes(NIXDECK_URL + "/clusters", cookie),
                     page_bytes(BASELINE_URL + "/clusters", cookie))
            ours, hand = best_of_each([(NIXDECK_URL + "/clusters", cookie),
                                       (BASELINE_URL + "/clusters", cookie)])
            pages.append((f"clusters list, {clusters} clusters", ours, hand, sizes))
        rows = []
        # Monitoring calls /healthz without signing in; people load pages signed in.
        for label, path, session in [
            ("home page (SSR, signed in)", "/", cookie),
            ("/healthz", "/healthz", ""),
        ]:
            base, ours = best_of_each([(BASELINE_URL + path, ""), (NIXDECK_URL + path, session)])
            rows.append((label, ours, base))
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    return bare, pages, rows


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="nixdeck-bench-"))
    try:
        with Moto() as moto:
            bare, pages, rows = measure(workdir, moto.url)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"wrk: 1 thread, {CONNECTIONS} connections, {DURATION} x {ROUNDS} rounds, the "
          f"two sides of a comparison in turn (best kept); "
          f"{os.cpu_count()} cores\n")
    print("| page | nixdeck req/s | hand-written req/s | req/s ratio | nixdeck p50 / p99 (ms) "
          "| hand-written p50 / p99 (ms) | p99 ratio | bytes, nixdeck / hand-written |")
    print("|---|---|---|---|---|---|---|---|")
    for label, ours, hand, (our_bytes, hand_bytes) in pages:
        print(f"| {label} | {ours['rps']:.0f} | {hand['rps']:.0f} | {ours['rps'] / hand['rps']:.2f} "
              f"| {ours['p50']:.2f} / {ours['p99']:.2f} | {hand['p50']:.2f} / {hand['p99']:.2f} "
              f"| {ours['p99'] / hand['p99']:.2f} | {our_bytes} / {hand_bytes} |")
    print(f"\nThe bare handler, for scale: {bare['rps']:.0f} req/s, p50 / p99 "
          f"{bare['p50']:.2f} / {bare['p99']:.2f} ms.\n")
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
