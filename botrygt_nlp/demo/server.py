"""A tiny loopback HTTP site for demos, tests and benchmarks: fixed pages, ETags, 304s, request counts.

Binds 127.0.0.1 on a random port only. Not a general web server: it serves what it was given.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(slots=True)
class Page:
    body: bytes
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


class LoopbackSite:
    """``site.put(path, body, content_type)``; ``with site: ... site.url(path)``."""

    def __init__(self, *, etags: bool = True, host: str = "127.0.0.1") -> None:
        self.host = host  # another loopback address (127.0.0.2, …) is another host to the fetcher
        self.pages: dict[str, Page] = {}
        self.hits: Counter[str] = Counter()
        self.etags = etags
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.on_request: Any = None  # optional callable(path) for tests (e.g. "kill after n requests")
        self.put("/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")

    def put(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self._lock:
            self.pages[path] = Page(data, content_type, status, dict(headers or {}))

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("site not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> LoopbackSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes: avoid 40 ms stalls

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with site._lock:
                    site.hits[path] += 1
                    page = site.pages.get(path)
                if site.on_request is not None:
                    site.on_request(path)
                if page is None:
                    self._send(404, b"not found", "text/plain", {})
                    return
                headers = dict(page.headers)
                if site.etags and page.status == 200:
                    headers["ETag"] = page.etag
                    if self.headers.get("If-None-Match") == page.etag:
                        self._send(304, b"", None, headers)
                        return
                self._send(page.status, page.body, page.content_type, headers)

            def _send(self, status: int, body: bytes, ctype: str | None, headers: dict[str, str]) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="loopback-site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LoopbackSite:
        return self.start() if self._server is None else self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def rss(title: str, link: str, items: list[dict[str, str]]) -> str:
    """A minimal RSS 2.0 document (values are escaped)."""
    from xml.sax.saxutils import escape

    parts = [
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link><description>{escape(title)}</description>"
    ]
    for it in items:
        parts.append("<item>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in it.items() if v) + "</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts)


def article_html(title: str, paragraphs: list[str], published: str | None = None) -> str:
    from html import escape

    meta = f'<meta property="article:published_time" content="{escape(published)}">' if published else ""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="da"><head><meta charset="utf-8"><title>{escape(title)}</title>{meta}'
        f'</head><body><nav><a href="/">Forside</a> <a href="/nyheder">Nyheder</a></nav>'
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        f"<footer>© Demo-medie. Alle rettigheder forbeholdes.</footer></body></html>"
    )
