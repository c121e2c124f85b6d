"""Advice that fits the situation: katalysator, nøglefri bil, pakker, landbrug, byggeplads, falske politifolk."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from botrygt_nlp.config import Settings
from botrygt_nlp.domain import CrimeType
from botrygt_nlp.rewrite import (
    RewriteOptions,
    Season,
    Style,
    TemplateSource,
    Topic,
    build_store,
    detect_topic,
    rewrite_report,
)
from tests.reports.fakes import FIXTURES, KeywordAnalyzer

TEMPLATES = Settings().templates_dir
BY_NAME = {f.name: f for f in FIXTURES}


@pytest.mark.parametrize(
    ("title", "body", "topic"),
    [
        ("Katalysator stjålet fra bil i Horsens", "", Topic.CATALYTIC_CONVERTER),
        ("Biltyveri i Beder", "En nøglefri Ford Kuga blev stjålet fra en indkørsel.", Topic.KEYLESS_CAR),
        ("Pakker taget fra trappe", "To pakker, som fragtfirmaet havde stillet på trappen, var væk.", Topic.PARCEL),
        ("Jelling: Diesel og GPS stjålet fra landbrug", "", Topic.FARM),
        ("Tyveri af GPS fra traktor ved Tønder", "", Topic.FARM),
        ("ODDER: Tyveri fra byggeplads", "Containeren var brudt op.", Topic.CONSTRUCTION_SITE),
        ("FALSKE POLITIFOLK RINGEDE TIL ÆLDRE", "", Topic.FAKE_POLICE),
        ("Opkald i Brædstrup", "En person sagde, han var fra politiet, og ville hente pengene.", Topic.FAKE_POLICE),
        ("HORSENS: Indbrud i lejlighed", "Der blev brudt ind i en lejlighed på 2. sal.", Topic.APARTMENT),
        ("Indbrud i Trøjborg", "Tyven kom ind i opgangen og brød døren op på 3. th.", Topic.APARTMENT),
        # Near misses keep the crime type's general advice.
        ("Indbrud i villa", "Tyven kom ind ad altandøren på 1. sal.", Topic.NONE),
        ("Indbrud i villa", "Tyven tog en pakke cigaretter fra køkkenet.", Topic.NONE),
        ("Falsk sms om pakke i Tilst", "En kvinde oplyste sine kortdata på en falsk side.", Topic.NONE),
        ("Falsk bankrådgiver ringede", "Han bad om koder til netbanken.", Topic.NONE),
        ("Bil stjålet i Vejle", "Politiet efterlyser vidner.", Topic.NONE),
        ("Butikstyveri i Kildeby", "En mand gik ud af butikken med varer for 800 kroner uden at betale.", Topic.SHOP),
        ("Tyveri fra supermarked", "En butiksdetektiv stoppede en kvinde ved udgangen.", Topic.SHOP),
        # A break-in at a shop is a burglary: the shop's general advice.
        ("Indbrud i butik", "Tyvene brød døren op og stjal cigaretter for 20.000 kroner.", Topic.NONE),
        # A garden or lawn tractor is not a farm's.
        ("Indbrud i redskabsskur", "Der blev stjålet en havetraktor og en buskrydder.", Topic.NONE),
        ("Tyveri fra garage", "Tyvene tog en plænetraktor fra garagen ved villaen.", Topic.NONE),
    ],
)
def test_detect_topic(title: str, body: str, topic: Topic) -> None:
    assert detect_topic(title, body) is topic


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "r24_politidk_accordion_sydoestjylland.html",
            {
                "Katalysator stjålet fra bil i Horsens": "car_theft.catalytic_converter.v1",
                "Nøglefri bil forsvandt fra indkørsel i Hedensted": "car_theft.keyless_car.v1",
                "Pakker taget fra trappe i Juelsminde": "home_burglary.parcel.v1",
                "Opkald fra falsk betjent i Brædstrup": "trick_theft.fake_police.v1",
            },
        ),
        (
            "r25_lokalavis_runin_vejle.html",
            {"Jelling: Diesel og GPS stjålet fra landbrug": "business_burglary.farm.v1"},
        ),
        (
            "r26_presse_email_caps_towns.txt",
            {
                "ODDER: Tyveri fra byggeplads": "business_burglary.construction_site.v1",
                "TØRRING: Svindel med MitID": "fraud.v1",
                "HORSENS: Indbrud i lejlighed": "home_burglary.apartment.v1",
            },
        ),
    ],
)
def test_incidents_get_the_advice_of_their_situation(name: str, expected: dict[str, str]) -> None:
    fx = BY_NAME[name]
    for style in Style:
        result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt, style=style), KeywordAnalyzer())
        chosen = {i.incident_title: i.template_id for i in result.changes.insertions}
        assert {t: chosen[t] for t in expected} == expected
        for ins in result.changes.insertions:
            assert ins.to_json()["topic"] == ins.topic.value
    heading = {"katalysator": "Undgå tyveri af katalysatorer", "pakke": "Undgå tyveri af pakker"}
    text = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt), KeywordAnalyzer()).text
    if name.startswith("r24"):
        assert all(h in text for h in heading.values())
        assert "Undgå tyveri af og fra din bil" not in text  # both car incidents got their own advice


def test_a_topic_beats_the_season_and_falls_back_where_it_has_no_template() -> None:
    store = build_store(TEMPLATES)
    info = store.choose(CrimeType.CAR_THEFT, Season.CHRISTMAS, Topic.CATALYTIC_CONVERTER)
    assert info is not None and info.template_id == "car_theft.catalytic_converter.v1"
    parcel_at_christmas = store.choose(CrimeType.HOME_BURGLARY, Season.CHRISTMAS, Topic.PARCEL)
    assert parcel_at_christmas is not None and parcel_at_christmas.template_id == "home_burglary.parcel.v1"
    fraud_parcel = store.choose(CrimeType.FRAUD, Season.NONE, Topic.PARCEL)
    assert fraud_parcel is not None and fraud_parcel.template_id == "fraud.v1"
    villa = store.choose(CrimeType.HOME_BURGLARY, Season.CHRISTMAS, Topic.NONE)
    assert villa is not None and villa.template_id == "home_burglary.christmas.v1"
    fx = BY_NAME["r31_oestjylland_p_b_table.html"]
    result = rewrite_report(fx.text, RewriteOptions(fmt=fx.fmt, report_date=date(2024, 12, 20)), KeywordAnalyzer())
    assert [i.template_id for i in result.changes.insertions][:2] == [
        "home_burglary.christmas.v1",
        "car_theft.catalytic_converter.v1",
    ]


def test_a_district_can_override_a_topic_template(tmp_path: Path) -> None:
    src = (TEMPLATES / "advice" / "car_theft.catalytic_converter.v1.md.j2").read_text(encoding="utf-8")
    folder = tmp_path / "district"
    folder.mkdir()
    (folder / "car_theft.catalytic_converter.v2.md.j2").write_text(
        src.replace("# Undgå tyveri af katalysatorer", "# Undgå tyveri af katalysatorer i Horsens"), encoding="utf-8"
    )
    text = "Katalysator stjålet i Horsens\nEn katalysator blev savet af en bil på Sundvej.\n"
    result = rewrite_report(text, RewriteOptions(templates_dir=TEMPLATES, override_dir=folder), KeywordAnalyzer())
    (ins,) = result.changes.insertions
    assert (ins.template_id, ins.template_source, ins.topic) == (
        "car_theft.catalytic_converter.v2",
        TemplateSource.OVERRIDE,
        Topic.CATALYTIC_CONVERTER,
    )
    assert "i Horsens" in ins.text
    store = build_store(TEMPLATES, folder)
    assert [t.template_id for t in store.templates if t.topic is Topic.CATALYTIC_CONVERTER and store.is_current(t)] == [
        "car_theft.catalytic_converter.v2"
    ]
