"""The typed vocabulary at the seams: one error catalogue, typed pause reasons that old databases still read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import typer

from botrygt_nlp import errors
from botrygt_nlp.cli.failure import fail
from botrygt_nlp.reference.places import UnknownPlaceError
from botrygt_nlp.storage import (
    FeedEventKind,
    FeedExistsError,
    FeedPause,
    FeedStateUpdate,
    FeedStatus,
    PauseReason,
    UnknownFeedError,
)

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _subclasses(cls: type[errors.BotrygtError]) -> list[type[errors.BotrygtError]]:
    return [cls, *(s for sub in cls.__subclasses__() for s in _subclasses(sub))]


def test_every_error_code_of_the_tree_is_catalogued() -> None:
    # Codes of errors defined elsewhere (bad_backup, bad_scheme, store_not_empty, ...) may lean on the
    # nearest catalogued ancestor's status: errors.error_info walks the class tree.
    tree = [c for c in _subclasses(errors.BotrygtError)[1:] if c.__module__ == errors.__name__]
    known = [*tree, FeedExistsError, UnknownFeedError, UnknownPlaceError]
    assert {c.code for c in known} <= set(errors.CATALOGUE)


def test_danish_message_comes_from_the_catalogue() -> None:
    assert errors.danish_message(errors.EmptyTextError("empty")) == "Teksten er tom."
    assert errors.danish_message(errors.BinaryInputError("x"), "a.bin") == (
        "a.bin: filen ser ud til at være binær og ikke tekst."
    )
    assert errors.danish_message(errors.MalformedRecordError("line 3: not JSON")) == "line 3: not JSON"


def test_the_cli_fails_one_way(capsys: pytest.CaptureFixture[str]) -> None:
    assert fail(errors.InputError("bad")).exit_code == 2
    assert fail(errors.StorageError("down")).exit_code == 1
    assert fail("--format must be x").exit_code == 2
    assert isinstance(fail("gone", status=1), typer.Exit)
    assert capsys.readouterr().err.splitlines() == [
        "error: bad",
        "error: down",
        "error: --format must be x",
        "error: gone",
    ]


@pytest.mark.parametrize(
    ("pause", "english"),
    [
        (FeedPause(PauseReason.SOFT_FAILURES, "HTTP 404", 5), "5 soft failures in a row; last: HTTP 404"),
        (FeedPause(PauseReason.HARD_FAILURE, "HTTP 410"), "hard failure: HTTP 410"),
        (FeedPause(PauseReason.BLOCKED, "robots.txt disallows it"), "blocked: robots.txt disallows it"),
        (FeedPause(PauseReason.OTHER, "feed gone (410)"), "feed gone (410)"),
    ],
)
def test_pause_reasons_are_stored_typed_and_old_prose_still_reads(pause: FeedPause, english: str) -> None:
    assert pause.english() == english
    assert FeedPause.decode(pause.encode()) == pause
    assert FeedPause.decode(english) == pause  # what databases written before the typed reason hold
    update = FeedStateUpdate(
        status=FeedStatus.PAUSED,
        next_poll_at=T0,
        polled_at=T0,
        failure_count=1,
        event=FeedEventKind.HARD_FAILURE,
        pause=pause,
    )
    assert update.pause_reason == english


def test_a_free_text_starting_with_a_brace_is_not_mistaken_for_json() -> None:
    assert FeedPause.decode("{oops") == FeedPause(PauseReason.OTHER, "{oops")
