"""HTML daily reports (police and local-news pages) into incident segments with source offsets.

The standard library's ``HTMLParser`` is used because it reports where each token starts in the source,
which lxml and BeautifulSoup do not; we need exact offsets to insert advice without touching a byte of the
page. Tokens are grouped into *units* (a paragraph, heading, list, table, or loose inline text); units inside
navigation, cookie banners, footers and scripts never become incidents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import pairwise

from botrygt_nlp.reports import cues
from botrygt_nlp.reports.types import HeadingKind, Segment


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


_UNIT_TAGS = _tags("p h1 h2 h3 h4 h5 h6 ul ol table blockquote pre dl figure address")
# Start tags that end an open <p> or heading implicitly, as an HTML5 parser would.
_CLOSES_P = _UNIT_TAGS | _tags("div section article main aside nav header footer form hr li details")
_INLINE = _tags(
    "a abbr b bdi bdo br cite code data dfn em i img kbd mark q s samp small span strong sub sup time u var "
    "wbr font label"
)
_VOID = _tags("area base br col embed hr img input link meta param source track wbr")
_RAW = {"script", "style", "template", "noscript", "iframe", "svg", "math", "object", "textarea", "select"}
_BOILER_TAGS = {"nav", "footer", "aside", "form", "button", "dialog", "menu"}
_PREAMBLE_TAGS = {"header", "head"}
_BOILER_ATTR = re.compile(
    r"cookie|consent|gdpr|banner|\bmenu|navigation|navbar|\bnav\b|breadcrumb|footer|share|social|newsletter|"
    r"sidebar|skip|related|login|search|advert|\bad\b|promo|subscribe|annonce|reklame|sponsor|read-?more|"
    r"read-?also|laes-?ogsaa|læs-?også|cookiebot|onetrust",
    re.IGNORECASE,
)
# Accordion / disclosure titles: <summary>, or a <button> that opens a panel. On many police and news pages
# each incident is an <article> or accordion item titled this way, so these are headings, not page chrome.
_DISCLOSURE_TAGS = {"button", "summary"}
_DISCLOSURE_ATTRS = {"aria-expanded", "aria-controls", "data-bs-toggle", "data-toggle"}
_DISCLOSURE_CLASS = re.compile(r"accordion|toggle|collaps|expand|disclosure|fold", re.IGNORECASE)
_BOLD = {"strong", "b"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SPACES = re.compile(r"[ \t\u00a0]+")


@dataclass(slots=True)
class _Unit:
    tag: str
    start: int
    container: int  # id of the element the unit sits in
    ancestors: frozenset[int]
    boiler: bool
    preamble: bool
    advice: bool
    end: int = -1
    parts: list[str] = field(default_factory=list)
    bold_text: list[str] = field(default_factory=list)
    bold_end: int = -1
    bold_first: bool = False  # the unit's first visible content is bold
    bold_closed: bool = False
    br_after_bold: bool = False
    li_count: int = 0
    depth: int = 0

    closed_text: str | None = None  # set when the unit closes; text is read many times afterwards

    @property
    def text(self) -> str:
        if self.closed_text is not None:
            return self.closed_text
        return _SPACES.sub(" ", "".join(self.parts)).strip()

    @property
    def bold(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.bold_text).replace("\u00a0", " ")).strip()


@dataclass(slots=True)
class _Open:
    tag: str
    ident: int
    boiler: bool
    preamble: bool
    raw: bool


class _Tokenizer(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self._src = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.units: list[_Unit] = []
        self.title_parts: list[str] = []
        self._stack: list[_Open] = []
        self._cur: _Unit | None = None
        self._ids = 0
        self._advice = False
        self._in_title = False
        self._in_bold = 0
        self._pending_br: int | None = None

    # -- positions ----------------------------------------------------------------------------------
    def _pos(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _tag_end(self, start: int) -> int:
        end = self._src.find(">", start)
        return len(self._src) if end < 0 else end + 1

    # -- context ------------------------------------------------------------------------------------
    # Each open element carries its ancestors' flags, so these are O(1) even on deeply nested pages.
    def _boiler(self) -> bool:
        return bool(self._stack) and self._stack[-1].boiler

    def _preamble(self) -> bool:
        return bool(self._stack) and self._stack[-1].preamble

    def _raw(self) -> bool:
        return bool(self._stack) and self._stack[-1].raw

    def _open_unit(self, tag: str, start: int, element: _Open | None = None) -> _Unit:
        container = self._stack[-1].ident if self._stack else 0
        own_boiler = element is not None and element.boiler
        own_preamble = element is not None and element.preamble
        u = _Unit(
            tag=tag,
            start=start,
            container=container,
            ancestors=frozenset(o.ident for o in self._stack),
            boiler=self._boiler() or own_boiler,
            preamble=self._preamble() or own_preamble,
            advice=self._advice,
        )
        self.units.append(u)
        self._cur = u
        return u

    def _close_unit(self, end: int) -> None:
        u = self._cur
        if u is None:
            return
        # Trim trailing whitespace so the insertion point sits right after the last visible character.
        while end > u.start and self._src[end - 1] in " \t\r\n\u00a0":
            end -= 1
        u.end = end
        u.closed_text = u.text
        self._cur = None
        self._pending_br = None
        self._in_bold = 0

    # -- HTMLParser callbacks -----------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._pos()
        cur = self._cur
        if cur is not None and (
            (cur.tag in {"p", "h1", "h2", "h3", "h4", "h5", "h6"} and tag in _CLOSES_P)
            or (cur.tag == "#loose" and tag not in _INLINE)
        ):
            self._close_unit(start)
            cur = None
        if tag == "br" and cur is not None:
            if cur.tag == "#loose" and self._pending_br is not None:
                # <br><br> in loose text separates blocks, like an empty line.
                self._close_unit(self._pending_br)
                return
            self._pending_br = start
            if cur.bold_first and cur.bold_closed and cur.text.rstrip(": ") == cur.bold.rstrip(": "):
                cur.br_after_bold = True
            cur.parts.append("\n")
            return
        if tag in _VOID:
            return
        attr_text = " ".join(f"{v}" for k, v in attrs if k in {"class", "id", "role", "aria-label"} and v)
        self._ids += 1
        if self._stack and (
            (tag in _CLOSES_P and self._stack[-1].tag == "p") or (tag == "li" and self._stack[-1].tag == "li")
        ):
            # "<p>a<p>b" and "<li>a<li>b": the open element ends here, as in HTML5; without this an
            # unclosed-paragraph page would nest thousands deep.
            self._stack.pop()
        attr_boiler = bool(attr_text and _BOILER_ATTR.search(attr_text))
        disclosure = _is_disclosure(tag, attrs) and not attr_boiler
        own_boiler = (tag in _BOILER_TAGS and not disclosure) or attr_boiler
        element = _Open(
            tag=tag,
            ident=self._ids,
            boiler=own_boiler or self._boiler(),
            preamble=tag in _PREAMBLE_TAGS or self._preamble(),
            raw=tag in _RAW or self._raw(),
        )
        if tag == "title":
            self._in_title = True
        if not (self._raw() or element.raw):
            # The unit opens before its own element is pushed: its ancestors are the elements around it.
            if cur is None and (tag in _UNIT_TAGS or disclosure):
                cur = self._open_unit(tag, start, element)
                cur.depth = 1
            elif cur is None and tag in _INLINE:
                cur = self._open_unit("#loose", start, element)
            elif cur is not None and tag == cur.tag:
                cur.depth += 1
        self._stack.append(element)
        if self._raw():
            return
        if cur is not None:
            if tag == "li":
                cur.li_count += 1
            if tag in _BOLD:
                if not cur.text and not cur.bold_text:
                    cur.bold_first = True
                self._in_bold += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag not in _VOID:
            self.handle_starttag(tag, attrs)
            if tag not in _VOID:
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        start = self._pos()
        end = self._tag_end(start)
        if tag == "title":
            self._in_title = False
        if tag not in {o.tag for o in self._stack}:
            return  # stray end tag: ignore, as browsers do
        cur = self._cur
        if cur is not None and tag in _BOLD and self._in_bold:
            self._in_bold -= 1
            if cur.bold_first and not cur.bold_closed:
                cur.bold_closed = True
                cur.bold_end = end
        while self._stack:
            o = self._stack.pop()
            if cur is not None and o.ident not in cur.ancestors and o.tag == cur.tag:
                cur.depth -= 1
                if cur.depth <= 0:
                    # Closed by its own end tag, or implicitly by an outer one (<p>text</article>).
                    self._close_unit(end if o.tag == tag else start)
                    cur = None
            elif cur is not None and o.ident in cur.ancestors:
                # An ancestor closes while the unit is still open (e.g. <div><p>text</div>).
                self._close_unit(start)
                cur = None
            if o.tag == tag:
                break
        if cur is not None and cur.tag == "#loose" and tag not in _INLINE:
            self._close_unit(start)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._raw():
            return
        if self._cur is None:
            if not data.strip(" \t\r\n\u00a0"):
                return
            self._open_unit("#loose", self._pos())
        cur = self._cur
        assert cur is not None
        if data.strip():
            self._pending_br = None
        text = re.sub(r"[\r\n]+", " ", data)
        cur.parts.append(text)
        if self._in_bold and cur.bold_first and not cur.bold_closed:
            cur.bold_text.append(text)

    def handle_comment(self, data: str) -> None:
        start = self._pos()
        raw = f"<!--{data}-->"
        if cues.ADVICE_START_RE.fullmatch(raw):
            self._close_unit(start)
            self._advice = True
        if self._advice and self._cur is None:
            # The marker comments are units of their own, so the incident's end covers the whole block.
            u = self._open_unit("#marker", start)
            u.end = start + len(raw)
            self._cur = None
        if cues.ADVICE_END_RE.fullmatch(raw):
            self._close_unit(start)
            self._advice = False

    def close(self) -> None:
        super().close()
        self._close_unit(len(self._src))


def _is_disclosure(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    if tag == "summary":
        return True
    if tag != "button":
        return False
    if any(k in _DISCLOSURE_ATTRS for k, _ in attrs):
        return True
    return any(k in {"class", "id"} and v and _DISCLOSURE_CLASS.search(v) for k, v in attrs)


@dataclass(frozen=True, slots=True)
class _Head:
    unit: int
    level: int
    kind: HeadingKind
    title: str
    title_end: int


def _head_of(u: _Unit, index: int) -> _Head | None:
    if u.boiler or u.preamble or u.advice or u.end < 0:
        return None
    text = u.text
    if u.tag in _HEADINGS:
        head = _Head(index, _HEADINGS[u.tag], HeadingKind(u.tag), text, u.end)
    elif u.tag in _DISCLOSURE_TAGS:
        head = _Head(index, 7, HeadingKind.BOLD, text, u.end)
    elif u.tag in {"p", "#loose"} and u.bold_first and u.bold_closed and u.bold:
        if u.bold == text.rstrip(":").strip() or u.br_after_bold:
            head = _Head(index, 7, HeadingKind.BOLD, u.bold.rstrip(":").strip(), u.bold_end)
        else:
            return None
    else:
        return None
    title = cues.clean_title(head.title)
    if len(title) > 150 or not cues.can_be_incident_title(head.title, title):
        return None
    return _Head(head.unit, head.level, head.kind, title, head.title_end)


def _level_of(u: _Unit) -> int | None:
    if u.tag in _HEADINGS:
        return _HEADINGS[u.tag]
    if u.tag in _DISCLOSURE_TAGS:
        return 7
    return 7 if u.tag in {"p", "#loose"} and u.bold_first else None


def _choose(units: list[_Unit], heads: list[_Head]) -> list[_Head]:
    """The headings at the incident level (see :func:`cues.choose_incident_level`)."""
    section_like = []
    for h in heads:
        j = h.unit + 1
        while j < len(units) and not _content(units[j]):
            j += 1
        deeper = _level_of(units[j]) if j < len(units) else None
        section_like.append(deeper is not None and deeper > h.level)
    level = cues.choose_incident_level([h.level for h in heads], section_like)
    return [h for h in heads if h.level == level]


def _is_section_break(u: _Unit, level: int) -> bool:
    if u.tag not in _HEADINGS or _HEADINGS[u.tag] >= level:
        return False
    return not cues.is_advice_heading(u.text)


def _has_advice(units: list[_Unit], idx: list[int]) -> bool:
    if any(units[i].advice for i in idx):
        return True
    for a, b in pairwise(idx):
        if cues.is_advice_heading(units[a].text) and units[b].tag in {"ol", "ul"} and units[b].li_count >= 4:
            return True
    return False


def _content(u: _Unit) -> bool:
    return not u.boiler and not u.preamble and u.end >= 0 and (bool(u.text) or u.advice)


def segment_html(text: str) -> tuple[str, tuple[int, int], list[Segment]]:
    """Split an HTML report. Returns the preamble's plain text, its (start, end) and the incident segments."""
    tok = _Tokenizer(text)
    tok.feed(text)
    tok.close()
    units = tok.units
    heads = _choose(units, [h for i, u in enumerate(units) if (h := _head_of(u, i)) is not None])
    title_text = " ".join(tok.title_parts)

    if not heads:
        idx = [i for i, u in enumerate(units) if _content(u)]
        lead = 0
        while lead < len(idx) and cues.is_header_line(units[idx[lead]].text):
            lead += 1
        pre = [units[i].text for i in idx[:lead]] + [u.text for u in units if u.preamble and u.end >= 0]
        body_idx = [
            i for i in idx[lead:] if not (cues.is_footer_line(units[i].text) or cues.is_junk_line(units[i].text))
        ]
        if not body_idx:
            return "\n".join([title_text, *pre]), (0, len(text)), []
        first, last = units[body_idx[0]], units[body_idx[-1]]
        seg = Segment(
            title="",
            start=first.start,
            end=last.end,
            title_start=first.start,
            title_end=first.start,
            body=cues.normalise_for_analysis("\n\n".join(units[i].text for i in body_idx)),
            heading=HeadingKind.NONE,
            has_advice_block=_has_advice(units, body_idx),
        )
        return "\n".join([title_text, *pre]), (0, first.start), [seg]

    first_unit = heads[0].unit
    pre_texts = [title_text] + [u.text for u in units[:first_unit] if not u.boiler and u.end >= 0]
    segments: list[Segment] = []
    for n, h in enumerate(heads):
        hu = units[h.unit]
        stop = heads[n + 1].unit if n + 1 < len(heads) else len(units)
        members = [h.unit]
        after_junk = False
        for i in range(h.unit + 1, stop):
            u = units[i]
            if u.end < 0 or u.boiler or u.preamble:
                continue
            if hu.container not in u.ancestors and hu.container != u.container:
                break  # left the heading's container: the page goes on with something else
            if _is_section_break(u, h.level):
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
        if hu.tag in {"p", "#loose"} and hu.br_after_bold:
            # "<p><strong>Title</strong><br>Body…</p>": the body starts after the bold title.
            body_parts.insert(0, hu.text[len(h.title) :].lstrip(" :\n"))
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
            )
        )
    return "\n".join(pre_texts), (0, units[first_unit].start), segments
