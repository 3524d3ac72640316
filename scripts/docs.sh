#!/usr/bin/env bash
# Build the documentation site into site/ (MkDocs, Material theme): first regenerate the query
# reference (docs/reference/queries.md) from the #+ headers of queries/*.rq.
#   scripts/docs.sh          build into site/ (strict: a broken link fails)
#   scripts/docs.sh serve    serve with live reload on http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export NO_MKDOCS_2_WARNING=1
bash scripts/setup.sh
.venv/bin/python scripts/docs.py
if [ "${1:-build}" = "serve" ]; then
  exec .venv/bin/mkdocs serve
fi
exec .venv/bin/mkdocs build --strict --site-dir site
