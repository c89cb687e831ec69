#!/usr/bin/env bash
# A throwaway OpenSSH sshd on 127.0.0.1 for one test run: a host as nixdeck sees it.
# It logs in the unprivileged user `nixdeck-test` (made by scripts/install-test-tools.sh)
# with a key pair made for this run, and that user's sessions find stand-ins first on PATH.
# SSHD_FIXTURE_ROLE (in the environment of `start` or `run`) says which host it plays:
#   deployer (default)  the NixOS deployer: the nixops stand-in (nixops-standin) as `nixops`,
#                       the host stand-in (host-standin) as `systemctl` and `buildkite-agent`.
#   builder             the macOS builder (nix-darwin): no nixops; the host stand-in as
#                       sw_vers nix nix-channel darwin-rebuild launchctl buildkite-agent
#                       nix-collect-garbage df sysctl sudo readlink stat, and as setsid and
#                       tail, so the base system is a Mac's where nixdeck's supervisor
#                       depends on it: no setsid (Debian's is shadowed by one that fails
#                       as a missing program does, exit 127) and BSD's tail (no --pid, -s
#                       or --version). readlink and stat answer for the nix-darwin system
#                       profile and run Debian's for anything else (see host-standin).
#
#   sshd-fixture.sh start DIR   set up DIR, start sshd, print what a client needs on stdout,
#                               one KEY=VALUE a line (values may contain spaces; split at
#                               the first `=`; the same lines are kept in DIR/fixture.env):
#     SSH_HOST=127.0.0.1
#     SSH_PORT=<free port>           SSH_USER=nixdeck-test
#     SSH_KEY=DIR/client_ed25519     (private key, no passphrase, owned by the caller)
#     SSH_HOST_KEY=ssh-ed25519 AAAA...   (the host key to pin, without comment)
#     KNOWN_HOSTS=DIR/known_hosts    (`[127.0.0.1]:PORT ssh-ed25519 AAAA...`, for ssh -o
#                                     UserKnownHostsFile=... -o StrictHostKeyChecking=yes)
#     SSH_PID=<sshd pid>             (the listener; its supervisor's pid is in DIR/supervisor.pid)
#     RECORD=DIR/calls.jsonl         one JSON line per nixops invocation (see the stand-in)
#     EXITS=DIR/exits.jsonl          one JSON line per nixops exit
#     CONTROL=DIR/control.env        KEY=VALUE controls the stand-in reads on every call;
#                                    rewrite it between runs (keep it readable: mode 644)
#     NIXOPS_ROOT=DIR/home           owned by nixdeck-test: the /var/lib/nixops of the tests
#                                    (in the builder role: the builder's working directory)
#     NIXOPS_STATE_FILE=DIR/home/.nixops/deployments.nixops   the stand-in's deployments
#     ROLE=deployer|builder
#     HOST_RECORD=DIR/host-calls.jsonl   one JSON line per host stand-in invocation
#     HOST_CONTROL=DIR/host-control.env  HOST_STANDIN_* controls, as CONTROL (mode 644)
#     HOST_STATE=DIR/home/host-standin.json  the host stand-in's state (generations, agent);
#                                    beside it buildkite-agent-start, the Mac agent's
#                                    launchd script, made on the stand-in's first use
#   (The builder role prints RECORD, EXITS, CONTROL and NIXOPS_STATE_FILE too, so every
#   client reads the same lines; no nixops runs there to write them.)
#   sshd-fixture.sh stop DIR    stop that sshd and every process of its sessions (commands
#                               left running after a dropped connection included); waits
#                               until they are gone; quiet when nothing runs. DIR is kept.
#   sshd-fixture.sh run DIR     as `start`, then a last line `READY=1`, then stays in the
#                               foreground until its stdin reaches EOF or it gets SIGTERM,
#                               SIGINT or SIGHUP, and stops everything as `stop` does. For a
#                               test that keeps the fixture as its child process with stdin
#                               piped: dropping the pipe, or the test dying, ends the sshd
#                               and its sessions even if this shell was SIGKILLed (the
#                               supervisor watches the same stdin); everything is reaped.
#   sshd-fixture.sh check DIR   log in with the OpenSSH client and check that `nixops`
#                               resolves to DIR/bin/nixops (builder: that there is none and
#                               `darwin-rebuild` resolves to DIR/bin/darwin-rebuild) and the
#                               stand-ins' variables are set (prints `ok` or why not).
#
# sshd runs under a small supervisor (python3 DIR/supervisor.py, a child subreaper) that
# forwards SIGTERM to it and reaps at once every process sshd leaves behind (finished
# connection processes are orphaned to it). Without it they are orphaned to PID 1, which in
# some containers reaps late or never (here: after about 3 s), and show as `[sshd] <defunct>`
# meanwhile. After `stop` only the supervisor itself can be such a zombie (after `start`,
# whose caller is not its parent); with `run` the caller reaps everything.
#
# How the session gets its environment without touching the user's home (several fixtures
# may run at once for the same user): `SetEnv` in this sshd's own config (OpenSSH >= 8.7)
# sets PATH=DIR/bin:<the default path>, NIXOPS_STANDIN_RECORD, _EXITS, _CONTROL and _STATE
# (deployer only), and HOST_STANDIN_RECORD, _CONTROL and _STATE.
# SetEnv overrides sshd's default PATH, and the login shell (/bin/sh, dash) reads no startup
# file for a command, so it reaches `ssh host 'command'` unchanged.
# No AcceptEnv: like the real deployer's sshd, variables the client sends are ignored; the
# product must put NIXOPS_DEPLOYMENT into the command line.
#
# Assumptions: runs as root (sshd must switch to nixdeck-test; the host key stays root's);
# Debian's /usr/sbin/sshd (OpenSSH 9.2 here); /usr/bin/python3; DIR and every directory
# above it must be traversable by nixdeck-test (DIR itself is made mode 755; a DIR under a
# private directory such as /root is refused), and DIR's path must not contain white space,
# quotes, backslashes or `%` (sshd_config would read them as syntax).
# The DIR/control.env and DIR/host-control.env the fixture makes are empty; the stand-ins
# read them as nixdeck-test. Starting again in a DIR used before makes new keys, a new port
# and a new DIR/bin, but keeps the records, the controls and the stand-ins' state: use a
# fresh DIR per test.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STANDIN=$HERE/nixops-standin
HOST_STANDIN=$HERE/host-standin
ROLE=${SSHD_FIXTURE_ROLE:-deployer}
SSHD=/usr/sbin/sshd
TEST_USER=nixdeck-test
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
DEFAULT_PATH=/usr/local/bin:/usr/bin:/bin:/usr/games

die() { printf 'sshd-fixture: %s\n' "$*" >&2; exit 1; }
usage() { die "usage: $0 start|run|stop|check DIR"; }

[ $# -eq 2 ] || usage
case $ROLE in
  deployer) host_programs="systemctl buildkite-agent" ;;
  # setsid and tail: a Mac's (none, and BSD's), so nixdeck's fallbacks for them are what runs.
  builder) host_programs="sw_vers nix nix-channel darwin-rebuild launchctl buildkite-agent nix-collect-garbage df sysctl sudo readlink stat setsid tail" ;;
  *) die "SSHD_FIXTURE_ROLE must be deployer or builder, not $ROLE" ;;
esac
cmd=$1
dir=$2

# The pids to stop: the listener (if it is this fixture's sshd), its descendants, and any
# process whose environment carries one of this fixture's record paths (session commands
# whose connection is gone and that were reparented). Then TERM, wait, KILL what is left.
stop_all() {
  "$PY" - "$dir" <<'PY'
import os, signal, sys, time
d = sys.argv[1]
markers = {("NIXOPS_STANDIN_RECORD=" + d + "/calls.jsonl").encode(),
           ("HOST_STANDIN_RECORD=" + d + "/host-calls.jsonl").encode()}
config = (d + "/sshd_config").encode()

def alive(pid):
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False

procs = {}
for name in os.listdir("/proc"):
    if name.isdigit():
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                procs[int(name)] = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            pass

targets = set()
for pidfile, mark in (("sshd.pid", config), ("supervisor.pid", b"sshd-fixture-supervisor")):
    try:
        pid = int(open(os.path.join(d, pidfile)).read().split()[0])
        cmdline = open("/proc/%d/cmdline" % pid, "rb").read()
    except (OSError, ValueError, IndexError):
        continue
    if mark in cmdline and config in cmdline:
        targets.add(pid)
children = {}
for pid, ppid in procs.items():
    children.setdefault(ppid, []).append(pid)
todo = list(targets)
while todo:
    for c in children.get(todo.pop(), []):
        if c not in targets:
            targets.add(c)
            todo.append(c)
for pid in procs:
    try:
        if markers.intersection(open("/proc/%d/environ" % pid, "rb").read().split(b"\0")):
            targets.add(pid)
    except OSError:
        pass
targets.discard(os.getpid())

def send(sig):
    for pid in list(targets):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            targets.discard(pid)

send(signal.SIGTERM)
deadline = time.monotonic() + 5
while any(alive(p) for p in targets) and time.monotonic() < deadline:
    time.sleep(0.02)
if any(alive(p) for p in targets):
    send(signal.SIGKILL)
    deadline = time.monotonic() + 5
    while any(alive(p) for p in targets) and time.monotonic() < deadline:
        time.sleep(0.02)
left = [p for p in targets if alive(p)]
if left:
    sys.exit("sshd-fixture: still running after SIGKILL: %s" % left)
PY
  rm -f "$dir/sshd.pid" "$dir/supervisor.pid"
}

# argv: sshd-fixture-supervisor DIR WATCH_STDIN SSHD ARGS...; exits when sshd and all it
# left are gone. With WATCH_STDIN=1, EOF on stdin ends every process under it (TERM, then
# KILL after 5 s): the `run` caller died or let go, even if the `run` shell was SIGKILLed.
SUPERVISOR='
import ctypes, os, signal, sys, threading, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
sshd = os.fork()
if sshd == 0:
    # Default dispositions: python ignores SIGPIPE, and bash starts background jobs with
    # SIGINT and SIGQUIT ignored; sshd and its sessions must not inherit that.
    for sig in (signal.SIGPIPE, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    os.execv(sys.argv[4], sys.argv[4:])
def forward(sig, _frame):
    try:
        os.kill(sshd, sig)
    except ProcessLookupError:
        pass
for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(sig, forward)
def descendants():
    parent = {}
    for name in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                parent[int(name)] = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            pass
    found, todo = set(), [os.getpid()]
    while todo:
        p = todo.pop()
        for c, pp in parent.items():
            if pp == p and c not in found:
                found.add(c)
                todo.append(c)
    return found
def end_all():
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 0)):
        for p in descendants():
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + wait
        while descendants() and time.monotonic() < deadline:
            time.sleep(0.05)
def watch_stdin():
    while os.read(0, 4096):
        pass
    end_all()
if sys.argv[3] == "1":
    threading.Thread(target=watch_stdin, daemon=True).start()
status = 1
while True:
    try:
        pid, st = os.wait()
    except ChildProcessError:
        break
    if pid == sshd:
        status = os.waitstatus_to_exitcode(st)
sys.exit(status if status >= 0 else 128 - status)
'

free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The stand-ins' variables, as SetEnv's quoted words (DIR holds no white space or quotes).
standin_env() {
  if [ "$ROLE" = deployer ]; then
    printf ' "%s"' "NIXOPS_STANDIN_RECORD=$dir/calls.jsonl" "NIXOPS_STANDIN_EXITS=$dir/exits.jsonl" \
      "NIXOPS_STANDIN_CONTROL=$dir/control.env" "NIXOPS_STANDIN_STATE=$dir/home/.nixops/deployments.nixops"
  fi
  printf ' "%s"' "HOST_STANDIN_RECORD=$dir/host-calls.jsonl" "HOST_STANDIN_CONTROL=$dir/host-control.env" \
    "HOST_STANDIN_STATE=$dir/home/host-standin.json"
}

write_config() {
  local port=$1
  cat >"$dir/sshd_config" <<EOF
# Throwaway sshd for one test run (testkit/counterparts/sshd-fixture.sh start $dir).
ListenAddress 127.0.0.1
Port $port
HostKey $dir/host_ed25519
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowUsers $TEST_USER
PermitRootLogin no
PermitUserEnvironment no
X11Forwarding no
AllowAgentForwarding no
AllowTcpForwarding no
PermitTunnel no
PrintMotd no
PrintLastLog no
UseDNS no
LogLevel VERBOSE
LoginGraceTime 20
# Parallel tests open many connections and channels at once: lift the defaults (10).
MaxStartups 100:30:200
MaxSessions 100
SetEnv "PATH=$dir/bin:$DEFAULT_PATH"$(standin_env)
EOF
  # OpenSSH >= 9.8 penalises clients whose connections end badly (which fault tests do on
  # purpose); switch that off where the option exists.
  if "$SSHD" -t -f "$dir/sshd_config" -o PerSourcePenalties=no 2>/dev/null; then
    echo "PerSourcePenalties no" >>"$dir/sshd_config"
  fi
  "$SSHD" -t -f "$dir/sshd_config" || die "sshd rejects $dir/sshd_config"
}

# start [WATCH_STDIN]
start() {
  local watch=${1:-0}
  [ "$(id -u)" -eq 0 ] || die "must run as root (sshd has to switch to $TEST_USER)"
  [ -x "$SSHD" ] || die "$SSHD is missing: run scripts/install-test-tools.sh"
  id -u "$TEST_USER" >/dev/null 2>&1 || die "user $TEST_USER is missing: run scripts/install-test-tools.sh"
  [ -f "$STANDIN" ] || die "$STANDIN is missing"
  [ -f "$HOST_STANDIN" ] || die "$HOST_STANDIN is missing"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  case $dir in
    *[[:space:]\"\'\\%]*) die "DIR must not contain white space, quotes, backslashes or %: $dir" ;;
  esac
  if [ -s "$dir/supervisor.pid" ] && kill -0 "$(cat "$dir/supervisor.pid")" 2>/dev/null; then
    die "an sshd of this fixture already runs (supervisor pid $(cat "$dir/supervisor.pid")); stop it first"
  fi
  # Debian's sshd refuses to start without its privilege separation directory, which only
  # its service creates.
  [ -d /run/sshd ] || install -d -m 0755 /run/sshd

  chmod 755 "$dir"
  rm -f "$dir"/host_ed25519* "$dir"/client_ed25519* "$dir/sshd.log"
  ssh-keygen -q -t ed25519 -N '' -C nixdeck-test-fixture-host -f "$dir/host_ed25519"
  ssh-keygen -q -t ed25519 -N '' -C nixdeck-test-fixture-client -f "$dir/client_ed25519"
  install -m 0644 "$dir/client_ed25519.pub" "$dir/authorized_keys"
  # A new bin: a DIR used before in the other role must not keep that role's programs.
  rm -rf "$dir/bin"
  install -d -m 0755 "$dir/bin"
  [ "$ROLE" = builder ] || install -m 0755 "$STANDIN" "$dir/bin/nixops"
  local program
  for program in $host_programs; do
    install -m 0755 "$HOST_STANDIN" "$dir/bin/$program"
  done
  install -d -m 0755 -o "$TEST_USER" -g "$TEST_USER" "$dir/home"
  for f in calls.jsonl exits.jsonl host-calls.jsonl; do
    [ -e "$dir/$f" ] || install -m 0644 -o "$TEST_USER" -g "$TEST_USER" /dev/null "$dir/$f"
  done
  for f in control.env host-control.env; do
    [ -e "$dir/$f" ] || install -m 0644 /dev/null "$dir/$f"
  done
  runuser -u "$TEST_USER" -- sh -c 'test -x "$1/bin/buildkite-agent" && test -r "$1/authorized_keys" && test -w "$1/home" && test -w "$1/calls.jsonl" && test -w "$1/host-calls.jsonl"' sh "$dir" ||
    die "$TEST_USER cannot reach $dir (is a directory above it private?)"

  local port pid sup attempt ready
  for attempt in 1 2 3; do
    port=$(free_port)
    write_config "$port"
    rm -f "$dir/sshd.pid"
    printf '%s' "$SUPERVISOR" >"$dir/supervisor.py"
    if [ "$watch" = 1 ]; then
      # Without job control bash gives a background job /dev/null as stdin unless it is
      # redirected explicitly: `0<&0` hands the supervisor this script's stdin.
      "$PY" "$dir/supervisor.py" sshd-fixture-supervisor "$dir" 1 \
        "$SSHD" -D -e -f "$dir/sshd_config" 0<&0 >>"$dir/sshd.log" 2>&1 &
    else
      "$PY" "$dir/supervisor.py" sshd-fixture-supervisor "$dir" 0 \
        "$SSHD" -D -e -f "$dir/sshd_config" </dev/null >>"$dir/sshd.log" 2>&1 &
    fi
    sup=$!
    echo "$sup" >"$dir/supervisor.pid"
    local waited=0
    ready=
    while [ "$waited" -lt 1000 ] && kill -0 "$sup" 2>/dev/null; do
      if [ -s "$dir/sshd.pid" ] && grep -q "Server listening on 127.0.0.1 port $port\." "$dir/sshd.log"; then
        ready=1
        break
      fi
      sleep 0.01
      waited=$((waited + 1))
    done
    if [ -n "$ready" ]; then
      pid=$(cat "$dir/sshd.pid")
      break
    fi
    if ! kill -0 "$sup" 2>/dev/null && grep -q 'Address already in use' "$dir/sshd.log" && [ "$attempt" -lt 3 ]; then
      wait "$sup" || true
      continue # the port was taken between picking and binding: pick another
    fi
    stop_all
    printf 'sshd-fixture: sshd did not start listening within 10 s; last lines of %s:\n' "$dir/sshd.log" >&2
    tail -n 20 "$dir/sshd.log" >&2
    exit 1
  done

  local host_key
  host_key=$(cut -d' ' -f1,2 "$dir/host_ed25519.pub")
  printf '[127.0.0.1]:%s %s\n' "$port" "$host_key" >"$dir/known_hosts"
  {
    echo "SSH_HOST=127.0.0.1"
    echo "SSH_PORT=$port"
    echo "SSH_USER=$TEST_USER"
    echo "SSH_KEY=$dir/client_ed25519"
    echo "SSH_HOST_KEY=$host_key"
    echo "KNOWN_HOSTS=$dir/known_hosts"
    echo "SSH_PID=$pid"
    echo "RECORD=$dir/calls.jsonl"
    echo "EXITS=$dir/exits.jsonl"
    echo "CONTROL=$dir/control.env"
    echo "NIXOPS_ROOT=$dir/home"
    echo "NIXOPS_STATE_FILE=$dir/home/.nixops/deployments.nixops"
    echo "ROLE=$ROLE"
    echo "HOST_RECORD=$dir/host-calls.jsonl"
    echo "HOST_CONTROL=$dir/host-control.env"
    echo "HOST_STATE=$dir/home/host-standin.json"
  } >"$dir/fixture.env"
  cat "$dir/fixture.env"
}

check() {
  [ -f "$dir/fixture.env" ] || die "no $dir/fixture.env: was the fixture started?"
  local port key role got want
  port=$(sed -n 's/^SSH_PORT=//p' "$dir/fixture.env")
  key=$(sed -n 's/^SSH_KEY=//p' "$dir/fixture.env")
  role=$(sed -n 's/^ROLE=//p' "$dir/fixture.env")
  # shellcheck disable=SC2016 # expanded by the remote shell
  got=$(ssh -F none -i "$key" -p "$port" -o BatchMode=yes -o IdentitiesOnly=yes \
    -o UserKnownHostsFile="$dir/known_hosts" -o StrictHostKeyChecking=yes \
    "$TEST_USER@127.0.0.1" \
    'command -v nixops || echo -; command -v darwin-rebuild || echo -
     echo "$NIXOPS_STANDIN_RECORD"; echo "$NIXOPS_STANDIN_CONTROL"
     echo "$HOST_STANDIN_RECORD"; echo "$HOST_STANDIN_CONTROL"') ||
    die "ssh login failed (see $dir/sshd.log)"
  if [ "$role" = builder ]; then
    want=$(printf '%s\n' - "$dir/bin/darwin-rebuild" "" "" "$dir/host-calls.jsonl" "$dir/host-control.env")
  else
    want=$(printf '%s\n' "$dir/bin/nixops" - "$dir/calls.jsonl" "$dir/control.env" \
      "$dir/host-calls.jsonl" "$dir/host-control.env")
  fi
  [ "$got" = "$want" ] || die "unexpected session environment: $got"
  echo ok
}

case $cmd in
  start) start ;;
  run)
    start 1
    trap 'stop_all; wait; exit 0' TERM INT HUP
    echo "READY=1"
    wait "$(cat "$dir/supervisor.pid")" || true
    stop_all
    ;;
  stop)
    [ -d "$dir" ] || exit 0
    dir=$(cd "$dir" && pwd -P)
    stop_all
    ;;
  check)
    dir=$(cd "$dir" && pwd -P)
    check
    ;;
  *) usage ;;
esac
