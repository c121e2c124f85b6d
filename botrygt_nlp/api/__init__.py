"""HTTP edge of botrygt-nlp: the /v1 API.

``install(app, services)`` mounts it on an app; :mod:`botrygt_nlp.asgi` builds the app.
"""

from __future__ import annotations

from botrygt_nlp.api.router import install

__all__ = ["install"]
