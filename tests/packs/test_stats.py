"""Intervals: checked against published worked examples and against scipy, computed separately."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from forum_app.packs import stats
from forum_app.packs.contents import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED
from forum_app.packs.disclosure import DisclosureRules, Published, is_published, publish_count
from forum_app.packs.stats import (
    MedianCI,
    PercentCI,
    median_ci,
    newcombe_difference,
    newcombe_interval,
    percent_with_ci,
    wilson,
    wilson_interval,
)

# --- Wilson ---------------------------------------------------------------------------------------


def test_wilson_matches_newcombes_worked_example():
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", 81/263.
    interval = wilson_interval(81, 263)
    assert interval is not None
    assert (round(interval[0], 4), round(interval[1], 4)) == (0.2553, 0.3662)
    assert wilson(81, 263) == (25.5, 36.6)


@given(base=st.integers(min_value=1, max_value=2000), data=st.data())
def test_wilson_agrees_with_scipy(base, data):
    count = data.draw(st.integers(min_value=0, max_value=base))
    ours = wilson_interval(count, base)
    theirs = scipy_stats.binomtest(count, base).proportion_ci(confidence_level=0.95, method="wilson")
    assert ours is not None
    assert ours[0] == pytest.approx(theirs.low, abs=1e-6)
    assert ours[1] == pytest.approx(theirs.high, abs=1e-6)


def test_wilson_edges():
    assert wilson(0, 10) == (0.0, 27.8)
    assert wilson(10, 10) == (72.2, 100.0)
    assert wilson_interval(0, 50) == (0.0, pytest.approx(0.0713, abs=1e-4))
    assert wilson(0, 0) is None
    assert wilson_interval(0, 0) is None
    for count, base in [(11, 10), (-1, 10), (1, -1), (True, 10), (1.0, 10)]:
        with pytest.raises(ValueError):
            wilson(count, base)  # type: ignore[arg-type]


# --- Newcombe -------------------------------------------------------------------------------------

# Newcombe (1998), "Interval estimation for the difference between independent proportions:
# comparison of eleven methods", Statistics in Medicine 17:873-890, Table II, method 10.
# (a) and (b) are also used as checks by the R package propint; all eight are reproduced by the
# scipy-based calculation in the next test.
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.2000, 0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.6000, 0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.5714, 0.0582, 0.8062)),
    ((5, 56, 0, 29), (0.0893, -0.0381, 0.1926)),
    ((0, 10, 0, 20), (0.0000, -0.1611, 0.2775)),
    ((0, 10, 0, 10), (0.0000, -0.2775, 0.2775)),
    ((10, 10, 0, 20), (1.0000, 0.6791, 1.0000)),
    ((10, 10, 0, 10), (1.0000, 0.6075, 1.0000)),
]


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_TABLE_II)
def test_newcombe_matches_table_ii(counts, expected):
    difference, low, high = newcombe_interval(*counts)
    assert (round(difference, 4), round(low, 4), round(high, 4)) == expected


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_TABLE_II)
def test_newcombe_agrees_with_a_separate_calculation(counts, expected):
    c1, n1, c2, n2 = counts
    first = scipy_stats.binomtest(c1, n1).proportion_ci(method="wilson")
    second = scipy_stats.binomtest(c2, n2).proportion_ci(method="wilson")
    p1, p2 = c1 / n1, c2 / n2
    low = p1 - p2 - math.hypot(p1 - first.low, second.high - p2)
    high = p1 - p2 + math.hypot(first.high - p1, p2 - second.low)
    assert newcombe_interval(*counts) == pytest.approx((p1 - p2, low, high), abs=1e-6)
    assert (round(low, 4), round(high, 4)) == expected[1:]


def test_newcombe_difference_is_in_percentage_points():
    assert newcombe_difference(56, 70, 48, 80) == (20.0, 5.2, 33.4)
    assert newcombe_difference(48, 80, 56, 70) == (-20.0, -33.4, -5.2)
    with pytest.raises(ValueError):
        newcombe_difference(0, 0, 5, 10)
    with pytest.raises(ValueError):
        newcombe_difference(11, 10, 5, 10)


@given(
    n1=st.integers(min_value=1, max_value=300),
    n2=st.integers(min_value=1, max_value=300),
    data=st.data(),
)
def test_newcombe_interval_holds_the_difference_and_stays_within_bounds(n1, n2, data):
    c1 = data.draw(st.integers(min_value=0, max_value=n1))
    c2 = data.draw(st.integers(min_value=0, max_value=n2))
    difference, low, high = newcombe_interval(c1, n1, c2, n2)
    assert -1 - 1e-12 <= low <= difference <= high <= 1 + 1e-12


# --- percentages for pack cells ----------------------------------------------------------------------


def test_percent_with_ci_follows_the_reporting_bands():
    assert percent_with_ci(30, 100) == PercentCI(30.0, 21.9, 39.6, False)
    assert percent_with_ci(10, 40) == PercentCI(25.0, 14.2, 40.2, True)
    assert percent_with_ci(10, 40).flag == "[u]"
    assert percent_with_ci(30, 100).flag == ""
    assert percent_with_ci(0, 50) == PercentCI(0.0, 0.0, 7.1, False)
    assert percent_with_ci(10, 15) == PercentCI(NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE, False)
    assert percent_with_ci(SUPPRESSED, 100) == PercentCI(SUPPRESSED, SUPPRESSED, SUPPRESSED, False)
    assert percent_with_ci(10, SUPPRESSED) == PercentCI(SUPPRESSED, SUPPRESSED, SUPPRESSED, False)
    assert percent_with_ci(0, 0) == PercentCI(NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE, False)


def test_percent_with_ci_refuses_exact_counts():
    for count, base in [(13, 100), (10, 99), (3, 50), (60, 50)]:
        with pytest.raises(ValueError):
            percent_with_ci(count, base)
    with pytest.raises(ValueError):
        percent_with_ci(10, 10 * 9, DisclosureRules(threshold=10))  # 10 is not publishable there


def _expected_percent_with_ci(
    count_pub: Published, base_pub: Published
) -> tuple[object, object, object, bool]:
    """PACK.md's rules for a percentage cell, worked out here from the published counts alone: the
    percentage exactly (fractions, halves up) and the interval from scipy's Wilson interval."""
    if SUPPRESSED in (count_pub, base_pub):
        return SUPPRESSED, SUPPRESSED, SUPPRESSED, False
    assert isinstance(count_pub, int) and isinstance(base_pub, int)
    if base_pub == 0:
        return NOT_APPLICABLE, NOT_APPLICABLE, NOT_APPLICABLE, False
    if base_pub < 20:
        return NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE, False
    percent = math.floor(Fraction(1000 * count_pub, base_pub) + Fraction(1, 2)) / 10
    interval = scipy_stats.binomtest(count_pub, base_pub).proportion_ci(
        confidence_level=0.95, method="wilson"
    )
    return percent, 100 * interval.low, 100 * interval.high, base_pub < 50


@given(
    count=st.integers(min_value=0, max_value=1000),
    extra=st.integers(min_value=0, max_value=1000),
    shift=st.integers(min_value=-2, max_value=2),
)
# The edges of PACK.md's rules: suppressed, no base, bases of 15, 20, 45 and 50, all or none counted.
@example(count=5, extra=45, shift=1)
@example(count=0, extra=0, shift=2)
@example(count=10, extra=5, shift=-2)
@example(count=10, extra=10, shift=0)
@example(count=10, extra=35, shift=0)
@example(count=10, extra=40, shift=0)
@example(count=50, extra=0, shift=-1)
@example(count=0, extra=50, shift=1)
def test_intervals_depend_only_on_the_published_counts(count, extra, shift):
    """Two groups that publish the same counts get the same percentage and interval, worked out from
    those published counts alone, so an interval can never be inverted to recover an exact or
    suppressed count; exact counts themselves are refused."""
    base = count + extra
    other_count = min(max(count + shift, 0), base)
    published = (publish_count(count), publish_count(base))
    percent, low, high, low_base = _expected_percent_with_ci(*published)
    got = percent_with_ci(*published)
    assert (got.percent, got.low_base) == (percent, low_base)
    if isinstance(low, float):
        assert isinstance(got.low, float) and isinstance(got.high, float)
        # Correctly rounded to 1 decimal place: within half a tenth of scipy's bounds.
        assert got.low == pytest.approx(low, abs=0.05 + 1e-6) and got.high == pytest.approx(
            high, abs=0.05 + 1e-6
        )
        assert round(got.low, 1) == got.low and round(got.high, 1) == got.high
    else:
        assert (got.low, got.high) == (low, high)
    for exact in (count, other_count):
        if not is_published(exact):
            with pytest.raises(ValueError):
                percent_with_ci(exact, published[1])


# --- medians --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "ranks", "coverage"),
    # Exact binomial ranks, as tabulated by Campbell and Gardner (BMJ 1988).
    [
        (8, (1, 8), 0.9922),
        (10, (2, 9), 0.9785),
        (20, (6, 15), 0.9586),
        (50, (18, 33), 0.9672),
        (100, (40, 61), 0.9648),
    ],
)
def test_median_ci_ranks(n, ranks, coverage):
    rank, exact = stats._median_rank(n, 0.95)
    assert (rank, n + 1 - rank) == ranks and round(exact, 4) == coverage
    values = [float(v) for v in range(1, n + 1)]  # the value is its own rank
    if n >= 20:
        assert median_ci(values) == MedianCI((n + 1) / 2, float(ranks[0]), float(ranks[1]), coverage)


@given(n=st.integers(min_value=20, max_value=400), confidence=st.sampled_from([0.9, 0.95, 0.99]))
def test_median_ci_ranks_agree_with_scipy(n, confidence):
    result = median_ci(list(range(1, n + 1)), confidence)
    alpha = 1 - confidence
    ranks = [r for r in range(1, n // 2 + 1) if 2 * scipy_stats.binom.cdf(r - 1, n, 0.5) <= alpha + 1e-12]
    if not ranks or max(ranks) == 1:
        assert result is None
        return
    rank = max(ranks)
    assert result is not None
    assert (result.low, result.high) == (rank, n + 1 - rank)
    assert result.coverage >= confidence


def test_no_median_interval_under_twenty_values():
    """DESIGN.md: medians and their intervals only on 20 or more values. With 8 the interval ran from
    the smallest to the largest answer, printing two families' own answers."""
    assert median_ci([]) is None
    assert median_ci([4.0] * 7) is None
    assert median_ci([float(v) for v in range(8)]) is None  # was (0.0 to 7.0): the minimum and maximum
    assert median_ci([float(v) for v in range(19)]) is None
    assert median_ci([float(v) for v in range(20)]) == MedianCI(9.5, 5.0, 14.0, 0.9586)
    assert median_ci([float(v) for v in range(25)], rules=DisclosureRules(threshold=30)) is None


def test_no_median_interval_end_is_the_smallest_or_largest_answer():
    """With ties, the r-th value can be the minimum (or the maximum): that end would print the
    shortest (or longest) wait reported, so no interval is given."""
    spread = [float(v) for v in range(1, 21)]
    assert median_ci(spread) is not None
    low_ties = [1.0] * 6 + spread[6:]  # the 6th smallest is the minimum
    assert median_ci(low_ties) is None
    high_ties = spread[:14] + [20.0] * 6  # the 6th largest is the maximum
    assert median_ci(high_ties) is None
    assert median_ci([4.0] * 30) is None  # all the same: every end is the minimum and the maximum
    assert median_ci(list(range(8)), confidence=0.999) is None


def test_median_ci_sorts_and_rounds():
    values = [30.0, 2.25, 12.0, 7.0, 19.0, 4.0, 26.0, 9.0, 15.0, 22.0] * 2
    assert median_ci(values) == MedianCI(13.5, 7.0, 22.0, 0.9586)
    assert median_ci([2.25, 1.0, 3.0] + [2.25] * 18) == MedianCI(2.3, 2.3, 2.3, 0.9734)  # n = 21
    with pytest.raises(ValueError):
        median_ci(values, confidence=1.0)


@pytest.mark.parametrize("n", [8, 9, 50, 101, 999, 2000])
def test_the_fast_median_rank_for_large_samples_agrees_with_the_exact_one(
    n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    exact = stats._median_rank(n, 0.95)
    monkeypatch.setattr(stats, "EXACT_UP_TO", 0)
    fast = stats._median_rank(n, 0.95)
    assert fast[0] == exact[0] and fast[1] == pytest.approx(exact[1], abs=1e-9)


def test_a_median_interval_over_many_values_is_quick_and_sensible() -> None:
    values = [float(i % 97) for i in range(30_000)]
    found = stats.median_ci(values)
    assert found is not None and found.low <= found.median <= found.high and found.coverage >= 0.95
