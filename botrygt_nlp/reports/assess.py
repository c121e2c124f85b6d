"""How an incident is handed to the analyzer: its headline is read as the first paragraph of its text.

Døgnrapport incidents are often one short sentence under a telling headline ("Tyveri fra varebil i Grenaa" /
"Der blev stjålet en slagboremaskine."). The body alone says too little, and the analyzer's ``title`` feature
alone does not outweigh it, so short incidents were read as not relevant. Reading the headline as the first
paragraph, as a reader does, fixes that; the spans in the assessment are then moved back so that they stay
offsets into the incident's body (the API's and the web page's contract).
"""

from __future__ import annotations

import dataclasses
import re

from botrygt_nlp.domain import Assessment, Assessor, Span

_SEPARATOR = "\n\n"
# The assessment's tuple-valued fields: where its spans are (read once; dataclasses.fields is not free).
_SPAN_FIELDS = tuple(f.name for f in dataclasses.fields(Assessment) if "tuple" in str(f.type))
# "Der blev stjålet følgende:" over "- to bærbare computere" / "- et smykkeskrin": a list of loot, which the
# analyzer reads like a list of tips (list items are its strongest advice cue), so an incident that only
# lists what was taken passed as constructive and got no advice. Such lists are read as one sentence.
_BULLET = r"(?:[-*•–]|\d{1,2}[.)])[ \t]+"
# An intro line ending in ":" and then either bulleted items (blank lines allowed between them) or plain lines
# right under it (an HTML list arrives as lines without bullets).
# Anchored at a line start and bounded, so a long line full of colons costs linear time, not quadratic.
_LIST = re.compile(
    rf"(?m)^(?P<intro>[^\n]{{0,300}}:)[ \t]*(?P<items>(?:\n+[ \t]*{_BULLET}[^\n]{{1,80}}(?=\n|$))+"
    rf"|(?:\n[ \t]*\S[^\n]{{0,79}}(?=\n|$))+)"
)
_LOOT_INTRO = re.compile(
    r"(stjålet|stjal|stjæler|tog|taget|forsvandt|forsvundet|mangler|savnes|følgende|tyvekoster(ne)?|bl\.\s?a\.|"
    r"blandt andet|bestod af|drejer sig om)\W*:$",
    re.IGNORECASE,
)
_ADVICE_INTRO = re.compile(r"anbefal|råd|opfordr|husk|sørg|undgå|\btips?\b|sådan", re.IGNORECASE)
_ITEM = re.compile(rf"(?P<sep>\n+[ \t]*(?:{_BULLET})?)(?P<thing>[^\n]+)")


def _inline_loot(m: re.Match[str]) -> str:
    intro, items = m.group("intro"), m.group("items")
    if not _LOOT_INTRO.search(intro) or _ADVICE_INTRO.search(intro):
        return m.group(0)
    out = [m.group(0)[: m.start("items") - m.start()]]
    done = 0
    for n, item in enumerate(_ITEM.finditer(items)):
        thing = item.group("thing")
        if len(thing.split()) > 8 or thing.rstrip().endswith((".", "!", "?", ":")):
            break  # a sentence, not a thing: the list ends here
        # Same length as the original, so offsets into the body stay valid: ", " plus spaces, or one ",".
        out += [("," if n else " ").ljust(len(item.group("sep"))), thing]
        done = item.end()
    return "".join(out) + items[done:]


def loot_lists_as_sentences(body: str) -> str:
    """``body`` with lists of stolen things written as one sentence, at the same length."""
    return _LIST.sub(_inline_loot, body)


def incident_text(title: str, body: str) -> tuple[str, int]:
    """The text the analyzer reads for an incident, and where ``body`` starts in it."""
    if title and body:
        return f"{title}{_SEPARATOR}{body}", len(title) + len(_SEPARATOR)
    return body or title, 0


def assess_incident(analyzer: Assessor, title: str, body: str) -> Assessment:
    """Assess one incident; every span in the result is an offset into ``body``, its text taken from it."""
    read = loot_lists_as_sentences(body)
    text, offset = incident_text(title, read)
    assessment = analyzer.assess(text, title=title or None)
    return _spans_into_body(assessment, offset, body)


def _spans_into_body(a: Assessment, offset: int, body: str) -> Assessment:
    """``a`` with every span moved back by ``offset`` and its text read from ``body``; spans inside the
    headline are dropped."""
    changes: dict[str, object] = {}
    for name in _SPAN_FIELDS:
        value = getattr(a, name)
        if isinstance(value, tuple) and value and all(isinstance(s, Span) for s in value):
            changes[name] = tuple(
                dataclasses.replace(
                    s, start=s.start - offset, end=s.end - offset, text=body[s.start - offset : s.end - offset]
                )
                for s in value
                if s.start >= offset
            )
    return dataclasses.replace(a, **changes) if changes else a  # type: ignore[arg-type]
