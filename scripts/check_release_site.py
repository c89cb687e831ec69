"""The release binary serves every file of target/site, unchanged and with its type; the
WebAssembly is split into the chunks its loader names, and the pages load the main module
by its content-named file (the one the loader imports)."""

import base64
import hashlib
import mimetypes
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "target/site"
BINARY = ROOT / "target/release/nixdeck"
TYPES = {".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css",
         ".svg": "image/svg+xml", ".html": "text/html", ".ico": "image/x-icon",
         ".png": "image/png", ".txt": "text/plain", ".json": "application/json",
         ".ts": "application/typescript"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(base: str, path: str, encoding: str = "identity"):
    """Status, headers and body; an error status is an answer too, so every missing file
    is listed rather than the first one stopping the check."""
    request = urllib.request.Request(base + path, headers={"Accept-Encoding": encoding})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def content_hash(path: Path) -> str:
    """The hash cargo-leptos names a file by: its MD5, base64url without padding."""
    digest = hashlib.md5(path.read_bytes()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def expected_type(path: Path) -> str:
    return TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def split_problems(base: str) -> list[str]:
    """What keeps the split bundle from loading: no loader (a build without `--split`,
    whose lazy routes cannot load), a chunk the loader names but the site lacks, a loader
    importing another main module than the one built, or a page loading another one."""
    pkg = SITE / "pkg"
    loaders = sorted(pkg.glob("__wasm_split.*.js"))
    if len(loaders) != 1:
        return [f"expected one split loader __wasm_split.*.js (build with --split), found {len(loaders)}"]
    loader = loaders[0].read_text()
    problems = [f"{loaders[0].name} names {chunk}, which the site lacks"
                for chunk in sorted(set(re.findall(r'"\./([^"]+\.wasm)"', loader)))
                if not (pkg / chunk).is_file()]
    main_js = [p.name for p in pkg.glob("nixdeck.*.js")]
    imported = re.findall(r'from "\./(nixdeck\.[^"]+\.js)"', loader)
    if imported != main_js:
        problems.append(f"{loaders[0].name} imports {imported}, not the built {main_js}")
    status, _, body = fetch(base, "/signin")
    page = body.decode()
    scripts = set(re.findall(r'/pkg/(nixdeck[^"]*\.(?:js|wasm))"', page))
    wanted = set(main_js) | {p.name for p in pkg.glob("nixdeck.*.wasm")}
    if status != 200 or scripts != wanted:
        problems.append(f"/signin loads {sorted(scripts)}, not the built {sorted(wanted)}")
    # The page names its area's code and the loader, so the browser fetches them beside the
    # main module instead of after it.
    links = [dict(re.findall(r'([a-z]+)="([^"]*)"', tag)) for tag in re.findall(r"<link [^>]*>", page)]
    if not any(link.get("rel") == "modulepreload" and link.get("href") == f"/pkg/{loaders[0].name}"
               for link in links):
        problems.append(f"/signin does not preload the split loader {loaders[0].name}")
    if not any(link.get("rel") == "preload"
               and re.fullmatch(r"/pkg/split_sign_in_area_[^/]+\.wasm", link.get("href", ""))
               for link in links):
        problems.append("/signin does not preload the sign-in area's WebAssembly")
    return problems


def main() -> int:
    files = [p for p in SITE.rglob("*") if p.is_file() and p.suffix not in (".br", ".gz")]
    if not files:
        print(f"check-release-site: {SITE} is empty: build the release first", file=sys.stderr)
        return 1
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="nixdeck-site-check-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIXDECK_")}
    env.update(NIXDECK_LISTEN=f"127.0.0.1:{port}", NIXDECK_DATA_DIR=str(workdir / "data"),
               RUST_LOG="warn")
    server = subprocess.Popen([str(BINARY)], cwd=workdir, env=env)
    base = f"http://127.0.0.1:{port}"
    problems = []
    try:
        for _ in range(300):
            try:
                fetch(base, "/healthz")
                break
            except OSError:
                time.sleep(0.1)
        for path in files:
            name = "/" + path.relative_to(SITE).as_posix()
            status, headers, body = fetch(base, name)
            kind = headers.get("Content-Type", "").split(";")[0]
            if status != 200 or body != path.read_bytes():
                problems.append(f"{name}: {status}, {len(body)} bytes, not the {path.stat().st_size} built")
            elif kind != expected_type(path):
                problems.append(f"{name}: served as {kind}, not {expected_type(path)}")
            # Browsers may keep a file whose name carries the MD5 of its content, and only
            # such a file (cargo-leptos rewrites the main JS and WebAssembly after naming them).
            lasting = content_hash(path) in path.name.split(".")
            caching = headers.get("Cache-Control", "")
            if lasting != ("immutable" in caching):
                problems.append(f"{name}: Cache-Control {caching!r}")
            compressed = path.with_name(path.name + ".br")
            if compressed.exists():
                status, headers, body = fetch(base, name, "br")
                if headers.get("Content-Encoding") != "br" or body != compressed.read_bytes():
                    problems.append(f"{name}: the brotli bytes built are not what is served")
        for plain, extension in (("nixdeck.js", "js"), ("nixdeck.wasm", "wasm"), ("nixdeck.css", "css")):
            built = sorted((SITE / "pkg").glob(f"nixdeck.*.{extension}"))
            if len(built) != 1:
                problems.append(f"expected one content-named nixdeck.*.{extension}, found {len(built)}")
                continue
            status, headers, body = fetch(base, f"/pkg/{plain}")
            if status != 200 or body != built[0].read_bytes():
                problems.append(f"/pkg/{plain} does not answer with {built[0].name}")
            elif headers.get("Cache-Control") != "no-cache":
                problems.append(f"/pkg/{plain} stands for the newest build but may be kept: "
                                f"{headers.get('Cache-Control')!r}")
        problems += split_problems(base)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    for problem in problems:
        print(f"check-release-site: {problem}", file=sys.stderr)
    if not problems:
        print(f"check-release-site: the binary serves all {len(files)} files of the site as built")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
