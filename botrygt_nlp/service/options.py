"""Limits and switches of the HTTP edge, derived once from :class:`Settings`.

The API-specific settings are ``Settings.api_*`` (environment ``BOTRYGT_API_*``); a value left unset (None)
takes the default below. Nothing here reads the environment itself: config.py stays the only place that does.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from botrygt_nlp.config import Settings


@dataclass(frozen=True, slots=True)
class ApiOptions:
    max_body_bytes: int = 2 * 1024 * 1024  # JSON bodies; counted while streaming, not from Content-Length
    max_upload_bytes: int = 20 * 1024 * 1024  # multipart uploads on the web pages (all files together)
    max_text_chars: int = 100_000  # per text; a døgnrapport is a few thousand characters
    max_batch: int = 100
    max_files: int = 20
    max_urls: int = 20
    rate_limit_per_minute: int = 600  # per API key (or per client address when no key is sent)
    rate_limit_burst: int = 60
    require_key_for_reads: bool = False
    cors_origins: tuple[str, ...] = ()  # empty = CORS off (no headers at all)
    # Signs the web session cookie. A random per-process secret means sessions end at restart, which is
    # the safe default; set BOTRYGT_API_SESSION_SECRET to keep them across restarts and workers.
    session_secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    secure_cookies: bool = False  # True behind HTTPS; False lets the cookie work on http://127.0.0.1
    # Slow and heavy clients (issue 10). The request head must arrive within header_timeout_s of the
    # connection opening (or of its first byte after a keep-alive pause); the body within body_timeout_s
    # plus one second for every body_min_rate bytes received, so a large upload on a slow line still
    # arrives while a client sending a byte a second is answered 408 and closed.
    header_timeout_s: float = 10.0
    body_timeout_s: float = 20.0
    body_min_rate: int = 32 * 1024  # bytes a second
    keep_alive_s: float = 5.0  # an idle keep-alive connection is closed after this long
    # After a body over its limit, read and throw away up to this many bytes more before answering 413
    # and closing, so a client that sends the whole body before reading (urllib, some proxies) gets the
    # answer rather than a connection reset. None: 4 x max_upload_bytes (80 MiB).
    discard_body_bytes: int | None = None
    max_connections: int = 1000  # open connections; lowered to fit the process's file-descriptor limit
    max_requests: int = 100  # requests being handled at once; more are answered 503 (Connection: close)
    analysis_workers: int = 1  # threads that assess texts (the GIL makes more useless); reads never wait on them
    analysis_queue: int = 32  # assessments that may wait for a worker; more are answered 503 busy
    analysis_defer_s: float = 0.05  # reads first: before each text, wait up to this long for reads to finish
    # The audit page's address fetches (see service.address_fetches): their own threads, how many audits may
    # fetch at once (more are answered 503 with the page), and the time one audit's addresses may take in all.
    audit_fetch_threads: int = 8
    audit_concurrency: int = 4
    audit_deadline_s: float = 45.0

    @property
    def discard_limit(self) -> int:
        return self.discard_body_bytes if self.discard_body_bytes is not None else 4 * self.max_upload_bytes

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiOptions:
        base = cls()

        def pick(name: str, default: Any) -> Any:
            value = getattr(settings, f"api_{name}", None)
            return default if value is None else value

        origins = pick("cors_origins", "")
        if isinstance(origins, str):
            origins = [o for o in origins.split(",")]
        return cls(
            max_body_bytes=int(pick("max_body_bytes", base.max_body_bytes)),
            max_upload_bytes=int(pick("max_upload_bytes", min(base.max_upload_bytes, settings.max_file_bytes))),
            max_text_chars=int(pick("max_text_chars", min(base.max_text_chars, settings.max_text_chars))),
            max_batch=int(pick("max_batch", base.max_batch)),
            rate_limit_per_minute=int(pick("rate_limit_per_minute", base.rate_limit_per_minute)),
            rate_limit_burst=int(pick("rate_limit_burst", base.rate_limit_burst)),
            require_key_for_reads=bool(pick("require_key_for_reads", False)),
            cors_origins=tuple(str(o).strip() for o in origins if str(o).strip()),
            session_secret=str(pick("session_secret", base.session_secret)),
            secure_cookies=bool(pick("secure_cookies", False)),
            header_timeout_s=float(pick("header_timeout_s", base.header_timeout_s)),
            body_timeout_s=float(pick("body_timeout_s", base.body_timeout_s)),
            body_min_rate=int(pick("body_min_rate", base.body_min_rate)),
            keep_alive_s=float(pick("keep_alive_s", base.keep_alive_s)),
            discard_body_bytes=pick("discard_body_bytes", None),
            max_connections=int(pick("max_connections", base.max_connections)),
            max_requests=int(pick("max_requests", base.max_requests)),
            analysis_workers=int(pick("analysis_workers", base.analysis_workers)),
            analysis_queue=int(pick("analysis_queue", base.analysis_queue)),
            analysis_defer_s=float(pick("analysis_defer_s", base.analysis_defer_s)),
            audit_fetch_threads=int(pick("audit_fetch_threads", base.audit_fetch_threads)),
            audit_concurrency=int(pick("audit_concurrency", base.audit_concurrency)),
            audit_deadline_s=float(pick("audit_deadline_s", base.audit_deadline_s)),
        )
