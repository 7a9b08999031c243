#!/usr/bin/env bash
# Weather benchmark (issue 3), side by side in one run, on the release build:
#   1. ingest of Météo-France hourly files: `communs weather import` into SQLite and PostgreSQL,
#      against PostgreSQL COPY of the same values into a plain table with a primary key;
#   2. bytes per stored value on each backend, against that plain table;
#   3. chart query (a year of hourly values → 1,000 points) and the map's latest values;
#   4. EDR position query against pygeoapi serving the same station's observations;
#   5. a large load (BENCH_WEATHER_VALUES, 100 million by default) into SQLite: load time, file
#      size, chart/records/normals query times.
# Writes the "weather" section of bench/RESULTS.md. Never part of the test suite.
#
# Usage: bash bench/weather.sh
# Knobs: BENCH_WEATHER_STATIONS=10 BENCH_WEATHER_YEARS=5 BENCH_WEATHER_VALUES=100000000 (0: skip the
# large load) BENCH_DURATION=10s BENCH_CONNECTIONS=8 BENCH_SKIP_BUILD=1 BENCH_PORT=…
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
for v in BENCH_WEATHER_STATIONS BENCH_WEATHER_YEARS BENCH_WEATHER_VALUES BENCH_DURATION BENCH_CONNECTIONS BENCH_SKIP_BUILD BENCH_PORT; do
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
# CPU seconds of every other process during a timed step: /proc/stat jiffies minus ours.
busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

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
import_run() { # $1 label, then the communs arguments
    local label="$1"; shift
    local t0 t1 j0 j1
    j0="$(busy_jiffies)"; t0="$(now)"
    "$BIN" weather import --format mf "$@" "$WORK"/h/*.csv >"$WORK/$label.out" 2>"$WORK/$label.err" || { tail "$WORK/$label.err"; die "import into $label failed"; }
    t1="$(now)"; j1="$(busy_jiffies)"
    local added
    added="$(python3 -c 'import json,sys; print(sum(json.loads(l)["values_added"] for l in open(sys.argv[1]) if l.strip()))' "$WORK/$label.out")"
    [[ "$added" == "$VALUES" ]] || die "$label: $added values added, $VALUES expected"
    IMPORT_S[$label]="$(seconds "$t0" "$t1")"
    IMPORT_CPU[$label]="$(awk -v a="$j0" -v b="$j1" -v s="${IMPORT_S[$label]}" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) / hz / s / 2 * 100 }')"
    log "$label: $VALUES values in ${IMPORT_S[$label]} s (machine ${IMPORT_CPU[$label]} % busy)"
}
declare -A IMPORT_S IMPORT_CPU
mkdir -p "$WORK/sqlite"
import_run sqlite --data-dir "$WORK/sqlite"
import_run postgres --data-dir "$WORK/pgfiles" --database-url "$PG_URL"
# Twice: importing the same files again must change nothing.
"$BIN" weather import --format mf --data-dir "$WORK/sqlite" "$WORK"/h/*.csv >"$WORK/again.out" 2>/dev/null
AGAIN_ADDED="$(python3 -c 'import json,sys; print(sum(json.loads(l)["values_added"] for l in open(sys.argv[1]) if l.strip()))' "$WORK/again.out")"

log "anchor: COPY into a plain table with a primary key"
"${PSQL[@]}" -d anchor -c "CREATE TABLE obs (station INTEGER NOT NULL, param SMALLINT NOT NULL, t BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL, quality SMALLINT, PRIMARY KEY (station, param, t))"
j0="$(busy_jiffies)"; t0="$(now)"
"${PSQL[@]}" -d anchor -c "\\copy obs FROM '$WORK/flat.csv' WITH (FORMAT csv, DELIMITER ';')"
t1="$(now)"; j1="$(busy_jiffies)"
IMPORT_S[copy]="$(seconds "$t0" "$t1")"
IMPORT_CPU[copy]="$(awk -v a="$j0" -v b="$j1" -v s="${IMPORT_S[copy]}" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) / hz / s / 2 * 100 }')"
log "copy: ${IMPORT_S[copy]} s"
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
LAST_YEAR=$((FIRST_YEAR + YEARS - 1))

declare -A SEQ_P50 SEQ_P99 RPS P50 P99
measure() { # $1 name, $2 url
    local name="$1" url="$2" code
    code="$(curl -s -o "$WORK/$name.body" -w '%{http_code}' "$url")"
    [[ "$code" == 200 ]] || die "$url answered $code: $(head -c 300 "$WORK/$name.body")"
    for _ in $(seq 1 200); do curl -s -o /dev/null -w '%{time_total}\n' "$url"; done | sort -n >"$WORK/$name.seq"
    SEQ_P50[$name]="$(awk '{ a[NR] = $1 } END { printf "%.2f", a[int(NR * 0.5)] * 1000 }' "$WORK/$name.seq")"
    SEQ_P99[$name]="$(awk '{ a[NR] = $1 } END { printf "%.2f", a[int(NR * 0.99)] * 1000 }' "$WORK/$name.seq")"
    wrk -t2 -c"$CONNS" -d"$DURATION" --latency "$url" >"$WORK/$name.wrk"
    RPS[$name]="$(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$WORK/$name.wrk")"
    P50[$name]="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$WORK/$name.wrk")")"
    P99[$name]="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$WORK/$name.wrk")")"
    grep -q 'Non-2xx' "$WORK/$name.wrk" && die "$name: wrk saw non-2xx answers"
    log "$name: sequential p50 ${SEQ_P50[$name]} ms p99 ${SEQ_P99[$name]} ms; wrk ${RPS[$name]} req/s"
}
CHART_URL="$BASE/api/v1/weather/stations/$SID/series?param=T&from=$LAST_YEAR-01-01&to=$LAST_YEAR-12-31&points=1000"
measure chart "$CHART_URL"
CHART_POINTS="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["t"]))' "$WORK/chart.body")"
measure latest "$BASE/api/v1/weather/latest?param=T"
EDR_QS="coords=POINT($SLON%20$SLAT)&parameter-name=T&datetime=$LAST_YEAR-01-01T00:00:00Z/$LAST_YEAR-01-31T23:00:00Z"
measure edr "$BASE/ogc/collections/observations/position?$EDR_QS"
EDR_VALUES="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(r["values"]) for r in d["ranges"].values()))' "$WORK/edr.body")"

# ---------------------------------------------------------------- 4. pygeoapi
VENV="$HOME/.cache/communs-bench/venv-pygeoapi"
if [[ ! -x "$VENV/bin/gunicorn" ]]; then
    log "installing pygeoapi and gunicorn in $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q pygeoapi gunicorn >"$WORK/pygeoapi-install.log" 2>&1 || { tail "$WORK/pygeoapi-install.log"; die "pygeoapi install failed"; }
fi
PYGEOAPI_VERSION="$("$VENV/bin/python" -c 'import pygeoapi; print(pygeoapi.__version__)')"
# The same observations: every station's T values of the year, one feature per value.
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
FIRST_NUM="$(sed -n 2p "$WORK/obs.csv" | cut -d, -f2)"
cat >"$WORK/pygeoapi.yml" <<YML
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
    description: hourly temperature of the bench stations
    keywords: [weather]
    extents:
      spatial: {bbox: [-180, -90, 180, 90], crs: http://www.opengis.net/def/crs/OGC/1.3/CRS84}
    providers:
      - type: feature
        name: CSV
        data: $WORK/obs.csv
        id_field: id
        time_field: time
        geometry: {x_field: lon, y_field: lat}
YML
PYGEOAPI_CONFIG="$WORK/pygeoapi.yml" "$VENV/bin/pygeoapi" openapi generate "$WORK/pygeoapi.yml" --output-file "$WORK/pygeoapi-openapi.yml" >/dev/null 2>&1 \
    || PYGEOAPI_CONFIG="$WORK/pygeoapi.yml" "$VENV/bin/pygeoapi" openapi generate "$WORK/pygeoapi.yml" >"$WORK/pygeoapi-openapi.yml"
pick_port 18500
PY_BASE="$BASE"
PYGEOAPI_CONFIG="$WORK/pygeoapi.yml" PYGEOAPI_OPENAPI="$WORK/pygeoapi-openapi.yml" \
    "$VENV/bin/gunicorn" -w 2 -b "127.0.0.1:$PORT" pygeoapi.flask_app:APP >"$WORK/pygeoapi.log" 2>&1 &
PYGEOAPI_PID=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "$PY_BASE/collections/observations" && break; sleep 0.2; done
# Its CSV provider filters on properties but not on time: the file is in time order, so the first
# 744 features of the station are its January (checked below).
PY_URL="$PY_BASE/collections/observations/items?station=$FIRST_NUM&limit=744&f=json"
measure pygeoapi "$PY_URL"
PY_VALUES="$(python3 - "$WORK/pygeoapi.body" "$FIRST_NUM" "$LAST_YEAR" <<'PY'
import json, sys
feats = json.load(open(sys.argv[1]))["features"]
ok = all(str(f["properties"]["station"]) == sys.argv[2] and f["properties"]["time"].startswith(sys.argv[3] + "-01-") for f in feats)
print(len(feats) if ok else "mismatch")
PY
)"
[[ "$PY_VALUES" == 744 ]] || die "pygeoapi did not answer the station's January: $PY_VALUES"
kill "$PYGEOAPI_PID" 2>/dev/null || true
PYGEOAPI_PID=""
stop_server

# ---------------------------------------------------------------- 5. large load
BIG_DONE=""
if [[ "$BIG" -gt 0 ]]; then
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
    rm -rf "$WORK/h" "$WORK/pg" "$WORK/pgfiles"
    stop_pg
    log "large load: importing $BIG_VALUES values ($BIG_CSV_MB MiB of CSV)"
    mkdir -p "$WORK/bigdb"
    t0="$(now)"
    "$BIN" weather import --format mf --data-dir "$WORK/bigdb" "$WORK"/big/*.csv >"$WORK/big.out" 2>"$WORK/big.err" || { tail "$WORK/big.err"; die "large import failed"; }
    t1="$(now)"
    BIG_S="$(seconds "$t0" "$t1")"
    BIG_ADDED="$(python3 -c 'import json,sys; print(sum(json.loads(l)["values_added"] for l in open(sys.argv[1]) if l.strip()))' "$WORK/big.out")"
    [[ "$BIG_ADDED" == "$BIG_VALUES" ]] || die "large load: $BIG_ADDED added, $BIG_VALUES expected"
    rm -rf "$WORK/big"
    BIG_DB="$WORK/bigdb/communs.db"
    BIG_BYTES="$(du -cb "$BIG_DB"* | tail -1 | cut -f1)"
    pick_port 18400
    COMMUNS_RATE_LIMIT_PER_IP=0 "$BIN" serve --data-dir "$WORK/bigdb" --bind "127.0.0.1:$PORT" >"$WORK/server-big.log" 2>&1 &
    SERVER_PID=$!
    wait_ready "$WORK/server-big.log"
    BSID="$(curl -sf "$BASE/api/v1/weather/stations?page_size=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')"
    declare -A BIG_P50
    for q in "chart:/api/v1/weather/stations/$BSID/series?param=T&from=2020-01-01&to=2020-12-31&points=1000" \
             "chart30:/api/v1/weather/stations/$BSID/series?param=T&from=1991-01-01&to=2020-12-31&points=1000" \
             "records:/api/v1/weather/stations/$BSID/records" \
             "normals:/api/v1/weather/stations/$BSID/normals?from=1991&to=2020"; do
        name="${q%%:*}"; path="${q#*:}"
        code="$(curl -s -o "$WORK/big-$name.body" -w '%{http_code}' "$BASE$path")"
        [[ "$code" == 200 ]] || die "$path answered $code"
        for _ in $(seq 1 50); do curl -s -o /dev/null -w '%{time_total}\n' "$BASE$path"; done | sort -n >"$WORK/big-$name.seq"
        BIG_P50[$name]="$(awk '{ a[NR] = $1 } END { printf "%.2f", a[int(NR * 0.5)] * 1000 }' "$WORK/big-$name.seq")"
        log "large: $name p50 ${BIG_P50[$name]} ms"
    done
    stop_server
    BIG_DONE=1
fi

# ---------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "–"; else printf "%.1f×", a / b }'; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo "**pass**"; else echo "**FAIL**"; fi; }
R_SQLITE="$(rate "${IMPORT_S[sqlite]}")"; R_PG="$(rate "${IMPORT_S[postgres]}")"; R_COPY="$(rate "${IMPORT_S[copy]}")"
B_SQLITE="$(per "$SQLITE_BLOCKS")"; B_PG="$(per "$PG_BLOCKS")"; B_ANCHOR="$(per "$ANCHOR_BYTES")"
{
    echo "## Weather: ingest, storage, chart, latest values, EDR against PostgreSQL COPY and pygeoapi"
    echo
    echo "Produced by \`$INVOCATION\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git -C "$ROOT" rev-parse --short HEAD)\`, $(nproc) CPUs, release build, PostgreSQL $PG_VERSION (default settings, Unix socket)."
    echo
    echo "Files: \`bench/weather_generate.py\` writes Météo-France hourly files in the real format (the $COLUMNS_N columns of"
    echo "\`H_descriptif_champs.csv\`, \`;\`, quality codes), one per station, with $PARAMS filled ($STATIONS stations ×"
    echo "$YEARS years from $FIRST_YEAR: $VALUES values, $FILES_MB MiB). communs imports them with \`communs weather import --format mf\`"
    echo "(parsing, quality flags, provenance, source-priority merge, daily/monthly summaries and records maintained"
    echo "in the same transactions). The anchor loads the same values, already flat (\`station;param;minute;value;quality\`),"
    echo "with psql \`\\copy\` into a plain table with a (station, param, time) primary key: no parsing, no summaries."
    echo "\"Machine busy\" is the share of both CPUs in use during the step (all processes, the measured one included)."
    echo
    echo "### Ingest"
    echo
    echo "| Into | seconds | values/s | machine busy | ÷ COPY |"
    echo "|---|---:|---:|---:|---:|"
    echo "| communs, SQLite | ${IMPORT_S[sqlite]} | $R_SQLITE | ${IMPORT_CPU[sqlite]} % | $(ratio "$R_SQLITE" "$R_COPY") |"
    echo "| communs, PostgreSQL | ${IMPORT_S[postgres]} | $R_PG | ${IMPORT_CPU[postgres]} % | $(ratio "$R_PG" "$R_COPY") |"
    echo "| PostgreSQL COPY, plain table (anchor) | ${IMPORT_S[copy]} | $R_COPY | ${IMPORT_CPU[copy]} % | 1.0× |"
    echo
    echo "Importing the same files a second time added $AGAIN_ADDED values."
    echo
    echo "### Bytes per stored value"
    echo
    echo "| Storage | bytes | bytes per value |"
    echo "|---|---:|---:|"
    echo "| communs, SQLite: value blocks (\`weather_blocks\`, its key included) | $SQLITE_BLOCKS | $B_SQLITE |"
    echo "| communs, SQLite: every weather table and index (summaries, records, latest, imports) | $SQLITE_WEATHER | $(per "$SQLITE_WEATHER") |"
    echo "| communs, PostgreSQL: value blocks (yearly partitions, TOAST and index) | $PG_BLOCKS | $B_PG |"
    echo "| communs, PostgreSQL: every weather table and index | $PG_WEATHER | $(per "$PG_WEATHER") |"
    echo "| PostgreSQL plain table with its primary key (anchor) | $ANCHOR_BYTES | $B_ANCHOR |"
    echo
    echo "### Queries (SQLite data above)"
    echo
    echo "Sequential: one client, 200 requests (curl); wrk \`-t2 -c$CONNS -d$DURATION\` on the same two cores as the server."
    echo
    echo "| Query | sequential p50 (ms) | p99 (ms) | wrk req/s | wrk p50 (ms) | wrk p99 (ms) |"
    echo "|---|---:|---:|---:|---:|---:|"
    echo "| chart: a year of hourly T → $CHART_POINTS points (\`/series?points=1000\`) | ${SEQ_P50[chart]} | ${SEQ_P99[chart]} | ${RPS[chart]} | ${P50[chart]} | ${P99[chart]} |"
    echo "| map: latest T of every station (\`/latest\`) | ${SEQ_P50[latest]} | ${SEQ_P99[latest]} | ${RPS[latest]} | ${P50[latest]} | ${P99[latest]} |"
    echo "| EDR position, one month of T at a station ($EDR_VALUES values, CoverageJSON) | ${SEQ_P50[edr]} | ${SEQ_P99[edr]} | ${RPS[edr]} | ${P50[edr]} | ${P99[edr]} |"
    echo "| pygeoapi $PYGEOAPI_VERSION, the same month of the same station ($PY_VALUES features, GeoJSON) | ${SEQ_P50[pygeoapi]} | ${SEQ_P99[pygeoapi]} | ${RPS[pygeoapi]} | ${P50[pygeoapi]} | ${P99[pygeoapi]} |"
    echo
    echo "pygeoapi has no EDR provider reading CSV or SQLite (its EDR providers read xarray/NetCDF/Zarr or SensorThings):"
    echo "it serves the observations with its OGC API – Features CSV provider ($OBS_ROWS rows: T of every station for"
    echo "$LAST_YEAR), queried by station (it does not filter on time: the first 744 features of the station, January's"
    echo "in the file's order, are asked for), under gunicorn with 2 workers. communs answers the EDR query"
    echo "over all its data ($VALUES values)."
    echo
    if [[ -n "$BIG_DONE" ]]; then
        echo "### $BIG_VALUES values (SQLite)"
        echo
        echo "$BIG_STATIONS stations × 30 years (1991–2020) × 8 parameters, $BIG_CSV_MB MiB of CSV, imported in $BIG_S s"
        echo "($(awk -v n="$BIG_VALUES" -v s="$BIG_S" 'BEGIN { printf "%.0f", n / s }') values/s, summaries and records included); database $((BIG_BYTES / 1048576)) MiB"
        echo "($(awk -v b="$BIG_BYTES" -v n="$BIG_VALUES" 'BEGIN { printf "%.2f", b / n }') bytes per value, everything included). Sequential p50 of 50 requests:"
        echo
        echo "| Query | p50 (ms) |"
        echo "|---|---:|"
        echo "| chart, a year of hourly T → 1,000 points | ${BIG_P50[chart]} |"
        echo "| chart, 30 years of hourly T → 1,000 points | ${BIG_P50[chart30]} |"
        echo "| records of the station (all-time and per month) | ${BIG_P50[records]} |"
        echo "| normals 1991–2020 (TN, TX, RR, every month) | ${BIG_P50[normals]} |"
        echo
    fi
    echo "### Targets (issue 3)"
    echo
    echo "| Target | Measured | Verdict |"
    echo "|---|---:|---|"
    echo "| Ingest ≥ 500,000 values/s on SQLite | $R_SQLITE | $(verdict "$R_SQLITE >= 500000") |"
    echo "| ≤ 12 bytes per stored value on SQLite | $B_SQLITE | $(verdict "$B_SQLITE <= 12") |"
    echo "| Chart query p50 ≤ 5 ms | ${SEQ_P50[chart]} ms | $(verdict "${SEQ_P50[chart]} <= 5") |"
    echo "| EDR ≥ 10× pygeoapi's throughput | $(ratio "${RPS[edr]}" "${RPS[pygeoapi]}") | $(verdict "${RPS[edr]} >= 10 * ${RPS[pygeoapi]}") |"
    echo
    echo "Machine during the runs: $(uptime | sed 's/.*load average/load average/')."
} >"$WORK/section.md"
write_section weather "$WORK/section.md"
log "bench/RESULTS.md updated (section weather)"
