"""Loading and validating the authored, labelled corpus (models/corpus/*.jsonl; rubric in AUTHORING.md)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from botrygt_nlp.domain import CrimeType, Principle, Register

MIN_CHARS = 80
MAX_CHARS = 2500
# Independent held-out files imitate real inputs, which are not bound by the training length range: a
# one-line døgnrapport entry or a 5,000-character feature article must be measured too.
HELDOUT_MAX_CHARS = 20_000
HELDOUT_FILE_PREFIX = "heldout"
BORDERLINE_TAG = "borderline"
# Files whose units are close paraphrases of real Danish press (see DATASHEET.md): the distribution the model
# is judged on, so training may count them more than authored text.
REAL_PRESS_FILES = frozenset({"press_paraphrased.jsonl"})


class Split(StrEnum):
    """Where a unit is used. Training only ever reads ``TRAIN``."""

    TRAIN = "train"
    HELDOUT = "heldout"  # authored held-out: the independent files plus a 20 % hash slice of the others
    DEV = "dev"  # the fixed development split of the paraphrased real-press corpus (a ``split`` field)


# The values a unit's own ``split`` field may take (the paraphrased corpus fixes its split by a hash of the id).
_FIXED_SPLITS = {"train": Split.TRAIN, "dev": Split.DEV}


@dataclass(frozen=True, slots=True)
class AnnotatedSpan:
    start: int
    end: int
    principle: Principle | None


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    register: Register
    title: str
    text: str
    relevant: bool
    crime_type: CrimeType
    constructive: bool
    alarmist: bool
    witness_appeal: bool
    advice: tuple[AnnotatedSpan, ...]
    alarm: tuple[tuple[int, int], ...]
    tags: tuple[str, ...]
    generated: bool
    source_file: str
    fixed_split: Split | None = None  # from the unit's own ``split`` field, which then decides
    borderline: bool = False  # the annotators were unsure or the adjudication called it close

    @property
    def real_press(self) -> bool:
        """A paraphrase of a real press or police text rather than a text written from scratch."""
        return self.source_file in REAL_PRESS_FILES

    @property
    def split(self) -> Split:
        """The unit's own fixed split when it has one; else 'heldout' for the independent held-out files and a
        stable 20 % hash slice of the others, and 'train' for the rest."""
        if self.fixed_split is not None:
            return self.fixed_split
        if self.source_file.startswith(HELDOUT_FILE_PREFIX):
            return Split.HELDOUT
        digest = hashlib.sha1(self.id.encode()).digest()
        return Split.HELDOUT if digest[0] % 5 == 0 else Split.TRAIN


class CorpusError(ValueError):
    pass


def _find(text: str, needle: str, what: str, uid: str) -> tuple[int, int]:
    pos = text.find(needle)
    if pos < 0:
        raise CorpusError(f"{uid}: {what} is not an exact substring of text: {needle[:80]!r}")
    return pos, pos + len(needle)


def parse_unit(raw: dict[str, object], source_file: str) -> Unit:
    uid = str(raw.get("id", "?"))
    try:
        text = str(raw["text"])
        relevant = bool(raw["relevant"])
        crime_type = CrimeType(str(raw["crime_type"]))
        constructive = bool(raw["constructive"])
        alarmist = bool(raw["alarmist"])
        witness = bool(raw.get("witness_appeal", False))
        register = Register(str(raw["register"]))
    except (KeyError, ValueError) as exc:
        raise CorpusError(f"{uid}: bad or missing field: {exc}") from exc
    low, high = (1, HELDOUT_MAX_CHARS) if source_file.startswith(HELDOUT_FILE_PREFIX) else (MIN_CHARS, MAX_CHARS)
    if not low <= len(text) <= high:
        raise CorpusError(f"{uid}: text length {len(text)} outside {low}-{high}")
    if relevant != crime_type.is_relevant:
        raise CorpusError(f"{uid}: relevant={relevant} contradicts crime_type={crime_type.value}")
    if constructive and not relevant:
        raise CorpusError(f"{uid}: constructive but not relevant")
    advice_raw = raw.get("advice") or []
    assert isinstance(advice_raw, list)
    advice: list[AnnotatedSpan] = []
    for item in advice_raw:
        assert isinstance(item, dict)
        start, end = _find(text, str(item["text"]), "advice", uid)
        principle = item.get("principle")
        advice.append(AnnotatedSpan(start, end, Principle(str(principle)) if principle else None))
    if constructive != bool(advice):
        raise CorpusError(f"{uid}: constructive={constructive} but {len(advice)} advice spans")
    alarm_raw = raw.get("alarm") or []
    assert isinstance(alarm_raw, list)
    alarm = tuple(_find(text, str(a), "alarm phrase", uid) for a in alarm_raw)
    if alarm and not alarmist:
        raise CorpusError(f"{uid}: alarm phrases given but alarmist=false")
    tags_raw = raw.get("tags") or []
    assert isinstance(tags_raw, list)
    tags = tuple(str(t) for t in tags_raw)
    fixed_split: Split | None = None
    if "split" in raw:
        fixed_split = _FIXED_SPLITS.get(str(raw["split"]))
        if fixed_split is None:
            raise CorpusError(f"{uid}: split must be one of {sorted(_FIXED_SPLITS)}, not {raw['split']!r}")
    return Unit(
        id=uid,
        register=register,
        title=str(raw.get("title") or ""),
        text=text,
        relevant=relevant,
        crime_type=crime_type,
        constructive=constructive,
        alarmist=alarmist,
        witness_appeal=witness,
        advice=tuple(sorted(advice, key=lambda a: a.start)),
        alarm=alarm,
        tags=tags,
        generated=bool(raw.get("generated", False)),
        source_file=source_file,
        fixed_split=fixed_split,
        borderline=bool(raw.get("borderline", False)) or BORDERLINE_TAG in tags,
    )


def iter_units(paths: Iterable[Path]) -> Iterator[Unit]:
    for path in paths:
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path.name}:{lineno}: not JSON: {exc}") from exc
            try:
                yield parse_unit(raw, path.name)
            except CorpusError as exc:
                raise CorpusError(f"{path.name}:{lineno}: {exc}") from exc


def corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(corpus_dir.glob("*.jsonl"))


def load_corpus(corpus_dir: Path) -> list[Unit]:
    units = list(iter_units(corpus_files(corpus_dir)))
    seen: set[str] = set()
    for u in units:
        if u.id in seen:
            raise CorpusError(f"duplicate id {u.id}")
        seen.add(u.id)
    return units


def corpus_sha256(corpus_dir: Path) -> str:
    h = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()
