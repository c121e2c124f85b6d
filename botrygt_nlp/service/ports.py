"""Protocols for what the HTTP edge needs from the core. The edge depends on these, never on concrete classes,
so tests inject fakes and the interim analyzer can be replaced by the trained one without touching routes.
"""

from __future__ import annotations

from typing import Protocol

from botrygt_nlp.domain import Assessor


class AnalyzerPort(Assessor, Protocol):
    """The one ``domain.Assessor`` protocol, plus the model version the edges report."""

    @property
    def model_version(self) -> str: ...
