"""Beyond one machine: ``botrygt score --engine dask`` and ``botrygt rescore --engine dask`` on a Dask cluster.

Imported only on that path (``pip install 'botrygt-nlp[dask]'``). The cluster is ``--scheduler
tcp://HOST:PORT``, or a local cluster of ``--workers`` processes when no scheduler is given.

* Every worker loads the analyzer once: :class:`AnalyzerPlugin` loads it when the worker starts (and when a
  worker joins later), into the per-process cache that the tasks read.
* ``score``: each part of the folder (a JSONL or Parquet file) is one task. The worker reads the part, scores
  every record with the same functions as the local path (:func:`~botrygt_nlp.scoring.score_record`,
  :func:`~botrygt_nlp.batch.jsonl_line`) and writes ``part-NNNNN.parquet`` into the output folder, with the
  model version, flat columns for analysis, and the exact JSONL line the local path prints (``json``). The
  parts and the output folder must be reachable under the same path from every worker (a shared disk).
* ``rescore``: this process reads the store and writes the assessments (one writer); chunks of articles go
  to the workers in order through :class:`DaskMapper`, so any store works, PostgreSQL included.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from distributed import Client, Future, LocalCluster, WorkerPlugin, as_completed

from botrygt_nlp.batch import jsonl_line
from botrygt_nlp.errors import BotrygtError, InputError
from botrygt_nlp.parallel import Progress, progress_wanted, usable_cores
from botrygt_nlp.parts import iter_part, part_files
from botrygt_nlp.scoring import score_record

T = TypeVar("T")
R = TypeVar("R")

PLUGIN_NAME = "botrygt-analyzer"
CHUNK = 32  # articles per rescore task: a task costs the scheduler ~1 ms, a text ~4 ms


def _analyzer(model_dir: str | None) -> Any:
    from botrygt_nlp import load_analyzer

    return load_analyzer(Path(model_dir) if model_dir else None)  # cached: once per worker process


class AnalyzerPlugin(WorkerPlugin):
    """Loads the analyzer when a worker starts, so no task pays for it (and a bad model fails early)."""

    name = PLUGIN_NAME

    def __init__(self, model_dir: str | None) -> None:
        self.model_dir = model_dir

    def setup(self, worker: Any) -> None:
        _analyzer(self.model_dir)


@contextmanager
def dask_client(
    scheduler: str | None, workers: int | None, model_dir: Path | None, *, processes: bool = True
) -> Iterator[Client]:
    """A client of ``scheduler``, or of a loopback local cluster; the analyzer plugin is registered."""
    cluster: LocalCluster | None = None
    if scheduler:
        client = Client(scheduler)  # type: ignore[no-untyped-call]
    else:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers or usable_cores(),
            threads_per_worker=1,
            processes=processes,
            # Worker processes talk TCP on loopback only; threads in this process use the in-process transport.
            **({"host": "127.0.0.1"} if processes else {}),
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)  # type: ignore[no-untyped-call]
    try:
        client.register_plugin(AnalyzerPlugin(str(model_dir) if model_dir else None), name=PLUGIN_NAME)
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------------- score: parts → Parquet parts
@dataclass(slots=True)
class PartResult:
    part: str
    output: str | None
    texts: int = 0
    scored: int = 0
    failures: list[str] = field(default_factory=list)
    model_version: str = ""


@dataclass(slots=True)
class ScoreSummary:
    parts: int
    texts: int = 0
    scored: int = 0
    failures: list[str] = field(default_factory=list)
    model_version: str = ""
    outputs: list[str] = field(default_factory=list)


def _schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("source", pa.string()),
            ("line", pa.int64()),
            ("id", pa.string()),
            ("model_version", pa.string()),
            ("relevant", pa.bool_()),
            ("constructive", pa.bool_()),
            ("crime_type", pa.string()),
            ("score", pa.float64()),
            ("alarmist", pa.bool_()),
            ("witness_appeal", pa.bool_()),
            ("error_code", pa.string()),
            ("error", pa.string()),
            ("json", pa.string()),  # the exact line `botrygt score --format jsonl` prints for the record
        ]
    )


def score_part(part: str, output: str, model_dir: str | None, encoding: str | None) -> PartResult:
    """Score one part on a worker and write its Parquet result (atomically: a crash leaves no half file)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    analyzer = _analyzer(model_dir)
    result = PartResult(part, output, model_version=analyzer.model_version)
    rows: list[dict[str, Any]] = []
    try:
        for record in iter_part(Path(part), encoding):
            outcome = score_record(analyzer, record)
            a, err = outcome.assessment, outcome.error
            result.texts += 1
            if err is not None:
                where = f"{part}:{record.line}" if record.line is not None else part
                result.failures.append(f"{where}: {err.code}: {err.message}")
            else:
                result.scored += 1
            rows.append(
                {
                    "source": part,
                    "line": record.line,
                    "id": None if record.id is None else str(record.id),
                    "model_version": analyzer.model_version,
                    "relevant": a.relevant if a else None,
                    "constructive": a.constructive if a else None,
                    "crime_type": a.crime_type.value if a else None,
                    "score": a.score if a else None,
                    "alarmist": a.alarmist if a else None,
                    "witness_appeal": a.witness_appeal if a else None,
                    "error_code": err.code if err else None,
                    "error": err.message if err else None,
                    "json": jsonl_line(outcome).removesuffix("\n"),
                }
            )
    except BotrygtError as exc:  # the part itself is unreadable: said once, the other parts go on
        result.failures.append(f"{part}: {exc.code}: {exc.message}")
        result.output = None
        return result
    tmp = f"{output}.tmp-{os.getpid()}"
    pq.write_table(pa.Table.from_pylist(rows, schema=_schema()), tmp)
    os.replace(tmp, output)
    return result


def score_parts(
    folder: Path,
    output: Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    model_dir: Path | None = None,
    encoding: str | None = None,
    quiet: bool = False,
    processes: bool = True,
) -> ScoreSummary:
    """Score every part of ``folder`` on the cluster into ``output/part-NNNNN.parquet`` (part order)."""
    parts = part_files(folder)
    output.mkdir(parents=True, exist_ok=True)
    if not output.is_dir():
        raise InputError(f"{output} is not a folder")
    targets = [str((output / f"part-{i:05d}.parquet").resolve()) for i in range(len(parts))]
    summary = ScoreSummary(len(parts))
    results: dict[str, PartResult] = {}
    progress = Progress(len(parts), enabled=progress_wanted(quiet), stream=None)
    with dask_client(scheduler, workers, model_dir, processes=processes) as client:
        futures = client.map(
            score_part,
            [str(p.resolve()) for p in parts],
            targets,
            model_dir=str(model_dir) if model_dir else None,
            encoding=encoding,
            pure=False,
        )
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            done: PartResult = future.result()
            results[done.part] = done
            progress.advance()
    progress.clear()
    for p in parts:  # the summary in part order, whatever order the cluster finished in
        done = results[str(p.resolve())]
        summary.texts += done.texts
        summary.scored += done.scored
        summary.failures.extend(done.failures)
        summary.model_version = summary.model_version or done.model_version
        if done.output:
            summary.outputs.append(done.output)
    return summary


# ---------------------------------------------------------------------- rescore: an ordered mapper
def _run_chunk(fn: Callable[[Any, Any], Any], chunk: list[Any], model_dir: str | None) -> list[Any]:
    analyzer = _analyzer(model_dir)
    return [fn(analyzer, item) for item in chunk]


class DaskMapper:
    """``map(fn, items)``: ``fn(analyzer, item)`` on the cluster's workers, yielded in input order, with a
    bounded number of chunks in flight (an archive is streamed through, never held)."""

    def __init__(
        self,
        client: Client,
        model_dir: Path | None,
        *,
        chunk: int = CHUNK,
        stop: Any = None,
    ) -> None:
        self.client = client
        self.model_dir = str(model_dir) if model_dir else None
        self.chunk = max(1, chunk)
        self.stop = stop
        n = len(client.scheduler_info().get("workers", {})) or 1
        self.window = 4 * n

    def model_version(self) -> str:
        return str(self.client.submit(_model_version, self.model_dir, pure=False).result())

    def map(self, fn: Callable[[Any, T], R], items: Iterable[T]) -> Iterator[R]:
        it = iter(items)
        window: deque[Future[list[R]]] = deque()

        def submit() -> bool:
            chunk = list(islice(it, self.chunk))
            if not chunk:
                return False
            window.append(self.client.submit(_run_chunk, fn, chunk, self.model_dir, pure=False))
            return True

        more = True
        try:
            while more and len(window) < self.window and not self._stopped():
                more = submit()
            while window:
                results = window.popleft().result()
                if self._stopped():
                    return
                if more:
                    more = submit()
                yield from results
        finally:
            for f in window:
                f.cancel()  # type: ignore[no-untyped-call]

    def _stopped(self) -> bool:
        return self.stop is not None and self.stop.is_set()


def _model_version(model_dir: str | None) -> str:
    return str(_analyzer(model_dir).model_version)
