#!/usr/bin/env bash
# One command from a fresh clone to a running Chibo with demo data on SQLite:
# install, migrate, load the demo committee if the database is empty, serve on :8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# DEBUG stays off: users see Chibo's Vietnamese error pages, WhiteNoise serves the static files
# (settings: WHITENOISE_USE_FINDERS). `DEBUG=1 bash scripts/start.sh` shows Django's debug pages.
export CHIBO_DEV=1 DEBUG=${DEBUG:-0}
mkdir -p var
.venv/bin/chibo migrate --noinput
.venv/bin/chibo demo --if-empty
echo "==> Chibo đang chạy tại http://127.0.0.1:${PORT:-8000}"
exec .venv/bin/chibo serve --dev --port "${PORT:-8000}"
