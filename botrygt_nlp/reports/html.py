"""HTML daily reports (police and local-news pages) into incident segments with source offsets.

The units from :mod:`botrygt_nlp.reports.html_tokens` are grouped into incidents: the headings at the
incident level start them, and the units after a heading in the same container belong to it. Headings are
``<h2>``…``<h6>``, accordion titles, bold-only paragraphs, elements classed as titles (``<div class="title">``),
bold-titled list items, and run-in headlines that open a paragraph (``<p><strong>Vejle:</strong> Indbrud …``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise

from botrygt_nlp.reports import cues
from botrygt_nlp.reports.html_tokens import DISCLOSURE_TAGS, HEADINGS, Tokenizer, Unit
from botrygt_nlp.reports.runin import run_in
from botrygt_nlp.reports.types import HeadingKind, Segment

_BOLD_LEVEL = 7  # bold-only paragraphs, accordion titles, title-classed elements
_ITEM_LEVEL = 8  # list items that open with a bold headline
_RUN_IN_LEVEL = 9  # run-in headlines: incidents only where nothing else repeats
_TEXT_UNITS = {"p", "#loose", "li"}
_OWN_BODY = {HeadingKind.RUN_IN}  # headings whose unit also holds the start of the body


@dataclass(frozen=True, slots=True)
class _Head:
    unit: int
    level: int
    kind: HeadingKind
    title: str
    title_end: int
    body_from: int = -1  # where the body starts in the heading unit's own text (-1: it does not)
    body_text: str | None = None  # the body within the heading unit, when it is not a suffix (table rows)


def _source_end(src: str, u: Unit, title: str) -> int:
    """Source offset just after ``title``'s last word inside unit ``u`` (the unit's end when not found)."""
    pos = u.start
    for word in title.split():
        found = src.find(word, pos, u.end)
        if found < 0:
            return u.end
        pos = found + len(word)
    return pos


def _bold_head(u: Unit) -> tuple[str, int] | None:
    """A bold headline that is the whole unit, or its first line ("<strong>Titel</strong><br>Tekst")."""
    if not (u.bold_first and u.bold_closed and u.bold):
        return None
    title = u.bold.rstrip(":").strip()
    if u.bold == u.text.rstrip(":").strip():
        return title, -1
    if u.br_after_bold:
        return title, len(u.text.split("\n", 1)[0])
    return None


def _row_head(u: Unit, index: int, src: str) -> _Head | None:
    """A table row whose cell opens with a bold headline: "<td>Rønne</td><td><b>Indbrud i villa.</b> …</td>".

    The other cells (time, place) are part of the incident's body; the row's advice goes into its last cell.
    """
    if u.header_cells or not (u.bold_first and u.bold_closed and u.bold) or u.bold_cell < 0:
        return None
    cell = " ".join(u.cells[u.bold_cell].split())
    bold = u.bold
    if cell.rstrip(":. ") == bold.rstrip(":. "):
        title, rest = bold, ""
    else:
        found = run_in(cell, bold)
        if found is None:
            return None
        title, rest = found.title, cell[found.end :].lstrip(" .:–—-")
    others = [" ".join(c.split()) for i, c in enumerate(u.cells) if i != u.bold_cell and c.strip()]
    body = "\n".join([*others, rest]).strip()
    return _Head(index, _ITEM_LEVEL, HeadingKind.BOLD, title, _source_end(src, u, title), body_text=body)


def _head_of(u: Unit, index: int, src: str) -> _Head | None:
    """Unit ``u`` as the heading of an incident, or None."""
    return _accepted(_heading(u, index, src), cues.can_be_incident_title)


def _accepted(head: _Head | None, accept: Callable[[str, str], bool]) -> _Head | None:
    """``head`` with its title cleaned, when ``accept`` (raw title, clean title) takes it."""
    if head is None:
        return None
    title = cues.clean_title(head.title)
    return replace(head, title=title) if len(title) <= 150 and accept(head.title, title) else None


def _heading(u: Unit, index: int, src: str) -> _Head | None:
    """Unit ``u`` read as a heading of any kind, its title as written, or None."""
    if u.boiler or u.preamble or u.advice or u.end < 0:
        return None
    text = u.text
    head: _Head | None = None
    if u.tag == "tr":
        head = _row_head(u, index, src)
    elif u.tag in HEADINGS:
        head = _Head(index, HEADINGS[u.tag], HeadingKind(u.tag), text, u.end)
    elif u.tag in DISCLOSURE_TAGS or (u.titled and u.tag in _TEXT_UNITS and "\n" not in text):
        head = _Head(index, _BOLD_LEVEL, HeadingKind.BOLD, text, u.end)
    elif u.tag in _TEXT_UNITS and (bold := _bold_head(u)) is not None:
        level = _ITEM_LEVEL if u.tag == "li" else _BOLD_LEVEL
        head = _Head(index, level, HeadingKind.BOLD, bold[0], u.bold_end, bold[1])
    elif u.tag in _TEXT_UNITS:
        first_line = text.split("\n", 1)[0]
        found = run_in(first_line, u.bold if u.bold_first and u.bold_closed else None)
        if found is None or found.end >= len(first_line.rstrip()):
            return None
        title_end = _source_end(src, u, found.title)
        head = _Head(index, _RUN_IN_LEVEL, HeadingKind.RUN_IN, found.title, title_end, found.end)
    return head


def _explode_lists(units: list[Unit], src: str) -> list[Unit]:
    """Lists and tables whose items are incidents ("<li><strong>Indbrud i villa</strong><br>…</li>", a row per
    incident) become their items."""
    out: list[Unit] = []
    for u in units:
        heads = sum(1 for item in u.items if _head_of(item, 0, src) is not None)
        out.extend(u.items if heads >= 2 else [u])
    return out


def _level_of(u: Unit, head: _Head | None) -> int | None:
    if head is not None:
        return head.level
    if u.tag in HEADINGS:
        return HEADINGS[u.tag]
    if u.tag in DISCLOSURE_TAGS:
        return _BOLD_LEVEL
    return _BOLD_LEVEL if u.tag in {"p", "#loose"} and u.bold_first else None


def _next_content(units: list[Unit], i: int, stop: int) -> int | None:
    for j in range(i + 1, stop):
        if _content(units[j]):
            return j
    return None


def _choose(units: list[Unit], heads: list[_Head]) -> list[_Head]:
    """The headings at the incident level (see :func:`cues.choose_incident_level`)."""
    by_unit = {h.unit: h for h in heads}
    section_like = []
    for h in heads:
        j = _next_content(units, h.unit, len(units))
        deeper = _level_of(units[j], by_unit.get(j)) if j is not None else None
        # A gathering heading always sits over its items: that makes its level no section level.
        section_like.append(deeper is not None and deeper > h.level and not cues.is_section_label(h.title))
    level = cues.choose_incident_level([h.level for h in heads], section_like)
    # A gathering heading ("Øvrige hændelser") shows which level the incidents use, but tells no incident itself:
    # its items do (see _gathered).
    return [h for h in heads if h.level == level and not cues.is_section_label(h.title)]


def _is_section_break(u: Unit, level: int) -> bool:
    if cues.is_day_line(u.text) and _level_of(u, None) is not None:
        return True  # "<p><strong>Søndag</strong></p>" between a weekend report's incidents
    if u.tag in HEADINGS and cues.is_section_label(u.text):
        return True  # "<h3>Kort nyt</h3>" over a list, among <h3> incidents
    if u.tag not in HEADINGS or HEADINGS[u.tag] >= level:
        return False
    return not cues.is_advice_heading(u.text)


def _has_advice(units: list[Unit], idx: list[int]) -> bool:
    if any(units[i].advice or units[i].has_block for i in idx):
        return True
    # A paragraph that is advice with its heading run in ("<p>Undgå indbrud: …</p>"): the short block even
    # where a CMS has dropped both its comments and its class.
    if any(units[i].tag in {"p", "#loose"} and cues.is_advice_paragraph(units[i].text) for i in idx):
        return True
    for a, b in pairwise(idx):
        if cues.is_advice_heading(units[a].text) and units[b].tag in {"ol", "ul"} and units[b].li_count >= 4:
            return True
    return False


def _content(u: Unit) -> bool:
    return not u.boiler and not u.preamble and u.end >= 0 and (bool(u.text) or u.advice)


def _chain(u: Unit) -> tuple[int, ...]:
    """The ids of the elements around a unit, its own block element included, outermost first (loose text
    records the inline element it opened on, which wraps nothing)."""
    return (*u.path, u.element) if u.element and u.tag != "#loose" else u.path


def _own_scope(units: list[Unit], h: _Head, stop: int) -> int:
    """The scope of a heading seen alone: its container, or, for a heading wrapped on its own
    (``<div class="head"><h3>…</h3></div><div class="body">``), the element that also holds the next text."""
    hu = units[h.unit]
    nxt = _next_content(units, h.unit, stop)
    if h.kind in _OWN_BODY or nxt is None:
        return hu.container
    u = units[nxt]
    if hu.container in u.ancestors or hu.container == u.container:
        return hu.container
    common = [a for a, b in zip(hu.path, u.path, strict=False) if a == b]
    return common[-1] if common else hu.container


def _scopes(units: list[Unit], heads: list[_Head]) -> list[int]:
    """For each heading, the element whose descendants may belong to its incident.

    Two neighbouring headings tell the page's layout: when they sit directly in the same element (a flat
    "h2, p, p, h2, p" page), that element is the scope; when each sits in a wrapper of its own
    (``<div class="incident">``, an ``<article>`` with a ``<header>``, an accordion item), the wrapper is the
    scope, so dates, labels and body in sibling elements of the wrapper belong to the incident and whatever
    follows the wrapper does not. The last heading follows the layout of the one before it.
    """
    scopes: list[int] = []
    depth: int | None = None  # how deep the wrappers sit, learnt from the pairs seen so far
    for n, h in enumerate(heads):
        chain = _chain(units[h.unit])
        if n + 1 < len(heads):
            other = _chain(units[heads[n + 1].unit])
            k = 0
            while k < min(len(chain), len(other)) and chain[k] == other[k]:
                k += 1
            wrapped = k < len(chain) - 1  # the heading is not directly in the shared element
            depth = k if wrapped else None
            scopes.append(chain[k] if wrapped else (chain[k - 1] if k else units[h.unit].container))
        elif depth is not None and depth < len(chain) - 1:
            scopes.append(chain[depth])
        else:
            scopes.append(_own_scope(units, h, len(units)))
    return scopes


def _headless(units: list[Unit], title_text: str, text: str) -> tuple[str, tuple[int, int], list[Segment]]:
    """A page without headings: one incident, or, when the header calls it a døgnrapport, one per paragraph
    that does not go on with the one before (see :func:`cues.continues_incident`)."""
    idx = [i for i, u in enumerate(units) if _content(u)]
    lead = 0
    while lead < len(idx) and cues.is_header_line(units[idx[lead]].text):
        lead += 1
    pre = [units[i].text for i in idx[:lead]] + [u.text for u in units if u.preamble and u.end >= 0]
    preamble = "\n".join([title_text, *pre])
    body_idx = [i for i in idx[lead:] if not (cues.is_footer_line(units[i].text) or cues.is_junk_line(units[i].text))]
    if not body_idx:
        return preamble, (0, len(text)), []
    groups = [body_idx]
    if cues.names_daily_report(preamble):
        groups = []
        for i in body_idx:
            if groups and (units[i].advice or cues.continues_incident(units[i].text)):
                groups[-1].append(i)
            else:
                groups.append([i])
    segments = [
        Segment(
            title="",
            start=units[g[0]].start,
            end=units[g[-1]].end,
            title_start=units[g[0]].start,
            title_end=units[g[0]].start,
            body=cues.normalise_for_analysis("\n\n".join(units[i].text for i in g)),
            heading=HeadingKind.NONE,
            has_advice_block=_has_advice(units, g),
            inside_paragraph=units[g[-1]].inside_paragraph,
        )
        for g in groups
    ]
    return preamble, (0, units[body_idx[0]].start), segments


def _candidates(units: list[Unit], src: str) -> tuple[list[_Head], list[_Head]]:
    """The headings that may start an incident, and the warning headlines ("Pas på …", "Gode råd …") that start
    one only when they head a story of their own (see :func:`_own_stories`)."""
    heads: list[_Head] = []
    warnings: list[_Head] = []
    for i, u in enumerate(units):
        head = _heading(u, i, src)
        if (incident := _accepted(head, cues.can_be_incident_title)) is not None:
            heads.append(incident)
        elif head is not None and head.kind is not HeadingKind.RUN_IN:
            warnings.extend(w for w in [_accepted(head, cues.may_head_own_story)] if w is not None)
    if sum(h.level == _RUN_IN_LEVEL for h in heads) < 2:
        # One "Town: …" paragraph proves nothing (quotes and labels look alike); two or more make a pattern.
        heads = [h for h in heads if h.level != _RUN_IN_LEVEL]
    return heads, warnings


def _own_stories(units: list[Unit], heads: list[_Head], warnings: list[_Head]) -> tuple[list[_Head], set[int]]:
    """``heads`` with the warning headlines at the incident level whose body tells a crime (see
    :func:`cues.tells_incident`), and the units of those over tips about another crime than the incident above
    (:func:`cues.tips_for_another_crime`), which end that incident; one over its own advice stays a sub-heading
    of the incident above it."""
    if not heads or not warnings:
        return heads, set()
    level = heads[0].level
    taken = {h.unit for h in heads}
    own: list[_Head] = []
    foreign: set[int] = set()
    for w in warnings:
        if w.level != level:
            continue
        body: list[str] = []
        for k in range(w.unit + 1, len(units)):
            v = units[k]
            if v.end < 0 or v.boiler or v.preamble or v.advice:
                continue
            v_level = _level_of(v, None)
            if k in taken or (v_level is not None and v_level <= level):
                break  # the next incident, or a heading as high as this one: the body ends here
            body.append(v.text)
        if cues.tells_incident("\n".join(body)):
            own.append(w)
            continue
        above = [h for h in heads if h.unit < w.unit]
        if above and cues.tips_for_another_crime(w.title, above[-1].title):
            foreign.add(w.unit)
    return (sorted([*heads, *own], key=lambda h: h.unit) if own else heads), foreign


def _with_table_rows(units: list[Unit], heads: list[_Head], candidates: list[_Head]) -> list[_Head]:
    """``heads`` with the table rows that open with a bold headline after the first incident, where the
    incidents are headings: a report that goes on with a table of short incidents ("<tr><td><strong>Tyveri af
    knallert</strong> …</td></tr>") after its headed ones. Each row is an incident of its own, with its advice in
    its last cell, instead of a part of the heading above (whose advice then landed in the last row's cell)."""
    if not heads or heads[0].level >= _ITEM_LEVEL:
        return heads
    taken = {h.unit for h in heads}
    rows = [
        c
        for c in candidates
        if c.unit not in taken and c.unit > heads[0].unit and c.level == _ITEM_LEVEL and units[c.unit].tag == "tr"
    ]
    return sorted([*heads, *rows], key=lambda h: h.unit) if rows else heads


def segment_html(text: str) -> tuple[str, tuple[int, int], list[Segment]]:
    """Split an HTML report. Returns the preamble's plain text, its (start, end) and the incident segments."""
    tok = Tokenizer(text)
    tok.feed(text)
    tok.close()
    units = _explode_lists(tok.units, text)
    candidates, warnings = _candidates(units, text)
    heads, foreign_tips = _own_stories(units, _choose(units, candidates), warnings)
    heads = _with_table_rows(units, heads, candidates)
    title_text = " ".join(tok.title_parts)
    if not heads:
        return _headless(units, title_text, text)

    first_unit = heads[0].unit
    pre_texts = [title_text] + [u.text for u in units[:first_unit] if not u.boiler and u.end >= 0]
    segments: list[Segment] = []
    scopes = _scopes(units, heads)
    for n, h in enumerate(heads):
        hu = units[h.unit]
        stop = heads[n + 1].unit if n + 1 < len(heads) else len(units)
        scope = scopes[n]
        members = [h.unit]
        after_junk = False
        # An item of an exploded list or table holds its whole incident; its siblings are never part of it.
        for i in range(h.unit + 1, stop if hu.tag not in {"li", "tr"} else h.unit + 1):
            u = units[i]
            if u.end < 0 or u.boiler or u.preamble:
                continue
            if scope not in u.ancestors and scope != u.container:
                break  # left the heading's container: the page goes on with something else
            if _is_section_break(u, h.level) or i in foreign_tips:
                break  # a heading above the incident level ("<h2>Øvrige hændelser</h2>" over <h3> incidents)
            if n + 1 == len(heads) and cues.is_footer_line(u.text):
                break
            if not u.advice and (cues.is_junk_line(u.text) or (after_junk and u.tag in {"ul", "ol"})):
                # "Læs også", share and ad furniture (and the link list under such a label) is skipped,
                # so the incident, and any advice after it, ends on its own last words.
                after_junk = True
                continue
            after_junk = False
            if u.text or u.advice:
                members.append(i)
        last = units[members[-1]]
        body_parts = [units[i].text for i in members[1:]]
        if h.body_text is not None:
            body_parts.insert(0, h.body_text)
        elif h.body_from >= 0:
            # "<p><strong>Title</strong><br>Body…</p>", "<p>Vejle: Indbrud i villa. Natten …</p>": the body
            # starts inside the heading's own unit.
            body_parts.insert(0, hu.text[h.body_from :].lstrip(" .:–—-\n"))
        segments.append(
            Segment(
                title=h.title,
                start=hu.start,
                end=max(last.end, h.title_end if members == [h.unit] else last.end),
                title_start=hu.start,
                title_end=h.title_end,
                body=cues.normalise_for_analysis("\n\n".join(p for p in body_parts if p)),
                heading=h.kind,
                has_advice_block=_has_advice(units, members),
                inside_paragraph=last.inside_paragraph,
            )
        )
    gathered = _gathered(text, units, heads)
    if gathered:
        segments = sorted([*segments, *gathered], key=lambda seg: seg.start)
    return "\n".join(pre_texts), (0, units[first_unit].start), segments


_LIST_CLOSE = re.compile(r"(?:\s*</li\s*>)?\s*</(?:ul|ol)\s*>", re.IGNORECASE)


def _after_list(text: str, last: Unit) -> int:
    """Where advice goes after the last unit of a gathered list: after its list's closing tag when the unit is a
    list item (an exploded list keeps only its items), else after the unit; -1 when the list does not close."""
    if last.tag != "li":
        return last.end
    closed = _LIST_CLOSE.match(text, last.end)
    return closed.end() if closed else -1


def _gathered(text: str, units: list[Unit], heads: list[_Head]) -> list[Segment]:
    """The items under a gathering heading ("<h3>Kort nyt</h3>" over a list or short paragraphs), each an
    incident of its own whose advice goes after the whole list (``advice_at``); a rerun finds the block there.

    A label above the incident level with incidents of its own under it ("<h2>Øvrige hændelser</h2>" over <h3>
    incidents) groups them, and a line under it is its introduction, not an item."""
    head_units = {h.unit for h in heads}
    out: list[Segment] = []
    for k, label in enumerate(units):
        if label.tag not in HEADINGS or label.end < 0 or not cues.is_section_label(label.text):
            continue
        members: list[int] = []
        stopped_by_head = False
        for i in range(k + 1, len(units)):
            v = units[i]
            if v.end < 0 or v.boiler or v.preamble:
                continue
            if i in head_units or v.tag in HEADINGS or cues.is_footer_line(v.text) or cues.is_junk_line(v.text):
                stopped_by_head = i in head_units
                break  # the next incident or section, or the page's furniture
            members.append(i)
        if stopped_by_head and HEADINGS[label.tag] < heads[0].level:
            continue
        items: list[Unit] = []
        listed: list[int] = []
        for i in members:
            v = units[i]
            if v.advice or v.has_block or cues.is_advice_heading(v.text):
                break
            if v.tag in {"ul", "ol"} and v.items:
                items.extend(item for item in v.items if item.text and item.end >= 0)
            elif v.tag in _TEXT_UNITS and v.text:
                items.append(v)
            else:
                continue
            listed.append(i)
        if not items:
            continue
        has_block = _has_advice(units, members)
        list_end = _after_list(text, units[listed[-1]])
        if list_end < 0:
            continue  # markup around the list not understood: no place for advice that keeps the list whole
        out.extend(
            Segment(
                title="",
                start=item.start,
                end=item.end,
                title_start=item.start,
                title_end=item.start,
                body=cues.normalise_for_analysis(item.text),
                heading=HeadingKind.ITEM,
                has_advice_block=has_block,
                advice_at=list_end,
            )
            for item in items
        )
    return out
