"""Page 3, "Pressen over tid": the constructive share per outlet/municipality/district over weeks, months or
quarters, with 95 % bands, filters, and the articles behind a chosen point with their evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from botrygt_nlp.domain import CrimeType
from botrygt_nlp.quantify import METHOD, Correction
from botrygt_nlp.service.services import Services
from botrygt_nlp.storage import ArticleFilter, ArticleRecord
from botrygt_nlp.trends import UNKNOWN_GROUP, GroupBy, Period, TrendRow, after_bound, compute_trends, start_bound
from botrygt_nlp.validation import CorrectedTrendRow, corrected_trends
from botrygt_nlp.web.charts import Chart, build_chart
from botrygt_nlp.web.contexts import Verdict
from botrygt_nlp.web.highlight import PieceKind
from botrygt_nlp.web.kit import get_kit
from botrygt_nlp.web.render import Nav

router = APIRouter(include_in_schema=False)

BY_LABELS = {
    GroupBy.OUTLET: "Medie",
    GroupBy.MUNICIPALITY: "Kommune",
    GroupBy.DISTRICT: "Politikreds",
    GroupBy.CRIME_TYPE: "Kriminalitetstype",
}
PERIOD_LABELS = {Period.WEEK: "Uger", Period.MONTH: "Måneder", Period.QUARTER: "Kvartaler"}
_MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
POINT_ARTICLES = 100


def period_label(p: date, period: Period) -> str:
    if period is Period.WEEK:
        return f"uge {p.isocalendar().week} {p.isocalendar().year}"
    if period is Period.MONTH:
        return f"{_MONTHS[p.month - 1]} {p.year}"
    return f"{(p.month - 1) // 3 + 1}. kvt. {p.year}"


def period_end(p: date, period: Period) -> date:
    """Last day of the period starting at ``p`` (``date.max`` for a period running past year 9999)."""
    try:
        if period is Period.WEEK:
            return p + timedelta(days=6)
        months = 1 if period is Period.MONTH else 3
        y, m = divmod(p.month - 1 + months, 12)
        return date(p.year + y, m + 1, 1) - timedelta(days=1)
    except (OverflowError, ValueError):  # a hand-edited ?point=9999-12-31
        return date.max


def next_period_start(p: date, period: Period) -> date:
    """The first day of the period after the one starting at ``p`` (``p`` itself at the end of the calendar)."""
    end = period_end(p, period)
    return p if end == date.max else end + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class EvidenceLine:
    kind: PieceKind
    text: str


@dataclass(frozen=True, slots=True)
class ArticleLine:
    title: str
    url: str
    outlet: str
    published: str
    verdict: Verdict
    evidence: list[EvidenceLine]
    witness_appeal: bool = False  # shown as "efterlysning": an appeal to witnesses is not advice


@dataclass(frozen=True, slots=True)
class TableRow:
    group: str
    period: str
    articles: int
    relevant: int
    constructive: int
    share: str
    interval: str
    href: str
    corrected: str = ""  # with the correction shown: the corrected share, or why there is none
    corrected_interval: str = ""


@dataclass(frozen=True, slots=True)
class PressPage:
    by_options: list[Option]
    period_options: list[Option]
    since: str
    until: str
    chart: Chart | None
    table: list[TableRow]
    by_label: str
    model_version: str | None
    point_title: str | None = None
    point_articles: list[ArticleLine] = field(default_factory=list)
    point_note: str | None = None
    error: str | None = None
    corrected: bool = False  # the "korrigeret for modellens fejl" toggle
    correction_note: str | None = None  # what the correction rests on (labels, method, assumption)


def _parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _filter_problem(since: str, until: str, since_d: date | None, until_d: date | None) -> str | None:
    """A Danish note when a date filter could not be used as typed (it is never silently dropped)."""
    fields = (("«Fra»", since, since_d), ("«Til og med»", until, until_d))
    bad = [label for label, raw, parsed in fields if raw and not parsed]
    if len(bad) == 2:
        return "Datoerne i «Fra» og «Til og med» kan ikke læses (skriv ÅÅÅÅ-MM-DD); de er ikke brugt."
    if bad:
        return f"Datoen i {bad[0]} kan ikke læses (skriv ÅÅÅÅ-MM-DD); den er ikke brugt."
    if since_d and until_d and until_d < since_d:
        return "«Til og med» lå før «Fra»; de to datoer er byttet om."
    return None


def _article_line(a: ArticleRecord) -> ArticleLine:
    p = a.assessment.assessment if a.assessment else None
    verdict = (
        Verdict.NOT_RELEVANT
        if p is None or not p.relevant
        else Verdict.CONSTRUCTIVE
        if p.constructive
        else Verdict.NOT_CONSTRUCTIVE
    )
    evidence = []
    if p is not None:
        evidence += [EvidenceLine(PieceKind.ADVICE, s.text.strip()) for s in p.advice_spans]
        evidence += [EvidenceLine(PieceKind.ALARM, s.text.strip()) for s in p.alarm_spans]
    return ArticleLine(
        title=a.title,
        url=a.url if a.url.startswith(("http://", "https://")) else "",
        outlet=a.outlet,
        published=(a.published or a.fetched_at).strftime("%d.%m.%Y"),
        verdict=verdict,
        evidence=evidence,
        witness_appeal=p is not None and p.witness_appeal,
    )


def _group_filter(by: GroupBy, group: str, start: date, end: date) -> ArticleFilter | None:
    if group == UNKNOWN_GROUP:
        return None
    base = {"since": start_bound(start), "until": after_bound(end), "relevant": True}
    if by is GroupBy.OUTLET:
        return ArticleFilter(outlet=group, **base)  # type: ignore[arg-type]
    if by is GroupBy.MUNICIPALITY:
        return ArticleFilter(municipality=group, **base)  # type: ignore[arg-type]
    if by is GroupBy.DISTRICT:
        return ArticleFilter(district=group, **base)  # type: ignore[arg-type]
    try:
        return ArticleFilter(crime_type=CrimeType(group), **base)  # type: ignore[arg-type]
    except ValueError:
        return None


def _load(
    services: Services,
    by: GroupBy,
    period: Period,
    since: date | None,
    until: date | None,
    point: tuple[str, date] | None,
    corrected: bool = False,
) -> tuple[list[TrendRow], str | None, list[ArticleRecord] | None, list[CorrectedTrendRow] | None]:
    store = services.store
    fixed = corrected_trends(store, by, period, start_bound(since), after_bound(until)) if corrected else None
    rows = (
        [f.row for f in fixed]
        if fixed is not None
        else compute_trends(store, by, period, start_bound(since), after_bound(until))
    )
    articles = None
    if point is not None:
        flt = _group_filter(by, point[0], point[1], period_end(point[1], period))
        if flt is not None:
            articles, _ = store.list_articles(flt, limit=POINT_ARTICLES)
    return rows, store.latest_model_version(), articles, fixed


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{round(x * 100)} %"


def _correction_note(fixed: list[CorrectedTrendRow]) -> str:
    if not fixed:
        return "Ingen vurderede artikler i perioden."
    labels = fixed[0].correction.n_labels
    if all(f.correction.share is None for f in fixed):
        return (
            f"Ingen korrigeret andel: der er {labels} kontrollerede artikler for denne modelversion, og "
            "korrektionen kræver mindst 30 og mindst 5 af hver slags. Kontrollér flere på siden Kontrol."
        )
    return (
        f"Korrigeret for modellens fejl ud fra {labels} kontrollerede artikler: de fejl, modellen gjorde i "
        "kontrollen, regnes ud af dens tal (metoden hedder "
        f"{METHOD}). Båndet er et 95 %-interval, der også rummer usikkerheden på selve korrektionen. Det "
        "forudsætter, at modellen fejler lige så ofte i hver gruppe og periode som i kontrolstikprøven."
    )


@router.get("/pressen")
async def press(
    request: Request,
    by: str = "outlet",
    period: str = "month",
    since: str = "",
    until: str = "",
    group: str = "",
    point: str = "",
    korrigeret: str = "",
) -> Response:
    kit = get_kit(request)
    by_v = GroupBy(by) if by in GroupBy.__members__.values() else GroupBy.OUTLET
    period_v = Period(period) if period in Period.__members__.values() else Period.MONTH
    since_d, until_d = _parse_date(since), _parse_date(until)
    error = _filter_problem(since, until, since_d, until_d)
    if error is not None and since_d and until_d and until_d < since_d:
        since_d, until_d = until_d, since_d  # show the range the person surely meant, and say so
    point_d = _parse_date(point)
    chosen = (group, point_d) if group and point_d else None
    want_corrected = korrigeret == "1"
    rows, version, articles, fixed = await run_in_threadpool(
        _load, kit.services, by_v, period_v, since_d, until_d, chosen, want_corrected
    )
    base = {
        "by": by_v.value,
        "period": period_v.value,
        "since": since_d.isoformat() if since_d else "",
        "until": until_d.isoformat() if until_d else "",
        **({"korrigeret": "1"} if want_corrected else {}),
    }
    corr = {(f.row.group, f.row.period): f.correction for f in fixed or []}

    def href(g: str, p: date) -> str:
        return "/pressen?" + urlencode({**base, "group": g, "point": p.isoformat()}) + "#artikler"

    def label(p: date) -> str:
        return period_label(p, period_v)

    table = [
        TableRow(
            group=r.group,
            period=label(r.period),
            articles=r.articles,
            relevant=r.relevant,
            constructive=r.constructive,
            share="–" if r.share_constructive is None else f"{round(r.share_constructive * 100)} %",
            interval="–"
            if r.ci_low is None or r.ci_high is None
            else f"{round(r.ci_low * 100)}–{round(r.ci_high * 100)} %",
            href=href(r.group, r.period),
            **(_corrected_cells(corr.get((r.group, r.period))) if fixed is not None else {}),
        )
        for r in rows
    ]
    page = PressPage(
        by_options=[Option(g.value, lbl, g is by_v) for g, lbl in BY_LABELS.items()],
        period_options=[Option(p.value, lbl, p is period_v) for p, lbl in PERIOD_LABELS.items()],
        since=base["since"],
        until=base["until"],
        chart=build_chart(
            rows,
            href,
            label,
            next_period=lambda p: next_period_start(p, period_v),
            corrections={k: (c.share, c.ci_low, c.ci_high) for k, c in corr.items()} if fixed is not None else None,
        ),
        table=table,
        by_label=BY_LABELS[by_v],
        model_version=version,
        point_title=f"{group}, {label(point_d)}" if chosen and point_d else None,
        point_articles=[_article_line(a) for a in articles or []],
        point_note=("Artikler uden kendt gruppe kan ikke vises enkeltvis." if chosen and articles is None else None),
        error=error,
        corrected=want_corrected,
        correction_note=_correction_note(fixed) if fixed is not None else None,
    )
    return kit.renderer.render(request, "pressen.html.j2", page, Nav.TRENDS)


def _corrected_cells(c: Correction | None) -> dict[str, str]:
    if c is None or c.share is None:
        return {"corrected": "–", "corrected_interval": "for få kontrollerede artikler" if c else "–"}
    interval = "–" if c.ci_low is None or c.ci_high is None else f"{round(c.ci_low * 100)}–{_pct(c.ci_high)}"
    return {"corrected": _pct(c.share), "corrected_interval": interval}
