#!/usr/bin/env bash
# Quick start, step 1: set up on first use, then build the sample editions into dist/.
set -euo pipefail
cd "$(dirname "$0")"
scripts/env.sh
# --check: 'exporter check' on every edition; the results go in dist/manifest.json.
.venv/bin/exporter build source --out dist --check "$@"
