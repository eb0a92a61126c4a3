#!/usr/bin/env bash
# Runs every test, the slow browser and validator gates included.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pytest -q -p no:cacheprovider "$@"
