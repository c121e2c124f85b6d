"""Small statistics shared by the held-out evaluation (``classify.evaluate``), the trends and the validation
figures (``quantify``): the Wilson score interval of a proportion and precision, recall and F1 from counts.

Pure and dependency-free (it imports nothing of the package), so every core module may use it without
creating a cycle.
"""

from __future__ import annotations

import math

Z_95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for a binomial proportion (None for n == 0). Behaves at 0 and n, unlike
    the normal approximation, which matters for small municipalities with a handful of articles."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"successes {successes} outside 0..{n}")
    p = successes / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    # At 0 and n the Wilson bound is exactly 0 or 1; floating point would give 1e-17 or 0.9999999999999999.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def precision_recall_f1(
    tp: int, fp: int, fn: int, *, found: int | None = None
) -> tuple[float | None, float | None, float | None]:
    """Precision tp / (tp + fp), recall found / (found + fn) and their harmonic mean F1.

    ``found`` is the number of gold items found; it defaults to ``tp`` (one yes/no label per text). It differs
    only where the predicted and the gold side are counted apart (advice spans: a predicted span that overlaps
    a gold one is a true positive, a gold span that some predicted span overlaps is found). A ratio with an
    empty denominator is None; F1 is None only when both are, and 0.0 when neither side has a hit.
    """
    hit = tp if found is None else found
    precision = tp / (tp + fp) if tp + fp else None
    recall = hit / (hit + fn) if hit + fn else None
    if precision is None and recall is None:
        return None, None, None
    p, r = precision or 0.0, recall or 0.0
    return precision, recall, 2 * p * r / (p + r) if p + r else 0.0
