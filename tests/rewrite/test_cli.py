"""The CLI edges: `report parse`, `rewrite`, `templates check|list`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from botrygt_nlp.cli import app
from tests.reports.fakes import DATA

runner = CliRunner()


def test_report_parse_json() -> None:
    res = runner.invoke(app, ["report", "parse", str(DATA / "r11_sydsoenderjylland.html"), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["district"] == "Syd- og Sønderjyllands Politi"
    assert len(data["incidents"]) == 8
    assert {"title", "start", "end", "crime_type", "relevant", "constructive", "score", "principles"} <= set(
        data["incidents"][0]
    )


def test_report_parse_text() -> None:
    res = runner.invoke(app, ["report", "parse", str(DATA / "r01_sydoestjylland.txt")])
    assert res.exit_code == 0
    assert "Hændelser: 5" in res.stdout and "Tyveri fra varebil i Kolding" in res.stdout


def test_rewrite_keeps_bytes_and_format() -> None:
    path = DATA / "r03_nordsjaelland_crlf.txt"
    res = runner.invoke(app, ["rewrite", str(path), "--date", "2024-11-09"])
    assert res.exit_code == 0, res.output
    out = res.stdout_bytes
    assert b"[botrygt:advice " in out
    assert b"\n" not in out.replace(b"\r\n", b"")
    from botrygt_nlp.reports import ReportFormat
    from botrygt_nlp.rewrite import strip_blocks

    assert strip_blocks(out.decode(), ReportFormat.TEXT).encode() == path.read_bytes()


def test_rewrite_diff_and_json() -> None:
    path = str(DATA / "r08_oestjylland.md")
    diff = runner.invoke(app, ["rewrite", path, "--diff"])
    assert diff.exit_code == 0 and "+<!-- botrygt:advice " in diff.stdout
    assert not [ln for ln in diff.stdout.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    js = runner.invoke(app, ["rewrite", path, "--json", "--style", "short"])
    data = json.loads(js.stdout)
    assert data["style"] == "short" and data["insertions"]
    assert all(i["template"].endswith(".v1") and i["template_version"] == 1 for i in data["insertions"])


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("r01_sydoestjylland.txt", []),
        ("r03_nordsjaelland_crlf.txt", ["--style", "short"]),
        ("r08_oestjylland.md", []),
        ("r22_fyn_markdown.md", ["--style", "short"]),
        ("r11_sydsoenderjylland.html", []),
        ("r42_lokalavis_br_paragraph.html", ["--style", "short"]),
        ("r38_sydsoenderjylland_cp1252.txt", ["--encoding", "cp1252"]),
    ],
)
def test_rewrite_no_markers_is_ready_to_publish(name: str, extra: list[str], tmp_path: Path) -> None:
    from tests.rewrite.test_publish import rebuild_from_json

    path = DATA / name
    encoding = "cp1252" if "--encoding" in extra else "utf-8"
    res = runner.invoke(app, ["rewrite", str(path), "--no-markers", *extra])
    assert res.exit_code == 0, res.output
    out = res.stdout_bytes
    assert b"botrygt:advice" not in out and b"data-template" not in out
    assert out.count(b"Undg") > path.read_bytes().count(b"Undg")  # the advice is there, only the markers went
    if b"\r\n" in path.read_bytes():
        assert b"\n" not in out.replace(b"\r\n", b"")
    # The change report (--json) and the output rebuild the original exactly.
    changes = json.loads(runner.invoke(app, ["rewrite", str(path), "--no-markers", "--json", *extra]).stdout)
    assert changes["markers"] is False and changes["insertions"]
    assert rebuild_from_json(out.decode(encoding), changes) == path.read_bytes().decode(encoding)
    # Rewriting the published text again changes nothing.
    published = tmp_path / name
    published.write_bytes(out)
    again = runner.invoke(app, ["rewrite", str(published), "--no-markers", *extra])
    assert again.exit_code == 0 and again.stdout_bytes == out


def test_rewrite_no_markers_unmarks_an_already_rewritten_report(tmp_path: Path) -> None:
    marked = tmp_path / "rapport.md"
    marked.write_bytes(runner.invoke(app, ["rewrite", str(DATA / "r08_oestjylland.md")]).stdout_bytes)
    assert b"<!-- botrygt:advice " in marked.read_bytes()
    res = runner.invoke(app, ["rewrite", str(marked), "--no-markers"])
    fresh = runner.invoke(app, ["rewrite", str(DATA / "r08_oestjylland.md"), "--no-markers"])
    assert res.exit_code == 0 and res.stdout_bytes == fresh.stdout_bytes
    diff = runner.invoke(app, ["rewrite", str(marked), "--no-markers", "--diff"]).stdout
    changed = [ln for ln in diff.splitlines()[2:] if ln[:1] in "+-"]
    assert changed and all(ln.startswith("-<!-- ") and "botrygt:advice" in ln for ln in changed)


def test_rewrite_rejects_a_bad_date_and_a_missing_file(tmp_path: Path) -> None:
    bad = runner.invoke(app, ["rewrite", str(DATA / "r01_sydoestjylland.txt"), "--date", "13-03-2024"])
    assert bad.exit_code == 2
    missing = runner.invoke(app, ["rewrite", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2


def test_rewrite_refuses_binary_input(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    p.write_bytes(b"\x00\x01binary")
    res = runner.invoke(app, ["rewrite", str(p)])
    assert res.exit_code == 2


def test_templates_check_and_list() -> None:
    check = runner.invoke(app, ["templates", "check"])
    assert check.exit_code == 0, check.output
    assert check.stdout.count("OK ") == 24
    listing = runner.invoke(app, ["templates", "list", "--json"])
    rows = json.loads(listing.stdout)
    assert {r["template"] for r in rows} >= {"van_tool_theft.v1", "home_burglary.christmas.v1"}
    assert all(r["in_use"] for r in rows)
    topics = {r["template"]: r["topic"] for r in rows}
    assert topics["car_theft.catalytic_converter.v1"] == "catalytic_converter" and topics["car_theft.v1"] == "none"


def test_rewrite_reads_stdin() -> None:
    text = (DATA / "r01_sydoestjylland.txt").read_bytes()
    res = runner.invoke(app, ["rewrite", "-", "--style", "short"], input=text)
    assert res.exit_code == 0, res.output
    assert res.stdout_bytes.startswith(text[:40]) and b"[botrygt:advice " in res.stdout_bytes


def test_override_folder_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from botrygt_nlp.config import get_settings

    folder = tmp_path / "district"
    folder.mkdir()
    (folder / "variables.yaml").write_text("local_phone: 76 11 14 48\n", encoding="utf-8")
    src = get_settings().templates_dir / "advice" / "bike_theft.v1.md.j2"
    (folder / "bike_theft.v2.md.j2").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("BOTRYGT_TEMPLATE_OVERRIDE_DIR", str(folder))
    get_settings.cache_clear()
    try:
        listing = json.loads(runner.invoke(app, ["templates", "list", "--json"]).stdout)
        bike = {r["template"]: r for r in listing if r["crime_type"] == "bike_theft"}
        assert bike["bike_theft.v2"]["in_use"] and bike["bike_theft.v2"]["source"] == "override"
        assert not bike["bike_theft.v1"]["in_use"]
        res = runner.invoke(app, ["rewrite", str(DATA / "r01_sydoestjylland.txt"), "--json"])
        data = json.loads(res.stdout)
        assert "bike_theft.v2" in {i["template"] for i in data["insertions"]}
        out = runner.invoke(app, ["rewrite", str(DATA / "r01_sydoestjylland.txt")]).stdout
        assert "76 11 14 48" in out
    finally:
        monkeypatch.delenv("BOTRYGT_TEMPLATE_OVERRIDE_DIR")
        get_settings.cache_clear()
