# Shared by the benchmark harnesses (sourced): logging, the server on demo data, an API token,
# wrk number parsing, and writing one harness's section of bench/RESULTS.md.
# Needs ROOT, BIN and WORK set by the caller.

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

SERVER_PID=""
stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -INT "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Sets PORT (BENCH_PORT or the first free port from $1) and BASE.
pick_port() {
    if [[ -n "${BENCH_PORT:-}" ]]; then
        PORT="$BENCH_PORT"
        port_free "$PORT" || die "port $PORT is taken"
    else
        PORT="$1"
        while ! port_free "$PORT"; do PORT=$((PORT + 1)); [[ $PORT -lt $(($1 + 120)) ]] || die "no free port from $1"; done
    fi
    BASE="http://127.0.0.1:$PORT"
}

wait_ready() { # $1: the starting process's log
    for i in $(seq 1 600); do
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$1" >&2; die "the server exited during start-up"; }
        if [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" || true)" == "200" ]]; then return; fi
        [[ $i -lt 600 ]] || die "/readyz did not answer 200 within 60 s"
        sleep 0.1
    done
}

# Demo data is loaded by a first `communs demo` (no multi-year weather history:
# COMMUNS_DEMO_WEATHER_YEARS=0), then the measured server is a fresh `communs serve` on that data,
# with rate limits off (all load comes from one loopback address).
start_demo_then_serve() {
    log "loading demo data with communs demo (data in $WORK/data)"
    COMMUNS_DEMO_WEATHER_YEARS=0 "$BIN" demo --data-dir "$WORK/data" --bind "127.0.0.1:$PORT" >"$WORK/demo.log" 2>&1 &
    SERVER_PID=$!
    wait_ready "$WORK/demo.log"
    stop_server
    log "starting communs serve on $BASE"
    COMMUNS_RATE_LIMIT_PER_IP=0 COMMUNS_RATE_LIMIT_PER_TOKEN=0 \
        "$BIN" serve --data-dir "$WORK/data" --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    wait_ready "$WORK/server.log"
    log "ready; pid $SERVER_PID"
}

# Signs in as the demo administrator as a browser does, then creates an API token: sets TOKEN.
get_token() {
    local jar="$WORK/cookies.txt" anon session json
    meta_csrf() { grep -o '<meta name="csrf-token" content="[^"]*"' | head -n1 | sed 's/.*content="\([^"]*\)"/\1/'; }
    anon="$(curl -sf -c "$jar" -b "$jar" -H 'Accept: text/html' "$BASE/login" | meta_csrf)"
    [[ -n "$anon" ]] || die "no csrf-token meta on /login"
    curl -sf -L -o /dev/null -c "$jar" -b "$jar" -H 'Accept: text/html' \
        --data-urlencode 'email=admin@communs.test' --data-urlencode 'password=communs-demo' \
        --data-urlencode "_csrf=$anon" "$BASE/login" || die "POST /login failed"
    grep -q 'communs_session' "$jar" || die "login did not set communs_session (wrong demo credentials?)"
    session="$(curl -sf -c "$jar" -b "$jar" -H 'Accept: text/html' "$BASE/account" | meta_csrf)"
    [[ -n "$session" ]] || die "no csrf-token meta on /account"
    json="$(curl -sf -c "$jar" -b "$jar" -X POST -H 'Content-Type: application/json' \
        -H "X-CSRF-Token: $session" -d '{"name":"bench","scopes":["*"]}' "$BASE/api/v1/me/tokens")" \
        || die "POST /api/v1/me/tokens failed"
    TOKEN="$(printf '%s' "$json" | grep -o '"token"[[:space:]]*:[[:space:]]*"[^"]*"' | head -n1 | sed 's/.*"\([^"]*\)"$/\1/')"
    [[ -n "$TOKEN" ]] || die "no token in the answer: $json"
    log "API token obtained"
}

# wrk prints latencies as 123.45us / 1.23ms / 1.02s / 1.00m: normalise to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v; sub(/[a-z]+$/, "", n); u = v; sub(/^[0-9.]+/, "", u);
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1;
        if (f < 0) { print "?"; exit } printf "%.2f", n * f }'
}

# Replaces (or appends) the section NAME of RESULTS.md with the content of FILE, between
# `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`: each harness owns its section.
write_section() {
    local name="$1" file="$2" out="${BENCH_OUT:-$ROOT/bench/RESULTS.md}"
    [[ -f "$out" ]] || printf '# Communs benchmark results\n\nEach section is written by the harness it names; re-run it rather than editing by hand.\n' >"$out"
    python3 - "$out" "$name" "$file" <<'PY'
import sys
out, name, part = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().rstrip("\n")
text = open(out).read()
begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
block = f"{begin}\n{part}\n{end}"
if begin in text and end in text:
    head, rest = text.split(begin, 1)
    text = head + block + rest.split(end, 1)[1]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(out, "w").write(text)
PY
    log "wrote section $name of $out"
}

# CPU accounting shared by the harnesses: the machine's busy ticks from /proc/stat, and a bounded
# wait (BENCH_QUIET_WAIT seconds, 180 by default, 0: no wait) until other work leaves the CPUs
# idle, which sets QUIET_STATUS for the results.
CLK_TCK="$(getconf CLK_TCK)"
NCPU="$(nproc)"
machine_busy() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
busy_share() { # percent of the machine busy over 2 s
    local a b; a="$(machine_busy)"; sleep 2; b="$(machine_busy)"
    awk -v a="$a" -v b="$b" -v hz="$CLK_TCK" -v n="$NCPU" 'BEGIN { printf "%.0f", (b - a) / hz / 2 / n * 100 }'
}
quiet_wait() {
    local waited=0 share limit="${BENCH_QUIET_WAIT:-180}"
    if [[ "$limit" -le 0 ]]; then QUIET_STATUS="not checked (BENCH_QUIET_WAIT=0)"; return; fi
    while :; do
        share="$(busy_share)"; waited=$((waited + 2))
        if [[ "$share" -le 10 ]]; then QUIET_STATUS="machine ${share} % busy before the runs (waited ${waited} s)"; return; fi
        if [[ "$waited" -ge "$limit" ]]; then
            QUIET_STATUS="**machine still ${share} % busy after waiting ${waited} s: figures disturbed by other processes**"
            log "warning: the machine is ${share}% busy with other work; measuring anyway"; return
        fi
        [[ $((waited % 20)) -eq 0 ]] && log "machine ${share}% busy with other work; waiting for quiet (${waited}/${limit} s)"
    done
}
