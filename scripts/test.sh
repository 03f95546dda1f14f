#!/usr/bin/env bash
# One command: set up everything and run all tests — lint, migration check,
# the suite on SQLite (browser tests included), then again on PostgreSQL + Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export DJANGO_SETTINGS_MODULE=config.settings.test

echo "==> ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> layer contract (pyproject.toml [tool.importlinter])"
.venv/bin/lint-imports --no-cache
echo "==> types of services, selectors, permissions (pyproject.toml [tool.mypy])"
.venv/bin/mypy
echo "==> migrations are checked in"
.venv/bin/python manage.py makemigrations --check --dry-run -v 1
echo "==> deploy check (prod settings): any security warning fails the run"
DEPLOY_ENV=(DJANGO_SETTINGS_MODULE=config.settings.prod ALLOWED_HOSTS=zhengtong.example.gov.cn
  SECRET_KEY="$(head -c 48 /dev/urandom | base64)" AUDIT_HMAC_KEY="$(head -c 48 /dev/urandom | base64)")
env "${DEPLOY_ENV[@]}" .venv/bin/python manage.py check --deploy --fail-level ERROR
env "${DEPLOY_ENV[@]}" .venv/bin/python manage.py check --deploy --tag security --fail-level WARNING

# PostgreSQL and Redis of our own, on loopback, stopped on exit.
PGDIR=$(mktemp -d /tmp/zt-pg.XXXXXX); chown postgres "$PGDIR"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGPORT=${PGPORT:-55432}; REDISPORT=${REDISPORT:-56379}
cleanup() {
  su postgres -c "$PGBIN/pg_ctl -D $PGDIR/data -m fast -w stop" >/dev/null 2>&1 || true
  [ -f "$PGDIR/redis.pid" ] && kill "$(cat "$PGDIR/redis.pid")" 2>/dev/null || true
  rm -rf "$PGDIR"
}
trap cleanup EXIT
su postgres -c "$PGBIN/initdb -D $PGDIR/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
su postgres -c "$PGBIN/pg_ctl -D $PGDIR/data -o '-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c jit=off' -l $PGDIR/pg.log -w start" >/dev/null
redis-server --port "$REDISPORT" --bind 127.0.0.1 --daemonize yes --pidfile "$PGDIR/redis.pid" --save '' --appendonly no >/dev/null

export TEST_REDIS_URL="redis://127.0.0.1:$REDISPORT/0"
# Browser tests run in their own pytest process: Playwright's sync API keeps an
# event loop running in the worker's main thread, which async_to_sync refuses.
suite() {
  local rc=0
  .venv/bin/pytest -n 2 -q -m "not e2e" "$@" || rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 5 ] || return "$rc"
  rc=0
  .venv/bin/pytest -n 2 -q -m e2e "$@" || rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 5 ] || return "$rc"
}
echo "==> pytest on SQLite"
suite "$@"
echo "==> API fuzzing: schemathesis, applicant and staff, 0 server errors, 0 schema violations"
scripts/api_fuzz.sh
echo "==> pytest on PostgreSQL + Redis"
DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/zhengtong" suite "$@"
