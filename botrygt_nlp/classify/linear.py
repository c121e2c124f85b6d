"""A sparse linear model over named features: trained with scikit-learn, predicted with numpy alone.

Prediction gathers the weight columns of the features present (binary presence) and sums them, which costs
microseconds and lets every decision be explained as a list of (feature, weight) pairs. Loading never imports
scikit-learn.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class LookedUp:
    """Feature lists already looked up in one vocabulary: each (row, column) present once, in ``keys`` as
    ``row * width + column`` (binary presence, as in training)."""

    n_rows: int
    width: int
    keys: IntArray

    def plus(self, other: LookedUp) -> LookedUp:
        """Both sets of features per row; ``other`` must hold features that ``self`` lacks (no row counts a
        feature twice)."""
        if (other.n_rows, other.width) != (self.n_rows, self.width):
            raise ValueError("LookedUp.plus needs lookups of the same rows in the same vocabulary")
        return LookedUp(self.n_rows, self.width, np.concatenate([self.keys, other.keys]))


class SentenceFeatures(list[list[str]]):
    """The sentence feature lists of one document that remember their lookup in a vocabulary, so that models
    sharing that vocabulary (advice and sentence alarm, see ``unify_vocab``) look the strings up once.

    One object serves one document in one thread; it is a plain list of lists to every other reader.
    """

    __slots__ = ("_looked_up", "_vocab")

    def __init__(self, lists: Iterable[list[str]] = ()) -> None:
        super().__init__(lists)
        self._vocab: dict[str, int] | None = None
        self._looked_up: LookedUp | None = None

    def looked_up_in(self, model: LinearModel) -> LookedUp:
        if self._vocab is not model.vocab or self._looked_up is None:
            self._looked_up = model.look_up_many(self)
            self._vocab = model.vocab
        return self._looked_up


@dataclass(slots=True)
class LinearModel:
    name: str
    classes: list[str]  # one entry per output; binary models have ["neg", "pos"]
    vocab: dict[str, int]
    coef: FloatArray  # (n_outputs, n_features); binary models have one row
    intercept: FloatArray  # (n_outputs,)

    @property
    def binary(self) -> bool:
        return bool(self.coef.shape[0] == 1)

    def _indices(self, features: Iterable[str]) -> list[int]:
        # Sorted: a float32 sum depends on its order, and feature order follows string-set order, which differs
        # per process (hash randomisation). Unsorted, `score --workers 2` could differ from one worker in a last
        # digit (a score of 0.98305 printed as 0.983 in one process and 0.9831 in another).
        found: set[int | None] = set(map(self.vocab.get, features))  # the look-ups run in C
        found.discard(None)
        return sorted(cast("set[int]", found))

    def indices(self, features: Iterable[str]) -> list[int]:
        """Column indices of the known features; reusable across models that share this vocabulary."""
        return self._indices(features)

    def decision(self, features: Iterable[str]) -> FloatArray:
        return self.decision_at(self._indices(features))

    def decision_at(self, idx: list[int]) -> FloatArray:
        if idx:
            out: FloatArray = self.coef[:, idx].sum(axis=1) + self.intercept
            return out
        return self.intercept.copy()

    def proba(self, features: Iterable[str]) -> FloatArray:
        """Probabilities per class (binary: [p_neg, p_pos])."""
        return self.proba_at(self._indices(features))

    def proba_at(self, idx: list[int]) -> FloatArray:
        z = self.decision_at(idx)
        if self.binary:
            p = 1.0 / (1.0 + np.exp(-float(z[0])))
            return np.array([1.0 - p, p], dtype=np.float32)
        z = z - z.max()
        e = np.exp(z)
        result: FloatArray = (e / e.sum()).astype(np.float32)
        return result

    def positive(self, features: Iterable[str]) -> float:
        return float(self.proba(features)[1])

    def look_up_many(self, feature_lists: Sequence[Sequence[str]]) -> LookedUp:
        """The known features of many lists: one C-level vocabulary pass, duplicates within a list removed by
        ``np.unique`` on (row, column) keys rather than by a Python set per row."""
        n_rows = len(feature_lists)
        lengths = np.fromiter(map(len, feature_lists), dtype=np.int64, count=n_rows)
        # One C-level pass over every feature string of every row (unknown features become -1).
        looked_up = np.fromiter(
            map(self.vocab.get, itertools.chain.from_iterable(feature_lists), itertools.repeat(-1)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        rows = np.repeat(np.arange(n_rows, dtype=np.int64), lengths)
        known = looked_up >= 0
        n_feat = self.coef.shape[1]
        return LookedUp(n_rows, n_feat, np.unique(rows[known] * n_feat + looked_up[known]))

    def decisions_looked_up(self, looked_up: LookedUp) -> FloatArray:
        n_rows, n_feat, keys = looked_up.n_rows, looked_up.width, looked_up.keys
        if n_feat != self.coef.shape[1]:
            raise ValueError(f"{self.name}: the features were looked up in another vocabulary")
        out = np.tile(self.intercept, (n_rows, 1)).astype(np.float32)
        if keys.size:
            r_idx = keys // n_feat
            c_idx = keys % n_feat
            for k in range(self.coef.shape[0]):
                out[:, k] += np.bincount(r_idx, weights=self.coef[k, c_idx], minlength=n_rows).astype(np.float32)
        return out

    def decisions_many(self, feature_lists: Sequence[Sequence[str]]) -> FloatArray:
        """Decision values for many feature lists at once: one vocabulary pass, one numpy reduction (a
        ``SentenceFeatures`` reuses its lookup where this model shares the vocabulary it was looked up in)."""
        if isinstance(feature_lists, SentenceFeatures):
            return self.decisions_looked_up(feature_lists.looked_up_in(self))
        return self.decisions_looked_up(self.look_up_many(feature_lists))

    def proba_many(self, feature_lists: Sequence[Sequence[str]]) -> FloatArray:
        """Batched ``proba`` for many feature lists."""
        if not feature_lists:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        return self.proba_from_decisions(self.decisions_many(feature_lists))

    def proba_looked_up(self, looked_up: LookedUp) -> FloatArray:
        """``proba_many`` for features already looked up in this model's vocabulary."""
        if not looked_up.n_rows:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        return self.proba_from_decisions(self.decisions_looked_up(looked_up))

    def proba_from_decisions(self, z: FloatArray) -> FloatArray:
        if self.binary:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1.0 - p, p], axis=1).astype(np.float32)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        result: FloatArray = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
        return result

    def explain(self, features: Iterable[str], output: int = 0, top: int = 8) -> list[tuple[str, float]]:
        """The features that pushed output ``output`` most, with their weights."""
        inv = {i: f for f, i in self.vocab.items()}
        row = 0 if self.binary else output
        pairs = [(inv[i], float(self.coef[row, i])) for i in self._indices(features)]
        pairs.sort(key=lambda p: abs(p[1]), reverse=True)
        return pairs[:top]

    # --- persistence -------------------------------------------------------------------------------
    def save(self, directory: Path, keep: npt.NDArray[np.int64] | None = None) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        # Keep only features with a non-zero weight somewhere: smaller files, faster loads.
        if keep is None:
            keep = np.flatnonzero(np.abs(self.coef).max(axis=0) > 1e-6)
        inv = {i: f for f, i in self.vocab.items()}
        features = [inv[int(i)] for i in keep]
        np.savez_compressed(
            directory / f"{self.name}.npz",
            coef=self.coef[:, keep].astype(np.float32),
            intercept=self.intercept.astype(np.float32),
        )
        meta = {"name": self.name, "classes": self.classes, "features": features}
        (directory / f"{self.name}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, name: str) -> LinearModel:
        meta = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
        arrays = np.load(directory / f"{name}.npz")
        features: list[str] = meta["features"]
        return cls(
            name=name,
            classes=list(meta["classes"]),
            vocab={f: i for i, f in enumerate(features)},
            coef=np.ascontiguousarray(arrays["coef"], dtype=np.float32),
            intercept=np.asarray(arrays["intercept"], dtype=np.float32),
        )


def save_shared(models: Sequence[LinearModel], directory: Path) -> None:
    """Save models trained on the same feature lists with one common feature list, so a caller computes the
    feature indices once and scores every model with them."""
    vocab = models[0].vocab
    if any(m.vocab != vocab for m in models):
        raise ValueError("save_shared needs models with identical vocabularies")
    keep = np.flatnonzero(np.max([np.abs(m.coef).max(axis=0) for m in models], axis=0) > 1e-6)
    for m in models:
        m.save(directory, keep)


def unify_vocab(models: Sequence[LinearModel]) -> None:
    """After loading: give models over the same kind of feature lists one vocabulary, the union of theirs,
    each model's weights placed in the union's columns (zero where it never saw a feature). Decisions do not
    change; a ``SentenceFeatures`` is then looked up once for all of them."""
    union: dict[str, int] = {}
    for m in models:
        for f in m.vocab:
            union.setdefault(f, len(union))
    for m in models:
        if m.vocab == union:
            m.vocab = union
            continue
        cols = np.fromiter((union[f] for f in m.vocab), dtype=np.int64, count=len(m.vocab))
        order = np.fromiter(m.vocab.values(), dtype=np.int64, count=len(m.vocab))
        wide = np.zeros((m.coef.shape[0], len(union)), dtype=np.float32)
        wide[:, cols] = m.coef[:, order]
        m.coef = wide
        m.vocab = union


def share_vocab(models: Sequence[LinearModel]) -> None:
    """After loading: let models saved by ``save_shared`` use one vocabulary object."""
    for m in models[1:]:
        if m.vocab == models[0].vocab:
            m.vocab = models[0].vocab


def fit_linear(
    name: str,
    feature_lists: Sequence[Sequence[str]],
    labels: Sequence[str],
    *,
    c: float = 1.0,
    min_count: int = 2,
    class_weight: str | None = None,
    max_iter: int = 2000,
    sample_weight: Sequence[float] | None = None,
) -> LinearModel:
    """Fit an L2 logistic regression over binary feature presence (scikit-learn, training time only).

    ``sample_weight`` counts some rows more than others (texts from the real-press distribution).
    """
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts: Counter[str] = Counter()
    for feats in feature_lists:
        counts.update(set(feats))
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}
    rows: list[int] = []
    cols: list[int] = []
    for r, feats in enumerate(feature_lists):
        idx = {vocab[f] for f in feats if f in vocab}
        rows.extend([r] * len(idx))
        cols.extend(idx)
    x = csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(feature_lists), len(vocab)))
    classes = sorted(set(labels))
    clf = LogisticRegression(C=c, max_iter=max_iter, class_weight=class_weight)
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    clf.fit(x, np.asarray(labels), sample_weight=weights)
    coef = np.asarray(clf.coef_, dtype=np.float32)
    intercept = np.asarray(clf.intercept_, dtype=np.float32)
    out_classes = [str(k) for k in clf.classes_]
    if len(classes) == 2:
        out_classes = [str(clf.classes_[0]), str(clf.classes_[1])]
    return LinearModel(name=name, classes=out_classes, vocab=vocab, coef=coef, intercept=intercept)
