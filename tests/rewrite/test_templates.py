"""Advice templates: coverage, validation, versions, district overrides and the sandbox."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from botrygt_nlp.config import Settings
from botrygt_nlp.domain import CrimeType, Principle
from botrygt_nlp.errors import TemplateError
from botrygt_nlp.rewrite import (
    RewriteOptions,
    Season,
    Style,
    TemplateSource,
    build_store,
    check_templates,
    rewrite_report,
    season_for,
)
from tests.reports.fakes import KeywordAnalyzer

TEMPLATES = Settings().templates_dir
VAN_REPORT = "Tyveri fra varebil i Vejle\nI nat blev der stjålet værktøj fra en varebil på Havnevej.\n"


def test_every_relevant_crime_type_has_a_template_and_all_pass_the_check() -> None:
    store = build_store(TEMPLATES)
    results = check_templates(store)
    assert [r for r in results if not r.ok] == []
    for ct in CrimeType:
        if ct.is_relevant:
            assert store.choose(ct) is not None, ct
    for season in (Season.CHRISTMAS, Season.SUMMER, Season.DARK):
        info = store.choose(CrimeType.HOME_BURGLARY, season)
        assert info is not None and info.season is season


@pytest.mark.parametrize("style", list(Style))
def test_every_template_renders_five_points_in_principle_order(style: Style) -> None:
    store = build_store(TEMPLATES)
    for info in store.templates:
        content = store.render(info, style)
        if style is Style.FULL:
            assert [p for p, _ in content.points] == list(Principle)
            assert content.heading.startswith("Undgå")
        else:
            assert content.paragraph.startswith("Undgå") and "\n" not in content.paragraph


def test_no_template_outside_the_taxonomy_is_needed_for_not_relevant_types() -> None:
    store = build_store(TEMPLATES)
    assert store.choose(CrimeType.OTHER_CRIME) is None
    assert store.choose(CrimeType.NOT_RELEVANT) is None


def _override(tmp_path: Path, name: str, body: str) -> Path:
    folder = tmp_path / "district"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")
    return folder


def _van_template(extra: str = "") -> str:
    src = (TEMPLATES / "advice" / "van_tool_theft.v1.md.j2").read_text(encoding="utf-8")
    return src.replace("# Undgå tyveri fra varebiler", f"# Undgå tyveri fra varebiler{extra}")


def test_district_override_with_higher_version_wins_and_is_reported(tmp_path: Path) -> None:
    folder = _override(tmp_path, "van_tool_theft.v2.md.j2", _van_template(" og firmabiler"))
    opts = RewriteOptions(templates_dir=TEMPLATES, override_dir=folder)
    result = rewrite_report(VAN_REPORT, opts, KeywordAnalyzer())
    (ins,) = result.changes.insertions
    assert (ins.template_id, ins.template_version, ins.template_source) == (
        "van_tool_theft.v2",
        2,
        TemplateSource.OVERRIDE,
    )
    assert "Undgå tyveri fra varebiler og firmabiler" in result.text
    assert result.changes.to_json()["insertions"][0]["template"] == "van_tool_theft.v2"  # type: ignore[index]


def test_same_name_override_replaces_the_builtin(tmp_path: Path) -> None:
    folder = _override(tmp_path, "van_tool_theft.v1.md.j2", _van_template(" i Vejle"))
    store = build_store(TEMPLATES, folder)
    info = store.choose(CrimeType.VAN_TOOL_THEFT)
    assert info is not None and info.source is TemplateSource.OVERRIDE
    assert store.render(info, Style.FULL).heading == "Undgå tyveri fra varebiler i Vejle"


def test_district_variables_from_the_override_folder(tmp_path: Path) -> None:
    folder = tmp_path / "district"
    folder.mkdir()
    (folder / "variables.yaml").write_text(
        "district_name: Sydøstjyllands Politi\nlocal_phone: 76 11 14 48\nlink: politi.dk/sydoestjylland\n",
        encoding="utf-8",
    )
    result = rewrite_report(VAN_REPORT, RewriteOptions(templates_dir=TEMPLATES, override_dir=folder), KeywordAnalyzer())
    assert "Du kan også ringe til Sydøstjyllands Politi på 76 11 14 48." in result.text
    assert "politi.dk/sydoestjylland" in result.text


def test_bad_variables_file_is_a_template_error(tmp_path: Path) -> None:
    folder = _override(tmp_path, "variables.yaml", "- just\n- a list\n")
    with pytest.raises(TemplateError):
        build_store(TEMPLATES, folder)


def test_undefined_variable_is_an_error_not_a_blank(tmp_path: Path) -> None:
    folder = _override(tmp_path, "van_tool_theft.v3.md.j2", _van_template(" {{ distrikt_navn }}"))
    with pytest.raises(TemplateError, match="distrikt_navn"):
        rewrite_report(VAN_REPORT, RewriteOptions(templates_dir=TEMPLATES, override_dir=folder), KeywordAnalyzer())


def test_rendering_is_sandboxed(tmp_path: Path) -> None:
    folder = _override(tmp_path, "van_tool_theft.v3.md.j2", _van_template(" {{ ''.__class__.__mro__ }}"))
    with pytest.raises(TemplateError):
        rewrite_report(VAN_REPORT, RewriteOptions(templates_dir=TEMPLATES, override_dir=folder), KeywordAnalyzer())


def test_check_reports_broken_templates_and_missing_coverage(tmp_path: Path) -> None:
    only = tmp_path / "only"
    (only / "advice").mkdir(parents=True)
    shutil.copy(TEMPLATES / "advice" / "_contact.md.j2", only / "advice")
    broken = (
        "{% if style == 'short' %}Undgå tyveri. {{ '{{' }} missing }}{% else %}# Undgå tyveri\n\n"
        "1. **Gør tyven utryg:** Lock the door and the windows when you leave the house.\n"
        "2. **Gør det svært for tyven:** Lås døren, når du går ud af huset om aftenen.\n"
        "3. **Frist ikke tyven:** Der er en bølge af tyverier, så læg tingene væk fra vinduet.\n"
        "4. **Gør tyvens liv surt:** Mærk dine ting med en ridsepen, så de kan findes igen.\n"
        "\nRing 114.\n{% endif %}"
    )
    (only / "advice" / "bike_theft.v1.md.j2").write_text(broken, encoding="utf-8")
    results = {r.template_id: r for r in check_templates(build_store(only))}
    problems = " ".join(results["bike_theft.v1"].problems)
    assert "five points" in problems
    assert "placeholder" in problems and "114" in problems
    missing = [r for r in results.values() if r.path is None]
    assert {r.template_id for r in missing} == {ct.value for ct in CrimeType if ct.is_relevant} - {"bike_theft"}

    (only / "advice" / "bike_theft.v1.md.j2").write_text(
        broken.replace(
            "4. **Gør tyvens", "4. **Gør tyvens liv surt:** x\n5. **Skræm tyven væk:** Lock it now please.\n#"
        ),
        encoding="utf-8",
    )
    problems = " ".join(check_templates(build_store(only))[0].problems)
    assert "English" in problems or "Danish" in problems


def test_alarmist_wording_and_national_labels_are_rejected(tmp_path: Path) -> None:
    src = _van_template().replace("ikke på en øde eller mørk plads", "tyvene fra Østeuropa hærger overalt")
    folder = _override(tmp_path, "van_tool_theft.v1.md.j2", src)
    store = build_store(TEMPLATES, folder)
    (result,) = [r for r in check_templates(store) if r.template_id == "van_tool_theft.v1"]
    text = " ".join(result.problems)
    assert "alarmist" in text and "national label" in text


@pytest.mark.parametrize(
    ("month", "day", "season"),
    [
        (12, 1, Season.CHRISTMAS),
        (1, 6, Season.CHRISTMAS),
        (1, 7, Season.DARK),
        (6, 19, Season.NONE),
        (6, 20, Season.SUMMER),
        (8, 15, Season.SUMMER),
        (8, 16, Season.NONE),
        (10, 1, Season.DARK),
        (3, 1, Season.NONE),
    ],
)
def test_season_windows(month: int, day: int, season: Season) -> None:
    from datetime import date

    assert season_for(date(2025, month, day)) is season
    assert season_for(None) is Season.NONE
