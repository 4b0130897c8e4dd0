"""Attacking whole packs: no suppressed count of 1..threshold can be narrowed from what is published.

``attack.py`` reads every count of T1, T2, T4, T5 and T7 as a sum over the families' possible
answers and asks an integer program for each suppressed count's lowest and highest value. Run over
many small random forums (property tests), over the cases a statistical review found, and under a
stricter forum's rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum_app.packs import build
from forum_app.packs.contents import SUPPRESSED, Table
from forum_app.packs.data import Gathered
from forum_app.packs.disclosure import DEFAULT_RULES, DisclosureRules
from forum_app.packs.tables import Publisher
from tests.packs.attack import AREAS, QUESTIONS, THEMES, Family, attack, gathered, random_families, read_pack


def pack_tables(
    families: Sequence[Family], rules: DisclosureRules = DEFAULT_RULES
) -> tuple[dict[str, Table], Publisher]:
    """The tables of a pack for these families, made as ``build_pack`` makes them."""
    publisher = Publisher(rules)
    before = Gathered(date(2025, 7, 1), date(2025, 12, 31))
    tables, _, _ = build.pack_tables(
        publisher, gathered(families), before, THEMES, AREAS, {}, QUESTIONS, (), None
    )
    return {table.id: table for table in tables}, publisher


def findings(families: Sequence[Family], rules: DisclosureRules = DEFAULT_RULES) -> list[str]:
    tables, publisher = pack_tables(families, rules)
    reading = read_pack(tables, publisher.count(len(families)))
    return [
        f"{found.where}: true {found.true}, could only be {found.low} to {found.high}"
        for found in attack(families, reading, rules)
    ]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_no_suppressed_count_can_be_narrowed_in_a_random_forum(seed: int) -> None:
    assert findings(random_families(seed)) == []


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    keep=st.sampled_from([("ehcp", "yes"), ("setting", "special"), ("age", "5-10"), ("ehcp", None)]),
)
def test_no_suppressed_count_can_be_narrowed_in_a_filtered_pack(
    seed: int, keep: tuple[str, str | None]
) -> None:
    """A filtered (or period) pack is a pack over fewer families, with every family in one group of
    the filter: grouping tables with a single category, T5 without that grouping."""
    field, value = keep
    families = [
        family
        for family in random_families(seed) + random_families(seed + 1)
        if getattr(family, field) == value
    ]
    assert findings(families) == []


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), threshold=st.integers(min_value=8, max_value=11))
def test_no_suppressed_count_can_be_narrowed_under_stricter_rules(seed: int, threshold: int) -> None:
    assert findings(random_families(seed), DisclosureRules(threshold, 10)) == []


def _families(*groups: tuple[int, Family]) -> list[Family]:
    return [family for n, family in groups for _ in range(n)]


def test_t5_with_groups_of_18_18_and_1_mentioning_a_theme_hides_two_groups() -> None:
    """T2 printed 35 and T5 20, 20, [c]: the [c] was at most 37 - 18 - 18 = 1."""
    mention = ("negative", None)
    families = _families(
        (18, Family("0-4", None, "yes", True, mention)),
        (10, Family("0-4", None, "yes", True, (None, None))),
        (18, Family("5-10", None, "yes", True, mention)),
        (10, Family("5-10", None, "yes", True, (None, None))),
        (1, Family("11-15", None, "yes", True, mention)),
        (25, Family("11-15", None, "yes", True, (None, None))),
    )
    assert findings(families) == []
    tables, _ = pack_tables(families)
    ages = [
        row for row in tables["T5"].rows if row["variable"] == "Age" and "waiting" in str(row["indicator"])
    ]
    assert [row["count"] for row in ages].count(SUPPRESSED) >= 2


def test_t4_and_t7_hide_the_same_ehc_plan_answers() -> None:
    """T4 hid "Yes" (8) to protect "no" (7) while T7 printed "Has an EHC plan" 10 and "Other" 75."""
    families = _families(
        (8, Family("0-4", None, "yes", False, (None, None))),
        (7, Family("0-4", None, "no", False, (None, None))),
        (40, Family("5-10", None, "sen_support", False, (None, None))),
        (30, Family("5-10", None, "dont_know", False, (None, None))),
        (40, Family("5-10", None, None, False, (None, None))),
    )
    assert findings(families) == []
    tables, _ = pack_tables(families)
    t4 = {row["option"]: row["count"] for row in tables["T4"].rows if row["question_id"] == "ehcp"}
    t7 = {
        row["category"]: row["respondents"]
        for row in tables["T7"].rows
        if row["characteristic"] == "EHC plan"
    }
    assert t4["no"] == SUPPRESSED
    assert t4["yes"] == t7["Has an EHC plan"]
    assert t4["sen_support"] == t7["SEN support"]


def test_the_attacker_finds_a_count_left_to_subtraction() -> None:
    """The attacker can fail: a hand-made T2 row whose [c] is the total less the other parts."""
    families = _families(
        (1, Family("0-4", None, None, True, ("negative", None))),
        (50, Family("0-4", None, None, True, ("positive", None))),
    )
    tables, publisher = pack_tables(families)
    row = dict(tables["T2"].rows[0])
    assert row["theme_id"] == "waiting_times"
    row.update(negative=SUPPRESSED, neutral=0, positive=50, respondents=50)
    leaky = {**tables, "T2": Table("T2", "", "", tables["T2"].columns, (row, *tables["T2"].rows[1:]))}
    found = attack(families, read_pack(leaky, publisher.count(51)), DEFAULT_RULES)
    assert "T2 waiting_times negative" in [f.where for f in found]


@pytest.mark.parametrize("size", [0, 1, 7, 19])
def test_tiny_forums_publish_nothing_that_can_be_narrowed(size: int) -> None:
    families = random_families(size)[:size]
    assert findings(families) == []
