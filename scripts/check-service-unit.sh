#!/usr/bin/env bash
# Checks contrib/nixdeck.service with systemd's own tools: that systemd reads it without a
# complaint (pointing it at the binary just built) and that its sandbox keeps the exposure
# `systemd-analyze security` reports at 2.0 or below ("OK"; the threshold counts tenths).
set -euo pipefail
cd "$(dirname "$0")/.."

binary=${1:-$PWD/target/release/nixdeck}
[ -x "$binary" ] || { echo "check-service-unit: no binary at $binary" >&2; exit 1; }
unit_dir=$(mktemp -d)
trap 'rm -rf "$unit_dir"' EXIT
sed "s#/usr/local/bin/nixdeck#$binary#" contrib/nixdeck.service >"$unit_dir/nixdeck.service"
problems=$(systemd-analyze verify "$unit_dir/nixdeck.service" 2>&1) || true
if [ -n "$problems" ]; then
  printf 'check-service-unit: systemd-analyze verify:\n%s\n' "$problems" >&2
  exit 1
fi
systemd-analyze security --offline=yes --threshold=20 "$unit_dir/nixdeck.service" | tail -n 1
