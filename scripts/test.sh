#!/usr/bin/env bash
# The project's test command (README): set up .venv if needed, install the dev and bench extras
# (the bench peers are cross-checked against govrule by the tests),
# lint (ruff), type-check (mypy --strict on src/), then run the test suite (which also builds the docs).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".[dev,bench,serve,serve-test,audit]"
# The service's playground test drives the OS's Chromium (Debian package `chromium`) with Playwright.
command -v chromium >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)
echo "ruff: lint and format"
.venv/bin/ruff check src tests bench scripts
.venv/bin/ruff format --check src tests bench scripts
echo "mypy --strict src/"
.venv/bin/mypy src/govrule
.venv/bin/python -m pytest -p no:cacheprovider
