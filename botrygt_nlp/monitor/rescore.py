"""Re-assess stored articles with the current model; earlier assessments are kept (keyed by version)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from botrygt_nlp.domain import Assessment, Assessor
from botrygt_nlp.errors import BotrygtError
from botrygt_nlp.monitor.archive import LineError
from botrygt_nlp.storage.ports import ArticleStore


@dataclass(slots=True)
class RescoreReport:
    model_version: str
    assessed: int = 0
    errors: list[LineError] = field(default_factory=list)  # LineError.line holds the article id


# One stored article to assess, possibly in a worker process: (article id, title, text).
RescoreItem = tuple[int, str, str]
Rescored = tuple[int, Assessment] | LineError
# ``mapper(assess_article, items)`` yields assess_article(analyzer, item) in input order, with its own analyzer
# (botrygt_nlp.parallel.AnalyzerPool.map, or the Dask engine); the store is only touched in this process.
Mapper = Callable[[Callable[[Any, RescoreItem], Rescored], Iterable[RescoreItem]], Iterable[Rescored]]


def assess_article(analyzer: Assessor, item: RescoreItem) -> Rescored:
    article_id, title, text = item
    try:
        return article_id, analyzer.assess(text or title, title=title or None)
    except BotrygtError as exc:
        return LineError(article_id, f"{exc.code}: {exc.message}")


def rescore(
    store: ArticleStore,
    analyzer: Assessor | None,
    model_version: str,
    *,
    batch: int = 200,
    on_progress: Callable[[RescoreReport], None] | None = None,
    mapper: Mapper | None = None,
) -> RescoreReport:
    """Assess every article that has no assessment by ``model_version`` (the analyzer's own version).

    Resumable: an interrupted run simply continues where the missing assessments are. With ``mapper`` the
    assessing runs wherever the mapper sends it (worker processes, a cluster); reads and writes stay here.
    """
    report = RescoreReport(model_version)

    def todo() -> Iterator[RescoreItem]:
        after = 0
        while True:
            page = store.articles_missing_version(model_version, after_id=after, limit=batch)
            if not page:
                return
            yield from page
            after = page[-1][0]

    if mapper is not None:
        results = mapper(assess_article, todo())
    elif analyzer is not None:
        results = (assess_article(analyzer, item) for item in todo())
    else:
        raise ValueError("a rescore needs an analyzer or a mapper")
    done: list[tuple[int, Assessment]] = []

    def flush() -> None:
        report.assessed += store.add_assessments(done)
        done.clear()
        if on_progress is not None:
            on_progress(report)

    for result in results:
        if isinstance(result, LineError):
            report.errors.append(result)
            continue
        article_id, a = result
        if a.model_version != model_version:
            raise ValueError(f"analyzer reports {a.model_version!r}, expected {model_version!r}")
        done.append((article_id, a))
        if len(done) >= batch:
            flush()
    if done:
        flush()
    return report
