"""The monitor's CLI edges end to end on SQLite, with the real fetcher against a loopback site."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from botrygt_nlp.config import get_settings
from botrygt_nlp.demo import build_demo_site
from botrygt_nlp.trends import FIELDS


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("BOTRYGT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BOTRYGT_DATABASE_URL", raising=False)
    monkeypatch.setenv("BOTRYGT_FETCH_ALLOW_HOSTS", "127.0.0.1")
    monkeypatch.setenv("BOTRYGT_FETCH_MIN_HOST_DELAY_S", "0")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    from botrygt_nlp.cli import app

    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


@pytest.mark.integration
def test_feeds_poll_trends_import_export(cli: CliRunner, tmp_path: Path) -> None:
    code, _, err = _invoke(cli, "feeds", "add", "https://x.example/rss", "--outlet", "X", "-m", "Atlantis")
    assert code == 2 and "Unknown municipality 'Atlantis'" in err
    demo = build_demo_site()
    try:
        lst = tmp_path / "feeds.toml"
        lst.write_text(
            "".join(
                f'[[feeds]]\nurl = "{f.url}"\noutlet = "{f.outlet}"\n'
                f"municipalities = {json.dumps(list(f.municipalities))}\n"
                for f in demo.feeds
            )
        )
        code, out, _ = _invoke(cli, "feeds", "import", str(lst))
        assert code == 0 and "added 3 feeds" in out
        code, out, _ = _invoke(cli, "feeds", "add", demo.feeds[0].url, "--outlet", "dup")
        assert code == 2
        code, out, err = _invoke(cli, "monitor", "poll", "--once")
        assert code == 0, err
        assert "12 new articles, 0 failed" in out
        code, out, _ = _invoke(cli, "monitor", "poll", "--once")
        assert "polled 0 feeds" in out  # not due again yet
    finally:
        demo.site.stop()
    code, out, _ = _invoke(cli, "feeds", "list")
    assert code == 0 and out.count("[active]") == 3

    code, out, _ = _invoke(cli, "trends", "--by", "district", "--period", "month", "--format", "json")
    rows = json.loads(out)
    assert {r["group"] for r in rows} == {"Fyns Politi", "Københavns Vestegns Politi", "Nordjyllands Politi"}
    assert all(set(r) == set(FIELDS) for r in rows)
    assert {r["period"] for r in rows} == {"2026-08-01", "2026-09-01"}  # the samples span two months
    assert sum(r["articles"] for r in rows) == 12
    code, out, _ = _invoke(cli, "trends", "--by", "outlet", "--format", "csv", "--since", "2026-09-10")
    assert out.splitlines()[0] == ",".join(FIELDS)
    code, _, err = _invoke(cli, "trends", "--by", "planet")
    assert code == 2

    archive = tmp_path / "archive.jsonl"
    archive.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "id": "r1",
                        "url": "https://arkiv.example/1",
                        "outlet": "Arkiv",
                        "published": "2025-03-02",
                        "title": "Indbrud i Aarhus",
                        "text": "Indbrud i nat. Husk at låse døren.",
                        "municipality": "Århus",
                    }
                ),
                "{not json",
                json.dumps({"id": "r3", "url": "https://arkiv.example/3", "outlet": "Arkiv", "title": "Uden tekst"}),
                json.dumps(
                    {
                        "id": "r4",
                        "url": "https://arkiv.example/4",
                        "outlet": "Arkiv",
                        "published": "2025-03-03",
                        "title": "Tyveri",
                        "text": "Cykel stjålet.",
                        "municipality": "Narnia",
                    }
                ),
            ]
        )
        + "\n"
    )
    code, out, err = _invoke(cli, "import", str(archive))
    assert code == 1 and "1 imported, 0 duplicates, 3 refused" in out  # refused lines fail the import
    assert f"{archive}:2: malformed_record" in err and f"{archive}:3:" in err and f"{archive}:4: unknown_place" in err

    code, out, _ = _invoke(cli, "export", "--format", "jsonl")
    exported = [json.loads(line) for line in out.splitlines()]
    assert len(exported) == 13 and all(r["model_version"] for r in exported)
    assert [r["district"] for r in exported if r["outlet"] == "Arkiv"] == ["Østjyllands Politi"]
    pq_path = tmp_path / "out.parquet"
    code, _, _ = _invoke(cli, "export", "--format", "parquet", "--output", str(pq_path))
    assert code == 0 and pq.read_table(pq_path).num_rows == 13
    code, out, _ = _invoke(cli, "export", "--format", "csv")
    assert len(out.splitlines()) >= 14

    code, out, _ = _invoke(cli, "rescore")
    assert code == 0 and "assessed 0 articles" in out  # already assessed by the current model
    code, out, _ = _invoke(cli, "feeds", "remove", "1")
    assert code == 0
    code, out, _ = _invoke(cli, "export", "--format", "jsonl")
    assert len(out.splitlines()) == 13  # articles outlive their feed


@pytest.mark.integration
def test_demo_no_serve(cli: CliRunner, tmp_path: Path) -> None:
    code, out, err = _invoke(cli, "demo", "--no-serve", "--data-dir", str(tmp_path / "demo"))
    assert code == 0, err
    assert "polled 3 feeds: 12 new articles" in out
    assert "Fynsk Lokalavis (demo)" in out and "model_version:" in out
