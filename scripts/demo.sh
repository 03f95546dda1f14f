#!/usr/bin/env bash
# One command: set up and start the demo on the embedded default
# (SQLite, huey on a SQLite file, in-memory channel layer, one ASGI process).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
PASSWORD=${DEMO_PASSWORD:-zhengtong123}
PORT=${PORT:-8000}
# Served as production serves it (config/settings/demo.py): DEBUG off, Chinese
# 404/500 pages, hashed static files through WhiteNoise.
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.demo}
# The one public address: the QR codes and links on notices, guides and ticket
# slips point here. Set it to the address visitors use (another host or port,
# https behind a proxy); the site also answers on that host.
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:${PORT}}
BASE=${PUBLIC_BASE_URL%/}
echo "==> loading demo data (catalogue, guides, windows, accounts, cases, queue)"
.venv/bin/python manage.py seed_demo --password "$PASSWORD"
.venv/bin/python manage.py collectstatic --noinput -v 0
echo "==> starting the background worker (huey)"
.venv/bin/python manage.py run_huey -w 2 > var/huey.log 2>&1 &
HUEY_PID=$!
trap 'kill $HUEY_PID 2>/dev/null || true' EXIT
cat <<MSG

  政通 Zhengtong 演示已启动： ${BASE}/
    公众门户  ${BASE}/
    工作台    ${BASE}/workbench/
    叫号屏    ${BASE}/queue/display/
    取号机    ${BASE}/queue/kiosk/
    接口文档  ${BASE}/api/docs/
    管理后台  ${BASE}/admin/
  演示账号（密码均为 ${PASSWORD}）：
    admin 中心管理员 · applicant / applicant2 申请人 · counter / counter2 窗口人员
    reviewer / reviewer2 审批人员 · supervisor 监察人员 · head 部门负责人（批准延期）
  按 Ctrl+C 停止。
MSG
# --http-timeout: a request that takes longer answers 503 instead of holding the connection
exec .venv/bin/daphne -b 0.0.0.0 -p "$PORT" --http-timeout "${HTTP_TIMEOUT:-60}" config.asgi:application
