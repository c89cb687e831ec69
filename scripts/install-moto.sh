#!/usr/bin/env bash
# Installs moto, the AWS stand-in the tests talk to (a real HTTP server speaking the Secrets
# Manager, EC2 and Route53 APIs on 127.0.0.1), into the project's own virtual environment
# `.venv`. Idempotent: returns at once when the pinned version is present.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
log() { printf '[install-moto] %s\n' "$*" >&2; }

if [ -x .venv/bin/python ] &&
  .venv/bin/python -c "import sys, moto; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
  exit 0
fi

if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
  log "installing Debian's python3-venv"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi

log "installing moto[server]==$MOTO_VERSION into .venv"
rm -rf .venv
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
