"""How every `botrygt` command fails: ``error: <message>`` on stderr, exit 2 for input errors, 1 otherwise.

The exit status of a library error comes from the core's error catalogue (:func:`botrygt_nlp.errors.exit_status`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from botrygt_nlp.errors import BotrygtError, exit_status

INPUT_EXIT = 2  # the caller can fix it: a bad option, a missing file, unusable input
FAILURE_EXIT = 1  # anything else: storage, model, fetching


def fail(problem: BotrygtError | str, *, status: int | None = None) -> typer.Exit:
    """Say ``error: <message>`` on stderr and return the :class:`typer.Exit` to raise.

    A library error exits with its catalogued status; a plain message is an input error unless ``status`` says
    otherwise.
    """
    if isinstance(problem, BotrygtError):
        message, default = problem.message, exit_status(problem)
    else:
        message, default = problem, INPUT_EXIT
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(default if status is None else status)


@contextmanager
def cli_errors() -> Iterator[None]:
    """Library errors and raw storage failures (a driver error from a read) become :func:`fail`."""
    try:
        yield
    except BotrygtError as exc:
        raise fail(exc) from exc
    except Exception as exc:
        from botrygt_nlp.storage.failures import storage_failure  # imported on use: `botrygt --help` stays fast

        failure = storage_failure(exc)
        if failure is None:
            raise
        raise fail(failure) from exc
