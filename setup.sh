#!/usr/bin/env bash
# Quick start, step 1: set up on first use, then build the sample editions into dist/.
set -euo pipefail
cd "$(dirname "$0")"
scripts/env.sh
.venv/bin/exporter build source --out dist "$@"
.venv/bin/exporter check dist/*.epub dist/*.pdf dist/*.docx
