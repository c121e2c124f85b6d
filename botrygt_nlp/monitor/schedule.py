"""Pure polling policy: when to poll next and when a feed is dead (no I/O, no clock reads).

Failures are graded from FetchResult.status. Soft failures (404, 429, 5xx, timeouts) back off linearly
with a cap, and a server's Retry-After is honoured when longer. Hard failures and refusals (SSRF guard,
robots.txt) pause the feed at once; N soft failures in a row pause it too. A paused feed keeps its reason
and stays listed until someone resumes it — never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from botrygt_nlp.news.types import FetchResult, FetchStatus
from botrygt_nlp.storage.types import FeedEventKind, FeedPause, FeedStateUpdate, FeedStatus, PauseReason


@dataclass(frozen=True, slots=True)
class PollPolicy:
    interval_s: float = 15 * 60  # normal cadence after a successful poll
    backoff_step_s: float = 15 * 60  # added per consecutive failure
    backoff_cap_s: float = 6 * 60 * 60  # linear backoff never waits longer than this ...
    retry_after_cap_s: float = 24 * 60 * 60  # ... except when the server asks (bounded, too)
    max_soft_failures: int = 10  # this many soft failures in a row: the feed is dead
    lease_s: float = 10 * 60  # a worker's claim on a feed while it polls it
    title_window_days: int = 3  # same normalised title per outlet within N days = duplicate
    # A feed's first poll can bring thousands of new entries (a 5,000-item archive feed): one page a
    # second is well over an hour, far past the lease, in one giant transaction. So a pass takes at most
    # this many new entries (the rest next pass, the feed stays due) ...
    max_new_per_poll: int = 200
    # ... commits what it has every this many articles, renewing the lease (a crash loses one chunk) ...
    commit_every: int = 20
    # ... and a page that fails softly (429, 5xx, timeout) is tried again next poll instead of being stored
    # from the feed summary for good, while its entry is younger than this (older or undated: summary).
    page_retry_hours: float = 24.0


def backoff_delay_s(consecutive_failures: int, policy: PollPolicy, retry_after_s: float | None = None) -> float:
    """Linear backoff: interval + step x (failures - 1), capped; Retry-After wins when longer."""
    n = max(1, consecutive_failures)
    delay = min(policy.interval_s + policy.backoff_step_s * (n - 1), policy.backoff_cap_s)
    if retry_after_s is not None and retry_after_s > delay:
        delay = min(retry_after_s, policy.retry_after_cap_s)
    return delay


def after_fetch(
    result: FetchResult,
    *,
    failure_count: int,
    now: datetime,
    policy: PollPolicy,
    new_articles: int = 0,
    title: str | None = None,
) -> FeedStateUpdate:
    """The feed's next state after one fetch of its document."""
    if result.status in (FetchStatus.OK, FetchStatus.NOT_MODIFIED):
        ok = result.status is FetchStatus.OK
        return FeedStateUpdate(
            status=FeedStatus.ACTIVE,
            next_poll_at=now + timedelta(seconds=policy.interval_s),
            polled_at=now,
            failure_count=0,
            event=FeedEventKind.OK if ok else FeedEventKind.NOT_MODIFIED,
            message=f"{new_articles} new" if ok else None,
            etag=result.etag,
            last_modified=result.last_modified,
            body_sha256=result.body_sha256,
            http_status=result.http_status,
            success=True,
            title=title,
        )
    reason = result.error or (f"HTTP {result.http_status}" if result.http_status else result.status.value)
    if result.deferred:
        # The host is cooling down after another of its feeds was told to wait: this one was never asked. It
        # waits as long, and keeps its own failure count (a sibling's 429 must not pause it).
        return FeedStateUpdate(
            status=FeedStatus.ACTIVE,
            next_poll_at=now + timedelta(seconds=max(result.retry_after_s or 0.0, 60.0)),
            polled_at=now,
            failure_count=failure_count,
            event=FeedEventKind.SOFT_FAILURE,
            message=reason,
            keep_validators=True,
        )
    failures = failure_count + 1
    if result.status is FetchStatus.SOFT_FAILURE:
        dead = failures >= policy.max_soft_failures
        return FeedStateUpdate(
            status=FeedStatus.PAUSED if dead else FeedStatus.ACTIVE,
            next_poll_at=now + timedelta(seconds=backoff_delay_s(failures, policy, result.retry_after_s)),
            polled_at=now,
            failure_count=failures,
            event=FeedEventKind.SOFT_FAILURE,
            message=reason,
            pause=FeedPause(PauseReason.SOFT_FAILURES, reason, failures) if dead else None,
            http_status=result.http_status,
            last_error=reason,
            keep_validators=True,
        )
    kind = FeedEventKind.BLOCKED if result.status is FetchStatus.BLOCKED else FeedEventKind.HARD_FAILURE
    why = PauseReason.BLOCKED if kind is FeedEventKind.BLOCKED else PauseReason.HARD_FAILURE
    return FeedStateUpdate(
        status=FeedStatus.PAUSED,
        next_poll_at=now + timedelta(seconds=backoff_delay_s(failures, policy, result.retry_after_s)),
        polled_at=now,
        failure_count=failures,
        event=kind,
        message=reason,
        pause=FeedPause(why, reason),
        http_status=result.http_status,
        last_error=reason,
        keep_validators=True,
    )


def after_parse_error(error: str, *, failure_count: int, now: datetime, policy: PollPolicy) -> FeedStateUpdate:
    """A body that is not a feed counts as a soft failure (a CMS hiccup often serves an HTML error page)."""
    failures = failure_count + 1
    dead = failures >= policy.max_soft_failures
    return FeedStateUpdate(
        status=FeedStatus.PAUSED if dead else FeedStatus.ACTIVE,
        next_poll_at=now + timedelta(seconds=backoff_delay_s(failures, policy)),
        polled_at=now,
        failure_count=failures,
        event=FeedEventKind.SOFT_FAILURE,
        message=f"unparseable feed: {error}",
        pause=FeedPause(PauseReason.SOFT_FAILURES, f"unparseable feed: {error}", failures) if dead else None,
        last_error=f"unparseable feed: {error}",
        keep_validators=True,
    )
