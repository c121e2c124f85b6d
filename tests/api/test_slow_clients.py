"""`botrygt serve` against slow and heavy clients (issue 10, points 1 and 7), on loopback.

The real command runs in a subprocess with small timeouts and a low file-descriptor limit; raw sockets
play the slow clients. Every loop is bounded; times are generous bounds on "answered at all", never
performance thresholds.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

FD_LIMIT = 160  # the server's file-descriptor limit: the flood below exceeds it
STEP_S = 0.25  # a slow client sends one byte this often


class Server:
    def __init__(self, port: int, log: Path, proc: subprocess.Popen[bytes]) -> None:
        self.port = port
        self.log = log
        self.proc = proc

    def health(self, timeout: float = 20.0) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _low_fd_limit() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = {
        **os.environ,
        "BOTRYGT_DATA_DIR": str(tmp / "data"),
        "BOTRYGT_API_HEADER_TIMEOUT_S": "1",
        "BOTRYGT_API_BODY_TIMEOUT_S": "1",
        "BOTRYGT_API_BODY_MIN_RATE": "100000",
        "BOTRYGT_API_RATE_LIMIT_PER_MINUTE": "0",
    }
    env.pop("BOTRYGT_DATABASE_URL", None)
    log = tmp / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from botrygt_nlp.cli import app; app()", "serve", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=_low_fd_limit,
        )
    srv = Server(port, log, proc)
    try:
        for _ in range(300):  # up to about 60 s for the model to load on a busy machine
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text(errors='replace')}")
            try:
                if srv.health(timeout=1) == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start")
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _trickle(sock: socket.socket, head: bytes, steps: int = 60) -> bytes:
    """Send ``head``, then one byte every STEP_S until the server answers or closes (at most ``steps``)."""
    sock.sendall(head)
    sock.settimeout(STEP_S)
    received = b""
    for _ in range(steps):
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            chunk = None
        except ConnectionResetError:
            break
        if chunk == b"":
            return received  # closed by the server
        if chunk:
            received += chunk
            continue  # read on until the close
        try:
            sock.send(b"x")
        except OSError:
            break
    return received + b"<still open>"


def _problem(raw: bytes) -> tuple[int, dict[str, str], dict[str, object]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, json.loads(body) if body else {}


def test_a_slow_request_head_is_answered_408_and_closed(server: Server) -> None:
    with server.connect() as sock:
        raw = _trickle(sock, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    assert not raw.endswith(b"<still open>"), "the server kept a connection that never finished its head"
    status, headers, body = _problem(raw)
    assert status == 408 and headers["connection"] == "close"
    assert body["code"] == "request_timeout"


def test_a_slow_request_body_is_answered_408_problem_json_and_closed(server: Server) -> None:
    head = (
        b"POST /v1/assess HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 5000\r\n\r\n{"
    )
    with server.connect() as sock:
        raw = _trickle(sock, head)
    assert not raw.endswith(b"<still open>"), "the server kept a connection whose body never finished"
    status, headers, body = _problem(raw)
    assert status == 408 and headers["connection"] == "close"
    assert headers["content-type"] == "application/problem+json"
    assert body["code"] == "request_timeout" and body["instance"] == "/v1/assess"


def _read_until_closed(sock: socket.socket, limit_s: float = 10.0) -> bytes:
    sock.settimeout(limit_s)
    received = b""
    with contextlib.suppress(TimeoutError, ConnectionResetError):
        while chunk := sock.recv(65536):
            received += chunk
    return received


def test_content_length_with_transfer_encoding_is_refused_and_nothing_is_smuggled(server: Server) -> None:
    smuggled = b"GET /smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    body = b"0\r\n\r\n" + smuggled
    head = (
        b"POST /v1/assess HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    with server.connect() as sock:
        sock.sendall(head + body)
        raw = _read_until_closed(sock)
    assert raw.count(b"HTTP/1.1 ") == 1, raw  # one answer: the bytes after the chunked end ran as no request
    status, headers, problem = _problem(raw)
    assert status == 400 and headers["connection"] == "close"
    assert problem["code"] == "bad_input" and "Transfer-Encoding" in str(problem["detail"])


@pytest.mark.parametrize(
    "head",
    [
        b"Content-Length: 50000000\r\nExpect: 100-continue\r\n\r\n",  # waits for a go-ahead it must not get
        b"Content-Length: 99999999999999999999\r\n\r\n{}",  # far beyond anything the server would read
    ],
)
def test_a_body_declared_too_large_is_refused_before_it_is_read(server: Server, head: bytes) -> None:
    request = b"POST /v1/assess HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + head
    with server.connect() as sock:
        sock.sendall(request)
        raw = _read_until_closed(sock)
    assert b"100 Continue" not in raw
    status, headers, problem = _problem(raw)
    assert status == 413 and headers["connection"] == "close" and problem["code"] == "too_large"


def test_a_client_that_sends_12_mb_before_reading_gets_the_413_problem(server: Server) -> None:
    body = b'{"text": "' + b"a" * 12_000_000 + b'"}'
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}/v1/assess", data=body, headers={"Content-Type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=60)  # a reset would be a URLError/ConnectionResetError
    err = caught.value
    assert err.code == 413 and err.headers["Connection"] == "close"
    problem = json.loads(err.read())
    assert problem["code"] == "too_large" and problem["status"] == 413


def test_health_answers_while_slow_connections_exhaust_the_descriptors(server: Server) -> None:
    socks: list[socket.socket] = []
    try:
        for i in range(2 * FD_LIMIT):  # more connections than the process has file descriptors
            try:
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            except OSError:
                continue
            sock.setblocking(False)
            start = b"POST /v1/assess HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{" if i % 2 else b"GET /"
            with contextlib.suppress(OSError):
                sock.send(start)
            socks.append(sock)
        answered = []
        for _ in range(5):
            for sock in socks:  # keep them all trickling
                with contextlib.suppress(OSError):
                    sock.send(b"x")
            answered.append(server.health())
        assert answered == [200] * 5
    finally:
        for sock in socks:
            sock.close()
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log
    # At most one line per 10 s for the accept errors, with a count, however many there were.
    assert log.count("Too many open files") <= 3


def test_throttled_log_says_once_per_interval_how_often() -> None:
    from botrygt_nlp.api.server import ThrottledLog

    now = [0.0]
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    logger = logging.getLogger("test.throttled")
    logger.addHandler(Keep())
    throttle = ThrottledLog(logger, 10.0, clock=lambda: now[0])
    for _ in range(1000):
        throttle.hit("accept", "accept() failed: %s", "Too many open files")
        now[0] += 0.01
    assert records == ["accept() failed: Too many open files"]
    now[0] = 20.0
    throttle.hit("accept", "accept() failed: %s", "Too many open files")
    assert records[-1] == "accept() failed: Too many open files (1000 times in the last 20 s)"


def test_max_connections_fit_the_descriptor_limit() -> None:
    from botrygt_nlp.api.server import ServerLimits, fit_to_fd_limit

    assert fit_to_fd_limit(ServerLimits(max_connections=1000), 1024).max_connections == 1024 - 64
    assert fit_to_fd_limit(ServerLimits(max_connections=1000), 160).max_connections == 96
    assert fit_to_fd_limit(ServerLimits(max_connections=50), 160).max_connections == 50
