"""HEAD and OPTIONS the way HTTP (RFC 9110) describes them, which FastAPI's routes do not do on their own.

* HEAD on a GET route answers what GET would, without the body: monitoring probes and link checkers use it.
* OPTIONS without CORS answers 204 with ``Allow`` (CORS preflights are answered by CORSMiddleware first).
* ``Allow`` on a 405 lists every method of the path: Starlette names only the first route that matched the
  path, so ``PUT /v1/feeds`` said "Allow: GET" although POST works too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def flat_routes(routes: Sequence[BaseRoute]) -> list[Any]:
    """The app's routes with included routers opened up. Recent FastAPI keeps an included router as one
    entry and offers ``iter_route_contexts`` (each context answers ``matches``, ``methods``, ``path_format``
    and ``original_route``); older versions copy the routes into the app, so the list is flat already."""
    try:
        from fastapi.routing import iter_route_contexts  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # pragma: no cover - FastAPI before included-router contexts
        return list(routes)
    return list(iter_route_contexts(routes))


def original(route: Any) -> Any:
    return getattr(route, "original_route", route)


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> list[str]:
    """Every method some route serves on this path, HEAD with GET and OPTIONS always; [] for no such path."""
    methods: set[str] = set()
    probe = {**scope, "method": "OPTIONS"}
    for route in flat_routes(routes):
        if isinstance(original(route), Route) and route.methods and route.matches(probe)[0] is not Match.NONE:
            methods |= set(route.methods)
    if not methods:
        return []
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    return sorted(methods, key=lambda m: (_ORDER.index(m) if m in _ORDER else len(_ORDER), m))


class HeadMiddleware:
    """Routes HEAD as GET and drops the body it produces (headers, Content-Length included, stay as for GET)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        # A copy: the server keeps its own scope with method HEAD and so sends no body either.
        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
