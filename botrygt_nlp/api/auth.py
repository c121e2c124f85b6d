"""API-key authentication and per-caller rate limiting, as FastAPI dependencies.

Keys arrive as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``; the store keeps only their hash.
Every unsafe method needs a key; safe methods need one only when ``require_key_for_reads`` is set. Wrong keys
count against the caller's address (service/lockout.py): after a burst, keys from it get 429 until the lockout ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from botrygt_nlp.service.problems import ProblemError
from botrygt_nlp.service.services import Services, get_services

# auto_error=False: a missing key is our own problem+json 401, not FastAPI's default body.
_bearer = HTTPBearer(auto_error=False, description="API key as a bearer token")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key")


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: a verified key's name (recorded as 'who' on feedback), or an anonymous address."""

    key_name: str | None
    address: str

    @property
    def rate_key(self) -> str:
        return f"key:{self.key_name}" if self.key_name else f"addr:{self.address}"


def _raw_key(request: Request, bearer: HTTPAuthorizationCredentials | None, header: str | None) -> str | None:
    if bearer is not None and bearer.credentials:
        return bearer.credentials
    authorization = request.headers.get("authorization", "").strip()
    scheme, _, rest = authorization.partition(" ")
    # "Authorization: btk_…" (the key without "Bearer ") or a bare "Bearer" is a client that meant to send a
    # key: say so, instead of quietly treating it as anonymous. Other schemes (Basic) are left alone, so a
    # password-protecting proxy in front of the service keeps working with X-API-Key.
    if authorization and (not rest.strip() or scheme.lower() == "bearer"):
        raise ProblemError(
            401,
            "unauthorized",
            "The Authorization header must be 'Bearer <key>' (or send the key as X-API-Key).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return header or None


async def _identify(request: Request, services: Services, raw: str | None, required: bool) -> Caller:
    # async, so a request without a key costs no thread-pool hop; the key lookup (a database read and a
    # last-used write) goes to the pool so it never blocks the event loop.
    address = request.client.host if request.client else "unknown"
    name: str | None = None
    if raw is not None:
        locked_s = services.auth_failures.retry_after(address)
        if locked_s:
            raise locked_out(locked_s)
        name = await run_in_threadpool(services.verify_key, raw)
        if name is None:
            services.auth_failures.failed(address)
            # A wrong key is always an error, even where none is required: it is a misconfigured client.
            raise ProblemError(
                401,
                "unauthorized",
                "The API key is unknown or revoked.",
                headers={"WWW-Authenticate": "Bearer"},
            )
    elif required:
        raise ProblemError(
            401,
            "unauthorized",
            "This endpoint needs an API key (Authorization: Bearer <key> or X-API-Key).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    caller = Caller(name, address)
    decision = services.limiter.check(caller.rate_key)
    if not decision.allowed:
        raise ProblemError(
            429,
            "rate_limited",
            "Rate limit exceeded for this API key or address.",
            headers={"Retry-After": str(decision.retry_after_s)},
        )
    return caller


def locked_out(retry_after_s: int) -> ProblemError:
    """The 429 for an address locked out after too many wrong keys (the key itself is not checked)."""
    return ProblemError(
        429,
        "rate_limited",
        "Too many wrong API keys from this address; try again after the Retry-After delay.",
        headers={"Retry-After": str(retry_after_s)},
    )


async def writer(
    request: Request,
    services: Annotated[Services, Depends(get_services)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> Caller:
    return await _identify(request, services, _raw_key(request, bearer, header), required=True)


async def reader(
    request: Request,
    services: Annotated[Services, Depends(get_services)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> Caller:
    return await _identify(request, services, _raw_key(request, bearer, header), services.options.require_key_for_reads)


WriteCaller = Annotated[Caller, Depends(writer)]
ReadCaller = Annotated[Caller, Depends(reader)]
