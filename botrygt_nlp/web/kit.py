"""What the page routes share: the renderer, the signer, the services, and CSRF-checked form reading."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import FormData, UploadFile

from botrygt_nlp.api.problems import ProblemError
from botrygt_nlp.api.services import Services
from botrygt_nlp.web.render import PageRenderer
from botrygt_nlp.web.security import CSRF_COOKIE, CSRF_FIELD, Signer

MAX_FORM_FIELD_BYTES = 2 * 1024 * 1024  # a pasted report; files are counted by the body limit instead


@dataclass(frozen=True, slots=True)
class WebKit:
    services: Services
    renderer: PageRenderer
    signer: Signer


def get_kit(request: Request) -> WebKit:
    kit: WebKit = request.app.state.web
    return kit


async def checked_form(request: Request) -> FormData:
    """The submitted form, after the CSRF check (403 problem when it fails)."""
    kit = get_kit(request)
    try:
        form = await request.form(
            max_files=kit.services.options.max_files, max_fields=200, max_part_size=MAX_FORM_FIELD_BYTES
        )
    except ValueError as exc:  # python-multipart refusals (too many parts, bad boundary)
        raise ProblemError(400, "bad_input", f"The form could not be read: {exc}") from exc
    token = form.get(CSRF_FIELD)
    if not kit.signer.check_csrf(request.cookies.get(CSRF_COOKIE), token if isinstance(token, str) else None):
        raise ProblemError(
            403,
            "csrf_failed",
            "The form has expired or came from another site. Reload the page and try again.",
        )
    return form


def field(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name)
    return value if isinstance(value, str) else default


def uploads(form: FormData, name: str) -> list[UploadFile]:
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]


def require_user(request: Request) -> str:
    """The signed-in key name, or a 401 problem (rendered as the error page with a login link)."""
    user = get_kit(request).renderer.user(request)
    if user is None:
        raise ProblemError(401, "unauthorized", "Log ind med en API-nøgle for at ændre kilderne.")
    return user
