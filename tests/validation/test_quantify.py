"""The error correction of constructive shares (botrygt_nlp.quantify), checked by simulation: a synthetic
classifier with known error rates over groups with known true shares."""

from __future__ import annotations

import numpy as np
import pytest

from botrygt_nlp.quantify import (
    MIN_LABELS,
    ClassCounts,
    CoverageClass,
    InsufficientLabels,
    LabelledVerdict,
    binary_scores,
    correct_counts,
    corrected_share,
    estimate_error_rates,
    two_phase_share,
)
from botrygt_nlp.stats import wilson_interval

# P(model says k | truth j): columns are the truth. Large errors, and asymmetric: the model calls
# relevant-but-not-constructive texts constructive 30 % of the time.
NOISY = np.array([[0.85, 0.15, 0.05], [0.10, 0.55, 0.30], [0.05, 0.30, 0.65]])


def _classify(rng: np.random.Generator, truth: np.ndarray, m: np.ndarray) -> np.ndarray:
    cum = m.cumsum(axis=0)  # (k, j)
    u = rng.random(len(truth))
    return (u[:, None] > cum[:, truth].T).sum(axis=1)


def _pairs(said: np.ndarray, truth: np.ndarray) -> list[LabelledVerdict]:
    return [LabelledVerdict(CoverageClass(int(s)), CoverageClass(int(t))) for s, t in zip(said, truth, strict=True)]


def _counts(said: np.ndarray) -> ClassCounts:
    c = np.bincount(said, minlength=3)
    return ClassCounts(int(c[0]), int(c[1]), int(c[2]))


def test_corrected_interval_covers_the_truth_where_the_raw_one_does_not() -> None:
    rng = np.random.default_rng(20261207)
    covered = raw_covered = 0
    errors: list[float] = []
    groups = 200
    for g in range(groups):
        mix = rng.dirichlet([3.0, 3.0, 3.0])
        true_share = mix[2] / (mix[1] + mix[2])
        # Each group gets its own validation sample (200 labelled articles from a pooled population), so
        # the 200 coverage trials are independent.
        v_truth = rng.choice(3, size=200, p=[0.4, 0.35, 0.25])
        pairs = _pairs(_classify(rng, v_truth, NOISY), v_truth)
        truth = rng.choice(3, size=300, p=mix)
        counts = _counts(_classify(rng, truth, NOISY))
        c = corrected_share(counts, pairs, seed=g, replicates=400)
        assert c.share is not None and c.ci_low is not None and c.ci_high is not None
        assert 0.0 <= c.ci_low <= c.share <= c.ci_high <= 1.0
        errors.append(c.share - true_share)
        covered += c.ci_low <= true_share <= c.ci_high
        raw = wilson_interval(counts.constructive, counts.relevant + counts.constructive)
        assert raw is not None
        raw_covered += raw[0] <= true_share <= raw[1]
    assert covered / groups >= 0.90
    assert raw_covered / groups < 0.70  # the raw Wilson interval ignores the classifier's errors
    bias = float(np.mean(errors))
    assert abs(bias) < 3 * float(np.std(errors)) / np.sqrt(groups) + 0.01  # unbiased within noise


def test_a_perfect_classifier_needs_no_correction() -> None:
    truth = np.array([0] * 40 + [1] * 30 + [2] * 30)
    pairs = _pairs(truth, truth)
    counts = ClassCounts(50, 30, 20)
    c = corrected_share(counts, pairs)
    assert c.share == pytest.approx(counts.raw_share)
    assert correct_counts(counts, estimate_error_rates(pairs)) == pytest.approx((0.5, 0.3, 0.2))


def test_the_mix_stays_a_distribution_where_the_plain_inverse_goes_negative() -> None:
    rng = np.random.default_rng(3)
    truth = rng.choice(3, size=300, p=[0.4, 0.3, 0.3])
    rates = estimate_error_rates(_pairs(_classify(rng, truth, NOISY), truth))
    # Fewer "constructive" verdicts than the false-positive rate alone would produce: M⁻¹ f < 0.
    counts = ClassCounts(60, 40, 0)
    assert (np.linalg.solve(rates.as_array(), counts.as_array() / counts.total) < 0).any()
    mix = correct_counts(counts, rates)
    assert all(0.0 <= x <= 1.0 for x in mix) and sum(mix) == pytest.approx(1.0)
    assert mix[2] == 0.0


def test_too_few_labels_say_so_instead_of_inventing_a_number() -> None:
    few = _pairs(np.array([0, 1, 2] * 5), np.array([0, 1, 2] * 5))
    with pytest.raises(InsufficientLabels, match=f"at least {MIN_LABELS}"):
        estimate_error_rates(few)
    c = corrected_share(ClassCounts(10, 10, 10), few)
    assert c.share is None and c.ci_low is None and c.note and "at least" in c.note
    assert c.raw_share == 0.5
    # Enough labels, but almost no truly constructive article among them: that class's error rates are a guess.
    lopsided = _pairs(np.array([0] * 20 + [1] * 20 + [2] * 2), np.array([0] * 20 + [1] * 20 + [2] * 2))
    c = corrected_share(ClassCounts(10, 10, 10), lopsided)
    assert c.share is None and c.note and "constructive" in c.note


def test_corrections_are_reproducible_with_a_seed() -> None:
    rng = np.random.default_rng(9)
    truth = rng.choice(3, size=150, p=[0.4, 0.3, 0.3])
    pairs = _pairs(_classify(rng, truth, NOISY), truth)
    a = corrected_share(ClassCounts(100, 60, 40), pairs, seed=5)
    b = corrected_share(ClassCounts(100, 60, 40), pairs, seed=5)
    assert a == b


def test_binary_scores_against_a_hand_count() -> None:
    said = [True, True, True, False, False, True, False, False]
    truth = [True, True, False, True, False, True, False, False]
    s = binary_scores(said, truth)
    assert (s.true_positive, s.false_positive, s.false_negative, s.true_negative) == (3, 1, 1, 3)
    assert s.precision == pytest.approx(0.75) and s.recall == pytest.approx(0.75) and s.f1 == pytest.approx(0.75)
    assert s.precision_ci == wilson_interval(3, 4)
    assert s.f1_ci is not None and s.f1_ci[0] <= 0.75 <= s.f1_ci[1]
    assert s.to_json()["n"] == 8


def test_two_phase_share_of_the_sampled_population_lands_near_the_truth() -> None:
    """A realistic classifier (relevance ~93 % right, over-calls constructive a little), populations of
    3,000 articles, 120 of them labelled: the estimate lands within 0.05 of the true share in most
    populations and its 95 % interval covers the truth in >= 90 % of 200."""
    rng = np.random.default_rng(120)
    realistic = np.array([[0.93, 0.05, 0.03], [0.05, 0.85, 0.12], [0.02, 0.10, 0.85]])
    near = covered = 0
    for r in range(200):
        mix = rng.dirichlet([4.0, 4.0, 3.0])
        truth = rng.choice(3, size=3000, p=mix)
        said = _classify(rng, truth, realistic)
        true_share = (truth == 2).sum() / (truth > 0).sum()
        idx = rng.choice(3000, size=120, replace=False)
        c = two_phase_share(_counts(said), _pairs(said[idx], truth[idx]), seed=r, replicates=300)
        assert c.share is not None and c.ci_low is not None and c.ci_high is not None
        near += abs(c.share - true_share) <= 0.05
        covered += c.ci_low <= true_share <= c.ci_high
    assert covered / 200 >= 0.90
    assert near / 200 >= 0.80
