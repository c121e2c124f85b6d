"""`--engine dask` on a 2-worker LocalCluster (loopback): the Parquet parts hold exactly what the local path
prints, failures are summarised, and rescore through the cluster stores what the local pool stores."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("distributed", reason="the [dask] extra is not installed")

import pyarrow as pa
import pyarrow.parquet as pq

from botrygt_nlp import load_analyzer
from botrygt_nlp.cli import app
from botrygt_nlp.dask_engine import DaskMapper, dask_client, score_parts
from botrygt_nlp.monitor.archive import ExportFormat, export_articles, import_jsonl
from botrygt_nlp.monitor.rescore import rescore
from botrygt_nlp.parallel import AnalyzerPool
from botrygt_nlp.storage import Store
from tests.monitor_poll.fakes import FakeAnalyzer
from tests.test_parallel import TEXTS, _archive_lines, _import_record


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parts")
    lines = _archive_lines(40)
    (folder / "a.jsonl").write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    (folder / "b.jsonl").write_text("\n".join(lines[20:]) + "\n", encoding="utf-8")
    rows = [{"id": f"p{i}", "text": f"{TEXTS[i % len(TEXTS)]} Række {i}.", "title": None} for i in range(12)]
    rows[5]["text"] = None  # a bad row, reported by its number
    pq.write_table(pa.Table.from_pylist(rows), folder / "c.parquet")
    (folder / "notes.txt").write_text("not a part", encoding="utf-8")
    return folder


def _local_lines(part: Path) -> list[str]:
    result = CliRunner().invoke(app, ["score", str(part), "--format", "jsonl", "--workers", "1"])
    assert result.exit_code in (0, 1), result.output
    return result.stdout.splitlines()


def test_dask_parts_equal_the_local_path(parts: Path, tmp_path: Path) -> None:
    out = tmp_path / "scored"
    summary = score_parts(parts.resolve(), out, workers=2, quiet=True, processes=False)
    version = load_analyzer().model_version
    assert summary.parts == 3 and summary.model_version == version
    assert summary.outputs == [str((out / f"part-{i:05d}.parquet").resolve()) for i in range(3)]
    for part, output in zip(sorted(p for p in parts.iterdir() if p.suffix != ".txt"), summary.outputs, strict=True):
        table = pq.read_table(output).to_pylist()
        assert [r["json"] for r in table] == _local_lines(part.resolve())
        assert {r["model_version"] for r in table} == {version}
        assert all((r["error_code"] is None) == (r["crime_type"] is not None) for r in table)
    assert summary.texts == 40 + 12 and summary.scored + len(summary.failures) == summary.texts
    assert any("c.parquet:6: malformed_record" in f for f in summary.failures)
    assert any("a.jsonl:5: malformed_record" in f for f in summary.failures)


def test_rescore_on_the_cluster_equals_the_local_pool(tmp_path: Path) -> None:
    lines = [_import_record(i) for i in range(1, 31) if i % 10 not in (3, 7)]
    version = load_analyzer().model_version
    rows = []
    with dask_client(None, 2, None, processes=False) as client:
        mapper = DaskMapper(client, None, chunk=5)
        assert mapper.model_version() == version
        for name in ("local", "dask"):
            store = Store.open(f"sqlite:///{tmp_path / name}.sqlite3")
            import_jsonl(lines, store, FakeAnalyzer())
            if name == "local":
                with AnalyzerPool(1, load_analyzer) as pool:
                    report = rescore(store, None, version, mapper=pool.map)
            else:
                report = rescore(store, None, version, batch=4, mapper=mapper.map)
            assert report.assessed == 24 and not report.errors
            buf = io.StringIO()
            export_articles(store, ExportFormat.JSONL, buf, model_version=version)
            rows.append(
                [{k: v for k, v in json.loads(x).items() if k != "fetched_at"} for x in buf.getvalue().splitlines()]
            )
            store.close()
    assert rows[0] == rows[1]


def test_cli_dask_needs_an_output_folder(parts: Path) -> None:
    result = CliRunner().invoke(app, ["score", str(parts), "--engine", "dask"])
    assert result.exit_code == 2 and "--output" in result.stderr
