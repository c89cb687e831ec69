#!/usr/bin/env bash
# Installs a program the benchmarks drive from Debian if it is missing: `require-program.sh
# wrk` (the HTTP load), `require-program.sh valgrind` (instruction counts). The Debian package
# has the program's name.
set -euo pipefail
program="$1"
if ! command -v "$program" >/dev/null 2>&1; then
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "$program" >/dev/null
fi
