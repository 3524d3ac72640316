"""What every command shares: the exit codes in the help, and the one way errors are reported."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from functools import wraps
from typing import Callable, Iterator

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


class Steps:
    """Say on stderr which step of a long command runs, with the seconds since the command began
    (``[  12.3 s] consistency ...``); stdout stays for the data."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def __call__(self, step: str) -> None:
        click.echo(f"[{time.monotonic() - self.start:6.1f} s] {step}", err=True)

    @contextmanager
    def bar(self, label: str) -> Iterator[Callable[[int, int], None]]:
        """A progress bar on stderr, driven by the ``progress(done, total)`` callback it yields
        (click draws it only on a terminal)."""
        state: dict = {"bar": None, "done": 0}

        def progress(done: int, total: int) -> None:
            if state["bar"] is None:
                state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
                state["bar"].__enter__()
            state["bar"].update(done - state["done"])
            state["done"] = done

        try:
            yield progress
        finally:
            if state["bar"] is not None:
                state["bar"].__exit__(None, None, None)


def write_output(path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, flushed to disk and
    renamed over ``path``: a process killed at any moment leaves the old file or the new one."""
    import os
    import tempfile
    from pathlib import Path

    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def summary_text(counts: dict) -> str:
    """The release summary (``build``, ``summary``, ``demo``) as indented lines."""
    lines = ["contents:"]
    for key, value in counts.items():
        if isinstance(value, dict):
            lines.append(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in value.items()))
        else:
            lines.append(f"  {key}: {value}")
    return "\n".join(lines)
