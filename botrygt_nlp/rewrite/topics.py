"""Which situation within its crime type an incident describes, from words in its headline and body.

A catalytic converter sawn off, a keyless car taken from the driveway, parcels taken from the doorstep, GPS
screens and diesel taken from a farm, copper from a building site, a caller posing as the police: the crime
type's general advice ("Tøm bilen for tasker") misses what the reader can do about these. The cues are
deliberately narrow; a false topic costs more than a missed one, because the general advice still fits.
"""

from __future__ import annotations

import re

from botrygt_nlp.rewrite.types import Topic

_F = 0  # the text is lower-cased once; case-insensitive alternations are several times slower
_POLICE = r"(politi\w*|betjent\w*|kriminalassistent\w*|efterforsker\w*)"
# Most specific first: a fake police officer calling about a parcel is about the fake officer.
_CUES: tuple[tuple[Topic, tuple[re.Pattern[str], ...]], ...] = (
    (
        Topic.FAKE_POLICE,
        (
            # Cheap gates first: most incidents name no fake and no claim to be the police.
            re.compile(r"falsk|udgav|udgiv|påstod|sagde|hævdede", _F),
            re.compile(_POLICE, _F),
            re.compile(
                rf"\bfalsk\w*\W+(\w+\W+){{0,2}}{_POLICE}|"  # "falske politifolk", "falsk betjent"
                rf"(udgav|udgiver|udgive)\w* sig for at være\W+(\w+\W+){{0,3}}{_POLICE}|"
                rf"(påstod|sagde|hævdede)\w*,?\s+(at\s+)?(han|hun|de|den|personen)\w*\s+var\W+(\w+\W+){{0,3}}{_POLICE}",
                _F,
            ),
        ),
    ),
    (Topic.KEYLESS_CAR, (re.compile(r"nøglefri|keyless|nøglebrik\w*|signalforstærk\w*", _F),)),
    (Topic.CATALYTIC_CONVERTER, (re.compile(r"katalysator", _F),)),
    (
        Topic.FARM,
        (
            re.compile(
                # "traktor" only where it is a farm's: not a garden or lawn tractor ("havetraktor", "plænetraktor").
                r"landbrug|landmand|landmænd|maskinhus|(?<!have)(?<!plæne)traktor|mejetærsker|dieseltank|staldbygning|gårdejer|"
                r"markvej|halmlade",
                _F,
            ),
        ),
    ),
    (
        Topic.CONSTRUCTION_SITE,
        (re.compile(r"byggeplads|skurvogn|byggeskur|materielcontainer|byggecontainer|minigraver|rendegraver", _F),),
    ),
    (
        Topic.APARTMENT,
        (
            re.compile(r"lejlighed|\bopgang|etagebolig|boligblok|\b[2-9]\.\s?sal\b|\b\d\.\s?(tv|th|mf)\b", _F),
            re.compile(r"^(?![\s\S]*\b(villa|rækkehus|parcelhus|sommerhus)\w*)", _F),  # a house is no flat
        ),
    ),
    (
        # Shoplifting in opening hours: the shop's general advice (lock up at closing, sensor lights) misses it.
        Topic.SHOP,
        (
            re.compile(
                r"butikstyv\w*|tyveri\w* fra (en |et )?(butik|forretning|supermarked)|uden at betale|"
                r"butiksdetektiv\w*|varer for (omkring |ca\. |cirka )?\d",
                _F,
            ),
            re.compile(r"^(?![\s\S]*\b(indbrud\w*|brudt|brød|opbrudt)\b)", _F),  # a break-in is a burglary
        ),
    ),
    (
        Topic.PARCEL,
        (
            # Parcels *and* a delivery: "pakker, som fragtfirmaet havde stillet på trappen".
            re.compile(r"\bpakke(r|n|rne)?\b", _F),
            re.compile(r"trappe|hoveddør|fordør|leveret|levering|omdeler|fragt|post(nord|en|bud)|pakkeboks", _F),
        ),
    ),
)


def detect_topic(title: str, body: str) -> Topic:
    """The topic of an incident, or :attr:`Topic.NONE`; every pattern of a topic must match."""
    text = f"{title}\n{body}".lower()
    for topic, patterns in _CUES:
        if all(p.search(text) for p in patterns):
            return topic
    return Topic.NONE
