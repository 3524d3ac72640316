"""The ``sarcoma-kg`` command: the group, and every verb added to it.

Each verb lives in the module of its area (``release``, ``patients``, ``reasoning``, ``sparql``,
``cohort``, ``demo``) as a thin wrapper over a testable function; :mod:`.common` holds the error
reporting and exit codes they share (:mod:`sarcoma_kg.errors`). Only this package prints or exits.

Exit codes (all verbs):
  0  success; for validate: all input is valid (whatever the verdicts)
  1  does not conform: data violations, QC failures, an inconsistent ontology
  2  usage or input error: unreadable or malformed file, unknown name, bad option
"""

from __future__ import annotations

import click

from .. import __version__, resources
from .cohort import cohort_group
from .common import EPILOG
from .demo import demo_command
from .page import page_command
from .patients import validate_command
from .reasoning import classify_command, recommend_command
from .release import build_command, summary_command
from .sparql import load_command, query_command, serve_command


def _version_message() -> str:
    lines = [f"sarcoma-kg {__version__}"] + [f"{key}: {value}" for key, value in resources.where().items()]
    return "\n".join(lines).replace("%", "%%")  # click formats the message with %


@click.group(epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="sarcoma-kg", message=_version_message(),
                      help="Show the version, where the data is read from and where the release is written.")
def main() -> None:
    """sarcoma-kg: an open knowledge graph of oligometastatic sarcoma care.

    Build the OWL ontology and knowledge base, validate patients against every definition
    of oligometastatic disease, classify them with a real reasoner, find the recommendations
    that apply and the evidence behind them, and query or serve the graph over SPARQL.
    """
    import sys

    for stream in (sys.stdout, sys.stderr):  # text from an input (a lone surrogate) never stops a report
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


for command in (build_command, summary_command, validate_command, classify_command, recommend_command,
                query_command, serve_command, load_command, cohort_group, demo_command, page_command):
    main.add_command(command)
