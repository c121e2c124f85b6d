"""What the page routes share: the renderer, the signer, the services, and CSRF-checked form reading."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

# The pages' Danish sentences for core errors come from the one error catalogue; re-exported for the pages.
from botrygt_nlp.errors import danish_message as danish_message
from botrygt_nlp.service.problems import ProblemError
from botrygt_nlp.service.services import Services
from botrygt_nlp.web.render import PageRenderer
from botrygt_nlp.web.security import CSRF_COOKIE, CSRF_FIELD, Signer
from botrygt_nlp.web.sessions import cookie_session_id, resolve_session

MAX_FORM_FIELD_BYTES = 2 * 1024 * 1024  # a pasted report; files are counted by the body limit instead


@dataclass(frozen=True, slots=True)
class WebKit:
    services: Services
    renderer: PageRenderer
    signer: Signer


def get_kit(request: Request) -> WebKit:
    kit: WebKit = request.app.state.web
    return kit


CSRF_FAILED = "Formularen er udløbet eller kom fra et andet websted. Genindlæs siden, og prøv igen."


async def read_form(request: Request) -> tuple[FormData, bool]:
    """The submitted form and whether its CSRF token is good. Only a page that can safely show the form again
    (the drafting page keeps the pasted report) looks at a failed form; every other page uses checked_form."""
    kit = get_kit(request)
    try:
        form = await request.form(
            max_files=kit.services.options.max_files, max_fields=200, max_part_size=MAX_FORM_FIELD_BYTES
        )
    except HTTPException as exc:
        # Starlette turns python-multipart's refusals into an English 400 ("Part exceeded maximum size of
        # 2048KB.", "Too many files. Maximum number of files is 20."): say what happened, in Danish.
        detail = str(exc.detail).lower()
        if "maximum size" in detail:
            raise ProblemError(
                413, "too_large", "Teksten er for lang (højst 2 MiB i ét felt). Del den op, eller upload den som fil."
            ) from exc
        if "too many files" in detail:
            raise ProblemError(
                413, "too_large", f"Højst {kit.services.options.max_files} filer ad gangen. Vælg færre filer."
            ) from exc
        raise ProblemError(400, "bad_input", "Formularen kunne ikke læses. Genindlæs siden, og prøv igen.") from exc
    except ValueError as exc:  # python-multipart refusals (too many parts, bad boundary)
        raise ProblemError(400, "bad_input", "Formularen kunne ikke læses. Genindlæs siden, og prøv igen.") from exc
    token = form.get(CSRF_FIELD)
    ok = kit.signer.check_csrf(request.cookies.get(CSRF_COOKIE), token if isinstance(token, str) else None)
    return form, ok


async def checked_form(request: Request) -> FormData:
    """The submitted form, after the CSRF check (403 problem when it fails)."""
    form, ok = await read_form(request)
    if not ok:
        raise ProblemError(403, "csrf_failed", CSRF_FAILED)
    return form


def field(form: FormData, name: str, default: str = "") -> str:
    value = form.get(name)
    return value if isinstance(value, str) else default


def uploads(form: FormData, name: str) -> list[UploadFile]:
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]


async def require_user(request: Request) -> str:
    """The signed-in key name, or a 401 problem (rendered as the error page with a login link).

    The session must be live in the store (web/sessions.py): logging out, revoking the key (`botrygt keys
    revoke`) and the server-side lifetime end it at once, whatever the cookie says.
    """
    session = await resolve_session(request)  # a store that cannot answer is a 503 here, not "signed out"
    if session is None:
        if cookie_session_id(request) is not None:
            raise ProblemError(
                401,
                "unauthorized",
                "Du er logget ud: sessionen er udløbet, afsluttet, eller API-nøglen er tilbagekaldt. Log ind igen.",
            )
        raise ProblemError(401, "unauthorized", "Log ind med en API-nøgle for at ændre kilderne.")
    return session.name
