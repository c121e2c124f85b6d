"""Stored assessments read back as the typed `Assessment` they were written from (issue 11, item 4)."""

from __future__ import annotations

from botrygt_nlp import analyze
from botrygt_nlp.storage import Store
from tests.storage.helpers import article

TEXT = (
    "Natten til lørdag blev der begået indbrud i en villa på Kløvervej i Brønderslev.\n\n"
    "Politiet minder om et par enkle råd:\n"
    "1. Lås altid døre og vinduer, også når du bare er i haven.\n"
    "2. Tyverimærk dine værdigenstande, så de er svære at sælge.\n"
    "Politiet efterlyser vidner; ring 114. Utrygheden breder sig, og ingen tør gå ud."
)


def test_stored_assessment_reads_back_as_the_analyzer_output(store: Store) -> None:
    a = analyze(TEXT, title="Indbrud i villa")
    out = store.insert_articles([(article("https://a.example/typed", "Indbrud i villa", text=TEXT), a)])
    rec = store.get_article(out.article_ids[0])
    assert rec is not None and rec.assessment is not None
    typed = rec.assessment.assessment
    assert typed.to_json() == a.to_json() == rec.assessment.payload
    assert typed.crime_type is a.crime_type and typed.principles == a.principles
