#!/usr/bin/env bash
# Installs what the tests need: the package with its test extras, Debian's chromium, Java and Node
# for the quality gates, and the gates' npm tools (pinned) in the git-ignored folder .tools/.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"

SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)  # the Nu Html Checker (vnu.jar)
command -v node >/dev/null 2>&1 || missing+=(nodejs)                 # Lighthouse
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q "${missing[@]}" >/dev/null; }
fi

# The quality gates' tools, pinned; no lockfile, nothing outside .tools/. Lighthouse 12 runs on
# Node >= 18.16 (Debian 12's nodejs); it drives /usr/bin/chromium and downloads no browser. Install
# scripts are off: vnu-jar's would download a JDK, and the machine's Java is used instead.
TOOLS=(vnu-jar@26.9.27 axe-core@4.14.1 lighthouse@12.8.2)
stamp=".tools/.installed"
if [ "$(cat "$stamp" 2>/dev/null)" != "${TOOLS[*]}" ]; then
  mkdir -p .tools
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .tools --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
    --loglevel=error "${TOOLS[@]}" >/dev/null
  echo "${TOOLS[*]}" > "$stamp"
fi
