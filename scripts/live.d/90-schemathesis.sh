#!/usr/bin/env bash
# Schemathesis (pinned in scripts/oracles-requirements.txt) against the live server's OpenAPI:
# generated valid and invalid requests for every operation (examples, coverage, fuzzing, and
# stateful sequences through the links schemathesis infers), each answer checked for server
# errors and against the document (status code, content type, headers, body schema); see COMMON
# for the checks. Fails on any failure.
# Runs last among the live suites: its authenticated runs delete and change the demo data the
# other suites read.
#
# Three runs:
#   1. anonymous;
#   2. with an API token of the demo admin, so that protected operations are exercised past 401;
#      operations that would end the run's own credentials are pinned to throwaway objects
#      (revoke_token to a spare token, admin_update_user to a throwaway account) and DELETE
#      /api/v1/me is left to run 3;
#   3. DELETE /api/v1/me (and GET /api/v1/me) with the token of a throwaway account.
# Path parameters are drawn half of the time from objects that exist (organisations, modules,
# vocabularies), so that operations get past their 404.
# The demo data is changed by these runs (organisations renamed, members moved…): suites that
# need it as seeded run before this one. The demo admin's own profile is put back at the end.
#
# Tuning: COMMUNS_ST_EXAMPLES (examples per operation and phase), COMMUNS_ST_SEED, and
# COMMUNS_ST_ARGS for more schemathesis options (e.g. "--include-tag weather" while working on
# one module).
set -euo pipefail
: "${COMMUNS_URL:?COMMUNS_URL is set by scripts/live-tests.sh}"
ST="${HOME}/.cache/communs-venv/bin/schemathesis"
PY="${HOME}/.cache/communs-venv/bin/python"
[ -x "$ST" ] || { echo "schemathesis missing: run scripts/test-deps.sh" >&2; exit 1; }

EXAMPLES=${COMMUNS_ST_EXAMPLES:-50}
SEED=${COMMUNS_ST_SEED:-20240601}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
API="$COMMUNS_URL/api/v1"
SCHEMA="$COMMUNS_URL/api/openapi.json"

# Evaluates a Python expression on the JSON document read from stdin, as `d`.
json() { "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d, "json": json}))' "$1"; }
csrf_meta() { grep -o '<meta name="csrf-token" content="[^"]*"' | sed 's/.*content="//; s/"$//'; }

# A session for an account (cookie jar $1), then a token with every scope named $4.
# Prints the creation answer (JSON with `token` and `id`).
new_token() {
  local jar=$1 email=$2 password=$3 name=$4 c
  c=$(curl -sSf -c "$jar" -b "$jar" "$COMMUNS_URL/login" | csrf_meta)
  curl -sSf -o /dev/null -c "$jar" -b "$jar" -X POST "$COMMUNS_URL/login" \
    --data-urlencode "email=$email" --data-urlencode "password=$password" --data-urlencode "_csrf=$c"
  c=$(curl -sSf -c "$jar" -b "$jar" "$COMMUNS_URL/account" | csrf_meta)
  [ -n "$c" ] || { echo "login as $email failed" >&2; return 1; }
  curl -sSf -c "$jar" -b "$jar" -X POST "$API/me/tokens" -H 'Content-Type: application/json' -H "X-CSRF-Token: $c" \
    -d "{\"name\":\"$name\",\"scopes\":[\"*\"]}"
}

register() {
  curl -sSf -X POST "$API/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"display_name\":\"$2\",\"password\":\"$3\"}"
}

# --- Credentials and objects for the runs ----------------------------------------------------
PASSWORD="schemathesis-$RANDOM-$RANDOM"
ADMIN_TOKEN=$(new_token "$WORK/admin.jar" admin@communs.test communs-demo schemathesis | json 'd["token"]')
SPARE_TOKEN_ID=$(new_token "$WORK/admin.jar" admin@communs.test communs-demo schemathesis-spare | json 'd["id"]')
TARGET_USER_ID=$(register st-target-$RANDOM@communs.test "Cible Schemathesis" "$PASSWORD" | json 'd["id"]')
LEAVER="st-leaver-$RANDOM@communs.test"
register "$LEAVER" "Départ Schemathesis" "$PASSWORD" >/dev/null
LEAVER_TOKEN=$(new_token "$WORK/leaver.jar" "$LEAVER" "$PASSWORD" schemathesis | json 'd["token"]')
ADMIN_PROFILE=$(curl -sSf -H "Authorization: Bearer $ADMIN_TOKEN" "$API/me" \
  | json 'json.dumps({"display_name": d["display_name"], "locale": d.get("locale")})')

SLUGS=$(curl -sSf "$API/organisations?page_size=100" | json 'json.dumps([o["slug"] for o in d["data"]] or ["none"])')
MODULES=$(curl -sSf "$API/modules" | json 'json.dumps([m["id"] for m in d] or ["none"])')
VOCABS=$(curl -sSf "$API/vocabularies" | json 'json.dumps(d or ["none"])')
AUTH=(-H "Authorization: Bearer $ADMIN_TOKEN")
USERS=$(curl -sSf "${AUTH[@]}" "$API/admin/users?page_size=100" | json 'json.dumps([u["id"] for u in d["data"]])')
JOBS=$(curl -sSf "${AUTH[@]}" "$API/admin/jobs" | json 'json.dumps([j["id"] for j in d] or [1])')

cat >"$WORK/schemathesis.toml" <<EOF
[dictionaries.slugs]
values = $SLUGS
[dictionaries.modules]
values = $MODULES
[dictionaries.vocabularies]
values = $VOCABS

[dictionaries.users]
values = $USERS
[dictionaries.jobs]
values = $JOBS

[parameters]
"path.slug" = { dictionary = "slugs", probability = 0.5 }
"path.user_id" = { dictionary = "users", probability = 0.5 }

[[operations]]
include-operation-id = "admin_retry_job"
parameters = { "path.id" = { dictionary = "jobs", probability = 0.5 } }

[[operations]]
include-operation-id = "module_status"
parameters = { "path.id" = { dictionary = "modules", probability = 0.5 } }

[[operations]]
include-operation-id = "vocabulary"
parameters = { "path.vocab" = { dictionary = "vocabularies", probability = 0.5 } }

# Pinned so that the run never revokes its own token nor disables the demo admin.
[[operations]]
include-operation-id = "revoke_token"
parameters = { "path.id" = $SPARE_TOKEN_ID }

[[operations]]
include-operation-id = "admin_update_user"
parameters = { "path.id" = $TARGET_USER_ID }
EOF

# Every check: no 5xx; every answer one the document describes (status code, content type,
# headers, body schema); requests the schema forbids refused; auth enforced; 405 with `Allow` for
# other methods. All but positive_data_acceptance, which wants every schema-valid request
# accepted: the API refuses some with 422 field errors that depend on the data (an e-mail or a
# slug already taken, a person already a member), and serde refuses integers written as `1.0`.
COMMON=(
  --checks all
  --exclude-checks positive_data_acceptance
  --max-examples "$EXAMPLES"
  --seed "$SEED"
  --generation-database none
  --phases examples,coverage,fuzzing,stateful
  --workers 2
  --request-timeout 10
  --continue-on-failure
  --no-color
  # Server-Sent Events never end: a generated request would wait for the whole timeout.
  --exclude-operation-id events
)
run() {
  echo "== schemathesis $("$ST" --version | awk '{print $NF}'): $1"
  shift
  # shellcheck disable=SC2086 # COMMUNS_ST_ARGS is a list of options
  "$ST" --config-file "$WORK/schemathesis.toml" run "$SCHEMA" "${COMMON[@]}" ${COMMUNS_ST_ARGS:-} "$@"
}

status=0
run "anonymous" || status=1
run "API token of the demo admin" -H "Authorization: Bearer $ADMIN_TOKEN" --exclude-operation-id delete_me || status=1
run "API token of a throwaway account, deleting it" -H "Authorization: Bearer $LEAVER_TOKEN" \
  --include-operation-id delete_me --include-operation-id me || status=1

# Put the demo admin's profile back for whatever runs next.
curl -sSf -o /dev/null -X PATCH "$API/me" -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' -d "$ADMIN_PROFILE" \
  || { echo "could not restore the demo admin's profile" >&2; status=1; }
exit $status
