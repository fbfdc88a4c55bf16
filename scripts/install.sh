#!/usr/bin/env bash
# Installs everything Chibo needs into the repository: .venv (Python packages from PyPI, the
# versions and hashes of the lock file) and node_modules (front-end packages and the Tinos font
# from the npm registry).
# Idempotent: re-running skips what is already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  echo "==> Tạo môi trường Python (.venv)"
  "$PYTHON" -m venv .venv
fi
# The Python packages come from a lock file with hashes (pip-compile --generate-hashes, README
# "Locked dependencies"): exactly the versions CI tested, each file checked against its hash.
# requirements-test.lock (the default) adds the test tools; LOCK=requirements.lock installs what
# a production server needs only. Chibo itself is then installed in place without dependencies.
LOCK=${LOCK:-requirements-test.lock}
stamp=.venv/.chibo-installed
if [ ! -f "$stamp" ] || [ "$LOCK" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ] \
   || [ "$(cat "$stamp")" != "$LOCK" ]; then
  echo "==> Cài gói Python ($LOCK)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet --require-hashes -r "$LOCK"
  .venv/bin/python -m pip install --quiet --no-deps -e .
  echo "$LOCK" > "$stamp"
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> Cài gói giao diện (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
