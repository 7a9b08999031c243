#!/usr/bin/env bash
# Catalog tables benchmark: loading CSVs (100,000 and 1,000,000 rows) and filtered, paginated
# queries on the loaded table, side by side in one run with csvapi 2.2.0 (`/apify`, `/api/<hash>`)
# and sqlite-utils + datasette 0.65.5 on the same files, on the release build over loopback.
# Writes the "catalog-tables" section of bench/RESULTS.md. Never part of the test suite.
#
# Usage: bash bench/catalog-tables.sh
# Knobs: BENCH_TABLE_ROWS="100000 1000000" BENCH_DURATION=10s BENCH_CONNECTIONS=16 BENCH_SKIP_BUILD=1
#        BENCH_VENVS=~/.cache/communs-bench (where the peers' virtualenvs are made) BENCH_SKIP_PEERS=1
#        BENCH_CSVAPI_MAX_ROWS=1000000 (csvapi loads only files up to this many rows: ≈ 10 k rows/s)
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/communs"
WORK="$(mktemp -d /tmp/communs-bench-tables.XXXXXX)"
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
PIDS=()
cleanup() {
    stop_server
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
SIZES="${BENCH_TABLE_ROWS:-100000 1000000}"
DURATION="${BENCH_DURATION:-10s}"
CONNS="${BENCH_CONNECTIONS:-16}"
VENVS="${BENCH_VENVS:-$HOME/.cache/communs-bench}"
INVOCATION=""
CSVAPI_MAX="${BENCH_CSVAPI_MAX_ROWS:-1000000}"
for v in BENCH_TABLE_ROWS BENCH_DURATION BENCH_CONNECTIONS BENCH_SKIP_BUILD BENCH_SKIP_PEERS BENCH_CSVAPI_MAX_ROWS; do
    if [[ -n "${!v:-}" ]]; then INVOCATION+="$v=${!v} "; fi
done
INVOCATION+="bash bench/catalog-tables.sh"

if [[ "${BENCH_SKIP_BUILD:-}" != "1" ]]; then
    log "building the release binary"
    (cd "$ROOT" && cargo build --release -p communs) || die "cargo build --release failed"
fi
command -v wrk >/dev/null || { apt-get update && apt-get install -y wrk; } || die "wrk is required"

# ---- peers, installed once in virtualenvs (spec §2.3 for csvapi: Python 3.9, pinned extras) ----
CSVAPI="$VENVS/venv-csvapi/bin/csvapi"
SQLITE_UTILS="$VENVS/venv-datasette/bin/sqlite-utils"
DATASETTE="$VENVS/venv-datasette/bin/datasette"
if [[ "${BENCH_SKIP_PEERS:-}" != "1" ]]; then
    mkdir -p "$VENVS"
    if [[ ! -x "$CSVAPI" ]]; then
        log "installing csvapi 2.2.0 in $VENVS/venv-csvapi"
        (PYENV_VERSION=3.9.18 python3.9 -m venv "$VENVS/venv-csvapi" \
            && "$VENVS/venv-csvapi/bin/pip" install -q "setuptools<70" wheel \
            && "$VENVS/venv-csvapi/bin/pip" install -q csvapi==2.2.0 \
            && "$VENVS/venv-csvapi/bin/pip" install -q "werkzeug<2.3" "numpy<2" "flask<2.3" "pydantic<2") \
            || log "csvapi could not be installed: its figures are left out"
    fi
    if [[ ! -x "$DATASETTE" ]]; then
        log "installing datasette 0.65.5 and sqlite-utils in $VENVS/venv-datasette"
        (python3 -m venv "$VENVS/venv-datasette" && "$VENVS/venv-datasette/bin/pip" install -q datasette==0.65.5 sqlite-utils) \
            || log "datasette could not be installed: its figures are left out"
    fi
fi
HAVE_CSVAPI=0; [[ -x "$CSVAPI" ]] && command -v file >/dev/null && HAVE_CSVAPI=1
HAVE_DATASETTE=0; [[ -x "$DATASETTE" && -x "$SQLITE_UTILS" ]] && HAVE_DATASETTE=1

free_port() {
    local p="$1"
    while ! port_free "$p"; do p=$((p + 1)); done
    echo "$p"
}
wait_http() { # URL, seconds
    for _ in $(seq 1 $(($2 * 10))); do
        if curl -s -o /dev/null "$1"; then return 0; fi
        sleep 0.1
    done
    return 1
}
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "?" }'; }

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
# ---- the files, served over loopback HTTP as remote resources are ----
mkdir -p "$WORK/files"
for n in $SIZES; do
    python3 "$BENCH_DIR/catalog_tables_generate.py" "$n" "$WORK/files/t$n.csv"
done
FPORT="$(free_port 18470)"
(cd "$WORK/files" && exec python3 -m http.server "$FPORT" --bind 127.0.0.1) >"$WORK/files.log" 2>&1 &
PIDS+=($!)
FILES="http://127.0.0.1:$FPORT"
wait_http "$FILES/" 10 || die "the file server did not start"

declare -A LOAD_S LOAD_RPS HASH CSVAPI_S CSVAPI_RPS SU_S SU_RPS SIZE_MB

# ---- communs: /apify loads through the same loader as the catalog.load_table job ----
pick_port 18400
log "starting communs serve on $BASE (private URLs allowed for the loopback file server)"
COMMUNS_CATALOG_ALLOW_PRIVATE_URLS=1 COMMUNS_RATE_LIMIT_PER_IP=0 COMMUNS_RATE_LIMIT_PER_TOKEN=0 \
    "$BIN" serve --data-dir "$WORK/data" --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_ready "$WORK/server.log"
for n in $SIZES; do
    SIZE_MB[$n]="$(awk -v b="$(stat -c %s "$WORK/files/t$n.csv")" 'BEGIN { printf "%.1f", b / 1048576 }')"
    t0=$(now)
    out="$(curl -s --max-time 1800 "$BASE/apify?url=$FILES/t$n.csv")"
    t1=$(now)
    printf '%s' "$out" | grep -q '"ok":true' || die "communs /apify failed: $out"
    HASH[$n]="$(printf '%s' "$out" | sed 's/.*\/api\/\([0-9a-f]*\)".*/\1/')"
    LOAD_S[$n]="$(secs "$t0" "$t1")"
    LOAD_RPS[$n]="$(rate "$n" "${LOAD_S[$n]}")"
    log "communs: $n rows in ${LOAD_S[$n]} s (${LOAD_RPS[$n]} rows/s)"
done
OURS_BASE="$BASE"

# ---- csvapi ----
if [[ $HAVE_CSVAPI == 1 ]]; then
    CPORT="$(free_port 18480)"
    mkdir -p "$WORK/csvapi/dbs"
    cat >"$WORK/csvapi/config.py" <<EOF
DB_ROOT_DIR='$WORK/csvapi/dbs'; CSV_CACHE_ENABLED=True; MAX_WORKERS=3; DEBUG=False; SENTRY_DSN=None; FORCE_SSL=False
CSV_SNIFF_LIMIT=8192; MAX_FILE_SIZE=100*1024*1024; REFERRERS_FILTER=None; PANDAS_PROFILING_CONFIG_MIN=False
EOF
    CSVAPI_CONFIG_FILE="$WORK/csvapi/config.py" "$CSVAPI" serve -h 127.0.0.1 -p "$CPORT" --dbs "$WORK/csvapi/dbs" >"$WORK/csvapi.log" 2>&1 &
    PIDS+=($!)
    CSVAPI_BASE="http://127.0.0.1:$CPORT"
    wait_http "$CSVAPI_BASE/" 60 || { tail -20 "$WORK/csvapi.log" >&2; die "csvapi did not start"; }
    for n in $SIZES; do
        if [[ $n -gt $CSVAPI_MAX ]]; then CSVAPI_S[$n]="not run"; CSVAPI_RPS[$n]="–"; continue; fi
        t0=$(now)
        out="$(curl -s --max-time 1800 "$CSVAPI_BASE/apify?url=$FILES/t$n.csv")"
        t1=$(now)
        if printf '%s' "$out" | grep -q '"ok": *true'; then
            CSVAPI_S[$n]="$(secs "$t0" "$t1")"
            CSVAPI_RPS[$n]="$(rate "$n" "${CSVAPI_S[$n]}")"
            CSVAPI_HASH="$(printf '%s' "$out" | sed 's/.*\/api\/\([0-9a-f]*\)".*/\1/')"
            [[ "$n" == "$(echo "$SIZES" | awk '{ print $1 }')" ]] && CSVAPI_HASH_SMALL="$CSVAPI_HASH"
        else
            CSVAPI_S[$n]="failed"; CSVAPI_RPS[$n]="–"
            log "csvapi /apify failed on $n rows: $(printf '%s' "$out" | head -c 300)"
        fi
        log "csvapi: $n rows in ${CSVAPI_S[$n]} s"
    done
fi

# ---- sqlite-utils (type detection on, as we infer types) + datasette ----
if [[ $HAVE_DATASETTE == 1 ]]; then
    for n in $SIZES; do
        t0=$(now)
        "$SQLITE_UTILS" insert "$WORK/su$n.db" data "$WORK/files/t$n.csv" --csv >/dev/null
        t1=$(now)
        SU_S[$n]="$(secs "$t0" "$t1")"
        SU_RPS[$n]="$(rate "$n" "${SU_S[$n]}")"
        log "sqlite-utils: $n rows in ${SU_S[$n]} s"
    done
fi

# ---- queries on the smallest table: the same filters on every system ----
SMALL="$(echo "$SIZES" | awk '{ print $1 }')"
declare -a QNAMES=(page exact range)
declare -A QLABEL=(
    [page]="first page, 20 rows, exact total"
    [exact]="\`commune = 'Commune 1234'\` (indexed), 20 rows + total"
    [range]="\`population ≥ 150000\` sorted by population desc, 20 rows + total"
)
declare -A OURS_Q=(
    [page]="/api/${HASH[$SMALL]}?_size=20"
    [exact]="/api/${HASH[$SMALL]}?commune__exact=Commune%201234&_size=20"
    [range]="/api/${HASH[$SMALL]}?population__greater=150000&_sort_desc=population&_size=20"
)
declare -A RPS P50 P99
measure() { # key URL
    local key="$1" url="$2" code
    code="$(curl -s -o "$WORK/$key.out" -w '%{http_code}' "$url")"
    if [[ "$code" != 200 ]]; then log "$url answered $code"; RPS[$key]="–"; P50[$key]="–"; P99[$key]="–"; return; fi
    wrk -t2 -c"$CONNS" -d"$DURATION" --timeout 30s --latency "$url" >"$WORK/$key.wrk" 2>&1 || true
    RPS[$key]="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$WORK/$key.wrk")"
    P50[$key]="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$WORK/$key.wrk")")"
    P99[$key]="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/$key.wrk")")"
    log "$key: ${RPS[$key]} req/s, p50 ${P50[$key]} ms, p99 ${P99[$key]} ms"
}
# The api-tabular route of a resource runs the same query code; /api/<hash> needs no sign-in.
for q in "${QNAMES[@]}"; do measure "ours_$q" "$OURS_BASE${OURS_Q[$q]}"; done
OURS_TOTAL_EXACT="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$WORK/ours_exact.out")"
stop_server
if [[ $HAVE_CSVAPI == 1 && -n "${CSVAPI_HASH_SMALL:-}" ]]; then
    measure csvapi_page "$CSVAPI_BASE/api/$CSVAPI_HASH_SMALL?_size=20"
    measure csvapi_exact "$CSVAPI_BASE/api/$CSVAPI_HASH_SMALL?commune__exact=Commune%201234&_size=20"
    measure csvapi_range "$CSVAPI_BASE/api/$CSVAPI_HASH_SMALL?population__greater=150000&_sort_desc=population&_size=20"
fi
for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
if [[ $HAVE_DATASETTE == 1 ]]; then
    # Same indexes as ours on the filtered and sorted columns.
    "$SQLITE_UTILS" create-index "$WORK/su$SMALL.db" data commune >/dev/null
    "$SQLITE_UTILS" create-index "$WORK/su$SMALL.db" data population >/dev/null
    DPORT="$(free_port 18490)"
    "$DATASETTE" serve "$WORK/su$SMALL.db" -h 127.0.0.1 -p "$DPORT" >"$WORK/datasette.log" 2>&1 &
    PIDS+=($!)
    DS="http://127.0.0.1:$DPORT/su$SMALL/data.json"
    wait_http "$DS" 60 || die "datasette did not start"
    # Defaults: counts and suggested facets on.
    measure ds_page "$DS?_size=20"
    measure ds_exact "$DS?commune__exact=Commune+1234&_size=20"
    measure ds_range "$DS?population__gte=150000&_sort_desc=population&_size=20"
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.1f×", a / b; else print "–" }'; }
{
    echo "## Catalog: CSV tables (load and query) against csvapi and sqlite-utils + datasette"
    echo
    echo "Produced by \`$INVOCATION\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git -C "$ROOT" rev-parse --short HEAD)\`, $(nproc) CPUs, SQLite, release build."
    echo "Load average at the start: $LOAD_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other processes on the same CPUs slow every system, the single-threaded Python peers most)."
    echo
    echo "Files: \`bench/catalog_tables_generate.py\` (id, code_commune with leading zeros, commune, population, valeur"
    echo "with a decimal point, ISO date; comma-separated), served over loopback HTTP by \`python3 -m http.server\`."
    echo "communs loads through \`GET /apify?url=\` (the same loader as the \`catalog.load_table\` job of resources):"
    echo "download, encoding check over the whole file, sniffing, type inference and profile over every row, typed"
    echo "table in 20,000-row transactions, then one index per column; timed by curl until the answer. csvapi 2.2.0"
    echo "\`/apify\` (agate, no analysis), timed the same way. sqlite-utils \`insert --csv\` (version 4 detects types by default) reads the"
    echo "local file (no download, no index)."
    echo
    echo "### Loading"
    echo
    echo "| Rows | CSV (MiB) | communs (s) | communs rows/s | csvapi (s) | csvapi rows/s | sqlite-utils (s) | sqlite-utils rows/s | communs ÷ csvapi | communs ÷ sqlite-utils |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for n in $SIZES; do
        echo "| $n | ${SIZE_MB[$n]} | ${LOAD_S[$n]} | ${LOAD_RPS[$n]} | ${CSVAPI_S[$n]:-–} | ${CSVAPI_RPS[$n]:-–} | ${SU_S[$n]:-–} | ${SU_RPS[$n]:-–} | $(ratio "${LOAD_RPS[$n]}" "${CSVAPI_RPS[$n]:-0}") | $(ratio "${LOAD_RPS[$n]}" "${SU_RPS[$n]:-0}") |"
    done
    echo
    echo "### Filtered, paginated queries on the $SMALL-row table"
    echo
    echo "wrk \`-t2 -c$CONNS -d$DURATION\` on the same two cores as the server, one system running at a time. communs:"
    echo "csvapi's \`/api/<hash>\` on our table (exact totals, the stored row count when nothing filters); csvapi: the"
    echo "same URLs; datasette 0.65.5 \`data.json\` with its defaults (count and suggested facets on), indexes on"
    echo "\`commune\` and \`population\` as ours. \`commune = 'Commune 1234'\` matches $OURS_TOTAL_EXACT rows."
    echo
    echo "| Query | communs req/s | p50 / p99 (ms) | csvapi req/s | p50 / p99 (ms) | datasette req/s | p50 / p99 (ms) | ÷ csvapi | ÷ datasette |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for q in "${QNAMES[@]}"; do
        echo "| ${QLABEL[$q]} | ${RPS[ours_$q]} | ${P50[ours_$q]} / ${P99[ours_$q]} | ${RPS[csvapi_$q]:-–} | ${P50[csvapi_$q]:-–} / ${P99[csvapi_$q]:-–} | ${RPS[ds_$q]:-–} | ${P50[ds_$q]:-–} / ${P99[ds_$q]:-–} | $(ratio "${RPS[ours_$q]}" "${RPS[csvapi_$q]:-0}") | $(ratio "${RPS[ours_$q]}" "${RPS[ds_$q]:-0}") |"
    done
    echo
    big="$(echo "$SIZES" | awk '{ print $NF }')"
    echo "Targets (issue): load ≥ 20× csvapi — $(ratio "${LOAD_RPS[$big]}" "${CSVAPI_RPS[$big]:-0}") on $big rows,"
    echo "$(ratio "${LOAD_RPS[$SMALL]}" "${CSVAPI_RPS[$SMALL]:-0}") on $SMALL rows; queries ≥ 20× datasette with counts on — worst"
    echo "ratio $(for q in "${QNAMES[@]}"; do ratio "${RPS[ours_$q]}" "${RPS[ds_$q]:-0}"; echo; done | sort -n | head -1)."
} >"$WORK/section.md"
cat "$WORK/section.md" >&2
write_section catalog-tables "$WORK/section.md"
