"""The HTTP server behind `botrygt serve`: uvicorn's h11 protocol with the guards a public server needs.

uvicorn alone waits forever for a request head or body sent a byte a second, counts every open connection
against ``limit_concurrency`` (so slow clients lock everyone out with 503s), and asyncio logs a traceback
for every failed ``accept()`` once the process runs out of file descriptors (issue 10, point 1). Here:

* **Header timeout.** The request head must be complete ``header_timeout_s`` after the connection opened
  (or after its first byte following a keep-alive pause); otherwise 408 problem+json and the connection is
  closed (silently when not a byte came).
* **Body timeout.** The application's body reader (``BodyLimitMiddleware``) answers 408 when the body is
  late; this protocol is the backstop one second later, also for bodies nobody reads.
* **Connection cap.** At ``max_connections`` (lowered to fit the file-descriptor limit) a new connection
  closes the one that has waited longest for its request head or body; only when every connection is busy
  is the newcomer refused (503, ``Connection: close``). A health probe gets through a slowloris crowd.
* **Request limit.** At most ``max_requests`` requests are handled at once (those whose body has arrived);
  more are answered 503 problem+json with ``Retry-After`` and ``Connection: close``.
* **Lingering close.** When the server closes a connection while the client is still sending, it stops
  writing, reads and drops what comes for up to ``linger_s`` (and ``linger_bytes``), then closes: the
  client gets to read the answer instead of a reset.
* **Quiet under pressure.** Accept errors (EMFILE "Too many open files", ENFILE, ENOBUFS, ENOMEM),
  timeouts, evictions and refusals are logged at most once per ``log_interval_s`` each, with a count.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from botrygt_nlp.service.limits import problem_bytes, send_problem
from botrygt_nlp.service.options import ApiOptions

log = logging.getLogger("uvicorn.error")  # uvicorn's format and level

RESOURCE_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
FD_RESERVE = 64  # descriptors kept for the database, the model, templates and logs
BACKSTOP_GRACE_S = 1.0  # the protocol acts this long after the application's own body deadline


@dataclass(frozen=True, slots=True)
class ServerLimits:
    header_timeout_s: float = 10.0
    body_timeout_s: float = 20.0
    body_min_rate: int = 32 * 1024
    keep_alive_s: float = 5.0
    max_connections: int = 1000
    max_requests: int = 100
    linger_s: float = 2.0
    linger_bytes: int = 1024 * 1024
    log_interval_s: float = 10.0

    @classmethod
    def from_options(cls, options: ApiOptions) -> ServerLimits:
        return cls(
            header_timeout_s=options.header_timeout_s,
            body_timeout_s=options.body_timeout_s,
            body_min_rate=options.body_min_rate,
            keep_alive_s=options.keep_alive_s,
            max_connections=options.max_connections,
            max_requests=options.max_requests,
        )


class ThrottledLog:
    """One line per ``interval_s`` for a recurring event, saying how often it happened since the last line."""

    def __init__(self, logger: logging.Logger, interval_s: float, clock: Callable[[], float] = time.monotonic):
        self.logger = logger
        self.interval_s = interval_s
        self.clock = clock
        self._last: dict[str, float] = {}
        self._count: dict[str, int] = {}

    def hit(self, key: str, message: str, *args: object) -> bool:
        """Count one event; log it when the last line for ``key`` is older than the interval."""
        now = self.clock()
        count = self._count[key] = self._count.get(key, 0) + 1
        last = self._last.get(key)
        if last is not None and now - last < self.interval_s:
            return False
        self._last[key] = now
        self._count[key] = 0
        since = now - last if last is not None else 0.0
        suffix = "" if count == 1 else f" ({count} times in the last {since:.0f} s)"
        self.logger.warning(message + suffix, *args)
        return True


def accept_error_handler(throttle: ThrottledLog) -> Callable[[asyncio.AbstractEventLoop, dict[str, Any]], None]:
    """An event-loop exception handler: resource errors of ``accept()`` as one throttled line, no traceback.

    asyncio stops accepting for a second after such an error and tries again, so connections wait in the
    listen backlog meanwhile; the rest of the process carries on.
    """

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, OSError) and exc.errno in RESOURCE_ERRNOS:
            throttle.hit("accept", "accept() failed: %s; new connections wait a second", exc.strerror or exc)
            return
        loop.default_exception_handler(context)

    return handle


class _Shared:
    def __init__(self, limits: ServerLimits) -> None:
        self.limits = limits
        self.busy = 0  # requests in the application whose body has arrived
        self.log = ThrottledLog(log, limits.log_interval_s)


def _raw_response(status: int, reason: str, code: str, title: str, title_da: str, detail: str) -> bytes:
    body = problem_bytes(status, code, title, title_da, detail, "", retryable=True)
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


HEAD_TIMEOUT = _raw_response(
    408,
    "Request Timeout",
    "request_timeout",
    "Request head not received in time",
    "Forespørgslen kom ikke frem i tide",
    "The request head arrived too slowly; the connection is closed.",
)
BODY_TIMEOUT = _raw_response(
    408,
    "Request Timeout",
    "request_timeout",
    "Request body not received in time",
    "Forespørgslen kom ikke frem i tide",
    "The request body arrived too slowly; the connection is closed.",
)
TOO_MANY_CONNECTIONS = _raw_response(
    503,
    "Service Unavailable",
    "busy",
    "Too many connections",
    "Serveren har travlt",
    "The server has too many open connections; try again in a moment.",
)


class _GuardedTransport(asyncio.Transport):
    """The socket transport as uvicorn sees it; ``close()`` goes through the protocol's lingering close."""

    def __init__(self, raw: asyncio.Transport, protocol: GuardedH11Protocol) -> None:
        super().__init__()
        self.raw = raw
        self._protocol = protocol
        self.closing = False

    def close(self) -> None:
        if not self.closing:
            self.closing = True
            self._protocol.close_gracefully()

    def abort(self) -> None:
        self.closing = True
        self.raw.abort()

    def is_closing(self) -> bool:
        return self.closing or self.raw.is_closing()

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.raw.write(data)

    def writelines(self, list_of_data: Any) -> None:
        self.raw.writelines(list_of_data)

    def write_eof(self) -> None:
        self.raw.write_eof()

    def can_write_eof(self) -> bool:
        return self.raw.can_write_eof()

    def pause_reading(self) -> None:
        self.raw.pause_reading()

    def resume_reading(self) -> None:
        self.raw.resume_reading()

    def is_reading(self) -> bool:
        return self.raw.is_reading()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.raw.get_extra_info(name, default)

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self.raw.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self.raw.get_protocol()

    def get_write_buffer_size(self) -> int:
        return self.raw.get_write_buffer_size()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self.raw.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self.raw.set_write_buffer_limits(high, low)


def _has_body(scope: dict[str, Any]) -> bool:
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() not in (b"", b"0")):
            return True
    return False


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol plus header/body deadlines, the connection cap and lingering close."""

    shared: ClassVar[_Shared]

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._inner_app = self.app
        self.app = self._admit
        self._raw: asyncio.Transport | None = None
        self._guard: _GuardedTransport | None = None
        self._header_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._linger_timer: asyncio.TimerHandle | None = None
        self._since = self.loop.time()  # when the current wait (for a head, a body, the next request) began
        self._body_bytes = 0
        self._head_bytes = 0
        self._lingering = False
        self._lingered = 0

    # ------------------------------------------------------------------ connection life
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._raw = transport
        self._guard = _GuardedTransport(transport, self)
        super().connection_made(self._guard)
        self._since = self.loop.time()
        self._header_timer = self.loop.call_later(self.shared.limits.header_timeout_s, self._header_timeout)
        if len(self.connections) > self.shared.limits.max_connections:
            victim = self._longest_waiting()
            if victim is not None:
                victim.evict()
            else:
                self.shared.log.hit("refused", "refused a connection: %d open, none idle", len(self.connections))
                self._write_raw(TOO_MANY_CONNECTIONS)
                self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timers()
        if self._linger_timer is not None:
            self._linger_timer.cancel()
            self._linger_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._lingering:
            self._lingered += len(data)
            if self._lingered > self.shared.limits.linger_bytes and self._raw is not None:
                self._raw.abort()
            return
        if self.transport.is_closing():
            return
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            self._body_bytes += len(data)
        elif state is h11.IDLE:
            self._head_bytes += len(data)
        super().data_received(data)
        self._track()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._since = self.loop.time()
        self._track()

    # ------------------------------------------------------------------ deadlines
    def _track(self) -> None:
        """Arm or cancel the header and body timers for the state the connection is in now."""
        if self.transport.is_closing():
            self._cancel_timers()
            return
        state = self.conn.their_state
        if state is h11.IDLE:
            if self._body_timer is not None:
                self._body_timer.cancel()
                self._body_timer = None
            # A keep-alive connection that starts a new request head gets a fresh head deadline.
            if self._header_timer is None and self.conn.trailing_data[0]:
                self._since = self.loop.time()
                self._header_timer = self.loop.call_later(self.shared.limits.header_timeout_s, self._header_timeout)
            return
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
            self._head_bytes = 0
        if state is h11.SEND_BODY:
            if self._body_timer is None:
                self._since = self.loop.time()
                self._body_bytes = 0
                self._body_timer = self.loop.call_later(self._body_allowance(), self._body_timeout)
        elif self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _body_allowance(self) -> float:
        limits = self.shared.limits
        rate = self._body_bytes / limits.body_min_rate if limits.body_min_rate > 0 else 0.0
        return limits.body_timeout_s + rate + BACKSTOP_GRACE_S

    def _cancel_timers(self) -> None:
        for timer in (self._header_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._header_timer = self._body_timer = None

    def _header_timeout(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return
        self.shared.log.hit(
            "head", "closed a connection that sent no request head in %.0f s", self.shared.limits.header_timeout_s
        )
        if self._head_bytes or self.conn.trailing_data[0]:
            self._write_raw(HEAD_TIMEOUT)  # nothing to say to a connection that never said anything
        self.transport.close()

    def _body_timeout(self) -> None:
        self._body_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.SEND_BODY:
            return
        remaining = self._since + self._body_allowance() - self.loop.time()
        if remaining > 0:  # the body kept coming at the minimum rate: more time
            self._body_timer = self.loop.call_later(remaining, self._body_timeout)
            return
        self.shared.log.hit("body", "closed a connection whose request body was late")
        self._stop_cycle(BODY_TIMEOUT)
        self.transport.close()

    def _stop_cycle(self, answer: bytes) -> None:
        """End the request in progress: the application sees a disconnect, the client ``answer``."""
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            if not cycle.response_started:
                self._write_raw(answer)
            cycle.disconnected = True
            cycle.message_event.set()

    def _write_raw(self, data: bytes) -> None:
        if self._raw is not None and not self._raw.is_closing() and not self._lingering:
            self._raw.write(data)

    # ------------------------------------------------------------------ closing
    def close_gracefully(self) -> None:
        """Close; when the client is still sending, stop writing and drain for a while first (no reset)."""
        raw = self._raw
        if raw is None or raw.is_closing():
            return
        self._cancel_timers()
        sending = self.conn.their_state is h11.SEND_BODY or bool(self.conn.trailing_data[0]) or self._head_bytes
        if sending and raw.can_write_eof():
            self._lingering = True
            raw.write_eof()
            self._linger_timer = self.loop.call_later(self.shared.limits.linger_s, raw.abort)
        else:
            raw.close()

    def evict(self) -> None:
        """Make room at the connection cap: this connection is the one that waited longest."""
        self.shared.log.hit(
            "evict",
            "connection limit (%d) reached: closing connections that wait longest",
            self.shared.limits.max_connections,
        )
        if self.conn.their_state is h11.SEND_BODY:
            self._stop_cycle(BODY_TIMEOUT)
        elif self._head_bytes or self.conn.trailing_data[0]:
            self._write_raw(HEAD_TIMEOUT)
        if self._guard is not None:
            self._guard.abort()

    def _waiting(self) -> bool:
        """Waiting for the client (a request head, a body, or the next request), or already lingering."""
        if self._lingering:
            return True
        if self.transport is None or self.transport.is_closing():
            return False
        state = self.conn.their_state
        cycle = self.cycle
        if state is h11.IDLE:
            return cycle is None or cycle.response_complete
        return state is h11.SEND_BODY and cycle is not None and not cycle.response_started

    def _longest_waiting(self) -> GuardedH11Protocol | None:
        best: GuardedH11Protocol | None = None
        for other in self.connections:
            if other is self or not isinstance(other, GuardedH11Protocol) or not other._waiting():
                continue
            if best is None or (not other._lingering, other._since) < (not best._lingering, best._since):
                best = other
        return best

    # ------------------------------------------------------------------ request limit
    async def _admit(self, scope: Any, receive: Any, send: Any) -> None:
        shared = self.shared
        if shared.busy >= shared.limits.max_requests:
            shared.log.hit("busy", "refused a request: %d in progress (max_requests)", shared.busy)
            await send_problem(
                send,
                503,
                "busy",
                "Server busy",
                "Serveren har travlt",
                "The server is handling as many requests as it can; try again in a moment.",
                scope["path"],
                retryable=True,
                headers=((b"retry-after", b"1"),),
            )
            return
        counted = False

        def count() -> None:
            nonlocal counted
            if not counted:
                counted = True
                shared.busy += 1

        if not _has_body(scope):
            count()

        async def counting_receive() -> Any:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                count()  # a request counts once its body is in (a slow body holds a connection, not a slot)
            return message

        try:
            await self._inner_app(scope, counting_receive, send)
        finally:
            if counted:
                shared.busy -= 1


def guarded_protocol(limits: ServerLimits) -> type[GuardedH11Protocol]:
    """A protocol class bound to ``limits`` (uvicorn instantiates the class it is given per connection)."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"shared": _Shared(limits)})


def raise_fd_limit() -> int:
    """Raise the soft file-descriptor limit to the hard one; returns the soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft if soft != resource.RLIM_INFINITY else 1 << 20


def fit_to_fd_limit(limits: ServerLimits, fd_limit: int) -> ServerLimits:
    """``max_connections`` lowered so connections leave descriptors for everything else."""
    cap = max(16, fd_limit - FD_RESERVE)
    return limits if limits.max_connections <= cap else replace(limits, max_connections=cap)


def run(app: Any, *, host: str, port: int, options: ApiOptions, log_level: str = "info") -> None:
    """Serve ``app`` until interrupted (what `botrygt serve` runs)."""
    import uvicorn

    limits = fit_to_fd_limit(ServerLimits.from_options(options), raise_fd_limit())
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=False,
        server_header=False,
        http=guarded_protocol(limits),
        timeout_keep_alive=max(1, round(limits.keep_alive_s)),
        limit_concurrency=None,  # ours counts requests, not connections (see GuardedH11Protocol)
        timeout_graceful_shutdown=10,
    )
    server = uvicorn.Server(config)
    log.info(
        "limits: header %.0f s, body %.0f s + 1 s per %d bytes, keep-alive %.0f s, %d connections, %d requests",
        limits.header_timeout_s,
        limits.body_timeout_s,
        limits.body_min_rate,
        limits.keep_alive_s,
        limits.max_connections,
        limits.max_requests,
    )

    async def main() -> None:
        throttle = ThrottledLog(log, limits.log_interval_s)
        asyncio.get_running_loop().set_exception_handler(accept_error_handler(throttle))
        await server.serve()

    asyncio.run(main())
