#!/usr/bin/env bash
# Quick start, step 2: run the test suite (sets up first if needed). Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/env.sh --test
# Two processes, a test file to each (pytest-xdist): builds wait on Java and browsers
# often enough that two keep two cores busy. EXPORTER_TEST_WORKERS=1 runs them in one.
exec .venv/bin/python -m pytest -n "${EXPORTER_TEST_WORKERS:-2}" --dist loadfile "$@"
