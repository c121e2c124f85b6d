"""The /v1 API on an app: its routers, the offline docs at /docs and the finished OpenAPI schema.

The app itself (services, web pages, error handlers, middleware) is built by the composition root,
:mod:`botrygt_nlp.asgi`, which calls :func:`install` beside ``botrygt_nlp.web.install``.
"""

from __future__ import annotations

from fastapi import FastAPI

from botrygt_nlp.api.openapi import install as install_openapi
from botrygt_nlp.api.routes import assess, feedback, monitor, ops, reports, validation
from botrygt_nlp.service.services import Services


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


def install(app: FastAPI, services: Services) -> None:
    """Mount the API docs, the /v1 routers and the OpenAPI finishing on ``app`` (``app.state.services`` set)."""
    _install_offline_docs(app)
    for module in (assess, reports, monitor, feedback, validation):
        app.include_router(module.router)
    app.include_router(reports.templates_router)
    app.include_router(ops.router)
    install_openapi(app, key_optional_on_reads=not services.options.require_key_for_reads)
