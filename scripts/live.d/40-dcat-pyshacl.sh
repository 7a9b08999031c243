#!/usr/bin/env bash
# rdflib and pyshacl (pinned in scripts/oracles-requirements.txt) against the live server's
# DCAT-AP export at udata's paths: site catalogue, an organisation's, one dataset's, in Turtle,
# RDF/XML, JSON-LD and N-Triples (parsed, compared, paged with Hydra), validated with the
# official DCAT-AP 2.1.1 SHACL shapes from ../shared/data/dcat-ap-2.1.1 (COMMUNS_DCAT_SHAPES
# overrides), and a broken graph that must fail.
# Exits non-zero when a check fails or the client cannot run.
set -euo pipefail
: "${COMMUNS_URL:?COMMUNS_URL is set by scripts/live-tests.sh}"
PY="${HOME}/.cache/communs-venv/bin/python"
[ -x "$PY" ] || { echo "dcat-pyshacl: $PY missing: run scripts/test-deps.sh" >&2; exit 1; }
"$PY" -c 'import pyshacl, rdflib' 2>/dev/null \
  || { echo "dcat-pyshacl: pyshacl or rdflib missing from the venv: run scripts/test-deps.sh" >&2; exit 1; }
curl -sf -o /dev/null "$COMMUNS_URL/readyz" || { echo "dcat-pyshacl: no server answering at $COMMUNS_URL" >&2; exit 1; }
timeout --kill-after=10 "${COMMUNS_DCAT_TIMEOUT:-600}" "$PY" "$(dirname "$0")/../dcat_pyshacl_check.py" "$COMMUNS_URL"
