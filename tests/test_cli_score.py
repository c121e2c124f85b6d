"""`botrygt score`: the JSONL contract, folders, stdin, and clear errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from botrygt_nlp.cli import app
from tests.contract import SCORE_JSONL_KEYS

RUNNER = CliRunner()
CONTRACT_KEYS = SCORE_JSONL_KEYS
DANISH = (
    "Natten til tirsdag var der indbrud i en villa på Egevej i Viborg. Tyvene kom ind ad et vindue. "
    "Husk at låse dine vinduer og døre, og sæt lys med sensor op. Politiet efterlyser vidner på 114."
)


def run(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return RUNNER.invoke(app, list(args), input=input)


def test_jsonl_gives_one_line_per_input_line_with_the_contract(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": DANISH, "title": "Indbrud i Viborg"}, ensure_ascii=False),
        '{"id": "broken", "text": "unterminated',
        json.dumps({"id": 3}),
        json.dumps({"id": 4, "text": "  "}),
        json.dumps({"id": 5, "text": "The police are looking for witnesses after a burglary in a house on Monday."}),
        "",
        json.dumps({"id": 6, "text": "Der blev stjålet en ladcykel fra en carport i Aarhus natten til fredag."}),
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("score", str(src), "--format", "jsonl")
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "broken", 3, 4, 5, 6]
    assert result.exit_code == 1  # some lines failed, the others were scored
    first, broken, missing, empty, english, bike = out
    assert set(first) >= CONTRACT_KEYS
    assert first["relevant"] and first["constructive"] and first["crime_type"] == "home_burglary"
    for span in first["advice_spans"]:
        assert DANISH[span["start"] : span["end"]] == span["text"]
        assert set(span) == {"start", "end", "text", "principle"}
    assert broken["error"]["code"] == "malformed_record" and broken["error"]["line"] == 2
    assert "not valid JSON" in broken["error"]["message"]
    assert missing["error"]["code"] == "malformed_record" and "text" in missing["error"]["message"]
    assert empty["error"]["code"] == "empty_text"
    assert english["error"]["code"] == "not_danish" and english["language"] == "en"
    assert bike["crime_type"] == "bike_theft" and not bike["constructive"]


def test_text_format_marks_advice_and_lists_missing_principles(tmp_path: Path) -> None:
    src = tmp_path / "one.txt"
    src.write_text(DANISH, encoding="utf-8")
    result = run("score", str(src))
    assert result.exit_code == 0, result.output
    assert "KONSTRUKTIV" in result.stdout
    assert "⟦RÅD" in result.stdout
    assert "Mangler:" in result.stdout


def test_stdin_and_json_format() -> None:
    result = run("score", "-", "--format", "json", input=DANISH.encode())
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["id"] == "-" and payload["constructive"] is True


def test_directory_scores_each_text_and_markdown_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DANISH, encoding="utf-8")
    (tmp_path / "b.md").write_text(
        "# Kommunen\n\nByrådet vedtog i går budgettet for 2027 med stort flertal.", encoding="utf-8"
    )
    (tmp_path / "skip.csv").write_text("x,y", encoding="utf-8")
    result = run("score", str(tmp_path), "--format", "jsonl")
    ids = [Path(json.loads(line)["id"]).name for line in result.stdout.splitlines()]
    assert ids == ["a.txt", "b.md"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xe6bler og \xf8l blev stj\xe5let fra butikken", "not valid UTF-8"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00" * 50, "binary"),
        (b"   \n\n  ", "empty"),
    ],
)
def test_bad_files_get_a_clear_message(tmp_path: Path, content: bytes, message: str) -> None:
    src = tmp_path / "bad.txt"
    src.write_bytes(content)
    result = run("score", str(src))
    assert result.exit_code != 0
    assert message in result.output


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    src = tmp_path / "huge.txt"
    with src.open("wb") as fh:  # a sparse 70 MB file: refused by size, never read into memory
        fh.seek(70 * 1024 * 1024)
        fh.write(b"x")
    result = run("score", str(src))
    assert result.exit_code == 2
    assert "limit" in result.output


def test_missing_path_is_an_error() -> None:
    result = run("score", "/nonexistent/file.txt")
    assert result.exit_code == 2
    assert "no such file" in result.output
