"""The one place where errors become HTTP responses (RFC 9457 problem+json, or an HTML page for browsers).

Core errors (:mod:`botrygt_nlp.errors`) carry a stable ``code``; its status and its English and Danish titles
come from the one catalogue there (``errors.CATALOGUE``). Routes never build error responses themselves: they
raise.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from botrygt_nlp import errors
from botrygt_nlp.service.methods import allowed_methods
from botrygt_nlp.storage.failures import driver_reason, storage_failure

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


@dataclass(frozen=True, slots=True)
class Problem:
    status: int
    code: str
    title: str
    title_da: str
    detail: str
    retryable: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def to_json(self, instance: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://botrygt.dk/problems/{self.code}",
            "title": self.title,
            "title_da": self.title_da,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
            "retryable": self.retryable,
            "instance": instance,
        }
        body.update(self.extra)
        return body


class ProblemError(Exception):
    """Raised by the edges themselves (auth, limits, unknown ids) for problems that are not core errors."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra or {}


_HTTP_CODES = {
    400: "bad_input",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def _make(
    code: str,
    detail: str,
    *,
    status: int | None = None,
    retryable: bool = False,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Problem:
    info = errors.CATALOGUE.get(code) or errors.CATALOGUE[_HTTP_CODES.get(status or 500, "internal_error")]
    return Problem(
        status or info.status, code, info.title, info.title_da, detail, retryable, extra or {}, headers or {}
    )


_RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})

# What a client is told when the storage fails: words, never the driver's message (SQL, paths, parameters).
_STORAGE_DETAIL = {
    "storage_full": "The storage is full, so nothing could be read or saved. An operator must free disk space.",
    "storage_error": "The database is unavailable at the moment. Try again later.",
}


def _storage_problem(exc: BaseException) -> Problem | None:
    failure = storage_failure(exc)
    if failure is None:
        return None
    code = failure.code if failure.code in _STORAGE_DETAIL else "storage_error"
    log.error("storage failure (%s): %s", code, driver_reason(exc))
    return _make(code, _STORAGE_DETAIL[code], status=503, retryable=True, headers={"Retry-After": "30"})


def problem_for(exc: BaseException) -> Problem:
    """Translate any exception into a :class:`Problem`; unknown exceptions become a bland 500."""
    if isinstance(exc, ProblemError):
        retryable = exc.status in _RETRYABLE_STATUSES  # a 429 or 503 raised by the edge is worth retrying
        return _make(exc.code, exc.detail, status=exc.status, retryable=retryable, extra=exc.extra, headers=exc.headers)
    storage = _storage_problem(exc)  # a StorageError, or a raw driver/disk error from a read
    if storage is not None:
        return storage
    if isinstance(exc, errors.BotrygtError):
        extra: dict[str, Any] = {}
        if isinstance(exc, errors.NotDanishError):
            extra["language"] = exc.language
        headers = {"Retry-After": "30"} if exc.retryable else {}
        # A subclass with a code the catalogue does not know yet gets its nearest known ancestor's status.
        status = errors.error_info(exc).status
        return _make(exc.code, exc.message, status=status, retryable=exc.retryable, extra=extra, headers=headers)
    if isinstance(exc, RequestValidationError):
        # pydantic's own messages are clear English; keep only location + message (never echo input).
        issues = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()]
        return _make("validation_error", "The request does not match the schema.", extra={"errors": issues})
    if isinstance(exc, StarletteHTTPException):
        code = _HTTP_CODES.get(exc.status_code, "internal_error" if exc.status_code >= 500 else "bad_input")
        return _make(code, str(exc.detail), status=exc.status_code, headers=dict(exc.headers or {}))
    log.exception("unhandled error", exc_info=exc)
    return _make("internal_error", "An unexpected error occurred; it has been logged.")


def problem_response(request: Request, problem: Problem) -> Response:
    return JSONResponse(
        problem.to_json(request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


HtmlRenderer = Callable[[Request, Problem], Response]


def wants_html(request: Request) -> bool:
    """Browsers on the web pages get an HTML error page; the API and other clients get problem+json."""
    path = request.url.path
    if path.startswith(("/v1", "/healthz", "/metrics", "/docs", "/openapi")):
        return False
    return "text/html" in request.headers.get("accept", "")


def install_handlers(app: FastAPI, html_renderer: HtmlRenderer | None = None) -> None:
    async def handle(request: Request, exc: Exception) -> Response:
        problem = problem_for(exc)
        if problem.status == 405:
            allow = ", ".join(allowed_methods(request.app.routes, request.scope))
            if request.method == "OPTIONS":  # not a CORS preflight (CORSMiddleware answers those first)
                return Response(status_code=204, headers={"Allow": allow})
            problem = replace(problem, headers={**problem.headers, "Allow": allow})
        if html_renderer is not None and wants_html(request):
            return html_renderer(request, problem)
        return problem_response(request, problem)

    for exc_type in (
        ProblemError,
        errors.BotrygtError,
        RequestValidationError,
        StarletteHTTPException,
        # Raw driver and OS errors from reads: answered here (a 503 in words when the storage failed), not
        # left to the catch-all, which answers and then re-raises into the server's traceback log.
        sa.exc.SQLAlchemyError,
        sqlite3.Error,
        OSError,
        Exception,
    ):
        app.add_exception_handler(exc_type, handle)
