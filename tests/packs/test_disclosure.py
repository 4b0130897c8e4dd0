"""Disclosure control: known values, property tests, and exhaustive searches for the row guarantee.

Two solvers check ``protect_row_and_total`` from outside:

* ``consistent_values`` enumerates, by dynamic programming over every achievable sum, the values a
  cell can take given the published numbers of its row and total (each published number standing
  for its rounding range). It does not rely on the interval argument of the module docstring, so it
  also checks that ``feasible_ranges`` is exact.
* ``assert_no_count_pinned`` is the strongest attacker of the module docstring: it re-runs the
  procedure on every row up to a size and groups rows by what is published.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forum_app.packs.contents import NOT_APPLICABLE, SUPPRESSED
from forum_app.packs.disclosure import (
    DEFAULT_RULES,
    DisclosureRules,
    ProtectedRow,
    count_range,
    feasible_ranges,
    is_published,
    protect_row,
    protect_row_and_total,
    publish_count,
    publish_median,
    publish_percent,
    publish_total,
    rules_for,
)

C = SUPPRESSED

rules_strategy = st.builds(
    DisclosureRules, threshold=st.integers(min_value=7, max_value=14), base=st.sampled_from([5, 10])
)
counts = st.one_of(st.integers(min_value=0, max_value=12), st.integers(min_value=0, max_value=60))
rows = st.lists(counts, min_size=1, max_size=6)


# --- single counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "published"),
    [(0, 0), (1, C), (3, C), (7, C), (8, 10), (12, 10), (13, 15), (17, 15), (18, 20), (22, 20), (23, 25)],
)
def test_known_values(n, published):
    assert publish_count(n) == published


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3", None])
def test_counts_must_be_non_negative_whole_numbers(bad):
    with pytest.raises(ValueError):
        publish_count(bad)


@pytest.mark.parametrize(("threshold", "base"), [(6, 5), (0, 5), (7, 4), (7, 1), (7, 20), (7, 7)])
def test_rules_are_never_looser_than_the_defaults(threshold, base):
    with pytest.raises(ValueError):
        DisclosureRules(threshold, base)
    with pytest.raises(ValueError):
        publish_count(10, threshold, base)


@pytest.mark.parametrize(
    ("settings_", "expected"),
    [
        (None, DisclosureRules(7, 5)),
        ({}, DisclosureRules(7, 5)),
        ({"suppression_threshold": None, "rounding_base": ""}, DisclosureRules(7, 5)),
        ({"suppression_threshold": 3}, DisclosureRules(7, 5)),
        ({"suppression_threshold": -4}, DisclosureRules(7, 5)),
        ({"suppression_threshold": 10}, DisclosureRules(10, 5)),
        ({"suppression_threshold": " 12 "}, DisclosureRules(12, 5)),
        ({"rounding_base": 1}, DisclosureRules(7, 5)),
        ({"rounding_base": 5}, DisclosureRules(7, 5)),
        ({"rounding_base": 7}, DisclosureRules(7, 10)),
        ({"rounding_base": "10", "suppression_threshold": 9}, DisclosureRules(9, 10)),
    ],
)
def test_rules_for_clamps_settings_to_at_least_the_defaults(settings_, expected):
    assert rules_for(settings_) == expected


@pytest.mark.parametrize(
    "settings_",
    [
        {"rounding_base": 20},
        {"rounding_base": "ten"},
        {"suppression_threshold": 7.5},
        {"suppression_threshold": True},
    ],
)
def test_rules_for_refuses_what_it_cannot_honour(settings_):
    with pytest.raises(ValueError):
        rules_for(settings_)


def test_a_raised_threshold_never_publishes_a_number_at_or_below_it():
    # Rounded to the nearest 5, 12 would be 10: under threshold 11 that would read as "12 exactly".
    assert publish_count(12, threshold=11) == 15
    assert count_range(15, DisclosureRules(11, 5)) == (12, 17)
    assert publish_count(11, threshold=10, base=10) == 20
    assert count_range(20, DisclosureRules(10, 10)) == (11, 24)


def test_count_range():
    assert count_range(0) == (0, 0)
    assert count_range(10) == (8, 12)
    assert count_range(15) == (13, 17)
    assert count_range(C) == (1, None)
    assert count_range(10, DisclosureRules(7, 10)) == (8, 14)
    assert count_range(20, DisclosureRules(7, 10)) == (15, 24)
    for bad in (5, 12, 3, "[x]", -10):
        with pytest.raises(ValueError):
            count_range(bad)


@given(n=st.integers(min_value=0, max_value=5000), rules=rules_strategy)
def test_every_published_count_is_zero_suppressed_or_a_multiple_of_the_base_above_the_threshold(n, rules):
    published = publish_count(n, rules.threshold, rules.base)
    assert is_published(published, rules)
    if published == C:
        assert 1 <= n <= rules.threshold
    else:
        assert isinstance(published, int)
        assert not 1 <= published <= rules.threshold
        assert published % rules.base == 0
        assert (published == 0) == (n == 0)
        low, high = count_range(published, rules)
        assert high is not None and low <= n <= high  # the published value's range holds the count


@given(n=st.integers(min_value=0, max_value=500), loose=rules_strategy, data=st.data())
def test_stricter_rules_never_publish_a_count_the_looser_rules_suppress(n, loose, data):
    strict = data.draw(
        st.builds(
            DisclosureRules,
            threshold=st.integers(min_value=loose.threshold, max_value=loose.threshold + 10),
            base=st.sampled_from([b for b in (5, 10) if b >= loose.base]),
        )
    )
    if publish_count(n, loose.threshold, loose.base) == C:
        assert publish_count(n, strict.threshold, strict.base) == C


# --- totals, percentages, medians -------------------------------------------------------------------


def test_totals_come_from_unrounded_values():
    assert publish_total([12, 12, 12]) == 35  # 36, not 10 + 10 + 10
    assert publish_total([3, 3, 3]) == 10  # 9, although every part is [c]
    assert publish_total([3, 4]) == C
    assert publish_total([]) == 0
    with pytest.raises(ValueError):
        publish_total([3, -1])


@given(parts=rows, rules=rules_strategy)
def test_the_published_total_is_the_rounded_true_sum(parts, rules):
    assert publish_total(parts, rules) == publish_count(sum(parts), rules.threshold, rules.base)


def test_percentages_use_published_values():
    assert publish_percent(10, 20) == 50.0
    assert publish_percent(10, 160) == 6.3  # 6.25 rounds half up
    assert publish_percent(0, 50) == 0.0
    assert publish_percent(C, 50) == C
    assert publish_percent(10, C) == C
    assert publish_percent(0, 0) == NOT_APPLICABLE
    for count, base in [(13, 20), (10, 21), (5, 20), (20, 10), (10, 0)]:
        with pytest.raises(ValueError):
            publish_percent(count, base)


@given(count=st.integers(min_value=0, max_value=400), extra=st.integers(min_value=0, max_value=400))
def test_percentages_are_computed_only_from_the_published_counts(count, extra):
    base = count + extra
    count_pub, base_pub = publish_count(count), publish_count(base)
    percent = publish_percent(count_pub, base_pub)
    if C in (count_pub, base_pub):
        assert percent == C
    elif base_pub == 0:
        assert percent == NOT_APPLICABLE
    else:
        assert isinstance(count_pub, int) and isinstance(base_pub, int)
        expected = (Decimal(100 * count_pub) / base_pub).quantize(Decimal("0.1"), ROUND_HALF_UP)
        assert percent == float(expected)
    if not is_published(count):
        with pytest.raises(ValueError):
            publish_percent(count, base_pub)


def test_medians_over_seven_or_fewer_values_are_suppressed():
    assert publish_median([]) == NOT_APPLICABLE
    assert publish_median([1, 2, 3, 4, 5, 6, 7]) == C
    assert publish_median([1, 2, 3, 4, 5, 6, 7, 8]) == 4.5
    assert publish_median([10.25] * 8) == 10.3
    assert publish_median(list(range(9)), DisclosureRules(threshold=9)) == C


# --- secondary suppression: examples ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ([0, 10, 25], ProtectedRow([0, 10, 25], 35)),  # nothing to protect
        ([5, 20], ProtectedRow([C, C], 25)),  # a lone [c] is never left next to a total
        ([3, 0, 40, 50], ProtectedRow([C, 0, C, 50], 95)),  # the smallest other part goes
        ([2, 3, 50], ProtectedRow([C, C, 50], 55)),  # two [c] whose sum is not pinned
        # Rounding would pin these; the row is withheld.
        ([7, 12, 12, 12], ProtectedRow([C] * 4, C)),  # the [c] would be at least 43 - 36 = 7
        ([1, 1, 8, 8, 8, 8, 8], ProtectedRow([C] * 7, C)),  # the two [c] would add up to at most 2
        ([7, 7, 7, 7], ProtectedRow([C] * 4, C)),  # four counts <= 7 adding up to >= 28
        ([1, 0, 1, 1, 1, 1, 1, 1], ProtectedRow([C] * 8, C)),  # total [c]: zeros withheld too
    ],
)
def test_protect_row_examples(parts, expected):
    assert protect_row_and_total(parts) == expected
    assert protect_row(parts) == expected.cells


def test_rounding_alone_would_pin_a_suppressed_count():
    """Why secondary suppression: with only primary suppression and rounding, 7, 12, 12, 12 is
    published as [c], 10, 10, 10 with total 45, and the [c] can only be 7."""
    cells, total = [publish_count(p) for p in (7, 12, 12, 12)], publish_total([7, 12, 12, 12])
    assert (cells, total) == ([C, 10, 10, 10], 45)
    values = consistent_values(cells, total, DEFAULT_RULES)
    assert values[0] & set(range(1, 8)) == {7}


def test_protect_row_refuses_bad_counts():
    with pytest.raises(ValueError):
        protect_row_and_total([3, -2])
    with pytest.raises(ValueError):
        protect_row_and_total([3, 2.0])  # type: ignore[list-item]


# --- secondary suppression: properties -------------------------------------------------------------


@settings(deadline=None)
@given(parts=rows, rules=rules_strategy)
def test_protected_rows_publish_only_allowed_numbers(parts, rules):
    cells, total = protect_row_and_total(parts, rules)
    assert len(cells) == len(parts)
    for value in [*cells, total]:
        assert is_published(value, rules)
        if isinstance(value, int):
            assert value == 0 or value % rules.base == 0
            assert not 1 <= value <= rules.threshold
    withheld = total == C
    if withheld:
        assert cells == [C] * len(parts)
        return
    assert total == publish_total(parts, rules)
    assert cells.count(C) != 1  # never a lone [c] next to a published total
    for part, cell in zip(parts, cells, strict=True):
        if 1 <= part <= rules.threshold:
            assert cell == C
        elif cell != C:
            assert cell == publish_count(part, rules.threshold, rules.base)
        else:
            assert part > rules.threshold  # only non-zero parts are suppressed to protect others


@settings(deadline=None, max_examples=300)
@given(parts=rows, rules=rules_strategy)
def test_no_suppressed_count_can_be_recovered_from_its_row(parts, rules):
    """The brute-force solver over the ranges implied by rounding: every count of 1..threshold keeps
    at least two possible values in 1..threshold, whether or not the reader knows which [c] cells
    are counts of 1..threshold (``primary``) and which protect them."""
    cells, total = protect_row_and_total(parts, rules)
    primary = {i for i, part in enumerate(parts) if 1 <= part <= rules.threshold}
    small = set(range(1, rules.threshold + 1))
    for told in (None, primary):
        if total == C and told is not None:
            continue  # a withheld row hides which cells are zero; see the exhaustive test below
        values = consistent_values(cells, total, rules, told)
        for i in primary:
            assert parts[i] in values[i]
            assert len(values[i] & small) >= 2, (parts, cells, total, i, sorted(values[i] & small))
        for i, cell in enumerate(cells):
            if cell == C:
                assert len(values[i]) >= 2


@settings(deadline=None)
@given(parts=rows, rules=rules_strategy, data=st.data())
def test_feasible_ranges_are_exact(parts, rules, data):
    cells, total = protect_row_and_total(parts, rules)
    told = data.draw(st.sampled_from([None, {i for i, p in enumerate(parts) if 1 <= p <= rules.threshold}]))
    if total == C:
        told = None
    cap = _cap(cells, total, rules)
    ranges = feasible_ranges(cells, total, rules, told)
    values = consistent_values(cells, total, rules, told)
    for (low, high), found in zip(ranges, values, strict=True):
        assert min(found) == low
        if high is None:
            assert max(found) == cap  # unbounded: the enumeration reaches its cap
        else:
            assert found == set(range(low, high + 1))


def test_stricter_rules_suppress_every_count_the_defaults_suppress_but_secondary_cells_can_differ():
    """Primary suppression is monotone in the rules; secondary suppression is not, because it
    depends on the rounding ranges. 1, 8, 8 is withheld under the defaults (the [c] would be pinned
    at 1: the 8 chosen to protect it is at most 12, the other 8 at least 8, the total at most 17),
    while under threshold 8 all three parts are [c] anyway and the total 15 can be shown."""
    assert protect_row_and_total([1, 8, 8]) == ProtectedRow([C, C, C], C)
    assert protect_row_and_total([1, 8, 8], DisclosureRules(8, 5)) == ProtectedRow([C, C, C], 15)


@settings(deadline=None)
@given(parts=rows, rules=rules_strategy)
def test_counts_the_default_rules_suppress_stay_suppressed_under_stricter_rules(parts, rules):
    for part, default_cell, strict_cell in zip(
        parts, protect_row(parts), protect_row(parts, rules), strict=True
    ):
        if 1 <= part <= DEFAULT_RULES.threshold:
            assert default_cell == strict_cell == C


# --- the strongest attacker: re-running the procedure on every row ----------------------------------


@pytest.mark.parametrize(
    ("rules", "size", "largest", "checked"),
    [
        (DEFAULT_RULES, 2, 60, 40),
        (DEFAULT_RULES, 3, 30, 20),
        (DEFAULT_RULES, 4, 16, 10),
        (DisclosureRules(10, 10), 3, 40, 25),
        (DisclosureRules(12, 5), 3, 40, 25),
    ],
)
def test_no_count_is_pinned_even_by_someone_who_reruns_the_procedure(rules, size, largest, checked):
    assert_no_count_pinned(lambda parts: protect_row_and_total(parts, rules), rules, size, largest, checked)


def test_the_exhaustive_search_catches_rounding_alone():
    """A control: the same search finds the pinned counts when rows are only rounded."""

    def rounded_only(parts: Sequence[int]) -> ProtectedRow:
        return ProtectedRow([publish_count(p) for p in parts], publish_total(parts))

    with pytest.raises(AssertionError, match="pinned"):
        assert_no_count_pinned(rounded_only, DEFAULT_RULES, 4, 16, 12)


# --- helpers ---------------------------------------------------------------------------------------


def assert_no_count_pinned(
    publish: Callable[[Sequence[int]], ProtectedRow],
    rules: DisclosureRules,
    size: int,
    largest: int,
    checked: int,
) -> None:
    """Publish every row of ``size`` parts of 0..largest, group the rows by what is published, and
    check that every count of 1..threshold in a row whose parts are at most ``checked`` shares its
    published row with another row where that count differs (within 1..threshold). Rows above
    ``largest`` are left out, which can only make the search find *more* pins, never fewer."""
    groups: dict[tuple[object, ...], list[tuple[int, ...]]] = defaultdict(list)
    for parts in itertools.product(range(largest + 1), repeat=size):
        cells, total = publish(parts)
        groups[(*cells, total)].append(parts)
    small = set(range(1, rules.threshold + 1))
    for published, members in groups.items():
        for parts in members:
            if max(parts) > checked:
                continue
            for i, part in enumerate(parts):
                if 1 <= part <= rules.threshold:
                    possible = {other[i] for other in members} & small
                    assert len(possible) >= 2, f"{parts}: part {i} pinned at {possible} by {published}"


def consistent_values(
    cells: Sequence[int | str],
    total: int | str,
    rules: DisclosureRules,
    primary: set[int] | None = None,
) -> list[set[int]]:
    """For each cell, every value for which some row consistent with the published cells and total
    exists, by enumerating achievable sums (bitsets). Each published count stands for its rounding
    range, 0 for 0, [c] for 1 or more (0 or more in a withheld row); told ``primary``, a [c] stands
    for 1..threshold in those cells and for more than the threshold in the others."""
    cap = _cap(cells, total, rules)
    withheld = total == C
    candidates: list[range] = []
    for i, cell in enumerate(cells):
        if cell != C:
            low, high = count_range(cell, rules)
            assert high is not None
            candidates.append(range(low, high + 1))
        elif withheld:
            candidates.append(range(0, cap + 1))
        elif primary is None:
            candidates.append(range(1, cap + 1))
        elif i in primary:
            candidates.append(range(1, rules.threshold + 1))
        else:
            candidates.append(range(rules.threshold + 1, cap + 1))
    if withheld:
        total_low, total_high = 1, cap * max(len(cells), 1)
    else:
        total_low, total_high_or_none = count_range(total, rules)
        assert total_high_or_none is not None
        total_high = total_high_or_none
    window = (1 << (total_high - total_low + 1)) - 1
    result = []
    for j in range(len(cells)):
        sums = 1  # bit s set: the other cells can add up to s
        for i, values in enumerate(candidates):
            if i != j:
                sums = _add(sums, values)
        found = set()
        for value in candidates[j]:
            shift = total_low - value
            reachable = (sums >> shift) if shift >= 0 else (sums << -shift)
            if reachable & window:
                found.add(value)
        result.append(found)
    return result


def _add(sums: int, values: range) -> int:
    out = 0
    for value in values:
        out |= sums << value
    return out


def _cap(cells: Sequence[int | str], total: int | str, rules: DisclosureRules) -> int:
    """An upper limit for the enumeration: no part exceeds a published total; for a withheld row,
    any bound above the threshold will do (the attacker's ranges there are unbounded)."""
    if total != C:
        high = count_range(total, rules)[1]
        assert high is not None
        return high
    return 2 * rules.threshold + 5
