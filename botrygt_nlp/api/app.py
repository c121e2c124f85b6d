"""The FastAPI application factory: wires options, services, middleware, error mapping, API and web pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from botrygt_nlp import __version__
from botrygt_nlp.api.limits import BodyLimitMiddleware, RateLimiter
from botrygt_nlp.api.metrics import MetricsMiddleware
from botrygt_nlp.api.options import ApiOptions
from botrygt_nlp.api.ports import AnalyzerPort
from botrygt_nlp.api.problems import install_handlers
from botrygt_nlp.api.routes import assess, feedback, monitor, ops, reports
from botrygt_nlp.api.services import Services
from botrygt_nlp.config import Settings, get_settings
from botrygt_nlp.storage import Store

if TYPE_CHECKING:
    from botrygt_nlp.monitor.fetch import Fetcher

UPLOAD_PREFIXES = ("/gennemga", "/skriv")  # web pages that accept multipart uploads get the larger body limit


def create_app(
    settings: Settings | None = None,
    analyzer: AnalyzerPort | None = None,
    store: Store | None = None,
    *,
    options: ApiOptions | None = None,
    limiter: RateLimiter | None = None,
    fetcher_factory: Callable[[], Fetcher] | None = None,
    web: bool = True,
) -> FastAPI:
    """Build the app. Everything is injectable; nothing is read from the environment except via Settings."""
    settings = settings or get_settings()
    options = options or ApiOptions.from_settings(settings)
    services = Services(settings, options, analyzer, store, limiter, fetcher_factory)

    app = FastAPI(
        title="botrygt-nlp",
        version=__version__,
        description="Konstruktiv kriminalitetskommunikation: score Danish crime texts, rewrite daily "
        "reports with Bo trygt advice, and follow the local press over time.",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.services = services

    for module in (assess, reports, monitor, feedback):
        app.include_router(module.router)
    app.include_router(ops.router)

    html_renderer = None
    if web:
        from botrygt_nlp.web import install as install_web

        html_renderer = install_web(app, services)
    install_handlers(app, html_renderer)

    # Middleware order: the last added is outermost. Metrics sees everything, including 413s.
    if options.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(options.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )
    app.add_middleware(
        BodyLimitMiddleware,
        default_limit=options.max_body_bytes,
        upload_limit=options.max_upload_bytes,
        upload_prefixes=UPLOAD_PREFIXES,
    )
    app.add_middleware(MetricsMiddleware, metrics=services.metrics)
    return app
