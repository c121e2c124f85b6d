"""Advice templates: discovery, versions, district overrides, sandboxed rendering.

Files are named ``<crime_type>[.<season>|.<topic>].v<N>.md.j2`` (e.g. ``van_tool_theft.v1.md.j2``,
``home_burglary.christmas.v1.md.j2``, ``car_theft.catalytic_converter.v1.md.j2``); names starting with ``_``
are partials for ``{% include %}``. The
highest version wins. A district's override folder is searched first: a file with the same name replaces the
built-in one, a higher version supersedes it, and ``variables.yaml`` there sets template variables.
Rendering runs in Jinja's sandbox with ``StrictUndefined``, so a misspelt variable is an error, not a blank.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SandboxedEnvironment

from botrygt_nlp.domain import CrimeType, Principle
from botrygt_nlp.errors import TemplateError
from botrygt_nlp.rewrite.types import AdviceContent, Season, Style, TemplateInfo, TemplateSource, Topic

_SEASONS = "|".join(s.value for s in Season if s is not Season.NONE)
_TOPICS = "|".join(t.value for t in Topic if t is not Topic.NONE)
_NAME = re.compile(
    rf"^(?P<ct>[a-z_]+?)(?:\.(?:(?P<season>{_SEASONS})|(?P<topic>{_TOPICS})))?\.v(?P<ver>\d{{1,3}})\.md\.j2$"
)
_POINT = re.compile(r"^\s*(\d)[.)]\s+\*\*(?P<head>[^*]+?):?\*\*:?\s+(?P<text>.+)$")
VARIABLES_FILE = "variables.yaml"
# Variables every template may use; a district sets them in variables.yaml. None means "leave it out".
DEFAULT_VARIABLES: dict[str, str | None] = {
    "district_name": None,
    "local_phone": None,
    "link": "botrygt.dk",
}
_HEADINGS = {p.heading.lower(): p for p in Principle}


@dataclass(frozen=True, slots=True)
class TemplateStore:
    """The templates visible from the built-in folder plus an optional override folder."""

    templates: tuple[TemplateInfo, ...]
    variables: Mapping[str, str | None]
    env: SandboxedEnvironment
    # Rendering is deterministic for (template, style, variables); a daily report reuses a handful of
    # templates, so memoising keeps the rewrite machinery cheap next to the classifier.
    _rendered: dict[tuple[str, Style, tuple[tuple[str, str | None], ...]], AdviceContent] = field(
        default_factory=dict, compare=False, repr=False
    )

    def choose(
        self, crime_type: CrimeType, season: Season = Season.NONE, topic: Topic = Topic.NONE
    ) -> TemplateInfo | None:
        """Newest template for ``crime_type``: the topic's variant when one exists (it is the most specific
        advice), else the seasonal variant when one exists for ``season``, else the general one."""
        wants = [(Topic.NONE, Season.NONE)]
        if season is not Season.NONE:
            wants.insert(0, (Topic.NONE, season))
        if topic is not Topic.NONE:
            wants.insert(0, (topic, Season.NONE))
        for want_topic, want_season in wants:
            found = [
                t
                for t in self.templates
                if t.crime_type is crime_type and t.season is want_season and t.topic is want_topic
            ]
            if found:
                return max(found, key=lambda t: (t.version, t.source is TemplateSource.OVERRIDE))
        return None

    def is_current(self, info: TemplateInfo) -> bool:
        """Whether ``info`` is the template in use for its crime type, season and topic."""
        return self.choose(info.crime_type, info.season, info.topic) == info

    def by_id(self, template_id: str) -> TemplateInfo | None:
        found = [t for t in self.templates if t.template_id == template_id]
        return max(found, key=lambda t: t.source is TemplateSource.OVERRIDE) if found else None

    def render_raw(self, info: TemplateInfo, style: Style, variables: Mapping[str, str | None]) -> str:
        ctx: dict[str, object] = dict(self.variables)
        ctx.update(variables)
        ctx.update(
            style=style.value, season=info.season.value, crime_type=info.crime_type.value, topic=info.topic.value
        )
        try:
            return self.env.get_template(info.filename).render(ctx)
        except JinjaTemplateError as exc:
            raise TemplateError(f"Template {info.template_id} failed to render: {exc}") from exc

    def render(
        self, info: TemplateInfo, style: Style, variables: Mapping[str, str | None] | None = None
    ) -> AdviceContent:
        variables = variables or {}
        key = (info.template_id, style, tuple(sorted(variables.items())))
        content = self._rendered.get(key)
        if content is None:
            content = parse_rendered(self.render_raw(info, style, variables), style, info.template_id)
            self._rendered[key] = content
        return content


def parse_rendered(text: str, style: Style, template_id: str = "?") -> AdviceContent:
    """The parts of a rendered template; raises TemplateError when the shape is wrong."""
    paras = [re.sub(r"[ \t]+", " ", p).strip() for p in re.split(r"\n\s*\n", text.strip())]
    paras = [p for p in paras if p]
    if style is Style.SHORT:
        if len(paras) != 1:
            raise TemplateError(f"{template_id}: the short style must be one paragraph, got {len(paras)}.")
        return AdviceContent(heading="", points=(), closing=(), paragraph=" ".join(paras[0].split()))
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if not lines or not lines[0].startswith("# "):
        raise TemplateError(f"{template_id}: the full style must start with a '# Undgå …' heading.")
    points: list[tuple[Principle, str]] = []
    closing: list[str] = []
    for para in paras:
        fresh = True  # the next closing line starts a new paragraph
        for n, raw_line in enumerate(para.splitlines()):
            ln = raw_line.strip()
            m = _POINT.match(ln)
            if n == 0 and ln.startswith("# ") and para is paras[0]:
                continue
            if m and not closing:
                principle = _HEADINGS.get(m.group("head").strip().lower())
                if principle is None:
                    raise TemplateError(f"{template_id}: unknown principle heading {m.group('head')!r}.")
                points.append((principle, m.group("text").strip()))
            elif not points:
                raise TemplateError(f"{template_id}: text between the heading and the list: {ln!r}.")
            elif m:
                raise TemplateError(f"{template_id}: a numbered point after the closing text: {ln!r}.")
            else:
                if fresh or not closing:
                    closing.append(ln)
                else:
                    closing[-1] = f"{closing[-1]} {ln}"
                fresh = False
    if [p for p, _ in points] != list(Principle):
        raise TemplateError(f"{template_id}: needs exactly five points, one per principle, in order.")
    return AdviceContent(heading=lines[0][2:].strip(), points=tuple(points), closing=tuple(closing))


def _scan(folder: Path, source: TemplateSource) -> list[TemplateInfo]:
    out: list[TemplateInfo] = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.iterdir()):
        m = _NAME.match(path.name)
        if not m or not path.is_file():
            continue
        try:
            crime_type = CrimeType(m.group("ct"))
        except ValueError:
            continue  # a file for a type we do not know is reported by `templates check`, not used
        season = Season(m.group("season")) if m.group("season") else Season.NONE
        topic = Topic(m.group("topic")) if m.group("topic") else Topic.NONE
        out.append(
            TemplateInfo(
                template_id=path.name.removesuffix(".md.j2"),
                crime_type=crime_type,
                season=season,
                version=int(m.group("ver")),
                source=source,
                path=path,
                topic=topic,
            )
        )
    return out


def _load_variables(folder: Path | None) -> dict[str, str | None]:
    variables = dict(DEFAULT_VARIABLES)
    if folder is None:
        return variables
    path = folder / VARIABLES_FILE
    if not path.is_file():
        return variables
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: expected a mapping of variable names to text.")
    for key, value in data.items():
        if not isinstance(key, str) or not re.fullmatch(r"[a-z_][a-z0-9_]*", key):
            raise TemplateError(f"{path}: bad variable name {key!r}.")
        variables[key] = None if value is None else str(value)
    return variables


def build_store(templates_dir: Path, override_dir: Path | None = None) -> TemplateStore:
    """Discover templates. Not cached: use :func:`get_store` for the cached, shared instance."""
    advice_dir = templates_dir / "advice" if (templates_dir / "advice").is_dir() else templates_dir
    builtin = _scan(advice_dir, TemplateSource.BUILTIN)
    overrides = _scan(override_dir, TemplateSource.OVERRIDE) if override_dir else []
    over_names = {t.filename for t in overrides}
    templates = tuple(overrides + [t for t in builtin if t.filename not in over_names])
    search = [str(override_dir)] if override_dir and override_dir.is_dir() else []
    env = SandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader([*search, str(advice_dir)])]),
        undefined=StrictUndefined,
        autoescape=False,  # content is plain text; each output format escapes it when framing the block
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    return TemplateStore(templates=templates, variables=_load_variables(override_dir), env=env)


@lru_cache(maxsize=8)
def get_store(templates_dir: Path, override_dir: Path | None = None) -> TemplateStore:
    return build_store(templates_dir, override_dir)
