"""``parse_report``: a daily report (text, Markdown or HTML) into assessed incidents with offsets."""

from __future__ import annotations

import re
from pathlib import Path

from botrygt_nlp.domain import Assessor
from botrygt_nlp.errors import InputError
from botrygt_nlp.reports.assess import assess_incident
from botrygt_nlp.reports.encoding import read_report
from botrygt_nlp.reports.header import extract_header
from botrygt_nlp.reports.html import segment_html
from botrygt_nlp.reports.lines import segment_lines
from botrygt_nlp.reports.types import Incident, Report, ReportFormat, Segment

_HTML_SNIFF = re.compile(r"<(!doctype html|html|body|article|div|p|h[1-6]|section|main)\b", re.IGNORECASE)
_MD_SNIFF = re.compile(r"^ {0,3}(#{1,6}\s+\S|(\*\*|__)\S.*\S\2\s*$)|^ {0,3}(=+|-{3,})\s*$", re.MULTILINE)
_SUFFIXES = {
    ".html": ReportFormat.HTML,
    ".htm": ReportFormat.HTML,
    ".md": ReportFormat.MARKDOWN,
    ".markdown": ReportFormat.MARKDOWN,
    ".txt": ReportFormat.TEXT,
}


def detect_format(text: str, filename: str | None = None) -> ReportFormat:
    """The report's format from the file name's suffix, else from its first 64 kB."""
    if filename:
        fmt = _SUFFIXES.get(Path(filename).suffix.lower())
        if fmt is not None:
            return fmt
    head = text[:65536]
    if len(_HTML_SNIFF.findall(head)) >= 2 or head.lstrip().lower().startswith(("<!doctype", "<html")):
        return ReportFormat.HTML
    if _MD_SNIFF.search(head):
        return ReportFormat.MARKDOWN
    return ReportFormat.TEXT


def detect_newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def decode_report(data: bytes, encoding: str | None = None) -> str:
    """Bytes of a report file as text (see :func:`read_report`, which also says which encoding it was)."""
    return read_report(data, encoding).text


def segment_report(text: str, fmt: ReportFormat | None = None) -> tuple[Report, list[Segment]]:
    """Split a report into segments without assessing them (cheap; used by tests and the rewriter)."""
    fmt = fmt or detect_format(text)
    if fmt is ReportFormat.HTML:
        preamble, (h_start, h_end), segments = segment_html(text)
    else:
        (h_start, h_end), segments = segment_lines(text, fmt)
        preamble = text[h_start:h_end]
    header = extract_header(preamble, h_start, h_end)
    report = Report(text=text, fmt=fmt, header=header, incidents=(), newline=detect_newline(text))
    return report, segments


def parse_report(
    text: str,
    fmt: ReportFormat | None,
    analyzer: Assessor,
) -> Report:
    """Split ``text`` into incidents and assess each one.

    ``fmt`` is detected from the content when ``None``. ``analyzer`` assesses each incident: the edges pass the
    configured one (``botrygt_nlp.get_analyzer()``), tests a fake to test parsing alone. Offsets in the result are
    ``str`` indices into ``text``; the text itself is kept unchanged in ``Report.text``.
    """
    report, segments = segment_report(text, fmt)
    incidents = []
    for i, seg in enumerate(segments):
        assessment, error = None, None
        try:
            has_text = bool((seg.body or seg.title).strip())
            assessment = assess_incident(analyzer, seg.title, seg.body) if has_text else None
        except InputError as exc:
            # One unusable incident (another language, too long) must not sink the whole report;
            # it stays unassessed, is reported, and the rewriter leaves it alone.
            error = exc.code
        incidents.append(
            Incident(
                index=i,
                title=seg.title,
                start=seg.start,
                end=seg.end,
                title_start=seg.title_start,
                title_end=seg.title_end,
                body=seg.body,
                heading=seg.heading,
                has_advice_block=seg.has_advice_block,
                assessment=assessment,
                error=error,
                inside_paragraph=seg.inside_paragraph,
                advice_at=seg.advice_at,
            )
        )
    return Report(
        text=report.text,
        fmt=report.fmt,
        header=report.header,
        incidents=tuple(incidents),
        newline=report.newline,
    )
