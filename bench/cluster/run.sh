#!/usr/bin/env bash
# 1, 2 and 3 Attaché nodes on one PostgreSQL server on this machine, under the same load, one
# after another; prints one table (and writes it to bench/cluster/results-<date>.md).
#
#   bench/cluster/run.sh     (Debian/Ubuntu with the postgresql package; as root it runs the
#                             server as the 'postgres' user, see .ci/pg.sh)
#
# The nodes share one local store folder and one key, each has its own data directory, and the
# load (ClusterBench.java) spreads its clients round-robin over the nodes and over BENCH_USERS
# users. PostgreSQL keeps its default durability (fsync on). The last row counts PostgreSQL's
# commits (reads included) and the nodes' write batches, and how long nodes waited for their turn
# (summed over nodes). Every process it starts is stopped on exit. What the figures mean and what limits a cluster: README, "Several nodes on PostgreSQL".
#
# Knobs: BENCH_NODES=3 BENCH_USERS=8 BENCH_CLIENTS=16 BENCH_SECONDS=15 BENCH_XMX=256m BENCH_KEEP=1 (keep logs)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NODES=${BENCH_NODES:-3}
USERS=${BENCH_USERS:-8}
CLIENTS=${BENCH_CLIENTS:-16}
SECONDS_PER_PHASE=${BENCH_SECONDS:-15}
XMX=${BENCH_XMX:-256m}
PASSWORD="bench password"
SECRET="bench cluster secret, not for production"
JAR=$ROOT/target/attache.jar
PIDS=() WORK="" PG_DIR=""

while read -r name; do unset "$name"; done < <(compgen -e | grep '^ATTACHE_' || true)

say() { printf '[cluster-bench %s] %s\n' "$(date +%T)" "$*" >&2; }

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
    [[ -n $PG_DIR ]] && "$ROOT/.ci/pg.sh" stop "$PG_DIR"
    if [[ -n $WORK && -z ${BENCH_KEEP:-} ]]; then rm -rf "$WORK"; elif [[ -n $WORK ]]; then say "kept $WORK"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

psql_() { psql -X -q -t -A "host=127.0.0.1 port=$PG_PORT user=attache dbname=${2:-postgres}" -c "$1"; }

if [[ ! -f $JAR ]] || [[ -n $(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -print -quit) ]]; then
    say "building Attaché"
    (cd "$ROOT" && mvn -q -B package -DskipTests)
fi
eval "$("$ROOT/.ci/pg.sh" start --durable)"
WORK=$(mktemp -d /tmp/attache-cluster-bench.XXXXXX)
say "PostgreSQL on 127.0.0.1:$PG_PORT; $USERS users, $CLIENTS clients, ${SECONDS_PER_PHASE}s per phase"

declare -A RESULT=()
# The baseline: one node on SQLite in its data directory, under the same load.
run="$WORK/sqlite"
mkdir -p "$run"
for u in $(seq 0 $((USERS - 1))); do
    echo "$PASSWORD" | java -jar "$JAR" user add "bench$u" --password-stdin --data-dir "$run/node" >/dev/null
done
port=$(free_port)
java -Xmx"$XMX" -jar "$JAR" serve --data-dir "$run/node" --listen "127.0.0.1:$port" >"$run/node.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 600); do grep -qs " serving http://" "$run/node.log" && break; sleep 0.1; done
say "SQLite, 1 node: http://127.0.0.1:$port"
RESULT[sqlite]=$(java "$ROOT/bench/cluster/ClusterBench.java" "http://127.0.0.1:$port" "$USERS" "$CLIENTS" "$SECONDS_PER_PHASE" "$PASSWORD")
echo "${RESULT[sqlite]}" | sed "s/^/  /" >&2
RESULT[sqlite.tx]="-"
kill "${PIDS[@]}"; wait "${PIDS[@]}" 2>/dev/null || true; PIDS=()

for n in $(seq 1 "$NODES"); do
    db="bench$n"
    psql_ "CREATE DATABASE $db TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
    url="jdbc:postgresql://127.0.0.1:$PG_PORT/$db?user=attache"
    run="$WORK/run$n"
    mkdir -p "$run"
    export ATTACHE_DATABASE_URL=$url ATTACHE_LOCAL_STORE_DIR=$run/store ATTACHE_KEY_FILE=$run/master.key
    export ATTACHE_CLUSTER_SECRET=$SECRET
    for u in $(seq 0 $((USERS - 1))); do
        echo "$PASSWORD" | java -jar "$JAR" user add "bench$u" --password-stdin --data-dir "$run/node1" >/dev/null
    done
    urls=()
    for i in $(seq 1 "$n"); do
        port=$(free_port)
        ATTACHE_CLUSTER_LISTEN=127.0.0.1:$(free_port) java -Xmx"$XMX" -jar "$JAR" serve --data-dir "$run/node$i" \
            --listen "127.0.0.1:$port" >"$run/node$i.log" 2>&1 &
        PIDS+=($!)
        for _ in $(seq 1 600); do grep -qs " serving http://" "$run/node$i.log" && break; sleep 0.1; done
        grep -q " serving http://" "$run/node$i.log" || { cat "$run/node$i.log" >&2; exit 1; }
        urls+=("http://127.0.0.1:$port")
    done
    before=$(psql_ "SELECT xact_commit || ' ' || xact_rollback FROM pg_stat_database WHERE datname = '$db'" "$db")
    say "$n node(s): ${urls[*]}"
    out=$(java "$ROOT/bench/cluster/ClusterBench.java" "$(IFS=,; echo "${urls[*]}")" "$USERS" "$CLIENTS" \
        "$SECONDS_PER_PHASE" "$PASSWORD")
    after=$(psql_ "SELECT xact_commit || ' ' || xact_rollback FROM pg_stat_database WHERE datname = '$db'" "$db")
    echo "$out" | sed "s/^/  /" >&2
    read -r c0 _ <<<"$before"
    read -r c1 _ <<<"$after"
    RESULT[$n]="$out"
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
    batches=$(grep -ho "[0-9]* batches of write transactions" "$run"/node*.log | awk '{s += $1} END {print s + 0}')
    waited=$(grep -ho "transactions; [0-9]* ms waiting" "$run"/node*.log | awk '{s += $2} END {print s + 0}')
    RESULT[$n.tx]="$((c1 - c0)) commits; $batches write batches, $((waited / 1000)) s waiting for a turn"
    unset ATTACHE_DATABASE_URL ATTACHE_LOCAL_STORE_DIR ATTACHE_KEY_FILE ATTACHE_CLUSTER_SECRET
done

figure() { echo "${RESULT[$1]}" | awk -v p="$2" '$1 == p { printf "%s req/s (p50 %s, p99 %s ms)", $2, $5, $8 }'; }
{
    echo "## Attaché cluster benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "$USERS users, $CLIENTS clients round-robin over the nodes, ${SECONDS_PER_PHASE}s per phase; nodes, PostgreSQL"
    echo "and the load generator all on this machine. metadata = rounds of MKCOL, PROPPATCH, MOVE, DELETE."
    echo
    columns=(sqlite $(seq 1 "$NODES"))
    header() { [[ $1 == sqlite ]] && printf 'SQLite, 1 node' || printf 'PostgreSQL, %s node(s)' "$1"; }
    printf '| phase | %s |\n' "$(for n in "${columns[@]}"; do printf '%s | ' "$(header "$n")"; done | sed 's/ | $//')"
    printf '|---|%s\n' "$(for n in "${columns[@]}"; do printf -- '---|'; done)"
    for phase in put get propfind metadata; do
        printf '| %s | %s |\n' "$phase" "$(for n in "${columns[@]}"; do printf '%s | ' "$(figure "$n" "$phase")"; done | sed 's/ | $//')"
    done
    printf '| transactions | %s |\n' "$(for n in "${columns[@]}"; do printf '%s | ' "${RESULT[$n.tx]}"; done | sed 's/ | $//')"
} | tee "$ROOT/bench/cluster/results-$(date -u +%Y%m%d-%H%M).md"
