"""Bring a researcher's JSONL archive into the store, and export articles with their assessments.

Import lines: ``{"id", "url", "outlet", "published", "title", "text"}`` plus optional ``municipality``;
or a CSV with those columns (``botrygt export --format csv`` writes one), whose formula guards
(:mod:`botrygt_nlp.csvout`) are taken off again so an export → import round trip is exact.
Each line is assessed and stored like a polled article (same dedup, same trends); a bad line is reported
with its number and the rest continue. Researchers' files are messy, so:

* lines are split on LF only and numbered as an editor or ``wc -l`` counts them (a stray CR inside a
  record no longer splits it into two "bad" lines with every later number off by one); CRLF, a BOM and
  windows-1252 lines are read as meant;
* ``published`` may be ISO 8601 (a date alone is that day, a time without a zone is Danish time), a
  Danish date ("12. marts 2025 kl. 14.05"), or Unix seconds;
* a line that breaks the analyzer or the database is reported with its number; it never takes the other
  lines of its batch down with it (only a database that refuses every line stops the import).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import IO, Any, Protocol

from botrygt_nlp import csvout
from botrygt_nlp.csvout import CsvWriter
from botrygt_nlp.domain import Assessment, Assessor
from botrygt_nlp.errors import BinaryInputError, BotrygtError, InputError, MalformedRecordError
from botrygt_nlp.news.dates import COPENHAGEN, is_plausible, parse_date
from botrygt_nlp.news.dedup import looks_like_wire, normalise_title, normalise_url
from botrygt_nlp.reference import resolve_municipality
from botrygt_nlp.storage.failures import as_storage_error, is_disk_full
from botrygt_nlp.storage.types import ArticleRecord, ArticleSource, NewArticle

BATCH = 200
MAX_LINE_CHARS = 2_000_000


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
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            stamp = datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise MalformedRecordError(f"published is not a Unix time: {value!r}") from exc
        if not is_plausible(stamp):
            raise MalformedRecordError(f"published is not a plausible Unix time: {value!r}")
        return stamp
    if not isinstance(value, str):
        raise MalformedRecordError(f"published must be a date string or Unix seconds, got {value!r}")
    text = value.strip()
    try:
        if len(text) == 10 and text[4] == "-":
            # A bare date: midnight UTC, which lies on the same Danish date.
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        found = parse_date(text)  # Danish formats and RFC 822
        if found is None:
            raise MalformedRecordError(f"published is not a date: {value!r}") from None
        return found.astimezone(UTC)
    return dt.replace(tzinfo=COPENHAGEN).astimezone(UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def record_to_article(rec: object, now: datetime) -> NewArticle:
    if not isinstance(rec, dict):
        raise MalformedRecordError("line is not a JSON object")
    missing = [k for k in ("id", "url", "outlet", "title", "text") if rec.get(k) in (None, "")]
    if missing:
        raise MalformedRecordError(f"missing field(s): {', '.join(missing)}")
    if not isinstance(rec["id"], str | int) or isinstance(rec["id"], bool):
        raise MalformedRecordError("id must be a string or a number")
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


def _parse_line(line: str, now: datetime) -> NewArticle:
    if len(line) > MAX_LINE_CHARS:
        raise MalformedRecordError(f"line longer than {MAX_LINE_CHARS} characters")
    try:
        # strict=False: raw tabs and line breaks inside strings, as sloppy exporters write them, are kept.
        rec = json.loads(line, strict=False)
    except json.JSONDecodeError as exc:
        raise MalformedRecordError(f"invalid JSON: {exc.msg} (column {exc.colno})") from exc
    except RecursionError:
        raise MalformedRecordError("invalid JSON: nested too deeply") from None
    return record_to_article(rec, now)


def _store_batch(store: ArticleSink, batch: list[tuple[int, NewArticle, Assessment]], report: ImportReport) -> None:
    """Insert a batch; if the batch fails, line by line, so only the lines at fault are lost (and named)."""
    try:
        outcome = store.insert_articles([(a, s) for _, a, s in batch], dedup_titles=False)
    except Exception as batch_error:  # the sink is a protocol: any failure is worth the line-by-line retry
        if is_disk_full(batch_error):  # … except a full disk: no line is at fault, and none would go in
            full = as_storage_error(batch_error)
            if full is batch_error:
                raise
            raise full from batch_error
        failed: list[LineError] = []
        for n, article, assessment in batch:
            try:
                one = store.insert_articles([(article, assessment)], dedup_titles=False)
            except Exception as exc:
                failed.append(LineError(n, f"storage_error: {type(exc).__name__}: {exc}"[:500]))
                continue
            report.imported += one.inserted
            report.duplicates += one.duplicates
        if len(failed) == len(batch) > 1:  # not these lines: the database itself is unwell
            raise batch_error
        report.errors.extend(failed)
        return
    report.imported += outcome.inserted
    report.duplicates += outcome.duplicates


# One numbered record to prepare (parse + assess), possibly in a worker process: (line, parse, now).
PrepareItem = tuple[int, Callable[[datetime], NewArticle], datetime]
Prepared = tuple[int, NewArticle, Assessment] | LineError
# ``mapper(prepare_line, items)`` yields prepare_line(analyzer, item) in input order, with its own analyzer
# (botrygt_nlp.parallel.AnalyzerPool.map does, over worker processes); storing stays in this process.
Mapper = Callable[[Callable[[Any, PrepareItem], Prepared], Iterable[PrepareItem]], Iterable[Prepared]]


def prepare_line(analyzer: Assessor, item: PrepareItem) -> Prepared:
    """Parse one record and assess it; a line that cannot be either becomes its LineError."""
    n, parse, now = item
    try:
        article = parse(now)
        return n, article, analyzer.assess(article.text, title=article.title)
    except BotrygtError as exc:
        return LineError(n, f"{exc.code}: {exc.message}")
    except Exception as exc:  # the analyzer on a text it cannot handle: this line only
        return LineError(n, f"assessment_failed: {type(exc).__name__}: {exc}"[:500])


def _import(
    items: Iterable[tuple[int, Callable[[datetime], NewArticle]]],
    store: ArticleSink,
    analyzer: Assessor | None,
    now: datetime | None,
    on_progress: Callable[[ImportReport], None] | None,
    mapper: Mapper | None = None,
) -> ImportReport:
    """The import loop over numbered records; each item parses its record into an article when called."""
    now = now or datetime.now(UTC)
    report = ImportReport()
    batch: list[tuple[int, NewArticle, Assessment]] = []

    def flush() -> None:
        if batch:
            # An archive has its own ids and URLs; recurring headlines ("Døgnrapport") are distinct articles.
            _store_batch(store, batch, report)
            batch.clear()
            report.errors.sort(key=lambda e: e.line)
            if on_progress is not None:
                on_progress(report)

    todo = ((n, parse, now) for n, parse in items)
    if mapper is not None:
        prepared = mapper(prepare_line, todo)
    elif analyzer is not None:
        prepared = (prepare_line(analyzer, item) for item in todo)
    else:
        raise ValueError("an import needs an analyzer or a mapper")
    for done in prepared:
        report.read += 1
        if isinstance(done, LineError):
            report.errors.append(done)
            continue
        batch.append(done)
        if len(batch) >= BATCH:
            flush()
    flush()
    return report


def import_jsonl(
    lines: Iterable[str],
    store: ArticleSink,
    analyzer: Assessor | None,
    *,
    now: datetime | None = None,
    on_progress: Callable[[ImportReport], None] | None = None,
    mapper: Mapper | None = None,
) -> ImportReport:
    def items() -> Iterator[tuple[int, Callable[[datetime], NewArticle]]]:
        for n, line in enumerate(_first_without_bom(lines), start=1):
            if line.strip():
                yield n, partial(_parse_line, line)

    return _import(items(), store, analyzer, now, on_progress, mapper)


def _csv_record(header: list[str], cells: list[str], now: datetime) -> NewArticle:
    if len(cells) != len(header):
        raise MalformedRecordError(f"{len(cells)} fields where the header has {len(header)}")
    # Cells that looked like spreadsheet formulas were exported with a guard; taken off, the text is exact.
    rec = {k: csvout.restore(v) for k, v in zip(header, cells, strict=True)}
    return record_to_article({k: (v if v != "" else None) for k, v in rec.items()}, now)


def import_csv(
    lines: Iterable[str],
    store: ArticleSink,
    analyzer: Assessor | None,
    *,
    now: datetime | None = None,
    on_progress: Callable[[ImportReport], None] | None = None,
    mapper: Mapper | None = None,
) -> ImportReport:
    """Import a CSV with a header row naming at least id, url, outlet, title and text (``botrygt export
    --format csv`` writes one). ``lines`` keep their line ends (``read_lines(path, keepends=True)``), so
    line breaks inside quoted cells are read exactly; records are numbered by the line they start on."""
    reader = csv.reader(_first_without_bom(lines))
    if csv.field_size_limit() < MAX_LINE_CHARS:
        csv.field_size_limit(MAX_LINE_CHARS)  # article texts are longer than the csv module's 128 KiB default
    failed: list[LineError] = []

    def items() -> Iterator[tuple[int, Callable[[datetime], NewArticle]]]:
        header: list[str] | None = None
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # the reader cannot go on past a broken record
                failed.append(LineError(start, f"malformed_record: bad CSV: {exc}"))
                return
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                missing = [k for k in ("id", "url", "outlet", "title", "text") if k not in header]
                if missing:
                    failed.append(LineError(start, f"malformed_record: header lacks {', '.join(missing)}"))
                    return
                continue
            yield start, partial(_csv_record, header, cells)

    report = _import(items(), store, analyzer, now, on_progress, mapper)
    if failed:
        report.errors.extend(failed)
        report.errors.sort(key=lambda e: e.line)
    return report


def _first_without_bom(lines: Iterable[str]) -> Iterator[str]:
    for n, line in enumerate(lines):
        yield line.lstrip("\ufeff") if n == 0 else line


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
        w = CsvWriter(fh)  # formula-safe cells; `botrygt import` takes the guard off again
        w.row(EXPORT_FIELDS)
        for r in rows:
            w.row(r.get(k) for k in EXPORT_FIELDS)
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


def read_lines(path: Path, *, keepends: bool = False) -> Iterator[str]:
    """The file's lines, split on LF only (binary mode: CR, U+2028 and friends stay inside their line),
    each decoded as UTF-8, or as windows-1252 when it is not UTF-8 (a line pasted from an old export).
    ``keepends`` keeps each line's LF or CRLF (what the csv reader needs to read line breaks in cells)."""
    with path.open("rb") as fh:
        for raw in fh:
            if not keepends:
                raw = raw.removesuffix(b"\n").removesuffix(b"\r")
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield raw.decode("cp1252", errors="replace")


_BINARY_MAGIC = {
    b"PK\x03\x04": "a zip file (.docx, .xlsx, .odt …)",
    b"%PDF": "a PDF",
    b"\xd0\xcf\x11\xe0": "an old Office file (.doc, .xls)",
    b"\x1f\x8b": "a gzip file",
    b"PAR1": "a Parquet file",
}


class ArchiveFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


def archive_format(path: Path) -> ArchiveFormat:
    """JSONL or CSV (a ``.csv`` name, or a first line that is not a JSON object but names the columns);
    a binary file (a .docx, a zip, a PDF, UTF-16 text) is refused whole instead of as a line of errors."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise BinaryInputError(f"{path} is {what}, not a JSONL or CSV archive; nothing was imported")
    if b"\x00" in head:
        raise BinaryInputError(
            f"{path} is a binary file (or UTF-16 text), not a UTF-8 JSONL or CSV archive; nothing was imported"
        )
    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", errors="replace")
    columns = {c.strip().strip('"').strip() for c in first.split(",")}
    if path.suffix.lower() == ".csv" or {"url", "title", "text"} <= columns:
        return ArchiveFormat.CSV
    return ArchiveFormat.JSONL


def import_file(
    path: Path,
    store: ArticleSink,
    analyzer: Assessor | None,
    *,
    now: datetime | None = None,
    on_progress: Callable[[ImportReport], None] | None = None,
    mapper: Mapper | None = None,
) -> ImportReport:
    """Import a JSONL or CSV archive file (see :func:`archive_format`)."""
    if archive_format(path) is ArchiveFormat.CSV:
        return import_csv(
            read_lines(path, keepends=True), store, analyzer, now=now, on_progress=on_progress, mapper=mapper
        )
    return import_jsonl(read_lines(path), store, analyzer, now=now, on_progress=on_progress, mapper=mapper)
