"""Figures that share families are protected together (``linked.py``, ``blocks.py``)."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from forum_app.packs import linked
from forum_app.packs.blocks import OTHER_GROUP, merged_groups
from forum_app.packs.contents import SUPPRESSED
from forum_app.packs.data import Gathered
from forum_app.packs.disclosure import DEFAULT_RULES, DisclosureRules, Published, count_range
from forum_app.packs.figures import scale_chart
from forum_app.packs.tables import Publisher, closed_table, theme_table, trend_table

PUBLISHER = Publisher(DEFAULT_RULES)


def _row(parts: list[int], rules: DisclosureRules = DEFAULT_RULES) -> list[Published]:
    """A row of parts and its total (the last figure), protected as one system."""
    figures = [frozenset({i}) for i in range(len(parts))] + [frozenset(range(len(parts)))]
    return linked.protect(parts, figures, rules)


def test_a_row_hides_a_second_part_when_subtraction_would_narrow_the_first() -> None:
    # [c], 20, 20 with total 35 would put the [c] at 37 - 18 - 18 = 1 at most.
    assert _row([1, 18, 18]) == [SUPPRESSED, SUPPRESSED, 20, 35]
    # [c], 10, 10, 10 with total 45 would put the [c] at 43 - 36 = 7 at least.
    assert _row([7, 12, 12, 12]) == [SUPPRESSED, SUPPRESSED, 10, 10, 45]
    # A [c] with room to move on its own keeps its neighbours: 103..107 - 96..104.
    assert _row([3, 50, 50]) == [SUPPRESSED, 50, 50, 105]


def test_zeros_inside_a_suppressed_total_are_hidden() -> None:
    """Five families, all giving the same answer, must not show as [c] and zeros."""
    assert _row([5, 0, 0]) == [SUPPRESSED] * 4


def test_a_figure_published_elsewhere_keeps_its_value_and_is_protected_too() -> None:
    # The total was published elsewhere as 35; a second breakdown of it must not give its [c] away.
    figures = [frozenset({0}), frozenset({1}), frozenset({2}), frozenset({0, 1, 2})]
    published = linked.protect([1, 18, 18], figures, DEFAULT_RULES, fixed={3: 35})
    assert published[3] == 35
    assert published[:3].count(SUPPRESSED) == 2


def _consistent_rows(published: list[Published], size: int, largest: int) -> list[tuple[int, ...]]:
    """Every row of ``size`` parts (each up to ``largest``) a reader could take for the published one:
    a [c] is at least 1, or at least 0 inside a suppressed total."""
    hidden = published[-1] == SUPPRESSED
    found = []
    for parts in itertools.product(range(largest + 1), repeat=size):
        for index, (value, n) in enumerate(zip(published, [*parts, sum(parts)], strict=True)):
            if value == SUPPRESSED:
                low, high = (0 if hidden and index < size else 1), n
            else:
                low, most = count_range(value, DEFAULT_RULES)
                high = n if most is None else most
            if not low <= n <= high:
                break
        else:
            found.append(parts)
    return found


@settings(max_examples=60, deadline=None)
@given(parts=st.lists(st.integers(min_value=0, max_value=14), min_size=2, max_size=3))
def test_by_enumeration_no_suppressed_count_of_a_row_can_be_narrowed(parts: list[int]) -> None:
    """Every row a reader could take for the published one, listed: each count of 1..7 that is
    suppressed still takes every value of 1..7 among them."""
    published = _row(parts)
    rows = _consistent_rows(published, len(parts), 30)
    for i, n in enumerate(parts):
        if published[i] == SUPPRESSED and 1 <= n <= DEFAULT_RULES.threshold:
            assert {row[i] for row in rows} >= set(range(1, DEFAULT_RULES.threshold + 1))


def _groups(**counts: int) -> dict[str, dict[str, str]]:
    families: dict[str, dict[str, str]] = {}
    for value, n in counts.items():
        for _ in range(n):
            families[str(len(families))] = {"age_band": value.replace("_", "-")}
    return families


def test_a_small_other_group_is_joined_by_the_smallest_named_group_rather_than_left_out() -> None:
    ages = merged_groups(_groups(**{"5_10": 40, "11_15": 25, "0_4": 3}))["age_band"]
    # "0 to 4" (3) goes to "Other or not known", which is still too small: "11 to 15" joins it.
    assert [(g.label, len(g.members), g.shown) for g in ages] == [
        ("5 to 10", 40, True),
        (f"{OTHER_GROUP}, with 11 to 15", 28, True),
    ]


def test_a_grouping_left_with_one_group_is_not_shown() -> None:
    ages = merged_groups(_groups(**{"5_10": 40, "0_4": 3}))["age_band"]
    assert [g.shown for g in ages] == [False]
    assert sum(len(g.members) for g in ages) == 43


RATING = {
    "key": "rating_help",
    "type": "rating",
    "title": "How well were you helped?",
    "options": [
        {"value": str(i), "label": label}
        for i, label in enumerate(["Very badly", "Badly", "Neither well nor badly", "Well", "Very well"], 1)
    ],
}


def test_a_rating_with_one_small_answer_merges_it_and_keeps_its_bar() -> None:
    """400 answers, 3 of them "Very badly": merged with "Badly", not a hidden question."""
    now = Gathered(
        date(2026, 1, 1),
        date(2026, 6, 30),
        respondents=400,
        closed={"rating_help": Counter({1: 3, 2: 120, 3: 100, 4: 120, 5: 57})},
    )
    t4 = closed_table(PUBLISHER, now, {"rating_help": RATING})
    assert [(row["option"], row["scale"], row["count"]) for row in t4.rows] == [
        ("Very badly or badly", -2, 125),
        ("Neither well nor badly", 0, 100),
        ("Well", 1, 120),
        ("Very well", 2, 55),
    ]
    chart = scale_chart(t4, "Forum")
    assert chart is not None and len(chart.bars[0].segments) == 4


def _themes(period_from: date, negative: int, positive: int) -> Gathered:
    now = Gathered(period_from, date(period_from.year, period_from.month + 5, 28), respondents=200)
    for i in range(negative + positive):
        now.themes["waiting_times"][f"{period_from}-{i}"] = {"negative" if i < negative else "positive"}
        now.groups[f"{period_from}-{i}"] = {}
    now.text_base = 200
    return now


def test_the_previous_period_is_published_as_its_own_pack_published_it() -> None:
    """T6's previous figure is T2's figure in a pack for the previous period, so a suppression there
    is not undone here."""
    themes = [("waiting_times", "Waiting times", ["identification_assessment"])]
    earlier = _themes(date(2025, 7, 1), 1, 18)
    now = _themes(date(2026, 1, 1), 40, 40)
    empty = Gathered(date(2025, 1, 1), date(2025, 6, 28))
    previous_pack = theme_table(PUBLISHER, earlier, empty, themes, {}, {}, Counter())
    t2 = theme_table(PUBLISHER, now, earlier, themes, {}, {}, Counter())
    t6 = trend_table(PUBLISHER, now, earlier, t2)
    assert t6.rows[0]["previous_base"] == previous_pack.rows[0]["base"]
    published = previous_pack.rows[0]["respondents"]
    shown = t6.rows[0]["previous_percent"]
    assert shown == (SUPPRESSED if published == SUPPRESSED else PUBLISHER.percent(published, 200)[0])
