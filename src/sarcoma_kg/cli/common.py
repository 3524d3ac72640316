"""What every command shares: the exit codes in the help, and the one way errors are reported."""

from __future__ import annotations

import sys
from functools import wraps

import click

from ..errors import EXIT_INPUT, SarcomaKgError

EPILOG = (
    "Exit codes: 0 ok / conforms; 1 does not conform (violations, failed QC, inconsistency); "
    "2 usage or input error (the message names the file and line)."
)

#: The help of every --out/--release option.
RELEASE_DIR_HELP = ("Release directory [default: dist/ in a source tree; for an installed package "
                    "~/.local/share/sarcoma-kg/VERSION or $SARCOMA_KG_RELEASE_DIR; `sarcoma-kg --version` shows it].")


def reports_errors(func):
    """Turn the package's errors into a one-line message on stderr and the error's exit code
    (:mod:`sarcoma_kg.errors`: 2 for input errors, 1 for failed checks), with no traceback."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except SarcomaKgError as exc:
            context = f"{exc.context}: " if exc.context else ""
            click.echo(f"error: {context}{exc}", err=True)
            sys.exit(exc.exit_code)
        except FileNotFoundError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_INPUT)

    return wrapper


def summary_text(counts: dict) -> str:
    """The release summary (``build``, ``summary``, ``demo``) as indented lines."""
    lines = ["contents:"]
    for key, value in counts.items():
        if isinstance(value, dict):
            lines.append(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in value.items()))
        else:
            lines.append(f"  {key}: {value}")
    return "\n".join(lines)
