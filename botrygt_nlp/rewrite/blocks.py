"""The inserted advice block in each output format, and how to find and remove it again.

Every block starts with the input's separator and, by default, carries a marker with the template id, so it
is recognisable after light human edits and removable to the exact original bytes:

* HTML and Markdown: ``<!-- botrygt:advice <id> -->`` … ``<!-- /botrygt:advice -->``
* plain text (no comments there): a last line ``[botrygt:advice <id>]`` under the "Undgå …" block.

Publish-ready blocks (``markers=False``) are the same block without those markers (and, in HTML, without the
``data-template`` attribute): exactly what :func:`strip_markers` leaves of a marked one. They are still
recognised as advice on a rerun (the "Undgå …" heading over five numbered points, the ``botrygt-advice`` class
in HTML, the advice wording itself), but only the change report's offsets can remove them again.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from botrygt_nlp.reports.types import HeadingKind, ReportFormat
from botrygt_nlp.rewrite.types import AdviceContent

_SAFE_ID = re.compile(r"^[a-z0-9_.]+$")

# HTML is framed by a sandboxed, autoescaping template: template text and district variables can never
# inject markup into the page.
_HTML_ENV = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
# ``close_p``: the incident ends inside an open <p> (a "<br><br>"-separated report); the block closes it and
# reopens it for the rest, inside its markers, so a <section> never sits in a <p> and stripping still works.
# ``markers``: the comments and ``data-template`` are left out of publish-ready output; the class stays, as a
# styling hook that is invisible on the page and lets a rerun recognise the block.
_HTML_FULL = _HTML_ENV.from_string(
    "{% if markers %}<!-- botrygt:advice {{ tid }} -->{{ nl }}{% endif %}{% if close_p %}</p>{{ nl }}{% endif %}"
    '<section class="botrygt-advice"{% if markers %} data-template="{{ tid }}"{% endif %}>{{ nl }}'
    "{% if htag %}<{{ htag }}>{{ c.heading }}</{{ htag }}>"
    "{% else %}<p><strong>{{ c.heading }}</strong></p>{% endif %}"
    "{{ nl }}<ol>{{ nl }}"
    "{% for p, t in c.points %}<li><strong>{{ p.heading }}:</strong> {{ t }}</li>{{ nl }}{% endfor %}"
    "</ol>{{ nl }}"
    "{% for para in c.closing %}<p>{{ para }}</p>{{ nl }}{% endfor %}"
    "</section>{% if close_p %}{{ nl }}<p>{% endif %}"
    "{% if markers %}{% if not close_p %}{{ nl }}{% endif %}<!-- /botrygt:advice -->{% endif %}"
)
_HTML_SHORT = _HTML_ENV.from_string(
    "{% if markers %}<!-- botrygt:advice {{ tid }} -->{{ nl }}{% endif %}{% if close_p %}</p>{{ nl }}{% endif %}"
    '<p class="botrygt-advice"{% if markers %} data-template="{{ tid }}"{% endif %}>{{ c.paragraph }}</p>'
    "{% if close_p %}{{ nl }}<p>{% endif %}"
    "{% if markers %}{% if not close_p %}{{ nl }}{% endif %}<!-- /botrygt:advice -->{% endif %}"
)

_REMOVE = {
    ReportFormat.HTML: re.compile(r"(?:\r\n|\n)<!-- botrygt:advice [a-z0-9_.]+ -->.*?<!-- /botrygt:advice -->", re.S),
    ReportFormat.MARKDOWN: re.compile(
        r"(?:\r\n\r\n|\n\n)<!-- botrygt:advice [a-z0-9_.]+ -->.*?<!-- /botrygt:advice -->", re.S
    ),
    ReportFormat.TEXT: re.compile(r"(?:\r\n\r\n|\n\n)(?:[^\r\n]+(?:\r\n|\n))*?\[botrygt:advice [a-z0-9_.]+\]"),
}

# Every marker the parser recognises (reports.cues.ADVICE_START_RE/ADVICE_END_RE, in any format), with the line
# break that render_block puts between it and the block, so that removing these from a marked block gives the
# publish-ready block byte for byte. In HTML also the data-template attribute right after our class.
_MARKER = re.compile(
    r"<!--\s*botrygt:advice\b[^>]*-->(?:\r\n|\n)?"
    r"|(?:\r\n|\n)?<!--\s*/botrygt:advice\s*-->"
    r"|(?:\r\n|\n)?[ \t]*\[botrygt:advice [^\]\r\n]*\][ \t]*(?=\r\n|\n|$)"
    r'|(?<=class="botrygt-advice") data-template="[^"<>]*"'
)


def _md_escape(text: str) -> str:
    # Variables from a district's override could carry raw HTML into a Markdown page; neutralise it.
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _html_heading_tag(kind: HeadingKind) -> str | None:
    if kind.value.startswith("h") and kind.value[1:].isdigit():
        return f"h{min(int(kind.value[1:]) + 1, 6)}"
    return None


@lru_cache(maxsize=512)  # deterministic, and a report reuses a handful of blocks: framing costs more than the lookup
def render_block(
    content: AdviceContent,
    fmt: ReportFormat,
    template_id: str,
    newline: str,
    heading: HeadingKind,
    inside_paragraph: bool = False,
    markers: bool = True,
) -> str:
    """The exact text to insert right after an incident's last character (separator included).

    ``markers=False``: the publish-ready block, ``strip_markers`` of the marked one."""
    if not _SAFE_ID.match(template_id):
        raise ValueError(f"unsafe template id {template_id!r}")
    nl = newline
    if fmt is ReportFormat.HTML:
        tpl = _HTML_SHORT if content.paragraph else _HTML_FULL
        htag = _html_heading_tag(heading)
        return nl + tpl.render(c=content, tid=template_id, nl=nl, htag=htag, close_p=inside_paragraph, markers=markers)
    if fmt is ReportFormat.MARKDOWN:
        if content.paragraph:
            body = [_md_escape(content.paragraph)]
        else:
            pts = [f"{n}. **{p.heading}:** {_md_escape(t)}" for n, (p, t) in enumerate(content.points, 1)]
            body = [f"**{_md_escape(content.heading)}**", "", *pts]
            for para in content.closing:
                body += ["", _md_escape(para)]
        if markers:
            body = [f"<!-- botrygt:advice {template_id} -->", *body, "<!-- /botrygt:advice -->"]
        return nl + nl + nl.join(body)
    # Plain text: no blank lines inside, so the block is one paragraph ending in its marker line.
    if content.paragraph:
        lines = [content.paragraph]
    else:
        pts = [f"{n}. {p.heading}: {t}" for n, (p, t) in enumerate(content.points, 1)]
        lines = [content.heading, *pts, *content.closing]
    if markers:
        lines.append(f"[botrygt:advice {template_id}]")
    return nl + nl + nl.join(" ".join(ln.split()) for ln in lines)


def strip_blocks(text: str, fmt: ReportFormat) -> str:
    """The text with every marked advice block removed (gives back the original of a rewrite)."""
    return _REMOVE[fmt].sub("", text)


def find_blocks(text: str, fmt: ReportFormat) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _REMOVE[fmt].finditer(text)]


def marker_spans(text: str) -> list[tuple[int, int]]:
    """Where the advice-block markers are in ``text`` (start, end), whatever the format."""
    return [(m.start(), m.end()) for m in _MARKER.finditer(text)]


def strip_markers(text: str) -> str:
    """The text with every block marker removed and the advice itself kept: publish-ready output."""
    return _MARKER.sub("", text)
