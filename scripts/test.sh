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
# CHIBO_TEST_SETUP_ONLY=1: stop here, everything installed (.ci/run, before its two parallel runs).
if [ "${CHIBO_TEST_SETUP_ONLY:-0}" = 1 ]; then exit 0; fi
.venv/bin/ruff check .
# Coverage of the chibo package: the files not fully covered with their missing lines, then the total.
# CHIBO_COVERAGE=0 runs without it (.ci/run measures it once, on SQLite, with --cov-fail-under=95).
cov=(--cov=chibo --cov-report=term-missing:skip-covered)
if [ "${CHIBO_COVERAGE:-1}" = 0 ]; then cov=(); fi
exec .venv/bin/pytest ${cov[@]+"${cov[@]}"} "$@"
