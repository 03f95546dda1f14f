#!/usr/bin/env bash
# Set up Zhengtong on a fresh Debian 12 machine (run as root).
#   scripts/setup.sh          runtime: system libraries, fonts, venv, migrate, static files
#   scripts/setup.sh --test   also PostgreSQL, Redis, Chromium, poppler and the dev tools
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

pkgs=(python3 python3-venv python3-pip libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk)
if [ "$want_test" = 1 ]; then
  pkgs+=(postgresql redis-server chromium poppler-utils)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
req=requirements/base.txt
[ "$want_test" = 1 ] && req=requirements/dev.txt
echo "==> pip install -r $req"
.venv/bin/pip install -q --disable-pip-version-check -r "$req"

mkdir -p var
echo "==> migrate"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py bootstrap_roles -v 0 >/dev/null
