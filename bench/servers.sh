#!/usr/bin/env bash
# Start or stop the PostgreSQL (127.0.0.1:55432) and Redis (127.0.0.1:56379)
# that the PostgreSQL benchmarks expect.   bench/servers.sh start | stop
set -euo pipefail
DIR=${BENCH_SERVERS_DIR:-/tmp/zt-bench-servers}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
case "${1:-}" in
  start)
    mkdir -p "$DIR"; chown postgres "$DIR"
    [ -d "$DIR/data" ] || su postgres -c "$PGBIN/initdb -D $DIR/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
    su postgres -c "$PGBIN/pg_ctl -D $DIR/data -o '-p 55432 -k $DIR -c listen_addresses=127.0.0.1 -c jit=off -c max_connections=300' -l $DIR/pg.log -w start" >/dev/null
    redis-server --port 56379 --bind 127.0.0.1 --daemonize yes --pidfile "$DIR/redis.pid" --save '' --appendonly no >/dev/null
    echo "PostgreSQL 127.0.0.1:55432 and Redis 127.0.0.1:56379 are up ($DIR)."
    ;;
  stop)
    su postgres -c "$PGBIN/pg_ctl -D $DIR/data -m fast -w stop" >/dev/null 2>&1 || true
    [ -f "$DIR/redis.pid" ] && kill "$(cat "$DIR/redis.pid")" 2>/dev/null || true
    echo "stopped."
    ;;
  *) echo "usage: bench/servers.sh start|stop" >&2; exit 2 ;;
esac
