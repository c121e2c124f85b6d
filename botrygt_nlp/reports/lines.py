"""Line-oriented segmentation of plain-text and Markdown reports into incident segments.

Both formats are "headline, then paragraphs". What counts as a headline differs (a short free-standing line
in text; ``#`` / setext / bold-only lines in Markdown); everything after choosing the headlines is shared.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from botrygt_nlp.reports import cues
from botrygt_nlp.reports.runin import is_symbol, run_in
from botrygt_nlp.reports.types import HeadingKind, ReportFormat, Segment

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?=\S)(.+?)(?<=\S)\1\s*:?\s*$")
_SENTENCE_INSIDE = re.compile(r"[.!?]\s+[A-ZÆØÅ]")
_BULLET = re.compile(r"^\s*[-*+•–]\s+")
_NUMBERED = re.compile(r"^(\d{1,2})[.)]\s+(?=\S)")
_EMPHASIS = re.compile(r"\*\*|__")
_LEADING_BOLD = re.compile(r"^(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
RUN_IN_LEVEL = 9  # deeper than every headline kind: run-ins mark incidents only where nothing else repeats
_TRAILING_FUNCTION_WORD = re.compile(
    r"\b(i|på|en|et|og|at|til|fra|med|af|for|der|som|den|det|de|er|blev|har|om|ved|ud|ind|efter|mellem)\s*$",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Line:
    start: int
    end: int  # end of content, line ending excluded
    text: str
    blank: bool
    advice: bool = False  # inside an inserted / recognised advice block


@dataclass(frozen=True, slots=True)
class _Candidate:
    line: int  # index of the headline line
    last_line: int  # the setext underline, or the headline itself
    level: int  # 1–6 Markdown headings, 7 bold-only lines, 8 plain-text headline lines, 9 run-in headlines
    kind: HeadingKind
    title: str
    title_end: int = -1  # absolute offset; -1: the end of the headline line
    body_start: int = -1  # absolute offset; -1: the line after ``last_line``


def split_lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    for m in _LINE_RE.finditer(text):
        raw = m.group(0)
        if not raw:
            continue
        content = raw.rstrip("\r\n")
        out.append(_Line(m.start(), m.start() + len(content), content, not content.strip(" \t\u00a0")))
    return out


def _mark_advice(lines: list[_Line]) -> None:
    """Flag lines of inserted advice blocks (Markdown comment markers; the plain-text marker paragraph)."""
    inside = False
    for i, ln in enumerate(lines):
        if cues.ADVICE_START_RE.search(ln.text) and ln.text.lstrip().startswith("<!--"):
            inside = True
        if inside:
            ln.advice = True
            if cues.ADVICE_END_RE.search(ln.text):
                inside = False
            continue
        if ln.text.strip().startswith("[botrygt:advice "):
            # The plain-text marker ends its block: the paragraph above it belongs to the block.
            j = i
            while j >= 0 and not lines[j].blank:
                lines[j].advice = True
                j -= 1


def _next_content(lines: list[_Line], i: int) -> int | None:
    for j in range(i + 1, len(lines)):
        if not lines[j].blank:
            return j
    return None


# Police headlines are short; local media write longer ones ("Tyve brød ind i villa i Kildeby, mens familien
# sov – politiet efterlyser nu vidner"), up to about 120 characters.
_HEADLINE_MAX_CHARS = 120
_HEADLINE_MAX_WORDS = 18
# A paragraph ends where a sentence does: a period, a question or exclamation mark, or a closing quote after one.
_ENDS_SENTENCE = re.compile(r"[.!?][»\"'”)]?$")


def _is_dense(lines: list[_Line]) -> bool:
    """A report pasted without blank lines between its incidents (from a web page or an e-mail client): at most
    one blank line between the first and the last text line, and enough lines to hold several incidents."""

    # Inserted advice blocks and the blank lines around them are the rewriter's, not the report's layout.
    def ours(k: int) -> bool:
        return lines[k].advice or (
            lines[k].blank and ((k > 0 and lines[k - 1].advice) or (k + 1 < len(lines) and lines[k + 1].advice))
        )

    own = [ln for k, ln in enumerate(lines) if not ours(k)]
    content = [k for k, ln in enumerate(own) if not ln.blank]
    if len(content) < 6:
        return False
    return sum(ln.blank for ln in own[content[0] : content[-1]]) <= 1


def _text_headline(lines: list[_Line], i: int, dense: bool = False) -> str | None:
    """The headline on line ``i`` of a plain-text report (a numbered one without its number), or None.

    Press e-mails number their incidents ("1. Indbrud i villa i Ry" over its body); a numbered line counts
    as a headline only with body text under it (directly or after a blank line), so lists of loot and tips
    ("1. En rygsæk" / "2. En computer") stay lists.
    """
    ln = lines[i]
    t = ln.text.replace("\u00a0", " ").strip()
    numbered = _NUMBERED.match(t)
    if numbered:
        # The body right under it, or a blank line away; a list item there (the next point of a list of loot
        # or tips) makes this line a point of that list.
        nxt = _next_content(lines, i)
        prev = next((k for k in range(i - 1, -1, -1) if not lines[k].blank), None)
        if (
            nxt is None
            or cues.is_list_item(lines[nxt].text)
            or lines[nxt].advice
            or _continues_numbering(lines, prev, int(numbered.group(1)))
        ):
            return None
        t = t[numbered.end() :]
    return t if _is_text_headline(lines, i, t, dense) else None


def _continues_numbering(lines: list[_Line], prev: int | None, number: int) -> bool:
    """Whether line ``prev`` is point ``number - 1`` of a numbered list, so the line after it is that list's
    next point ("1. Lås døren" / "2. Tænd lyset", a blank line apart) rather than a numbered headline."""
    if prev is None:
        return False
    m = _NUMBERED.match(lines[prev].text.replace("\u00a0", " ").strip())
    return m is not None and int(m.group(1)) == number - 1


def _is_text_headline(lines: list[_Line], i: int, t: str, dense: bool = False) -> bool:
    if i > 0 and not lines[i - 1].blank:
        # Without blank lines a headline can only follow a finished paragraph or the report's own header lines.
        above = lines[i - 1].text.replace("\u00a0", " ").strip()
        after_paragraph = _ENDS_SENTENCE.search(above) or lines[i - 1].advice
        # "Kort nyt" right under a finished paragraph and right over its "- …" items gathers them in any layout.
        label_over_items = (
            after_paragraph and cues.is_section_label(t) and i + 1 < len(lines) and cues.is_list_item(lines[i + 1].text)
        )
        if not label_over_items and not (
            dense and (after_paragraph or cues.is_header_line(above) or cues.is_day_line(above))
        ):
            return False
    too_long = len(t) > _HEADLINE_MAX_CHARS or len(t.split()) > _HEADLINE_MAX_WORDS
    if not t or too_long or not re.search(r"[A-Za-zÆØÅæøå]", t):
        return False
    if t[-1] in ".,;" or t[0].islower() or _SENTENCE_INSIDE.search(t) or cues.introduces_something(t):
        return False
    if t[-1] == ":" and not (i + 1 < len(lines) and not lines[i + 1].blank):
        return False  # "Indbrud i villa i Odense:" heads the body right under it, never a blank line away
    if _TRAILING_FUNCTION_WORD.search(t):
        return False
    nxt = _next_content(lines, i)
    if nxt is None:
        return False
    if nxt == i + 1:
        # Headline directly above its body: the body must start a new sentence, not continue a wrapped line.
        first = lines[nxt].text.strip()
        if not first or not (first[0].isupper() or first[0].isdigit() or first[0] in "«\"'"):
            # "Kort nyt" right above its "- …" items gathers them, like a heading with a blank line under it.
            return cues.is_section_label(t) and cues.is_list_item(first)
    return True


def _visible(raw: str) -> tuple[str, list[int], str | None]:
    """A line without its bullet and emphasis markers, the raw index of each visible character, the bold lead."""
    keep: list[int] = []
    bullet = _BULLET.match(raw)
    i = bullet.end() if bullet else 0
    bold_m = _LEADING_BOLD.match(raw, i)
    bold = _EMPHASIS.sub("", bold_m.group(2)) if bold_m else None
    while i < len(raw):
        m = _EMPHASIS.match(raw, i)
        if m:
            i = m.end()
            continue
        keep.append(i)
        i += 1
    return "".join(raw[k] for k in keep), keep, bold


def _run_in(lines: list[_Line], i: int) -> _Candidate | None:
    """A run-in headline opening line ``i`` ("Vejle: Indbrud i villa. Natten til …"), when it starts a
    paragraph or a bulleted list item."""
    ln = lines[i]
    bulleted = bool(_BULLET.match(ln.text))
    if not (i == 0 or lines[i - 1].blank or bulleted):
        return None
    bullet = _BULLET.match(ln.text)
    head = ln.text[bullet.end() :] if bullet else ln.text.lstrip()
    if ":" not in head[:120] and not head.startswith(("**", "__")) and not (head and is_symbol(head[0])):
        return None  # no colon, bold lead or emoji: a body paragraph (most lines), decided cheaply
    visible, index, bold = _visible(ln.text)
    found = run_in(visible, bold)
    if found is None or found.end >= len(visible.rstrip()):
        return None  # a headline with nothing after it on the line is an ordinary headline, not a run-in
    raw_end = index[found.end - 1] + 1
    while raw_end < len(ln.text) and ln.text[raw_end] in "*_":
        raw_end += 1  # "**Vejle:**": the closing markers belong to the headline
    title_end = ln.start + raw_end
    return _Candidate(i, i, RUN_IN_LEVEL, HeadingKind.RUN_IN, found.title, title_end, title_end)


def _candidates(lines: list[_Line], fmt: ReportFormat) -> tuple[list[_Candidate], list[_Candidate], list[_Candidate]]:
    """All headings as written, those of them that may start an incident (titles cleaned), and the warning
    headlines ("Pas på …", "Gode råd …") that start one only when they head a story of their own."""
    raw: list[_Candidate] = []
    out: list[_Candidate] = []
    warnings: list[_Candidate] = []
    dense = fmt is not ReportFormat.MARKDOWN and _is_dense(lines)
    for i, ln in enumerate(lines):
        if ln.blank or ln.advice:
            continue
        cand: _Candidate | None = None
        if fmt is ReportFormat.MARKDOWN:
            atx = _ATX.match(ln.text)
            bold = _BOLD_LINE.match(ln.text)
            nxt_line = lines[i + 1] if i + 1 < len(lines) else None
            if atx:
                level = len(atx.group(1))
                cand = _Candidate(i, i, level, HeadingKind(f"h{level}"), atx.group(2))
            elif (
                nxt_line is not None
                and not nxt_line.advice
                and _SETEXT.match(nxt_line.text)
                and (i == 0 or lines[i - 1].blank)
                and not cues.is_list_item(ln.text)
            ):
                level = 1 if nxt_line.text.strip().startswith("=") else 2
                cand = _Candidate(i, i + 1, level, HeadingKind(f"h{level}"), ln.text)
            elif bold and (i == 0 or lines[i - 1].blank):
                cand = _Candidate(i, i, 7, HeadingKind.BOLD, bold.group(2))
        elif (headline := _text_headline(lines, i, dense)) is not None:
            cand = _Candidate(i, i, 8, HeadingKind.LINE, headline)
        if cand is None:
            cand = _run_in(lines, i)
        if cand is None:
            continue
        raw.append(cand)
        title = cues.clean_title(cand.title)
        cleaned = _Candidate(cand.line, cand.last_line, cand.level, cand.kind, title, cand.title_end, cand.body_start)
        if cues.can_be_incident_title(cand.title, title):
            out.append(cleaned)
        elif cand.level != RUN_IN_LEVEL and cues.may_head_own_story(cand.title, title):
            warnings.append(cleaned)
    if sum(c.level == RUN_IN_LEVEL for c in out) < 2:
        # One "Town: …" paragraph proves nothing (quotes and labels look alike); two or more make a pattern.
        out = [c for c in out if c.level != RUN_IN_LEVEL]
    return raw, out, warnings


def _own_stories(
    lines: list[_Line], raw: list[_Candidate], heads: list[_Candidate], warnings: list[_Candidate]
) -> tuple[list[_Candidate], list[int]]:
    """``heads`` with the warning headlines that head a story of their own: at the incident level, over a body
    that tells a crime (see :func:`cues.tells_incident`); and the lines of those over tips about another crime
    than the incident above (:func:`cues.tips_for_another_crime`), which end that incident. A warning headline
    over the incident's own advice stays a sub-heading of the incident above it."""
    if not heads or not warnings:
        return heads, []
    level = heads[0].level
    own: list[_Candidate] = []
    foreign: list[int] = []
    for w in warnings:
        if w.level != level:
            continue
        stop = next((c.line for c in raw if c.line > w.line and c.level <= level), len(lines))
        body = "\n".join(ln.text for ln in lines[w.last_line + 1 : stop] if not ln.blank and not ln.advice)
        if cues.tells_incident(body):
            own.append(w)
            continue
        above = [h for h in heads if h.line < w.line]
        if above and cues.tips_for_another_crime(w.title, above[-1].title):
            foreign.append(w.line)
    return (sorted([*heads, *own], key=lambda c: c.line) if own else heads), foreign


def _section_breaks(raw: list[_Candidate], heads: list[_Candidate]) -> list[int]:
    """Lines of headings above the incident level ("## Øvrige hændelser" over "###" incidents).

    They end the incident before them without starting one, so advice never lands under a section title. A
    sub-section label ("Signalement", "Opdatering") is the incident's own, whatever its level: a report may set
    its incidents in bold and a suspect's description as a heading.
    """
    if not heads:
        return []
    level = heads[0].level
    return [
        c.line
        for c in raw
        if cues.is_section_label(cues.clean_title(c.title))
        or (
            (c.level < level or cues.is_day_line(c.title))
            and not cues.is_advice_heading(cues.clean_title(c.title))
            and not cues.is_subheading(cues.clean_title(c.title))
        )
    ]


def _choose_level(lines: list[_Line], raw: list[_Candidate], cands: list[_Candidate]) -> list[_Candidate]:
    """The candidates at the incident level (see :func:`cues.choose_incident_level`)."""
    by_line = {c.line: c for c in raw}
    section_like = []
    for c in cands:
        nxt = _next_content(lines, c.last_line)
        deeper = by_line.get(nxt) if nxt is not None else None
        # A gathering heading always sits over its items: that makes its level no section level.
        section_like.append(deeper is not None and deeper.level > c.level and not cues.is_section_label(c.title))
    level = cues.choose_incident_level([c.level for c in cands], section_like)
    # A gathering heading ("Øvrige hændelser") shows which level the incidents use, but tells no incident itself:
    # its items do (see _gathered).
    return [c for c in cands if c.level == level and not cues.is_section_label(c.title)]


def _has_advice_block(lines: list[_Line], first: int, last: int) -> bool:
    """An inserted block, a hand-written advice heading followed by a numbered list of ≥ 4 points, or a
    paragraph that is advice with its heading run in ("Undgå indbrud: …", as a short block without marker)."""
    if any(lines[k].advice for k in range(first, last + 1)):
        return True
    for k in range(first, last + 1):
        if not cues.is_advice_heading(lines[k].text):  # cheap on the raw line: the pattern skips markup
            continue
        if k == first or lines[k - 1].blank:
            end = k
            while end < last and not lines[end + 1].blank:
                end += 1
            if cues.is_advice_paragraph(" ".join(ln.text for ln in lines[k : end + 1])):
                return True
        t = cues.clean_title(lines[k].text)
        if t and cues.is_advice_heading(t) and len(t) < 90:
            items = sum(1 for j in range(k + 1, min(last + 1, k + 16)) if cues.is_list_item(lines[j].text))
            if items >= 4:
                return True
    return False


_SIGNATURE_LINES = 8  # a sign-off, a name, a unit, a district, a phone number, …


def _sign_off(lines: list[_Line], after: int) -> int | None:
    """A sign-off ("Med venlig hilsen") with only a short signature below it: where the footer starts."""
    for k in range(after + 1, len(lines)):
        if lines[k].blank or lines[k].advice or not cues.is_sign_off(lines[k].text):
            continue
        rest = [ln.text for ln in lines[k + 1 :] if not ln.blank]
        if len(rest) <= _SIGNATURE_LINES and all(len(t.strip()) <= 80 for t in rest):
            return k
    return None


def _footer_start(lines: list[_Line], after: int) -> int:
    """Index of the first line of trailing footer paragraphs (or len(lines) when none)."""
    signed = _sign_off(lines, after)
    if signed is not None:
        return signed
    start = len(lines)
    i = len(lines) - 1
    while i > after:
        while i > after and lines[i].blank:
            i -= 1
        j = i
        while j > after and not lines[j - 1].blank:
            j -= 1
        if j > after and not lines[j].advice and cues.is_footer_line(lines[j].text):
            start = j
            i = j - 1
        else:
            break
    return start


def _last_content(lines: list[_Line], first: int, stop: int) -> int:
    """Index of the last non-blank line in ``[first, stop)``, or ``first - 1`` when there is none."""
    k = stop - 1
    while k >= first and lines[k].blank:
        k -= 1
    return k


def _paragraph_start(lines: list[_Line], first: int, k: int) -> int:
    while k > first and not lines[k - 1].blank:
        k -= 1
    return k


def _trim_junk(lines: list[_Line], first: int, last: int) -> int:
    """``last`` moved back over trailing "Læs også"/share/ad paragraphs and lines (pasted page furniture,
    hashtag lines under a post)."""
    while last >= first:
        if not lines[last].advice and cues.is_junk_line(lines[last].text):
            last = _last_content(lines, first, last)
            continue
        j = _paragraph_start(lines, first, last)
        if j <= first or lines[j].advice or not cues.is_junk_line(lines[j].text):
            return last
        last = _last_content(lines, first, j)
    return last


def _paragraphs(lines: list[_Line], first: int, last: int) -> list[tuple[int, int]]:
    """(first, last) line indices of the paragraphs in ``lines[first..last]``."""
    out: list[tuple[int, int]] = []
    k = first
    while k <= last:
        if lines[k].blank:
            k += 1
            continue
        j = k
        while j + 1 <= last and not lines[j + 1].blank:
            j += 1
        out.append((k, j))
        k = j + 1
    return out


def _headless(text: str, lines: list[_Line], footer: int) -> tuple[tuple[int, int], list[Segment]]:
    """A report without headlines: leading header-like paragraphs are the header, the rest one incident.

    When the header calls the text a døgnrapport, it is a list of incidents even without headlines (press
    e-mails separate them by blank lines only): each paragraph that does not go on with the one before
    (a pronoun, a witness appeal, advice, furniture) starts an incident of its own.
    """
    i = 0
    while i < len(lines):
        if lines[i].blank:
            i += 1
            continue
        if not cues.is_header_line(lines[i].text):
            break
        while i < len(lines) and not lines[i].blank:
            i += 1
    last = _trim_junk(lines, i, _last_content(lines, i, footer))
    header_end = lines[i].start if i < len(lines) else len(text)
    if last < i:
        return (0, header_end), []
    groups = [(i, last)]
    if cues.names_daily_report(text[:header_end]):
        groups = []
        for a, b in _paragraphs(lines, i, last):
            para = " ".join(ln.text for ln in lines[a : b + 1])
            joins = lines[a].advice or cues.is_junk_line(lines[a].text) or cues.continues_incident(para)
            if groups and joins:
                groups[-1] = (groups[-1][0], b)
            else:
                groups.append((a, b))
    segments = []
    for a, b in groups:
        b = _trim_junk(lines, a + 1, b) if b > a else b
        segments.append(_untitled(text, lines, a, b, HeadingKind.NONE, _has_advice_block(lines, a, b)))
    return (0, header_end), segments


def _untitled(
    text: str, lines: list[_Line], first: int, last: int, heading: HeadingKind, has_block: bool, advice_at: int = -1
) -> Segment:
    """An incident without a headline of its own: lines ``first..last`` are all body."""
    return Segment(
        title="",
        start=lines[first].start,
        end=lines[last].end,
        title_start=lines[first].start,
        title_end=lines[first].start,
        body=_body(text, lines, first, last),
        heading=heading,
        has_advice_block=has_block,
        advice_at=advice_at,
    )


def _body(text: str, lines: list[_Line], first: int, last: int, start: int = -1) -> str:
    """The analyzer's text of lines ``first..last``; ``start`` (absolute) begins it mid-line (run-ins)."""
    if start >= 0:
        # The rest of a run-in line: "Vejle: Indbrud i villa|. Natten til …" – drop the headline's full stop.
        return cues.normalise_for_analysis(text[start : lines[last].end].lstrip(" \t.:–—-"))
    if last < first:
        return ""
    return cues.normalise_for_analysis(text[lines[first].start : lines[last].end])


def segment_lines(text: str, fmt: ReportFormat) -> tuple[tuple[int, int], list[Segment]]:
    """Split a text/Markdown report. Returns the header's (start, end) and the incident segments."""
    lines = split_lines(text)
    _mark_advice(lines)
    raw, cands, warnings = _candidates(lines, fmt)
    heads, foreign_tips = _own_stories(lines, raw, _choose_level(lines, raw, cands), warnings)
    footer = _footer_start(lines, heads[0].line if heads else -1)
    heads = [h for h in heads if h.line < footer]  # a signature's "Kommunikationsafdelingen" is no incident
    breaks = sorted({*_section_breaks(raw, heads), *foreign_tips})
    first_head = heads[0].line if heads else None

    if not heads:
        return _headless(text, lines, footer)

    segments: list[Segment] = []
    for n, h in enumerate(heads):
        stop = heads[n + 1].line if n + 1 < len(heads) else footer
        k = bisect.bisect_right(breaks, h.line)
        if k < len(breaks):
            stop = min(stop, breaks[k])
        stop = max(stop, h.last_line + 1)
        last = _trim_junk(lines, h.last_line + 1, _last_content(lines, h.line, stop))
        body_last = last if last > h.last_line else h.last_line
        segments.append(
            Segment(
                title=h.title,
                start=lines[h.line].start,
                end=lines[body_last].end,
                title_start=lines[h.line].start,
                title_end=h.title_end if h.title_end >= 0 else lines[h.line].end,
                body=_body(text, lines, h.last_line + 1, body_last if h.body_start >= 0 else last, h.body_start),
                heading=h.kind,
                has_advice_block=_has_advice_block(lines, h.line, body_last),
            )
        )
    assert first_head is not None
    gathered = _gathered(text, lines, raw, heads, breaks, footer)
    return (0, lines[first_head].start), sorted([*segments, *gathered], key=lambda seg: seg.start)


def _gathered(
    text: str, lines: list[_Line], raw: list[_Candidate], heads: list[_Candidate], breaks: list[int], footer: int
) -> list[Segment]:
    """The items under a gathering heading ("Kort nyt", "Øvrige hændelser"), each an incident of its own.

    Every list item or paragraph there is one short incident, assessed alone; their advice goes under the whole
    list (``advice_at``), so the list stays whole, and a rerun finds the block there and adds nothing. A label
    above the incident level with incidents of its own under it groups them; a line under it introduces them.
    """
    by_line = {c.line: c for c in raw}
    bounds = sorted({h.line for h in heads} | set(breaks) | {footer})
    out: list[Segment] = []
    for b in breaks:
        label = by_line.get(b)
        if label is None or b >= footer or not cues.is_section_label(cues.clean_title(label.title)):
            continue
        first = label.last_line + 1
        stop = next(x for x in bounds if x > b)
        if label.level < heads[0].level and any(h.line == stop for h in heads):
            continue  # a section heading over incidents of its own ("## Øvrige hændelser" over "###")
        last = _trim_junk(lines, first, _last_content(lines, first, stop))
        items = _items(lines, first, last)
        if not items:
            continue
        has_block = _has_advice_block(lines, first, last)
        list_end = lines[items[-1][1]].end
        out.extend(_untitled(text, lines, a, z, HeadingKind.ITEM, has_block, list_end) for a, z in items)
    return out


def _items(lines: list[_Line], first: int, last: int) -> list[tuple[int, int]]:
    """(first, last) lines of each item in ``lines[first..last]``: a list item with the lines that go on from it,
    or a paragraph; advice blocks are no items, and the items end where one begins."""
    out: list[tuple[int, int]] = []
    open_item = False
    for k in range(first, last + 1):
        ln = lines[k]
        if ln.advice or cues.is_advice_heading(cues.clean_title(ln.text)):
            break
        if ln.blank:
            open_item = False
            continue
        if open_item and not cues.is_list_item(ln.text):
            out[-1] = (out[-1][0], k)
        else:
            out.append((k, k))
            open_item = True
    return out
