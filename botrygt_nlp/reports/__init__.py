"""Daily-report parsing: text / Markdown / HTML døgnrapporter into incidents with offsets and assessments.

Public API: :func:`parse_report`, :func:`segment_report`, :func:`detect_format`, :func:`decode_report`,
:func:`read_report` and the types :class:`Report`, :class:`Incident`, :class:`ReportHeader`,
:class:`ReportFormat`, :class:`DecodedReport`.
"""

from __future__ import annotations

from botrygt_nlp.reports.encoding import DecodedReport, read_report
from botrygt_nlp.reports.parse import (
    decode_report,
    detect_format,
    detect_newline,
    parse_report,
    segment_report,
)
from botrygt_nlp.reports.types import (
    HeadingKind,
    Incident,
    Report,
    ReportFormat,
    ReportHeader,
    Segment,
)

__all__ = [
    "DecodedReport",
    "HeadingKind",
    "Incident",
    "Report",
    "ReportFormat",
    "ReportHeader",
    "Segment",
    "decode_report",
    "detect_format",
    "detect_newline",
    "parse_report",
    "read_report",
    "segment_report",
]
