#!/usr/bin/env bash
# Installs wrk from Debian if it is missing (the HTTP benchmarks load servers with it).
set -euo pipefail
if ! command -v wrk >/dev/null 2>&1; then
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq wrk >/dev/null
fi
