#!/usr/bin/env bash
# Installs everything Chibo needs into the repository: .venv (Python packages from PyPI)
# and node_modules (front-end packages and the Tinos font from the npm registry).
# Idempotent: re-running skips what is already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
  echo "==> Tạo môi trường Python (.venv)"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.chibo-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "==> Cài gói Python"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
  touch "$stamp"
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> Cài gói giao diện (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
