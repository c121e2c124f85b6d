"""The FastAPI application factory: wires options, services, middleware, error mapping, API and web pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from botrygt_nlp import __version__
from botrygt_nlp.api.analysis_pool import ReadsFirstMiddleware
from botrygt_nlp.api.limits import BodyLimitMiddleware, RateLimiter
from botrygt_nlp.api.methods import HeadMiddleware
from botrygt_nlp.api.metrics import MetricsMiddleware
from botrygt_nlp.api.openapi import install as install_openapi
from botrygt_nlp.api.options import ApiOptions
from botrygt_nlp.api.ports import AnalyzerPort
from botrygt_nlp.api.problems import install_handlers
from botrygt_nlp.api.routes import assess, feedback, monitor, ops, reports, validation
from botrygt_nlp.api.services import Services
from botrygt_nlp.config import Settings, get_settings
from botrygt_nlp.storage import Store

if TYPE_CHECKING:
    from botrygt_nlp.monitor.fetch import Fetcher

UPLOAD_PREFIXES = ("/gennemga", "/skriv")  # web pages that accept multipart uploads get the larger body limit


def _install_offline_docs(app: FastAPI) -> None:
    """OpenAPI docs at /docs with Swagger UI's assets from the fastapi-offline package, so they work offline.

    The page gets its own Content-Security-Policy: Swagger UI needs inline styles and one inline bootstrap
    script, which is allowed by its hash rather than by 'unsafe-inline'; nothing may load from elsewhere.
    """
    import base64
    import hashlib
    import re
    from pathlib import Path

    import fastapi_offline
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    static = Path(fastapi_offline.__file__).resolve().parent / "static"
    app.mount("/docs-static", StaticFiles(directory=static), name="docs-static")
    inline_script = re.compile(r"<script>(.*?)</script>", re.DOTALL)

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} – API",
            swagger_js_url="/docs-static/swagger-ui-bundle.js",
            swagger_css_url="/docs-static/swagger-ui.css",
            swagger_favicon_url="/docs-static/favicon.png",
            # No validator badge: Swagger UI would send the schema to validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None},
        )
        hashes = " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode() + "'"
            for m in inline_script.finditer(bytes(page.body).decode())
        )
        page.headers["Content-Security-Policy"] = (
            f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        )
        return page


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
        docs_url=None,  # served below from local files: FastAPI's default page loads Swagger UI from a CDN
        redoc_url=None,
    )
    app.state.services = services
    _install_offline_docs(app)

    for module in (assess, reports, monitor, feedback, validation):
        app.include_router(module.router)
    app.include_router(reports.templates_router)
    app.include_router(ops.router)
    install_openapi(app, key_optional_on_reads=not options.require_key_for_reads)

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
