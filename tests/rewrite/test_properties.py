"""Property tests: for any report assembled from authored pieces, in any format and line ending, with markers
or publish-ready, rewriting only inserts (strip or the change report gives back the input) and a second
rewrite changes nothing."""

from __future__ import annotations

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from botrygt_nlp.reports import ReportFormat, parse_report
from botrygt_nlp.rewrite import RewriteOptions, Style, rewrite_report, strip_blocks, strip_markers, undo_rewrite
from tests.reports.fakes import KeywordAnalyzer

TITLES = [
    "Tyveri fra varebil i Give",
    "Indbrud i villa i Ry",
    "Spirituskørsel i Thisted",
    "Elcykel stjålet i Ribe",
    "Svindel med sms i Brande",
    "Indbrud i sommerhus ved Løkken",
    "Påhængsmotor stjålet i Ebeltoft",
]
BODIES = [
    "Natten til fredag blev der stjålet værktøj. Politiet hører gerne fra vidner på 114.",
    "Tyven kom ind gennem et vindue og tog smykker.",
    "Politiet råder alle til at låse døre og vinduer.",
    "En bilist blev standset kl.\u00a02.10 og anholdt.",
    "Der blev taget:\n1. en computer\n2. kontanter",
    "Ingen kom til skade.",
]

incident = st.tuples(st.sampled_from(TITLES), st.lists(st.sampled_from(BODIES), min_size=1, max_size=3))


def _render(fmt: ReportFormat, header: bool, incidents: list[tuple[str, list[str]]], nl: str) -> str:
    if fmt is ReportFormat.HTML:
        parts = ["<html><body>", "<h1>Døgnrapport fra Fyns Politi</h1>" if header else ""]
        for title, bodies in incidents:
            parts.append(f"<h2>{html.escape(title)}</h2>")
            parts += [f"<p>{html.escape(b)}</p>" for b in bodies]
        parts.append("</body></html>")
        return nl.join(parts)
    lines = ["Døgnrapport fra Fyns Politi", ""] if header else []
    for title, bodies in incidents:
        lines += [f"## {title}" if fmt is ReportFormat.MARKDOWN else title, ""]
        for b in bodies:
            lines += [b, ""]
    return nl.join(lines).replace("\n", nl) if nl != "\n" else nl.join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(list(ReportFormat)),
    header=st.booleans(),
    incidents=st.lists(incident, min_size=0, max_size=6),
    nl=st.sampled_from(["\n", "\r\n"]),
    style=st.sampled_from(list(Style)),
    trailing=st.sampled_from(["", "\n", "\n\n  \n"]),
    markers=st.booleans(),
)
def test_rewrite_only_inserts_and_is_idempotent(
    fmt: ReportFormat,
    header: bool,
    incidents: list[tuple[str, list[str]]],
    nl: str,
    style: Style,
    trailing: str,
    markers: bool,
) -> None:
    text = _render(fmt, header, incidents, nl) + trailing
    analyzer = KeywordAnalyzer()
    options = RewriteOptions(fmt=fmt, style=style, markers=markers)
    result = rewrite_report(text, options, analyzer)
    if markers:
        assert strip_blocks(result.text, fmt) == text
    else:
        assert "botrygt:advice" not in result.text and strip_markers(result.text) == result.text
    assert undo_rewrite(result.text, result.changes.insertions) == text
    assert len(parse_report(result.text, fmt, analyzer).incidents) == len(result.report.incidents)
    again = rewrite_report(result.text, options, analyzer)
    assert again.text == result.text
