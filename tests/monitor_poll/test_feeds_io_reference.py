"""Feed-list import formats and the municipality -> police district reference table."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from botrygt_nlp.errors import InputError
from botrygt_nlp.monitor.feeds_io import read_feed_list
from botrygt_nlp.reference import (
    DISTRICTS,
    UnknownPlaceError,
    all_municipalities,
    district_for,
    resolve_district,
    resolve_municipality,
)


def test_opml(tmp_path: Path) -> None:
    p = tmp_path / "feeds.opml"
    p.write_text("""<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
      <outline text="Fyn">
      <outline text="TV 2 Fyn" xmlUrl="https://tv2fyn.example/rss" municipality="Odense, Nyborg"/>
      <outline xmlUrl="https://fyens.example/rss"/></outline>
      <outline text="Mangler" type="rss"/>
      <outline title="KBH" xmlUrl="https://kbh.example/rss" district="Københavns Politi"/></body></opml>""")
    feeds, errors = read_feed_list(p)
    assert [(f.url, f.outlet, f.municipalities, f.district) for f in feeds] == [
        ("https://tv2fyn.example/rss", "TV 2 Fyn", ("Odense", "Nyborg"), None),
        ("https://fyens.example/rss", "Fyn", (), None),
        ("https://kbh.example/rss", "KBH", (), "Københavns Politi"),
    ]
    assert errors == []


def test_opml_entities_are_not_expanded(tmp_path: Path) -> None:
    p = tmp_path / "evil.opml"
    p.write_text(
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<opml><body><outline text="&x;" xmlUrl="https://a.example/rss"/></body></opml>'
    )
    with pytest.raises(InputError, match="external entity"):
        read_feed_list(p)


def test_toml_and_yaml_with_bad_items(tmp_path: Path) -> None:
    t = tmp_path / "feeds.toml"
    t.write_text(
        '[[feeds]]\nurl = "https://a.example/rss"\noutlet = "A"\nmunicipalities = ["Aarhus"]\n'
        '[[feeds]]\noutlet = "no url"\n'
    )
    feeds, errors = read_feed_list(t)
    assert [(f.url, f.municipalities) for f in feeds] == [("https://a.example/rss", ("Aarhus",))]
    assert [e.where for e in errors] == ["item 2"]
    y = tmp_path / "feeds.yaml"
    y.write_text("- url: https://b.example/rss\n  outlet: B\n  municipality: Aalborg\n- just a string\n")
    feeds, errors = read_feed_list(y)
    assert [(f.outlet, f.municipalities) for f in feeds] == [("B", ("Aalborg",))] and len(errors) == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds: 3\n")
    with pytest.raises(InputError):
        read_feed_list(bad)


def test_98_municipalities_in_12_districts() -> None:
    places = all_municipalities()
    assert len(places) == 98 and len({p.name for p in places}) == 98
    counts = Counter(p.district for p in places)
    assert set(counts) == set(DISTRICTS) and len(DISTRICTS) == 12
    assert counts == {
        "Nordjyllands Politi": 11,
        "Østjyllands Politi": 8,
        "Midt- og Vestjyllands Politi": 9,
        "Sydøstjyllands Politi": 6,
        "Syd- og Sønderjyllands Politi": 8,
        "Fyns Politi": 10,
        "Sydsjællands og Lolland-Falsters Politi": 6,
        "Midt- og Vestsjællands Politi": 11,
        "Nordsjællands Politi": 13,
        "Københavns Vestegns Politi": 11,
        "Københavns Politi": 4,
        "Bornholms Politi": 1,
    }


@pytest.mark.parametrize(
    ("name", "district"),
    [
        ("Silkeborg", "Midt- og Vestjyllands Politi"),
        ("Vejen", "Syd- og Sønderjyllands Politi"),
        ("Billund", "Sydøstjyllands Politi"),
        ("Greve", "Midt- og Vestsjællands Politi"),
        ("Køge", "Midt- og Vestsjællands Politi"),
        ("Stevns", "Sydsjællands og Lolland-Falsters Politi"),
        ("Gentofte", "Nordsjællands Politi"),
        ("Gladsaxe", "Københavns Vestegns Politi"),
        ("Tårnby", "Københavns Politi"),
        ("Dragør", "Københavns Politi"),
        ("Samsø", "Østjyllands Politi"),
        ("Læsø", "Nordjyllands Politi"),
        ("Ærø", "Fyns Politi"),
        ("Fanø", "Syd- og Sønderjyllands Politi"),
    ],
)
def test_known_mappings(name: str, district: str) -> None:
    assert district_for(name) == district


@pytest.mark.parametrize(
    "spelling", ["København", "Københavns Kommune", "københavn", "KOBENHAVN", "Kobenhavns kommune"]
)
def test_spellings_of_copenhagen(spelling: str) -> None:
    assert resolve_municipality(spelling).name == "København"


def test_diacritics_and_special_areas() -> None:
    assert resolve_municipality("Arhus").name == "Aarhus"
    assert resolve_municipality("Høje Tåstrup").name == "Høje-Taastrup"
    chr_ = resolve_municipality("Christiansø")
    assert chr_.district == "Bornholms Politi" and not chr_.is_municipality
    assert resolve_municipality("Ertholmene") == chr_
    with pytest.raises(UnknownPlaceError, match="Did you mean: Odense"):
        resolve_municipality("Odnse")
    assert resolve_district("fyns") == "Fyns Politi"
    with pytest.raises(UnknownPlaceError):
        resolve_district("Jyllands Politi")
