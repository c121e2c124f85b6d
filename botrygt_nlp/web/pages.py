"""Home, login/logout and the HTML error page."""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from botrygt_nlp.service.problems import Problem
from botrygt_nlp.web.contexts import ErrorPage, HomePage, LoginPage
from botrygt_nlp.web.kit import checked_form, field, get_kit
from botrygt_nlp.web.render import Nav
from botrygt_nlp.web.security import CSRF_COOKIE, SESSION_COOKIE, SESSION_TTL_S
from botrygt_nlp.web.sessions import end_session, start_session

router = APIRouter(include_in_schema=False)


def _local_path(target: str) -> str:
    """Only same-site paths may be redirect targets (no open redirect through ?next=)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/kilder"
    # Browsers read "/\evil.example" as "//evil.example" and drop tabs and newlines from URLs. Starlette's
    # redirect happens to percent-encode both today; refusing them here does not depend on that.
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
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
    address = request.client.host if request.client else "unknown"
    # Wrong keys count against the address, as on the API (service/lockout.py): locked out, the key is not checked.
    wait_s = kit.services.auth_failures.retry_after(address)
    if not wait_s:
        decision = kit.services.limiter.check(f"login:{address}")
        wait_s = 0 if decision.allowed else decision.retry_after_s
    if wait_s:
        page = LoginPage(next=target, error="For mange forsøg; vent lidt og prøv igen.")
        response = kit.renderer.render(request, "login.html.j2", page, Nav.LOGIN, status=429)
        response.headers["Retry-After"] = str(wait_s)
        return response
    raw = field(form, "api_key").strip()
    key = await run_in_threadpool(kit.services.store.verify_api_key, raw) if raw else None
    if key is None:
        if raw:
            kit.services.auth_failures.failed(address)
        page = LoginPage(next=target, error="API-nøglen er ukendt eller tilbagekaldt.")
        return kit.renderer.render(request, "login.html.j2", page, Nav.LOGIN, status=401)
    response = RedirectResponse(target, status_code=303)
    cookie = await start_session(request, key.key_id, key.name)
    kit.renderer.cookies.set(response, SESSION_COOKIE, cookie, SESSION_TTL_S)
    # A fresh CSRF seed at every change of who is signed in: a seed planted in the browser beforehand (say,
    # by a sibling subdomain that can set cookies for this host) is worth nothing afterwards.
    kit.renderer.cookies.set(response, CSRF_COOKIE, kit.signer.new_csrf_seed(), None)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await checked_form(request)
    kit = get_kit(request)
    await end_session(request)  # in the store: a copy of the cookie kept from before opens nothing now
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    kit.renderer.cookies.set(response, CSRF_COOKIE, kit.signer.new_csrf_seed(), None)
    return response


# What the page says when the error came from routing itself (Starlette's English "Not Found" and friends)
# or from anything else whose detail was written for the API, not for the person at the browser.
_DANISH_DETAIL = {
    404: "Siden findes ikke. Tjek adressen, eller brug menuen ovenfor.",
    405: "Siden kan ikke bruges på den måde. Gå tilbage, og brug knapperne på siden.",
    500: "Der skete en uventet fejl. Den er skrevet i loggen; prøv igen om lidt.",
}


def _detail_da(problem: Problem) -> str:
    routing_phrase = problem.detail == HTTPStatus(problem.status).phrase
    if problem.status in _DANISH_DETAIL and (routing_phrase or problem.status == 500):
        return _DANISH_DETAIL[problem.status]
    return problem.detail


def _page_of(request: Request) -> str:
    """The page a request belongs to: itself for a GET, the form's page for a POST (/kilder/5/fjern -> /kilder),
    so "Tilbage" and the login's ?next= never lead to an address that only takes POST."""
    path = request.url.path or "/"
    if request.method in ("GET", "HEAD"):
        return path
    return "/" + path.strip("/").split("/", 1)[0]


def render_error(request: Request, problem: Problem) -> Response:
    kit = get_kit(request)
    page_path = _page_of(request)
    if problem.status == 401:
        back = "/login?next=" + quote(page_path, safe="/")
    else:
        back = page_path if request.method not in ("GET", "HEAD") else "/"
    page = ErrorPage(title=problem.title_da, detail=_detail_da(problem), back_href=back)
    return kit.renderer.render(request, "error.html.j2", page, Nav.HOME, status=problem.status)
