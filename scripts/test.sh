#!/usr/bin/env bash
# The README's test command: install what the tests need (system packages too), then run them all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-tests.sh
bash scripts/run-tests.sh "$@"
