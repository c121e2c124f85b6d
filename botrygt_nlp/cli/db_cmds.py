"""`botrygt db backup FILE` and `botrygt db restore FILE [--force]`: thin edges over storage/backup.py.

Exit codes: 0 done; 2 refused (a damaged, truncated or newer backup, a non-empty store without --force, bad
options); 1 the database failed (the store is left as it was).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from botrygt_nlp.cli.failure import fail
from botrygt_nlp.config import get_settings
from botrygt_nlp.errors import BotrygtError

if TYPE_CHECKING:
    from botrygt_nlp.storage import Store

db_app = typer.Typer(
    help="Back up and restore the whole store: feeds and their state, API keys (hashed), articles, every "
    "model version's assessments, feedback.",
    no_args_is_help=True,
)


def _store() -> Store:
    from botrygt_nlp.storage import Store  # imported on use: `botrygt --help` stays fast

    settings = get_settings()
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Store.from_settings(settings)


def _rows(rows: dict[str, int]) -> str:
    return f"{sum(rows.values())} rows in {len(rows)} tables"


@db_app.command("backup")
def backup_cmd(
    file: Annotated[Path, typer.Argument(help="Backup file to write (replaced when complete).", dir_okay=False)],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="sqlite (a SQLite database file) or portable (gzip'd JSON lines, restores into SQLite or "
            "PostgreSQL). Default by suffix: .sqlite/.sqlite3/.db sqlite, .jsonl.gz/.gz portable; otherwise "
            "sqlite on a SQLite store and portable on PostgreSQL.",
        ),
    ] = None,
) -> None:
    """Write a consistent backup of every table; safe while the monitor and the server run."""
    from botrygt_nlp.storage.backup import BackupFormat, backup

    try:
        kind = BackupFormat(fmt) if fmt is not None else None
    except ValueError:
        raise fail(f"--format must be sqlite or portable, not {fmt!r}") from None
    try:
        with _store() as store:
            report = backup(store, file, fmt=kind)
    except BotrygtError as exc:
        raise fail(exc) from exc
    typer.echo(f"backed up {_rows(report.rows)} (schema {report.schema_version}, {report.format}) to {file}")


@db_app.command("restore")
def restore_cmd(
    file: Annotated[
        Path, typer.Argument(help="A backup made by `botrygt db backup` (either format).", exists=True, dir_okay=False)
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Replace the data already in the store (refused otherwise).")
    ] = False,
) -> None:
    """Restore a backup into the store, in one transaction; an older backup is migrated on the way.

    Stop the monitor and the server first: the restore replaces everything the store holds.
    """
    from botrygt_nlp.storage.backup import restore

    try:
        with _store() as store:
            report = restore(store, file, force=force)
    except BotrygtError as exc:
        raise fail(exc) from exc
    upgraded = f", migrated from schema {report.backup_version} to {report.schema_version}" if report.migrated else ""
    replaced = " (the store's previous data was replaced)" if report.replaced else ""
    typer.echo(f"restored {_rows(report.rows)} from {file} ({report.format}{upgraded}){replaced}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(db_app, name="db")
