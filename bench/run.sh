#!/usr/bin/env bash
# Side-by-side benchmark: Attaché (local store) against Apache 2 mod_dav_fs and
# `rclone serve webdav` over an rclone crypt remote, all on loopback, in one run.
#
#   bench/run.sh            (as root on Debian/Ubuntu; installs apache2, rclone, curl if missing)
#
# Prints one table of figures and ratios (Attaché ÷ peer) and writes it to
# bench/results/<date>.md. Every server it starts is stopped on exit, also on failure.
# What each row means, and a run on a reference machine: README, section "Performance".
#
# Knobs (environment), for quick trial runs; the defaults are the published benchmark:
#   BENCH_FILE_MIB=1024  BENCH_RUNS=5  BENCH_RANGE_READS=1000  BENCH_SMALL_FILES=1000
#   BENCH_CLIENTS=8  BENCH_LISTING=2000  BENCH_PROPFIND_RUNS=21  BENCH_XMX=256m
#   BENCH_HUGE_MIB=4096  BENCH_HUGE_XMX=192m  BENCH_SEED=20240601  BENCH_KEEP=1 (keep temp dirs)
#   BENCH_DISCORD_CHANNELS=3  BENCH_DISCORD_WINDOWS=3  BENCH_DISCORD_LATENCY_MS=30
#   BENCH_DISCORD_BANDWIDTH=12500000 (bytes/s per transfer)  BENCH_DISCORD_SEEKS=40
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FILE_MIB=${BENCH_FILE_MIB:-1024}
RUNS=${BENCH_RUNS:-5}
RANGE_READS=${BENCH_RANGE_READS:-1000}
SMALL_FILES=${BENCH_SMALL_FILES:-1000}
CLIENTS=${BENCH_CLIENTS:-8}
LISTING=${BENCH_LISTING:-2000}
PROPFIND_RUNS=${BENCH_PROPFIND_RUNS:-21}
XMX=${BENCH_XMX:-256m}
HUGE_MIB=${BENCH_HUGE_MIB:-4096}
HUGE_XMX=${BENCH_HUGE_XMX:-192m}
SEED=${BENCH_SEED:-20240601}
SERVERS=(attache apache rclone)
declare -A LABEL=([attache]="Attaché" [apache]="Apache mod_dav_fs" [rclone]="rclone crypt")
declare -A PID=() URL=() R=()
WORK="" SHM="" SAMPLER=""
JAR=$ROOT/target/attache.jar
HZ=$(getconf CLK_TCK)

# Attaché runs on its defaults: no ATTACHE_* setting from the caller's environment.
while read -r name; do unset "$name"; done < <(compgen -e | grep '^ATTACHE_' || true)

say() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }

# --- Setup -------------------------------------------------------------------------------------

install_peers() {
    local missing=()
    command -v apache2 >/dev/null || missing+=(apache2)
    command -v rclone >/dev/null || missing+=(rclone)
    command -v curl >/dev/null || missing+=(curl)
    ((${#missing[@]} == 0)) && return
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
}

build() {
    if [[ ! -f $JAR ]] || [[ -n $(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -print -quit) ]]; then
        say "building Attaché"
        (cd "$ROOT" && mvn -q -B package -DskipTests)
    fi
    # The load client needs the JDK only; compiling it alone takes a second, not a test-compile.
    mkdir -p "$WORK/client"
    javac -d "$WORK/client" "$ROOT"/src/test/java/io/attache/bench/*.java
}

check_space() {
    local tmp_need=$(((FILE_MIB * (RUNS + 2) + HUGE_MIB) / 1024 + 2)) shm_need=$((FILE_MIB * 2 / 1024 + 1))
    local tmp_free shm_free
    tmp_free=$(df -BG --output=avail "$WORK" | tail -1 | tr -dc 0-9)
    shm_free=$(df -BG --output=avail "$SHM" | tail -1 | tr -dc 0-9)
    say "disk: ${tmp_free}G free for server data (need ${tmp_need}G), ${shm_free}G in /dev/shm (need ${shm_need}G)"
    ((tmp_free >= tmp_need)) || die "not enough space under $(dirname "$WORK")"
    ((shm_free >= shm_need)) || die "not enough space in /dev/shm"
}

free_port() {
    local port
    for _ in $(seq 200); do
        port=$((20000 + RANDOM % 20000))
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
    die "no free port found"
}

is_attache() { [[ $1 == attache || $1 == huge || $1 == discord ]]; }

# curl with the credentials the server needs (Attaché only), timeouts, and no 100-continue
# round trip (so no server pays for one).
dav() {
    local server=$1
    shift
    local auth=()
    if is_attache "$server"; then auth=(--netrc-file "$WORK/netrc"); fi
    curl -sS --connect-timeout 5 --max-time 900 -H 'Expect:' "${auth[@]}" "$@"
}

wait_ready() {
    local server=$1 log=$2
    for _ in $(seq 120); do
        if [[ $(dav "$server" -o /dev/null -w '%{http_code}' -X PROPFIND -H 'Depth: 0' "${URL[$server]}" 2>/dev/null) == 207 ]]; then
            return
        fi
        kill -0 "${PID[$server]}" 2>/dev/null || { cat "$log" >&2; die "${LABEL[$server]} exited"; }
        sleep 0.5
    done
    cat "$log" >&2
    die "${LABEL[$server]} did not answer within 60 s"
}

# --- Servers -----------------------------------------------------------------------------------

# start_attache NAME XMX: a fresh data directory, one user, default settings.
start_attache() {
    local name=$1 xmx=$2 dir=$WORK/$1 port
    port=$(free_port)
    mkdir -p "$dir"
    echo "$PASSWORD" | java -jar "$JAR" user add bench --password-stdin --data-dir "$dir/data" >"$dir/user.log" 2>&1 \
        || { cat "$dir/user.log" >&2; die "attache user add"; }
    java "-Xmx$xmx" -XX:+ExitOnOutOfMemoryError -jar "$JAR" serve --data-dir "$dir/data" --listen "127.0.0.1:$port" >"$dir/server.log" 2>&1 &
    PID[$name]=$!
    URL[$name]=http://127.0.0.1:$port/
    LABEL[$name]=${LABEL[$name]:-Attaché -Xmx$xmx}
    wait_ready "$name" "$dir/server.log"
}

start_apache() {
    local dir=$WORK/apache port mods=/usr/lib/apache2/modules
    port=$(free_port)
    mkdir -p "$dir/dav" "$dir/lock" "$dir/run"
    chown www-data:www-data "$dir/dav" "$dir/lock"
    # Debian's own settings (apache2.conf, mpm_event.conf), plus LimitRequestBody 0: since
    # 2.4.54 the default caps a request body at 1 GiB. No authentication.
    cat >"$dir/httpd.conf" <<EOF
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$dir/run/httpd.pid"
DefaultRuntimeDir "$dir/run"
ErrorLog "$dir/error.log"
LogLevel warn
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule dav_module $mods/mod_dav.so
LoadModule dav_fs_module $mods/mod_dav_fs.so
User www-data
Group www-data
Timeout 300
KeepAlive On
MaxKeepAliveRequests 100
KeepAliveTimeout 5
StartServers 2
MinSpareThreads 25
MaxSpareThreads 75
ThreadLimit 64
ThreadsPerChild 25
MaxRequestWorkers 150
MaxConnectionsPerChild 0
LimitRequestBody 0
DAVLockDB "$dir/lock/DAVLock"
DocumentRoot "$dir/dav"
<Directory "$dir/dav">
    Dav On
    Options None
    AllowOverride None
    Require all granted
</Directory>
EOF
    apache2 -f "$dir/httpd.conf" -DFOREGROUND >"$dir/stdout.log" 2>&1 &
    PID[apache]=$!
    URL[apache]=http://127.0.0.1:$port/
    wait_ready apache "$dir/error.log"
}

start_rclone() {
    local dir=$WORK/rclone port
    port=$(free_port)
    mkdir -p "$dir/store" "$dir/cache"
    cat >"$dir/rclone.conf" <<EOF
[benchcrypt]
type = crypt
remote = $dir/store
password = $(rclone obscure "$(head -c 24 /dev/urandom | base64)")
password2 = $(rclone obscure "$(head -c 24 /dev/urandom | base64)")
EOF
    # rclone's defaults: --vfs-cache-mode off (streams to the remote), standard name encryption.
    rclone --config "$dir/rclone.conf" --cache-dir "$dir/cache" serve webdav benchcrypt: \
        --addr "127.0.0.1:$port" --log-file "$dir/rclone.log" &
    PID[rclone]=$!
    URL[rclone]=http://127.0.0.1:$port/
    wait_ready rclone "$dir/rclone.log"
}

stop_server() {
    local pid=${PID[$1]:-}
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
    unset "PID[$1]"
}

cleanup() {
    local status=$?
    [[ -n $SAMPLER ]] && kill "$SAMPLER" 2>/dev/null
    for server in "${!PID[@]}"; do stop_server "$server"; done
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then
        say "kept $WORK and $SHM"
    else
        [[ -n $WORK ]] && rm -rf "$WORK"
        [[ -n $SHM ]] && rm -rf "$SHM"
    fi
    exit "$status"
}

# --- Peak memory -------------------------------------------------------------------------------

# Every second, the VmHWM of each server process and its children (Apache's workers). VmHWM
# only grows, so the last sample of each pid is its peak; a server's peak is the sum over its
# processes (for Apache an upper bound: shared pages count once per process).
start_sampler() {
    (
        for _ in $(seq 7200); do
            for server in "${SERVERS[@]}"; do
                for pid in ${PID[$server]} $(pgrep -P "${PID[$server]}" || true); do
                    awk -v s="$server" -v p="$pid" '/^VmHWM/ {print s, p, $2}' "/proc/$pid/status" 2>/dev/null || true
                done
            done
            sleep 1
        done
    ) >"$WORK/rss.samples" &
    SAMPLER=$!
}

peak_rss() {
    kill "$SAMPLER" 2>/dev/null
    wait "$SAMPLER" 2>/dev/null || true
    SAMPLER=""
    for server in "${SERVERS[@]}"; do
        R[rss.$server]=$(awk -v s="$server" '$1 == s {peak[$2] = $3} END {for (p in peak) t += peak[p]; printf "%.0f", t / 1024}' "$WORK/rss.samples")
    done
}

# --- Measurements ------------------------------------------------------------------------------

# CPU time (user + system, in clock ticks) of a server's processes so far.
cpu_ticks() {
    local pid total=0
    for pid in ${PID[$1]} $(pgrep -P "${PID[$1]}" || true); do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

# The servers in turn, starting with the n-th: interleaved rounds rotate the order, so that no
# server always runs right after the same one (and, say, pays for its write-back or collector).
rotated() { local n=$(($1 % ${#SERVERS[@]})); printf '%s\n' "${SERVERS[@]:n}" "${SERVERS[@]:0:n}"; }

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# The same untimed warm-up for every server before anything is measured: one PUT and two GETs
# of the big file, small uploads and 30 listings of each kind. It matters for the JVM's JIT only (a cold Attaché
# encrypts through the JDK's interpreted GHASH until C2 compiles it); the others pay it too.
warm_up() {
    local code
    for server in "${SERVERS[@]}"; do
        code=$(dav "$server" -T "$SRC" -o /dev/null -w '%{http_code}' "${URL[$server]}big.bin")
        [[ $code == 201 ]] || die "${LABEL[$server]} warm-up PUT: status $code"
        dav "$server" -o /dev/null "${URL[$server]}big.bin"
        dav "$server" -o /dev/null "${URL[$server]}big.bin"
        mkcol "$server" warmup
        client "$server" upload --url "${URL[$server]}warmup/" --count 300 --size 4096 --clients "$CLIENTS" \
            --seed "$((SEED + 2))" >/dev/null || die "${LABEL[$server]} warm-up uploads"
        for _ in $(seq 30); do
            dav "$server" -o /dev/null -X PROPFIND -H 'Depth: 1' --data-binary "$PROPFIND_ALLPROP" "${URL[$server]}warmup/"
            dav "$server" -o /dev/null -X PROPFIND -H 'Depth: 1' --data-binary "$PROPFIND_NAMED" "${URL[$server]}warmup/"
        done
        say "warmed up ${LABEL[$server]}"
    done
}

# The 1 GiB file: PUT and GET, interleaved across servers so that load from elsewhere on the
# machine spreads over all of them. Every GET lands in /dev/shm and its SHA-256 is checked
# after the clock stopped.
big_file() {
    declare -A puts=() gets=() put_cpu=() get_cpu=()
    local bytes=$((FILE_MIB * 1024 * 1024)) out code seconds ticks
    for run in $(seq "$RUNS"); do
        for server in $(rotated "$run"); do
            sync
            ticks=$(cpu_ticks "$server")
            out=$(dav "$server" -T "$SRC" -o /dev/null -w '%{http_code} %{time_total}' "${URL[$server]}big.bin")
            put_cpu[$server]=$((${put_cpu[$server]:-0} + $(cpu_ticks "$server") - ticks))
            read -r code seconds <<<"$out"
            [[ $code == 201 || $code == 204 ]] || die "${LABEL[$server]} PUT big.bin: status $code"
            puts[$server]+=" $(awk -v b="$bytes" -v s="$seconds" 'BEGIN {printf "%.1f", b / s / 1e6}')"
            say "PUT  $run ${LABEL[$server]}: ${seconds}s"
        done
    done
    for run in $(seq "$RUNS"); do
        for server in $(rotated "$run"); do
            sync
            ticks=$(cpu_ticks "$server")
            out=$(dav "$server" -o "$SHM/get.bin" -w '%{http_code} %{time_total}' "${URL[$server]}big.bin")
            get_cpu[$server]=$((${get_cpu[$server]:-0} + $(cpu_ticks "$server") - ticks))
            read -r code seconds <<<"$out"
            [[ $code == 200 ]] || die "${LABEL[$server]} GET big.bin: status $code"
            [[ $(sha256sum <"$SHM/get.bin" | cut -d' ' -f1) == "$SRC_SHA" ]] || die "${LABEL[$server]} GET big.bin: SHA-256 differs"
            rm -f "$SHM/get.bin"
            gets[$server]+=" $(awk -v b="$bytes" -v s="$seconds" 'BEGIN {printf "%.1f", b / s / 1e6}')"
            say "GET  $run ${LABEL[$server]}: ${seconds}s, SHA-256 ok"
        done
    done
    for server in "${SERVERS[@]}"; do
        # shellcheck disable=SC2086
        R[put.$server]=$(median ${puts[$server]})
        # shellcheck disable=SC2086
        R[get.$server]=$(median ${gets[$server]})
        R[put_cpu.$server]=$(awk -v t="${put_cpu[$server]}" -v hz="$HZ" -v n="$RUNS" 'BEGIN {printf "%.2f", t / hz / n}')
        R[get_cpu.$server]=$(awk -v t="${get_cpu[$server]}" -v hz="$HZ" -v n="$RUNS" 'BEGIN {printf "%.2f", t / hz / n}')
        R[putruns.$server]=${puts[$server]# }
        R[getruns.$server]=${gets[$server]# }
    done
}

client() {
    local server=$1
    shift
    if is_attache "$server"; then
        BENCH_USER=bench BENCH_PASSWORD=$PASSWORD java -cp "$WORK/client" io.attache.bench.LoadClient "$@"
    else
        java -cp "$WORK/client" io.attache.bench.LoadClient "$@"
    fi
}

field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }

range_reads() {
    local out
    for server in "${SERVERS[@]}"; do
        sync
        out=$(client "$server" ranges --url "${URL[$server]}big.bin" --source "$SRC" --count "$RANGE_READS" \
            --warmup 300 --seed "$SEED") \
            || die "${LABEL[$server]} range reads"
        R[p50.$server]=$(field "$out" p50_ms)
        R[p99.$server]=$(field "$out" p99_ms)
        R[rps.$server]=$(field "$out" reads_per_s)
        say "ranges ${LABEL[$server]}: $out"
    done
}

mkcol() {
    local code
    code=$(dav "$1" -o /dev/null -w '%{http_code}' -X MKCOL "${URL[$1]}$2/")
    [[ $code == 201 ]] || die "${LABEL[$1]} MKCOL $2: status $code"
}

small_files() {
    local out
    for server in "${SERVERS[@]}"; do
        mkcol "$server" small
        sync
        out=$(client "$server" upload --url "${URL[$server]}small/" --count "$SMALL_FILES" --size 4096 \
            --clients "$CLIENTS" --seed "$SEED") || die "${LABEL[$server]} small files"
        R[small.$server]=$(field "$out" files_per_s)
        say "small files ${LABEL[$server]}: $out"
    done
}

PROPFIND_ALLPROP='<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>'
PROPFIND_NAMED='<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getcontentlength/><D:getlastmodified/><D:getetag/></D:prop></D:propfind>'

# One PROPFIND Depth 1 of the listing folder: prints "seconds bytes", checks the status and
# that every file is in the answer.
propfind_once() {
    local server=$1 body=$2 out code seconds bytes responses
    out=$(dav "$server" -X PROPFIND -H 'Depth: 1' -H 'Content-Type: application/xml' --data-binary "$body" \
        -o "$WORK/propfind.xml" -w '%{http_code} %{time_total} %{size_download}' "${URL[$server]}listing/")
    read -r code seconds bytes <<<"$out"
    [[ $code == 207 ]] || die "${LABEL[$server]} PROPFIND: status $code"
    responses=$(grep -o -E '<([A-Za-z0-9_]+:)?response[ >]' "$WORK/propfind.xml" | wc -l)
    ((responses == LISTING + 1)) || die "${LABEL[$server]} PROPFIND: $responses responses, expected $((LISTING + 1))"
    echo "$seconds $bytes"
}

propfind() {
    local kind body out
    declare -A times=()
    for server in "${SERVERS[@]}"; do
        mkcol "$server" listing
        client "$server" upload --url "${URL[$server]}listing/" --count "$LISTING" --size 4096 \
            --clients "$CLIENTS" --seed "$((SEED + 1))" >/dev/null || die "${LABEL[$server]} filling the listing folder"
    done
    sync
    for kind in allprop named; do
        [[ $kind == allprop ]] && body=$PROPFIND_ALLPROP || body=$PROPFIND_NAMED
        # Round-robin over the servers, so a burst of load elsewhere hits all of them alike.
        for run in $(seq 0 "$PROPFIND_RUNS"); do
            for server in $(rotated "$run"); do
                out=$(propfind_once "$server" "$body")
                ((run == 0)) && continue # warm-up
                times[$server]+=" ${out% *}"
                R[pf_${kind}_bytes.$server]=${out#* }
            done
        done
        for server in "${SERVERS[@]}"; do
            # shellcheck disable=SC2086
            R[pf_$kind.$server]=$(awk -v s="$(median ${times[$server]})" 'BEGIN {printf "%.1f", s * 1000}')
            times[$server]=""
            say "PROPFIND $kind ${LABEL[$server]}: ${R[pf_$kind.$server]} ms, ${R[pf_${kind}_bytes.$server]} bytes"
        done
    done
}

# A 4 GiB upload (generated bytes, streamed) to a fresh Attaché with a small heap; the GET's
# SHA-256 must match what was sent.
huge_put() {
    local out
    sync
    start_attache huge "$HUGE_XMX"
    if out=$(client huge bigput --url "${URL[huge]}huge.bin" --size "$((HUGE_MIB * 1024 * 1024))" --seed "$SEED" 2>&1) \
        && ! grep -q OutOfMemoryError "$WORK/huge/server.log"; then
        R[huge]="ok, $(field "$out" put_mb_per_s) MB/s, SHA-256 of the GET matches"
    else
        R[huge]="FAILED: $(tail -1 <<<"$out")"
    fi
    R[huge_rss]=$(awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/${PID[huge]}/status" 2>/dev/null || echo "?")
    say "huge PUT: ${R[huge]}, peak RSS ${R[huge_rss]} MiB"
    stop_server huge
    rm -rf "$WORK/huge"
}

# --- Attaché against the Discord emulator -------------------------------------------------------
# The emulator (test code, bench/discord/emulator.sh) runs as its own process with Discord's
# upload limit (5 messages per 5 s per channel), a round-trip latency and a per-transfer bandwidth.
# Attaché uses it as its store with no chunk cache, so every read below really goes to the "CDN".
#
# Upload: after a PUT that lets the client learn the buckets, a PUT of one window's worth of
# chunks (channels x 5) takes t1 (nothing waits for the limit); after the window has reset, a PUT
# of (windows + 1) windows' worth takes t2. The extra
# windows cannot go faster than 5 s each, so the fraction of the ceiling is windows x 5 s / (t2 - t1).
# Seek: time to first byte of 64 KiB ranges at random offsets of the big file (curl), beside the
# time a plain fetch of one segment straight from the emulator's CDN takes (a signed URL read from
# the API), and the CDN bytes each seek cost (the emulator counts them).
DISCORD_CHANNELS=${BENCH_DISCORD_CHANNELS:-3}
DISCORD_WINDOWS=${BENCH_DISCORD_WINDOWS:-3}
DISCORD_LATENCY_MS=${BENCH_DISCORD_LATENCY_MS:-30}
DISCORD_BANDWIDTH=${BENCH_DISCORD_BANDWIDTH:-12500000}
DISCORD_SEEKS=${BENCH_DISCORD_SEEKS:-40}
PLAIN_CHUNK=10420224     # chunk-size auto: 159 segments of 65,536 bytes
SEGMENT_CIPHER=65564     # a segment on the store: nonce + 65,536 bytes + tag

start_emulator() {
    local dir=$WORK/emulator
    mkdir -p "$dir"
    "$ROOT/bench/discord/emulator.sh" --channels "$DISCORD_CHANNELS" --latency "$DISCORD_LATENCY_MS" \
        --bandwidth "$DISCORD_BANDWIDTH" >"$dir/env" 2>"$dir/log" &
    PID[emulator]=$!
    for _ in $(seq 1200); do
        grep -qx READY "$dir/env" 2>/dev/null && return
        kill -0 "${PID[emulator]}" 2>/dev/null || { cat "$dir/log" >&2; die "the Discord emulator exited"; }
        sleep 0.5
    done
    die "the Discord emulator did not start"
}

emulator_counter() { curl -sS --max-time 10 "${EMULATOR_BASE}/_emulator/counters" | awk -F= -v k="$1" '$1 == k {print $2}'; }

percentile() { # p values...
    local p=$1
    shift
    printf '%s\n' "$@" | sort -g | awk -v p="$p" '{v[NR] = $1} END {i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print v[i]}'
}

discord_rows() {
    local per_window=$((DISCORD_CHANNELS * 5)) src=$WORK/discord.bin out code t1 t2 line
    local big_chunks=$((per_window * (DISCORD_WINDOWS + 1)))
    say "Discord emulator: $DISCORD_CHANNELS channels, 5 uploads per 5 s each, ${DISCORD_LATENCY_MS} ms latency, $DISCORD_BANDWIDTH B/s per transfer"
    start_emulator
    while IFS= read -r line; do
        [[ $line == ATTACHE_DISCORD_*=* ]] && export "${line?}"
    done <"$WORK/emulator/env"
    [[ -n ${ATTACHE_DISCORD_API_URL:-} ]] || { cat "$WORK/emulator/env" >&2; die "the Discord emulator printed no API URL"; }
    EMULATOR_BASE=${ATTACHE_DISCORD_API_URL%/api/*}
    local api=$ATTACHE_DISCORD_API_URL token=${ATTACHE_DISCORD_TOKEN%%,*} channel=${ATTACHE_DISCORD_CHANNELS%%,*}
    export ATTACHE_STORE=discord ATTACHE_CACHE_SIZE=0
    start_attache discord "$XMX"
    unset ATTACHE_STORE ATTACHE_CACHE_SIZE ATTACHE_DISCORD_API_URL ATTACHE_DISCORD_TOKEN ATTACHE_DISCORD_CHANNELS \
        ATTACHE_DISCORD_WEBHOOKS

    head -c "$((big_chunks * PLAIN_CHUNK))" /dev/urandom >"$src"
    # One chunk per channel first, so that both timed PUTs find every bucket's limits known.
    code=$(head -c "$((DISCORD_CHANNELS * PLAIN_CHUNK))" "$src" | dav discord -T - -o /dev/null -w '%{http_code}' \
        "${URL[discord]}learn.bin")
    [[ $code == 201 ]] || die "Discord: first PUT: status $code"
    sleep 6
    out=$(head -c "$((per_window * PLAIN_CHUNK))" "$src" | dav discord -T - -o /dev/null -w '%{http_code} %{time_total}' \
        "${URL[discord]}window.bin")
    read -r code t1 <<<"$out"
    [[ $code == 201 ]] || die "Discord: PUT of one window: status $code"
    sleep 6
    out=$(dav discord -T "$src" -o /dev/null -w '%{http_code} %{time_total}' "${URL[discord]}big.bin")
    read -r code t2 <<<"$out"
    [[ $code == 201 ]] || die "Discord: PUT of $big_chunks chunks: status $code"
    local limited fraction sustained ceiling
    limited=$(emulator_counter rateLimited)
    fraction=$(awk -v w="$DISCORD_WINDOWS" -v a="$t1" -v b="$t2" 'BEGIN {printf "%.1f", 100 * w * 5 / (b - a)}')
    R[discord_fraction]=$fraction
    sustained=$(awk -v n="$((DISCORD_WINDOWS * per_window * PLAIN_CHUNK))" -v a="$t1" -v b="$t2" 'BEGIN {printf "%.1f", n / (b - a) / 1e6}')
    ceiling=$(awk -v n="$((per_window * PLAIN_CHUNK))" 'BEGIN {printf "%.1f", n / 5 / 1e6}')
    R[discord_upload]="${fraction}% (${sustained} of ${ceiling} MB/s over $DISCORD_CHANNELS channels; PUT of $per_window chunks ${t1}s, of $big_chunks chunks ${t2}s; ${limited} answers 429)"
    say "Discord upload: ${R[discord_upload]}"

    local size=$((big_chunks * PLAIN_CHUNK)) bytes0 requests0 offset ttfb=() raw=() seek_bytes seek_requests
    out=$(dav discord -o "$WORK/discord.get" -w '%{http_code} %{time_total}' "${URL[discord]}big.bin")
    read -r code t1 <<<"$out"
    [[ $code == 200 ]] && cmp -s "$src" "$WORK/discord.get" || die "Discord: GET of big.bin: status $code or bytes differ"
    rm -f "$WORK/discord.get"
    R[discord_get]=$(awk -v n="$size" -v s="$t1" 'BEGIN {printf "%.1f", n / s / 1e6}')
    say "Discord GET: ${R[discord_get]} MB/s, bytes identical"

    bytes0=$(emulator_counter cdnBytes)
    requests0=$(emulator_counter cdnRequests)
    for i in $(seq "$DISCORD_SEEKS"); do
        offset=$(awk -v seed="$((SEED + i))" -v n="$((size - 65536))" 'BEGIN {srand(seed); printf "%d", rand() * n}')
        out=$(dav discord -r "$offset-$((offset + 65535))" -o "$WORK/seek.bin" -w '%{http_code} %{time_starttransfer}' \
            "${URL[discord]}big.bin")
        read -r code t1 <<<"$out"
        [[ $code == 206 ]] || die "Discord: range read at $offset: status $code"
        cmp -s "$WORK/seek.bin" <(dd if="$src" iflag=skip_bytes,count_bytes skip="$offset" count=65536 status=none) \
            || die "Discord: range read at $offset: bytes differ"
        ttfb+=("$(awk -v s="$t1" 'BEGIN {printf "%.1f", s * 1000}')")
    done
    seek_bytes=$(( ($(emulator_counter cdnBytes) - bytes0) / DISCORD_SEEKS ))
    seek_requests=$(awk -v a="$(emulator_counter cdnRequests)" -v b="$requests0" -v n="$DISCORD_SEEKS" 'BEGIN {printf "%.1f", (a - b) / n}')

    # A chunk of big.bin, by its signed URL from the channel's history, fetched directly: the
    # first attachment that has a whole segment after the format byte.
    local url="" candidate
    for candidate in $(curl -sS --max-time 10 -H "Authorization: Bot $token" "$api/channels/$channel/messages?limit=50" \
        | grep -o '"url": *"[^"]*"' | cut -d'"' -f4 | sed -e 's#\\u0026#\&#g' -e 's#\\/#/#g'); do
        [[ $(curl -sS --max-time 10 -r "1-$SEGMENT_CIPHER" -o /dev/null -w '%{http_code}' "$candidate") == 206 ]] \
            && { url=$candidate; break; }
    done
    [[ -n $url ]] || die "Discord: no CDN URL of a whole chunk in the channel's history"
    for _ in $(seq 10); do
        out=$(curl -sS --max-time 10 -r "1-$SEGMENT_CIPHER" -o /dev/null -w '%{http_code} %{time_total}' "$url")
        read -r code t1 <<<"$out"
        [[ $code == 206 ]] || die "Discord: CDN range fetch: status $code"
        raw+=("$(awk -v s="$t1" 'BEGIN {printf "%.1f", s * 1000}')")
    done
    local p50 p90 raw50
    p50=$(percentile 50 "${ttfb[@]}")
    p90=$(percentile 90 "${ttfb[@]}")
    raw50=$(percentile 50 "${raw[@]}")
    R[discord_ttfb_ratio]=$(ratio "$p50" "$raw50")
    R[discord_seek_bytes]=$seek_bytes
    R[discord_ttfb]="p50 $p50 ms, p90 $p90 ms ($DISCORD_SEEKS seeks of 64 KiB, bytes checked) = ${R[discord_ttfb_ratio]} one plain CDN fetch of one segment ($raw50 ms); $seek_bytes CDN bytes and $seek_requests CDN requests per seek"
    say "Discord seek: ${R[discord_ttfb]}"
    stop_server discord
    stop_server emulator
    rm -rf "$WORK/discord" "$src" "$WORK/seek.bin"
}

# --- Report ------------------------------------------------------------------------------------

size_label() { (($1 % 1024 == 0)) && echo "$(($1 / 1024)) GiB" || echo "$1 MiB"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f×", a / b; else print "–"}'; }

row() {
    local title=$1 key=$2 unit=$3 better=$4
    printf '| %s | %s %s | %s %s | %s %s | %s | %s | %s |\n' "$title" \
        "${R[$key.attache]}" "$unit" "${R[$key.apache]}" "$unit" "${R[$key.rclone]}" "$unit" \
        "$(ratio "${R[$key.attache]}" "${R[$key.apache]}")" "$(ratio "${R[$key.attache]}" "${R[$key.rclone]}")" "$better"
}

verdict() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {ok = (op == ">=") ? v >= t : (op == "<=") ? v <= t : v < t; print ok ? "met" : "NOT met"}'; }

targets() {
    local put_ap put_rc get_rc pf_all pf_named
    put_ap=$(ratio "${R[put.attache]}" "${R[put.apache]}")
    put_rc=$(ratio "${R[put.attache]}" "${R[put.rclone]}")
    get_rc=$(ratio "${R[get.attache]}" "${R[get.rclone]}")
    pf_all=$(ratio "${R[pf_allprop.attache]}" "${R[pf_allprop.apache]}")
    pf_named=$(ratio "${R[pf_named.attache]}" "${R[pf_named.apache]}")
    echo "| target (issue 5) | this run | |"
    echo "|---|---|---|"
    echo "| PUT ≥ 1.0× Apache | $put_ap | $(verdict "${put_ap%×}" '>=' 1.0) |"
    echo "| PUT ≥ 1.5× rclone crypt | $put_rc | $(verdict "${put_rc%×}" '>=' 1.5) |"
    echo "| GET ≥ 1.5× rclone crypt | $get_rc | $(verdict "${get_rc%×}" '>=' 1.5) |"
    echo "| PROPFIND allprop, $LISTING files, no slower than Apache (time ≤ 1.0×) | $pf_all | $(verdict "${pf_all%×}" '<=' 1.0) |"
    echo "| PROPFIND 4 properties, no slower than Apache (time ≤ 1.0×) | $pf_named | $(verdict "${pf_named%×}" '<=' 1.0) |"
    echo "| allprop answer < 1,000,000 bytes | ${R[pf_allprop_bytes.attache]} bytes | $(verdict "${R[pf_allprop_bytes.attache]}" '<' 1000000) |"
    echo "| $(size_label "$HUGE_MIB") PUT at -Xmx$HUGE_XMX succeeds | ${R[huge]%%,*} | $([[ ${R[huge]} == ok* ]] && echo met || echo "NOT met") |"
    echo "| Discord emulator: sustained upload ≥ 90% of the rate-limit ceiling | ${R[discord_fraction]}% | $(verdict "${R[discord_fraction]}" '>=' 90) |"
    echo "| random seek against the Discord emulator ≈ one CDN round trip for one segment (≤ 1.5×) | ${R[discord_ttfb_ratio]} | $(verdict "${R[discord_ttfb_ratio]%×}" '<=' 1.5) |"
    echo "| CDN bytes per 64 KiB seek ≤ range + 2 segments ($((65536 + 2 * SEGMENT_CIPHER))) | ${R[discord_seek_bytes]} | $(verdict "${R[discord_seek_bytes]}" '<=' $((65536 + 2 * SEGMENT_CIPHER))) |"
}

report() {
    local a=${LABEL[attache]} p=${LABEL[apache]} c=${LABEL[rclone]}
    cat <<EOF
## Attaché benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')

Machine: $(nproc) cores ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, Linux $(uname -r); load average $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after.
Attaché $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src pom.xml || echo "+changes"), $(java -version 2>&1 | head -1), -Xmx$XMX, default settings, Basic auth.
$(apache2 -v | head -1 | cut -d' ' -f3-) with mod_dav_fs, Debian's mpm_event settings, no auth. $(rclone version | head -1) serve webdav over crypt on a local folder, defaults (--vfs-cache-mode off), no auth.
All on 127.0.0.1, data under $(dirname "$WORK") (same disk for all), files fit the page cache; load client and servers share the cores. Every server got the same untimed warm-up first. MB = 10^6 bytes.
Not like for like: Attaché fsyncs every chunk file, its directory and each database commit before it answers a PUT; Apache mod_dav_fs and rclone's local backend never fsync (their PUT ends in the page cache). Apache stores plaintext; rclone crypt and Attaché encrypt.

| measurement | $a | $p | $c | $a ÷ Apache | $a ÷ rclone | better |
|---|---|---|---|---|---|---|
$(row "PUT $(size_label "$FILE_MIB"), curl, median of $RUNS" put MB/s "higher")
$(row "GET $(size_label "$FILE_MIB"), curl, median of $RUNS, SHA-256 checked" get MB/s "higher")
$(row "server CPU time per PUT (user + system)" put_cpu s "lower")
$(row "server CPU time per GET" get_cpu s "lower")
$(row "64 KiB range read at a random offset, p50 ($RANGE_READS reads, 1 connection)" p50 ms "lower")
$(row "64 KiB range read, p99" p99 ms "lower")
$(row "64 KiB range reads per second" rps /s "higher")
$(row "$SMALL_FILES files of 4 KiB, $CLIENTS parallel clients" small files/s "higher")
$(row "PROPFIND Depth 1, $LISTING files, allprop, median of $PROPFIND_RUNS" pf_allprop ms "lower")
$(row "PROPFIND allprop, response size" pf_allprop_bytes bytes "lower")
$(row "PROPFIND Depth 1, $LISTING files, 4 properties, median of $PROPFIND_RUNS" pf_named ms "lower")
$(row "PROPFIND 4 properties, response size" pf_named_bytes bytes "lower")
$(row "peak RSS (VmHWM; Apache: sum over its processes)" rss MiB "lower")
| $(size_label "$HUGE_MIB") PUT at -Xmx$HUGE_XMX (generated, streamed) | ${R[huge]}; peak RSS ${R[huge_rss]} MiB | | | | | must succeed |
| Discord emulator ($DISCORD_CHANNELS channels, 5 uploads per 5 s each, ${DISCORD_LATENCY_MS} ms, $DISCORD_BANDWIDTH B/s per transfer, no cache): sustained upload ÷ rate-limit ceiling | ${R[discord_upload]} | | | | | higher |
| Discord emulator: GET of the same file, bytes compared | ${R[discord_get]} MB/s | | | | | higher |
| Discord emulator: time to first byte of a random seek | ${R[discord_ttfb]} | | | | | lower |

Single runs (MB/s): PUT $a ${R[putruns.attache]}; $p ${R[putruns.apache]}; $c ${R[putruns.rclone]}. GET $a ${R[getruns.attache]}; $p ${R[getruns.apache]}; $c ${R[getruns.rclone]}.

$(targets)
EOF
}

# --- Main --------------------------------------------------------------------------------------

main() {
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    [[ $(id -u) == 0 ]] || die "run as root (Apache's workers switch to www-data; apt-get installs the peers)"
    WORK=$(mktemp -d /tmp/attache-bench.XXXXXX)
    SHM=$(mktemp -d /dev/shm/attache-bench.XXXXXX)
    chmod 755 "$WORK"
    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    install_peers
    build
    check_space
    PASSWORD=$(head -c 18 /dev/urandom | base64)
    printf 'machine 127.0.0.1 login bench password %s\n' "$PASSWORD" >"$WORK/netrc"

    say "writing the ${FILE_MIB} MiB source file"
    SRC=$SHM/source.bin
    head -c "$((FILE_MIB * 1024 * 1024))" /dev/urandom >"$SRC"
    SRC_SHA=$(sha256sum <"$SRC" | cut -d' ' -f1)

    start_attache attache "$XMX"
    start_apache
    start_rclone
    say "serving: Attaché ${URL[attache]} (pid ${PID[attache]}), Apache ${URL[apache]} (pid ${PID[apache]}), rclone ${URL[rclone]} (pid ${PID[rclone]})"
    start_sampler

    warm_up
    big_file
    range_reads
    small_files
    propfind
    peak_rss
    for server in "${SERVERS[@]}"; do stop_server "$server"; done
    rm -rf "$WORK/attache" "$WORK/apache" "$WORK/rclone"

    huge_put
    discord_rows

    mkdir -p "$ROOT/bench/results"
    local result
    result=$ROOT/bench/results/$(date -u +%Y-%m-%dT%H%M).md
    report | tee "$result"
    say "written to $result"
}

# Sourcing the script (for a look at one server by hand) defines the functions only.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
