"""botrygt-nlp: constructive Danish crime communication.

``from botrygt_nlp import analyze; analyze(text) -> Assessment``. Importing the package is cheap: the spaCy
pipeline and the model load on first use, and torch is never imported unless the transformers backend is
asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from botrygt_nlp.domain import AdviceSpan, Assessment, CrimeType, Principle, Span

if TYPE_CHECKING:
    from botrygt_nlp.analysis import Analyzer

__all__ = ["AdviceSpan", "Assessment", "CrimeType", "Principle", "Span", "analyze", "get_analyzer", "load_analyzer"]
__version__ = "0.1.0"


def analyze(text: str, *, title: str | None = None) -> Assessment:
    """Assess one Danish text with the shipped default model."""
    return get_analyzer().assess(text, title=title)


def load_analyzer(model_dir: Path | None = None) -> Analyzer:
    """The analyzer for ``model_dir`` (default: the configured model), loaded once per process.

    This helper and :func:`get_analyzer` are the convenience defaults: they read the settings and pass them into
    the core (``botrygt_nlp.analysis.load_analyzer``), which reads none itself.
    """
    from botrygt_nlp import analysis
    from botrygt_nlp.config import get_settings

    settings = get_settings()
    return analysis.load_analyzer(
        model_dir or settings.model_dir,
        max_chars=settings.max_text_chars,
        encoder=settings.encoder,
        encoder_cache_dir=settings.encoder_cache_dir,
    )


def get_analyzer() -> Analyzer:
    """The configured default analyzer, loaded once per process."""
    return load_analyzer()
