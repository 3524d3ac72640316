"""The ``sarcoma-kg`` command: assembles the verbs, prints, and exits.

Only this module prints results or exits. Each verb is a thin wrapper over a testable
function in its own module (build, validate, reason, recommend, query, serve, cohort ...).

Exit codes (all verbs):
  0  success; for validate: all input is valid (whatever the verdicts)
  1  does not conform: data violations, QC failures, an inconsistent ontology
  2  usage or input error: unreadable or malformed file, unknown name, bad option
"""

from __future__ import annotations

import sys
from functools import wraps

import click

from . import __version__
from .graphs import InputError

EXIT_OK = 0
EXIT_NONCONFORMANT = 1
EXIT_INPUT = 2

EPILOG = (
    "Exit codes: 0 ok / conforms; 1 does not conform (violations, failed QC, inconsistency); "
    "2 usage or input error (the message names the file and line)."
)


def reports_input_errors(func):
    """Turn expected input errors into a one-line message and exit code 2 (no traceback)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (InputError, FileNotFoundError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_INPUT)

    return wrapper


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sarcoma-kg")
def main() -> None:
    """sarcoma-kg: an open knowledge graph of oligometastatic sarcoma care.

    Build the OWL ontology and knowledge base, validate patients against every definition
    of oligometastatic disease, classify them with a real reasoner, find the recommendations
    that apply and the evidence behind them, and query or serve the graph over SPARQL.
    """


# --- verb: build -------------------------------------------------------------------------

# --- verb: validate ----------------------------------------------------------------------

# --- verb: classify / recommend ------------------------------------------------------------

# --- verb: query / serve / load ---------------------------------------------------------

# --- verb: cohort ------------------------------------------------------------------------

# --- verb: demo --------------------------------------------------------------------------


if __name__ == "__main__":  # pragma: no cover
    main()
