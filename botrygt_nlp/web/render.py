"""Rendering of page templates (templates/web/) from typed contexts, with the chrome every page shares.

Autoescape is on for every template whatever its file ending (``autoescape=True``, not a suffix rule), and
no template uses ``|safe``: feed titles, article texts and uploads are hostile until proven otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from starlette.responses import HTMLResponse, Response

from botrygt_nlp.web.security import CSRF_COOKIE, CookiePolicy, Signer
from botrygt_nlp.web.sessions import signed_in


class Nav(StrEnum):
    HOME = "home"
    DRAFT = "skriv"
    AUDIT = "gennemga"
    TRENDS = "pressen"
    SOURCES = "kilder"
    CONTROL = "kontrol"
    LOGIN = "login"


NAV_ITEMS: tuple[tuple[Nav, str, str], ...] = (
    (Nav.DRAFT, "/skriv", "Skriv døgnrapport"),
    (Nav.AUDIT, "/gennemga", "Gennemgå materiale"),
    (Nav.TRENDS, "/pressen", "Pressen over tid"),
    (Nav.SOURCES, "/kilder", "Kilder"),
    (Nav.CONTROL, "/kontrol", "Kontrol"),
)


@dataclass(frozen=True, slots=True)
class Chrome:
    """What the base layout needs: navigation, the signed-in key name and this browser's CSRF token."""

    active: Nav
    user: str | None
    csrf_token: str
    csrf_field: str
    nav: tuple[tuple[Nav, str, str], ...] = NAV_ITEMS


class PageRenderer:
    def __init__(self, template_dir: Path, signer: Signer, cookies: CookiePolicy) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(template_dir)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,  # a typo in a template fails the contract tests, not silently
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.signer = signer
        self.cookies = cookies

    def user(self, request: Request) -> str | None:
        """The signed-in key's name: the session the page routers resolved against the store (web/sessions.py)."""
        session = signed_in(request)
        return session.name if session is not None else None

    def render(self, request: Request, template: str, page: Any, active: Nav, *, status: int = 200) -> Response:
        seed = request.cookies.get(CSRF_COOKIE)
        new_seed = seed is None
        if seed is None:
            seed = self.signer.new_csrf_seed()
        chrome = Chrome(
            active=active,
            user=self.user(request),
            csrf_token=self.signer.csrf_token(seed),
            csrf_field="csrf_token",
        )
        html = self.env.get_template(template).render(page=page, chrome=chrome)
        response = HTMLResponse(html, status_code=status)
        response.headers["Cache-Control"] = "no-store"  # pages may show a police draft: keep it out of caches
        if new_seed:
            self.cookies.set(response, CSRF_COOKIE, seed, None)
        return response
