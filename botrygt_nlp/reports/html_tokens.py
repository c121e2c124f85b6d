"""Tokens of an HTML report grouped into *units* with exact source offsets.

The standard library's ``HTMLParser`` is used because it reports where each token starts in the source,
which lxml and BeautifulSoup do not; we need exact offsets to insert advice without touching a byte of the
page. Tokens are grouped into units (a paragraph, heading, list, table, or loose inline text); units inside
navigation, cookie banners, footers and scripts are flagged so they never become incidents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

from botrygt_nlp.reports import cues


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
_BOILER_ATTR = re.compile(
    r"cookie|consent|gdpr|banner|\bmenu|navigation|navbar|\bnav\b|breadcrumb|footer|share|social|newsletter|"
    r"sidebar|skip|related|login|search|advert|\bad\b|promo|subscribe|annonce|reklame|sponsor|read-?more|"
    r"read-?also|laes-?ogsaa|læs-?også|cookiebot|onetrust",
    re.IGNORECASE,
)
# Accordion / disclosure titles: <summary>, or a <button> that opens a panel. On many police and news pages
# each incident is an <article> or accordion item titled this way, so these are headings, not page chrome.
DISCLOSURE_TAGS = {"button", "summary"}
_DISCLOSURE_ATTRS = {"aria-expanded", "aria-controls", "data-bs-toggle", "data-toggle"}
_DISCLOSURE_CLASS = re.compile(r"accordion|toggle|collaps|expand|disclosure|fold", re.IGNORECASE)
_BOLD = {"strong", "b"}
_LISTS = {"ul", "ol"}
_CELLS = {"td", "th"}
_WITH_ITEMS = _LISTS | {"table"}  # units whose <li>/<tr> items may be incidents of their own
_CONTENT_TAGS = {"article", "section", "main"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SPACES = re.compile(r"[ \t\u00a0]+")
# Elements styled as headlines without being <h2>/<strong>: <div class="title">, <span class="incident-heading">.
_TITLE_ATTR = re.compile(r"(?:^|[\s_-])(title|titel|heading|headline|overskrift|rubrik)(?:$|[\s_-])", re.I)
# The rewriter's own block (its class survives CMS editors that strip HTML comments).
_ADVICE_CLASS = re.compile(r"\bbotrygt-advice\b")


@dataclass(slots=True)
class Unit:
    tag: str
    start: int
    container: int  # id of the element the unit sits in
    path: tuple[int, ...]  # ids of the open elements around the unit, outermost first
    ancestors: frozenset[int]  # the same ids as a set, for the many membership tests
    boiler: bool
    preamble: bool
    advice: bool
    element: int = 0  # id of the unit's own element (0 for loose text)
    titled: bool = False  # sits in an element whose class says it is a headline
    end: int = -1
    parts: list[str] = field(default_factory=list)
    bold_text: list[str] = field(default_factory=list)
    bold_end: int = -1
    bold_first: bool = False  # the unit's first visible content is bold
    bold_closed: bool = False
    br_after_bold: bool = False
    in_bold: int = 0
    has_text: bool = False  # any visible text yet
    text_after_bold: bool = False  # visible text after the bold lead closed
    li_count: int = 0
    depth: int = 0
    items: list[Unit] = field(default_factory=list)  # top-level <li>/<tr> of a list or table, as units
    has_block: bool = False  # an inserted advice block sits inside (list items, table rows)
    inside_paragraph: bool = False  # ends at a <br><br> inside an open <p>, not at the end of an element
    # Table rows: each cell's text, the cell a bold lead opened in, whether a cell is open and where the
    # last closed cell's content ended (a row's advice goes into its last cell, never between cells).
    cells: list[str] = field(default_factory=list)
    bold_cell: int = -1
    cell_open: bool = False
    cell_end: int = -1
    header_cells: int = 0

    closed_text: str | None = None  # set when the unit closes; text is read many times afterwards

    @property
    def text(self) -> str:
        if self.closed_text is not None:
            return self.closed_text
        return _SPACES.sub(" ", "".join(self.parts)).strip()

    @property
    def bold(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.bold_text).replace("\u00a0", " ")).strip()

    def add_text(self, text: str) -> None:
        self.parts.append(text)
        visible = bool(text.strip())
        self.has_text = self.has_text or visible
        if self.cells and self.cell_open:
            self.cells[-1] += text
        if self.in_bold and self.bold_first and not self.bold_closed:
            self.bold_text.append(text)
        elif self.bold_closed and text.strip(" :\t\u00a0"):
            self.text_after_bold = True

    def open_bold(self) -> None:
        # A row's bold lead may open any cell ("<td>Rønne</td><td><b>Indbrud i villa.</b> …</td>").
        # Flags, not the joined text: a list or table unit sees thousands of these (quadratic otherwise).
        fresh = not self.cells[-1].strip() if self.tag == "tr" and self.cell_open else not self.has_text
        if fresh and not self.bold_text:
            self.bold_first = True
            self.bold_cell = len(self.cells) - 1
        self.in_bold += 1

    def open_cell(self, header: bool) -> None:
        self.parts.append(" ")  # cells are words apart, not glued ("Toyota Prius", not "ToyotaPrius")
        self.cells.append("")
        self.cell_open = True
        self.header_cells += header

    def close_bold(self, end: int) -> None:
        if self.in_bold:
            self.in_bold -= 1
            if self.bold_first and not self.bold_closed:
                self.bold_closed = True
                self.bold_end = end

    def line_break(self) -> None:
        if self.bold_first and self.bold_closed and not self.text_after_bold:
            self.br_after_bold = True  # "<strong>Titel</strong><br>": the bold is the whole first line
        self.parts.append("\n")


@dataclass(slots=True)
class _Open:
    tag: str
    ident: int
    boiler: bool
    preamble: bool
    raw: bool
    content: bool  # inside <article>/<section>/<main>: a <header> there heads an item, not the page
    titled: bool = False
    advice_region: bool = False


class Tokenizer(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self._src = text
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.units: list[Unit] = []
        self.title_parts: list[str] = []
        self._stack: list[_Open] = []
        self._cur: Unit | None = None
        self._item: Unit | None = None  # the open top-level <li> or <tr> of the open list or table unit
        self._ids = 0
        self._advice = False
        self._in_title = False
        self._pending_br: int | None = None

    # -- positions ----------------------------------------------------------------------------------
    def _pos(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _tag_end(self, start: int) -> int:
        end = self._src.find(">", start)
        return len(self._src) if end < 0 else end + 1

    def _trimmed(self, start: int, end: int) -> int:
        # Trim trailing whitespace so the insertion point sits right after the last visible character.
        while end > start and self._src[end - 1] in " \t\r\n\u00a0":
            end -= 1
        return end

    # -- context ------------------------------------------------------------------------------------
    # Each open element carries its ancestors' flags, so these are O(1) even on deeply nested pages.
    def _boiler(self) -> bool:
        return bool(self._stack) and self._stack[-1].boiler

    def _preamble(self) -> bool:
        return bool(self._stack) and self._stack[-1].preamble

    def _raw(self) -> bool:
        return bool(self._stack) and self._stack[-1].raw

    def _content(self) -> bool:
        return bool(self._stack) and self._stack[-1].content

    def _new_unit(self, tag: str, start: int, element: _Open | None = None) -> Unit:
        own_boiler = element is not None and element.boiler
        own_preamble = element is not None and element.preamble
        path = tuple(o.ident for o in self._stack)
        return Unit(
            tag=tag,
            start=start,
            container=self._stack[-1].ident if self._stack else 0,
            path=path,
            ancestors=frozenset(path),
            boiler=self._boiler() or own_boiler,
            preamble=self._preamble() or own_preamble,
            advice=self._advice,
            element=element.ident if element is not None else 0,
            titled=(element is not None and element.titled) or (bool(self._stack) and self._stack[-1].titled),
        )

    def _open_unit(self, tag: str, start: int, element: _Open | None = None) -> Unit:
        u = self._new_unit(tag, start, element)
        self.units.append(u)
        self._cur = u
        return u

    def _continue_unit(self, before: Unit, start: int) -> None:
        """A new unit for the rest of the element ``before`` was split from."""
        u = replace(
            before,
            start=start,
            advice=self._advice,
            end=-1,
            parts=[],
            bold_text=[],
            bold_end=-1,
            bold_first=False,
            bold_closed=False,
            br_after_bold=False,
            in_bold=0,
            has_text=False,
            text_after_bold=False,
            items=[],
            inside_paragraph=False,
            closed_text=None,
        )
        self.units.append(u)
        self._cur = u

    def _close_item(self, end: int) -> None:
        item = self._item
        if item is not None:
            if item.tag == "tr" and not item.cell_open and item.cell_end >= 0:
                end = item.cell_end
            item.end = self._trimmed(item.start, end)
            item.closed_text = item.text
            self._item = None

    def _close_unit(self, end: int) -> None:
        u = self._cur
        if u is None:
            return
        self._close_item(end)
        u.end = self._trimmed(u.start, end)
        u.closed_text = u.text
        self._cur = None
        self._pending_br = None

    def _is_item(self, tag: str, cur: Unit) -> bool:
        """A top-level <li> of the open list unit, or a row of the open (not nested) table unit."""
        if tag == "li":
            return cur.tag in _LISTS and bool(self._stack) and self._stack[-1].ident == cur.element
        return tag == "tr" and cur.tag == "table" and cur.depth == 1

    def _open_units(self) -> list[Unit]:
        return [u for u in (self._cur, self._item) if u is not None]

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
            splits = cur.tag == "#loose" or (cur.tag == "p" and cur.depth == 1 and not cur.in_bold)
            if splits and self._pending_br is not None:
                # <br><br> separates blocks, like an empty line; pasted reports often run several incidents
                # through one <p> this way. The paragraph goes on in a unit of its own, and the unit before
                # it ends inside the open <p> (the rewriter closes and reopens it around a block there).
                inside = cur.tag == "p" or any(o.tag == "p" for o in self._stack)
                self._close_unit(self._pending_br)
                cur.inside_paragraph = inside
                if cur.tag == "p":
                    self._continue_unit(cur, self._tag_end(start))
                return
            self._pending_br = start
            for u in self._open_units():
                u.line_break()
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
            preamble=tag == "head" or (tag == "header" and not self._content()) or self._preamble(),
            raw=tag in _RAW or self._raw(),
            content=tag in _CONTENT_TAGS or self._content(),
            titled=bool(attr_text and tag not in _UNIT_TAGS - {"p"} and _TITLE_ATTR.search(attr_text)),
        )
        if tag == "title":
            self._in_title = True
        if not (self._raw() or element.raw):
            if attr_text and not self._advice and _ADVICE_CLASS.search(attr_text):
                # Our block whose marker comments an editor removed: still advice, still not an incident.
                if cur is not None and cur.tag not in _WITH_ITEMS:
                    self._close_unit(start)
                    cur = None
                elif self._item is not None:
                    self._item.has_block = True
                element.advice_region = self._advice = True
            # The unit opens before its own element is pushed: its ancestors are the elements around it.
            if cur is None and (tag in _UNIT_TAGS or disclosure):
                cur = self._open_unit(tag, start, element)
                cur.depth = 1
            elif cur is None and tag in _INLINE:
                cur = self._open_unit("#loose", start, element)
            elif cur is not None and tag == cur.tag:
                cur.depth += 1
            if cur is not None and self._is_item(tag, cur):
                self._close_item(start)
                self._item = self._new_unit(tag, start, element)
                cur.items.append(self._item)
            elif tag in _CELLS and cur is not None and cur.tag == "table" and cur.depth == 1:
                item = self._item
                if item is not None and item.cell_open:
                    item.cell_end = self._trimmed(item.start, start)  # "<td>a<td>b": a ends here
                if item is not None:
                    item.open_cell(header=tag == "th")
        self._stack.append(element)
        if self._raw():
            return
        if cur is not None:
            if tag == "li":
                cur.li_count += 1
                for u in self._open_units():
                    u.parts.append("\n")  # list items are lines of their own, not glued together
            elif tag in _CLOSES_P and self._item is not None and self._item.element != element.ident:
                # A block inside an item starts a new line, so the item's first line (its headline) stays
                # the same when an advice block is inserted after its text.
                self._item.parts.append("\n")
            if tag in _BOLD:
                for u in self._open_units():
                    u.open_bold()

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
        if tag in _BOLD:
            for u in self._open_units():
                u.close_bold(end)
        while self._stack:
            o = self._stack.pop()
            if o.advice_region:
                self._advice = False
            item = self._item
            if item is not None and item.cell_open and o.tag in _CELLS and cur is not None and cur.depth == 1:
                item.cell_end, item.cell_open = self._trimmed(item.start, start), False
            if item is not None and o.ident == item.element:
                self._close_item(start)  # the item ends inside its </li> (its last </td>): advice goes in it
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
        if data.strip():
            self._pending_br = None
        text = re.sub(r"[\r\n]+", " ", data)
        cur = self._cur
        assert cur is not None
        cur.add_text(text)
        if self._item is not None:
            self._item.add_text(text)

    def handle_comment(self, data: str) -> None:
        start = self._pos()
        raw = f"<!--{data}-->"
        in_list = self._cur is not None and self._cur.tag in _WITH_ITEMS
        if cues.ADVICE_START_RE.fullmatch(raw):
            if in_list and self._item is not None:
                self._item.has_block = True  # inside a list item or row: the list goes on around the block
            elif not in_list:
                self._close_unit(start)
            self._advice = True
        if self._advice and self._cur is None:
            # The marker comments are units of their own, so the incident's end covers the whole block.
            u = self._open_unit("#marker", start)
            u.end = start + len(raw)
            self._cur = None
        if cues.ADVICE_END_RE.fullmatch(raw):
            if not in_list:
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
