#!/usr/bin/env bash
# One command: set everything up, then run the whole test suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bash scripts/setup.sh --with-browser
# two worker processes, each test file on one of them (its module fixtures computed once)
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
