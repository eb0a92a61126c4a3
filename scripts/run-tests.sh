#!/usr/bin/env bash
# Runs the tests with the project's .venv (made by scripts/setup-tests.sh), the slow browser and
# validator gates included; arguments go to pytest, e.g. `-m "not slow"` or a test file.
# The tests start `python -m ballerina_site` with the same interpreter, so no activation is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
python=.venv/bin/python
if [ ! -x "$python" ]; then
  echo "run-tests: no .venv here; run \`bash scripts/setup-tests.sh\` first (or \`bash scripts/test.sh\`)" >&2
  exit 2
fi
exec "$python" -m pytest -q -p no:cacheprovider "$@"
