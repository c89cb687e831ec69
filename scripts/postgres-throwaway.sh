#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 in a fresh temporary directory and
# prints its admin URL on standard output. Stop it with: postgres-throwaway.sh stop DIR
# (the directory is the last line written to standard error).
set -euo pipefail

bindir=$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1)")
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
  dir=$2
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

dir=$(mktemp -d /tmp/nixdeck-pg.XXXXXX)
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner "$bindir/initdb" -D "$dir/data" --auth=trust -U postgres --no-sync >/dev/null
as_owner "$bindir/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null
echo "postgres://postgres@127.0.0.1:$port/postgres"
echo "$dir" >&2
