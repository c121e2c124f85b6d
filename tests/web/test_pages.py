"""Contract tests of the web pages through the test client: rendering, CSRF, login, escaping, headers."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import pytest

from botrygt_nlp.web import documents
from botrygt_nlp.web.security import CSP
from tests.web.conftest import CSRF_RE, Web, seed_hostile

REPORT = """Døgnrapport fra Midt- og Vestsjællands Politi

Indbrud i villa i Ringsted
Natten til tirsdag var der indbrud i en villa på Søgade. Politiet hører gerne fra vidner på 114.

Tyveri fra varebil i Slagelse
Der var tyveri af værktøj fra en varebil. Husk at tømme bilen for værktøj om natten.
"""

PAGES = ["/", "/skriv", "/gennemga", "/pressen", "/kilder", "/login"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_security_headers(web: Web, path: str) -> None:
    r = web.client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert '<html lang="da">' in r.text and 'name="viewport"' in r.text
    assert "<script>" not in r.text and "style=" not in r.text  # nothing inline for the CSP to block
    csrf_cookie = r.headers.get("set-cookie", "")
    if csrf_cookie:
        assert "HttpOnly" in csrf_cookie and "SameSite=strict" in csrf_cookie


def test_no_template_opts_out_of_escaping() -> None:
    from botrygt_nlp.config import Settings

    for path in (Settings().templates_dir / "web").iterdir():
        source = path.read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", "") and "autoescape" not in source, path.name
        assert "<script>" not in source and " style=" not in source, path.name


def test_every_form_field_has_a_label(web: Web) -> None:
    for path in PAGES:
        html = web.client.get(path).text
        ids = set(re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', html))
        for field_id in ids:
            assert f'for="{field_id}"' in html, (path, field_id)


def test_forms_without_csrf_are_refused(web: Web) -> None:
    web.client.get("/skriv")
    r = web.client.post("/skriv", data={"report": REPORT})
    assert r.status_code == 403
    assert "Formularen er udløbet" in r.text  # the Danish HTML error page, not JSON, for a browser
    r = web.client.post("/skriv", data={"report": REPORT, "csrf_token": "forged"})
    assert r.status_code == 403


def test_draft_flow_highlights_and_inserts_advice(web: Web) -> None:
    token = web.csrf("/skriv")
    r = web.client.post("/skriv", data={"csrf_token": token, "report": REPORT, "fmt": "auto", "action": "analyse"})
    assert r.status_code == 200
    html = r.text
    assert '<mark class="advice" title="Råd: Gør det svært for tyven">Husk at tømme bilen' in html
    assert html.count('class="verdict not_constructive"') == 1
    assert 'name="insert" value="0"' in html  # the burglary lacks advice: one click inserts it
    assert 'name="insert" value="1"' not in html  # already constructive
    for output, marker in (("marked", True), ("publish", False)):
        data = {"csrf_token": token, "report": REPORT, "fmt": "auto", "insert": "0", "output": output}
        r = web.client.post("/skriv", data=data)
        assert "Forslaget til råd er indsat under hændelse 1" in r.text
        textarea = re.search(r'<textarea id="report"[^>]*>(.*?)</textarea>', r.text, re.S)
        assert textarea and "Undgå indbrud" in textarea.group(1)
        assert ("botrygt:advice home_burglary" in textarea.group(1)) is marker
        assert "har allerede en rådsblok" in r.text


def test_draft_shows_kort_nyt_items_by_their_first_words_and_inserts_all_under_the_list(web: Web) -> None:
    report = (
        "Døgnrapport fra Midt- og Vestsjællands Politi\n\nIndbrud i villa i Ringsted\n"
        "Natten til tirsdag var der indbrud i en villa på Søgade.\n\nKort nyt\n"
        "- Tyveri af en elcykel fra en carport på Bøgevej i Slagelse natten til mandag.\n"
        "- En mand blev sigtet for spirituskørsel på Ringvejen.\n"
    )
    token = web.csrf("/skriv")
    data = {"csrf_token": token, "report": report, "fmt": "auto", "action": "analyse"}
    r = web.client.post("/skriv", data=data)
    assert r.status_code == 200
    assert "Kort nyt: Tyveri af en elcykel fra en carport på …" in r.text
    r = web.client.post("/skriv", data={**data, "action": "insert_all", "output": "marked"})
    textarea = re.search(r'<textarea id="report"[^>]*>(.*?)</textarea>', r.text, re.S)
    assert textarea
    rewritten = textarea.group(1)
    assert rewritten.index("Ringvejen.") < rewritten.rindex("botrygt:advice")  # under the list, not inside it


def test_draft_upload_and_download(web: Web) -> None:
    token = web.csrf("/skriv")
    r = web.client.post(
        "/skriv",
        data={"csrf_token": token, "fmt": "auto", "action": "analyse"},
        files={
            "file": (
                "rapport.md",
                ("# Døgnrapport\n\n## Indbrud i Køge\n\nDer var indbrud i et rækkehus.\n").encode(),
                "text/markdown",
            )
        },
    )
    assert r.status_code == 200 and "Indbrud i Køge" in r.text
    assert 'name="download_name" value="doegnrapport.md"' in r.text
    d = web.client.post(
        "/skriv/download", data={"csrf_token": token, "rewritten": "Rapport\n", "download_name": "x.md"}
    )
    assert d.status_code == 200
    assert d.headers["content-disposition"] == 'attachment; filename="doegnrapport.md"'
    assert d.text == "Rapport\n"


def test_draft_errors_keep_the_text(web: Web) -> None:
    token = web.csrf("/skriv")
    r = web.client.post("/skriv", data={"csrf_token": token, "report": "   "})
    assert r.status_code == 422 and "Indsæt eller upload" in r.text
    r = web.client.post("/skriv", data={"csrf_token": token}, files={"file": ("x.txt", b"\x00\x01bin", "text/plain")})
    assert r.status_code == 422 and 'role="alert"' in r.text


def test_audit_upload_table_sort_and_csv(web: Web) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("Der var indbrud i et sommerhus. Husk at låse skuret.")
    buf = io.BytesIO()
    d.save(buf)
    token = web.csrf("/gennemga")
    files = [
        ("files", ("a.txt", b"Tyveri af cykel ved stationen.", "text/plain")),
        ("files", ("b.docx", buf.getvalue(), "application/octet-stream")),
        (
            "files",
            (
                "c.html",
                b"<html><body><article><p>Indbrud i nat. Husk at lukke vinduet.</p></article></body></html>",
                "text/html",
            ),
        ),
        ("files", ("d.pdf", b"%PDF-1.4 not really", "application/pdf")),
    ]
    r = web.client.post(
        "/gennemga",
        data={"csrf_token": token, "urls": "http://127.0.0.1:9/intern\nfile:///etc/passwd"},
        files=files,
    )
    assert r.status_code == 200
    html = r.text
    assert html.count("<tr>") == 1 + 6
    assert "kan ikke læses som PDF" in html
    assert "peger på et internt eller lokalt netværk" in html  # the SSRF guard refused the loopback URL
    assert "Adressen skal begynde med http:// eller https://." in html  # file:///etc/passwd, said in Danish
    assert "non-public" not in html and "is not http" not in html  # the fetcher's English stays in the logs
    results = re.search(r'name="results" value="([^"]+)"', html)
    assert results
    sorted_page = web.client.post(
        "/gennemga/vis", data={"csrf_token": token, "results": results.group(1), "sort": "score:desc"}
    )
    names = re.findall(r"<td>([^<]+) <span class=\"hint\">", sorted_page.text)
    assert names[0] in ("b.docx", "c.html")
    assert 'aria-sort="descending"' in sorted_page.text
    csv_r = web.client.post("/gennemga/csv", data={"csrf_token": token, "results": results.group(1)})
    assert csv_r.headers["content-type"].startswith("text/csv")
    assert csv_r.text.splitlines()[0].startswith("name,source,verdict")
    tampered = results.group(1)[:-3] + "abc"
    assert web.client.post("/gennemga/vis", data={"csrf_token": token, "results": tampered}).status_code == 400


def test_trends_page_chart_and_drill_down(web: Web) -> None:
    from tests.api.helpers import seed_articles

    seed_articles(web.store, web.analyzer, weeks=6, per_week=3)
    r = web.client.get("/pressen?by=outlet&period=week")
    assert '<svg class="chart" id="trend-chart"' in r.text
    assert "<polygon" in r.text and "<polyline" in r.text
    link = re.search(r'<a href="(/pressen\?[^"]+)" aria-label=', r.text)
    assert link
    drill = web.client.get(link.group(1).replace("&amp;", "&"))
    assert 'id="artikler"' in drill.text and "Indbrud 0-1" in drill.text
    assert '<mark class="advice">Husk at låse døren.</mark>' in drill.text
    assert web.client.get("/pressen?by=bogus&period=bogus&since=notadate").status_code == 200


def test_sources_need_login_and_csrf(web: Web) -> None:
    token = web.csrf("/login")  # one token per browser: the same on every page
    r = web.client.post("/kilder", data={"csrf_token": token, "url": "https://a.example/rss", "outlet": "A"})
    assert r.status_code == 401 and "/login?next=/kilder" in r.text
    assert "Log ind med en API-nøgle" in web.client.get("/kilder").text
    bad = web.client.post("/login", data={"csrf_token": token, "api_key": "btk_nope", "next": "/kilder"})
    assert bad.status_code == 401
    web.login()
    session = web.client.cookies.get("botrygt_session")
    assert session and web.secret not in session  # the cookie holds a signed session id, never the key
    # Signing in gives the browser a new CSRF seed: a token from before (perhaps planted) no longer works.
    stale = web.client.post("/kilder", data={"csrf_token": token, "url": "https://a.example/rss", "outlet": "A"})
    assert stale.status_code == 403 and web.store.list_feeds() == []
    token = web.csrf("/kilder")
    r = web.client.post(
        "/kilder",
        data={
            "csrf_token": token,
            "url": "https://a.example/rss",
            "outlet": "A",
            "municipalities": "Ringsted",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = web.client.get("/kilder").text
    assert "https://a.example/rss" in page and "Ikke hentet endnu" in page
    feed_id = web.store.list_feeds()[0].id
    assert web.client.post(f"/kilder/{feed_id}/fjern", data={}).status_code == 403  # no CSRF token
    r = web.client.post(f"/kilder/{feed_id}/fjern", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and web.store.list_feeds() == []
    again = web.client.post(f"/kilder/{feed_id}/fjern", data={"csrf_token": token}, follow_redirects=False)
    assert again.status_code == 404 and "findes ikke" in again.text and "Kilden er fjernet" not in again.text
    r = web.client.post("/kilder", data={"csrf_token": token, "url": "ftp://x", "outlet": "B"})
    assert r.status_code == 422 and 'role="alert"' in r.text


def test_login_does_not_redirect_off_site(web: Web) -> None:
    token = web.csrf("/login")
    r = web.client.post(
        "/login",
        data={"csrf_token": token, "api_key": web.secret, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/kilder"


def test_forged_session_cookie_is_ignored(web: Web) -> None:
    web.client.cookies.set("botrygt_session", "eyJrIjoiYWRtaW4iLCJleHAiOjk5OTk5OTk5OTl9.forged")
    assert "Log ind med en API-nøgle" in web.client.get("/kilder").text


@pytest.mark.parametrize("path", ["/kilder", "/pressen?by=outlet&period=week", "/"])
def test_hostile_feed_content_is_escaped(web: Web, path: str) -> None:
    seed_hostile(web.store, web.analyzer)
    html = web.client.get(path).text
    assert "<script>window" not in html and "<img src=x" not in html and "<svg onload" not in html
    if path != "/":
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html


def test_hostile_drill_down_is_escaped(web: Web) -> None:
    seed_hostile(web.store, web.analyzer)
    r = web.client.get("/pressen?by=outlet&period=week")
    link = re.search(r'<a href="(/pressen\?[^"]+)" aria-label=', r.text)
    assert link
    html = web.client.get(link.group(1).replace("&amp;", "&")).text
    assert "&lt;svg onload=" in html or "&lt;script&gt;" in html
    assert "<script>window" not in html and "<svg onload" not in html


def test_audit_fetches_urls_through_the_guarded_fetcher(tmp_path: Path) -> None:
    """URLs go through monitor.fetch.Fetcher (robots.txt, caps, SSRF checks per hop); here with a mock
    transport so nothing leaves the machine."""
    import httpx
    from fastapi.testclient import TestClient

    from botrygt_nlp.monitor.fetch import Fetcher
    from tests.api.helpers import build_app

    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow: /privat/\n")
        if request.url.path == "/artikel":
            html = (
                "<html><head><title>Indbrud i Ringsted</title></head><body><article><h1>Indbrud i Ringsted"
                "</h1><p>Der var indbrud i en villa i nat, og tyven tog smykker og en computer med sig. "
                "Husk at låse døren, også når du kun går en kort tur.</p></article></body></html>"
            )
            return httpx.Response(200, text=html, headers={"content-type": "text/html; charset=utf-8"})
        return httpx.Response(404)

    def factory() -> Fetcher:
        return Fetcher(user_agent="test", transport=httpx.MockTransport(handler), min_host_delay_s=0)

    app, store, _ = build_app(tmp_path, fetcher_factory=factory)
    with TestClient(app, base_url="http://127.0.0.1", headers={"accept": "text/html"}) as client:
        token = CSRF_RE.search(client.get("/gennemga").text)
        assert token
        r = client.post(
            "/gennemga",
            data={
                "csrf_token": token.group(1),
                "urls": "https://avis.example/artikel\nhttps://avis.example/privat/x",
            },
        )
    assert "/artikel" in seen and "/privat/x" not in seen  # robots.txt was honoured
    assert "Indbrud i Ringsted" in r.text and '<span class="verdict constructive">' in r.text
    assert "robots.txt forbyder det" in r.text
    store.close()


def test_unknown_page_gets_the_danish_error_page(web: Web) -> None:
    r = web.client.get("/findes-ikke")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Findes ikke" in r.text
    assert web.client.get("/v1/findes-ikke").headers["content-type"] == "application/problem+json"


def _docx_with_broken_xml() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "not xml at all")
        z.writestr("word/document.xml", "<w:document")
    return buf.getvalue()


def _docx_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<a>" + "A" * 5000 + "</a>")
    return buf.getvalue()


def test_hostile_uploads_get_danish_messages_not_500(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_DOCX_UNZIPPED_BYTES", 4000)  # the real cap is 100 MiB
    token = web.csrf("/gennemga")
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("a.txt", "hej")
    files = [
        ("files", ("broken.docx", _docx_with_broken_xml(), "application/octet-stream")),
        ("files", ("zip.docx", plain_zip.getvalue(), "application/octet-stream")),
        ("files", ("bomb.docx", _docx_bomb(), "application/octet-stream")),
        ("files", ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "application/pdf")),
        ("files", ("binary.txt", b"\x00\x01\x02" * 100, "text/plain")),
        ("files", ("empty.txt", b"", "text/plain")),
    ]
    r = web.client.post("/gennemga", data={"csrf_token": token}, files=files)
    assert r.status_code == 200, r.text[:500]
    html = r.text
    assert html.count("kan ikke læses som et Word-dokument") == 2
    assert "bomb.docx: Word-dokumentet er for stort" in html
    assert "broken.pdf: filen kan ikke læses som PDF." in html
    assert "binary.txt: filen ser ud til at være binær" in html
    assert "empty.txt: filen er tom." in html


def test_draft_upload_of_pdf_or_docx_points_to_the_audit_page(web: Web) -> None:
    token = web.csrf("/skriv")
    for name, data in (("r.pdf", b"%PDF-1.4\nIndbrud i nat"), ("r.docx", _docx_with_broken_xml())):
        r = web.client.post("/skriv", data={"csrf_token": token, "report": ""}, files={"file": (name, data)})
        assert r.status_code == 422 and "Gennemgå materiale" in r.text and 'role="alert"' in r.text


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"url": "https://u:hemlig@a.example/rss", "outlet": "A"}, "brugernavn eller adgangskode"),
        ({"url": "https://a.example:99999/rss", "outlet": "A"}, "Adressen kan ikke læses."),
        ({"url": "https://a.example/rss", "outlet": "  "}, "Skriv mediets navn."),
        ({"url": "https://a.example/rss", "outlet": "A", "municipalities": "Narnia"}, "kendes ikke"),
        ({"url": "https://a.example/" + "x" * 3000, "outlet": "A"}, "for lang"),
        ({"url": "https://a.example/rss", "outlet": "A\x00B"}, "må ikke indeholde kontroltegn"),
    ],
)
def test_sources_form_errors_are_danish(web: Web, form: dict[str, str], message: str) -> None:
    web.login()
    token = web.csrf("/kilder")  # the seed changes at sign-in
    r = web.client.post("/kilder", data={"csrf_token": token, **form})
    assert r.status_code == 422 and message in r.text
    assert web.store.list_feeds() == []


@pytest.mark.parametrize(
    "query",
    [
        "until=9999-12-31",
        "by=outlet&period=week&group=A&point=9999-12-31",
        "by=outlet&period=quarter&group=A&point=9999-12-01",
        "by=outlet&period=month&group=A&point=0001-01-01",
        "by=nope&period=nope&since=2026-99-01&until=abc",
    ],
)
def test_trends_page_survives_edge_dates(web: Web, query: str) -> None:
    r = web.client.get(f"/pressen?{query}")
    assert r.status_code == 200, r.text[:300]


@pytest.mark.parametrize("insert", ["²", "٣", "-1", "99999999999999999999", "x"])
def test_draft_ignores_odd_insert_indexes(web: Web, insert: str) -> None:
    token = web.csrf("/skriv")
    r = web.client.post("/skriv", data={"csrf_token": token, "report": REPORT, "insert": insert})
    assert r.status_code == 200, r.text[:300]


def test_revoking_a_key_ends_its_web_session(web: Web) -> None:
    web.login()
    token = web.csrf("/kilder")
    key_id = next(k.key_id for k in web.store.list_api_keys() if k.revoked_at is None)
    assert web.store.revoke_api_key(key_id)
    r = web.client.post("/kilder", data={"csrf_token": token, "url": "https://a.example/rss", "outlet": "A"})
    assert r.status_code == 401 and "tilbagekaldt" in r.text
    assert web.store.list_feeds() == []


def test_audit_addresses_share_one_deadline_and_the_csv_keeps_the_evidence(tmp_path: Path) -> None:
    """A host that does not answer costs the audit its deadline, not its fetch timeout per address, and the
    other hosts' rows come back; the CSV carries the advice shown in the table."""
    import threading

    import httpx
    from fastapi.testclient import TestClient

    from botrygt_nlp.monitor.fetch import Fetcher
    from tests.api.helpers import build_app

    release = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.host == "langsom.example":
            release.wait(10)  # a page that never answers within the audit's deadline
            return httpx.Response(504)
        if request.url.path == "/binaer":
            return httpx.Response(200, content=bytes(range(256)) * 64, headers={"content-type": "text/html"})
        html = (
            "<html><head><title>Indbrud i Ringsted</title></head><body><article><h1>Indbrud i Ringsted</h1>"
            "<p>Der var indbrud i en villa i nat, og tyven tog smykker og en computer med sig. "
            "Husk at låse døren, også når du kun går en kort tur.</p></article></body></html>"
        )
        return httpx.Response(200, text=html, headers={"content-type": "text/html; charset=utf-8"})

    def factory() -> Fetcher:
        return Fetcher(user_agent="test", transport=httpx.MockTransport(handler), min_host_delay_s=0)

    app, store, _ = build_app(tmp_path, fetcher_factory=factory, audit_deadline_s=1.0)
    try:
        with TestClient(app, base_url="http://127.0.0.1", headers={"accept": "text/html"}) as client:
            token = CSRF_RE.search(client.get("/gennemga").text)
            assert token
            urls = (
                "https://langsom.example/a\nhttps://langsom.example/b\nhttps://avis.example/artikel\n"
                "https://avis.example/binaer"
            )
            r = client.post("/gennemga", data={"csrf_token": token.group(1), "urls": urls})
            assert r.status_code == 200
            assert r.text.count("svarede ikke i tide") == 2
            assert "Indbrud i Ringsted" in r.text
            assert "binær fil og ikke tekst" in r.text  # an image served as a page is said to be one
            results = re.search(r'name="results" value="([^"]+)"', r.text)
            assert results
            csv_text = client.post(
                "/gennemga/csv", data={"csrf_token": token.group(1), "results": html.unescape(results.group(1))}
            ).text
    finally:
        release.set()
        store.close()
    row = next(line for line in csv_text.splitlines() if "Indbrud i Ringsted" in line)
    assert "Husk at låse døren" in row


def test_audit_slots_are_limited_and_a_full_house_says_so(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from tests.api.helpers import build_app

    app, store, _ = build_app(tmp_path, audit_concurrency=1)
    with TestClient(app, base_url="http://127.0.0.1", headers={"accept": "text/html"}) as client:
        token = CSRF_RE.search(client.get("/gennemga").text)
        assert token
        with app.state.services.address_fetches.audit_slot() as mine:  # another audit holds the only slot
            assert mine
            r = client.post("/gennemga", data={"csrf_token": token.group(1), "urls": "https://avis.example/x"})
    store.close()
    assert r.status_code == 503
    assert "Prøv igen om et øjeblik" in r.text and "https://avis.example/x" in r.text  # the input is kept
