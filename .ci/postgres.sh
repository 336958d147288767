#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the history tests and print its URL.
# Installs the server with apt when it is missing (bounded in time), runs it as the
# postgres user (initdb + pg_ctl into a temporary folder) on a loopback port.
set -euo pipefail
PORT="${ALIAUDIT_PG_PORT:-55432}"
bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/initdb" ]; then
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq >&2 || true
  timeout 900 apt-get install -y -qq --no-install-recommends postgresql >&2
fi
BIN="$(bindir)"
id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
DIR="$(mktemp -d /tmp/aliaudit-pg.XXXXXX)"
chown postgres "$DIR"
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); else as_pg=(); fi
"${as_pg[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 >&2
"${as_pg[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off" start >&2
"${as_pg[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres aliaudit_test >&2
echo "$DIR" > /tmp/aliaudit-pg.dir
echo "postgresql://postgres@127.0.0.1:$PORT/aliaudit_test"
