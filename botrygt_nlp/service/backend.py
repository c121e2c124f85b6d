"""Core calls that the API and the web pages share and that need a little adapting at the edge: report
parsing and rewriting (settings -> RewriteOptions, "insert under one incident"), the template store, and
the not-yet-available "store submitted texts" seam. Plain functions over core types; no HTTP here beyond
raising :class:`ProblemError` for "not available".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from botrygt_nlp import reports, rewrite
from botrygt_nlp.config import Settings
from botrygt_nlp.domain import Assessment, Assessor
from botrygt_nlp.reports import HeadingKind, Report, ReportFormat
from botrygt_nlp.rewrite import ChangeReport, RewriteOptions, Style, TemplateStore, get_store
from botrygt_nlp.storage import NewSubmission
from botrygt_nlp.storage.ports import FeedbackStore


def store_submissions(
    store: FeedbackStore,
    items: Sequence[tuple[str | None, str | None, str]],
    assessments: Sequence[Assessment],
    who: str,
) -> None:
    """Keep submitted texts, only when the caller asked: police drafts hold personal data. They go to their
    own table and never into the press trends, all of a batch in one transaction (all or none)."""
    store.save_submissions(
        [
            NewSubmission(text, title, item_id, assessment)
            for (item_id, title, text), assessment in zip(items, assessments, strict=True)
        ],
        who=who,
    )


# ---------------------------------------------------------------------------- daily reports
def parse_report(text: str, fmt: ReportFormat | None, analyzer: Assessor) -> Report:
    return reports.parse_report(text, fmt, analyzer)


@dataclass(frozen=True, slots=True)
class Rewrite:
    """A rewritten report: the new text, the block proposed per incident index, and the change report."""

    text: str
    suggestions: dict[int, str]
    changes: ChangeReport


def template_store(settings: Settings) -> TemplateStore:
    return get_store(settings.templates_dir, settings.template_override_dir)


def rewrite_report(
    report: Report,
    settings: Settings,
    *,
    only: int | None = None,
    style: Style = Style.FULL,
    when: date | None = None,
    verify: bool = False,
    markers: bool = True,
    analyzer: Assessor | None = None,
) -> Rewrite:
    """Insert advice under the incidents that need it, or under incident ``only`` alone.

    The single-incident case splices that incident's insertion (same text, same offset) into the original,
    so "insert one" and "insert all" can never disagree about what a block looks like. ``markers=False`` is
    publish-ready output (see :class:`RewriteOptions`); with ``only`` it leaves the rest of the text as it is.
    """
    options = RewriteOptions(
        style=style,
        report_date=when,
        fmt=report.fmt,
        templates_dir=settings.templates_dir,
        override_dir=settings.template_override_dir,
        verify=verify,
        markers=markers,
    )
    result = rewrite.rewrite_report(report, options, analyzer)
    insertions = result.changes.insertions
    suggestions = {i.incident_index: i.text.strip("\r\n") for i in insertions}
    if only is None:
        return Rewrite(result.text, suggestions, result.changes)
    incident = next((i for i in report.incidents if i.index == only), None)
    if incident is not None and incident.heading is HeadingKind.ITEM:
        # An item gathered under "Kort nyt": its advice goes under the list with the other items' advice, and the
        # list then counts as advised for all of them, so one click gives the whole list its blocks.
        chosen = [i for i in insertions if i.offset == incident.advice_offset]
    else:
        chosen = [i for i in insertions if i.incident_index == only]
    text = report.text
    # Blocks at one offset go in in their order; later offsets first, so that the earlier ones still hold.
    for offset in sorted({i.offset for i in chosen}, reverse=True):
        text = text[:offset] + "".join(i.text for i in chosen if i.offset == offset) + text[offset:]
    return Rewrite(text, suggestions, result.changes)
