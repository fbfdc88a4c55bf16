#!/usr/bin/env bash
# One command from a fresh clone to the whole test suite (unit, database, browser).
# DATABASE_URL selects the database (default: SQLite; CI also runs PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
if [ ! -x /usr/bin/chromium ]; then
  echo "==> Cài Chromium của Debian cho kiểm thử trình duyệt"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/ruff check .
exec .venv/bin/pytest "$@"
