#!/usr/bin/env python3
"""History benchmark: what nixdeck's pages cost as a team's history grows. Two data sets
are seeded into the embedded database, small (3 clusters, 30 jobs, 1,000 audit events, a
1,000-line log) and large (100 clusters, 10,000 jobs, 1,000,000 audit events, a
200,000-line log); the release binary serves each in turn, and every measurement is
reported as the large set's figure over the small one's, same run, same machine. Memory
is the server's resident set (VmRSS), sampled while a stream is read or under load.
Usage: bench/history.sh (builds first)."""

import hashlib
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import benchlib
from benchlib import NIXDECK, Moto, ROOT, ROUNDS, best_of, rss_kib, sign_in, wait_until_up, wrk

PORT = 3912
BASE = f"http://127.0.0.1:{PORT}"
SETS = {
    "small": {"clusters": 3, "jobs": 30, "audit": 1_000, "log": 1_000},
    "large": {"clusters": 100, "jobs": 10_000, "audit": 1_000_000, "log": 200_000},
}
ACTORS = 50
# The columns each copied job gets its own value in; the rest are the first job's.
SET_PER_JOB = {"id", "kind", "cluster", "cluster_id", "state", "concurrency_key",
               "created_at", "started_at", "finished_at", "lease_owner", "lease_expires_at",
               "error"}
MINUTE = 60_000


def request(path: str, cookie: str, method: str = "GET", body=None, headers=None):
    return benchlib.request(BASE + path, cookie, method, body, headers)


class Server:
    """nixdeck serving one data directory, in local mode, with AWS at `aws`."""

    def __init__(self, workdir: Path, aws: str):
        self.workdir = workdir
        self.env = dict(os.environ, NIXDECK_LISTEN=f"127.0.0.1:{PORT}",
                        NIXDECK_DATA_DIR=str(workdir / "data"), RUST_LOG="warn",
                        AWS_ENDPOINT_URL=aws, AWS_ACCESS_KEY_ID="testing",
                        AWS_SECRET_ACCESS_KEY="testing")
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen([NIXDECK, "serve"], cwd=self.workdir, env=self.env)
        wait_until_up(BASE + "/healthz")
        return self

    def __exit__(self, *_):
        self.process.terminate()
        self.process.wait()


def seed(workdir: Path, size: dict, aws: str) -> str:
    """Creates one cluster and its first job through the API (so every column is as
    nixdeck writes it), then copies them, and writes the audit chain, in the database.
    Returns the id of the job with the long log."""
    with Server(workdir, aws):
        cookie = sign_in(BASE)
        request("/api/v1/clusters", cookie, "POST", {
            "name": "c000", "cluster_index": 1, "env": "staging",
            "domain": "c000.example.org", "dns_zone": "example.org.",
        }).read()
        request("/api/v1/clusters/c000/deploys", cookie, "POST", {}).read()
    db = sqlite3.connect(workdir / "data/nixdeck.db")
    columns = [row[1] for row in db.execute("pragma table_info(clusters)")]
    for index in range(1, size["clusters"]):
        name = f"c{index:03d}"
        values = {"id": f"'cluster-{index:03d}'", "name": f"'{name}'",
                  "cluster_index": str(index + 1), "domain": f"'{name}.example.org'"}
        db.execute(f"insert into clusters ({', '.join(columns)}) select "
                   f"{', '.join(values.get(c, c) for c in columns)} "
                   f"from clusters where name = 'c000'")
    # Deployed, so the clusters list derives each one's health from AWS and its checks.
    db.execute("update clusters set state = 'deployed', on_deployer = 1")
    template = db.execute("select id from jobs where cluster = 'c000'").fetchone()[0]
    cluster_ids = dict(db.execute("select name, id from clusters"))
    columns = [row[1] for row in db.execute("pragma table_info(jobs)")]
    start = int(time.time() * 1000) - size["jobs"] * MINUTE
    rows = []
    for index in range(size["jobs"]):
        cluster = f"c{index % size['clusters']:03d}"
        created = start + index * MINUTE
        # Every tenth job a scheduled check (`info`), which the clusters' health reads.
        kind = "info" if index % 10 == 9 else "deploy"
        values = {"id": f"j{index:07d}", "kind": kind, "cluster": cluster,
                  "cluster_id": cluster_ids[cluster],
                  "state": "failed" if index % 7 == 3 else "succeeded",
                  "concurrency_key": cluster, "created_at": created,
                  "started_at": created + 1_000, "finished_at": created + 41_000,
                  "lease_owner": None, "lease_expires_at": None, "error": None}
        rows.append(tuple(values[c] for c in columns if c in SET_PER_JOB))
    chosen = [c for c in columns if c in SET_PER_JOB]
    copied = [c for c in columns if c not in SET_PER_JOB]
    db.executemany(
        f"insert into jobs ({', '.join(chosen + copied)}) select "
        f"{', '.join('?' for _ in chosen)}, {', '.join(copied)} from jobs where id = ?",
        [row + (template,) for row in rows])
    db.execute(
        "insert into job_steps (job_id, position, name, state, started_at, finished_at) "
        "select j.id, s.position, s.name, 'succeeded', j.started_at, j.finished_at "
        "from jobs j join job_steps s on s.job_id = ? where j.id like 'j%'", (template,))
    # The newest job of c000 has the long log.
    long_log = db.execute("select id from jobs where cluster = 'c000' and id like 'j%' "
                          "and kind = 'deploy' order by id desc limit 1").fetchone()[0]
    db.execute(
        "with recursive n(i) as (select 1 union all select i + 1 from n where i < ?) "
        "insert into job_log (job_id, seq, stream, at, text) "
        "select ?, i, 'stdout', ?, 'building /nix/store/' || printf('%032d', i) || '-line.drv' "
        "from n", (size["log"], long_log, start))
    write_audit_chain(db, size["audit"], start)
    db.commit()
    db.close()
    return long_log


def event_hash(event_id, created_at, actor, action, target, details, source, prev_hash):
    """The same encoding as the audit chain's (engine/src/audit/chain.rs)."""
    digest = hashlib.sha256(b"nixdeck-audit-v1")
    digest.update(struct.pack(">q", event_id))
    digest.update(struct.pack(">q", created_at))
    for field in (actor, action, target, details, source or "", prev_hash):
        encoded = field.encode()
        digest.update(struct.pack(">Q", len(encoded)))
        digest.update(encoded)
    digest.update(bytes([1 if source is not None else 0]))
    return digest.hexdigest()


def write_audit_chain(db, count: int, start: int) -> None:
    """Appends `count` events to the audit chain, each hashed as nixdeck hashes them."""
    last_id, previous = db.execute(
        "select last_id, last_hash from audit_chain_head where id = 1").fetchone()
    batch = []
    for offset in range(count):
        event_id = last_id + 1 + offset
        created = start + offset * 10
        # A rare actor acted only at the very start: finding them reads the whole history
        # unless the filter uses an index. user07 does every tenth thing, half of it
        # job.requested, so the filtered pages are full (100, 50) in both sets.
        if offset < 3:
            actor, action = "github:auditor", "cluster.updated"
        elif offset % 10 == 7:
            actor = "github:user07"
            action = "job.requested" if offset % 20 == 7 else "cluster.updated"
        else:
            actor = f"github:person{offset % ACTORS:02d}"
            action = ("cluster.updated", "job.requested", "secret.revealed")[offset % 3]
        target = f"cluster:c{offset % 100:03d}"
        details = '{"via":"session"}'
        source = "127.0.0.1"
        digest = event_hash(event_id, created, actor, action, target, details, source,
                            previous)
        batch.append((event_id, created, actor, action, target, details, source, previous,
                      digest))
        previous = digest
        if len(batch) == 50_000:
            insert_events(db, batch)
            batch = []
    insert_events(db, batch)
    db.execute("update audit_chain_head set last_id = ?, last_hash = ? where id = 1",
               (last_id + count, previous))


def insert_events(db, batch) -> None:
    db.executemany(
        "insert into audit_events (id, created_at, actor, action, target, details, "
        "source_addr, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)


class Sampler:
    """The server's resident set, sampled every 10 ms while in use; the peak is kept."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.running = pid, rss_kib(pid), True
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_kib(self.pid))
            time.sleep(0.01)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.running = False
        self.thread.join()


def drain(response) -> int:
    total = 0
    while chunk := response.read(1 << 16):
        total += len(chunk)
    return total


def measure(workdir: Path, long_log: str, size: dict, aws: str) -> dict:
    results = {}
    with Server(workdir, aws) as server:
        pid = server.process.pid
        cookie = sign_in(BASE)
        time.sleep(1)
        results["idle_rss"] = rss_kib(pid)
        pages = {
            "clusters list page": "/clusters",
            "clusters list (API)": "/api/v1/clusters",
            "audit page, newest first": "/audit",
            "audit page, one actor": "/audit?actor=github:user07",
            "audit page, a rare actor": "/audit?actor=github:auditor",
            "audit API, one actor and action": "/api/v1/audit?actor=github:user07&action=job.requested&limit=50",
            "job page (long log)": f"/jobs/{long_log}",
        }
        for label, path in pages.items():
            # The first load fills the caches (AWS's answers); what is measured is the steady
            # state, as people see it.
            request(path, cookie).read()
            results[label] = best_of(BASE + path, cookie, connections="4", duration="5s")
            results[label]["bytes"] = len(request(path, cookie).read())
        before = rss_kib(pid)
        with Sampler(pid) as sampler:
            started = time.monotonic()
            size_read = drain(request(f"/api/v1/jobs/{long_log}/log", cookie))
            seconds = time.monotonic() - started
        results["plain log"] = {"bytes": size_read, "seconds": seconds,
                                "growth": sampler.peak - before}
        for export in ("csv", "json"):
            before = rss_kib(pid)
            with Sampler(pid) as sampler:
                started = time.monotonic()
                size_read = drain(request(f"/api/v1/audit/export?format={export}", cookie))
                seconds = time.monotonic() - started
            results[f"audit export ({export.upper()})"] = {
                "bytes": size_read, "seconds": seconds, "growth": sampler.peak - before}
        resume_from = size["log"] - 1_000
        started = time.monotonic()
        stream = request(f"/api/v1/jobs/{long_log}/log", cookie,
                         headers={"Accept": "text/event-stream",
                                  "Last-Event-ID": str(resume_from)})
        lines = 0
        for raw in stream:
            if raw.startswith(b"id:"):
                lines += 1
            if raw.startswith(b"event: end") or raw.startswith(b"event:end"):
                break
        results["resume"] = {"lines": lines, "seconds": time.monotonic() - started}
        with Sampler(pid) as sampler:
            load = wrk(BASE + "/clusters", cookie, connections="100", duration="10s",
                       strict=False)
        results["loaded_rss"] = sampler.peak
        results["load"] = load
    return results


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="nixdeck-history-"))
    measured = {}
    try:
        with Moto() as aws:
            for name, size in SETS.items():
                workdir = root / name
                workdir.mkdir()
                started = time.monotonic()
                long_log = seed(workdir, size, aws.url)
                print(f"seeded {name} ({size}) in {time.monotonic() - started:.0f} s",
                      file=sys.stderr)
                measured[name] = measure(workdir, long_log, size, aws.url)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    small, large = measured["small"], measured["large"]
    print(f"wrk: 1 thread, 4 connections, 5 s x {ROUNDS} rounds (best kept); "
          f"{os.cpu_count()} cores\n")
    print("| page | small: p50 ms / req/s / bytes | large: p50 ms / req/s / bytes "
          "| time ratio (p50) | bytes ratio |")
    print("|---|---|---|---|---|")
    for label in ("clusters list page", "clusters list (API)", "audit page, newest first",
                  "audit page, one actor", "audit page, a rare actor",
                  "audit API, one actor and action", "job page (long log)"):
        s, l = small[label], large[label]
        print(f"| {label} | {s['p50']:.2f} / {s['rps']:.0f} / {s['bytes']} "
              f"| {l['p50']:.2f} / {l['rps']:.0f} / {l['bytes']} "
              f"| {l['p50'] / s['p50']:.2f} | {l['bytes'] / s['bytes']:.2f} |")
    print("\n| stream | small: bytes, s, RSS growth | large: bytes, s, RSS growth |")
    print("|---|---|---|")
    for label in ("plain log", "audit export (CSV)", "audit export (JSON)"):
        s, l = small[label], large[label]
        print(f"| {label} | {s['bytes']}, {s['seconds']:.2f} s, {s['growth'] / 1024:.1f} MiB "
              f"| {l['bytes']}, {l['seconds']:.2f} s, {l['growth'] / 1024:.1f} MiB |")
    for name in ("small", "large"):
        r = measured[name]
        print(f"\n{name}: a viewer resuming 1,000 lines before the end got {r['resume']['lines']} "
              f"lines in {r['resume']['seconds'] * 1000:.0f} ms; idle RSS "
              f"{r['idle_rss'] / 1024:.1f} MiB; RSS under 100 signed-in clients "
              f"(wrk -c100 on /clusters, {r['load']['rps']:.0f} req/s, p99 "
              f"{r['load']['p99']:.1f} ms, {r['load']['errors']} errors or timeouts) peaked at "
              f"{r['loaded_rss'] / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
