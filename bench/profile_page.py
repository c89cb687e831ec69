#!/usr/bin/env python3
"""Where a page's CPU goes: nixdeck's signed-in clusters list and the hand-written page that
does the same work (bench/baseline), each served by its release build under valgrind's
callgrind, counted over the same number of requests in the same run. Instructions are
counted, not timed, so the figures repeat (within a few per cent: the threads' interleaving
varies) whatever else the machine is doing.

Prints, for 3 and 25 clusters: instructions per request on both sides and their ratio,
then nixdeck's instructions grouped by the crate that executed them and its costliest
functions (self cost: the instructions a function ran itself, not those of its callees).
First, for scale, what a signed-in page showing nothing costs nixdeck: the not-found page,
which is the document, the layout and the session lookup without any list.
Usage: bench/profile.sh (builds first). PROFILE_REQUESTS sets the requests counted (40)."""

import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
from collections import Counter
from pathlib import Path

from benchlib import NIXDECK, ROOT, Moto, request, sign_in, wait_until_up
from http_bench import BASELINE_PORT, BASELINE_URL, NIXDECK_PORT, NIXDECK_URL, add_clusters

REQUESTS = int(os.environ.get("PROFILE_REQUESTS", "40"))

class Profiled:
    """A server run under callgrind with counting off until `count` is entered."""

    def __init__(self, command: list, env: dict, out: Path):
        self.out = out
        self.process = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--dump-instr=no",
             "--separate-threads=no", f"--callgrind-out-file={out}", *command],
            env=env, stderr=subprocess.DEVNULL)

    def control(self, *args: str) -> None:
        subprocess.run(["callgrind_control", *args, str(self.process.pid)], check=True,
                       capture_output=True)

    def count(self, url: str, cookie: str) -> tuple[Path, Path]:
        """Loads `url` REQUESTS times one after the other with counting on, then counts as
        long again with no request. Returns both dumps: the second is what the server does
        in the background meanwhile (the job worker and the outbox poll every second, and
        under valgrind the requests take seconds), to be taken off the first."""
        for _ in range(3):  # warm: AWS caches filled, lazily built state built
            load(url, cookie)
        self.control("--zero")
        self.control("--instr=on")
        started = time.monotonic()
        for _ in range(REQUESTS):
            load(url, cookie)
        elapsed = time.monotonic() - started
        self.control("--instr=off")
        requests = self.dump()
        self.control("--zero")
        self.control("--instr=on")
        time.sleep(elapsed)
        self.control("--instr=off")
        return requests, self.dump()

    def dump(self) -> Path:
        before = set(self.out.parent.glob(self.out.name + "*"))
        self.control("--dump")
        for _ in range(200):
            dumps = set(self.out.parent.glob(self.out.name + "*")) - before
            if dumps:
                time.sleep(0.5)  # let callgrind finish writing it
                return dumps.pop()
            time.sleep(0.1)
        raise SystemExit("callgrind wrote no dump")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def load(url: str, cookie: str) -> None:
    try:
        with request(url, cookie) as response:
            response.read()
    except urllib.error.HTTPError as error:
        if error.code != 404:  # the not-found page is measured on purpose
            raise
        error.read()


def annotate(dump: Path) -> list[tuple[int, str]]:
    """Every function's self cost in the dump, with its name."""
    out = subprocess.run(
        ["callgrind_annotate", "--inclusive=no",
         "--threshold=100", str(dump)], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        found = re.match(r"^\s*([\d,]+)\s+(?:\([\s\d.]+%\)\s+)?(?:\S+?:)?(.+?)(?: \[.*\])?$", line)
        if found and "PROGRAM TOTALS" not in line:
            rows.append((int(found.group(1).replace(",", "")), found.group(2)))
    return rows


def total(dump: Path) -> int:
    text = dump.read_text(errors="replace")
    found = re.search(r"^totals:\s+(\d+)", text, re.M)
    return int(found.group(1))


def crate_of(symbol: str) -> str:
    """The crate a symbol's code belongs to: the first segment of its path (inside `<T as
    Trait>`, the type's); a C function by what it is for."""
    if symbol.startswith(("malloc", "free", "realloc", "calloc", "_int_", "cfree")):
        return "allocator (glibc)"
    if symbol.startswith(("mi_", "_mi_")):
        return "allocator (mimalloc)"
    name = re.sub(r"^(?:[<&*]|mut |dyn )+", "", symbol)
    head = re.match(r"[A-Za-z_][A-Za-z0-9_]*", name)
    if not head:
        return "other"
    if "::" not in name:
        return "C library and kernel entry"
    return head.group(0)


def self_costs(dump: Path) -> Counter:
    costs = Counter()
    for cost, symbol in annotate(dump):
        costs[symbol] += cost
    return costs


def request_costs(counted: tuple[Path, Path]) -> tuple[int, int, Counter]:
    """(instructions with the requests, background instructions over as long, each
    function's self cost with the background taken off)."""
    requests, idle = counted
    functions = self_costs(requests)
    functions.subtract(self_costs(idle))
    return total(requests), total(idle), +functions


def report(label: str, ours_counted: tuple[Path, Path], hand_counted: tuple[Path, Path]) -> None:
    ours_raw, ours_idle, functions = request_costs(ours_counted)
    hand_raw, hand_idle, _ = request_costs(hand_counted)
    ours, hand = ours_raw - ours_idle, hand_raw - hand_idle
    print(f"### {label}\n")
    print(f"Instructions per request: nixdeck {ours / REQUESTS:,.0f}, hand-written "
          f"{hand / REQUESTS:,.0f}, ratio **{ours / hand:.2f}** (background work over as long "
          f"with no request, taken off: nixdeck {ours_idle / REQUESTS:,.0f}, hand-written "
          f"{hand_idle / REQUESTS:,.0f} per request).\n")
    by_crate = Counter()
    for symbol, cost in functions.items():
        by_crate[crate_of(symbol)] += cost
    print("| nixdeck's instructions by crate (self) | per request | share |")
    print("|---|---|---|")
    for crate, cost in by_crate.most_common(14):
        print(f"| {crate} | {cost / REQUESTS:,.0f} | {100 * cost / ours:.1f} % |")
    print("\n| nixdeck's costliest functions (self) | per request | share |")
    print("|---|---|---|")
    for symbol, cost in functions.most_common(15):
        shown = symbol if len(symbol) <= 110 else symbol[:107] + "..."
        print(f"| `{shown}` | {cost / REQUESTS:,.0f} | {100 * cost / ours:.1f} % |")
    print()


def main() -> None:
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is needed (Debian package valgrind)")
    workdir = Path(tempfile.mkdtemp(prefix="nixdeck-profile-"))
    database = workdir / "data/nixdeck.db"
    servers = []
    try:
        with Moto() as moto:
            aws = dict(os.environ, AWS_ENDPOINT_URL=moto.url, AWS_ACCESS_KEY_ID="testing",
                       AWS_SECRET_ACCESS_KEY="testing")
            env = {k: v for k, v in aws.items() if not k.startswith("NIXDECK_")}
            env.update(NIXDECK_LISTEN=f"127.0.0.1:{NIXDECK_PORT}",
                       NIXDECK_DATA_DIR=str(workdir / "data"), RUST_LOG="warn")
            ours = Profiled([str(NIXDECK), "serve"], env, workdir / "nixdeck.callgrind")
            servers.append(ours)
            wait_until_up(NIXDECK_URL + "/healthz")
            cookie = sign_in(NIXDECK_URL)
            add_clusters(cookie, range(1, 4), database)
            hand = Profiled([str(ROOT / "target/release/baseline"),
                             f"127.0.0.1:{BASELINE_PORT}", f"sqlite://{database}"],
                            aws, workdir / "baseline.callgrind")
            servers.append(hand)
            wait_until_up(BASELINE_URL + "/healthz")
            print(f"callgrind, {REQUESTS} requests one after the other, counted after three "
                  "unmeasured loads\n")
            requests, idle = ours.count(NIXDECK_URL + "/no-such-page", cookie)
            print("A signed-in page that shows nothing (the not-found page: the document, the "
                  "layout and the session), for scale: nixdeck "
                  f"{(total(requests) - total(idle)) / REQUESTS:,.0f} instructions per "
                  "request.\n")
            for clusters, more in [(3, range(4, 4)), (25, range(4, 26))]:
                add_clusters(cookie, more, database)
                report(f"clusters list, {clusters} clusters",
                       ours.count(NIXDECK_URL + "/clusters", cookie),
                       hand.count(BASELINE_URL + "/clusters", cookie))
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
