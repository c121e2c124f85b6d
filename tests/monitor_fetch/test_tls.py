"""HTTPS through the guarded transport: the socket goes to the checked IP, TLS still verifies the NAME."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from botrygt_nlp.monitor.fetch import Fetcher
from botrygt_nlp.news.types import FetchStatus
from tests.monitor_fetch.localserver import LocalServer, Reply

NAME = "nyheder.example.dk"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl CLI not available to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            f"/CN={NAME}",
            "-addext",
            f"subjectAltName=DNS:{NAME}",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[LocalServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    server = LocalServer(tls=context)
    try:
        yield server
    finally:
        server.close()


def _fetcher(certificate: tuple[Path, Path], name: str = NAME) -> Fetcher:
    client_context = ssl.create_default_context(cafile=str(certificate[0]))
    return Fetcher(
        user_agent="botrygt-nlp/test",
        allow_hosts=name,
        min_host_delay_s=0.0,
        timeout_s=5.0,
        resolver=lambda host, port: ["127.0.0.1"],
        ssl_context=client_context,
    )


def test_https_to_pinned_address_verifies_the_host_name(
    tls_server: LocalServer, certificate: tuple[Path, Path]
) -> None:
    tls_server.add("/feed.xml", Reply(200, b"<rss/>"))
    with _fetcher(certificate) as fetcher:
        result = fetcher.fetch_feed(tls_server.url("/feed.xml", host=NAME))
    assert result.status is FetchStatus.OK, result.error
    assert result.body == b"<rss/>"


def test_certificate_for_another_name_fails(tls_server: LocalServer, certificate: tuple[Path, Path]) -> None:
    # Same pinned IP, but the URL names a host the certificate does not cover: TLS must refuse.
    tls_server.add("/feed.xml", Reply(200, b"<rss/>"))
    with _fetcher(certificate, name="andet.example.dk") as fetcher:
        result = fetcher.fetch_feed(tls_server.url("/feed.xml", host="andet.example.dk"))
    assert result.status is FetchStatus.SOFT_FAILURE
    assert "certificate" in (result.error or "").lower()
    assert tls_server.seen == []
