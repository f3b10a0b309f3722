#!/usr/bin/env bash
# Quick start, step 2: run the test suite (sets up first if needed). Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/env.sh --test
exec .venv/bin/python -m pytest "$@"
