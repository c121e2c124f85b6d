"""Re-assess stored articles with the current model; earlier assessments are kept (keyed by version)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from botrygt_nlp.domain import Assessment
from botrygt_nlp.errors import BotrygtError
from botrygt_nlp.storage.archive import Assessor, LineError
from botrygt_nlp.storage.store import Store


@dataclass(slots=True)
class RescoreReport:
    model_version: str
    assessed: int = 0
    errors: list[LineError] = field(default_factory=list)  # LineError.line holds the article id


def rescore(
    store: Store,
    analyzer: Assessor,
    model_version: str,
    *,
    batch: int = 200,
    on_progress: Callable[[RescoreReport], None] | None = None,
) -> RescoreReport:
    """Assess every article that has no assessment by ``model_version`` (the analyzer's own version).

    Resumable: an interrupted run simply continues where the missing assessments are.
    """
    report = RescoreReport(model_version)
    after = 0
    while True:
        todo = store.articles_missing_version(model_version, after_id=after, limit=batch)
        if not todo:
            return report
        done: list[tuple[int, Assessment]] = []
        for article_id, title, text in todo:
            try:
                a = analyzer.assess(text or title, title=title or None)
            except BotrygtError as exc:
                report.errors.append(LineError(article_id, f"{exc.code}: {exc.message}"))
                continue
            if a.model_version != model_version:
                raise ValueError(f"analyzer reports {a.model_version!r}, expected {model_version!r}")
            done.append((article_id, a))
        report.assessed += store.add_assessments(done)
        after = todo[-1][0]
        if on_progress is not None:
            on_progress(report)
