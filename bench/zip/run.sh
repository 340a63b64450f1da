#!/usr/bin/env bash
# Zip benchmark: a folder's zip from the web app against GETting the same files over WebDAV, on
# one Attaché (local store, default settings, -Xmx256m) started here with its own data directory.
# The issue's target: the zip streams at >= 80% of the GET speed.
#
#   bench/zip/run.sh                 # 8 files of 128 MiB, 5 rounds (about a minute on 2 cores)
#   BENCH_ZIP_FILES=4 BENCH_ZIP_SIZE=$((64<<20)) bench/zip/run.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FILES=${BENCH_ZIP_FILES:-8}
SIZE=${BENCH_ZIP_SIZE:-$((128 << 20))}
ROUNDS=${BENCH_ZIP_ROUNDS:-5}
PASSWORD=bench-password-$$

if [ ! -f "$ROOT/target/attache.jar" ] || [ -n "$(find "$ROOT/src" -newer "$ROOT/target/attache.jar" -print -quit)" ]; then
  (cd "$ROOT" && mvn -q -B package -DskipTests)
fi
WORK=$(mktemp -d)
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
DAV_PORT=$(port)
WEB_PORT=$(port)
export ATTACHE_JAR="$ROOT/target/attache.jar" ATTACHE_JAVA_OPTS=-Xmx256m ATTACHE_DATA_DIR="$WORK/data"
export ATTACHE_WEB_LISTEN="127.0.0.1:$WEB_PORT"
echo "$PASSWORD" | "$ROOT/bin/attache" user add bench --password-stdin >/dev/null
"$ROOT/bin/attache" serve --listen "127.0.0.1:$DAV_PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
  grep -q "web app at" "$WORK/server.log" 2>/dev/null && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 0.2
done
java "$ROOT/bench/zip/ZipBench.java" "http://127.0.0.1:$DAV_PORT" "http://127.0.0.1:$WEB_PORT" bench "$PASSWORD" \
  "$FILES" "$SIZE" "$ROUNDS"
