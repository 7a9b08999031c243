#!/usr/bin/env bash
# Browser tests (e2e/*.test.mjs): Debian's headless Chromium driven by playwright-core, with an
# axe-core accessibility check on every page, against the live server at $COMMUNS_URL.
# Exits non-zero when a test fails or the suite cannot run.
set -euo pipefail
: "${COMMUNS_URL:?COMMUNS_URL is set by scripts/live-tests.sh}"
export COMMUNS_URL
cd "$(dirname "$0")/../../e2e"

CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
export CHROMIUM_PATH
[ -x "$CHROMIUM_PATH" ] || { echo "e2e: $CHROMIUM_PATH missing: run scripts/test-deps.sh (apt-get install chromium)" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "e2e: node missing (Node 20 or later is needed)" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { echo "e2e: Node $(node --version) is too old, 20 or later is needed" >&2; exit 1; }

# playwright-core and axe-core, pinned by package-lock.json; installed when missing or stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || [ ! -f node_modules/playwright-core/package.json ] || [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "e2e: installing the pinned npm packages"
  npm_config_cache="${HOME}/.cache/communs-npm" npm ci --no-audit --no-fund --loglevel=error
fi

curl -sf -o /dev/null "$COMMUNS_URL/readyz" || { echo "e2e: no server answering at $COMMUNS_URL" >&2; exit 1; }

rm -rf artifacts
# The whole suite is bounded: a hung browser must not hold the run.
status=0
timeout --kill-after=10 "${COMMUNS_E2E_TIMEOUT:-600}" node --test || status=$?
if [ $status -ne 0 ]; then
  [ $status -eq 124 ] && echo "e2e: timed out after ${COMMUNS_E2E_TIMEOUT:-600} s" >&2
  [ -d artifacts ] && echo "e2e: screenshots and HTML of the failing pages in e2e/artifacts/" >&2
fi
exit $status
