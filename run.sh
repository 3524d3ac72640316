#!/usr/bin/env bash
# One command: set everything up, then run the main job on the examples
# (build the release, validate example patients, classify them, recommend).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bash scripts/setup.sh
exec .venv/bin/sarcoma-kg demo "$@"
