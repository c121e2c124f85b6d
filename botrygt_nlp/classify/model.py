"""The trained model bundle and the backend seam.

A model folder (``models/default``) holds ``meta.json`` and one linear model per decision:

- ``advice``      sentence → is it advice to the reader (the unit that decides constructiveness)
- ``principle``   advice sentence → which of the five principles
- ``crime_type``  document → one of the twelve crime types (relevance = the mass on relevant types)
- ``alarm``       document → alarmist framing
- ``witness``     document → carries a witness appeal
- ``constructive`` aggregated sentence evidence → calibrated probability that a relevant text is constructive
- ``alarm_sentence`` sentence → alarmist framing (optional: models trained before it have none), the evidence
  for alarmist wording that no phrase of the lexicon names

The sentence decision sits behind :class:`Backend`; the default is linear, the optional
transformers backend (``botrygt_nlp.classify.transformers_backend``) swaps in a fine-tuned encoder for the
advice decision and is imported only when a model asks for it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from botrygt_nlp.classify.linear import LinearModel, save_shared, share_vocab, unify_vocab
from botrygt_nlp.errors import ModelError
from botrygt_nlp.nlp.text import ProcessedText

LINEAR_PARTS = ("advice", "principle", "crime_type", "alarm", "witness", "constructive")
# Parts a model folder may lack (trained before the part existed); the analysis then does without them.
OPTIONAL_PARTS = ("alarm_sentence",)


class BackendKind(StrEnum):
    """What decides the sentences, as ``meta.json`` names it (``"backend"``)."""

    LINEAR = "linear"
    TRANSFORMERS = "transformers"  # a fine-tuned encoder decides every sentence
    CASCADE = "cascade"  # linear first, the fine-tuned encoder only where the linear model is unsure


@dataclass(frozen=True, slots=True)
class ModelMeta:
    version: str
    backend: BackendKind
    corpus_sha256: str
    thresholds: dict[str, float] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def read(cls, directory: Path) -> ModelMeta:
        path = directory / "meta.json"
        if not path.is_file():
            raise ModelError(f"No model at {directory}: meta.json is missing. Run `botrygt train` first.")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            backend = str(raw.get("backend", BackendKind.LINEAR.value))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"Model metadata {path} is unreadable: {exc}") from exc
        if backend not in {kind.value for kind in BackendKind}:
            raise ModelError(f"Unknown backend {backend!r} in {path}")
        try:
            return cls(
                version=str(raw["version"]),
                backend=BackendKind(backend),
                corpus_sha256=str(raw.get("corpus_sha256", "")),
                thresholds={k: float(v) for k, v in dict(raw.get("thresholds", {})).items()},
                extra=dict(raw.get("extra", {})),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"Model metadata {path} is unreadable: {exc}") from exc

    def write(self, directory: Path) -> None:
        data = {
            "version": self.version,
            "backend": self.backend.value,
            "corpus_sha256": self.corpus_sha256,
            "thresholds": self.thresholds,
            "extra": self.extra,
        }
        (directory / "meta.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


class Backend(Protocol):
    """The decision a backend makes: advice per sentence. Crime type, alarmist and witness appeal are linear
    document models in every backend (the encoder was not better at them), read from the bundle directly."""

    def advice_probabilities(
        self, doc: ProcessedText, features: Sequence[Sequence[str]], unused: Sequence[bool] = ()
    ) -> list[float]:
        """One probability per sentence; where ``unused`` says True (page furniture, never evidence) the value
        is not read, so a costly backend may skip that sentence."""
        ...


@dataclass(slots=True)
class LinearBundle:
    advice: LinearModel
    principle: LinearModel
    crime_type: LinearModel
    alarm: LinearModel
    witness: LinearModel
    constructive: LinearModel
    alarm_sentence: LinearModel | None = None

    @classmethod
    def load(cls, directory: Path) -> LinearBundle:
        try:
            parts = {name: LinearModel.load(directory, name) for name in LINEAR_PARTS}
            optional = {
                name: LinearModel.load(directory, name)
                for name in OPTIONAL_PARTS
                if (directory / f"{name}.json").is_file()
            }
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"Model files in {directory} are missing or corrupt: {exc}") from exc
        bundle = cls(**parts, **optional)
        share_vocab(bundle.document_models)
        if bundle.alarm_sentence is not None:
            # Both read the same sentence feature lists: one vocabulary lets a document look them up once.
            unify_vocab([bundle.advice, bundle.alarm_sentence])
        return bundle

    def digest(self) -> str:
        """A hash of every weight and feature name: two bundles with the same digest decide identically."""
        h = hashlib.sha256()
        for name in (*LINEAR_PARTS, *OPTIONAL_PARTS):
            m: LinearModel | None = getattr(self, name)
            if m is None:
                continue
            h.update(json.dumps([name, m.classes, sorted(m.vocab, key=m.vocab.__getitem__)]).encode())
            h.update(m.coef.astype("<f4").tobytes())
            h.update(m.intercept.astype("<f4").tobytes())
        return h.hexdigest()

    @property
    def document_models(self) -> list[LinearModel]:
        """The models over document features; saved with one shared feature list."""
        return [self.crime_type, self.alarm, self.witness]

    def save(self, directory: Path) -> None:
        save_shared(self.document_models, directory)
        for model in (self.advice, self.principle, self.constructive, self.alarm_sentence):
            if model is not None:
                model.save(directory)


class LinearBackend:
    def __init__(self, bundle: LinearBundle) -> None:
        self.bundle = bundle

    def advice_probabilities(
        self, doc: ProcessedText, features: Sequence[Sequence[str]], unused: Sequence[bool] = ()
    ) -> list[float]:
        probs = self.bundle.advice.proba_many(features)
        return [float(p) for p in probs[:, 1]] if len(probs) else []
