"""What the HTTP benchmarks share: starting nixdeck's release binary, signing in, loading a
URL with wrk, reading a process's memory, the AWS stand-in."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NIXDECK = ROOT / "target/release/nixdeck"
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


def wait_until_up(url: str) -> None:
    for _ in range(400):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"server at {url} did not come up")


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base: str) -> str:
    """Signs in as local mode's admin and returns the session cookie to send."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(base + "/auth/local", data=b"next=%2F", method="POST")
    try:
        opener.open(request, timeout=5)
    except urllib.error.HTTPError as redirect:
        cookie = redirect.headers["Set-Cookie"]
        return cookie.split(";", 1)[0]
    sys.exit("signing in did not answer with a redirect")


def request(url: str, cookie: str, method: str = "GET", body=None, headers=None):
    """One request as the dashboard's own pages send it (same origin), JSON in and out."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Cookie", cookie)
    req.add_header("Content-Type", "application/json")
    req.add_header("Sec-Fetch-Site", "same-origin")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    return urllib.request.urlopen(req, timeout=600)


def wrk(url: str, cookie: str = "", connections: str = CONNECTIONS,
        duration: str = DURATION, strict: bool = True) -> dict:
    """One wrk run. Strict: any error or non-2xx answer ends the benchmark; otherwise they
    are counted (`errors`)."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}", "--latency", *headers, url],
        check=True, capture_output=True, text=True,
    ).stdout
    if strict and ("Non-2xx" in out or "Socket errors" in out):
        sys.exit(f"errors while loading {url}:\n{out}")
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    return {
        "errors": errors,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(latency["50"]),
        "p99": to_ms(latency["99"]),
    }


def best_of(url: str, cookie: str = "", connections: str = CONNECTIONS,
            duration: str = DURATION) -> dict:
    """Several rounds, keeping each metric's best: the least disturbed by other work."""
    return best_of_each([(url, cookie)], connections, duration)[0]


def best_of_each(targets: list[tuple[str, str]], connections: str = CONNECTIONS,
                 duration: str = DURATION) -> list[dict]:
    """best_of for each (url, cookie), their rounds taken in turn (a, b, a, b, ...): this
    machine's speed drifts over seconds, and a slow spell then falls on every side of a
    comparison instead of on one side's block of rounds."""
    runs = [[] for _ in targets]
    for _ in range(ROUNDS):
        for (url, cookie), kept in zip(targets, runs):
            kept.append(wrk(url, cookie, connections, duration))
    return [{
        "rps": max(r["rps"] for r in kept),
        "p50": min(r["p50"] for r in kept),
        "p99": min(r["p99"] for r in kept),
    } for kept in runs]


def built(extension: str) -> Path:
    """The build's main output file of this kind, `nixdeck.<hash>.<extension>` (the newest,
    should the site hold several)."""
    return max((ROOT / "target/site/pkg").glob(f"nixdeck.*.{extension}"),
               key=lambda path: path.stat().st_mtime)


def compressed_sizes(path: Path) -> tuple[int, int, int]:
    """Raw, gzip -9 and brotli bytes of one built file (brotli: the precompressed sibling
    that is served, 0 when the build made none)."""
    raw = path.stat().st_size
    gz = len(subprocess.run(["gzip", "-9", "-c", str(path)], check=True, capture_output=True).stdout)
    br_file = path.with_name(path.name + ".br")
    br = br_file.stat().st_size if br_file.exists() else 0
    return raw, gz, br


def rss_kib(pid: int) -> int:
    """The process's resident memory now, in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))


class Moto:
    """The AWS stand-in the tests use, so the clusters page's health reads (machines, DNS)
    are answered, and cached, as a configured AWS would answer them."""

    def __enter__(self):
        self.process = subprocess.Popen(
            [ROOT / ".venv/bin/python", ROOT / "testkit/counterparts/moto-server.py"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening "):
            sys.exit(f"moto did not start: {line!r}")
        self.url = line.split()[1]
        # The zone the clusters' names live in, so their DNS reads are answered (and cached),
        # made with the SDK moto comes with.
        subprocess.run(
            [ROOT / ".venv/bin/python", "-c",
             "import boto3, sys; boto3.client('route53', endpoint_url=sys.argv[1], "
             "region_name='us-east-1', aws_access_key_id='testing', "
             "aws_secret_access_key='testing').create_hosted_zone("
             "Name='example.org.', CallerReference='bench')", self.url],
            check=True)
        return self

    def __exit__(self, *_):
        self.process.stdin.close()
        self.process.wait()


class SeededNixdeck:
    """nixdeck's release build on a fresh embedded database, signed in as the local admin,
    with a staging cluster and its first job made through the API so that their pages exist.
    `base`, `cookie` and `job_id` say where and as whom to load them."""

    def __init__(self, port: int, prefix: str):
        self.port = port
        self.prefix = prefix
        self.base = f"http://127.0.0.1:{port}"

    def __enter__(self):
        self.workdir = Path(tempfile.mkdtemp(prefix=self.prefix))
        env = {k: v for k, v in os.environ.items() if not k.startswith("NIXDECK_")}
        env.update(NIXDECK_LISTEN=f"127.0.0.1:{self.port}",
                   NIXDECK_DATA_DIR=str(self.workdir / "data"), RUST_LOG="warn")
        self.server = subprocess.Popen([NIXDECK, "serve"], cwd=self.workdir, env=env)
        try:
            wait_until_up(self.base + "/healthz")
            self.cookie = sign_in(self.base)
            request(self.base + "/api/v1/clusters", self.cookie, "POST", {
                "name": "staging-1", "cluster_index": 1, "env": "staging",
                "domain": "staging-1.example.org", "dns_zone": "example.org.",
            }).read()
            job = json.load(request(self.base + "/api/v1/clusters/staging-1/deploys",
                                    self.cookie, "POST", {}))
            self.job_id = job["job_id"]
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_):
        self.server.terminate()
        self.server.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)
