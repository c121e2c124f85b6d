"""Feedback -> corpus units (models/corpus/AUTHORING.md shape) for the next training round.

Pure over a Store and an analyzer; used by ``botrygt feedback export``. (Not HTTP: it lives here because the
feedback endpoint is its only producer; it can move under classify/ without changing callers' behaviour.)

Each text or article with feedback becomes one unit: the model's current assessment supplies the labels
nobody corrected and the spans, the latest correction per label wins, and the rubric's consistency rules are
then applied. Units the corpus loader would reject are skipped and counted, never written half-valid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from botrygt_nlp.classify.corpus import CorpusError, parse_unit
from botrygt_nlp.domain import Assessment, Assessor, CrimeType, Register
from botrygt_nlp.storage import FeedbackRecord
from botrygt_nlp.storage.ports import ArticleStore, FeedbackStore, ValidationStore
from botrygt_nlp.storage.validation import StoredLabel


@dataclass(slots=True)
class ExportReport:
    exported: int = 0
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _target(r: FeedbackRecord) -> tuple[str, int | str]:
    return ("article", r.article_id) if r.article_id is not None else ("text", r.text or "")


def unit_from_feedback(
    records: list[FeedbackRecord], text: str, title: str, register: Register, assessment: Assessment
) -> dict[str, Any]:
    """One corpus unit; ``records`` are all corrections of one text, any order."""
    ordered = sorted(records, key=lambda r: (r.at, r.id))
    labels: dict[str, Any] = {r.label: r.value for r in ordered}
    tags = ["source:feedback"]

    crime_type = assessment.crime_type
    if "crime_type" in labels:
        crime_type = CrimeType(str(labels["crime_type"]))
    relevant = bool(labels.get("relevant", crime_type.is_relevant))
    if relevant != crime_type.is_relevant:
        if relevant:  # "it is relevant" without saying which crime: a person must pick the type
            tags.append("feedback:needs_crime_type")
        else:  # not relevant wins; keep "other crime" when the model saw a crime outside the scope
            other = assessment.crime_type is CrimeType.OTHER_CRIME
            crime_type = CrimeType.OTHER_CRIME if other else CrimeType.NOT_RELEVANT
    constructive = bool(labels.get("constructive", assessment.constructive)) and relevant
    advice = (
        [{"text": s.text, "principle": s.principle.value if s.principle else None} for s in assessment.advice_spans]
        if constructive
        else []
    )
    if constructive and not advice:
        tags.append("feedback:needs_advice_spans")
    alarmist = bool(labels.get("alarmist", assessment.alarmist))
    alarm = [s.text for s in assessment.alarm_spans] if alarmist else []
    who = sorted({r.who or "anonymous" for r in ordered})
    return {
        "id": f"fb-{ordered[0].id:05d}",
        "register": register.value,
        "title": title,
        "text": text,
        "relevant": relevant,
        "crime_type": crime_type.value,
        "constructive": constructive,
        "alarmist": alarmist,
        "witness_appeal": bool(labels.get("witness_appeal", assessment.witness_appeal)),
        "advice": advice,
        "alarm": alarm,
        "tags": tags,
        "author": "feedback:" + ",".join(who),
        "generated": False,
    }


VALIDATION_WHO = "validation:"  # who-prefix of the corrections a validation label stands for


def validation_records(labels: Iterable[StoredLabel]) -> list[FeedbackRecord]:
    """Validation labels (`botrygt validate import`, the Kontrol page) as corrections of their articles, so
    they can be exported as training data beside feedback. They stay apart in the store: only they are a
    random sample, so only they measure the model."""
    out: list[FeedbackRecord] = []
    for lab in labels:
        who = VALIDATION_WHO + (lab.annotator or "anonymous")
        out.append(FeedbackRecord(0, lab.article_id, None, "relevant", lab.relevant, who, lab.at))
        out.append(FeedbackRecord(0, lab.article_id, None, "constructive", lab.constructive, who, lab.at))
        if lab.crime_type is not None:
            out.append(FeedbackRecord(0, lab.article_id, None, "crime_type", lab.crime_type.value, who, lab.at))
    return out


class TrainingSource(FeedbackStore, ValidationStore, ArticleStore, Protocol):
    """What a feedback export reads: the feedback, the validation labels and the articles they are about."""


def export_feedback(
    store: TrainingSource,
    analyzer: Assessor,
    report: ExportReport,
    records: Iterable[FeedbackRecord] | None = None,
    *,
    include_validation: bool = False,
) -> Iterator[dict[str, Any]]:
    groups: dict[tuple[str, int | str], list[FeedbackRecord]] = defaultdict(list)
    chosen = list(records if records is not None else store.list_feedback(limit=1_000_000))
    if include_validation:
        chosen += validation_records(store.latest_labels())
    for r in chosen:
        groups[_target(r)].append(r)
    for (kind, key), recs in groups.items():
        if kind == "article":
            article = store.get_article(int(key))
            if article is None:
                report.skipped["article_gone"] += 1
                continue
            text, title, register = article.text, article.title, Register.LOCAL_NEWS
        else:
            text, title, register = str(key), "", Register.POLICE_REPORT
        if not text.strip():
            report.skipped["empty_text"] += 1
            continue
        unit = unit_from_feedback(recs, text, title, register, analyzer.assess(text, title=title or None))
        if all((r.who or "").startswith(VALIDATION_WHO) for r in recs):
            unit["id"] = f"val-{int(key):05d}"
            unit["tags"] = ["source:validation", *unit["tags"][1:]]
        if any(t.startswith("feedback:needs") for t in unit["tags"]):
            report.skipped["needs_review"] += 1
            continue
        try:
            parse_unit(unit, "feedback.jsonl")
        except CorpusError as exc:
            report.skipped["length" if "length" in str(exc) else "invalid"] += 1
            continue
        report.exported += 1
        yield unit
