"""Uncertainty for the evidence pack: Wilson, Newcombe and median intervals. Pure functions.

Which counts go in is the caller's responsibility, and it matters: PACK.md requires intervals to be
computed from the *published* (rounded) counts, never the exact ones, because a Wilson interval of an
exact count can be inverted to recover a rounded or suppressed count. ``wilson``,
``wilson_interval`` and ``newcombe_difference`` are plain formulas (they also serve to check the
method against published examples) and accept any counts; ``percent_with_ci`` is the guarded entry
point for pack cells and refuses anything that is not a published count.

Methods (named in the pack's methodology section):

* Wilson score interval for one proportion (Wilson 1927; Newcombe 1998a, method 3).
* Newcombe's hybrid score interval for a difference of two independent proportions, built from the
  two Wilson intervals (Newcombe 1998b, "Interval estimation for the difference between independent
  proportions: comparison of eleven methods", Statistics in Medicine 17:873-890, method 10).
* Distribution-free interval for a median from two order statistics, with ranks from the exact
  Binomial(n, 1/2) distribution (Conover, Practical Nonparametric Statistics; Campbell and Gardner,
  BMJ 1988). No median and no interval under 20 values (DESIGN.md), and no interval with an end at
  the sample's smallest or largest value: with few values the order-statistic interval runs from the
  minimum to the maximum, and would print two families' own answers.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

from forum_app.packs.contents import LOW_BASE, NOT_AVAILABLE
from forum_app.packs.disclosure import (
    DEFAULT_RULES,
    DisclosureRules,
    Published,
    check_published,
    publish_percent,
    round_half_up,
)

Z95 = 1.959964  # the 97.5th percentile of the standard normal distribution
MIN_BASE_FOR_PERCENT = 20  # PACK.md: a base of 8-19 gets the rounded count only
LOW_BASE_BELOW = 50  # PACK.md: a base of 20-49 gets the percentage marked [u]
MIN_VALUES_FOR_MEDIAN = 20  # DESIGN.md: medians and their intervals only on 20 or more values


def wilson_interval(count: int, base: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for ``count`` of ``base`` as proportions (0..1), unrounded.
    ``None`` when the base is 0."""
    _check_proportion(count, base)
    if base == 0:
        return None
    p = count / base
    z2 = z * z
    denominator = 1 + z2 / base
    centre = (p + z2 / (2 * base)) / denominator
    half = z * math.sqrt(p * (1 - p) / base + z2 / (4 * base * base)) / denominator
    # At 0 and at n the bound is exactly 0 or 1; clamp so rounding error never shows as -0.0.
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == base else min(1.0, centre + half)
    return low, high


def wilson(count: int, base: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson 95% interval in percent, to 1 decimal place; ``None`` when the base is 0.

    Pass *published* counts (PACK.md); ``percent_with_ci`` does that check for pack cells.
    """
    interval = wilson_interval(count, base, z)
    if interval is None:
        return None
    low, high = interval
    return round_half_up(100 * low), round_half_up(100 * high)


def newcombe_interval(c1: int, n1: int, c2: int, n2: int, z: float = Z95) -> tuple[float, float, float]:
    """Newcombe's hybrid score interval (method 10) for ``c1/n1 - c2/n2``: ``(difference, low,
    high)`` as proportions, unrounded. Both bases must be positive (ValueError otherwise)."""
    first = wilson_interval(c1, n1, z)
    second = wilson_interval(c2, n2, z)
    if first is None or second is None:
        raise ValueError("a difference of proportions needs two non-zero bases")
    l1, u1 = first
    l2, u2 = second
    p1, p2 = c1 / n1, c2 / n2
    difference = p1 - p2
    low = difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return difference, low, high


def newcombe_difference(c1: int, n1: int, c2: int, n2: int, z: float = Z95) -> tuple[float, float, float]:
    """``c1/n1 - c2/n2`` in percentage points with its Newcombe hybrid 95% interval, each to 1
    decimal place: ``(diff_pp, low, high)``. Pass *published* counts; bases must be positive."""
    difference, low, high = newcombe_interval(c1, n1, c2, n2, z)
    return round_half_up(100 * difference), round_half_up(100 * low), round_half_up(100 * high)


class PercentCI(NamedTuple):
    """A percentage cell with its interval: numbers, or a symbol in all three places.

    ``low_base`` is True for a base of 20 to 49: show the figure marked ``[u]`` (``LOW_BASE``).
    """

    percent: float | str
    low: float | str
    high: float | str
    low_base: bool

    @property
    def flag(self) -> str:
        return LOW_BASE if self.low_base else ""


def percent_with_ci(
    count_pub: Published, base_pub: Published, rules: DisclosureRules = DEFAULT_RULES
) -> PercentCI:
    """The percentage and Wilson 95% interval of two *published* counts, following PACK.md.

    * either value ``[c]``: ``[c]`` everywhere (nothing may be computed from a suppressed count);
    * base 0: ``[z]`` (not applicable);
    * base under 20 (a published 10 or 15): ``[x]``, no percentage, only the rounded count is shown;
    * base 20 to 49: the percentage and interval with ``low_base=True`` (shown ``[u]``);
    * base 50 or more: the percentage and interval.

    Exact (unpublished) counts are refused with ValueError.
    """
    check_published(count_pub, base_pub, rules=rules)
    percent = publish_percent(count_pub, base_pub, rules)
    if isinstance(percent, str):
        return PercentCI(percent, percent, percent, False)
    assert isinstance(count_pub, int) and isinstance(base_pub, int)
    if base_pub < MIN_BASE_FOR_PERCENT:
        return PercentCI(NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE, False)
    interval = wilson(count_pub, base_pub)
    assert interval is not None  # base_pub >= 20
    return PercentCI(percent, interval[0], interval[1], base_pub < LOW_BASE_BELOW)


class MedianCI(NamedTuple):
    """A median with its distribution-free interval, each to 1 decimal place.

    ``coverage`` is the exact confidence of the interval (at least the level asked for; the ranks
    are whole numbers, so it is usually a little more)."""

    median: float
    low: float
    high: float
    coverage: float


def median_ci(
    values: Sequence[float], confidence: float = 0.95, *, rules: DisclosureRules = DEFAULT_RULES
) -> MedianCI | None:
    """The median of ``values`` and a distribution-free confidence interval for it.

    The interval runs from the r-th smallest to the r-th largest value, with r the largest rank
    for which ``2 * P(B <= r - 1) <= 1 - confidence``, B ~ Binomial(n, 1/2) (exact, not the normal
    approximation). ``None`` (no interval to publish):

    * under ``MIN_VALUES_FOR_MEDIAN`` (20) values, or ``rules.threshold`` values or fewer;
    * when no ranks give the confidence asked (even the smallest and largest value are too narrow);
    * when an end of the interval is the sample's smallest or largest value (r = 1, or ties with
      the minimum or maximum): that end would print the shortest or longest answer given, which may
      be one family's own. At 95% and 20 or more values r is at least 6, so only ties reach it.
    """
    if not 0 < confidence < 1:
        raise ValueError("confidence must be between 0 and 1")
    n = len(values)
    if n < MIN_VALUES_FOR_MEDIAN or n <= rules.threshold:
        return None
    ordered = sorted(values)
    rank, coverage = _median_rank(n, confidence)
    if rank < 2:
        return None
    low, high = ordered[rank - 1], ordered[n - rank]
    if low == ordered[0] or high == ordered[-1]:
        return None
    return MedianCI(
        median=round_half_up(statistics.median(ordered)),
        low=round_half_up(low),
        high=round_half_up(high),
        coverage=round(float(coverage), 4),
    )


EXACT_UP_TO = 2000  # above this, exact big-integer binomial sums get slow: use scipy's binomial


def _median_rank(n: int, confidence: float) -> tuple[int, float]:
    """The largest r with ``2 * P(B <= r - 1) <= 1 - confidence`` (B ~ Binomial(n, 1/2); 0 if none)
    and the interval's exact coverage. Exact fractions up to ``EXACT_UP_TO`` values, then scipy's
    binomial distribution (double precision, the same rank except at a tie within rounding)."""
    alpha = 1 - Fraction(str(confidence))
    if n > EXACT_UP_TO:
        from scipy.stats import binom

        rank = int(binom.ppf(float(alpha) / 2, n, 0.5))  # smallest k with P(B <= k) >= alpha / 2
        while rank > 0 and 2 * binom.cdf(rank - 1, n, 0.5) > float(alpha):
            rank -= 1
        while 2 * binom.cdf(rank, n, 0.5) <= float(alpha):
            rank += 1
        return rank, float(1 - 2 * binom.cdf(rank - 1, n, 0.5)) if rank else 0.0
    total = 2**n
    rank = 0  # the largest r found so far; r = 0 means no interval
    tail = 0  # sum of C(n, i) for i < r + 1, i.e. P(B <= r) * 2**n
    term = 1  # C(n, r - 1), updated step by step (cheaper than math.comb each time)
    for r in range(1, n // 2 + 1):
        if r > 1:
            term = term * (n - r + 2) // (r - 1)
        tail += term  # now P(B <= r - 1) * 2**n
        if Fraction(2 * tail, total) > alpha:
            break
        rank = r
    if rank == 0:
        return 0, 0.0
    outside = 2 * sum(math.comb(n, i) for i in range(rank))
    return rank, float(1 - Fraction(outside, total))


def _check_proportion(count: int, base: int) -> None:
    for value in (count, base):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"counts must be non-negative whole numbers, not {value!r}")
    if count > base:
        raise ValueError(f"a count ({count}) cannot be larger than its base ({base})")
