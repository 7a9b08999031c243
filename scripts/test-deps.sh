#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, and nothing when it is already
# there: PostgreSQL server binaries, Chromium, wrk; the e2e npm packages; the Python oracles'
# virtual environment (cached under ~/.cache so CI runs reuse it).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
have_pg() { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
have_pg || need_apt+=(postgresql)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Front-end libraries embedded by the build (web/vendor.txt), pinned by web/package-lock.json.
export npm_config_cache="${HOME}/.cache/communs-npm"
npm ci --prefix web --no-audit --no-fund --loglevel=error

# Browser tests: playwright-core and axe-core, pinned by e2e/package-lock.json.
if [ -f e2e/package-lock.json ]; then
  (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

# Python clients of the anchors' ecosystems (schemathesis…), outside the clone.
VENV="${HOME}/.cache/communs-venv"
if [ -f scripts/oracles-requirements.txt ]; then
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  stamp="$VENV/.requirements.sha256"
  want=$(sha256sum scripts/oracles-requirements.txt | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$VENV/bin/pip" install -q --disable-pip-version-check -r scripts/oracles-requirements.txt
    echo "$want" > "$stamp"
  fi
fi
