"""`--workers N`: the same bytes as one worker for score, the same store for import and rescore, a clean
Ctrl-C, and a progress bar only for a person at a terminal."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from botrygt_nlp.cli import app
from botrygt_nlp.config import get_settings
from botrygt_nlp.monitor.archive import ExportFormat, export_articles, import_jsonl
from botrygt_nlp.monitor.rescore import rescore
from botrygt_nlp.parallel import AnalyzerPool, Progress, progress_wanted, usable_cores
from botrygt_nlp.storage import Store
from tests.monitor_poll.fakes import FakeAnalyzer

ROOT = Path(__file__).resolve().parent.parent
BOTRYGT = [sys.executable, "-c", "from botrygt_nlp.cli import main; main()"]
TEXTS = [
    "Natten til tirsdag var der indbrud i en villa på Egevej i Viborg. Tyvene kom ind ad et vindue. "
    "Husk at låse dine vinduer og døre, og sæt lys med sensor op. Politiet efterlyser vidner på 114.",
    "Der blev stjålet en ladcykel fra en carport i Aarhus natten til fredag.",
    "En ældre kvinde i Odense blev snydt af en falsk håndværker, der stjal hendes smykker. "
    "Luk aldrig fremmede ind, og ring 114, hvis du er i tvivl.",
    "Byrådet i Vejle har vedtaget et nyt budget for skoler og veje.",
    "Tyve stjal værktøj for 40.000 kroner fra en varebil i Esbjerg. Tøm bilen for værktøj om natten.",
]


def _archive_lines(n: int = 50) -> list[str]:
    """``n`` records with bad lines among them: broken JSON, no text, empty text, English."""
    lines: list[str] = []
    for i in range(n):
        if i % 9 == 4:
            lines.append(f'{{"id": "broken{i}", "text": "unterminated')
        elif i % 11 == 6:
            lines.append(json.dumps({"id": i}))
        elif i % 13 == 8:
            lines.append(json.dumps({"id": i, "text": "   "}))
        elif i % 17 == 3:
            lines.append(json.dumps({"id": i, "text": "The police are looking for witnesses after a burglary."}))
        else:
            text = f"{TEXTS[i % len(TEXTS)]} Sag nummer {i}."
            lines.append(json.dumps({"id": i, "text": text, "title": f"Sag {i}"}, ensure_ascii=False))
        if i == 20:
            lines.append("")  # a blank line is skipped, and the numbers after it stay right
    return lines


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(_archive_lines()) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "text", "json"])
def test_score_output_is_byte_identical_with_one_and_two_workers(archive: Path, fmt: str) -> None:
    runner = CliRunner()
    one = runner.invoke(app, ["score", str(archive), "--format", fmt, "--workers", "1"])
    two = runner.invoke(app, ["score", str(archive), "--format", fmt, "--workers", "2"])
    assert one.exit_code == two.exit_code == 1  # bad lines make the run fail, the rest is scored
    assert one.stdout == two.stdout
    assert one.stderr == two.stderr
    if fmt == "jsonl":
        out = [json.loads(line) for line in two.stdout.splitlines()]
        assert len(out) == 50
        broken = [o for o in out if str(o["id"]).startswith("broken")]
        assert broken and all(o["error"]["code"] == "malformed_record" for o in broken)
        # Line numbers as in the file (the blank line after record 20 counts).
        assert [o["error"]["line"] for o in broken] == [5, 14, 24, 33, 42, 51][: len(broken)]
        assert any(o.get("error", {}).get("code") == "not_danish" for o in out)


def _double(_analyzer: object, item: int) -> int:
    return 2 * item


def _fake_factory() -> FakeAnalyzer:
    return FakeAnalyzer()


def test_pool_keeps_input_order_and_runs_small_inputs_in_process() -> None:
    with AnalyzerPool(2, _fake_factory, chunk=3) as pool:
        assert list(pool.map(_double, range(100))) == [2 * i for i in range(100)]
        assert list(pool.map(_double, range(5))) == [0, 2, 4, 6, 8]
    with AnalyzerPool(2, _fake_factory) as small:
        assert list(small.map(_double, range(3))) == [0, 2, 4]
        assert small._executor is None  # three items: no processes were started


def test_pool_stops_cleanly_on_the_stop_flag() -> None:
    stop = threading.Event()
    got: list[int] = []
    with AnalyzerPool(2, _fake_factory, chunk=2, stop=stop) as pool:
        for value in pool.map(_double, range(10_000)):
            got.append(value)
            if len(got) == 7:
                stop.set()
    assert 7 <= len(got) < 10_000
    assert got == [2 * i for i in range(len(got))]  # a prefix, in order: nothing skipped, nothing half done


def test_worker_memory_is_measured_per_worker() -> None:
    with AnalyzerPool(2, _fake_factory) as pool:
        rss = pool.worker_rss()
    assert 1 <= len(rss) <= 2 and all(v > 0 for v in rss.values())
    assert usable_cores() >= 1


def test_progress_bar_only_on_a_terminal_and_never_with_quiet() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert not progress_wanted(False, stderr=io.StringIO(), stdout=io.StringIO())  # piped or captured
    assert not progress_wanted(True, stderr=Tty(), stdout=Tty())  # --quiet
    with open(os.devnull, "w") as devnull:  # output into a file, stderr a terminal: the bar is shown
        assert progress_wanted(False, stderr=Tty(), stdout=devnull)
    r, w = os.pipe()
    with os.fdopen(r) as rf, os.fdopen(w, "w") as wf:  # output piped into another program: no bar
        assert not progress_wanted(False, stderr=Tty(), stdout=wf)
        assert rf.readable()

    stream = io.StringIO()
    clock = iter([0.0, 1.0, 2.0, 3.0]).__next__
    bar = Progress(10, enabled=True, stream=stream, every_s=0.0, clock=clock)
    bar.advance(4)  # at 1.0 s: 4 texts/s, 6 left → 2 s
    assert "4/10 texts" in stream.getvalue() and "4/s" in stream.getvalue() and "0:02 left" in stream.getvalue()
    bar.clear()
    assert stream.getvalue().endswith("\r\x1b[K")
    silent = io.StringIO()
    off = Progress(10, enabled=False, stream=silent)
    off.advance(10)
    off.clear()
    assert silent.getvalue() == "" and off.done == 10


def test_score_without_a_terminal_writes_no_progress(archive: Path) -> None:
    result = subprocess.run(
        [*BOTRYGT, "score", str(archive), "-f", "jsonl", "-w", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "\r" not in result.stderr and "texts/s" not in result.stderr and "/s ·" not in result.stderr
    assert len(result.stdout.splitlines()) == 50


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_with_only_whole_lines(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    big.write_text(
        "\n".join(json.dumps({"id": i, "text": TEXTS[i % 5] + f" Sag {i}."}, ensure_ascii=False) for i in range(20_000))
        + "\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [*BOTRYGT, "score", str(big), "-f", "jsonl", "-w", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()  # scoring has started
    assert first
    proc.send_signal(signal.SIGINT)
    # Read through the same buffered reader: communicate() reads the pipe's descriptor directly and would miss
    # lines that readline() has already pulled into the reader's buffer.
    rest = proc.stdout.read()
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.wait(timeout=300)
    lines = (first + rest).decode("utf-8").splitlines(keepends=True)
    assert proc.returncode == 130, err
    assert 1 <= len(lines) < 20_000
    assert all(line.endswith("\n") for line in lines)
    assert [json.loads(line)["id"] for line in lines] == list(range(len(lines)))  # whole, in order, no gaps
    assert b"interrupted after" in err and b"Traceback" not in err


# ---------------------------------------------------------------------- import and rescore
def _import_record(i: int) -> str:
    if i % 10 == 3:
        return f'{{"id": {i}, "url": "https://arkiv.example/{i}", "text": '  # broken
    if i % 10 == 7:
        return json.dumps({"id": i, "url": f"https://arkiv.example/{i}", "outlet": "Arkiv", "title": "x"})
    return json.dumps(
        {
            "id": i,
            "url": f"https://arkiv.example/{i}",
            "outlet": "Arkiv",
            "published": "2025-03-02",
            "title": f"Sag {i}",
            "text": f"{TEXTS[i % len(TEXTS)]} Sag nummer {i}.",
        },
        ensure_ascii=False,
    )


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.delenv("BOTRYGT_DATABASE_URL", raising=False)
    yield tmp_path
    get_settings.cache_clear()


def _export(store: Store, model_version: str | None = None) -> list[dict[str, object]]:
    buf = io.StringIO()
    export_articles(store, ExportFormat.JSONL, buf, model_version=model_version)
    rows = [json.loads(line) for line in buf.getvalue().splitlines()]
    for r in rows:
        r.pop("fetched_at")  # the time of the import itself
    return rows


def test_import_with_two_workers_stores_what_one_worker_stores(cli_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = cli_env / "arkiv.jsonl"
    archive.write_text("\n".join(_import_record(i) for i in range(1, 61)) + "\n", encoding="utf-8")
    results = []
    for workers in ("1", "2"):
        data = cli_env / f"data{workers}"
        monkeypatch.setenv("BOTRYGT_DATA_DIR", str(data))
        get_settings.cache_clear()
        r = CliRunner().invoke(app, ["import", str(archive), "--workers", workers])
        with Store.from_settings(get_settings()) as store:
            results.append((r.exit_code, r.stdout, r.stderr, _export(store)))
    (code1, out1, err1, rows1), (code2, out2, err2, rows2) = results
    assert code1 == code2 == 1
    assert out1 == out2 and "read 60 lines: 48 imported, 0 duplicates, 12 refused" in out1
    assert err1 == err2 and f"{archive}:3: malformed_record" in err1 and f"{archive}:57:" in err1
    assert rows1 == rows2 and len(rows1) == 48


def test_rescore_with_two_workers_equals_one(tmp_path: Path) -> None:
    from botrygt_nlp import load_analyzer

    lines = [_import_record(i) for i in range(1, 41) if i % 10 not in (3, 7)]
    stores = []
    for name in ("one", "two"):
        store = Store.open(f"sqlite:///{tmp_path / name}.sqlite3")
        report = import_jsonl(lines, store, FakeAnalyzer())  # stored with an older "model"
        assert report.imported == 32
        stores.append(store)
    version = load_analyzer().model_version
    outputs = []
    for store, workers in zip(stores, (1, 2), strict=True):
        with AnalyzerPool(workers, load_analyzer) as pool:
            report = rescore(store, None, version, batch=7, mapper=pool.map)
        assert report.assessed == 32 and not report.errors
        outputs.append(_export(store, version))
        store.close()
    assert outputs[0] == outputs[1]
    assert {r["model_version"] for r in outputs[0]} == {version}


def test_model_sums_do_not_depend_on_the_order_of_features() -> None:
    """Feature order follows string-set order, which differs per process: the sums must not (or one worker
    prints 0.983 where another prints 0.9831)."""
    from botrygt_nlp import load_analyzer

    model = load_analyzer().bundle.constructive
    feats = list(model.vocab)[:40]
    assert model.indices(feats) == model.indices(reversed(feats)) == sorted(model.indices(feats))
    assert model.positive(feats) == model.positive(list(reversed(feats)))
