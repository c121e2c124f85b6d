"""What one polling pass did, per feed and per stage: the poll loop's typed result (printed by the CLI,
summed by the benchmark). One bad article is an :class:`EntryError` here, never a swallowed warning."""

from __future__ import annotations

from dataclasses import dataclass, field

from botrygt_nlp.errors import StorageError
from botrygt_nlp.news.types import FetchStatus

STAGES = ("fetch_feed", "parse", "dedup", "fetch_page", "extract", "assess", "store")


@dataclass(frozen=True, slots=True)
class EntryError:
    feed_id: int
    url: str | None
    error: str


@dataclass(slots=True)
class FeedPollResult:
    feed_id: int
    outlet: str
    status: FetchStatus | None
    new_articles: int = 0
    duplicates: int = 0
    from_summary: int = 0
    paused: bool = False
    interrupted: bool = False
    backlog: int = 0  # new entries left for the next pass (PollPolicy.max_new_per_poll)
    deferred: int = 0  # entries whose page failed softly: tried again next poll
    error: str | None = None
    entry_errors: list[EntryError] = field(default_factory=list)
    # Not requested: its host asked us to wait for another feed's sake (no failure; see FetchResult.deferred).
    waiting: str | None = None


@dataclass(slots=True)
class PollReport:
    feeds: list[FeedPollResult] = field(default_factory=list)
    stage_s: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    # The storage failed (a full disk, the database gone) and the pass stopped there. No feed is blamed for
    # it; callers must not report the pass as a success.
    storage_error: StorageError | None = None

    @property
    def new_articles(self) -> int:
        return sum(f.new_articles for f in self.feeds)

    @property
    def failed(self) -> int:
        return sum(1 for f in self.feeds if f.error is not None)

    @property
    def paused(self) -> int:
        return sum(1 for f in self.feeds if f.paused)

    @property
    def entry_errors(self) -> list[EntryError]:
        return [e for f in self.feeds for e in f.entry_errors]


def stage_shares(report: PollReport) -> dict[str, float]:
    total = sum(report.stage_s.values()) or 1.0
    return {k: v / total for k, v in report.stage_s.items()}
