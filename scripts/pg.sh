#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benches, owned by an unprivileged user, on a free loopback port.
#   scripts/pg.sh start   -> installs PostgreSQL from Debian when missing, starts a cluster, prints its DATABASE_URL
#   scripts/pg.sh stop    -> stops the cluster started from this checkout and deletes its data directory
# The cluster lives under ${HER2SCOPE_PG_DIR:-/tmp/her2scope-pg-<uid>-<checkout hash>}; trust auth on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
key=$(pwd | sha256sum | cut -c1-8)
dir=${HER2SCOPE_PG_DIR:-/tmp/her2scope-pg-$(id -u)-$key}

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }; done
  return 1
}

ensure_installed() {
  find_bin >/dev/null && return 0
  echo "her2scope: installing PostgreSQL from Debian (apt-get)..." >&2
  if [ "$(id -u)" -ne 0 ]; then echo "her2scope: PostgreSQL is missing and installing it needs root (apt-get install postgresql)" >&2; exit 2; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  find_bin >/dev/null || { echo "her2scope: PostgreSQL install failed" >&2; exit 2; }
}

run_as() { # run a command as the cluster owner (root cannot run postgres)
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    su postgres -s /bin/bash -c "$*"
  else
    bash -c "$*"
  fi
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

case "${1:-}" in
  start)
    ensure_installed
    bin=$(find_bin)
    if [ -f "$dir/port" ] && run_as "$bin/pg_ctl -D '$dir/data' status" >/dev/null 2>&1; then
      echo "postgres://her2scope@127.0.0.1:$(cat "$dir/port")/her2scope"; exit 0
    fi
    rm -rf "$dir"; mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && { id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres; chown postgres "$dir"; }
    port=$(free_port)
    run_as "$bin/initdb -D '$dir/data' -U her2scope --auth=trust -E UTF8 --locale=C >'$dir/initdb.log' 2>&1"
    run_as "$bin/pg_ctl -D '$dir/data' -l '$dir/server.log' -w -o \"-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c fsync=off -c max_connections=200\" start >/dev/null"
    run_as "$bin/createdb -h 127.0.0.1 -p $port -U her2scope her2scope"
    echo "$port" > "$dir/port"
    echo "postgres://her2scope@127.0.0.1:$port/her2scope"
    ;;
  stop)
    bin=$(find_bin) || exit 0
    [ -d "$dir/data" ] && run_as "$bin/pg_ctl -D '$dir/data' -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: scripts/pg.sh start|stop" >&2; exit 2 ;;
esac
