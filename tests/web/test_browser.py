"""Real-browser tests: Playwright for Python driving Debian's Chromium against a uvicorn server on loopback.

Skipped with a reason where Chromium or Playwright is missing; CI sets BOTRYGT_REQUIRE_BROWSER=1 so they run.
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.api.helpers import XSS_TITLE, build_app, seed_articles
from tests.conftest import require_or_skip
from tests.validation.test_validation_flow import fill, label_truthfully
from tests.web.conftest import seed_hostile

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

REPORT = """Døgnrapport fra Midt- og Vestsjællands Politi

Indbrud i villa i Ringsted
Natten til tirsdag var der indbrud i en villa på Søgade. Tyven "hærger" kvarteret.
Politiet hører gerne fra vidner.

Tyveri fra varebil i Slagelse
Der var tyveri af værktøj fra en varebil. Husk at tømme bilen for værktøj om natten.
"""


class Server:
    def __init__(self, app: Any) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        ready = threading.Event()
        for _ in range(500):  # wait for start-up by polling the flag, not by a fixed sleep
            if self.server.started:
                ready.set()
                break
            self.thread.join(0.01)
        assert ready.is_set(), "uvicorn did not start"
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover
        require_or_skip("BOTRYGT_REQUIRE_BROWSER", False, "playwright is not installed")
        return
    require_or_skip("BOTRYGT_REQUIRE_BROWSER", CHROMIUM is not None, "Chromium is not installed (apt install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Any, Any, str]]:
    app, store, analyzer = build_app(tmp_path)
    _, secret = store.create_api_key("redaktør")
    with Server(app) as server:
        yield server.url, store, analyzer, secret
    store.close()


@pytest.fixture
def page(browser: Any, site: tuple[str, Any, Any, str]) -> Iterator[Any]:
    context = browser.new_context(base_url=site[0], accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site[0])
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    errors: list[str] = []

    def on_dialog(dialog: Any) -> None:  # an alert() from a payload would land here
        errors.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def on_console(message: Any) -> None:
        if message.type == "error":
            errors.append(message.text)

    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("dialog", on_dialog)
    pg.on("console", on_console)
    yield pg
    context.close()
    assert errors == [], errors  # includes CSP violations, which Chromium reports on the console


def test_drafting_flow_paste_highlight_insert_copy(page: Any) -> None:
    page.goto("/skriv")
    page.fill("#report", REPORT)
    page.click("#analyse")
    advice = page.locator("#haendelse-1 mark.advice")
    assert advice.inner_text() == "Husk at tømme bilen for værktøj om natten."
    assert page.locator("#haendelse-0 mark.alarm").inner_text() == "hærger"
    assert page.locator("#haendelse-0 .principles li.missing").count() == 5
    page.click("#haendelse-0 button.insert-advice")
    assert "indsat under hændelse 1" in page.locator("[role=status]").first.inner_text()
    assert "Undgå indbrud" in page.input_value("#report")
    assert page.locator("#haendelse-0 button.insert-advice").count() == 0
    rewritten = page.input_value("#rewritten")
    assert "Undgå indbrud" in rewritten and "botrygt:advice" not in rewritten  # ready to publish by default
    page.click("#copy")
    page.wait_for_function("document.getElementById('copy-status').textContent === 'Kopieret.'")
    assert page.evaluate("navigator.clipboard.readText()") == rewritten
    with page.expect_download() as dl:
        page.click("#download")
    assert dl.value.suggested_filename == "doegnrapport.txt"
    assert Path(dl.value.path()).read_text(encoding="utf-8") == rewritten


def test_drafting_page_gives_the_markers_only_when_asked(page: Any) -> None:
    page.goto("/skriv")
    page.fill("#report", REPORT)
    page.get_by_label("Med markeringer (til at køre rapporten igennem igen)").check()
    page.click("#analyse")
    assert "ikke til offentliggørelse" in page.locator("label[for=rewritten]").inner_text()
    assert "[botrygt:advice home_burglary" in page.input_value("#rewritten")
    with page.expect_download() as dl:
        page.click("#download")
    assert "[botrygt:advice home_burglary" in Path(dl.value.path()).read_text(encoding="utf-8")
    assert page.is_checked("#output-marked")  # the choice is kept
    page.get_by_label("Klar til offentliggørelse (uden markeringer)").check()
    page.click("#analyse")
    assert "klar til offentliggørelse" in page.locator("label[for=rewritten]").inner_text()
    rewritten = page.input_value("#rewritten")
    assert "Undgå indbrud" in rewritten and "botrygt:advice" not in rewritten
    page.click("#copy")
    page.wait_for_function("document.getElementById('copy-status').textContent === 'Kopieret.'")
    assert page.evaluate("navigator.clipboard.readText()") == rewritten


def test_audit_upload(page: Any, tmp_path: Path) -> None:
    a = tmp_path / "pressemeddelelse.txt"
    a.write_text("Der var indbrud i et rækkehus. Husk at låse terrassedøren.", encoding="utf-8")
    b = tmp_path / "nyhed.md"
    b.write_text("# Tyveri\n\nDer var tyveri af en cykel.", encoding="utf-8")
    page.goto("/gennemga")
    page.set_input_files("#files", [str(a), str(b)])
    page.click("#audit-submit")
    rows = page.locator("#audit-table tbody tr")
    assert rows.count() == 2
    page.click("#audit-table th >> text=Sandsynlighed")  # sort ascending by score
    assert page.locator("#audit-table tbody tr").first.locator("td").first.inner_text().startswith("nyhed.md")
    first_constructive = page.locator("#audit-table tbody tr", has_text="pressemeddelelse.txt")
    first_constructive.locator("summary").click()
    assert first_constructive.locator("mark.advice").inner_text() == "Husk at låse terrassedøren."
    with page.expect_download() as dl:
        page.click("#audit-csv")
    assert dl.value.suggested_filename == "gennemgang.csv"


def test_trends_page_shows_a_chart(page: Any, site: tuple[str, Any, Any, str]) -> None:
    _, store, analyzer, _ = site
    seed_articles(store, analyzer, weeks=6, per_week=3)
    seed_articles(store, analyzer, outlet="Køge Nyt", municipality="Køge", weeks=6, per_week=2)
    page.goto("/pressen")
    page.select_option("#period", "week")
    page.click("form[action='/pressen'] button[type=submit]")
    chart = page.locator("svg#trend-chart")
    assert chart.is_visible()
    assert chart.locator("polyline:not(.halo)").count() == 2 and chart.locator("polygon").count() == 2
    assert chart.bounding_box()["width"] > 200
    chart.locator("a").first.click()
    assert page.locator("#artikler li.card").count() >= 1


PAGES = ["/", "/skriv", "/gennemga", "/pressen?by=outlet&period=week", "/kilder", "/login"]


def test_stored_xss_is_inert_everywhere_and_pages_fit_a_phone(
    page: Any, site: tuple[str, Any, Any, str], tmp_path: Path
) -> None:
    _, store, analyzer, secret = site
    seed_hostile(store, analyzer)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/login?next=/kilder")
    page.fill("#api_key", secret)
    with page.expect_navigation(url=lambda u: urlsplit(u).path == "/kilder"):
        page.keyboard.press("Enter")  # keyboard submit
    for path in PAGES:
        page.goto(path)
        assert page.evaluate("window.__xss") is None, path
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    page.goto("/kilder")
    assert XSS_TITLE in page.locator("#feeds-table").inner_text()  # shown as text, not run
    page.goto("/pressen?by=outlet&period=week")
    page.locator("svg#trend-chart a").first.click()
    assert "<script>window.__xss=1</script>" in page.locator("#artikler").inner_text()
    # The drill-down's heading repeats the hostile title, one long token: it wraps instead of widening the page.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # The same payloads pasted and uploaded by a user.
    page.goto("/skriv")
    page.fill("#report", f'{XSS_TITLE}\n\nIndbrud <img src=x onerror="window.__xss=5">. Husk at låse.\n')
    page.click("#analyse")
    assert page.evaluate("window.__xss") is None
    upload = tmp_path / "x.html"
    upload.write_text(
        f'<html><body><h1>{XSS_TITLE}</h1><p>Indbrud. <img src=x onerror="window.__xss=6"></p></body></html>',
        encoding="utf-8",
    )
    page.goto("/gennemga")
    page.set_input_files("#files", str(upload))
    page.click("#audit-submit")
    assert page.locator("#audit-table tbody tr").count() == 1
    assert page.evaluate("window.__xss") is None


def test_keyboard_skip_link_is_first(page: Any) -> None:
    page.goto("/skriv")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Spring til indhold"


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_uploaded_report_downloads_with_its_own_line_endings(
    page: Any, site: tuple[str, Any, Any, str], tmp_path: Path, newline: str
) -> None:
    """Chromium posts every textarea with CRLF: the download must still be byte for byte the rewrite."""
    import httpx

    url = site[0]
    original = REPORT.replace("\n", newline)
    upload = tmp_path / "rapport.txt"
    upload.write_bytes(original.encode())
    expected = httpx.post(f"{url}/v1/reports/rewrite", json={"text": original, "markers": False}).json()["text"]
    page.goto("/skriv")
    page.set_input_files("#file", str(upload))
    page.click("#analyse")
    page.click("#insert-all")  # the second request carries the textarea, not the file
    assert "Forslag til råd er indsat" in page.locator("[role=status]").first.inner_text()
    with page.expect_download() as dl:
        page.click("#download")
    assert Path(dl.value.path()).read_bytes() == expected.encode()


def test_drafting_works_with_the_keyboard_alone_and_focus_is_visible(page: Any) -> None:
    page.goto("/skriv")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Enter")
    for _ in range(12):  # from the main content, find the report field the way a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "report":
            break
    assert page.evaluate("document.activeElement.id") == "report"
    page.keyboard.insert_text(REPORT)
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert ring == "solid"
    while page.evaluate("document.activeElement.id") != "analyse":
        page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineColor") == "rgb(27, 27, 27)"
    page.keyboard.press("Enter")
    page.wait_for_selector("#resultat")
    page.locator("#haendelse-0 button.insert-advice").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("[role=status]")
    assert "Undgå indbrud" in page.input_value("#rewritten")


def test_phone_width_tables_become_cards_and_the_chart_stays_readable(
    page: Any, site: tuple[str, Any, Any, str], tmp_path: Path
) -> None:
    _, store, analyzer, _ = site
    seed_articles(store, analyzer, weeks=6, per_week=3)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/pressen?by=outlet&period=week")
    wrap = page.locator(".chart-wrap")
    assert wrap.get_attribute("tabindex") == "0"  # a keyboard can scroll it
    assert page.evaluate(
        "document.querySelector('.chart-wrap').scrollWidth > document.querySelector('.chart-wrap').clientWidth"
    )
    label_px = page.evaluate("document.querySelector('#trend-chart text').getBoundingClientRect().height")
    assert label_px >= 10  # not the 5 px of a 720-unit chart squeezed into 300 px
    cell = page.locator("#trend-table tbody tr").first.locator("td").nth(1)
    assert page.evaluate("(el) => getComputedStyle(el, '::before').content", cell.element_handle()) == '"Periode: "'
    text = tmp_path / "a.txt"
    text.write_text("Der var indbrud. Husk at låse døren.", encoding="utf-8")
    page.goto("/gennemga")
    page.set_input_files("#files", str(text))
    page.click("#audit-submit")
    row = page.locator("#audit-table tbody tr").first
    assert row.bounding_box()["width"] <= 375
    assert page.locator("#audit-table thead button", has_text="Sandsynlighed").is_visible()  # sorting still works
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_api_docs_run_under_their_own_csp(page: Any) -> None:
    page.goto("/docs")
    page.wait_for_selector(".opblock-tag", timeout=15_000)
    assert page.locator(".opblock-tag").count() >= 5  # the page fixture fails on any CSP violation or error


def _sign_in_with_the_keyboard(page: Any, secret: str, then: str) -> None:
    page.goto(f"/login?next={then}")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "api_key":
            break
    page.keyboard.insert_text(secret)
    with page.expect_navigation(url=lambda u: urlsplit(u).path == then):
        page.keyboard.press("Enter")


def _tab_to(page: Any, test: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(test):
            return
    raise AssertionError(f"Tab never reached {test}")


@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "phone"])
def test_kontrol_answer_with_the_keyboard_reveals_the_verdict(
    page: Any, site: tuple[str, Any, Any, str], width: int
) -> None:
    from botrygt_nlp.validation import create_sample

    _, store, _, secret = site
    fill(store, per_outlet=10)
    _, sample = create_sample(store, size=6, seed=2)
    first = store.get_article(sample.items[0].article_id)
    assert first is not None
    page.set_viewport_size({"width": width, "height": 800})
    _sign_in_with_the_keyboard(page, secret, "/kontrol")
    assert "0 af 6" in page.locator("#progress").inner_text()
    assert page.locator("#afsloret").count() == 0  # the model's verdict stays hidden until the answer
    _tab_to(page, "document.activeElement.name === 'relevant'")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"  # focus is visible
    page.keyboard.press("Space")  # "Ja"
    page.keyboard.press("Tab")  # into the second group
    assert page.evaluate("document.activeElement.name") == "constructive"
    page.keyboard.press("ArrowRight")  # "Nej": arrows move within a radio group
    assert page.is_checked("input[name=relevant][value=ja]") and page.is_checked("input[name=constructive][value=nej]")
    # Each radio is labelled by its text and its group by the question.
    assert page.get_by_role("group", name="Handler teksten om indbrud, tyveri eller bedrageri?").is_visible()
    assert page.get_by_role("radio", name="Ja").count() == 2
    box = page.locator("input[name=relevant][value=ja]").bounding_box()
    assert box["width"] >= 20 and box["height"] >= 20  # a target a thumb can hit
    _tab_to(page, "document.activeElement.id === 'answer'")
    with page.expect_navigation(url=lambda u: "svar=" in u):
        page.keyboard.press("Enter")
    revealed = page.locator("#afsloret")
    assert "Du: relevant, ikke konstruktiv" in revealed.inner_text() and "Modellen:" in revealed.inner_text()
    assert first.title in revealed.inner_text()
    # Focus moved to the verdict, so a screen reader reads it and the keyboard goes on from there.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'afsloret'")
    assert revealed.is_visible() and page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    assert "1 af 6" in page.locator("#progress").inner_text()
    assert page.locator("progress").get_attribute("value") == "1"
    nxt = store.get_article(sample.items[1].article_id)
    assert nxt is not None and nxt.title in page.locator("#judge-form").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    label = store.latest_labels()[0]
    assert (label.article_id, label.relevant, label.constructive) == (first.id, True, False)


def test_pressen_correction_toggle_draws_the_dashed_line(page: Any, site: tuple[str, Any, Any, str]) -> None:
    _, store, _, _ = site
    label_truthfully(store, seed=4)
    page.goto("/pressen?by=outlet&period=month")
    chart = page.locator("svg#trend-chart")
    assert chart.locator("polyline.corrected").count() == 0
    box = page.locator("#korrigeret")
    assert not box.is_checked()
    box.focus()
    page.keyboard.press("Space")  # the toggle works from the keyboard
    assert box.is_checked()
    _tab_to(page, "document.activeElement.type === 'submit' && document.activeElement.textContent === 'Vis'", 5)
    with page.expect_navigation(url=lambda u: "korrigeret=1" in u):
        page.keyboard.press("Enter")
    assert page.locator("#korrigeret").is_checked()  # the state stays visible after the reload
    dashed = chart.locator("polyline.corrected")
    assert dashed.count() >= 1 and dashed.first.is_visible()
    assert dashed.first.get_attribute("stroke-dasharray")
    assert "modellens fejl" in page.locator("#correction-note").inner_text()
    assert "Korrigeret for modellens fejl" in page.locator("#line-key").inner_text()  # the key names the dashes
    headers = page.locator("#trend-table thead th").all_inner_texts()
    assert "Korrigeret andel" in headers and "95 %-interval (korrigeret)" in headers
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    cell = page.locator("#trend-table tbody tr").first.locator("td[data-label='Korrigeret andel']")
    assert page.evaluate("(el) => getComputedStyle(el, '::before').content", cell.element_handle()) == (
        '"Korrigeret andel: "'
    )
