#!/usr/bin/env bash
# The project's test command (README): install with the dev extra, then lint, type-check, and run the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q --upgrade pip >/dev/null
python -m pip install -q -e ".[dev]"
python -m pytest -q -p no:cacheprovider
