#!/usr/bin/env bash
# Communs kernel benchmark: release build, demo data, loopback, wrk.
# Writes bench/RESULTS.md. Never part of the test suite's pass/fail.
#
# Usage: bash bench/run.sh
# Knobs (environment):
#   BENCH_THREADS=2 BENCH_CONNECTIONS=64 BENCH_DURATION=15s BENCH_WARMUP=3s
#   BENCH_PORT=<port>          (default: first free port from 18080)
#   BENCH_SKIP_BUILD=1         (use the existing target/release/communs)
#   BENCH_OUT=<file>           (default: bench/RESULTS.md)
#   BENCH_QUIET_WAIT=180       (seconds to wait at most for other processes to leave the CPUs idle; 0: don't wait)
#   COMMUNS_LOG=<filter>       (passed through to the server; default is the server's own, info)
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
THREADS="${BENCH_THREADS:-2}"
CONNS="${BENCH_CONNECTIONS:-64}"
DURATION="${BENCH_DURATION:-15s}"
WARMUP="${BENCH_WARMUP:-3s}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET_DIR/release/communs"

# The exact command line, with the knobs that were set, for RESULTS.md.
INVOCATION=""
for v in BENCH_THREADS BENCH_CONNECTIONS BENCH_DURATION BENCH_WARMUP BENCH_PORT BENCH_SKIP_BUILD BENCH_OUT BENCH_QUIET_WAIT COMMUNS_LOG \
    GLIBC_TUNABLES MALLOC_MMAP_THRESHOLD_ MALLOC_TRIM_THRESHOLD_ MALLOC_ARENA_MAX CARGO_TARGET_DIR; do
    if [[ -n "${!v:-}" ]]; then INVOCATION+="$v=${!v} "; fi
done
INVOCATION+="bash bench/run.sh"

WORK="$(mktemp -d /tmp/communs-bench.XXXXXX)"
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. Release build ---------------------------------------------------------------------------
if [[ "${BENCH_SKIP_BUILD:-}" != "1" ]]; then
    log "building the release binary (cargo may wait for another build's lock)"
    (cd "$ROOT" && cargo build --release -p communs) || die "cargo build --release -p communs failed"
fi
[[ -x "$BIN" ]] || die "no binary at $BIN"

# 2. wrk -------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
    log "installing wrk"
    apt-get update && apt-get install -y wrk || die "cannot install wrk"
fi
command -v curl >/dev/null 2>&1 || die "curl is required"

# 3. Server ----------------------------------------------------------------------------------
pick_port 18080
start_demo_then_serve

# 4. Idle memory -----------------------------------------------------------------------------
proc_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SERVER_PID/status"; }
sleep 3 # let start-up (migrations check, first jobs) settle
IDLE_RSS_KB="$(proc_kb VmRSS)"
IDLE_HWM_KB="$(proc_kb VmHWM)"
IDLE_THREADS="$(proc_kb Threads)"
log "idle RSS ${IDLE_RSS_KB} kB (peak so far ${IDLE_HWM_KB} kB, ${IDLE_THREADS} threads)"

# 5. API token for the demo administrator ----------------------------------------------------
get_token

# Sanity: each endpoint answers 200 (and the home page is compressed) before loading it.
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[[ "$(code "$BASE/healthz")" == 200 ]] || die "/healthz is not 200"
[[ "$(code -H 'Accept: text/html' -H 'Accept-Encoding: gzip' "$BASE/")" == 200 ]] || die "/ is not 200"
[[ "$(code -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/me")" == 200 ]] || die "/api/v1/me with the token is not 200"
HOME_HEADERS="$(curl -s -D - -o "$WORK/home.gz" -H 'Accept: text/html' -H 'Accept-Encoding: gzip' "$BASE/")"
HOME_ENCODING="$(printf '%s' "$HOME_HEADERS" | awk -F': ' 'tolower($1) == "content-encoding" { gsub("\r", "", $2); print $2 }')"
HOME_WIRE_BYTES="$(wc -c <"$WORK/home.gz" | tr -d ' ')"
HOME_PLAIN_BYTES="$(curl -s -H 'Accept: text/html' "$BASE/" | wc -c | tr -d ' ')"
ME_BYTES="$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/me" | wc -c | tr -d ' ')"

# 6. Load ------------------------------------------------------------------------------------
# name | path | extra wrk arguments (one per line in an array below)
NAMES=(healthz home me)
declare -A PATHS=([healthz]=/healthz [home]=/ [me]=/api/v1/me)
declare -A LABEL=([healthz]='`GET /healthz`' [home]='`GET /` (anonymous, gzip)' [me]='`GET /api/v1/me` (Bearer token)')
wrk_args() {
    case "$1" in
        home) printf '%s\n' -H 'Accept: text/html' -H 'Accept-Encoding: gzip' ;;
        me) printf '%s\n' -H "Authorization: Bearer $TOKEN" ;;
    esac
}

# CPU accounting, so that interference from other processes on the machine is visible:
# machine-wide busy time from /proc/stat, the server's from /proc/<pid>/stat, wrk's from `time`.
server_ticks() { sed 's/^.*) //' "/proc/$SERVER_PID/stat" | awk '{ print $12 + $13 }'; }
now_s() { date +%s.%N; }
pct() { awk -v t="$1" -v w="$2" -v n="$NCPU" 'BEGIN { v = t / w / n * 100; if (v < 0) v = 0; printf "%.0f", v }'; }
# Wait (bounded) until the rest of the machine is quiet: other sessions' builds and tests share these CPUs.
quiet_wait
LOADAVG_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"

declare -A RPS P50 P99 ERRS CPU_SRV CPU_WRK CPU_OTHER US_PER_REQ
for name in "${NAMES[@]}"; do
    mapfile -t extra < <(wrk_args "$name")
    url="$BASE${PATHS[$name]}"
    log "warm-up $name ($WARMUP)"
    wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" "${extra[@]}" "$url" >/dev/null
    log "measuring $name ($DURATION, $THREADS threads, $CONNS connections)"
    busy0="$(machine_busy)"; srv0="$(server_ticks)"; t0="$(now_s)"
    TIMEFORMAT='%3U %3S'
    { time wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "${extra[@]}" "$url" >"$WORK/wrk-$name.txt" 2>"$WORK/wrk-$name.err"; } 2>"$WORK/wrk-$name.time"
    busy1="$(machine_busy)"; srv1="$(server_ticks)"; t1="$(now_s)"
    wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
    srv_s="$(awk -v a="$srv0" -v b="$srv1" -v hz="$CLK_TCK" 'BEGIN { print (b - a) / hz }')"
    wrk_s="$(awk '{ print $1 + $2 }' "$WORK/wrk-$name.time")"
    other_s="$(awk -v a="$busy0" -v b="$busy1" -v hz="$CLK_TCK" -v s="$srv_s" -v w="$wrk_s" 'BEGIN { print (b - a) / hz - s - w }')"
    CPU_SRV[$name]="$(pct "$srv_s" "$wall")"
    CPU_WRK[$name]="$(pct "$wrk_s" "$wall")"
    CPU_OTHER[$name]="$(pct "$other_s" "$wall")"
    nreq="$(awk '/requests in/ { print $1 }' "$WORK/wrk-$name.txt")"
    US_PER_REQ[$name]="$(awk -v s="$srv_s" -v n="${nreq:-0}" 'BEGIN { if (n > 0) printf "%.0f", s / n * 1e6; else print "?" }')"
    RPS[$name]="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$WORK/wrk-$name.txt")"
    P50[$name]="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$WORK/wrk-$name.txt")")"
    P99[$name]="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/wrk-$name.txt")")"
    non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$WORK/wrk-$name.txt")"
    sockerr="$(awk '/Socket errors:/ { sub(/^.*Socket errors: /, ""); print }' "$WORK/wrk-$name.txt")"
    ERRS[$name]="${non2xx:-0} non-2xx${sockerr:+; socket errors: $sockerr}"
    log "$name: ${RPS[$name]} req/s, p50 ${P50[$name]} ms, p99 ${P99[$name]} ms (${ERRS[$name]}); CPU server ${CPU_SRV[$name]}% wrk ${CPU_WRK[$name]}% other ${CPU_OTHER[$name]}%, ${US_PER_REQ[$name]} us server CPU/request"
done

# 7. Memory after load -----------------------------------------------------------------------
sleep 1
LOAD_RSS_KB="$(proc_kb VmRSS)"
LOAD_HWM_KB="$(proc_kb VmHWM)"
LOAD_THREADS="$(proc_kb Threads)"
log "RSS after load ${LOAD_RSS_KB} kB, peak ${LOAD_HWM_KB} kB"

# 8. RESULTS.md ------------------------------------------------------------------------------
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
verdict() { awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN { ok = (op == ">=") ? (a + 0 >= b + 0) : (a + 0 <= b + 0); print ok ? "**pass**" : "**FAIL**" }'; }
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null || true)" ]]; then
    COMMIT+=" (working tree had uncommitted changes to tracked files)"
fi
CPU_MODEL="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
MEM_TOTAL="$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
RUSTC="$(rustc --version 2>/dev/null || echo unknown)"
WRK_VERSION="$(wrk --version 2>&1 | head -n1 | awk '{ print $2 }' || true)"
IDLE_MIB="$(mib "$IDLE_RSS_KB")"
LOAD_MIB="$(mib "$LOAD_RSS_KB")"

{
    echo "## Platform kernel"
    echo
    echo "Produced by \`$INVOCATION\` (from the repository root). Generated file: do not edit by hand; re-run instead."
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| Date | $(date -u '+%Y-%m-%d %H:%M:%S UTC') |"
    echo "| Commit | \`$COMMIT\` |"
    echo "| Machine | $(nproc) CPUs ($CPU_MODEL), $MEM_TOTAL RAM, $(uname -sr) |"
    echo "| Toolchain | $RUSTC; release profile of the workspace |"
    echo "| Server | \`communs serve\` on SQLite in a fresh temporary data directory holding the demo data (loaded first by \`communs demo\` with \`COMMUNS_DEMO_WEATHER_YEARS=0\`), bound to 127.0.0.1 |"
    echo "| Load | wrk $WRK_VERSION, \`-t$THREADS -c$CONNS -d$DURATION --latency\` after a $WARMUP warm-up per endpoint |"
    echo "| Logging | \`COMMUNS_LOG=${COMMUNS_LOG:-<unset: server default info,sqlx=warn>}\`, server stderr to a file |"
    echo
    echo "wrk runs on the same $(nproc) cores as the server: the figures are what the server achieves while sharing the"
    echo "machine with its load generator, not its ceiling on dedicated cores."
    echo "Rate limits are off for the run (\`COMMUNS_RATE_LIMIT_PER_IP=0\`, \`COMMUNS_RATE_LIMIT_PER_TOKEN=0\`): from one"
    echo "loopback address the load would otherwise be answered 429."
    echo
    echo "### Throughput and latency"
    echo
    echo "| Endpoint | req/s | p50 (ms) | p99 (ms) | errors | body |"
    echo "|---|---:|---:|---:|---|---|"
    echo "| ${LABEL[healthz]} | ${RPS[healthz]} | ${P50[healthz]} | ${P99[healthz]} | ${ERRS[healthz]} | 2 B |"
    echo "| ${LABEL[home]} | ${RPS[home]} | ${P50[home]} | ${P99[home]} | ${ERRS[home]} | ${HOME_WIRE_BYTES} B on the wire (${HOME_ENCODING:-identity}), ${HOME_PLAIN_BYTES} B uncompressed |"
    echo "| ${LABEL[me]} | ${RPS[me]} | ${P50[me]} | ${P99[me]} | ${ERRS[me]} | ${ME_BYTES} B JSON |"
    echo
    echo "#### Where the CPU went during each run"
    echo
    echo "Shares of the whole machine ($NCPU CPUs × run time). \"Other\" is every other process (builds, tests of other"
    echo "sessions...): when it is not near 0 the run was disturbed and the req/s figures are low by about that much."
    echo "Server CPU per request is the figure least sensitive to such interference."
    echo
    echo "| Endpoint | server CPU | wrk CPU | other processes | server CPU per request |"
    echo "|---|---:|---:|---:|---:|"
    for name in "${NAMES[@]}"; do
        echo "| ${LABEL[$name]} | ${CPU_SRV[$name]} % | ${CPU_WRK[$name]} % | ${CPU_OTHER[$name]} % | ${US_PER_REQ[$name]} µs |"
    done
    echo
    echo "Before the runs: $QUIET_STATUS; load average $LOADAVG_BEFORE."
    echo
    echo "The home page is requested without cookies (\`Accept: text/html\`, \`Accept-Encoding: gzip\`), as a first visit:"
    echo "each answer also mints an anonymous CSRF cookie. The authenticated call resolves the token and the account's"
    echo "permissions on every request."
    echo
    echo "### Memory (VmRSS / VmHWM of the server process)"
    echo
    echo "| Moment | RSS | Peak RSS (VmHWM) | Threads |"
    echo "|---|---:|---:|---:|"
    echo "| Idle, 3 s after /readyz | ${IDLE_MIB} MiB (${IDLE_RSS_KB} kB) | $(mib "$IDLE_HWM_KB") MiB | ${IDLE_THREADS} |"
    echo "| After the three load runs | ${LOAD_MIB} MiB (${LOAD_RSS_KB} kB) | $(mib "$LOAD_HWM_KB") MiB | ${LOAD_THREADS} |"
    echo
    echo "### Targets (issue: 2 cores)"
    echo
    echo "| Target | Measured | Verdict |"
    echo "|---|---:|---|"
    echo "| \`/healthz\` ≥ 30,000 req/s | ${RPS[healthz]} req/s | $(verdict "${RPS[healthz]}" '>=' 30000) |"
    echo "| Home page ≥ 5,000 req/s | ${RPS[home]} req/s | $(verdict "${RPS[home]}" '>=' 5000) |"
    echo "| Idle RSS ≤ 50 MB | ${IDLE_MIB} MiB | $(verdict "$IDLE_RSS_KB" '<=' $((50 * 1000 * 1000 / 1024))) |"
    echo "| Authenticated API call (\`/api/v1/me\`) | ${RPS[me]} req/s | no target yet |"
    echo
    echo "The RSS target is checked against 50 MB = 50,000,000 bytes (48,828 kB), the stricter reading."
    echo
    echo "### Raw wrk output"
    for name in "${NAMES[@]}"; do
        echo
        echo "#### ${LABEL[$name]}"
        echo
        echo '```'
        cat "$WORK/wrk-$name.txt"
        echo '```'
    done
} >"$WORK/section.md"
write_section kernel "$WORK/section.md"
