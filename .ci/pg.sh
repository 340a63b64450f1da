#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests and the cluster benchmark: initdb in a temporary
# directory, its own port on 127.0.0.1, no system service, trust authentication for one user.
#
#   eval "$(.ci/pg.sh start)"       # exports PG_DIR, PG_PORT and TEST_POSTGRES_URL=jdbc:postgresql://...
#   mvn -B verify                   # the tests read TEST_POSTGRES_URL (or -Dattache.test.postgres=...)
#   .ci/pg.sh stop "$PG_DIR"        # stops it and removes the directory
#
# start --durable keeps PostgreSQL's default fsync settings (for benchmarks); without it the
# cluster trades durability for speed, which tests of Attaché (not of PostgreSQL) may.
# As root, the server runs as the 'postgres' user (created if missing): PostgreSQL refuses root.
set -euo pipefail

bin=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && bin="$candidate"
done
if [ -z "$bin" ]; then
  command -v initdb >/dev/null 2>&1 && bin="$(dirname "$(readlink -f "$(command -v initdb)")")"
fi
[ -n "$bin" ] || { echo "pg.sh: no PostgreSQL server found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo $(( 20000 + RANDOM % 20000 ))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

case "${1:-}" in
  start)
    durable=no
    [ "${2:-}" = "--durable" ] && durable=yes
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
      useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    fi
    dir="$(mktemp -d /tmp/attache-pg.XXXXXX)"
    chmod 0755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port="$(free_port)"
    as_owner "$bin/initdb" -D "$dir/data" -U attache -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=128MB"
    if [ "$durable" = no ]; then
      options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$options" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "export PG_DIR=$dir"
    echo "export PG_PORT=$port"
    echo "export TEST_POSTGRES_URL=jdbc:postgresql://127.0.0.1:$port/postgres?user=attache"
    ;;
  stop)
    dir="${2:?usage: pg.sh stop DIR}"
    case "$dir" in /tmp/attache-pg.*) ;; *) echo "pg.sh: $dir is not a cluster of pg.sh" >&2; exit 1 ;; esac
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg.sh start [--durable] | pg.sh stop DIR" >&2
    exit 2
    ;;
esac
