"""The package's exceptions: one family, so that a caller (the CLI) catches one type.

Every error a user can cause or meet derives from :class:`SarcomaKgError` and says what the
process exit code of a command that stops on it is (:data:`EXIT_NONCONFORMANT` or
:data:`EXIT_INPUT`). Messages name the file and, where known, the line.

Exit codes of every ``sarcoma-kg`` command:

* :data:`EXIT_OK` (0): success; for ``validate``, all input is valid (whatever the verdicts);
* :data:`EXIT_NONCONFORMANT` (1): does not conform: data violations, QC failures, an inconsistent
  ontology, a reasoner or store that could not do its work;
* :data:`EXIT_INPUT` (2): usage or input error: unreadable or malformed file, unknown name, bad option.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NONCONFORMANT = 1
EXIT_INPUT = 2


class SarcomaKgError(Exception):
    """Base of every error of the package."""

    #: The exit code of a command that stops on this error.
    exit_code: int = EXIT_INPUT
    #: Said before the message when a command reports the error (``build failed``).
    context: str = ""


class InputError(SarcomaKgError):
    """Unreadable or malformed input; the message names the file and, where known, the line."""


class QueryError(SarcomaKgError):
    """A query could not be run: syntax error, refused update, endpoint failure."""


class ServeError(SarcomaKgError):
    """The server could not be prepared or started."""


class BuildError(SarcomaKgError):
    """The release cannot be built: integrity violations, QC errors, an inconsistent ontology."""

    exit_code = EXIT_NONCONFORMANT
    context = "build failed"


class ReasonerError(SarcomaKgError):
    """The reasoner could not run (bad input for it, Java failure), or the data contradict the ontology."""

    exit_code = EXIT_NONCONFORMANT


class ProfileError(ReasonerError):
    """The OWL 2 DL profile checker could not run (no Java, no OWL API jars, a crash)."""


class LoadError(SarcomaKgError):
    """The store refused the data or could not be reached."""

    exit_code = EXIT_NONCONFORMANT
