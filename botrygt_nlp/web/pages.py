"""Home, login/logout and the HTML error page."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from botrygt_nlp.api.problems import Problem
from botrygt_nlp.web.contexts import ErrorPage, HomePage, LoginPage
from botrygt_nlp.web.kit import checked_form, field, get_kit
from botrygt_nlp.web.render import Nav
from botrygt_nlp.web.security import SESSION_COOKIE, SESSION_TTL_S

router = APIRouter(include_in_schema=False)


def _local_path(target: str) -> str:
    """Only same-site paths may be redirect targets (no open redirect through ?next=)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/kilder"
    return target


@router.get("/")
async def home(request: Request) -> Response:
    kit = get_kit(request)
    return kit.renderer.render(request, "index.html.j2", HomePage(kit.services.analyzer.model_version), Nav.HOME)


@router.get("/login")
async def login_form(request: Request, next: str = "/kilder") -> Response:
    return get_kit(request).renderer.render(request, "login.html.j2", LoginPage(next=_local_path(next)), Nav.LOGIN)


@router.post("/login")
async def login(request: Request) -> Response:
    kit = get_kit(request)
    form = await checked_form(request)
    target = _local_path(field(form, "next", "/kilder"))
    decision = kit.services.limiter.check(f"login:{request.client.host if request.client else '?'}")
    name = kit.services.verify_key(field(form, "api_key").strip()) if decision.allowed else None
    if name is None:
        page = LoginPage(
            next=target,
            error="API-nøglen er ukendt eller tilbagekaldt."
            if decision.allowed
            else "For mange forsøg; vent lidt og prøv igen.",
        )
        return kit.renderer.render(request, "login.html.j2", page, Nav.LOGIN, status=401)
    response = RedirectResponse(target, status_code=303)
    kit.renderer.cookies.set(response, SESSION_COOKIE, kit.signer.make_session(name), SESSION_TTL_S)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await checked_form(request)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


def render_error(request: Request, problem: Problem) -> Response:
    kit = get_kit(request)
    back = "/login?next=" + request.url.path if problem.status == 401 else (request.url.path or "/")
    page = ErrorPage(title=problem.title_da, detail=problem.detail, back_href=back)
    return kit.renderer.render(request, "error.html.j2", page, Nav.HOME, status=problem.status)
