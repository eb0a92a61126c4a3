#!/usr/bin/env bash
# The README's test command: install what the tests need (a .venv, system packages, npm tools),
# printing one "setup:" line per step, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-tests.sh
echo "test: running the whole suite with .venv/bin/python -m pytest (slow gates included)"
bash scripts/run-tests.sh "$@"
