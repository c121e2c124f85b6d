"""`botrygt validate sample|import|report`: a validation sample for people to label, their labels, and the
model's accuracy on the user's own press with the error-corrected share (thin over botrygt_nlp.validation)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from botrygt_nlp.cli.failure import cli_errors, fail
from botrygt_nlp.cli.monitor_cmds import _open_store, _when

validate_app = typer.Typer(
    help="Validation sample: draw articles to label, import the labels, and report the model's accuracy.",
    no_args_is_help=True,
)


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@validate_app.command("sample")
def sample_cmd(
    size: Annotated[int, typer.Option("--size", help="How many articles to draw")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed (the same seed draws the same sample)")] = 1,
    stratify: Annotated[str, typer.Option("--stratify", help="outlet | none")] = "outlet",
    since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD (inclusive)")] = None,
    until: Annotated[str | None, typer.Option("--until", help="YYYY-MM-DD (exclusive)")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="JSONL file (default: stdout)")] = None,
) -> None:
    """Draw a reproducible random sample of ALL stored articles in the range (not only those the model calls
    relevant) and write one JSONL line per article for a person to label (no model verdict in it)."""
    from botrygt_nlp.storage.validation import Stratify
    from botrygt_nlp.validation import create_sample, sample_lines

    try:
        strat = Stratify(stratify)
    except ValueError:
        raise fail(f"--stratify must be outlet or none, not {stratify!r}") from None
    with cli_errors(), _open_store() as store:
        sample_id, sample = create_sample(
            store, size=size, seed=seed, stratify=strat, since=_when(since, "since"), until=_when(until, "until")
        )
        lines = [json.dumps(d, ensure_ascii=False) for d in sample_lines(store, sample.items)]
    body = "".join(line + "\n" for line in lines)
    if output is None:
        sys.stdout.write(body)
    else:
        try:
            output.write_text(body, encoding="utf-8")
        except OSError as exc:
            raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    strata = len(sample.design["strata"])
    typer.echo(
        f"sample {sample_id}: drew {len(sample.items)} of {sample.population} articles "
        f"({strat.value} strata: {strata}; seed {seed}; model {sample.model_version or '-'})"
        + (f"; wrote {output}" if output else ""),
        err=True,
    )
    if len(sample.items) < size:
        typer.echo(f"note: only {sample.population} articles in the range, fewer than --size {size}", err=True)


@validate_app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="JSONL: article_id, relevant, constructive[, crime_type, annotator]")],
) -> None:
    """Import labels for sampled articles. Bad lines are reported by number; good lines are kept; the exit
    status is 1 when any line was refused."""
    from botrygt_nlp.monitor.archive import read_lines
    from botrygt_nlp.validation import import_labels

    if not path.is_file():
        raise fail(f"{path}: no such file")
    with cli_errors(), _open_store() as store:
        report = import_labels(store, enumerate(read_lines(path), start=1))
    for e in report.errors:
        typer.echo(f"{path}:{e.line}: {e.error}", err=True)
    typer.echo(f"read {report.read} lines: {report.imported} labels imported, {len(report.errors)} refused")
    if report.errors:
        raise typer.Exit(1)


@validate_app.command("report")
def report_cmd(
    fmt: Annotated[str, typer.Option("--format", help="text | json")] = "text",
    model_version: Annotated[str | None, typer.Option("--model-version")] = None,
) -> None:
    """The model's precision, recall and F1 on the labelled sample (95 % intervals), the confusion table and
    the constructive share corrected for the model's errors over the sampled range."""
    from botrygt_nlp.validation import report_text, validation_report

    try:
        kind = ReportFormat(fmt)
    except ValueError:
        raise fail(f"--format must be text or json, not {fmt!r}") from None
    with cli_errors(), _open_store() as store:
        report = validation_report(store, model_version=model_version)
    if kind is ReportFormat.JSON:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return
    typer.echo(report_text(report))


def register(app: typer.Typer) -> None:
    app.add_typer(validate_app, name="validate")
