"""`botrygt serve`, `botrygt keys create/list/revoke` and `botrygt feedback export`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from botrygt_nlp.cli.failure import fail
from botrygt_nlp.config import get_settings
from botrygt_nlp.errors import BotrygtError

if TYPE_CHECKING:
    from botrygt_nlp.storage import Store


def _store() -> Store:
    from botrygt_nlp.storage import Store  # imported on use: `botrygt --help` stays fast

    settings = get_settings()
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Store.from_settings(settings)


def serve(
    host: Annotated[str, typer.Option(help="Interface to bind; 127.0.0.1 keeps it on this machine")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
) -> None:
    """Serve the HTTP API (/v1, docs at /docs) and the web pages on the embedded defaults."""
    from botrygt_nlp.asgi import create_app
    from botrygt_nlp.asgi import serve as serve_app

    app = create_app(get_settings())
    # Load the model now, not inside the first request.
    _ = app.state.services.analyzer
    typer.echo(f"botrygt-nlp serving on http://{host}:{port}/ (API docs: /docs)", err=True)
    # uvicorn with header/body timeouts, a connection cap and quiet accept errors (api/server.py).
    serve_app(app, host=host, port=port)


keys_app = typer.Typer(help="API keys: needed for every write endpoint and the Kilder page.", no_args_is_help=True)


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="Who or what uses the key, e.g. 'kommune-ringsted'")],
) -> None:
    """Create a key. The secret is printed once; only its hash is stored."""
    try:
        key_id, secret = _store().create_api_key(name)
    except BotrygtError as exc:
        raise fail(exc) from exc
    typer.echo(f"key id: {key_id}", err=True)
    typer.echo(secret)


@keys_app.command("list")
def keys_list() -> None:
    """Keys with their state (secrets are never shown)."""
    for k in _store().list_api_keys():
        state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
        used = f"{k.last_used_at:%Y-%m-%d %H:%M}" if k.last_used_at else "never"
        typer.echo(f"{k.key_id}\t{k.name}\t{state}\tcreated {k.created_at:%Y-%m-%d}\tlast used {used}")


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key id shown by `keys list`")]) -> None:
    """Revoke a key; requests with it fail from now on."""
    if not _store().revoke_api_key(key_id):
        raise fail(f"no active key with id {key_id}", status=1)
    typer.echo(f"revoked {key_id}", err=True)


feedback_app = typer.Typer(help="Corrections people sent through POST /v1/feedback.", no_args_is_help=True)


@feedback_app.command("export")
def feedback_export(
    out: Annotated[Path | None, typer.Option("--output", "-o", help="JSONL file (default: stdout)")] = None,
    include_validation: Annotated[
        bool,
        typer.Option("--include-validation", help="Also the validation labels (`botrygt validate import`, Kontrol)"),
    ] = False,
) -> None:
    """Write feedback as corpus units (models/corpus JSONL shape) for the next training round."""
    from botrygt_nlp import get_analyzer
    from botrygt_nlp.service.training import ExportReport, export_feedback

    report = ExportReport()
    stream = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        for unit in export_feedback(_store(), get_analyzer(), report, include_validation=include_validation):
            stream.write(json.dumps(unit, ensure_ascii=False) + "\n")
    except BotrygtError as exc:
        raise fail(exc) from exc
    finally:
        if out:
            stream.close()
    skipped = ", ".join(f"{k}={v}" for k, v in sorted(report.skipped.items())) or "none"
    typer.echo(f"exported {report.exported} units; skipped: {skipped}", err=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("serve")(serve)
    app.add_typer(keys_app, name="keys")
    app.add_typer(feedback_app, name="feedback")
