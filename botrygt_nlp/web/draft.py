"""Page 1, "Skriv døgnrapport": paste or upload a report, see each incident's verdict with advice and alarmist
wording highlighted, insert the suggested advice with one click, copy or download the rewritten report (ready to
publish, without the block markers, unless the markers are asked for).

Nothing is stored: the report travels in the form and comes back in the page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from botrygt_nlp.domain import Assessment, Principle
from botrygt_nlp.errors import BotrygtError
from botrygt_nlp.reports import (
    HeadingKind,
    Incident,
    Report,
    ReportFormat,
    cues,
    decode_report,
    detect_format,
    detect_newline,
)
from botrygt_nlp.rewrite import Style
from botrygt_nlp.service import backend
from botrygt_nlp.service.ports import AnalyzerPort
from botrygt_nlp.service.problems import ProblemError
from botrygt_nlp.service.services import Services
from botrygt_nlp.web.contexts import DraftPage, FormatOption, IncidentView, MarkerChoice, NewlineStyle, Verdict
from botrygt_nlp.web.highlight import pieces
from botrygt_nlp.web.kit import checked_form, danish_message, field, get_kit, read_form, uploads
from botrygt_nlp.web.render import Nav

router = APIRouter(include_in_schema=False)

AUTO = "auto"
_FORMAT_LABELS = {
    AUTO: "Find selv ud af det",
    ReportFormat.TEXT.value: "Almindelig tekst",
    ReportFormat.MARKDOWN.value: "Markdown",
    ReportFormat.HTML.value: "HTML",
}
_SUFFIX = {ReportFormat.TEXT: "txt", ReportFormat.MARKDOWN: "md", ReportFormat.HTML: "html"}
# The same two styles as `botrygt rewrite --style` and the API's "style".
_STYLE_LABELS = {Style.FULL: "Fem råd med overskrifter", Style.SHORT: "Ét kort afsnit"}
# Whoever copies or downloads from this page is about to publish: the markers ("[botrygt:advice …]", comments)
# would be published with it, so the page gives publish-ready text unless asked for the markers. (The API and
# the CLI keep them by default: their output is often run through the rewriter again.)
_DEFAULT_OUTPUT = MarkerChoice.PUBLISH
_MARKER_EXAMPLE = {
    ReportFormat.TEXT: "en sidste linje «[botrygt:advice …]»",
    ReportFormat.MARKDOWN: "kommentarer «<!-- botrygt:advice … -->»",
    ReportFormat.HTML: "kommentarer «<!-- botrygt:advice … -->»",
}


def _formats(selected: str) -> list[FormatOption]:
    return [FormatOption(v, label, v == selected) for v, label in _FORMAT_LABELS.items()]


def _styles(selected: Style) -> list[FormatOption]:
    return [FormatOption(s.value, label, s is selected) for s, label in _STYLE_LABELS.items()]


def _style(value: str) -> Style:
    return Style(value) if value in Style.__members__.values() else Style.FULL


def _outputs(selected: MarkerChoice) -> list[FormatOption]:
    return [FormatOption(c.value, c.danish, c is selected) for c in MarkerChoice]


def _output(value: str) -> MarkerChoice:
    return MarkerChoice(value) if value in MarkerChoice.__members__.values() else _DEFAULT_OUTPUT


def _verdict(incident: Incident) -> Verdict:
    a = incident.assessment
    if a is None or not a.relevant:
        return Verdict.NOT_RELEVANT
    return Verdict.CONSTRUCTIVE if a.constructive else Verdict.NOT_CONSTRUCTIVE


_ITEM_TITLE_WORDS = 8


def _title(incident: Incident) -> str:
    """The headline; for an item under "Kort nyt" its first words, so the item can be found on the page."""
    if incident.title:
        return incident.title
    if incident.heading is HeadingKind.ITEM:
        words = cues.without_list_marker(incident.body).split()
        more = " …" if len(words) > _ITEM_TITLE_WORDS else ""
        return f"Kort nyt: {' '.join(words[:_ITEM_TITLE_WORDS])}{more}"
    return f"Hændelse {incident.index + 1}"


def _incident_view(incident: Incident, suggestion: str | None) -> IncidentView:
    a = incident.assessment
    covered = [p.heading for p in a.principles] if a else []
    missing = [p.heading for p in Principle if a is None or p not in a.principles]
    return IncidentView(
        index=incident.index,
        title=_title(incident),
        verdict=_verdict(incident),
        crime_label=a.crime_type.danish if a else "",
        score_pct=round(a.score * 100) if a else 0,
        pieces=pieces(incident.body, a),
        covered=covered,
        missing=missing if a and a.relevant else [],
        witness_appeal=bool(a and a.witness_appeal),
        alarmist=bool(a and a.alarmist),
        has_advice_block=incident.has_advice_block,
        needs_advice=incident.needs_advice,
        suggestion=suggestion,
    )


class _MemoAnalyzer:
    """Per-request memo: after an insertion the report is parsed again, and only the incident that changed
    should cost a model call (the others have the same body and title as a moment ago)."""

    def __init__(self, inner: AnalyzerPort) -> None:
        self.inner = inner
        self.cache: dict[tuple[str, str | None], Assessment] = {}

    def assess(self, text: str, *, title: str | None = None) -> Assessment:
        key = (text, title)
        if key not in self.cache:
            self.cache[key] = self.inner.assess(text, title=title)
        return self.cache[key]


def _analyse(
    text: str,
    fmt: ReportFormat,
    style: Style,
    output: MarkerChoice,
    insert: int | None,
    insert_all: bool,
    services: Services,
) -> tuple[Report, backend.Rewrite, str | None]:
    analyzer = _MemoAnalyzer(services.analyzer)
    notice = None
    report = backend.parse_report(text, fmt, analyzer)
    markers = output.markers
    if insert is not None or insert_all:
        # Inserted as the page will give it back: a block without markers is still recognised as advice.
        done = backend.rewrite_report(report, services.settings, only=insert, style=style, markers=markers)
        if done.text != report.text:
            report = backend.parse_report(done.text, fmt, analyzer)
            notice = (
                "Forslag til råd er indsat under alle hændelser, der manglede råd."
                if insert_all
                else f"Forslaget til råd er indsat under hændelse {insert + 1 if insert is not None else ''}."
            )
    full = backend.rewrite_report(report, services.settings, style=style, markers=markers)
    services.metrics.record_assessments(
        sum(1 for i in report.incidents if i.assessment and i.assessment.constructive),
        sum(1 for i in report.incidents if i.assessment),
    )
    return report, full, notice


@router.get("/skriv")
async def draft_form(request: Request) -> Response:
    kit = get_kit(request)
    page = DraftPage(
        formats=_formats(AUTO),
        styles=_styles(Style.FULL),
        outputs=_outputs(_DEFAULT_OUTPUT),
        publish_ready=not _DEFAULT_OUTPUT.markers,
        model_version=kit.services.analyzer.model_version,
    )
    return kit.renderer.render(request, "skriv.html.j2", page, Nav.DRAFT)


@router.post("/skriv")
async def draft_submit(request: Request) -> Response:
    kit = get_kit(request)
    form, csrf_ok = await read_form(request)
    fmt_choice = field(form, "fmt", AUTO)
    if fmt_choice not in _FORMAT_LABELS:
        fmt_choice = AUTO
    style = _style(field(form, "style"))
    output = _output(field(form, "output"))
    text = field(form, "report")
    if not csrf_ok:
        # After a server restart (a new session secret) or a long pause every token is stale. A pasted report
        # is not thrown away for that: the form comes back with the text in it and a fresh token. Nothing is
        # assessed or changed, so a cross-site post gains nothing but its own text shown back, escaped.
        page = DraftPage(
            text=text.replace("\r\n", "\n"),
            formats=_formats(fmt_choice),
            styles=_styles(style),
            outputs=_outputs(output),
            publish_ready=not output.markers,
            error="Formularen er udløbet, så rapporten blev ikke vurderet. Teksten er bevaret: tryk «Vurdér "
            "rapporten» igen. En uploadet fil skal vælges igen.",
            model_version=kit.services.analyzer.model_version,
        )
        return kit.renderer.render(request, "skriv.html.j2", page, Nav.DRAFT, status=403)
    filename: str | None = None
    files = uploads(form, "file")
    error: str | None = None
    try:
        if files:
            upload = files[0]
            filename = upload.filename
            data = await upload.read()
            if data.startswith((b"%PDF-", b"PK\x03\x04")):
                raise ProblemError(
                    415,
                    "unsupported_media_type",
                    "Upload døgnrapporten som tekst, Markdown eller HTML. PDF- og Word-filer kan vurderes under "
                    "Gennemgå materiale.",
                )
            text = decode_report(data)
        if not files:
            # Browsers send a textarea with CRLF whatever it held. A report that came as a CRLF file keeps CRLF
            # through "Indsæt råd" (the page carries its style along); pasted text is LF.
            newline = NewlineStyle.CRLF if field(form, "newline") == NewlineStyle.CRLF.value else NewlineStyle.LF
            text = text.replace("\r\n", "\n").replace("\n", newline.chars)
        limit = kit.services.options.max_text_chars
        if not text.strip():
            raise ProblemError(422, "empty_text", "Indsæt eller upload en døgnrapport.")
        if len(text) > limit:
            raise ProblemError(413, "too_large", f"Rapporten er på {len(text)} tegn; grænsen er {limit}.")
        fmt = ReportFormat(fmt_choice) if fmt_choice != AUTO else detect_format(text, filename)
        insert_raw = field(form, "insert")
        insert = int(insert_raw) if insert_raw.isascii() and insert_raw.isdigit() else None  # not "²"
        insert_all = field(form, "action") == "insert_all"
        report, full, notice = await run_in_threadpool(
            _analyse, text, fmt, style, output, insert, insert_all, kit.services
        )
    except (BotrygtError, ProblemError) as exc:
        error = danish_message(exc) if isinstance(exc, BotrygtError) else exc.detail
        page = DraftPage(
            text=text,
            formats=_formats(fmt_choice),
            styles=_styles(style),
            outputs=_outputs(output),
            publish_ready=not output.markers,
            error=error,
            model_version=kit.services.analyzer.model_version,
        )
        return kit.renderer.render(request, "skriv.html.j2", page, Nav.DRAFT, status=422)
    header = report.header
    views = [_incident_view(i, full.suggestions.get(i.index)) for i in report.incidents]
    page = DraftPage(
        text=report.text,
        formats=_formats(fmt_choice),
        styles=_styles(style),
        outputs=_outputs(output),
        publish_ready=not output.markers,
        incidents=views,
        analysed=True,
        district=header.district,
        period=header.period,
        report_date=header.date.strftime("%d.%m.%Y") if header.date else None,
        rewritten=full.text,
        marker_example=_MARKER_EXAMPLE[report.fmt],
        download_name=f"doegnrapport.{_SUFFIX[report.fmt]}",
        newline=NewlineStyle.CRLF if detect_newline(report.text) == "\r\n" else NewlineStyle.LF,
        notice=notice,
        model_version=kit.services.analyzer.model_version,
        constructive_count=sum(v.verdict is Verdict.CONSTRUCTIVE for v in views),
        relevant_count=sum(v.verdict is not Verdict.NOT_RELEVANT for v in views),
    )
    return kit.renderer.render(request, "skriv.html.j2", page, Nav.DRAFT)


@router.post("/skriv/download")
async def draft_download(request: Request) -> Response:
    """The no-JS path for "copy": the rewritten report as a file."""
    form = await checked_form(request)
    # The browser turned every line break of the textarea into CRLF; give the file the report's own.
    newline = NewlineStyle.CRLF if field(form, "newline") == NewlineStyle.CRLF.value else NewlineStyle.LF
    text = field(form, "rewritten").replace("\r\n", "\n").replace("\r", "\n").replace("\n", newline.chars)
    name = field(form, "download_name", "doegnrapport.txt")
    suffix = name.rsplit(".", 1)[-1] if "." in name else "txt"
    media = {"md": "text/markdown", "html": "text/html"}.get(suffix, "text/plain")
    safe_suffix = suffix if suffix in ("txt", "md", "html") else "txt"
    return Response(
        text,
        media_type=f"{media}; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="doegnrapport.{safe_suffix}"',
            "Cache-Control": "no-store",
        },
    )
