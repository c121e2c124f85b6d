"""Page 4, "Kilder": feeds with health status, last error and next poll; add/remove when signed in."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from botrygt_nlp.errors import BotrygtError
from botrygt_nlp.service.feedurl import feed_url_problem
from botrygt_nlp.storage import FeedPause, FeedRecord, FeedStatus, NewFeed, PauseReason
from botrygt_nlp.visible import has_controls
from botrygt_nlp.web.kit import checked_form, danish_message, get_kit, require_user
from botrygt_nlp.web.kit import field as form_field
from botrygt_nlp.web.render import Nav

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class FeedView:
    id: int
    outlet: str
    title: str | None
    url: str
    places: str
    healthy: bool
    paused: bool
    status_label: str
    last_error: str | None
    last_polled: str
    next_poll: str
    failures: int


@dataclass(frozen=True, slots=True)
class SourcesPage:
    feeds: list[FeedView] = field(default_factory=list)
    can_edit: bool = False
    error: str | None = None
    notice: str | None = None
    form_url: str = ""
    form_outlet: str = ""
    form_municipalities: str = ""
    form_district: str = ""


def _when(d: datetime | None) -> str:
    return d.astimezone(UTC).strftime("%d.%m.%Y %H:%M UTC") if d else "aldrig"


def pause_reason_da(pause: FeedPause) -> str:
    """A feed's pause in Danish for the page; the technical detail (an HTTP status, a parser message) is kept
    as it is."""
    match pause.reason:
        case PauseReason.SOFT_FAILURES:
            return f"{pause.count} fejl i træk, senest: {pause.detail}"
        case PauseReason.HARD_FAILURE:
            return f"varig fejl: {pause.detail}"
        case PauseReason.BLOCKED:
            return f"afvist af sikkerhedsreglerne: {pause.detail}"
        case PauseReason.OTHER:
            return pause.detail


def _view(f: FeedRecord) -> FeedView:
    # Green only for a feed that has worked: one never fetched is not yet known to be healthy.
    healthy = f.status is FeedStatus.ACTIVE and f.failure_count == 0 and f.last_success_at is not None
    if f.status is FeedStatus.PAUSED:
        label = "Sat på pause" + (f": {pause_reason_da(f.pause)}" if f.pause is not None else "")
    elif f.failure_count:
        label = f"Fejler ({f.failure_count} gange i træk)"
    else:
        label = "OK" if f.last_success_at else "Ikke hentet endnu"
    return FeedView(
        id=f.id,
        outlet=f.outlet,
        title=f.title,
        url=f.url,
        places=", ".join(f.municipalities) + (f" ({f.district})" if f.district else ""),
        healthy=healthy,
        paused=f.status is FeedStatus.PAUSED,
        status_label=label,
        last_error=f.last_error,
        last_polled=_when(f.last_polled_at),
        next_poll=_when(f.next_poll_at) if f.status is FeedStatus.ACTIVE else "–",
        failures=f.failure_count,
    )


async def _page(request: Request, base: SourcesPage, status: int = 200) -> Response:
    kit = get_kit(request)
    feeds = await run_in_threadpool(kit.services.store.list_feeds)
    page = replace(base, feeds=[_view(f) for f in feeds], can_edit=kit.renderer.user(request) is not None)
    return kit.renderer.render(request, "kilder.html.j2", page, Nav.SOURCES, status=status)


@router.get("/kilder")
async def sources(request: Request, tilfojet: str = "", fjernet: str = "", genoptaget: str = "") -> Response:
    notice = (
        "Kilden er tilføjet."
        if tilfojet
        else "Kilden er fjernet."
        if fjernet
        else "Kilden er genoptaget og hentes ved næste runde."
        if genoptaget
        else None
    )
    return await _page(request, SourcesPage(notice=notice))


def _form_problem(values: dict[str, str]) -> str | None:
    """The same limits as POST /v1/feeds, in Danish."""
    if not values["url"]:
        return "Skriv kildens adresse."
    if len(values["url"]) > 2000:
        return "Adressen er for lang (højst 2.000 tegn)."
    problem = feed_url_problem(values["url"])
    if problem is not None:
        return problem[1]
    if not values["outlet"]:
        return "Skriv mediets navn."
    if len(values["outlet"]) > 200 or len(values["municipalities"]) > 5000 or len(values["district"]) > 100:
        return "Mediets navn, kommunerne eller politikredsen er for lange."
    # The store refuses NUL in English, which the page would show; the page says it in Danish first.
    if any(has_controls(values[name]) for name in ("outlet", "municipalities", "district")):
        return "Mediets navn, kommunerne og politikredsen må ikke indeholde kontroltegn."
    return None


@router.post("/kilder")
async def add_source(request: Request) -> Response:
    form = await checked_form(request)
    await require_user(request)
    values = {k: form_field(form, k).strip() for k in ("url", "outlet", "municipalities", "district")}
    problem = _form_problem(values)
    if problem is not None:
        kept = SourcesPage(
            error=problem,
            form_url=values["url"],
            form_outlet=values["outlet"],
            form_municipalities=values["municipalities"],
            form_district=values["district"],
        )
        return await _page(request, kept, status=422)
    feed = NewFeed(
        url=values["url"],
        outlet=values["outlet"],
        municipalities=tuple(m.strip() for m in values["municipalities"].split(",") if m.strip()),
        district=values["district"] or None,
    )
    try:
        await run_in_threadpool(get_kit(request).services.store.add_feed, feed)
    except BotrygtError as exc:
        kept = SourcesPage(
            error=danish_message(exc),
            form_url=values["url"],
            form_outlet=values["outlet"],
            form_municipalities=values["municipalities"],
            form_district=values["district"],
        )
        return await _page(request, kept, status=422)
    # Post/redirect/get: a reload does not add the feed twice.
    return RedirectResponse("/kilder?tilfojet=1", status_code=303)


@router.post("/kilder/{feed_id}/genoptag")
async def resume_source(request: Request, feed_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> Response:
    """A paused feed back into the schedule, as `botrygt feeds resume`; the page said so, but offered no way."""
    await checked_form(request)
    await require_user(request)
    try:
        await run_in_threadpool(get_kit(request).services.store.resume_feed, feed_id)
    except BotrygtError as exc:
        return await _page(request, SourcesPage(error=danish_message(exc)), status=404)
    return RedirectResponse("/kilder?genoptaget=1", status_code=303)


@router.post("/kilder/{feed_id}/fjern")
async def remove_source(request: Request, feed_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> Response:
    await checked_form(request)
    await require_user(request)
    removed = await run_in_threadpool(get_kit(request).services.store.remove_feed, feed_id)
    if not removed:  # gone already (another tab, another person) or never there: say so, as the API does
        return await _page(request, SourcesPage(error=f"Kilde {feed_id} findes ikke (længere)."), status=404)
    return RedirectResponse("/kilder?fjernet=1", status_code=303)
