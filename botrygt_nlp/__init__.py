"""botrygt-nlp: constructive Danish crime communication.

``from botrygt_nlp import analyze; analyze(text) -> Assessment``. Importing the package is cheap: the spaCy
pipeline and the model load on first use, and torch is never imported unless the transformers backend is
asked for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botrygt_nlp.domain import AdviceSpan, Assessment, CrimeType, Principle, Span

if TYPE_CHECKING:
    from botrygt_nlp.analysis import Analyzer

__all__ = ["AdviceSpan", "Assessment", "CrimeType", "Principle", "Span", "analyze", "get_analyzer"]
__version__ = "0.1.0"


def analyze(text: str, *, title: str | None = None) -> Assessment:
    """Assess one Danish text with the shipped default model."""
    from botrygt_nlp.analysis import default_analyzer

    return default_analyzer().assess(text, title=title)


def get_analyzer() -> Analyzer:
    from botrygt_nlp.analysis import default_analyzer

    return default_analyzer()
