"""The options and the running of ``--workers`` / ``--engine`` for ``botrygt import`` and ``botrygt rescore``.

:func:`analyzer_mapper` gives a :class:`Run`: a ``map(fn, items)`` that sends the assessing to worker
processes (or a Dask cluster) in input order, a progress bar and the Ctrl-C flag. The command itself keeps
reading the input and writing the store, in this one process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from botrygt_nlp.errors import InputError
from botrygt_nlp.parallel import AnalyzerPool, Engine, Progress, progress_wanted, stop_on_interrupt, usable_cores

T = TypeVar("T")
R = TypeVar("R")

WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", "-w", min=1, help="Worker processes (default: every usable core; 1: no pool)."),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
EngineOption = Annotated[
    Engine, typer.Option(help="local (this machine's cores) or dask (a cluster; needs the [dask] extra).")
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(help="Dask scheduler address, tcp://HOST:PORT (default: a local cluster of --workers)."),
]


@dataclass(slots=True)
class Run:
    mapper: Callable[[Callable[[Any, Any], Any], Iterable[Any]], Iterator[Any]]
    model_version: str
    progress: Progress
    stop: Any

    def map(self, fn: Callable[[Any, T], R], items: Iterable[T]) -> Iterator[R]:
        for result in self.mapper(fn, items):
            self.progress.advance()
            yield result

    @property
    def interrupted(self) -> bool:
        return bool(self.stop.is_set())


def model_version(model_dir: Path | None = None) -> str:
    """The configured model's version, read from its meta.json (the model itself is loaded by the workers)."""
    from botrygt_nlp.classify.model import ModelMeta
    from botrygt_nlp.config import get_settings

    return ModelMeta.read(model_dir or get_settings().model_dir).version


@contextmanager
def analyzer_mapper(
    workers: int | None,
    quiet: bool,
    engine: Engine,
    scheduler: str | None,
    *,
    total: int | None = None,
    model_dir: Path | None = None,
) -> Iterator[Run]:
    if scheduler is not None and engine is not Engine.DASK:
        raise InputError("--scheduler belongs to --engine dask")
    with stop_on_interrupt() as stop:
        progress = Progress(total, enabled=progress_wanted(quiet))
        try:
            if engine is Engine.DASK:
                try:
                    from botrygt_nlp.dask_engine import DaskMapper, dask_client
                except ImportError as exc:
                    raise InputError(
                        f"--engine dask needs the dask extra (pip install 'botrygt-nlp[dask]'): {exc}"
                    ) from None
                with dask_client(scheduler, workers, model_dir) as client:
                    dm = DaskMapper(client, model_dir, stop=stop)
                    yield Run(dm.map, dm.model_version(), progress, stop)
            else:
                from botrygt_nlp import load_analyzer

                n = workers or usable_cores()
                with AnalyzerPool(n, partial(load_analyzer, model_dir), stop=stop) as pool:
                    yield Run(pool.map, model_version(model_dir), progress, stop)
        finally:
            progress.clear()


def count_lines(path: Path) -> int:
    """Newlines in a file, counted in blocks (for the time left; CSV records with line breaks count more)."""
    n = 0
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            n += block.count(b"\n")
    return n
