"""``rewrite_report``: append five-point advice after every relevant, non-constructive incident.

Only insertions at incident ends: the original text between them is copied unchanged, so removing the
blocks (``strip_blocks`` or the offsets in the change report) gives back the input byte for byte. Publish-ready
output (``markers=False``) also leaves out the markers of blocks already in the input; each is recorded in the
change report, so :func:`undo_rewrite` still gives back the input byte for byte.
"""

from __future__ import annotations

from dataclasses import replace

from botrygt_nlp.config import default_templates_dir
from botrygt_nlp.domain import Assessor
from botrygt_nlp.reports.assess import assess_incident
from botrygt_nlp.reports.parse import parse_report
from botrygt_nlp.reports.types import Incident, Report
from botrygt_nlp.rewrite.blocks import marker_spans, render_block
from botrygt_nlp.rewrite.season import season_for
from botrygt_nlp.rewrite.templates import TemplateStore, get_store
from botrygt_nlp.rewrite.topics import detect_topic
from botrygt_nlp.rewrite.types import (
    AdviceContent,
    ChangeReport,
    Insertion,
    RemovedMarker,
    RewriteOptions,
    RewriteResult,
    Skipped,
    SkipReason,
    Topic,
)


def _store(options: RewriteOptions) -> TemplateStore:
    # The core reads no settings: the edges put the settings' folders into the options; left out, the shipped
    # templates are used, without an override folder.
    return get_store(options.templates_dir or default_templates_dir(), options.override_dir)


def _skip_reason(incident: Incident) -> SkipReason | None:
    a = incident.assessment
    if a is None:
        return SkipReason.NOT_ASSESSED
    if not (a.relevant and a.crime_type.is_relevant):
        return SkipReason.NOT_RELEVANT
    if incident.has_advice_block:
        return SkipReason.HAS_ADVICE_BLOCK
    if a.constructive:
        return SkipReason.CONSTRUCTIVE
    return None


def rewrite_report(
    report_or_text: Report | str,
    options: RewriteOptions | None = None,
    analyzer: Assessor | None = None,
) -> RewriteResult:
    """Rewrite a daily report; returns the new text, the parsed original and a change report.

    ``report_or_text``: a :class:`Report` from :func:`parse_report` (its assessments are reused) or the raw
    text (parsed here with ``options.fmt`` and ``analyzer``). ``analyzer`` may be left out only when nothing
    needs assessing: a parsed report without ``options.verify``.
    """
    options = options or RewriteOptions()
    if isinstance(report_or_text, Report):
        report = report_or_text
    else:
        report = parse_report(report_or_text, options.fmt, _needed(analyzer))
    store = _store(options)
    report_date = options.report_date or report.header.date
    season = season_for(report_date)
    variables: dict[str, str | None] = {}
    if report.header.district:
        variables["district_name"] = report.header.district
    if store.variables.get("district_name"):
        variables["district_name"] = store.variables["district_name"]
    variables.update(options.variables)

    rendered: dict[str, AdviceContent] = {}  # style and variables are fixed per call: render each id once
    planned: list[Insertion] = []  # output_start is set once the whole output is laid out (_apply)
    skipped: list[Skipped] = []
    for incident in report.incidents:
        reason = _skip_reason(incident)
        a = incident.assessment
        info = None
        topic = Topic.NONE
        if reason is None and a is not None:
            topic = detect_topic(incident.title, incident.body)
            info = store.choose(a.crime_type, season, topic)
            if info is None:
                reason = SkipReason.NO_TEMPLATE
            elif any(p.offset == incident.advice_offset and p.template_id == info.template_id for p in planned):
                reason = SkipReason.SAME_ADVICE_UNDER_LIST
        if reason is not None or info is None or a is None:
            skipped.append(
                Skipped(incident.index, incident.title, reason or SkipReason.NO_TEMPLATE, incident.crime_type)
            )
            continue
        content = rendered.get(info.template_id)
        if content is None:
            content = rendered[info.template_id] = store.render(info, options.style, variables)
        block = render_block(
            content,
            report.fmt,
            info.template_id,
            report.newline,
            incident.heading,
            incident.inside_paragraph,
            options.markers,
        )
        constructive_after = score_after = None
        if options.verify:
            after = assess_incident(
                _needed(analyzer), incident.title, f"{incident.body}\n\n{content.plain_text()}".lstrip()
            )
            constructive_after, score_after = after.constructive, after.score
        planned.append(
            Insertion(
                incident_index=incident.index,
                incident_title=incident.title,
                crime_type=a.crime_type,
                template_id=info.template_id,
                template_version=info.version,
                template_source=info.source,
                season=info.season,
                style=options.style,
                offset=incident.advice_offset,
                output_start=-1,
                text=block,
                constructive_after=constructive_after,
                score_after=score_after,
                topic=info.topic,
            )
        )
    text, insertions, removed = _apply(report.text, planned, [] if options.markers else marker_spans(report.text))
    model_version = next((i.assessment.model_version for i in report.incidents if i.assessment), None)
    changes = ChangeReport(
        fmt=report.fmt,
        style=options.style,
        season=season,
        report_date=report_date,
        model_version=model_version,
        insertions=tuple(insertions),
        skipped=tuple(skipped),
        markers=options.markers,
        removed_markers=tuple(removed),
    )
    return RewriteResult(text=text, original=report.text, report=report, changes=changes)


_BLOCK, _MARKER = 0, 1  # kinds of edit in _apply, in the order they go at the same offset


def _apply(
    original: str, planned: list[Insertion], removals: list[tuple[int, int]]
) -> tuple[str, list[Insertion], list[RemovedMarker]]:
    """The original with the blocks inserted and the marker spans left out, in one pass, recording where each
    edit lands in the output. At the same offset an insertion goes first: a marker span starting at an
    incident's end belongs to what follows it."""
    edits = sorted(
        [(ins.offset, _BLOCK, ins.offset, i) for i, ins in enumerate(planned)]
        + [(start, _MARKER, end, i) for i, (start, end) in enumerate(removals)]
    )
    pieces: list[str] = []
    insertions: list[Insertion] = []
    removed: list[RemovedMarker] = []
    cursor = out_len = 0
    for start, kind, end, i in edits:
        chunk = original[cursor:start]  # empty for a block at an offset a marker span covered
        pieces.append(chunk)
        out_len += len(chunk)
        if kind == _BLOCK:
            ins = replace(planned[i], output_start=out_len)
            insertions.append(ins)
            pieces.append(ins.text)
            out_len += len(ins.text)
        else:
            removed.append(RemovedMarker(offset=start, output_offset=out_len, text=original[start:end]))
        cursor = max(cursor, end)
    pieces.append(original[cursor:])
    return "".join(pieces), insertions, removed


def _needed(analyzer: Assessor | None) -> Assessor:
    if analyzer is None:
        raise TypeError("rewrite_report needs an analyzer to parse a text or to verify (pass the configured one)")
    return analyzer


def undo_rewrite(
    result_text: str,
    insertions: tuple[Insertion, ...] | list[Insertion],
    removed_markers: tuple[RemovedMarker, ...] | list[RemovedMarker] = (),
) -> str:
    """The original text, rebuilt from the change report's offsets (independent of the markers): the inserted
    blocks taken out and, for publish-ready output, the markers it left out put back."""
    # (start, end, text to put there). A removed marker is an empty range: it sorts before a block starting at
    # the same place (in the original it came before that block's offset), and markers that were next to each
    # other keep their order (a stable sort on positions only).
    edits = sorted(
        [(m.output_offset, m.output_offset, m.text) for m in sorted(removed_markers, key=lambda m: m.offset)]
        + [(i.output_start, i.output_end, "") for i in insertions],
        key=lambda e: (e[0], e[1]),
    )
    out: list[str] = []
    cursor = 0
    for start, end, text in edits:
        out += [result_text[cursor:start], text]
        cursor = end
    out.append(result_text[cursor:])
    return "".join(out)
