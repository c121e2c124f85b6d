"""Bring a researcher's JSONL archive into the store, and export articles with their assessments.

Import lines: ``{"id", "url", "outlet", "published", "title", "text"}`` plus optional ``municipality``.
Each line is assessed and stored like a polled article (same dedup, same trends); a bad line is reported
with its number and the rest continue.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, Protocol

from botrygt_nlp.domain import Assessment
from botrygt_nlp.errors import BotrygtError, InputError, MalformedRecordError
from botrygt_nlp.monitor.dedup import looks_like_wire, normalise_title, normalise_url
from botrygt_nlp.reference import resolve_municipality
from botrygt_nlp.storage.types import ArticleRecord, ArticleSource, NewArticle

BATCH = 200
MAX_LINE_CHARS = 2_000_000


class Assessor(Protocol):
    def assess(self, text: str, *, title: str | None = None) -> Assessment: ...


class ArticleSink(Protocol):
    def insert_articles(
        self,
        items: list[tuple[NewArticle, Assessment]],
        *,
        title_window_days: int = 3,
        dedup_titles: bool = True,
    ) -> Any: ...


class ArticleSourceStore(Protocol):
    def iter_articles(self, *, model_version: str | None = None, batch: int = 500) -> Iterator[ArticleRecord]: ...


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    error: str


@dataclass(slots=True)
class ImportReport:
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    errors: list[LineError] = field(default_factory=list)


def _parse_published(value: object) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise MalformedRecordError(f"published must be an ISO date string, got {value!r}")
    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedRecordError(f"published is not an ISO date: {value!r}") from exc
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def record_to_article(rec: object, now: datetime) -> NewArticle:
    if not isinstance(rec, dict):
        raise MalformedRecordError("line is not a JSON object")
    missing = [k for k in ("id", "url", "outlet", "title", "text") if rec.get(k) in (None, "")]
    if missing:
        raise MalformedRecordError(f"missing field(s): {', '.join(missing)}")
    for k in ("url", "outlet", "title", "text"):
        if not isinstance(rec[k], str):
            raise MalformedRecordError(f"{k} must be a string")
    municipality = district = None
    if rec.get("municipality"):
        place = resolve_municipality(str(rec["municipality"]))
        municipality, district = place.name, place.district
    url = rec["url"].strip()
    return NewArticle(
        outlet=rec["outlet"].strip(),
        url=url,
        url_norm=normalise_url(url),
        title=rec["title"].strip(),
        title_norm=normalise_title(rec["title"]),
        text=rec["text"],
        published=_parse_published(rec.get("published")),
        fetched_at=now,
        extraction_method=None,
        source=ArticleSource.IMPORT,
        external_id=str(rec["id"]),
        wire=looks_like_wire(rec["title"], rec["text"]),
        municipality=municipality,
        district=district,
    )


def import_jsonl(
    lines: Iterable[str],
    store: ArticleSink,
    analyzer: Assessor,
    *,
    now: datetime | None = None,
    on_progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    now = now or datetime.now(UTC)
    report = ImportReport()
    batch: list[tuple[NewArticle, Assessment]] = []

    def flush() -> None:
        if batch:
            # An archive has its own ids and URLs; recurring headlines ("Døgnrapport") are distinct articles.
            outcome = store.insert_articles(batch, dedup_titles=False)
            report.imported += outcome.inserted
            report.duplicates += outcome.duplicates
            batch.clear()
            if on_progress is not None:
                on_progress(report)

    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        report.read += 1
        try:
            if len(line) > MAX_LINE_CHARS:
                raise MalformedRecordError(f"line longer than {MAX_LINE_CHARS} characters")
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise MalformedRecordError(f"invalid JSON: {exc.msg} (column {exc.colno})") from exc
            article = record_to_article(rec, now)
            batch.append((article, analyzer.assess(article.text, title=article.title)))
        except BotrygtError as exc:
            report.errors.append(LineError(n, f"{exc.code}: {exc.message}"))
            continue
        if len(batch) >= BATCH:
            flush()
    flush()
    return report


class ExportFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"
    PARQUET = "parquet"


EXPORT_FIELDS = (
    "id",
    "outlet",
    "url",
    "title",
    "published",
    "fetched_at",
    "source",
    "external_id",
    "municipality",
    "district",
    "story_id",
    "wire",
    "from_feed_summary",
    "extraction_method",
    "paywalled",
    "model_version",
    "relevant",
    "crime_type",
    "constructive",
    "alarmist",
    "witness_appeal",
    "score",
    "text",
)


def article_row(a: ArticleRecord) -> dict[str, Any]:
    s = a.assessment
    return {
        "id": a.id,
        "outlet": a.outlet,
        "url": a.url,
        "title": a.title,
        "published": a.published.isoformat() if a.published else None,
        "fetched_at": a.fetched_at.isoformat(),
        "source": a.source.value,
        "external_id": a.external_id,
        "municipality": a.municipality,
        "district": a.district,
        "story_id": a.story_id,
        "wire": a.wire,
        "from_feed_summary": a.from_feed_summary,
        "extraction_method": a.extraction_method,
        "paywalled": a.paywalled,
        "model_version": s.model_version if s else None,
        "relevant": s.relevant if s else None,
        "crime_type": s.crime_type.value if s else None,
        "constructive": s.constructive if s else None,
        "alarmist": s.alarmist if s else None,
        "witness_appeal": s.witness_appeal if s else None,
        "score": s.score if s else None,
        "text": a.text,
    }


def export_articles(
    store: ArticleSourceStore, fmt: ExportFormat, out: IO[str] | Path, *, model_version: str | None = None
) -> int:
    """Write every article with its assessment (latest model version unless given); returns the count."""
    rows = (
        article_row(a) | ({"assessment": a.assessment.payload} if fmt is ExportFormat.JSONL and a.assessment else {})
        for a in store.iter_articles(model_version=model_version)
    )
    if fmt is ExportFormat.PARQUET:
        if not isinstance(out, Path):
            raise InputError("parquet export needs --output PATH")
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist(list(rows), schema=_parquet_schema(pa))
        pq.write_table(table, out)
        return int(table.num_rows)
    if isinstance(out, Path):
        with out.open("w", encoding="utf-8", newline="") as fh:
            return _write_text(rows, fmt, fh)
    return _write_text(rows, fmt, out)


def _write_text(rows: Iterable[dict[str, Any]], fmt: ExportFormat, fh: IO[str]) -> int:
    n = 0
    if fmt is ExportFormat.CSV:
        w = csv.DictWriter(fh, fieldnames=EXPORT_FIELDS, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)
            n += 1
        return n
    for r in rows:
        fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        n += 1
    return n


def _parquet_schema(pa: Any) -> Any:
    string, boolean = pa.string(), pa.bool_()
    types = {
        "id": pa.int64(),
        "score": pa.float64(),
        "wire": boolean,
        "from_feed_summary": boolean,
        "paywalled": boolean,
        "relevant": boolean,
        "constructive": boolean,
        "alarmist": boolean,
        "witness_appeal": boolean,
    }
    return pa.schema([(k, types.get(k, string)) for k in EXPORT_FIELDS])


def read_lines(path: Path) -> Iterator[str]:
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        yield from fh
