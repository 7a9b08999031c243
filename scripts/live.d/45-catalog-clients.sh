#!/usr/bin/env bash
# The CKAN and udata clients (pinned in scripts/oracles-requirements.txt) against the live demo:
# `ckanapi dump datasets|organizations --all`, `ckanapi search datasets`, `ckanapi action
# package_show` through CKAN's Action API, and `udata-dl` downloading an organisation's files
# through udata's API v1, checked against our API and the files' sha256 checksums.
# Exits non-zero when a check fails or a client cannot run.
set -euo pipefail
: "${COMMUNS_URL:?COMMUNS_URL is set by scripts/live-tests.sh}"
VENV="${HOME}/.cache/communs-venv"
[ -x "$VENV/bin/python" ] || { echo "catalog-clients: $VENV missing: run scripts/test-deps.sh" >&2; exit 1; }
# ckanapi's dump runs its workers as `ckanapi` subprocesses: its executable must be on PATH.
export PATH="$VENV/bin:$PATH"
command -v ckanapi >/dev/null && command -v udata-dl >/dev/null \
  || { echo "catalog-clients: ckanapi or udata-dl missing from the venv: run scripts/test-deps.sh" >&2; exit 1; }
curl -sf -o /dev/null "$COMMUNS_URL/readyz" || { echo "catalog-clients: no server answering at $COMMUNS_URL" >&2; exit 1; }
timeout --kill-after=10 "${COMMUNS_CATALOG_CLIENTS_TIMEOUT:-600}" "$VENV/bin/python" "$(dirname "$0")/../catalog_clients_check.py" "$COMMUNS_URL"
