"""The `botrygt` command line: thin Typer edges over the core. Each sub-module owns one group of commands."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from botrygt_nlp.cli import api_cmds, db_cmds, demo_cmds, monitor_cmds, report_cmds, score_cmds, validate_cmds

app = typer.Typer(
    name="botrygt",
    help="Konstruktiv kriminalitetskommunikation: score, rewrite and monitor Danish crime texts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

score_cmds.register(app)
report_cmds.register(app)
monitor_cmds.register(app)
api_cmds.register(app)
db_cmds.register(app)
validate_cmds.register(app)
demo_cmds.register(app)


def main() -> None:
    try:
        app()
    except ValidationError as exc:
        if exc.title != "Settings":
            raise
        # A BOTRYGT_* variable that cannot be read: say which and what it takes, not a traceback.
        problems = "\n".join(f"  BOTRYGT_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        typer.echo(f"error: a setting in the environment is invalid:\n{problems}", err=True)
        raise SystemExit(2) from None
