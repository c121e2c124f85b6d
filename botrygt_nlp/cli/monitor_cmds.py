"""Press-monitor commands: feeds, monitor poll/run, rescore, trends, import, export.

Thin edges: parse options, build the Store/Fetcher/analyzer from Settings, call one core function, format.
Library errors are turned into CLI errors in one place (``cli.failure``).
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from botrygt_nlp.cli.failure import cli_errors, fail
from botrygt_nlp.cli.scale import EngineOption, QuietOption, SchedulerOption, WorkersOption
from botrygt_nlp.config import Settings, get_settings
from botrygt_nlp.errors import BotrygtError
from botrygt_nlp.news.types import FetchStatus
from botrygt_nlp.parallel import INTERRUPTED_EXIT, Engine, stop_on_interrupt

DEFAULT_POLL_THREADS = 16  # = botrygt_nlp.monitor.poll.DEFAULT_THREADS (not imported: the CLI starts fast)

feeds_app = typer.Typer(help="Manage the press feeds the monitor polls.", no_args_is_help=True)
monitor_app = typer.Typer(help="Poll feeds: fetch, extract, assess and store new articles.", no_args_is_help=True)


def _open_store(settings: Settings | None = None) -> Any:
    from botrygt_nlp.storage import Store

    return Store.from_settings(settings or get_settings())


def _when(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        d = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise fail(f"--{name} must be an ISO date (YYYY-MM-DD), got {value!r}") from None
    # Dates and zone-less times are Danish, like the trend periods (a UTC midnight would move the
    # first hour or two of a day into the previous period's range).
    from botrygt_nlp.news.dates import COPENHAGEN

    if isinstance(d, datetime):
        return d.replace(tzinfo=COPENHAGEN) if d.tzinfo is None else d
    return datetime(d.year, d.month, d.day, tzinfo=COPENHAGEN)


def _fmt_dt(d: datetime | None) -> str:
    return d.strftime("%Y-%m-%d %H:%M") if d else "-"


# ---------------------------------------------------------------------- feeds
@feeds_app.command("add")
def feeds_add(
    url: Annotated[str, typer.Argument(help="Feed URL (RSS/Atom).")],
    outlet: Annotated[str, typer.Option("--outlet", help="Outlet name, e.g. 'TV 2 Fyn'.")],
    municipality: Annotated[
        list[str] | None,
        typer.Option("--municipality", "-m", help="Municipality the feed covers (repeatable)."),
    ] = None,
    district: Annotated[str | None, typer.Option("--district", help="Police district.")] = None,
) -> None:
    """Add a feed; municipality names are checked against the 98 municipalities."""
    from botrygt_nlp.storage import NewFeed

    with cli_errors(), _open_store() as store:
        feed = store.add_feed(NewFeed(url, outlet, tuple(municipality or ()), district))
    typer.echo(
        f"added feed {feed.id}: {feed.outlet} {feed.url} "
        f"[{', '.join(feed.municipalities) or 'no municipality'}; {feed.district or 'no district'}]"
    )


@feeds_app.command("list")
def feeds_list(
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Feeds with status, failures, last error and next poll."""
    with cli_errors(), _open_store() as store:
        feeds = store.list_feeds()
    if fmt == "json":
        typer.echo(
            json.dumps(
                [
                    {
                        "id": f.id,
                        "url": f.url,
                        "outlet": f.outlet,
                        "municipalities": list(f.municipalities),
                        "district": f.district,
                        "status": f.status.value,
                        "pause_reason": f.pause_reason,
                        "failure_count": f.failure_count,
                        "last_error": f.last_error,
                        "last_polled_at": f.last_polled_at.isoformat() if f.last_polled_at else None,
                        "next_poll_at": f.next_poll_at.isoformat(),
                    }
                    for f in feeds
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not feeds:
        typer.echo("no feeds yet: botrygt feeds add URL --outlet NAME")
        return
    for f in feeds:
        health = f.status.value if f.failure_count == 0 else f"{f.status.value}, {f.failure_count} failures"
        typer.echo(
            f"{f.id:>4}  {f.outlet}  [{health}]  last poll {_fmt_dt(f.last_polled_at)}"
            f"  next {_fmt_dt(f.next_poll_at)}\n      {f.url}"
        )
        if f.pause_reason:
            typer.echo(f"      PAUSED: {f.pause_reason}  (resume: botrygt feeds resume {f.id})")
        elif f.last_error:
            typer.echo(f"      last error: {f.last_error}")


@feeds_app.command("remove")
def feeds_remove(feed: Annotated[str, typer.Argument(help="Feed id or URL.")]) -> None:
    """Remove a feed (its stored articles stay in the trends)."""
    with cli_errors(), _open_store() as store:
        removed = store.remove_feed(int(feed) if feed.isdigit() else feed)
    if not removed:
        raise fail(f"no such feed: {feed}")
    typer.echo(f"removed feed {feed}")


@feeds_app.command("resume")
def feeds_resume(feed_id: Annotated[int, typer.Argument(help="Feed id.")]) -> None:
    """Resume a paused feed (clears the failure count; polled at the next pass)."""
    with cli_errors(), _open_store() as store:
        feed = store.resume_feed(feed_id)
    typer.echo(f"resumed feed {feed.id}: {feed.url}")


@feeds_app.command("import")
def feeds_import(
    path: Annotated[Path, typer.Argument(help="OPML, TOML or YAML feed list.", exists=True, dir_okay=False)],
) -> None:
    """Add every feed of a list; bad items and already-added feeds are reported, the rest continue."""
    from botrygt_nlp.monitor.feeds_io import read_feed_list
    from botrygt_nlp.storage import FeedExistsError

    added = skipped = failed = 0
    with cli_errors(), _open_store() as store:
        feeds, errors = read_feed_list(path)
        for e in errors:
            typer.echo(f"{path}: {e.where}: {e.error}", err=True)
        for nf in feeds:
            try:
                store.add_feed(nf)
                added += 1
            except FeedExistsError:
                skipped += 1
            except BotrygtError as exc:
                typer.echo(f"{path}: {nf.url}: {exc.message}", err=True)
                failed += 1
    failed += len(errors)
    typer.echo(f"added {added} feeds, {skipped} already present, {failed} errors")
    if failed:
        raise typer.Exit(1)


# ---------------------------------------------------------------------- monitor
def build_poller(settings: Settings, store: Any) -> Any:
    from botrygt_nlp import get_analyzer
    from botrygt_nlp.monitor.fetch import Fetcher
    from botrygt_nlp.monitor.poll import Poller

    return Poller(store, Fetcher.from_settings(settings), get_analyzer())


def print_report(report: Any) -> None:
    for f in report.feeds:
        # A document fetched fine but unreadable as a feed failed all the same (the summary line counts it so).
        status = "error" if f.status is None else "failed" if f.error and f.status is FetchStatus.OK else f.status.value
        line = f"feed {f.feed_id} {f.outlet}: {'waiting' if f.waiting else status}"
        if f.waiting:
            line += f" — {f.waiting}"
        if f.new_articles or f.duplicates:
            line += f", {f.new_articles} new, {f.duplicates} known"
        if f.from_summary:
            line += f" ({f.from_summary} from feed summary)"
        if f.error:
            line += f" — {f.error}"
        if f.paused:
            line += " — PAUSED"
        if f.interrupted:
            line += " — interrupted, rest next pass"
        if f.backlog:
            line += f" — {f.backlog} more new entries next pass"
        if f.deferred:
            line += f" — {f.deferred} article pages busy, retried next poll"
        typer.echo(line)
        for e in f.entry_errors:
            typer.echo(f"    article {e.url}: {e.error}", err=True)
    typer.echo(
        f"polled {len(report.feeds)} feeds: {report.new_articles} new articles, "
        f"{report.failed} failed, {report.paused} paused"
    )
    if report.storage_error is not None:
        typer.echo(
            f"error: the poll stopped because the storage failed: {report.storage_error.message}. "
            "No feed was marked as failing; poll again once the storage works.",
            err=True,
        )


@monitor_app.command("poll")
def monitor_poll(
    once: Annotated[bool, typer.Option("--once", help="Poll every due feed once, then exit.")] = True,
    threads: Annotated[
        int,
        typer.Option(
            "--threads", min=1, max=32, help="Feeds of different hosts polled in parallel (one request per host)."
        ),
    ] = DEFAULT_POLL_THREADS,
) -> None:
    """Poll every due feed once."""
    settings = get_settings()
    with cli_errors(), _open_store(settings) as store, stop_on_interrupt(in_hand="the current feed") as stop:
        poller = build_poller(settings, store)
        try:
            report = poller.poll_due(stop=stop, threads=threads)
        finally:
            poller.fetcher.close()
    print_report(report)
    if report.storage_error is not None:
        raise typer.Exit(1)


@monitor_app.command("run")
def monitor_run(
    interval: Annotated[float, typer.Option("--interval", help="Seconds between passes.", min=1)] = 60.0,
    threads: Annotated[
        int,
        typer.Option(
            "--threads", min=1, max=32, help="Feeds of different hosts polled in parallel (one request per host)."
        ),
    ] = DEFAULT_POLL_THREADS,
) -> None:
    """Keep polling due feeds until SIGINT/SIGTERM (the current feed is finished cleanly)."""
    settings = get_settings()
    with cli_errors(), _open_store(settings) as store, stop_on_interrupt(in_hand="the current feed") as stop:
        poller = build_poller(settings, store)
        try:
            poller.run_forever(
                interval_s=interval,
                stop=stop,
                on_pass=print_report,
                on_error=lambda exc: typer.echo(f"storage failed, retrying next pass: {exc.message}", err=True),
                threads=threads,
            )
        finally:
            poller.fetcher.close()
    typer.echo("stopped")


# ---------------------------------------------------------------------- rescore / trends / import / export
def rescore_cmd(
    workers: WorkersOption = None,
    quiet: QuietOption = False,
    engine: EngineOption = Engine.LOCAL,
    scheduler: SchedulerOption = None,
) -> None:
    """Re-assess stored articles with the current model; earlier model versions' assessments are kept.

    The assessing runs on --workers processes (or a Dask cluster); reading and writing the store stay in this
    process. Ctrl-C stops after the articles in hand (exit status 130); run it again to continue."""
    from botrygt_nlp.cli.scale import analyzer_mapper
    from botrygt_nlp.monitor.rescore import rescore

    with cli_errors(), _open_store() as store, analyzer_mapper(workers, quiet, engine, scheduler) as run:
        report = rescore(
            store,
            None,
            run.model_version,
            mapper=run.map,
            on_progress=None
            if quiet or run.progress.enabled
            else lambda r: typer.echo(f"… {r.assessed} assessed", err=True),
        )
    for e in report.errors:
        typer.echo(f"article {e.line}: {e.error}", err=True)
    typer.echo(f"assessed {report.assessed} articles with {report.model_version}; {len(report.errors)} errors")
    if run.interrupted:
        typer.echo("interrupted: run `botrygt rescore` again to assess the rest", err=True)
        raise typer.Exit(INTERRUPTED_EXIT)


def trends_cmd(
    by: Annotated[str, typer.Option("--by", help="outlet | municipality | district | crime_type")] = "outlet",
    period: Annotated[str, typer.Option("--period", help="week | month | quarter")] = "month",
    since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD (inclusive)")] = None,
    until: Annotated[str | None, typer.Option("--until", help="YYYY-MM-DD (exclusive)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | csv | json")] = "table",
    model_version: Annotated[str | None, typer.Option("--model-version")] = None,
    corrected: Annotated[
        bool,
        typer.Option(
            "--corrected",
            help="Add the share corrected for the model's errors (needs labels: `botrygt validate`)",
        ),
    ] = False,
    error_rates: Annotated[
        str,
        typer.Option("--error-rates", help="pooled | outlet (an outlet's own labels where enough; with --by outlet)"),
    ] = "pooled",
) -> None:
    """Share of constructive coverage per group and period, with 95% Wilson intervals (and, with
    --corrected, the share corrected for the model's errors with an interval that includes the correction)."""
    from botrygt_nlp import trends

    if corrected:
        _corrected_trends(by, period, since, until, fmt, model_version, error_rates)
        return

    if fmt not in ("table", "csv", "json"):
        raise fail(f"--format must be table, csv or json, not {fmt!r}")
    try:
        group, per = trends.GroupBy(by), trends.Period(period)
    except ValueError as exc:
        raise fail(str(exc)) from None
    with cli_errors(), _open_store() as store:
        rows = trends.compute_trends(
            store, group, per, _when(since, "since"), _when(until, "until"), model_version=model_version
        )
    out = {"json": trends.rows_to_json, "csv": trends.rows_to_csv, "table": trends.rows_to_table}[fmt](rows)
    typer.echo(out.rstrip("\n"))


def _corrected_trends(
    by: str, period: str, since: str | None, until: str | None, fmt: str, model_version: str | None, scope: str
) -> None:
    from botrygt_nlp import trends, validation

    if fmt not in ("table", "csv", "json"):
        raise fail(f"--format must be table, csv or json, not {fmt!r}")
    try:
        group, per, rates = trends.GroupBy(by), trends.Period(period), validation.ErrorRateScope(scope)
    except ValueError as exc:
        raise fail(str(exc)) from None
    with cli_errors(), _open_store() as store:
        rows = validation.corrected_trends(
            store, group, per, _when(since, "since"), _when(until, "until"), model_version, error_rates=rates
        )
    out = {
        "json": validation.corrected_rows_to_json,
        "csv": validation.corrected_rows_to_csv,
        "table": validation.corrected_rows_to_table,
    }[fmt](rows)
    typer.echo(out.rstrip("\n"))


def import_cmd(
    path: Annotated[
        Path,
        typer.Argument(
            help="JSONL (or CSV) archive: id, url, outlet, published, title, text[, municipality]",
            exists=True,
            dir_okay=False,
        ),
    ],
    workers: WorkersOption = None,
    quiet: QuietOption = False,
) -> None:
    """Import a researcher's archive (JSONL, or CSV as `botrygt export` writes it); each article is assessed.

    Bad lines are reported by number and the rest imported; the exit status is 1 when any line was refused
    (2 when the whole file was: a binary file, a .docx)."""
    from botrygt_nlp.cli.scale import analyzer_mapper, count_lines
    from botrygt_nlp.monitor.archive import archive_format, import_file

    with cli_errors():
        archive_format(path)  # a binary file is refused before the database is opened
    total = count_lines(path) if not quiet else None
    with cli_errors(), _open_store() as store, analyzer_mapper(workers, quiet, Engine.LOCAL, None, total=total) as run:
        report = import_file(path, store, None, mapper=run.map)
    for e in report.errors:
        typer.echo(f"{path}:{e.line}: {e.error}", err=True)
    typer.echo(
        f"read {report.read} lines: {report.imported} imported, {report.duplicates} duplicates, "
        f"{len(report.errors)} refused"
    )
    if run.interrupted:
        typer.echo(
            f"interrupted after {report.read} lines: import again to continue (known lines are skipped)", err=True
        )
        raise typer.Exit(INTERRUPTED_EXIT)
    if report.errors:
        typer.echo(f"error: {len(report.errors)} lines of {path} were refused (listed above)", err=True)
        raise typer.Exit(1)


def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="csv | jsonl | parquet")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File (default: stdout)")] = None,
    model_version: Annotated[str | None, typer.Option("--model-version")] = None,
) -> None:
    """Export articles with their assessments (latest model version unless given)."""
    from botrygt_nlp.monitor.archive import ExportFormat, export_articles

    try:
        kind = ExportFormat(fmt)
    except ValueError:
        raise fail(f"--format must be csv, jsonl or parquet, not {fmt!r}") from None
    with cli_errors(), _open_store() as store:
        n = export_articles(store, kind, output if output is not None else sys.stdout, model_version=model_version)
    if output is not None:
        typer.echo(f"wrote {n} articles to {output}", err=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(feeds_app, name="feeds")
    app.add_typer(monitor_app, name="monitor")
    app.command("rescore")(rescore_cmd)
    app.command("trends")(trends_cmd)
    app.command("import")(import_cmd)
    app.command("export")(export_cmd)
