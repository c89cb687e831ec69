#!/usr/bin/env bash
# Installs what the tests need beyond the build tools: Debian's Chromium (the browser the
# end-to-end tests drive; no browser is downloaded) and the PostgreSQL server (a throwaway
# instance is started per test run). Idempotent: returns at once when both are present.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[install-test-tools] %s\n' "$*" >&2; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)

if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash scripts/install-build-tools.sh
