"""``sarcoma-kg page``: the tumour-board web page (:mod:`sarcoma_kg.page`)."""

from __future__ import annotations

import click

from .common import EPILOG, reports_errors


@click.command("page", epilog=EPILOG)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the default serves this machine only.")
@click.option("--port", type=click.IntRange(1, 65535), default=8090, show_default=True)
@click.option("--max-upload", type=click.IntRange(min=1), default=1024, show_default=True, metavar="KIB",
              help="Largest submission accepted, in KiB (413 and a message on the page above it).")
@click.option("--reasoner", type=click.Choice(["compiled", "hermit", "pellet"]), default="compiled", show_default=True,
              help="As for recommend: compiled (no Java; the classes HermiT gives), hermit or pellet.")
@reports_errors
def page_command(host: str, port: int, max_upload: int, reasoner: str) -> None:
    """Serve the tumour-board page: paste or upload a patient (tumour-board CSV, Turtle, FHIR R4 mCODE
    Bundle or NDJSON) or fill a small form, and see the verdict of every definition side by side, the
    recommendations that apply, do not apply or need confirmation, and the evidence behind them.

    Nothing submitted is kept after the answer is sent."""
    import uvicorn

    from ..page.app import create_app

    click.echo(f"tumour-board page on http://{host}:{port}/ (Ctrl-C stops it)", err=True)
    uvicorn.run(create_app(max_bytes=max_upload * 1024, reasoner=reasoner), host=host, port=port,
                log_level="warning")
