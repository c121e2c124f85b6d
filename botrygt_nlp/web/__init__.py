"""Server-rendered Danish web pages over the same core as the API (templates in templates/web/)."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from starlette.staticfiles import StaticFiles

from botrygt_nlp.service.problems import HtmlRenderer
from botrygt_nlp.service.services import Services
from botrygt_nlp.web import audit, control, draft, pages, press, sources
from botrygt_nlp.web.kit import WebKit
from botrygt_nlp.web.render import PageRenderer
from botrygt_nlp.web.security import CookiePolicy, SecurityHeadersMiddleware, Signer
from botrygt_nlp.web.sessions import load_session

STATIC_DIR = Path(__file__).resolve().parent / "static"


def install(app: FastAPI, services: Services) -> HtmlRenderer:
    """Mount the pages and static files on ``app``; return the HTML error renderer for the error handler."""
    signer = Signer(services.options.session_secret)
    renderer = PageRenderer(
        services.settings.templates_dir / "web", signer, CookiePolicy(secure=services.options.secure_cookies)
    )
    app.state.web = WebKit(services=services, renderer=renderer, signer=signer)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (pages, draft, audit, press, sources, control):
        # Who is signed in is checked against the store once per page request (web/sessions.py).
        app.include_router(module.router, dependencies=[Depends(load_session)])
    app.add_middleware(SecurityHeadersMiddleware)
    return pages.render_error
