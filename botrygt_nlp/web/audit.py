"""Page 2, "Gennemgå materiale": several files (txt, md, html, docx, pdf) or URLs (through the SSRF-guarded
fetcher) -> a sortable table of verdicts with drill-down to the evidence, and a CSV download.

Nothing is stored. Sorting and CSV re-use the verdicts of the first request, carried back by the browser in
a signed hidden field (verdicts and evidence snippets only, not the texts), so no file is uploaded twice.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from botrygt_nlp.csvout import rows_to_csv
from botrygt_nlp.domain import Assessment
from botrygt_nlp.errors import BlockedURLError, BotrygtError
from botrygt_nlp.inputs import looks_binary
from botrygt_nlp.monitor.extract import extract_article
from botrygt_nlp.news.types import FetchStatus
from botrygt_nlp.service.feedurl import feed_url_problem
from botrygt_nlp.service.problems import ProblemError
from botrygt_nlp.service.services import Services
from botrygt_nlp.web.contexts import Verdict
from botrygt_nlp.web.documents import DocKind, read_document
from botrygt_nlp.web.highlight import PieceKind
from botrygt_nlp.web.kit import checked_form, danish_message, get_kit, uploads
from botrygt_nlp.web.kit import field as form_field
from botrygt_nlp.web.render import Nav
from botrygt_nlp.web.security import Signer

if TYPE_CHECKING:
    from botrygt_nlp.monitor.fetch import Fetcher

router = APIRouter(include_in_schema=False)


class SortKey(StrEnum):
    NAME = "name"
    VERDICT = "verdict"
    SCORE = "score"
    CRIME = "crime"
    ALARMIST = "alarmist"


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: PieceKind  # advice, alarm or witness (an appeal sentence, shown as "efterlysning"); never plain
    text: str
    principle: str | None


@dataclass(frozen=True, slots=True)
class AuditRow:
    name: str
    source: str  # "fil" | "adresse"
    verdict: Verdict | None
    crime_label: str
    score_pct: int
    alarmist: bool
    witness_appeal: bool
    principles: list[str]
    evidence: list[Evidence]
    error: str | None = None

    @property
    def verdict_label(self) -> str:
        return self.verdict.danish if self.verdict else "Fejl"


@dataclass(frozen=True, slots=True)
class AuditPage:
    rows: list[AuditRow] = field(default_factory=list)
    sort: SortKey = SortKey.NAME
    descending: bool = False
    token: str = ""
    urls: str = ""
    error: str | None = None
    max_files: int = 20
    max_urls: int = 20

    @property
    def counts(self) -> dict[str, int]:
        out = {v.value: 0 for v in Verdict}
        for r in self.rows:
            if r.verdict:
                out[r.verdict.value] += 1
        return out

    @property
    def failed(self) -> int:
        return sum(r.verdict is None for r in self.rows)

    @property
    def order(self) -> str:
        """The current sort as the form value the CSV button sends along, so the file has the rows as shown."""
        return f"{self.sort.value}:{'desc' if self.descending else 'asc'}"


def _row(name: str, source: str, a: Assessment) -> AuditRow:
    verdict = (
        Verdict.NOT_RELEVANT
        if not a.relevant
        else (Verdict.CONSTRUCTIVE if a.constructive else Verdict.NOT_CONSTRUCTIVE)
    )
    evidence = [
        Evidence(PieceKind.ADVICE, s.text.strip(), s.principle.heading if s.principle else None) for s in a.advice_spans
    ]
    evidence += [Evidence(PieceKind.ALARM, s.text.strip(), None) for s in a.alarm_spans]
    if a.witness_appeal:
        evidence += [Evidence(PieceKind.WITNESS, s.text.strip(), None) for s in a.witness_spans]
    return AuditRow(
        name=name,
        source=source,
        verdict=verdict,
        crime_label=a.crime_type.danish,
        score_pct=round(a.score * 100),
        alarmist=a.alarmist,
        witness_appeal=a.witness_appeal,
        principles=[p.heading for p in a.principles],
        evidence=evidence,
    )


def _error_row(name: str, source: str, message: str) -> AuditRow:
    return AuditRow(name, source, None, "", 0, False, False, [], [], error=message)


def _assess(services: Services, name: str, source: str, text: str, title: str | None) -> AuditRow:
    if len(text) > services.options.max_text_chars:
        return _error_row(
            name,
            source,
            f"Teksten er for lang ({len(text)} tegn; grænsen er {services.options.max_text_chars}).",
        )
    try:
        return _row(name, source, services.analyzer.assess(text, title=title))
    except BotrygtError as exc:
        return _error_row(name, source, danish_message(exc))


def _audit_files(services: Services, files: list[tuple[str, bytes]]) -> list[AuditRow]:
    rows = []
    for name, data in files:
        try:
            doc = read_document(name, data)
        except BotrygtError as exc:
            rows.append(_error_row(name, "fil", danish_message(exc, name)))
            continue
        text, title = doc.text, None
        if doc.kind is DocKind.HTML:
            article = extract_article(data, f"upload:{doc.name}")
            text, title = article.text, article.title
        rows.append(_assess(services, doc.name, "fil", text, title))
    return rows


def fetch_problem_da(status: FetchStatus, http_status: int | None, error: str | None) -> str:
    """Why a page could not be fetched, in Danish for the person who pasted the address.

    The fetcher's reasons are English and technical ("10.0.0.1 -> 10.0.0.1 is a non-public address",
    "ConnectError: [Errno -2] Name or service not known"); they stay in the logs and the monitor's feed health.
    """
    reason = (error or "").lower()
    if status is FetchStatus.BLOCKED:
        if "robots.txt" in reason:
            return "Siden må ikke hentes automatisk (webstedets robots.txt forbyder det)."
        return "Adressen peger på et internt eller lokalt netværk og hentes ikke af sikkerhedshensyn."
    if http_status is not None:
        if http_status == 404 or http_status == 410:
            return f"Siden findes ikke (HTTP {http_status}). Tjek adressen."
        if http_status in (401, 402, 403):
            return f"Siden kræver login eller afviser adgang (HTTP {http_status})."
        if http_status == 429:
            return "Webstedet beder os vente (HTTP 429). Prøv igen senere."
        if http_status >= 500:
            return f"Webstedet svarer med en fejl (HTTP {http_status}). Prøv igen senere."
        if 300 <= http_status < 400:
            return "Siden sender videre til en adresse, der ikke kan følges."
        return f"Siden kunne ikke hentes (HTTP {http_status})."
    if reason.startswith("timeout"):
        return "Webstedet svarede ikke i tide. Prøv igen senere."
    if reason.startswith("connection error"):
        return "Webstedet kunne ikke nås. Tjek adressen, eller prøv igen senere."
    if reason.startswith("too large"):
        return "Siden er for stor til at blive hentet."
    if "redirect" in reason:
        return "Siden sender videre for mange gange."
    return "Siden kunne ikke hentes. Tjek adressen."


def _url_problem_da(url: str) -> str | None:
    problem = feed_url_problem(url)
    if problem is None:
        return None
    if "@" in url and "user name" in problem[0]:
        return "Adressen må ikke indeholde brugernavn eller adgangskode."
    return problem[1]


def _audit_url(services: Services, fetcher: Fetcher, url: str) -> AuditRow:
    """One address fetched, extracted and assessed."""
    shape = _url_problem_da(url)
    if shape is not None:  # "ikke en adresse", ftp://…: said plainly, without a trip to the fetcher
        return _error_row(url, "adresse", shape)
    try:
        result = fetcher.fetch_page(url)
    except BotrygtError as exc:
        status = FetchStatus.BLOCKED if isinstance(exc, BlockedURLError) else FetchStatus.HARD_FAILURE
        return _error_row(url, "adresse", fetch_problem_da(status, None, exc.message))
    if result.status is not FetchStatus.OK or result.body is None:
        return _error_row(url, "adresse", fetch_problem_da(result.status, result.http_status, result.error))
    if looks_binary(result.body):  # an image or archive served as a page: the same check as an upload's
        return _error_row(url, "adresse", "Siden ser ud til at være en binær fil og ikke tekst.")
    article = extract_article(result.body, result.final_url)
    if not article.text.strip():
        return _error_row(url, "adresse", "Ingen artikeltekst fundet på siden.")
    return _assess(services, article.title or url, "adresse", article.text, article.title)


def _audit_host(services: Services, urls: list[str], done: dict[str, AuditRow]) -> None:
    """The addresses of one host, one after the other through one fetcher (which keeps its delay per host),
    each row put in ``done`` as soon as it is ready."""
    with services.fetcher() as fetcher:
        for url in urls:
            done[url] = _audit_url(services, fetcher, url)


LATE_DA = "Siden svarede ikke i tide (gennemgangen har en samlet tidsgrænse); prøv den igen alene."


async def _audit_urls(services: Services, urls: list[str]) -> list[AuditRow]:
    """The addresses fetched in the audit threads, hosts side by side, all within one deadline; an address
    not done by then gets a row that says so."""
    by_host: dict[str, list[str]] = {}
    for url in dict.fromkeys(urls):
        by_host.setdefault((urlsplit(url).hostname or "").lower(), []).append(url)
    done: dict[str, AuditRow] = {}  # filled by the fetch threads; a late thread's rows are never read
    jobs = [partial(_audit_host, services, group, done) for group in by_host.values()]
    await services.address_fetches.run_all(jobs, services.options.audit_deadline_s)
    finished = dict(done)  # one snapshot: a thread still running may add to ``done`` later
    return [finished.get(url) or _error_row(url, "adresse", LATE_DA) for url in urls]


def _sorted(rows: list[AuditRow], key: SortKey, descending: bool) -> list[AuditRow]:
    """Rows in the chosen order; texts that could not be assessed always last (they have no score to sort by)."""
    order = {Verdict.CONSTRUCTIVE: 0, Verdict.NOT_CONSTRUCTIVE: 1, Verdict.NOT_RELEVANT: 2, None: 3}
    keyfn = {
        SortKey.NAME: lambda r: (r.name.casefold(),),
        SortKey.VERDICT: lambda r: (order[r.verdict], r.name.casefold()),
        SortKey.SCORE: lambda r: (r.score_pct, r.name.casefold()),
        SortKey.CRIME: lambda r: (r.crime_label, r.name.casefold()),
        SortKey.ALARMIST: lambda r: (r.alarmist, r.name.casefold()),
    }[key]
    assessed = sorted((r for r in rows if r.verdict is not None), key=keyfn, reverse=descending)
    return assessed + sorted((r for r in rows if r.verdict is None), key=lambda r: r.name.casefold())


def _encode(signer: Signer, rows: list[AuditRow]) -> str:
    return signer.sign_blob(json.dumps([asdict(r) for r in rows], ensure_ascii=False).encode())


def _decode(request: Request, token: str) -> list[AuditRow]:
    data = get_kit(request).signer.read_blob(token)
    if data is None:
        raise ProblemError(400, "bad_input", "Resultaterne kunne ikke læses; kør gennemgangen igen.")
    rows = []
    for raw in json.loads(data):
        raw["verdict"] = Verdict(raw["verdict"]) if raw["verdict"] else None
        raw["evidence"] = [Evidence(PieceKind(e["kind"]), e["text"], e["principle"]) for e in raw["evidence"]]
        rows.append(AuditRow(**raw))
    return rows


def _render(request: Request, page: AuditPage, status: int = 200) -> Response:
    return get_kit(request).renderer.render(request, "gennemga.html.j2", page, Nav.AUDIT, status=status)


@router.get("/gennemga")
async def audit_form(request: Request) -> Response:
    opts = get_kit(request).services.options
    return _render(request, AuditPage(max_files=opts.max_files, max_urls=opts.max_urls))


@router.post("/gennemga")
async def audit_submit(request: Request) -> Response:
    kit = get_kit(request)
    opts = kit.services.options
    form = await checked_form(request)
    urls_text = form_field(form, "urls")
    urls = [u.strip() for u in urls_text.splitlines() if u.strip()]
    files = [(f.filename or "upload", await f.read()) for f in uploads(form, "files")]
    base = AuditPage(urls=urls_text, max_files=opts.max_files, max_urls=opts.max_urls)
    if not urls and not files:
        return _render(request, replace(base, error="Vælg filer eller indsæt adresser."), status=422)
    if len(urls) > opts.max_urls:
        return _render(request, replace(base, error=f"Højst {opts.max_urls} adresser ad gangen."), status=422)
    rows = await run_in_threadpool(_audit_files, kit.services, files)
    if urls:
        with kit.services.address_fetches.audit_slot() as turn:
            if not turn:
                busy = "Der hentes allerede mange adresser lige nu. Prøv igen om et øjeblik."
                return _render(request, replace(base, error=busy), status=503)
            rows += await _audit_urls(kit.services, urls)
    assessed = [r for r in rows if r.verdict]
    kit.services.metrics.record_assessments(sum(r.verdict is Verdict.CONSTRUCTIVE for r in assessed), len(assessed))
    rows = _sorted(rows, SortKey.NAME, False)  # the table says "sorted by name": make it so from the start
    page = AuditPage(
        rows=rows,
        token=_encode(kit.signer, rows),
        urls=urls_text,
        max_files=opts.max_files,
        max_urls=opts.max_urls,
    )
    return _render(request, page)


def _sort_choice(value: str) -> tuple[SortKey, bool]:
    key, _, direction = value.partition(":")
    try:
        return SortKey(key), direction == "desc"
    except ValueError:
        return SortKey.NAME, False


@router.post("/gennemga/vis")
async def audit_sort(request: Request) -> Response:
    form = await checked_form(request)
    token = form_field(form, "results")
    sort, descending = _sort_choice(form_field(form, "sort", "name"))
    rows = _sorted(_decode(request, token), sort, descending)
    opts = get_kit(request).services.options
    return _render(
        request,
        AuditPage(
            rows=rows,
            sort=sort,
            descending=descending,
            token=token,
            max_files=opts.max_files,
            max_urls=opts.max_urls,
        ),
    )


CSV_FIELDS = (
    "name",
    "source",
    "verdict",
    "crime_type",
    "score_pct",
    "alarmist",
    "witness_appeal",
    "principles",
    "advice",
    "alarm",
    "error",
)


@router.post("/gennemga/csv")
async def audit_csv(request: Request) -> Response:
    form = await checked_form(request)
    rows = _sorted(_decode(request, form_field(form, "results")), *_sort_choice(form_field(form, "order", "name")))
    body = rows_to_csv(
        CSV_FIELDS,
        (
            (
                r.name,
                r.source,
                r.verdict.value if r.verdict else "",
                r.crime_label,
                r.score_pct,
                r.alarmist,
                r.witness_appeal,
                "; ".join(r.principles),
                " | ".join(e.text for e in r.evidence if e.kind is PieceKind.ADVICE),
                " | ".join(e.text for e in r.evidence if e.kind is PieceKind.ALARM),
                r.error or "",
            )
            for r in rows
        ),
    )
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="gennemgang.csv"', "Cache-Control": "no-store"},
    )
