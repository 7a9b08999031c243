#!/usr/bin/env bash
# Starts a `communs` built for the tests on a loopback port with demo data, then runs the suites
# that need a live server: browser tests (node --test) and schemathesis against the OpenAPI.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet -p communs
DATA=$(mktemp -d)
PORT=${COMMUNS_TEST_PORT:-18080}
if curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; then
  echo "port $PORT is already in use: set COMMUNS_TEST_PORT to a free port" >&2
  exit 1
fi
BIN=target/debug/communs
COMMUNS_RATE_LIMIT_PER_IP=0 COMMUNS_RATE_LIMIT_PER_TOKEN=0 COMMUNS_DEMO_WEATHER_YEARS=1 \
  "$BIN" demo --data-dir "$DATA" --bind "127.0.0.1:$PORT" >"$DATA/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 $PID 2>/dev/null || { cat "$DATA/server.log"; exit 1; }
  sleep 0.2
done
kill -0 $PID 2>/dev/null || { echo "communs did not start:"; cat "$DATA/server.log"; exit 1; }
export COMMUNS_URL="http://127.0.0.1:$PORT"
status=0
for suite in scripts/live.d/*.sh; do
  [ -e "$suite" ] || continue
  echo "-- $suite"
  bash "$suite" || status=1
done
if [ $status -ne 0 ]; then
  echo "== server log (last 50 lines)"; tail -50 "$DATA/server.log"
fi
exit $status
