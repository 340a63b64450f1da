#!/usr/bin/env bash
# Side-by-side benchmark: Attaché against Apache 2 mod_dav_fs and `rclone serve webdav` over
# crypt, Attaché alone (4 GiB PUTs at a small heap; the Discord emulator), and folders copied with
# rclone onto Attaché on the Discord emulator, all on 127.0.0.1, in one run.
#
#   bench/run.sh            (as root on Debian/Ubuntu; installs apache2, rclone, curl if missing)
#
# This script installs the peers, builds Attaché and the test classes, and runs the benchmark
# program, src/test/java/io/attache/bench/Bench.java, which starts and stops every server, measures
# and prints one table (also written to bench/results/<date>.md). What each row means, and a run
# on a reference machine: README, section "Performance".
#
# Knobs (environment, passed through), for quick trial runs; the defaults are the published benchmark:
#   BENCH_FILE_MIB=1024  BENCH_RUNS=5  BENCH_RANGE_READS=1000  BENCH_SMALL_FILES=1000
#   BENCH_CLIENTS=8  BENCH_LISTING=2000  BENCH_PROPFIND_RUNS=21  BENCH_XMX=256m
#   BENCH_HUGE_MIB=4096  BENCH_HUGE_XMX=192m  BENCH_STAGING_MIB=1024 (write-back row's staging-size)
#   BENCH_DISCORD_CHANNELS=3  BENCH_DISCORD_WINDOWS=3  BENCH_DISCORD_LATENCY_MS=30
#   BENCH_DISCORD_BANDWIDTH=12500000 (bytes/s per transfer)  BENCH_DISCORD_SEEKS=40
#   BENCH_DISCORD_HASH_PER_MAJOR=1 (0: one bucket hash for all channels of a route)
#   BENCH_COPY_FILES=1000 (files of 4 KiB)  BENCH_COPY_TRANSFERS=4
#   BENCH_MIXED_FILES=500  BENCH_MIXED_MIN_KIB=1  BENCH_MIXED_MAX_KIB=8192
#   BENCH_SECTIONS=copy,discord,huge,peers (any of them)  BENCH_SEED=20240601  BENCH_KEEP=1 (keep temp dirs)
#   BENCH_BEFORE_JAR=path/to/older/attache.jar: run the peer rows and the copies with it too (before → after)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }

[[ $(id -u) == 0 ]] || { say "run as root (Apache's workers switch to www-data; apt-get installs the peers)"; exit 1; }

missing=()
for tool in apache2 rclone curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]} > 0)); then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >/dev/null \
        || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
fi

# The jar, and the test classes the benchmark and the Discord emulator live in; `package` compiles both.
cd "$ROOT"
if [[ ! -f target/attache.jar ]] || [[ -n $(find src pom.xml -newer target/attache.jar -type f -print -quit) ]]; then
    say "building Attaché"
    { mvn -q -B -o package -DskipTests 2>/dev/null || mvn -q -B package -DskipTests; } >&2
fi
if [[ ! -f target/bench-classpath.txt ]] || [[ pom.xml -nt target/bench-classpath.txt ]]; then
    { mvn -q -B -o dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt 2>/dev/null \
        || mvn -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt; } >&2
fi

# Attaché runs on its defaults: no ATTACHE_* setting from the caller's environment.
while read -r name; do unset "$name"; done < <(compgen -e | grep '^ATTACHE_' || true)
exec java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" io.attache.bench.Bench "$ROOT"
