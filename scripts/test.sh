#!/usr/bin/env bash
# The project's test command (README): set up .venv if needed, install with the dev extra, run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".[dev]"
.venv/bin/python -m pytest -p no:cacheprovider
