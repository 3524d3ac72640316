"""sarcoma-kg: an open knowledge graph of oligometastatic sarcoma care."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sarcoma-kg")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
