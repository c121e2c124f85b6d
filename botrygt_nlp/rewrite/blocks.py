"""The inserted advice block in each output format, and how to find and remove it again.

Every block starts with the input's separator and carries a marker with the template id, so it is
recognisable after light human edits and removable to the exact original bytes:

* HTML and Markdown: ``<!-- botrygt:advice <id> -->`` … ``<!-- /botrygt:advice -->``
* plain text (no comments there): a last line ``[botrygt:advice <id>]`` under the "Undgå …" block.
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
_HTML_FULL = _HTML_ENV.from_string(
    "<!-- botrygt:advice {{ tid }} -->{{ nl }}{% if close_p %}</p>{{ nl }}{% endif %}"
    '<section class="botrygt-advice" data-template="{{ tid }}">{{ nl }}'
    "{% if htag %}<{{ htag }}>{{ c.heading }}</{{ htag }}>"
    "{% else %}<p><strong>{{ c.heading }}</strong></p>{% endif %}"
    "{{ nl }}<ol>{{ nl }}"
    "{% for p, t in c.points %}<li><strong>{{ p.heading }}:</strong> {{ t }}</li>{{ nl }}{% endfor %}"
    "</ol>{{ nl }}"
    "{% for para in c.closing %}<p>{{ para }}</p>{{ nl }}{% endfor %}"
    "</section>{{ nl }}{% if close_p %}<p>{% endif %}<!-- /botrygt:advice -->"
)
_HTML_SHORT = _HTML_ENV.from_string(
    "<!-- botrygt:advice {{ tid }} -->{{ nl }}{% if close_p %}</p>{{ nl }}{% endif %}"
    '<p class="botrygt-advice" data-template="{{ tid }}">{{ c.paragraph }}</p>{{ nl }}'
    "{% if close_p %}<p>{% endif %}<!-- /botrygt:advice -->"
)

_REMOVE = {
    ReportFormat.HTML: re.compile(r"(?:\r\n|\n)<!-- botrygt:advice [a-z0-9_.]+ -->.*?<!-- /botrygt:advice -->", re.S),
    ReportFormat.MARKDOWN: re.compile(
        r"(?:\r\n\r\n|\n\n)<!-- botrygt:advice [a-z0-9_.]+ -->.*?<!-- /botrygt:advice -->", re.S
    ),
    ReportFormat.TEXT: re.compile(r"(?:\r\n\r\n|\n\n)(?:[^\r\n]+(?:\r\n|\n))*?\[botrygt:advice [a-z0-9_.]+\]"),
}


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
) -> str:
    """The exact text to insert right after an incident's last character (separator included)."""
    if not _SAFE_ID.match(template_id):
        raise ValueError(f"unsafe template id {template_id!r}")
    nl = newline
    if fmt is ReportFormat.HTML:
        tpl = _HTML_SHORT if content.paragraph else _HTML_FULL
        htag = _html_heading_tag(heading)
        return nl + tpl.render(c=content, tid=template_id, nl=nl, htag=htag, close_p=inside_paragraph)
    if fmt is ReportFormat.MARKDOWN:
        if content.paragraph:
            body = [_md_escape(content.paragraph)]
        else:
            pts = [f"{n}. **{p.heading}:** {_md_escape(t)}" for n, (p, t) in enumerate(content.points, 1)]
            body = [f"**{_md_escape(content.heading)}**", "", *pts]
            for para in content.closing:
                body += ["", _md_escape(para)]
        lines = [f"<!-- botrygt:advice {template_id} -->", *body, "<!-- /botrygt:advice -->"]
        return nl + nl + nl.join(lines)
    # Plain text: no blank lines inside, so the block is one paragraph ending in its marker line.
    if content.paragraph:
        lines = [content.paragraph]
    else:
        pts = [f"{n}. {p.heading}: {t}" for n, (p, t) in enumerate(content.points, 1)]
        lines = [content.heading, *pts, *content.closing]
    lines.append(f"[botrygt:advice {template_id}]")
    return nl + nl + nl.join(" ".join(ln.split()) for ln in lines)


def strip_blocks(text: str, fmt: ReportFormat) -> str:
    """The text with every marked advice block removed (gives back the original of a rewrite)."""
    return _REMOVE[fmt].sub("", text)


def find_blocks(text: str, fmt: ReportFormat) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _REMOVE[fmt].finditer(text)]
