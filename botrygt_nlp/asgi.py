"""The composition root of the served app: the /v1 API and the web pages mounted side by side.

Nothing else builds a FastAPI app. The edges (``api``, ``web``) each only add their own routes to the app
they are given; both reach the core through the same :class:`~botrygt_nlp.service.services.Services`. The
CLI's ``botrygt serve`` and ``botrygt demo`` call :func:`create_app` and :func:`serve` from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from botrygt_nlp import __version__, api
from botrygt_nlp.config import Settings, get_settings
from botrygt_nlp.service.analysis_pool import ReadsFirstMiddleware
from botrygt_nlp.service.limits import BodyLimitMiddleware, RateLimiter
from botrygt_nlp.service.methods import HeadMiddleware
from botrygt_nlp.service.metrics import MetricsMiddleware
from botrygt_nlp.service.options import ApiOptions
from botrygt_nlp.service.ports import AnalyzerPort
from botrygt_nlp.service.problems import install_handlers
from botrygt_nlp.service.services import Services
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
        docs_url=None,  # served by api.install from local files: FastAPI's default page loads Swagger UI from a CDN
        redoc_url=None,
    )
    app.state.services = services
    api.install(app, services)

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
        html_renderer=html_renderer,
        body_timeout_s=options.body_timeout_s,
        body_min_rate=options.body_min_rate,
        discard_limit=options.discard_limit,
    )
    app.add_middleware(ReadsFirstMiddleware, gate=services.analysis.gate)  # reads in progress, for the pool
    app.add_middleware(MetricsMiddleware, metrics=services.metrics)
    app.add_middleware(HeadMiddleware)  # outermost: everything inside sees a GET
    return app


def serve(app: FastAPI, *, host: str, port: int) -> None:
    """Run ``app`` under the guarded uvicorn protocol (:mod:`botrygt_nlp.api.server`) until stopped."""
    from botrygt_nlp.api import server

    services: Services = app.state.services
    server.run(app, host=host, port=port, options=services.options)
