#!/usr/bin/env bash
# Installs what the tests need, saying what it does as it goes (one "setup:" line per step):
#   1. a project-local virtual environment .venv (git-ignored) with the package and its test extras
#      (a stock Debian/Ubuntu Python refuses `pip install` outside one: externally-managed-environment);
#   2. Debian's chromium, Java and Node for the quality gates, and the web servers the deploy tests
#      run (nginx with its Brotli module, apache2, caddy), via apt-get, when missing;
#   3. the gates' npm tools, pinned, in the git-ignored folder .tools/.
# Safe to run again: each step that is already done says so and is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*"; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
apt_updated=""

apt_install() {  # apt_install PACKAGE...: quiet, with an apt-get update first if a package is not found
  say "apt-get install $* ..."
  if ! $SUDO apt-get install -y -q "$@" >/dev/null 2>&1; then
    if [ -z "$apt_updated" ]; then
      say "apt-get update (the package lists were stale) ..."
      $SUDO apt-get update -q >/dev/null
      apt_updated=1
    fi
    $SUDO apt-get install -y -q "$@" >/dev/null
  fi
}

# 1. The virtual environment. Debian and Ubuntu keep venv's pip bootstrap (ensurepip) in the package
# python3-venv, without which `python3 -m venv` fails: install it then, and try again.
if .venv/bin/python -m pip --version >/dev/null 2>&1; then
  say ".venv exists ($(.venv/bin/python --version)); using it"
else
  rm -rf .venv
  say "python3 -m venv .venv ($(python3 --version))"
  if ! python3 -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    version=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    say "python3 -m venv failed (no ensurepip): installing Debian's python3-venv, then trying again"
    apt_install python3-venv || true
    if ! python3 -m venv .venv >/dev/null 2>&1; then
      rm -rf .venv
      apt_install "python${version}-venv"
      python3 -m venv .venv
    fi
  fi
fi
say "pip install -e .[test] into .venv (jinja2, markdown, pyyaml, pagefind, pytest, playwright ...)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"

# 2. System packages for the quality gates.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)             # the browser gates
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)     # the Nu Html Checker (vnu.jar)
command -v node >/dev/null 2>&1 || missing+=(nodejs)                   # Lighthouse
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || missing+=(fonts-dejavu-core)  # social cards
if [ ${#missing[@]} -gt 0 ]; then
  apt_install "${missing[@]}"
else
  say "chromium, java, node, npm and the DejaVu fonts are installed"
fi

# The deploy tests (tests/render/test_servers.py) start nginx, Apache and Caddy themselves, as child
# processes on free loopback ports with their own configuration. The packages' post-install scripts
# would start the system services on port 80: a policy-rc.d that denies it is in place while they
# install (unless the machine has one already), so nothing is left running and port 80 stays free.
servers=()
command -v nginx >/dev/null 2>&1 || servers+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || servers+=(libnginx-mod-http-brotli-static)
command -v apache2 >/dev/null 2>&1 || [ -x /usr/sbin/apache2 ] || servers+=(apache2)
command -v caddy >/dev/null 2>&1 || servers+=(caddy)
if [ ${#servers[@]} -gt 0 ]; then
  policy=/usr/sbin/policy-rc.d
  if [ -e "$policy" ]; then
    apt_install "${servers[@]}"
  else
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod +x "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
    apt_install "${servers[@]}"
    $SUDO rm -f "$policy"
    trap - EXIT
  fi
else
  say "nginx (with Brotli), apache2 and caddy are installed"
fi

# 3. The quality gates' tools, pinned; no lockfile, nothing outside .tools/. Lighthouse 12 runs on
# Node >= 18.16 (Debian 12's nodejs); it drives /usr/bin/chromium and downloads no browser. Install
# scripts are off: vnu-jar's would download a JDK, and the machine's Java is used instead.
TOOLS=(vnu-jar@26.9.27 axe-core@4.14.1 lighthouse@12.8.2)
stamp=".tools/.installed"
if [ "$(cat "$stamp" 2>/dev/null)" != "${TOOLS[*]}" ]; then
  say "npm install ${TOOLS[*]} into .tools/ ..."
  mkdir -p .tools
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .tools --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
    --loglevel=error "${TOOLS[@]}" >/dev/null
  echo "${TOOLS[*]}" > "$stamp"
else
  say "npm tools in .tools/ are up to date (${TOOLS[*]})"
fi
say "done"
