#!/usr/bin/env bash
# API fuzzing (issue 17 item 10): schemathesis over the whole OpenAPI schema,
# as an applicant and as staff, against a demo instance of our own on loopback
# (SQLite, daphne). Bounded: FUZZ_SECONDS per identity (default 60) and
# FUZZ_EXAMPLES examples per operation (default 25). Checks: no server error
# (5xx) and every response conforms to the schema. Exit status non-zero on any
# finding; the report is printed and kept in $OUT.
#   scripts/api_fuzz.sh            (run by scripts/test.sh after the SQLite suite)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${FUZZ_PORT:-8793}
SECONDS_EACH=${FUZZ_SECONDS:-60}
EXAMPLES=${FUZZ_EXAMPLES:-25}
VAR=$(mktemp -d /tmp/zt-fuzz.XXXXXX)
OUT=${FUZZ_OUT:-$VAR/report}
export VAR_DIR=$VAR DJANGO_SETTINGS_MODULE=config.settings.dev
# fuzzing is not abuse: lift the rate limits of this instance only
export THROTTLE_LOGIN=100000/min THROTTLE_TICKET_ANON=100000/min \
  THROTTLE_TICKET_KIOSK=100000/min THROTTLE_TICKET_USER=100000/min \
  THROTTLE_PUBLIC_LOOKUP=100000/min
.venv/bin/python manage.py migrate -v 0
.venv/bin/python manage.py seed_demo --password fuzz-pass-123 > "$VAR/seed.log"
.venv/bin/daphne -b 127.0.0.1 -p "$PORT" config.asgi:application > "$VAR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/schema/" && break; sleep 0.3; done
token() {
  curl -sf -X POST -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"fuzz-pass-123\"}" \
    "http://127.0.0.1:$PORT/api/v1/auth/token/" | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
rc=0
mkdir -p "$OUT"
for who in applicant reviewer; do
  echo "==> schemathesis as $who (${SECONDS_EACH}s, ≤ $EXAMPLES examples per operation)"
  tok=$(token "$who")
  # from $VAR: schemathesis keeps a crash cache (.schemathesis/) in its directory
  (cd "$VAR" && "$ROOT/.venv/bin/schemathesis" run "http://127.0.0.1:$PORT/api/schema/" \
    --checks not_a_server_error,response_schema_conformance \
    -H "Authorization: Token $tok" \
    --max-examples "$EXAMPLES" --max-time "$SECONDS_EACH" --seed 17 --generation-database none \
    --report junit --report-dir "$OUT/$who") || rc=$?
done
echo "server errors logged: $(grep -c ' ERROR ' "$VAR/server.log" || true) (log: $VAR/server.log)"
exit $rc
