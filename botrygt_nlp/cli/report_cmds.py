"""`botrygt report parse`, `botrygt rewrite`, `botrygt templates check|list`: thin edges over
:mod:`botrygt_nlp.reports` and :mod:`botrygt_nlp.rewrite`.

Reports are read and written as bytes so CRLF line endings, a BOM and non-breaking spaces survive untouched;
a Windows-1252 or Latin-1 report (``--encoding``, or declared by an HTML page) is written back in its encoding.
"""

from __future__ import annotations

import difflib
import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from botrygt_nlp import get_analyzer
from botrygt_nlp.cli.failure import fail
from botrygt_nlp.config import get_settings
from botrygt_nlp.errors import BotrygtError, EncodingError, TextTooLargeError
from botrygt_nlp.reports import DecodedReport, Report, ReportFormat, detect_format, parse_report, read_report
from botrygt_nlp.rewrite import (
    RewriteOptions,
    RewriteResult,
    Style,
    check_templates,
    get_store,
    list_templates,
    rewrite_report,
)


class ParseOutput(StrEnum):
    TEXT = "text"
    JSON = "json"


class InputFormat(StrEnum):
    AUTO = "auto"
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


def _read(path: str, encoding: str | None = None) -> tuple[DecodedReport, str | None]:
    limit = get_settings().max_file_bytes
    if path == "-":
        data = sys.stdin.buffer.read(limit + 1)
        name = None
    else:
        p = Path(path)
        if p.is_dir():
            raise fail(f"{path} is a directory; give one report file (or - for stdin).")
        if not p.is_file():
            raise fail(f"{path}: no such file")
        if p.stat().st_size > limit:
            raise fail(TextTooLargeError(f"{path} is larger than {limit:,} bytes."))
        data = p.read_bytes()
        name = p.name
    if len(data) > limit:
        raise fail(f"{path} is larger than {limit:,} bytes.")
    try:
        return read_report(data, encoding), name
    except EncodingError as exc:
        if exc.decodes_as is None:
            raise
        raise fail(
            f"{exc.message} It decodes as {exc.decodes_as}: pass --encoding {exc.decodes_as} (the output keeps that "
            "encoding)."
        ) from exc


def _fmt(text: str, name: str | None, fmt: InputFormat) -> ReportFormat:
    return detect_format(text, name) if fmt is InputFormat.AUTO else ReportFormat(fmt.value)


def _warn_no_incidents(path: str, fmt: ReportFormat, format_option: str) -> None:
    """Say so on stderr when a report holds no incident: an empty file, or one read in the wrong format."""
    typer.echo(f"note: {path} holds no incident read as {fmt.value} (empty, or try another {format_option}).", err=True)


def _write(text: str | bytes) -> None:
    sys.stdout.buffer.write(text.encode("utf-8") if isinstance(text, str) else text)
    sys.stdout.buffer.flush()


_ENCODING_HELP = "Read the report in this encoding (e.g. cp1252) instead of UTF-8; the output keeps it."


def render_parse_text(report: Report) -> str:
    h = report.header
    lines = [
        f"Format: {report.fmt.value}",
        f"Politikreds: {h.district or '-'}",
        f"Periode: {h.period or '-'}",
        f"Dato: {h.date.isoformat() if h.date else '-'}",
        f"Hændelser: {len(report.incidents)}",
        "",
    ]
    for inc in report.incidents:
        a = inc.assessment
        verdict = "-"
        if a is not None:
            verdict = (
                "ikke relevant"
                if not a.relevant
                else ("konstruktiv" if a.constructive else "mangler råd") + f" ({a.score:.2f})"
            )
        ct = inc.crime_type.value if inc.crime_type else "-"
        lines.append(f"{inc.index + 1:>3}. [{inc.start}:{inc.end}] {inc.title or '(uden overskrift)'}")
        lines.append(f"     {ct} · {verdict}{' · har råd-blok' if inc.has_advice_block else ''}")
    return "\n".join(lines) + "\n"


def _diff(result: RewriteResult) -> str:
    diff = difflib.unified_diff(
        result.original.splitlines(keepends=True),
        result.text.splitlines(keepends=True),
        fromfile="original",
        tofile="omskrevet",
    )
    return "".join(diff)


def register(app: typer.Typer) -> None:
    """Add `report parse`, `rewrite` and `templates check|list` to ``app``."""
    report_app = typer.Typer(help="Døgnrapporter: split into incidents and assess each one.", no_args_is_help=True)
    templates_app = typer.Typer(help="Advice templates: validate and list.", no_args_is_help=True)
    app.add_typer(report_app, name="report")
    app.add_typer(templates_app, name="templates")

    @report_app.command("parse")
    def parse_cmd(
        path: Annotated[str, typer.Argument(help="Report file (text, Markdown or HTML), or - for stdin.")],
        output: Annotated[ParseOutput, typer.Option("--format", help="Output format.")] = ParseOutput.TEXT,
        input_format: Annotated[
            InputFormat, typer.Option("--input-format", help="Report format; detected when auto.")
        ] = InputFormat.AUTO,
        encoding: Annotated[str | None, typer.Option(help=_ENCODING_HELP)] = None,
    ) -> None:
        """Split a daily report into incidents with offsets, crime type and assessment."""
        try:
            decoded, name = _read(path, encoding)
            text = decoded.text
            report = parse_report(text, _fmt(text, name, input_format), get_analyzer())
        except BotrygtError as exc:
            raise fail(exc) from exc
        if not report.incidents:
            _warn_no_incidents(path, report.fmt, "--input-format")
        if output is ParseOutput.JSON:
            _write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n")
        else:
            _write(render_parse_text(report))

    @app.command("rewrite")
    def rewrite_cmd(
        path: Annotated[str, typer.Argument(help="Report file (text, Markdown or HTML), or - for stdin.")],
        fmt: Annotated[
            InputFormat, typer.Option("--format", help="The report's format (kept in the output).")
        ] = InputFormat.AUTO,
        style: Annotated[Style, typer.Option("--style", help="full: five points; short: one paragraph.")] = (
            Style.FULL
        ),
        day: Annotated[
            str | None, typer.Option("--date", help="Report date YYYY-MM-DD (picks seasonal advice).")
        ] = None,
        diff: Annotated[bool, typer.Option("--diff", help="Show only what was inserted, as a diff.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the change report as JSON.")] = False,
        verify: Annotated[
            bool, typer.Option("--verify", help="Re-assess rewritten incidents (reported in --json).")
        ] = False,
        encoding: Annotated[str | None, typer.Option(help=_ENCODING_HELP)] = None,
        markers: Annotated[
            bool,
            typer.Option(
                "--markers/--no-markers",
                help="--no-markers: ready to publish, without the [botrygt:advice …] lines and comments (also "
                "those of blocks already there). A rerun still sees the advice; --json's offsets undo it.",
            ),
        ] = True,
    ) -> None:
        """Append five-point prevention advice under each relevant incident that lacks it."""
        try:
            report_date = date.fromisoformat(day) if day else None
        except ValueError as exc:
            raise fail(f"--date must be YYYY-MM-DD, not {day!r}") from exc
        settings = get_settings()
        try:
            decoded, name = _read(path, encoding)
            text = decoded.text
            options = RewriteOptions(
                style=style,
                report_date=report_date,
                fmt=_fmt(text, name, fmt),
                templates_dir=settings.templates_dir,
                override_dir=settings.template_override_dir,
                verify=verify,
                markers=markers,
            )
            result = rewrite_report(text, options, get_analyzer())
        except BotrygtError as exc:
            raise fail(exc) from exc
        if not result.report.incidents:
            _warn_no_incidents(path, result.report.fmt, "--format")
        if as_json:
            _write(json.dumps(result.changes.to_json(), ensure_ascii=False, indent=2) + "\n")
        elif diff:
            _write(_diff(result))
        else:
            _write(decoded.encode(result.text, result.report.fmt))

    @templates_app.command("check")
    def templates_check_cmd(
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable result.")] = False,
    ) -> None:
        """Validate every advice template (renders, five points, length, Danish, no placeholders)."""
        settings = get_settings()
        try:
            results = check_templates(get_store(settings.templates_dir, settings.template_override_dir))
        except BotrygtError as exc:
            raise fail(exc) from exc
        if as_json:
            _write(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2) + "\n")
        else:
            for r in results:
                _write(f"{'OK  ' if r.ok else 'FEJL'} {r.template_id}\n")
                for p in r.problems:
                    _write(f"     - {p}\n")
        if not all(r.ok for r in results):
            raise typer.Exit(1)

    @templates_app.command("list")
    def templates_list_cmd(
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable list.")] = False,
    ) -> None:
        """List the advice templates in use (built-in and the district's overrides)."""
        settings = get_settings()
        store = get_store(settings.templates_dir, settings.template_override_dir)
        rows = list_templates(store)
        if as_json:
            data = [
                {
                    "template": t.template_id,
                    "crime_type": t.crime_type.value,
                    "season": t.season.value,
                    "version": t.version,
                    "source": t.source.value,
                    "path": str(t.path),
                    "topic": t.topic.value,
                    "in_use": store.is_current(t),
                }
                for t in rows
            ]
            _write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            return
        for t in rows:
            used = "*" if store.is_current(t) else " "
            _write(f"{used} {t.template_id:<32} {t.crime_type.value:<22} {t.season.value:<10} {t.source.value}\n")
