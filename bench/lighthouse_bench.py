#!/usr/bin/env python3
"""Lighthouse over nixdeck's pages: serves the release build on a fresh embedded database,
makes a cluster and its first job through the API so their pages exist, signs in, and
runs bench/lighthouse/audit.mjs over the home, clusters, cluster, job and audit pages.
Usage: bench/lighthouse.sh (installs Lighthouse and builds first)."""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchlib import NIXDECK, ROOT, request, sign_in, wait_until_up

PORT = 3913
BASE = f"http://127.0.0.1:{PORT}"


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="nixdeck-lighthouse-"))
    env = dict(os.environ, NIXDECK_LISTEN=f"127.0.0.1:{PORT}",
               NIXDECK_DATA_DIR=str(workdir / "data"), RUST_LOG="warn")
    server = subprocess.Popen([NIXDECK, "serve"], cwd=workdir, env=env)
    try:
        wait_until_up(BASE + "/healthz")
        cookie = sign_in(BASE)
        request(BASE + "/api/v1/clusters", cookie, "POST", {
            "name": "staging-1", "cluster_index": 1, "env": "staging",
            "domain": "staging-1.example.org", "dns_zone": "example.org.",
        }).read()
        job = json.load(request(BASE + "/api/v1/clusters/staging-1/deploys", cookie, "POST", {}))
        subprocess.run(
            ["node", ROOT / "bench/lighthouse/audit.mjs", BASE, cookie,
             "home=/", "clusters=/clusters", "cluster=/clusters/staging-1",
             f"job=/jobs/{job['job_id']}", "audit=/audit"],
            check=True)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
