"""Reference tables: Denmark's 98 municipalities and the 12 police districts that cover them."""

from botrygt_nlp.reference.places import (
    DISTRICTS,
    Place,
    UnknownPlaceError,
    all_municipalities,
    district_for,
    normalise_place_name,
    resolve_district,
    resolve_municipality,
)

__all__ = [
    "DISTRICTS",
    "Place",
    "UnknownPlaceError",
    "all_municipalities",
    "district_for",
    "normalise_place_name",
    "resolve_district",
    "resolve_municipality",
]
