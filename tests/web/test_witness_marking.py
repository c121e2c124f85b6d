"""Witness appeals are marked as what they are ("efterlysning") beside the advice, on every page that shows
evidence: a press officer must see that an appeal to witnesses is not advice."""

from __future__ import annotations

import re

from botrygt_nlp.domain import AdviceSpan, Assessment, CrimeType, Principle, Span
from botrygt_nlp.web.highlight import PieceKind, pieces
from tests.web.conftest import Web

REPORT = """Døgnrapport fra Midt- og Vestsjællands Politi

Indbrud i villa i Ringsted
Natten til tirsdag var der indbrud i en villa på Søgade. Politiet hører gerne fra vidner på 114.

Tyveri fra varebil i Slagelse
Der var tyveri af værktøj fra en varebil. Husk at tømme bilen for værktøj om natten.
"""


def _assessment(text: str, *, advice: str | None, appeal: str, witness_appeal: bool = True) -> Assessment:
    a0 = text.find(advice) if advice else -1
    w0 = text.find(appeal)
    return Assessment(
        relevant=True,
        crime_type=CrimeType.HOME_BURGLARY,
        constructive=a0 >= 0,
        score=0.9 if a0 >= 0 else 0.1,
        alarmist=False,
        witness_appeal=witness_appeal,
        principles=(Principle.UTRYG,) if a0 >= 0 else (),
        advice_spans=(AdviceSpan(a0, a0 + len(advice), advice, Principle.UTRYG),) if advice and a0 >= 0 else (),
        alarm_spans=(),
        lix=30.0,
        model_version="t",
        witness_spans=(Span(w0, w0 + len(appeal), appeal),),
    )


def test_appeal_sentence_is_its_own_piece_beside_the_advice() -> None:
    text = "Der var indbrud i nat. Politiet søger vidner på 114. Husk at tænde lyset udenfor."
    out = pieces(text, _assessment(text, advice="Husk at tænde lyset udenfor.", appeal="Politiet søger vidner på 114."))
    kinds = {p.text: p.kind for p in out}
    assert kinds["Politiet søger vidner på 114."] is PieceKind.WITNESS
    assert kinds["Husk at tænde lyset udenfor."] is PieceKind.ADVICE
    assert "".join(p.text for p in out) == text


def test_advice_wins_over_an_appeal_and_no_verdict_marks_nothing() -> None:
    text = "Ring 114, hvis du har set noget, og lås altid døren."
    both = pieces(text, _assessment(text, advice=text, appeal=text))
    assert [p.kind for p in both] == [PieceKind.ADVICE]
    # Appeal sentences are shown only when the text is judged to be an appeal.
    no_verdict = pieces(text, _assessment(text, advice=None, appeal=text, witness_appeal=False))
    assert [p.kind for p in no_verdict] == [PieceKind.PLAIN]


def test_draft_page_marks_the_appeal_as_efterlysning(web: Web) -> None:
    token = web.csrf("/skriv")
    r = web.client.post("/skriv", data={"csrf_token": token, "report": REPORT, "fmt": "auto", "action": "analyse"})
    assert r.status_code == 200
    html = r.text
    mark = '<mark class="witness" title="Efterlysning – ikke råd">Politiet hører gerne fra vidner på 114.</mark>'
    assert mark in html
    assert "efterlysning (ikke råd)" in html
    # The advice of the other incident stays advice.
    assert '<mark class="advice" title="Råd: Gør det svært for tyven">Husk at tømme bilen' in html


def test_audit_page_lists_the_appeal_as_efterlysning(web: Web) -> None:
    token = web.csrf("/gennemga")
    body = "Indbrud i villa på Søgade i nat. Politiet hører gerne fra vidner på 114. Husk at låse døren."
    r = web.client.post(
        "/gennemga", data={"csrf_token": token, "urls": ""}, files=[("files", ("a.txt", body.encode(), "text/plain"))]
    )
    assert r.status_code == 200
    html = r.text
    assert '<mark class="witness">Politiet hører gerne fra vidner på 114.</mark> – efterlysning' in html
    assert re.search(r'<mark class="advice">Husk at låse døren\.</mark>', html)
    assert "Efterlysning: teksten beder vidner om hjælp (det er ikke råd)." in html


def test_press_page_marks_articles_with_an_appeal(web: Web) -> None:
    from tests.api.helpers import seed_articles

    seed_articles(
        web.store, web.analyzer, text="Indbrud på Søgade i nat. Politiet søger vidner. Husk at låse døren.", weeks=1
    )
    page = web.client.get("/pressen").text
    link = re.search(r'href="(/pressen\?[^"]*#artikler)"', page)
    assert link, "the trends page links to the articles behind a point"
    articles = web.client.get(link.group(1).replace("&amp;", "&")).text
    assert ">efterlysning (ikke råd)</span>" in articles
