"""Run-in headlines: an incident whose headline opens its first paragraph instead of standing on its own line.

Local media and press e-mails write incidents like ``Vejle: Indbrud i villa. Natten til …``,
``HORSENS: Indbrud i lejlighed. Mellem kl. 9 …``, ``**Børkop:** Værktøj stjålet …``,
``🚐 Tyveri fra håndværkerbil i Ikast: Natten til …`` or ``<p><strong>Indbrud i villa i Ry.</strong> Tyven …``.
:func:`run_in` finds such a lead-in in one line of visible text and says which characters are the headline;
the format parsers map that back to source offsets. A single match proves little (``Vagtchef Hansen:``
quotes look alike), so the parsers only use run-ins when at least two paragraphs of a report have one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from botrygt_nlp.reports import cues

_UPPER = "A-ZÆØÅ"
_WORD = r"[\wÆØÅæøå.'’&-]+"
# "Vejle", "Aarhus C", "Nørre Alslev", "HORSENS", "Ny Ellebjerg": one to four capitalised words, then a colon.
# Police lists add the street after a comma: "Aarhus V, Ringvej Syd:", "Randers C, Torvegade 12:".
_PLACE = rf"[{_UPPER}]{_WORD}(?:[ \u00a0]+[{_UPPER}0-9](?:{_WORD})?){{0,3}}"
_STREET = rf"(?:,[ \u00a0]+[{_UPPER}0-9](?:{_WORD})?(?:[ \u00a0]+[\wÆØÅæøå.'’&-]+){{0,4}})?"
_TOWN = re.compile(rf"^(?P<town>{_PLACE}{_STREET})[ \u00a0]*:[ \u00a0]+(?=\S)")
# Speakers and labels that take a colon in running text but are no place names.
_NOT_TOWN = re.compile(
    r"^(politiet|vagtchef\w*|vagthavende|politikommissær|politiinspektør|politiassistent|pressechef|"
    r"kommunikation\w*|bemærk|obs|nb|note|kilde|foto|video|citat|opdatering|rettelse|fakta|baggrund|"
    r"resultat|status|konklusion|spørgsmål|svar|fra|til|emne|sendt|cc|dato)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](?=[ \u00a0]+[\"«]?[" + _UPPER + r"0-9])")
_SEPARATOR = re.compile(r"^[ \u00a0]*(?:[.:!]|[–—-](?=[ \u00a0]))?[ \u00a0]*(?=[\"«" + _UPPER + r"0-9])")
_MAX_TITLE_WORDS = 14
_MAX_TITLE_CHARS = 100


@dataclass(frozen=True, slots=True)
class RunIn:
    """The headline of a run-in incident: ``visible[start:end]`` (cleaned into ``title``)."""

    start: int
    end: int
    title: str


def _short_headline(text: str, min_words: int = 2) -> bool:
    words = text.split()
    return min_words <= len(words) <= _MAX_TITLE_WORDS and len(text) <= _MAX_TITLE_CHARS


_ABBREVIATION = re.compile(r"(?:^|\W)(kl|ca|nr|bl\.a|fx|f\.eks|mv|o\.l|pga|jf|tlf|st|skt|dvs|inkl|ekskl)$", re.I)


def _first_sentence_end(visible: str, start: int, min_words: int = 2) -> int | None:
    """End of a short first sentence starting at ``start`` ("Indbrud i villa."), when more text follows."""
    for m in _SENTENCE_END.finditer(visible, start):
        if _ABBREVIATION.search(visible[start : m.start()]):
            continue  # "mellem kl. 8 og 16": not the end of the sentence
        return m.start() if _short_headline(visible[start : m.start()], min_words) else None
    return None


_BULLET_SYMBOLS = "•▪►▶➡→"
_JOINERS = "\u200d\ufe0f"  # zero-width joiner and emoji variation selector inside one emoji


def is_symbol(ch: str) -> bool:
    """An emoji or bullet symbol that may lead a social-media incident line."""
    return unicodedata.category(ch) in {"So", "Sk", "Cs"} or ch in _BULLET_SYMBOLS


def _symbol_lead(visible: str) -> int:
    """Length of a leading run of emoji or bullet symbols ("🚐 ", "➡️ "), spaces after it included."""
    i = 0
    while i < len(visible) and (is_symbol(visible[i]) or (i and visible[i] in _JOINERS + " \u00a0")):
        i += 1
    return i if i and is_symbol(visible[0]) else 0


def _acceptable(title: str) -> bool:
    clean = cues.clean_title(title)
    return bool(clean) and cues.can_be_incident_title(clean, clean) and not clean.lower().startswith("døgnrapport")


def _done(visible: str, start: int, end: int) -> RunIn | None:
    title = cues.clean_title(visible[start:end]).rstrip(".!–—- ")
    if not _acceptable(title):
        return None
    return RunIn(start, end, title)


def _town_lead(visible: str, start: int) -> RunIn | None:
    m = _TOWN.match(visible[start:])
    if m is None:
        return None
    town = m.group("town")
    if _NOT_TOWN.match(town) or cues.is_label_line(town + ":") or cues.is_advice_heading(town):
        return None
    # After a place name even one word names the incident ("Brøndby: Trafikuheld. En bil …").
    end = _first_sentence_end(visible, start + m.end(), min_words=1)
    return _done(visible, start, end if end is not None else start + m.end("town"))


def run_in(visible: str, bold: str | None = None) -> RunIn | None:
    """The run-in headline at the start of ``visible`` (a paragraph's first line, markup removed), if any.

    ``bold`` is the text of a bold run that opens the line (HTML ``<strong>``, Markdown ``**…**``); a short bold
    headline followed by more text is a run-in headline by itself.
    """
    if not visible.strip():
        return None
    lead = len(visible) - len(visible.lstrip(" \u00a0\t"))
    if bold:
        b = bold.strip()
        b_end = visible.find(b, lead)
        if b_end < 0:
            return None
        b_end += len(b)
        rest = visible[b_end:]
        if b.endswith(":") or rest.lstrip(" \u00a0").startswith(":"):
            found = _town_lead(visible, lead)
            if found is not None:
                return found
        sep = _SEPARATOR.match(rest)
        # A bold lead closed by its own full stop or colon may be one word ("<b>Spirituskørsel.</b> En …").
        min_words = 1 if b[-1:] in ".:" else 2
        if sep is not None and rest.strip() and _short_headline(b.rstrip(".:!"), min_words):
            return None if _NOT_TOWN.match(b) else _done(visible, lead, b_end)
        return None
    symbols = _symbol_lead(visible[lead:])
    if not symbols and visible.find(":", lead, lead + _MAX_TITLE_CHARS) < 0:
        return None  # no lead-in ends in a colon here: the common case of a body paragraph, decided cheaply
    if symbols:
        start = lead + symbols
        colon = visible.find(":", start)
        if colon > start and _short_headline(visible[start:colon]) and visible[colon + 1 : colon + 2].isspace():
            return _done(visible, start, colon)
        end = _first_sentence_end(visible, start)
        return _done(visible, start, end) if end is not None else None
    return _town_lead(visible, lead)
