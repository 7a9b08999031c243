#!/usr/bin/env bash
# Weather benchmark (issue 3), side by side in one run, on the release build:
#   1. ingest of Météo-France hourly files: `communs weather import` into SQLite and PostgreSQL,
#      against PostgreSQL COPY of the same values into a plain table with a primary key;
#   2. bytes per stored value on each backend, against that plain table;
#   3. chart query (a year of hourly values → 1,000 points) and the map's latest values;
#   4. EDR position query against pygeoapi (gunicorn as its Docker image runs it) serving the same
#      station's observations from its SQLite provider (SpatiaLite, indexed) and its CSV provider;
#   5. a large load (BENCH_WEATHER_VALUES, 100 million by default) into SQLite: load time, file
#      size, chart/records/normals query times.
# Writes the "weather" section of bench/RESULTS.md. Never part of the test suite.
#
# Usage: bash bench/weather.sh
# Knobs: BENCH_WEATHER_STATIONS=10 BENCH_WEATHER_YEARS=5 BENCH_WEATHER_VALUES=100000000 (0: skip the
# large load) BENCH_DURATION=10s BENCH_CONNECTIONS=8 BENCH_SKIP_BUILD=1 BENCH_PORT=…
# BENCH_QUIET_WAIT=180 (seconds to wait at most for the other processes to leave the CPUs idle; 0: don't)
# BENCH_PYGEOAPI_WORKERS=4 (gunicorn workers, the default of pygeoapi's Docker image)
# Every timed step records the CPU of the measured processes and of every other process (other
# sessions' builds share these two cores), as bench/run.sh does.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/communs"
WORK="$(mktemp -d /tmp/communs-bench-weather.XXXXXX)"
chmod 755 "$WORK"
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
DESCRIPTION="$ROOT/../shared/data/meteo-france/donnees-horaires/H_descriptif_champs.csv"
[[ -f "$DESCRIPTION" ]] || die "the field description $DESCRIPTION is needed to write files in the real format"
STATIONS="${BENCH_WEATHER_STATIONS:-10}"
YEARS="${BENCH_WEATHER_YEARS:-5}"
BIG="${BENCH_WEATHER_VALUES:-100000000}"
DURATION="${BENCH_DURATION:-10s}"
CONNS="${BENCH_CONNECTIONS:-8}"
PARAMS="T,TN,TX,RR1,U,FF,DD,PMER"
FIRST_YEAR=2020
INVOCATION=""
PY_WORKERS="${BENCH_PYGEOAPI_WORKERS:-4}"
for v in BENCH_WEATHER_STATIONS BENCH_WEATHER_YEARS BENCH_WEATHER_VALUES BENCH_DURATION BENCH_CONNECTIONS BENCH_SKIP_BUILD BENCH_PORT BENCH_QUIET_WAIT BENCH_PYGEOAPI_WORKERS CARGO_TARGET_DIR; do
    if [[ -n "${!v:-}" ]]; then INVOCATION+="$v=${!v} "; fi
done
INVOCATION+="bash bench/weather.sh"

PG_BIN="$(dirname "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | sort | tail -1)")"
PGDIR="$WORK/pg"
PGSOCK="$WORK/pgsock"
PGPORT=55432
as_pg() { if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_pg() { [[ -d "$PGDIR/data" ]] && as_pg "$PG_BIN/pg_ctl" stop -D "$PGDIR/data" -m fast >/dev/null 2>&1 || true; }
PYGEOAPI_PID=""
cleanup() {
    stop_server
    [[ -n "$PYGEOAPI_PID" ]] && kill "$PYGEOAPI_PID" 2>/dev/null || true
    stop_pg
    rm -rf "$WORK"
}
trap cleanup EXIT

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
now() { date +%s.%N; }
# CPU accounting of a timed step (as bench/run.sh): the machine's busy time from /proc/stat, the
# measured servers' from /proc/<pid>/stat (SERVED: PostgreSQL's postmaster, communs serve, gunicorn's
# master; each with its children, living or reaped), the client's from bash `time`. "Other" is the rest:
# other sessions' builds and tests.
TIMEFORMAT='%3U %3S'
tree_ticks() { # utime+stime of $1 and of its children, plus what its reaped children used
    local pid="$1" kids
    kids="$(cat /proc/"$pid"/task/*/children 2>/dev/null || true)"
    { cat "/proc/$pid/stat" 2>/dev/null; for c in $kids; do cat "/proc/$c/stat" 2>/dev/null || true; done; } \
        | sed 's/^.*) //' | awk 'NR == 1 { s += $12 + $13 + $14 + $15; next } { s += $12 + $13 } END { print s + 0 }'
}
SERVED=()
served_ticks() { local s=0 p; for p in "${SERVED[@]}"; do s=$((s + $(tree_ticks "$p"))); done; echo "$s"; }
declare -A CPU_OWN CPU_OTHER
acct_start() { A_BUSY="$(machine_busy)"; A_SRV="$(served_ticks)"; A_T="$(now)"; }
acct_stop() { # $1: step key; $2: file written by `time` around the client (absent: no client)
    local busy srv t client=0 r
    busy="$(machine_busy)"; srv="$(served_ticks)"; t="$(now)"
    [[ -n "${2:-}" && -f "$2" ]] && client="$(awk 'NF == 2 && $1 ~ /^[0-9.]+$/ { c = $1 + $2 } END { print c + 0 }' "$2")"
    r="$(awk -v b0="$A_BUSY" -v b1="$busy" -v s0="$A_SRV" -v s1="$srv" -v c="$client" -v t0="$A_T" -v t1="$t" -v hz="$CLK_TCK" -v n="$NCPU" \
        'BEGIN { w = t1 - t0; own = (s1 - s0) / hz + c; other = (b1 - b0) / hz - own; if (other < 0) other = 0;
                 printf "%.0f %.0f", own / w / n * 100, other / w / n * 100 }')"
    CPU_OWN[$1]="${r% *}"; CPU_OTHER[$1]="${r#* }"
}
pg_master() { head -n1 "$PGDIR/data/postmaster.pid"; }

# Wait (bounded) until the rest of the machine is quiet.

if [[ "${BENCH_SKIP_BUILD:-}" != "1" ]]; then
    log "building the release binary"
    (cd "$ROOT" && cargo build --release -p communs) || die "cargo build --release failed"
fi
command -v wrk >/dev/null || { apt-get update && apt-get install -y wrk; } || die "wrk is required"

# ---------------------------------------------------------------- files
log "generating $STATIONS stations × $YEARS years of hourly files ($PARAMS)"
VALUES="$(python3 "$BENCH_DIR/weather_generate.py" "$DESCRIPTION" "$WORK/h" "$STATIONS" "$FIRST_YEAR" "$YEARS" "$PARAMS" --flat "$WORK/flat.csv")"
FILES_MB="$(du -sm "$WORK/h" | cut -f1)"
COLUMNS_N="$(head -1 "$(ls "$WORK"/h/*.csv | head -1)" | tr ';' '\n' | wc -l)"
log "$VALUES values in $FILES_MB MiB of CSV"

# ---------------------------------------------------------------- PostgreSQL
log "starting a PostgreSQL cluster in $PGDIR"
mkdir -p "$PGDIR" "$PGSOCK"
[[ "$(id -u)" == 0 ]] && chown postgres:postgres "$PGDIR" "$PGSOCK"
as_pg "$PG_BIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PG_BIN/pg_ctl" start -w -D "$PGDIR/data" -l "$PGDIR/pg.log" -o "-k $PGSOCK -p $PGPORT -c listen_addresses=''" >/dev/null
PSQL=(psql -h "$PGSOCK" -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
"${PSQL[@]}" -c "CREATE DATABASE communs" -c "CREATE DATABASE anchor"
PG_URL="postgres://postgres@localhost/communs?host=$PGSOCK&port=$PGPORT"
PG_VERSION="$("${PSQL[@]}" -c 'SHOW server_version')"

# ---------------------------------------------------------------- 1. ingest
quiet_wait
LOADAVG_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
log "$QUIET_STATUS; load average $LOADAVG_BEFORE"
import_run() { # $1 label, then the communs arguments
    local label="$1"; shift
    local t0 t1
    acct_start; t0="$(now)"
    { time "$BIN" weather import --format mf "$@" "$WORK"/h/*.csv >"$WORK/$label.out" 2>"$WORK/$label.err"; } 2>"$WORK/$label.time" || { tail "$WORK/$label.err"; die "import into $label failed"; }
    t1="$(now)"; acct_stop "import-$label" "$WORK/$label.time"
    local added
    added="$(python3 -c 'import json,sys; print(sum(json.loads(l)["values_added"] for l in open(sys.argv[1]) if l.strip()))' "$WORK/$label.out")"
    [[ "$added" == "$VALUES" ]] || die "$label: $added values added, $VALUES expected"
    IMPORT_S[$label]="$(seconds "$t0" "$t1")"
    log "$label: $VALUES values in ${IMPORT_S[$label]} s (CPU: measured ${CPU_OWN[import-$label]} %, other processes ${CPU_OTHER[import-$label]} %)"
}
declare -A IMPORT_S
mkdir -p "$WORK/sqlite"
SERVED=()
import_run sqlite --data-dir "$WORK/sqlite"
SERVED=("$(pg_master)")
import_run postgres --data-dir "$WORK/pgfiles" --database-url "$PG_URL"
SERVED=()
# Twice: importing the same files again must change nothing.
"$BIN" weather import --format mf --data-dir "$WORK/sqlite" "$WORK"/h/*.csv >"$WORK/again.out" 2>/dev/null
AGAIN_ADDED="$(python3 -c 'import json,sys; print(sum(json.loads(l)["values_added"] for l in open(sys.argv[1]) if l.strip()))' "$WORK/again.out")"

log "anchor: COPY into a plain table with a primary key"
"${PSQL[@]}" -d anchor -c "CREATE TABLE obs (station INTEGER NOT NULL, param SMALLINT NOT NULL, t BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL, quality SMALLINT, PRIMARY KEY (station, param, t))"
SERVED=("$(pg_master)")
acct_start; t0="$(now)"
{ time "${PSQL[@]}" -d anchor -c "\\copy obs FROM '$WORK/flat.csv' WITH (FORMAT csv, DELIMITER ';')"; } 2>"$WORK/copy.time"
t1="$(now)"; acct_stop import-copy "$WORK/copy.time"
SERVED=()
IMPORT_S[copy]="$(seconds "$t0" "$t1")"
log "copy: ${IMPORT_S[copy]} s (CPU: measured ${CPU_OWN[import-copy]} %, other processes ${CPU_OTHER[import-copy]} %)"
rate() { awk -v n="$VALUES" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }

# ---------------------------------------------------------------- 2. bytes per value
SQLITE_DB="$WORK/sqlite/communs.db"
[[ -f "$SQLITE_DB" ]] || die "no SQLite database at $SQLITE_DB"
read -r SQLITE_BLOCKS SQLITE_WEATHER < <(python3 - "$SQLITE_DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = dict(c.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
blocks = rows.get("weather_blocks", 0)
weather = sum(v for k, v in rows.items() if k.startswith("weather_") or k.startswith("sqlite_autoindex_weather_"))
print(blocks, weather)
PY
)
PG_BLOCKS="$("${PSQL[@]}" -d communs -c "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c WHERE c.relkind = 'r' AND c.relname LIKE 'weather\\_blocks%'")"
PG_WEATHER="$("${PSQL[@]}" -d communs -c "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public' AND c.relname LIKE 'weather\\_%'")"
ANCHOR_BYTES="$("${PSQL[@]}" -d anchor -c "SELECT pg_total_relation_size('obs')")"
per() { awk -v b="$1" -v n="$VALUES" 'BEGIN { printf "%.2f", b / n }'; }

# ---------------------------------------------------------------- 3. chart and latest
pick_port 18400
log "serving the SQLite data on $BASE"
COMMUNS_RATE_LIMIT_PER_IP=0 COMMUNS_RATE_LIMIT_PER_TOKEN=0 "$BIN" serve --data-dir "$WORK/sqlite" --bind "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_ready "$WORK/server.log"
STATION_JSON="$(curl -sf "$BASE/api/v1/weather/stations?page_size=1")"
SID="$(printf '%s' "$STATION_JSON" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')"
SLON="$(printf '%s' "$STATION_JSON" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["lon"])')"
SLAT="$(printf '%s' "$STATION_JSON" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["lat"])')"
SCODE="$(printf '%s' "$STATION_JSON" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["code"])')"
LAST_YEAR=$((FIRST_YEAR + YEARS - 1))

declare -A SEQ_P50 SEQ_P99 RPS P50 P99 BODY_BYTES
measure() { # $1 name, $2 url, $3 sequential requests (200)
    local name="$1" url="$2" n="${3:-200}" code
    code="$(curl -s -o "$WORK/$name.body" -w '%{http_code}' "$url")"
    [[ "$code" == 200 ]] || die "$url answered $code: $(head -c 300 "$WORK/$name.body")"
    BODY_BYTES[$name]="$(wc -c <"$WORK/$name.body" | tr -d ' ')"
    acct_start
    { time (for _ in $(seq 1 "$n"); do curl -s -o /dev/null -w '%{time_total}\n' "$url"; done | sort -n >"$WORK/$name.seq"); } 2>"$WORK/$name.seqtime"
    acct_stop "seq-$name" "$WORK/$name.seqtime"
    SEQ_P50[$name]="$(awk '{ a[NR] = $1 } END { printf "%.2f", a[int(NR * 0.5)] * 1000 }' "$WORK/$name.seq")"
    SEQ_P99[$name]="$(awk '{ a[NR] = $1 } END { printf "%.2f", a[int(NR * 0.99)] * 1000 }' "$WORK/$name.seq")"
    acct_start
    { time wrk -t2 -c"$CONNS" -d"$DURATION" --latency "$url" >"$WORK/$name.wrk"; } 2>"$WORK/$name.wrktime"
    acct_stop "wrk-$name" "$WORK/$name.wrktime"
    RPS[$name]="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$WORK/$name.wrk")"
    P50[$name]="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$WORK/$name.wrk")")"
    P99[$name]="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/$name.wrk")")"
    if grep -q 'Non-2xx' "$WORK/$name.wrk"; then die "$name: wrk saw non-2xx answers"; fi
    log "$name: sequential p50 ${SEQ_P50[$name]} ms p99 ${SEQ_P99[$name]} ms (other processes ${CPU_OTHER[seq-$name]} %); wrk ${RPS[$name]} req/s (server+wrk ${CPU_OWN[wrk-$name]} %, other processes ${CPU_OTHER[wrk-$name]} %)"
}
SERVED=("$SERVER_PID")
CHART_URL="$BASE/api/v1/weather/stations/$SID/series?param=T&from=$LAST_YEAR-01-01&to=$LAST_YEAR-12-31&points=1000"
measure chart "$CHART_URL"
CHART_POINTS="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["t"]))' "$WORK/chart.body")"
measure latest "$BASE/api/v1/weather/latest?param=T"
LATEST_N="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["features"]) if isinstance(d, dict) and "features" in d else len(d["data"]) if isinstance(d, dict) and "data" in d else len(d))' "$WORK/latest.body")"
EDR_QS="coords=POINT($SLON%20$SLAT)&parameter-name=T&datetime=$LAST_YEAR-01-01T00:00:00Z/$LAST_YEAR-01-31T23:00:00Z"
measure edr "$BASE/ogc/collections/observations/position?$EDR_QS"
EDR_VALUES="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(r["values"]) for r in d["ranges"].values()))' "$WORK/edr.body")"
[[ "$EDR_VALUES" == 744 ]] || die "the EDR position query answered $EDR_VALUES values, not January's 744"
SERVED=()
stop_server

# ---------------------------------------------------------------- 4. pygeoapi
# A Python whose sqlite3 loads extensions (Debian's; pyenv builds often cannot) and mod_spatialite,
# which pygeoapi's SQLite provider loads.
VENV="$HOME/.cache/communs-bench/venv-pygeoapi-sysqlite"
if ! /usr/bin/python3 -c 'import sqlite3; sqlite3.connect(":memory:").enable_load_extension(True)' 2>/dev/null; then
    die "/usr/bin/python3 cannot load SQLite extensions (pygeoapi's SQLite provider needs it)"
fi
if ! ls /usr/lib/*/mod_spatialite.so >/dev/null 2>&1; then
    log "installing libsqlite3-mod-spatialite"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libsqlite3-mod-spatialite; } >"$WORK/apt.log" 2>&1 \
        || { tail "$WORK/apt.log"; die "cannot install libsqlite3-mod-spatialite"; }
fi
if [[ ! -x "$VENV/bin/gunicorn" ]] || ! "$VENV/bin/python" -c 'import gevent, packaging, pygeoapi' 2>/dev/null; then
    log "installing pygeoapi, gunicorn, gevent in $VENV"
    /usr/bin/python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q pygeoapi==0.21.0 gunicorn gevent packaging >"$WORK/pygeoapi-install.log" 2>&1 || { tail "$WORK/pygeoapi-install.log"; die "pygeoapi install failed"; }
fi
PYGEOAPI_VERSION="$("$VENV/bin/python" -c 'import pygeoapi; print(pygeoapi.__version__)')"
GUNICORN_VERSION="$("$VENV/bin/python" -c 'import gunicorn; print(gunicorn.__version__)')"
log "building pygeoapi's SQLite data (every value of every station, SpatiaLite)"
PY_SQLITE_ROWS="$(/usr/bin/python3 "$BENCH_DIR/weather_spatialite.py" "$WORK/flat.csv" "$WORK/obs.sqlite" "$PARAMS")"
[[ "$PY_SQLITE_ROWS" == "$VALUES" ]] || die "the SpatiaLite table holds $PY_SQLITE_ROWS rows, $VALUES expected"
# The CSV provider reads its whole file at each request: it gets T of every station for one year.
python3 - "$WORK/flat.csv" "$WORK/obs.csv" "$LAST_YEAR" <<'PY'
import calendar, csv, datetime, sys
flat, out, year = sys.argv[1], sys.argv[2], int(sys.argv[3])
places = {}
for line in open(flat + ".stations"):
    i, num, lon, lat = line.rstrip("\n").split(";")
    places[i] = (num, lon, lat)
lo = calendar.timegm((year, 1, 1, 0, 0, 0)) // 60
hi = calendar.timegm((year + 1, 1, 1, 0, 0, 0)) // 60
epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
with open(flat) as f, open(out, "w", newline="") as o:
    w = csv.writer(o)
    w.writerow(["id", "station", "time", "value", "lon", "lat"])
    n = 0
    for line in f:
        s, p, t, v, _ = line.rstrip("\n").split(";")
        t = int(t)
        if p != "1" or not lo <= t < hi:
            continue
        num, lon, lat = places[s]
        n += 1
        w.writerow([n, num, (epoch + datetime.timedelta(minutes=t)).strftime("%Y-%m-%dT%H:%M:%SZ"), v, lon, lat])
PY
OBS_ROWS=$(($(wc -l <"$WORK/obs.csv") - 1))
pygeoapi_config() { # $1 provider block
    cat <<YML
server:
  bind: {host: 127.0.0.1, port: 0}
  url: http://127.0.0.1
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  limits: {default_items: 10, max_items: 10000}
  map: {url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png", attribution: OSM}
logging: {level: ERROR}
metadata:
  identification: {title: bench, description: bench, keywords: [bench], keywords_type: theme, terms_of_service: none, url: http://127.0.0.1}
  license: {name: CC-BY 4.0, url: https://creativecommons.org/licenses/by/4.0/}
  provider: {name: bench, url: http://127.0.0.1}
  contact: {name: bench}
resources:
  observations:
    type: collection
    title: observations
    description: hourly observations of the bench stations
    keywords: [weather]
    extents:
      spatial: {bbox: [-180, -90, 180, 90], crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84}
    providers:
$1
YML
}
# As pygeoapi's Docker image runs it (docker/entrypoint.sh): gunicorn, WSGI_WORKERS=4, gevent workers, the Flask app.
start_pygeoapi() { # $1 name
    local cfg="$WORK/pygeoapi-$1.yml"
    PYGEOAPI_CONFIG="$cfg" "$VENV/bin/pygeoapi" openapi generate "$cfg" --output-file "$WORK/pygeoapi-$1-openapi.yml" >"$WORK/pygeoapi-$1-openapi.log" 2>&1 \
        || { tail "$WORK/pygeoapi-$1-openapi.log"; die "pygeoapi openapi generate failed"; }
    pick_port 18500
    PY_BASE="$BASE"
    PYGEOAPI_CONFIG="$cfg" PYGEOAPI_OPENAPI="$WORK/pygeoapi-$1-openapi.yml" \
        "$VENV/bin/gunicorn" --workers "$PY_WORKERS" --worker-class gevent --timeout 600 -b "127.0.0.1:$PORT" pygeoapi.flask_app:APP >"$WORK/pygeoapi-$1.log" 2>&1 &
    PYGEOAPI_PID=$!
    for _ in $(seq 1 150); do curl -sf -o /dev/null "$PY_BASE/collections/observations" && return; sleep 0.2; done
    tail "$WORK/pygeoapi-$1.log"; die "pygeoapi ($1) did not start"
}
stop_pygeoapi() {
    kill "$PYGEOAPI_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$PYGEOAPI_PID" 2>/dev/null || break; sleep 0.1; done
    wait "$PYGEOAPI_PID" 2>/dev/null || true
    PYGEOAPI_PID=""
}
check_january() { # $1 name: the answer holds the 744 hours of January of the station, T
    local got
    got="$(python3 - "$WORK/$1.body" "$SCODE" "$LAST_YEAR" <<'PY'
import json, sys
feats = json.load(open(sys.argv[1]))["features"]
times = sorted(f["properties"]["time"] for f in feats)
ok = all(str(f["properties"]["station"]) == sys.argv[2] and f["properties"]["time"].startswith(sys.argv[3] + "-01-") for f in feats)
print(len(set(times)) if ok else "mismatch")
PY
)"
    [[ "$got" == 744 ]] || die "pygeoapi ($1) did not answer the station's January: $got"
}
pygeoapi_config "      - type: feature
        name: SQLiteGPKG
        data: $WORK/obs.sqlite
        id_field: id
        table: obs" >"$WORK/pygeoapi-sqlite.yml"
start_pygeoapi sqlite
SERVED=("$PYGEOAPI_PID")
measure pygeoapi_sqlite "$PY_BASE/collections/observations/items?station=$SCODE&param=T&month=$LAST_YEAR-01&limit=744&f=json"
check_january pygeoapi_sqlite
SERVED=()
stop_pygeoapi
pygeoapi_config "      - type: feature
        name: CSV
        data: $WORK/obs.csv
        id_field: id
        time_field: time
        geometry: {x_field: lon, y_field: lat}" >"$WORK/pygeoapi-csv.yml"
start_pygeoapi csv
SERVED=("$PYGEOAPI_PID")
# It filters on properties but not on time: the file is in time order, so the first 744 features of
# the station are its January (checked).
measure pygeoapi_csv "$PY_BASE/collections/observations/items?station=$SCODE&limit=744&f=json" 50
check_january pygeoapi_csv
SERVED=()
stop_pygeoapi

# ---------------------------------------------------------------- 5. large load
BIG_DONE=""
if [[ "$BIG" -gt 0 ]]; then
    rm -rf "$WORK/h" "$WORK/pg" "$WORK/pgfiles" "$WORK/obs.sqlite" "$WORK/obs.csv" "$WORK/flat.csv"
    stop_pg
    # 8 values an hour a station: stations × 30 years (1991–2020, the normals' period).
    BIG_STATIONS=$(( (BIG + 8 * 262968 - 1) / (8 * 262968) ))
    log "large load: generating $BIG_STATIONS stations × 30 years (two processes)"
    half=$((BIG_STATIONS / 2))
    python3 "$BENCH_DIR/weather_generate.py" "$DESCRIPTION" "$WORK/big" "0:$half" 1991 30 "$PARAMS" >"$WORK/big1.n" &
    g1=$!
    python3 "$BENCH_DIR/weather_generate.py" "$DESCRIPTION" "$WORK/big" "$half:$BIG_STATIONS" 1991 30 "$PARAMS" >"$WORK/big2.n"
    wait "$g1"
    BIG_VALUES=$(( $(cat "$WORK/big1.n") + $(cat "$WORK/big2.n") ))
    BIG_CSV_MB="$(du -sm "$WORK/big" | cut -f1)"
    log "large load: importing $BIG_VALUES values ($BIG_CSV_MB MiB of CSV)"
    mkdir -p "$WORK/bigdb"
    BIG_LOADAVG_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
    acct_start; t0="$(now)"
    { time "$BIN" weather import --format mf --data-dir "$WORK/bigdb" "$WORK"/big/*.csv >"$WORK/big.out" 2>"$WORK/big.err"; } 2>"$WORK/big.time" || { tail "$WORK/big.err"; die "large import failed"; }
    t1="$(now)"; acct_stop big-import "$WORK/big.time"
    BIG_S="$(seconds "$t0" "$t1")"
    BIG_ADDED="$(python3 -c 'import json,sys; print(sum(json.loads(l)["values_added"] for l in open(sys.argv[1]) if l.strip()))' "$WORK/big.out")"
    [[ "$BIG_ADDED" == "$BIG_VALUES" ]] || die "large load: $BIG_ADDED added, $BIG_VALUES expected"
    log "large load: ${BIG_S} s (CPU: communs ${CPU_OWN[big-import]} %, other processes ${CPU_OTHER[big-import]} %)"
    rm -rf "$WORK/big"
    BIG_DB="$WORK/bigdb/communs.db"
    BIG_BYTES="$(du -cb "$BIG_DB"* | tail -1 | cut -f1)"
    BIG_WEATHER_BYTES="$(python3 - "$BIG_DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(sum(v for k, v in c.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name") if k.startswith("weather_") or k.startswith("sqlite_autoindex_weather_")))
PY
)"
    pick_port 18400
    COMMUNS_RATE_LIMIT_PER_IP=0 "$BIN" serve --data-dir "$WORK/bigdb" --bind "127.0.0.1:$PORT" >"$WORK/server-big.log" 2>&1 &
    SERVER_PID=$!
    wait_ready "$WORK/server-big.log"
    SERVED=("$SERVER_PID")
    BSID="$(curl -sf "$BASE/api/v1/weather/stations?page_size=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')"
    declare -A BIG_P50 BIG_P99
    for q in "chart:/api/v1/weather/stations/$BSID/series?param=T&from=2020-01-01&to=2020-12-31&points=1000" \
             "chart30:/api/v1/weather/stations/$BSID/series?param=T&from=1991-01-01&to=2020-12-31&points=1000" \
             "records:/api/v1/weather/stations/$BSID/records" \
             "normals:/api/v1/weather/stations/$BSID/normals?from=1991&to=2020"; do
        name="${q%%:*}"; path="${q#*:}"
        code="$(curl -s -o "$WORK/big-$name.body" -w '%{http_code}' "$BASE$path")"
        [[ "$code" == 200 ]] || die "$path answered $code"
        acct_start
        { time (for _ in $(seq 1 100); do curl -s -o /dev/null -w '%{time_total}\n' "$BASE$path"; done | sort -n >"$WORK/big-$name.seq"); } 2>"$WORK/big-$name.time"
        acct_stop "big-$name" "$WORK/big-$name.time"
        BIG_P50[$name]="$(awk '{ a[NR] = $1 } END { printf "%.2f", a[int(NR * 0.5)] * 1000 }' "$WORK/big-$name.seq")"
        BIG_P99[$name]="$(awk '{ a[NR] = $1 } END { printf "%.2f", a[int(NR * 0.99)] * 1000 }' "$WORK/big-$name.seq")"
        log "large: $name p50 ${BIG_P50[$name]} ms p99 ${BIG_P99[$name]} ms (other processes ${CPU_OTHER[big-$name]} %)"
    done
    BIG_CHART_POINTS="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["t"]))' "$WORK/big-chart.body")"
    SERVED=()
    stop_server
    BIG_DONE=1
fi
LOADAVG_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "–"; else printf "%.1f×", a / b }'; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo "**pass**"; else echo "**FAIL**"; fi; }
R_SQLITE="$(rate "${IMPORT_S[sqlite]}")"; R_PG="$(rate "${IMPORT_S[postgres]}")"; R_COPY="$(rate "${IMPORT_S[copy]}")"
B_SQLITE="$(per "$SQLITE_BLOCKS")"; B_SQLITE_ALL="$(per "$SQLITE_WEATHER")"; B_PG="$(per "$PG_BLOCKS")"; B_PG_ALL="$(per "$PG_WEATHER")"; B_ANCHOR="$(per "$ANCHOR_BYTES")"
# The stricter peer: the faster of pygeoapi's two providers.
if [[ "${RPS[pygeoapi_sqlite]}" -ge "${RPS[pygeoapi_csv]}" ]]; then PEER=pygeoapi_sqlite; PEER_LABEL="SQLite provider"; else PEER=pygeoapi_csv; PEER_LABEL="CSV provider"; fi
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no -- crates bench/weather.sh bench/weather_generate.py bench/weather_spatialite.py bench/lib.sh 2>/dev/null || true)" ]]; then
    COMMIT+=" (the working tree had uncommitted changes to crates/ or to this harness)"
fi
CPU_MODEL="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
MEM_TOTAL="$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
RUSTC="$(rustc --version 2>/dev/null || echo unknown)"
WRK_VERSION="$(wrk --version 2>&1 | head -n1 | awk '{ print $2 }' || true)"
cpu_cells() { echo "${CPU_OWN[$1]} % | ${CPU_OTHER[$1]} %"; }
{
    echo "## Weather: ingest, storage, chart, latest values, EDR against PostgreSQL COPY and pygeoapi"
    echo
    echo "Produced by \`$INVOCATION\` (from the repository root). Generated file: do not edit by hand; re-run instead."
    echo
    echo "| | |"
    echo "|---|---|"
    echo "| Date | $(date -u '+%Y-%m-%d %H:%M:%S UTC') |"
    echo "| Commit | \`$COMMIT\` |"
    echo "| Machine | $NCPU CPUs ($CPU_MODEL), $MEM_TOTAL RAM, $(uname -sr) |"
    echo "| Toolchain | $RUSTC; release profile of the workspace |"
    echo "| communs | \`communs weather import --format mf\` and \`communs serve\` on fresh data directories in /tmp; rate limits off; 127.0.0.1 |"
    echo "| PostgreSQL | $PG_VERSION, a throwaway cluster of this run (initdb, default settings, own Unix socket directory and port $PGPORT) |"
    echo "| Load | sequential: one curl client; wrk $WRK_VERSION \`-t2 -c$CONNS -d$DURATION --latency\`, on the same $NCPU cores as the servers |"
    echo "| Peer | pygeoapi $PYGEOAPI_VERSION under gunicorn $GUNICORN_VERSION, \`--workers $PY_WORKERS --worker-class gevent\`, the Flask app (as its Docker image's entrypoint runs it), Debian's Python $(/usr/bin/python3 -c 'import platform; print(platform.python_version())') |"
    echo "| Machine before the runs | $QUIET_STATUS; load average $LOADAVG_BEFORE (after: $LOADAVG_AFTER) |"
    echo
    echo "CPU columns: share of the whole machine ($NCPU CPUs × the step's wall time) used by the measured processes"
    echo "(the importer, or the server and its client, PostgreSQL's cluster included) and by every other process (other"
    echo "sessions' builds and tests). When \"other\" is not near 0 the step was disturbed and its throughput is low by about that much."
    echo
    echo "Files: \`bench/weather_generate.py\` writes Météo-France hourly files in the real format (the $COLUMNS_N columns of"
    echo "\`H_descriptif_champs.csv\` in order, \`;\`, a quality code beside each value), one per station, with $PARAMS filled"
    echo "($STATIONS stations × $YEARS years from $FIRST_YEAR: $VALUES values, $FILES_MB MiB). communs imports them with"
    echo "\`communs weather import --format mf\` (parsing, quality flags, provenance, source-priority merge, daily/monthly"
    echo "summaries and records maintained in the same transactions). The anchor loads the same values, already flat"
    echo "(\`station;param;minute;value;quality\`), with psql \`\\copy\` into a plain table"
    echo "\`obs(station INTEGER, param SMALLINT, t BIGINT, value DOUBLE PRECISION, quality SMALLINT, PRIMARY KEY (station, param, t))\`:"
    echo "no parsing, no summaries."
    echo
    echo "### Ingest"
    echo
    echo "| Into | seconds | values/s | ÷ COPY | CPU measured | CPU other processes |"
    echo "|---|---:|---:|---:|---:|---:|"
    echo "| communs, SQLite | ${IMPORT_S[sqlite]} | $R_SQLITE | $(ratio "$R_SQLITE" "$R_COPY") | $(cpu_cells import-sqlite) |"
    echo "| communs, PostgreSQL | ${IMPORT_S[postgres]} | $R_PG | $(ratio "$R_PG" "$R_COPY") | $(cpu_cells import-postgres) |"
    echo "| PostgreSQL \`COPY\`, plain table (anchor) | ${IMPORT_S[copy]} | $R_COPY | 1.0× | $(cpu_cells import-copy) |"
    echo
    echo "Importing the same files into SQLite a second time added $AGAIN_ADDED values."
    echo
    echo "### Bytes per stored value"
    echo
    echo "SQLite: \`dbstat\` pages of the tables and indexes; PostgreSQL: \`pg_total_relation_size\` (heap, TOAST, indexes) of"
    echo "every table and partition."
    echo
    echo "| Storage | bytes | bytes per value | ÷ anchor |"
    echo "|---|---:|---:|---:|"
    echo "| communs, SQLite: value blocks (\`weather_blocks\` and its key) | $SQLITE_BLOCKS | $B_SQLITE | $(ratio "$SQLITE_BLOCKS" "$ANCHOR_BYTES") |"
    echo "| communs, SQLite: every weather table and index (blocks, daily/monthly summaries, records, latest, imports, stations) | $SQLITE_WEATHER | $B_SQLITE_ALL | $(ratio "$SQLITE_WEATHER" "$ANCHOR_BYTES") |"
    echo "| communs, PostgreSQL: value blocks (yearly partitions, TOAST, index) | $PG_BLOCKS | $B_PG | $(ratio "$PG_BLOCKS" "$ANCHOR_BYTES") |"
    echo "| communs, PostgreSQL: every weather table and index | $PG_WEATHER | $B_PG_ALL | $(ratio "$PG_WEATHER" "$ANCHOR_BYTES") |"
    echo "| PostgreSQL plain table with its primary key (anchor) | $ANCHOR_BYTES | $B_ANCHOR | 1.0× |"
    echo
    echo "### Queries (the SQLite data above)"
    echo
    echo "Sequential: one client, 200 requests (50 for pygeoapi's CSV provider). CPU columns are those of the wrk run."
    echo
    echo "| Query | body | sequential p50 (ms) | p99 (ms) | wrk req/s | wrk p50 (ms) | wrk p99 (ms) | CPU measured | CPU other processes |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    row() { echo "| $2 | ${BODY_BYTES[$1]} B | ${SEQ_P50[$1]} | ${SEQ_P99[$1]} | ${RPS[$1]} | ${P50[$1]} | ${P99[$1]} | $(cpu_cells "wrk-$1") |"; }
    row chart "chart: a year of hourly T of a station → $CHART_POINTS points (\`/api/v1/weather/stations/{id}/series?param=T&from=$LAST_YEAR-01-01&to=$LAST_YEAR-12-31&points=1000\`)"
    row latest "map: latest T of the $LATEST_N stations (\`/api/v1/weather/latest?param=T\`)"
    row edr "communs EDR position, January $LAST_YEAR of T at the station ($EDR_VALUES values, CoverageJSON; \`/ogc/collections/observations/position?coords=POINT(lon lat)&parameter-name=T&datetime=…\`)"
    row pygeoapi_sqlite "pygeoapi, SQLite provider: the same station's T of January $LAST_YEAR (744 features, GeoJSON)"
    row pygeoapi_csv "pygeoapi, CSV provider: the same 744 values (GeoJSON)"
    echo
    echo "**EDR against pygeoapi.** pygeoapi $PYGEOAPI_VERSION has no EDR provider able to read CSV or SQLite (its EDR"
    echo "providers are \`xarray-edr\`, NetCDF/Zarr, and \`SensorThingsEDR\`, a SensorThings server): it serves the observations"
    echo "through OGC API – Features (\`/collections/observations/items\`), with two of its providers:"
    echo
    echo "- \`SQLiteGPKG\`: a SpatiaLite file (\`bench/weather_spatialite.py\`) with every value of the run ($PY_SQLITE_ROWS rows:"
    echo "  station, param, month, time, value, quality, point geometry) and an index on (station, param, month). The query"
    echo "  \`?station=$SCODE&param=T&month=$LAST_YEAR-01&limit=744\` filters on properties through that index: a month column"
    echo "  and an index the peer would need to be tuned for this query, given to it for the comparison."
    echo "- \`CSV\`: it reads and parses its whole file at every request, so it holds only T of every station for $LAST_YEAR"
    echo "  ($OBS_ROWS rows); it does not filter on time, so \`?station=$SCODE&limit=744\` returns the station's first 744"
    echo "  features, January's in the file's order."
    echo
    echo "Both answers are checked to hold the 744 hours of January of that station. communs answers the EDR query over all"
    echo "its $VALUES values. Ratio below against the faster provider ($PEER_LABEL): $(ratio "${RPS[edr]}" "${RPS[$PEER]}") throughput;"
    echo "against the CSV provider: $(ratio "${RPS[edr]}" "${RPS[pygeoapi_csv]}")."
    echo
    if [[ -n "$BIG_DONE" ]]; then
        echo "### $BIG_VALUES values in SQLite"
        echo
        echo "$BIG_STATIONS stations × 30 years (1991–2020) × 8 parameters, hourly, in $BIG_CSV_MB MiB of files in the same format,"
        echo "imported with one \`communs weather import --format mf\` into a fresh data directory."
        echo
        echo "| | |"
        echo "|---|---|"
        echo "| Load time | $BIG_S s ($(awk -v n="$BIG_VALUES" -v s="$BIG_S" 'BEGIN { printf "%.0f", n / s }') values/s, summaries and records included); CPU: communs ${CPU_OWN[big-import]} %, other processes ${CPU_OTHER[big-import]} %; load average before $BIG_LOADAVG_BEFORE |"
        echo "| Database file | $BIG_BYTES bytes ($((BIG_BYTES / 1048576)) MiB, the whole file with its WAL: $(awk -v b="$BIG_BYTES" -v n="$BIG_VALUES" 'BEGIN { printf "%.2f", b / n }') bytes per value) |"
        echo "| Weather tables and indexes (\`dbstat\`) | $BIG_WEATHER_BYTES bytes ($(awk -v b="$BIG_WEATHER_BYTES" -v n="$BIG_VALUES" 'BEGIN { printf "%.2f", b / n }') bytes per value) |"
        echo
        echo "Then \`communs serve\` on that file, one station (id $BSID), 100 sequential requests each:"
        echo
        echo "| Query | p50 (ms) | p99 (ms) | CPU measured | CPU other processes |"
        echo "|---|---:|---:|---:|---:|"
        echo "| chart, a year (2020) of hourly T → $BIG_CHART_POINTS points | ${BIG_P50[chart]} | ${BIG_P99[chart]} | $(cpu_cells big-chart) |"
        echo "| chart, 30 years of hourly T → 1,000 points | ${BIG_P50[chart30]} | ${BIG_P99[chart30]} | $(cpu_cells big-chart30) |"
        echo "| records of the station (\`/records\`) | ${BIG_P50[records]} | ${BIG_P99[records]} | $(cpu_cells big-records) |"
        echo "| normals 1991–2020 (\`/normals?from=1991&to=2020\`) | ${BIG_P50[normals]} | ${BIG_P99[normals]} | $(cpu_cells big-normals) |"
        echo
    else
        echo "### Large load"
        echo
        echo "Skipped (\`BENCH_WEATHER_VALUES=0\`)."
        echo
    fi
    echo "### Targets (issue 3, 2 cores)"
    echo
    echo "| Target | Measured | Verdict |"
    echo "|---|---:|---|"
    echo "| Ingest ≥ 500,000 values/s on SQLite | $R_SQLITE values/s ($(ratio "$R_SQLITE" "$R_COPY") PostgreSQL COPY) | $(verdict "$R_SQLITE >= 500000") |"
    echo "| ≤ 12 bytes per stored value on SQLite, indexes included | $B_SQLITE_ALL (every weather table and index; value blocks alone $B_SQLITE; anchor $B_ANCHOR) | $(verdict "$B_SQLITE_ALL <= 12") |"
    echo "| Chart query p50 ≤ 5 ms | ${SEQ_P50[chart]} ms | $(verdict "${SEQ_P50[chart]} <= 5") |"
    echo "| EDR ≥ 10× pygeoapi's throughput | ${RPS[edr]} against ${RPS[$PEER]} req/s ($PEER_LABEL): $(ratio "${RPS[edr]}" "${RPS[$PEER]}") | $(verdict "${RPS[edr]} >= 10 * ${RPS[$PEER]}") |"
    if [[ -n "$BIG_DONE" ]]; then
        echo "| 100 million values: load time, file size, chart/records/normals times | $BIG_VALUES values in $BIG_S s, $((BIG_BYTES / 1048576)) MiB; p50 chart ${BIG_P50[chart]} ms, records ${BIG_P50[records]} ms, normals ${BIG_P50[normals]} ms | reported (no target) |"
    fi
} >"$WORK/section.md"
write_section weather "$WORK/section.md"
