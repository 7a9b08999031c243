#!/usr/bin/env bash
# Every test, as CI runs them: Rust unit and integration tests on SQLite and PostgreSQL
# (PostgreSQL required), browser tests in headless Chromium with accessibility checks, and the
# real clients of the anchors' ecosystems against a live `communs`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-deps.sh
export COMMUNS_REQUIRE_PG=1

echo "== Rust tests (SQLite and PostgreSQL)"
cargo nextest run --workspace --no-fail-fast

echo "== Live-server suites (browser, API clients)"
bash scripts/live-tests.sh
