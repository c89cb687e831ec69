"""moto, the AWS stand-in, on 127.0.0.1: prints `listening URL` once it answers. With no
`--port` it takes a free port and serves until its standard input closes (the test process
that started it is gone); with `--port N` (for a test runner that starts it as a server of
its own) it serves until it is stopped."""

import argparse
import logging
import sys
import threading
import urllib.request

from moto.moto_server.threaded_moto_server import ThreadedMotoServer

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, default=0)
port = parser.parse_args().port

# No access log: the tests' output stays readable.
logging.getLogger("werkzeug").setLevel(logging.ERROR)

server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
server.start()
host, bound = server.get_host_and_port()
url = f"http://{host}:{bound}"
urllib.request.urlopen(f"{url}/moto-api/config", timeout=20).read()
print(f"listening {url}", flush=True)
if port == 0:
    # Ends when the parent closes our standard input (it exited, or dropped us).
    sys.stdin.read()
else:
    threading.Event().wait()
server.stop()
