"""Stored assessments and submissions read back as the typed `Assessment` they were written from (issue 11,
item 4)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from botrygt_nlp import analyze
from botrygt_nlp.domain import Assessment
from botrygt_nlp.storage import Store
from botrygt_nlp.storage.tables import assessments, submissions
from tests.storage.helpers import T0, article, assessment

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


def test_submission_reads_back_as_the_analyzer_output(store: Store) -> None:
    a = analyze(TEXT, title="Indbrud i villa")
    store.save_submission(text=TEXT, title="Indbrud i villa", external_id="s1", assessment=a, who=None, when=T0)
    [sub] = store.list_submissions()
    assert isinstance(sub.assessment, Assessment)
    assert sub.assessment.to_json() == a.to_json()
    assert sub.assessment.crime_type is a.crime_type and sub.assessment.principles == a.principles
    assert sub.assessment.constructive is a.constructive and sub.assessment.relevant is a.relevant


def test_an_unparseable_payload_raises_like_the_article_path(store: Store) -> None:
    """A payload that is JSON but not an ``Assessment.to_json()`` raises ``ValueError`` on the way to the
    typed view, for articles and submissions alike; nothing is skipped or defaulted."""
    out = store.insert_articles([(article("https://a.example/bad", "Indbrud"), assessment())])
    store.save_submission(text="Husk at låse.", title=None, external_id=None, assessment=assessment(), who=None)
    with store.engine.begin() as conn:
        conn.execute(sa.update(assessments).values(payload='{"relevant": true}'))
        conn.execute(sa.update(submissions).values(payload='{"relevant": true}'))
    rec = store.get_article(out.article_ids[0])
    assert rec is not None and rec.assessment is not None
    with pytest.raises(ValueError):
        _ = rec.assessment.assessment
    with pytest.raises(ValueError):
        store.list_submissions()
