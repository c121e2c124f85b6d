"""Windows-1252 and Latin-1 reports: read in their encoding, written back in it, byte for byte."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from botrygt_nlp.cli import app
from botrygt_nlp.errors import EncodingError
from botrygt_nlp.reports import DecodedReport, ReportFormat, read_report
from botrygt_nlp.rewrite import strip_blocks
from tests.reports.fakes import DATA

runner = CliRunner()
CP1252 = DATA / "r38_sydsoenderjylland_cp1252.txt"
LATIN1_HTML = DATA / "r37_lokalavis_latin1.html"


def test_a_windows_1252_report_is_refused_with_a_hint_and_read_when_named() -> None:
    refused = runner.invoke(app, ["rewrite", str(CP1252)])
    assert refused.exit_code == 2 and "--encoding cp1252" in refused.output
    res = runner.invoke(app, ["rewrite", str(CP1252), "--encoding", "cp1252"])
    assert res.exit_code == 0, res.output
    out = res.stdout_bytes
    assert "[botrygt:advice home_burglary".encode("cp1252") in out and "Undgå".encode("cp1252") in out
    assert strip_blocks(out.decode("cp1252"), ReportFormat.TEXT).encode("cp1252") == CP1252.read_bytes()


def test_an_html_page_that_declares_latin_1_is_written_back_in_latin_1() -> None:
    res = runner.invoke(app, ["rewrite", str(LATIN1_HTML)])
    assert res.exit_code == 0, res.output
    out = res.stdout_bytes
    with pytest.raises(UnicodeDecodeError):
        out.decode("utf-8")  # still Latin-1, as the page says
    page = out.decode("latin-1")
    assert "&#8211;" in page  # the template's dash is not in Latin-1: a character reference instead
    assert strip_blocks(page, ReportFormat.HTML).encode("latin-1") == LATIN1_HTML.read_bytes()
    parsed = runner.invoke(app, ["report", "parse", str(CP1252), "--encoding", "cp1252", "--format", "json"])
    assert parsed.exit_code == 0 and '"Tyveri af GPS fra traktor ved Tønder"' in parsed.stdout


def test_inserted_characters_outside_the_encoding_get_plain_look_alikes_in_text() -> None:
    latin1 = DecodedReport("", "iso8859-1")
    assert latin1.encode("Lås døren – også om natten", ReportFormat.TEXT) == "Lås døren - også om natten".encode(
        "latin-1"
    )
    assert latin1.encode("a – b", ReportFormat.HTML) == b"a &#8211; b"
    assert DecodedReport("", "cp1252").encode("a – b", ReportFormat.TEXT) == b"a \x96 b"


def test_unknown_or_wrong_encodings_are_errors_not_guesses() -> None:
    with pytest.raises(EncodingError):
        read_report(b"Indbrud", "no-such-codec")
    with pytest.raises(EncodingError):
        read_report(b"\x81\x8d", "cp1252")  # bytes Windows-1252 leaves undefined
    assert read_report("Års".encode("latin-1"), "latin-1").text == "Års"
    res = runner.invoke(app, ["rewrite", str(CP1252), "--encoding", "no-such-codec"])
    assert res.exit_code == 2
