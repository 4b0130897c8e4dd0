"""A rating's "Don't know or does not apply" (an option marked ``off_scale``): counted on its own in T4,
never a place on the scale, never in the base of the scale's percentages or in C3's bars."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from forum_app.packs.blocks import set_apart
from forum_app.packs.data import Gathered
from forum_app.packs.disclosure import DEFAULT_RULES
from forum_app.packs.figures import scale_chart
from forum_app.packs.tables import Publisher, closed_table

PUBLISHER = Publisher(DEFAULT_RULES)
# "Does not apply" has a value packs know nothing about: the definition's flag alone sets it apart.
RATING: dict[str, Any] = {
    "key": "rating_help",
    "type": "rating",
    "title": "How good is the help your child gets now?",
    "options": [
        {"value": "1", "label": "Very poor"},
        {"value": "2", "label": "Poor"},
        {"value": "3", "label": "Neither good nor poor"},
        {"value": "4", "label": "Good"},
        {"value": "5", "label": "Very good"},
        {"value": "no_help", "label": "Does not apply", "off_scale": True},
        {"value": "dont_know", "label": "Don't know", "off_scale": True},
    ],
}


def _gathered() -> Gathered:
    now = Gathered(date(2026, 1, 1), date(2026, 6, 30))
    # Places on the scale are stored as numbers, off-scale answers as their option's word.
    now.closed["rating_help"] = Counter({1: 60, 2: 50, 3: 40, 4: 30, 5: 20, "no_help": 25, "dont_know": 15})
    return now


def test_off_scale_answers_are_counted_on_their_own_and_never_on_the_scale() -> None:
    t4 = closed_table(PUBLISHER, _gathered(), {"rating_help": RATING})
    rows = [row for row in t4.rows if row["question_id"] == "rating_help"]
    assert [(row["option"], row["count"], row["scale"]) for row in rows] == [
        ("Very poor", 60, -2),
        ("Poor", 50, -1),
        ("Neither good nor poor", 40, 0),
        ("Good", 30, 1),
        ("Very good", 20, 2),
    ]
    assert {row["answered"] for row in rows} == {200}  # the base: on the scale only
    assert {row["dont_know"] for row in rows} == {40}  # "Don't know" and "Does not apply" together
    assert [row["percent"] for row in rows] == [30.0, 25.0, 20.0, 15.0, 10.0]


def test_the_scale_chart_leaves_off_scale_answers_out() -> None:
    t4 = closed_table(PUBLISHER, _gathered(), {"rating_help": RATING})
    chart = scale_chart(t4, "Demo forum")
    assert chart is not None
    (bar,) = chart.bars
    assert [s.label for s in bar.segments] == [
        "Very poor",
        "Poor",
        "Neither good nor poor",
        "Good",
        "Very good",
    ]
    assert sum(s.percent for s in bar.segments) == 100.0 and bar.count == 200


def test_without_the_flag_an_unknown_word_is_not_set_apart() -> None:
    assert set_apart(RATING) >= {"no_help", "dont_know", "not_sure"}
    plain = {
        **RATING,
        "options": [{k: v for k, v in o.items() if k != "off_scale"} for o in RATING["options"]],
    }
    assert "no_help" not in set_apart(plain)
