"""Loader and name resolution for the municipality -> police district table (municipalities.csv).

Names are matched case- and diacritics-insensitively ("koebenhavn", "KØBENHAVNS KOMMUNE" and "København"
all resolve to the same place), so feed lists typed by hand or exported from other tools still validate.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from botrygt_nlp.errors import InputError

DISTRICTS: tuple[str, ...] = (
    "Nordjyllands Politi",
    "Østjyllands Politi",
    "Midt- og Vestjyllands Politi",
    "Sydøstjyllands Politi",
    "Syd- og Sønderjyllands Politi",
    "Fyns Politi",
    "Sydsjællands og Lolland-Falsters Politi",
    "Midt- og Vestsjællands Politi",
    "Nordsjællands Politi",
    "Københavns Vestegns Politi",
    "Københavns Politi",
    "Bornholms Politi",
)

# Christiansø (Ertholmene) belongs to no municipality: the state administers it directly (Ministry of
# Defence). It is policed by Bornholms Politi, so it resolves to that district but is flagged as not a
# municipality instead of being silently folded into Bornholm.
CHRISTIANSOE = "Christiansø"
_SPECIAL_AREAS: dict[str, str] = {CHRISTIANSOE: "Bornholms Politi"}
_SPECIAL_ALIASES: dict[str, str] = {"Ertholmene": CHRISTIANSOE}


class UnknownPlaceError(InputError):
    code = "unknown_place"


@dataclass(frozen=True, slots=True)
class Place:
    name: str  # canonical municipality name, e.g. "København"
    district: str  # one of DISTRICTS
    is_municipality: bool = True


def normalise_place_name(name: str) -> str:
    """Fold case, Danish letters and diacritics, and the word "kommune" so spellings compare equal."""
    s = name.strip().casefold()
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a")):
        s = s.replace(a, b)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    # "Aarhus"/"Århus"/"Arhus" and "Samsø"/"Samsoe"/"Samso" all fold to one skeleton.
    s = s.replace("aa", "a").replace("oe", "o")
    s = s.replace("-", " ").replace(".", " ").replace("'", " ")
    words = [w for w in s.split() if w not in ("kommune", "kommunes", "regionskommune")]
    return " ".join(words)


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("botrygt_nlp.reference").joinpath(filename).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines))


@lru_cache(maxsize=1)
def all_municipalities() -> tuple[Place, ...]:
    """The 98 municipalities in file order (no special areas)."""
    places = tuple(Place(r["municipality"], r["district"]) for r in _rows("municipalities.csv"))
    unknown = {p.district for p in places} - set(DISTRICTS)
    if unknown:  # a typo in the data file must fail loudly, not create a 13th district
        raise ValueError(f"municipalities.csv names unknown districts: {sorted(unknown)}")
    return places


@lru_cache(maxsize=1)
def _index() -> dict[str, Place]:
    index: dict[str, Place] = {}
    for place in all_municipalities():
        key = normalise_place_name(place.name)
        if key in index:  # the folding must never merge two municipalities
            raise ValueError(f"{place.name!r} folds onto {index[key].name!r}")
        index[key] = place
        # Genitive forms: "Københavns Kommune", "Aarhus'" etc.
        index.setdefault(key + "s", place)
    for row in _rows("aliases.csv"):
        target = index[normalise_place_name(row["municipality"])]
        index[normalise_place_name(row["alias"])] = target
    for name, district in _SPECIAL_AREAS.items():
        index[normalise_place_name(name)] = Place(name, district, is_municipality=False)
    for alias, name in _SPECIAL_ALIASES.items():
        index[normalise_place_name(alias)] = index[normalise_place_name(name)]
    return index


def resolve_municipality(name: str) -> Place:
    """The canonical place for ``name``; raises UnknownPlaceError with the closest suggestions."""
    key = normalise_place_name(name)
    place = _index().get(key)
    if place is None:
        import difflib

        close = difflib.get_close_matches(key, list(_index()), n=3, cutoff=0.75)
        names = sorted({_index()[c].name for c in close})
        hint = f" Did you mean: {', '.join(names)}?" if names else ""
        raise UnknownPlaceError(f"Unknown municipality {name!r}.{hint}")
    return place


@lru_cache(maxsize=1)
def _district_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for d in DISTRICTS:
        key = normalise_place_name(d)
        index[key] = d
        index[key.removesuffix(" politi").strip()] = d
        index[key.removesuffix(" politikreds").strip()] = d
    return index


def resolve_district(name: str) -> str:
    """Canonical district name; accepts "Fyns Politi", "fyns", "Københavns Politi" ..."""
    key = normalise_place_name(name).replace(" politikreds", " politi")
    found = _district_index().get(key)
    if found is None:
        raise UnknownPlaceError(f"Unknown police district {name!r}. Known: {', '.join(DISTRICTS)}")
    return found


def district_for(municipality: str) -> str:
    return resolve_municipality(municipality).district
