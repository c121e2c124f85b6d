"""Rewriting daily reports: choose an advice template per incident, render it, insert it idempotently.

Public API: :func:`rewrite_report`, :func:`undo_rewrite`, :func:`strip_blocks`, :func:`strip_markers`,
:func:`check_templates`, :func:`list_templates`, and the types in :mod:`botrygt_nlp.rewrite.types`.
"""

from __future__ import annotations

from botrygt_nlp.rewrite.blocks import find_blocks, render_block, strip_blocks, strip_markers
from botrygt_nlp.rewrite.check import TemplateCheck, check_templates, list_templates
from botrygt_nlp.rewrite.rewrite import rewrite_report, undo_rewrite
from botrygt_nlp.rewrite.season import season_for
from botrygt_nlp.rewrite.templates import TemplateStore, build_store, get_store
from botrygt_nlp.rewrite.topics import detect_topic
from botrygt_nlp.rewrite.types import (
    AdviceContent,
    ChangeReport,
    Insertion,
    RemovedMarker,
    RewriteOptions,
    RewriteResult,
    Season,
    Skipped,
    SkipReason,
    Style,
    TemplateInfo,
    TemplateSource,
    Topic,
)

__all__ = [
    "AdviceContent",
    "ChangeReport",
    "Insertion",
    "RemovedMarker",
    "RewriteOptions",
    "RewriteResult",
    "Season",
    "SkipReason",
    "Skipped",
    "Style",
    "TemplateCheck",
    "TemplateInfo",
    "TemplateSource",
    "TemplateStore",
    "Topic",
    "build_store",
    "check_templates",
    "detect_topic",
    "find_blocks",
    "get_store",
    "list_templates",
    "render_block",
    "rewrite_report",
    "season_for",
    "strip_blocks",
    "strip_markers",
    "undo_rewrite",
]
