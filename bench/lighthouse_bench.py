#!/usr/bin/env python3
"""Lighthouse over nixdeck's pages: serves the release build on a fresh embedded database,
makes a cluster and its first job through the API so their pages exist, signs in, and
runs bench/lighthouse/audit.mjs over the home, clusters, cluster, job and audit pages.
Usage: bench/lighthouse.sh (installs Lighthouse and builds first)."""

import subprocess

from benchlib import ROOT, SeededNixdeck

PORT = 3913


def main() -> None:
    with SeededNixdeck(PORT, "nixdeck-lighthouse-") as nixdeck:
        subprocess.run(
            ["node", ROOT / "bench/lighthouse/audit.mjs", nixdeck.base, nixdeck.cookie,
             "home=/", "clusters=/clusters", "cluster=/clusters/staging-1",
             f"job=/jobs/{nixdeck.job_id}", "audit=/audit"],
            check=True)


if __name__ == "__main__":
    main()
