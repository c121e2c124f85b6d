"""HTTP edge of botrygt-nlp: ``create_app(settings, analyzer=None, store=None)`` builds the FastAPI app."""

from __future__ import annotations

from botrygt_nlp.api.app import create_app

__all__ = ["create_app"]
