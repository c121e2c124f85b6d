"""The pages' flows as a user meets them: what the download holds, what an expired form keeps, what the audit
table and its CSV say about texts that failed, which errors speak Danish, and how the chart treats time."""

from __future__ import annotations

import csv
import html
import io
import itertools
import re
from datetime import date

import pytest

from botrygt_nlp.trends import TrendRow
from botrygt_nlp.web.charts import build_chart
from botrygt_nlp.web.press import Period, next_period_start, period_label
from tests.web.conftest import Web

REPORT = """Døgnrapport fra Midt- og Vestsjællands Politi

Indbrud i villa i Ringsted
Natten til tirsdag var der indbrud i en villa på Søgade. Politiet hører gerne fra vidner på 114.

Tyveri fra varebil i Slagelse
Der var tyveri af værktøj fra en varebil. Husk at tømme bilen for værktøj om natten.
"""
TEXTAREA = re.compile(r'<textarea id="(?:report|rewritten)"[^>]*>\n(.*?)</textarea>', re.S)


def _textarea(page: str, name: str) -> str:
    m = re.search(rf'<textarea id="{name}"[^>]*>\n(.*?)</textarea>', page, re.S)
    assert m, f"no textarea {name}"
    return html.unescape(m.group(1))


def _api_rewrite(web: Web, text: str, style: str = "full", markers: bool = False) -> str:
    """What the API gives; the drafting page's default is the publish-ready text ("markers": false)."""
    r = web.client.post("/v1/reports/rewrite", json={"text": text, "style": style, "markers": markers})
    assert r.status_code == 200, r.text
    out: str = r.json()["text"]
    return out


def _as_browser_sends(text: str) -> str:
    """A textarea's value as a browser submits it: every line break CRLF (HTML's form-data normalisation)."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


@pytest.mark.parametrize("output", ["publish", "marked", None])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_download_is_what_the_api_rewrite_gives_with_the_reports_own_line_endings(
    web: Web, newline: str, output: str | None
) -> None:
    token = web.csrf("/skriv")
    original = REPORT.replace("\n", newline)
    page = web.client.post(
        "/skriv",
        data={"csrf_token": token, "action": "insert_all", "fmt": "auto", **({"output": output} if output else {})},
        files={"file": ("rapport.txt", original.encode(), "text/plain")},
    ).text
    expected = _api_rewrite(web, original, markers=output == "marked")
    assert ("botrygt:advice" in expected) is (output == "marked")
    assert _textarea(page, "rewritten") == expected  # "Indsæt alle forslag" == POST /v1/reports/rewrite
    style = re.search(r'name="newline" value="([a-z]+)"', page)
    assert style and style.group(1) == ("crlf" if newline == "\r\n" else "lf")
    download = web.client.post(
        "/skriv/download",
        data={
            "csrf_token": token,
            "rewritten": _as_browser_sends(expected),
            "download_name": "doegnrapport.txt",
            "newline": style.group(1),
        },
    )
    assert download.content == expected.encode()  # byte for byte, not the browser's CRLF


def test_the_copy_and_download_are_ready_to_publish_unless_markers_are_asked_for(web: Web) -> None:
    token = web.csrf("/skriv")
    form = web.client.get("/skriv").text
    assert "<legend>Til kopiering og download</legend>" in form
    assert '<input type="radio" name="output" value="publish" id="output-publish" checked>' in form
    assert '<label for="output-publish">Klar til offentliggørelse (uden markeringer)</label>' in form
    page = web.client.post("/skriv", data={"csrf_token": token, "report": REPORT, "insert": "0"}).text
    rewritten, report = _textarea(page, "rewritten"), _textarea(page, "report")
    assert "Undgå indbrud" in rewritten and "botrygt" not in rewritten.replace("botrygt.dk", "")
    assert "Undgå indbrud" in report and "botrygt:advice" not in report  # inserted as it will be published
    assert "klar til offentliggørelse (uden markeringer)" in page and "har allerede en rådsblok" in page
    # The page's own output, sent through it again, gets no second block.
    again = web.client.post("/skriv", data={"csrf_token": token, "report": rewritten, "action": "insert_all"}).text
    assert _textarea(again, "rewritten") == rewritten and 'name="insert"' not in again
    # Asked for the markers: the rewritten report carries them and says it is not for publishing.
    marked = web.client.post(
        "/skriv", data={"csrf_token": token, "report": report, "output": "marked", "action": "analyse"}
    ).text
    assert "[botrygt:advice home_burglary.v1]" not in _textarea(marked, "rewritten")  # already inserted, unmarked
    fresh = web.client.post(
        "/skriv", data={"csrf_token": token, "report": REPORT, "output": "marked", "action": "analyse"}
    ).text
    assert "[botrygt:advice home_burglary.v1]" in _textarea(fresh, "rewritten")
    assert "ikke til offentliggørelse" in fresh and "«[botrygt:advice …]»" in fresh
    assert 'value="marked" id="output-marked" checked>' in fresh and 'id="output-publish">' in fresh
    md = web.client.post(
        "/skriv",
        data={"csrf_token": token, "report": "## Indbrud i Køge\n\nDer var indbrud.\n", "output": "marked"},
    ).text
    assert "«&lt;!-- botrygt:advice … --&gt;»" in md  # the hint names the format's marker, escaped
    # And back to publish-ready: a report with marked blocks in it comes out without them.
    marked_report = _api_rewrite(web, REPORT, markers=True)
    out = web.client.post(
        "/skriv", data={"csrf_token": token, "report": marked_report, "output": "publish", "action": "analyse"}
    ).text
    assert _textarea(out, "rewritten") == _api_rewrite(web, REPORT)


def test_insert_one_keeps_crlf_through_the_round_trip(web: Web) -> None:
    token = web.csrf("/skriv")
    original = REPORT.replace("\n", "\r\n")
    first = web.client.post(
        "/skriv",
        data={"csrf_token": token, "action": "analyse", "fmt": "auto"},
        files={"file": ("rapport.txt", original.encode(), "text/plain")},
    ).text
    # The browser posts the textarea back (CRLF either way) with the page's newline field: the report stays CRLF.
    second = web.client.post(
        "/skriv",
        data={
            "csrf_token": token,
            "report": _as_browser_sends(_textarea(first, "report")),
            "newline": "crlf",
            "insert": "0",
            "fmt": "auto",
            "output": "marked",
        },
    ).text
    report = _textarea(second, "report")
    assert "botrygt:advice" in report
    assert "\n" not in report.replace("\r\n", "")  # no bare LF crept in


def test_a_report_starting_with_a_blank_line_keeps_it(web: Web) -> None:
    token = web.csrf("/skriv")
    text = "\n" + REPORT
    page = web.client.post("/skriv", data={"csrf_token": token, "report": text, "action": "analyse"}).text
    # The HTML parser drops one newline right after <textarea>: the page puts one there, so the text survives.
    assert re.search(r'<textarea id="report"[^>]*>\n\n', page)
    assert _textarea(page, "report") == text


def test_short_style_is_offered_and_used(web: Web) -> None:
    token = web.csrf("/skriv")
    assert '<select id="style" name="style">' in web.client.get("/skriv").text
    page = web.client.post(
        "/skriv", data={"csrf_token": token, "report": REPORT, "style": "short", "action": "insert_all"}
    ).text
    assert _textarea(page, "rewritten") == _api_rewrite(web, REPORT, "short")
    assert _textarea(page, "rewritten") != _api_rewrite(web, REPORT, "full")
    assert '<option value="short" selected>' in page


def test_an_expired_form_gives_the_pasted_report_back(web: Web) -> None:
    web.client.get("/skriv")
    r = web.client.post("/skriv", data={"csrf_token": "from-before-the-restart", "report": REPORT})
    assert r.status_code == 403
    assert "Formularen er udløbet" in r.text and "Teksten er bevaret" in r.text
    assert _textarea(r.text, "report") == REPORT  # not lost
    assert 'id="resultat"' not in r.text  # and nothing was assessed
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', r.text)
    assert fresh
    again = web.client.post("/skriv", data={"csrf_token": fresh.group(1), "report": REPORT, "action": "analyse"})
    assert again.status_code == 200 and 'id="resultat"' in again.text


def _audit(web: Web) -> tuple[str, str]:
    token = web.csrf("/gennemga")
    files = [
        ("files", ("b.txt", b"Der var indbrud i et hus. Husk at l\xc3\xa5se d\xc3\xb8ren.", "text/plain")),
        ("files", ("a.txt", b"Tyveri af en cykel.", "text/plain")),
        ("files", ("c.bin", bytes(range(256)), "application/octet-stream")),
    ]
    page = web.client.post("/gennemga", data={"csrf_token": token, "urls": "ikke en adresse"}, files=files).text
    return token, page


def test_audit_counts_and_marks_texts_that_failed(web: Web) -> None:
    _, page = _audit(web)
    summary = " ".join(page.split("<p>4 tekster:", 1)[1].split("</p>", 1)[0].split())
    assert summary == "1 konstruktiv, 1 ikke konstruktiv, 0 ikke relevante; 2 kunne ikke vurderes."
    failed = [row for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) if "Fejl</span>" in row]
    assert len(failed) == 2
    for row in failed:
        assert ">nej<" not in row and " %" not in row  # no made-up "not alarmist" or "0 %" for a failed text
        assert row.count('class="empty-cell">–') + row.count('class="num empty-cell">–') == 3
    names = re.findall(r"<td>([^<]+) <span class=\"hint\">", page)
    assert names == ["a.txt", "b.txt", "c.bin", "ikke en adresse"]  # sorted by name, as the header says


def test_audit_csv_follows_the_order_on_screen(web: Web) -> None:
    token, page = _audit(web)
    results = re.search(r'name="results" value="([^"]+)"', page)
    assert results
    shown = web.client.post(
        "/gennemga/vis", data={"csrf_token": token, "results": results.group(1), "sort": "score:desc"}
    ).text
    order = re.search(r'name="order" value="([^"]+)"', shown)
    assert order and order.group(1) == "score:desc"
    on_screen = re.findall(r"<td>([^<]+) <span class=\"hint\">", shown)
    assert on_screen == ["b.txt", "a.txt", "c.bin", "ikke en adresse"]  # failed texts last, either direction
    sheet = web.client.post(
        "/gennemga/csv", data={"csrf_token": token, "results": results.group(1), "order": order.group(1)}
    )
    rows = list(csv.DictReader(io.StringIO(sheet.text)))
    assert [r["name"] for r in rows] == on_screen
    assert rows[3]["error"] == "Adressen indeholder mellemrum eller styretegn."


def test_routing_errors_speak_danish_and_lead_somewhere_useful(web: Web) -> None:
    nf = web.client.get("/findes-ikke")
    assert nf.status_code == 404 and "Siden findes ikke" in nf.text and "Not Found" not in nf.text
    assert '<a href="/">Tilbage</a>' in nf.text  # not back to the missing page itself
    wrong = web.client.get("/kilder/1/fjern")
    assert wrong.status_code == 405 and "Method Not Allowed" not in wrong.text
    token = web.csrf("/skriv")
    anon = web.client.post("/kilder/1/fjern", data={"csrf_token": token})
    assert anon.status_code == 401
    assert 'href="/login?next=/kilder"' in anon.text  # not ?next=/kilder/1/fjern, which only takes POST


def _row(period: date, share: float | None, relevant: int = 4) -> TrendRow:
    return TrendRow(
        group="Avis",
        period=period,
        articles=relevant,
        relevant=relevant,
        constructive=round((share or 0) * relevant),
        alarmist=0,
        share_constructive=share,
        ci_low=None if share is None else max(0.0, share - 0.2),
        ci_high=None if share is None else min(1.0, share + 0.2),
        model_version="m",
    )


def test_the_chart_has_a_time_axis_and_breaks_the_line_over_empty_periods() -> None:
    weeks = [date(2026, 8, 3), date(2026, 8, 10), date(2026, 8, 31), date(2026, 9, 7)]  # nothing in two weeks
    chart = build_chart(
        [_row(w, 0.5) for w in weeks],
        lambda g, p: f"/pressen?point={p}",
        lambda p: period_label(p, Period.WEEK),
        next_period=lambda p: next_period_start(p, Period.WEEK),
    )
    assert chart is not None
    (series,) = chart.series
    assert len(series.segments) == 2 and all(s.line and s.band for s in series.segments)
    xs = [p.x for p in series.points]
    gaps = [b - a for a, b in itertools.pairwise(xs)]
    assert gaps[1] == pytest.approx(3 * gaps[0], abs=0.2)  # three weeks apart on the axis, not one
    assert chart.x_title == "Periode" and chart.y_title == "Andel konstruktive"
    last_tick = max(t.pos for t in chart.x_ticks)
    assert chart.width - last_tick >= 36  # room for half a label like "uge 37 2026"


def test_a_lone_period_is_a_point_with_its_interval_not_a_line() -> None:
    chart = build_chart([_row(date(2026, 3, 1), 0.25)], lambda g, p: "/", lambda p: str(p))
    assert chart is not None
    (series,) = chart.series
    assert series.segments[0].line == "" and series.segments[0].band == ""
    (point,) = series.points
    assert point.y_low is not None and point.y_high is not None


def test_every_chart_colour_has_3_to_1_against_white() -> None:
    from botrygt_nlp.web.charts import PALETTE

    def luminance(hex_colour: str) -> float:
        def channel(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    for colour in PALETTE:
        assert 1.05 / (luminance(colour) + 0.05) >= 3.0, colour


def test_removing_a_feed_asks_first_and_a_paused_feed_can_be_resumed(web: Web) -> None:
    from botrygt_nlp.storage import FeedStatus, NewFeed
    from tests.api.helpers import pause_feed

    feed = web.store.add_feed(NewFeed(url="https://lokal.example/rss", outlet="Lokalavisen"))
    pause_feed(web.store, feed.id, "5 soft failures in a row; last: HTTP 404")
    web.login()
    page = web.client.get("/kilder").text
    # The remove button sits inside a <details>: Enter on "Fjern…" opens the question, it removes nothing.
    assert re.search(r'<details class="confirm"><summary>Fjern<span class="visually-hidden"> Lokalavisen', page)
    assert "Ja, fjern" in page and f'action="/kilder/{feed.id}/genoptag"' in page
    assert "Sat på pause: 5 fejl i træk, senest: HTTP 404" in page and "soft failures" not in page
    token = web.csrf("/kilder")
    r = web.client.post(f"/kilder/{feed.id}/genoptag", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert web.store.get_feed(feed.id).status is FeedStatus.ACTIVE
    assert "genoptaget" in web.client.get(r.headers["location"]).text
    assert f'action="/kilder/{feed.id}/genoptag"' not in web.client.get("/kilder").text  # only for paused feeds
    missing = web.client.post("/kilder/999/genoptag", data={"csrf_token": token})
    assert missing.status_code == 404 and "findes ikke" in missing.text
    assert web.client.post(f"/kilder/{feed.id}/genoptag", data={}).status_code == 403  # CSRF as everywhere


def test_form_limits_are_explained_in_danish(web: Web) -> None:
    token = web.csrf("/skriv")
    huge = web.client.post(
        "/skriv", data={"csrf_token": token, "report": "Indbrud. " * 300_000}, files={"file": ("", b"")}
    )
    assert huge.status_code == 413 and "Teksten er for lang" in huge.text and "exceeded" not in huge.text
    many = [("files", (f"{i}.txt", b"Indbrud.", "text/plain")) for i in range(21)]
    r = web.client.post("/gennemga", data={"csrf_token": token}, files=many)
    assert r.status_code == 413 and "Højst 20 filer ad gangen" in r.text
