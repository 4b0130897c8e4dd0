"""Charts C3 (answers to rating questions, diverging) and C4 (change since the previous period, paired
dots), from their tables T4 and T6: what they show, what they hide, and how the SVG draws them."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum, User
from forum_app.coding.bulk import bulk_accept
from forum_app.coding.filters import Filters
from forum_app.demo import seed_demo
from forum_app.packs import stats
from forum_app.packs.build import build_pack
from forum_app.packs.charts import TEXT, chart_svg
from forum_app.packs.contents import NOT_APPLICABLE, NOT_AVAILABLE, SUPPRESSED, Chart, Column, Table
from forum_app.packs.data import Gathered, PackRequest
from forum_app.packs.disclosure import DEFAULT_RULES
from forum_app.packs.figures import pack_charts, scale_chart, trend_chart
from forum_app.packs.render_html import render_html
from forum_app.packs.render_json import load_json, render_json
from forum_app.packs.tables import Publisher, closed_table, theme_table, trend_table
from tests.factories import attribute
from tests.packs.sample import sample_pack

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "pack-schema.json").read_text("utf-8"))

RATING = {
    "key": "rating_help",
    "type": "rating",
    "title": "How good is the help your child gets now?",
    "options": [
        {"value": "1", "label": "Very poor"},
        {"value": "2", "label": "Poor"},
        {"value": "3", "label": "Neither good nor poor"},
        {"value": "4", "label": "Good"},
        {"value": "5", "label": "Very good"},
    ],
}
RADIO = {
    "key": "phase",
    "type": "radio",
    "title": "Which phase is your child in?",
    "options": [{"value": "primary", "label": "Primary"}, {"value": "secondary", "label": "Secondary"}],
}
THEMES = [("waits", "Waiting times", ["identify"]), ("plans", "Quality of EHC plans", ["assess"])]
PUBLISHER = Publisher(DEFAULT_RULES)


def _gathered(start: date, end: date, base: int, mentions: dict[str, int]) -> Gathered:
    gathered = Gathered(start, end, respondents=base, text_base=base)
    for theme_id, n in mentions.items():
        gathered.themes[theme_id] = {f"{theme_id}-{i}": {"negative"} for i in range(n)}
    return gathered


def _trend(before_base: int, before: dict[str, int]) -> Table:
    now = _gathered(date(2026, 1, 1), date(2026, 6, 30), 200, {"waits": 121, "plans": 62})
    earlier = _gathered(date(2025, 7, 1), date(2025, 12, 31), before_base, before)
    t2 = theme_table(PUBLISHER, now, earlier, THEMES, {}, {}, Counter())
    return trend_table(PUBLISHER, now, earlier, t2)


def _t4(rows: list[tuple[str, Any, Any, Any, Any]], answered: Any = 200) -> Table:
    """T4 rows of one rating question: (option, place on the scale, count, percent, low)."""
    return Table(
        "T4",
        "Closed questions",
        "Answers to each question with set options, 1 January 2026 to 30 June 2026.",
        (Column("question_id", "Question id"), Column("option", "Answer")),
        tuple(
            {
                "question_id": question,
                "wording": f"Wording of {question}",
                "answered": answered,
                "option": option,
                "scale": level,
                "count": count,
                "percent": percent,
            }
            for question, option, level, count, percent in rows
        ),
    )


SCALE = [("Very poor", -2), ("Poor", -1), ("Neither", 0), ("Good", 1), ("Very good", 2)]


def _rating_rows(question: str, counts: list[Any], base: int = 200) -> list[tuple[str, Any, Any, Any, Any]]:
    return [
        (question, option, level, count, round(100 * count / base, 1) if isinstance(count, int) else count)
        for (option, level), count in zip(SCALE, counts, strict=True)
    ]


# --------------------------------------------------------------------------------------- tables


def test_ratings_are_counted_and_placed_on_the_scale() -> None:
    now = Gathered(date(2026, 1, 1), date(2026, 6, 30))
    # A rating is stored as a number; its options' values are text.
    now.closed["rating_help"] = Counter({1: 60, 2: 50, 3: 40, 4: 30, 5: 20})
    now.closed["phase"] = Counter({"primary": 120, "secondary": 80})
    t4 = closed_table(PUBLISHER, now, {"rating_help": RATING, "phase": RADIO})
    rating = [row for row in t4.rows if row["question_id"] == "rating_help"]
    assert [(row["option"], row["count"], row["scale"]) for row in rating] == [
        ("Very poor", 60, -2),
        ("Poor", 50, -1),
        ("Neither good nor poor", 40, 0),
        ("Good", 30, 1),
        ("Very good", 20, 2),
    ]
    assert {row["answered"] for row in rating} == {200}
    assert {row["scale"] for row in t4.rows if row["question_id"] == "phase"} == {NOT_APPLICABLE}
    marked = closed_table(PUBLISHER, now, {"rating_help": RATING, "phase": {**RADIO, "scale": True}})
    assert [row["scale"] for row in marked.rows if row["question_id"] == "phase"] == [-1, 1]


def test_trend_intervals_are_wilson_intervals_of_the_published_counts() -> None:
    t6 = _trend(150, {"waits": 52, "plans": 41})
    assert [column.key for column in t6.columns][4:11] == [
        "previous_percent",
        "previous_low",
        "previous_high",
        "current_period",
        "current_base",
        "current_percent",
        "current_low",
    ]
    waits, plans = t6.rows
    # Published: 121 of 200 -> 120 of 200; 52 of 150 -> 50 of 150; 62 -> 60; 41 -> 40.
    for row, now, before in ((waits, 120, 50), (plans, 60, 40)):
        assert (row["current_low"], row["current_high"]) == stats.wilson(now, 200)
        assert (row["previous_low"], row["previous_high"]) == stats.wilson(before, 150)
        assert row["current_percent"] == round(100 * now / 200, 1)
    assert (waits["previous_low"], waits["previous_high"]) != stats.wilson(52, 150)  # not the exact count


def test_trend_intervals_keep_the_disclosure_rules() -> None:
    small = _trend(15, {"waits": 9, "plans": 10})  # a base under 20: counts only, no percentage
    assert {(row["previous_percent"], row["previous_low"], row["previous_high"]) for row in small.rows} == {
        (NOT_AVAILABLE,) * 3
    }
    suppressed = _trend(150, {"waits": 52, "plans": 4})
    plans = suppressed.rows[1]
    assert (plans["previous_percent"], plans["previous_low"], plans["previous_high"]) == (SUPPRESSED,) * 3
    none = _trend(0, {})
    assert {row["previous_low"] for row in none.rows} == {NOT_APPLICABLE}


# ------------------------------------------------------------------------------ chart contents


def test_c3_takes_each_scale_question_from_the_published_rows() -> None:
    t4 = _t4(
        [
            *_rating_rows("rating_a", [60, 50, 40, 30, 20]),
            *_rating_rows("rating_b", [90, 60, 40, SUPPRESSED, SUPPRESSED]),
            ("phase", "Primary", NOT_APPLICABLE, 120, 60.0),
        ]
    )
    chart = scale_chart(t4, "Demo forum")
    assert chart is not None
    assert (chart.id, chart.table_id, chart.kind) == ("C3", "T4", "diverging")
    assert (
        len(chart.title.split()) <= 10
        and chart.title == "Negative answers outnumber positive on 1 of 1 questions"
    )
    assert "1 January 2026 to 30 June 2026" in chart.subtitle
    assert 1 <= len(re.findall(r"[.!?](\s|$)", chart.alt)) <= 2
    drawn, hidden = chart.bars
    assert [(s.label, s.percent, s.level) for s in drawn.segments] == [
        ("Very poor", 30.0, -2),
        ("Poor", 25.0, -1),
        ("Neither", 20.0, 0),
        ("Good", 15.0, 1),
        ("Very good", 10.0, 2),
    ]
    assert drawn.count == 200
    assert hidden.segments == () and hidden.count == SUPPRESSED  # a symbol, no partial bar


def test_c3_shows_the_symbol_for_a_base_too_small_and_is_left_out_with_nothing_to_draw() -> None:
    small = _t4(_rating_rows("rating_a", [5, 5, 0, 5, 0], base=15), answered=15)
    small = replace(small, rows=tuple({**row, "percent": NOT_AVAILABLE} for row in small.rows))
    assert scale_chart(small, "") is None
    both = replace(small, rows=small.rows + _t4(_rating_rows("rating_b", [60, 50, 40, 30, 20])).rows)
    chart = scale_chart(both, "")
    assert chart is not None and chart.bars[0].count == NOT_AVAILABLE and not chart.bars[0].segments
    assert scale_chart(_t4([("phase", "Primary", NOT_APPLICABLE, 120, 60.0)]), "") is None


def test_c4_pairs_the_periods_of_the_top_themes_from_t6() -> None:
    t6 = _trend(150, {"waits": 52, "plans": 41})
    chart = trend_chart(t6, "Demo forum")
    assert chart is not None
    assert (chart.id, chart.table_id, chart.kind) == ("C4", "T6", "paired")
    assert len(chart.title.split()) <= 10
    for bar, row in zip(chart.bars, t6.rows, strict=True):
        assert (bar.percent, bar.low, bar.high) == (
            row["current_percent"],
            row["current_low"],
            row["current_high"],
        )
        assert (bar.previous, bar.previous_low, bar.previous_high) == (
            row["previous_percent"],
            row["previous_low"],
            row["previous_high"],
        )
    assert [bar.label for bar in chart.bars] == ["Waiting times", "Quality of EHC plans"]
    # Waiting times: 33.3% (50 of 150) then 60.0% (120 of 200), a clear rise; plans 26.7% then 30.0%.
    assert chart.title == "1 of 2 top themes changed clearly since last period"
    assert "open circle" in chart.alt and "filled circle" in chart.alt


def test_c4_is_left_out_without_an_earlier_period() -> None:
    t6 = _trend(0, {})
    assert trend_chart(t6, "") is None
    tables = (*sample_pack().tables, t6)
    assert [chart.id for chart in pack_charts(tables, "")] == ["C1", "C2"]
    with_earlier = (*sample_pack().tables, _trend(150, {"waits": 52, "plans": 41}))
    assert [chart.id for chart in pack_charts(with_earlier, "")] == ["C1", "C2", "C4"]


# ---------------------------------------------------------------------------------------- SVG


def _svg(chart: Chart) -> Tag:
    svg = BeautifulSoup(chart_svg(chart), "html.parser").find("svg")
    assert isinstance(svg, Tag)
    return svg


def _xs(group: Tag) -> list[float]:
    path = group.find("path")
    assert isinstance(path, Tag)
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", str(path["d"]))]
    return numbers[0::2]


def _c3() -> Chart:
    t4 = _t4([*_rating_rows("rating_a", [60, 50, 40, 30, 20]), *_rating_rows("rating_b", [90, 60, 40, 5, 0])])
    rows = tuple(
        {**row, "count": SUPPRESSED, "percent": SUPPRESSED} if row["count"] == 5 else row for row in t4.rows
    )
    chart = scale_chart(replace(t4, rows=rows), "Demo forum")
    assert chart is not None
    return chart


def test_c3_svg_puts_negative_answers_left_of_0_and_the_middle_across_it() -> None:
    chart = _c3()
    svg = _svg(chart)
    zero = svg.find("g", id="c3-zero")
    assert isinstance(zero, Tag)
    (x0,) = set(_xs(zero))
    parts = {str(g["id"]): _xs(g) for g in svg.find_all("g", id=re.compile(r"^c3-bar0-"))}
    assert set(parts) == {
        f"c3-bar0-{name}" for name in ("negative2", "negative1", "middle", "positive1", "positive2")
    }
    assert max(parts["c3-bar0-negative2"] + parts["c3-bar0-negative1"]) <= x0 + 0.01
    assert min(parts["c3-bar0-positive1"] + parts["c3-bar0-positive2"]) >= x0 - 0.01
    middle = parts["c3-bar0-middle"]
    assert min(middle) < x0 < max(middle) and abs((min(middle) + max(middle)) / 2 - x0) < 0.01
    assert (
        max(parts["c3-bar0-negative2"]) <= min(parts["c3-bar0-negative1"]) + 0.01
    )  # most negative outermost
    # Widths follow the published percentages: 30, 25, 20, 15, 10.
    unit = (max(middle) - min(middle)) / 20.0
    widths = {name: (max(xs) - min(xs)) / unit for name, xs in parts.items()}
    assert widths == pytest.approx(
        {
            "c3-bar0-negative2": 30.0,
            "c3-bar0-negative1": 25.0,
            "c3-bar0-middle": 20.0,
            "c3-bar0-positive1": 15.0,
            "c3-bar0-positive2": 10.0,
        },
        abs=0.01,
    )
    texts = [tag.get_text() for tag in svg.find_all("text")]
    assert {"30%", "25%", "20%", "15%"} <= set(texts)


def test_c3_svg_draws_no_part_of_a_suppressed_question_and_is_greyscale() -> None:
    chart = _c3()
    assert chart.bars[1].count == SUPPRESSED
    svg = _svg(chart)
    assert not svg.find_all("g", id=re.compile(r"^c3-bar1-"))
    texts = [tag.get_text() for tag in svg.find_all("text")]
    assert SUPPRESSED in texts and "45%" not in texts  # 90 of 200 very poor: not drawn, not labelled
    colours = set(re.findall(r'(?:fill|stroke)="#([0-9a-f]{6})"', str(svg)))
    channels = [[int(colour[i : i + 2], 16) for i in (0, 2, 4)] for colour in colours]
    assert channels and all(max(rgb) - min(rgb) < 24 for rgb in channels), colours  # greys only
    # The positive side is hatched as well as shaded; the key names each answer.
    assert {"Very poor", "Poor", "Neither", "Good", "Very good"} <= set(texts)
    assert svg.find("pattern") is not None


def test_c4_svg_has_open_and_filled_circles_and_no_line_between_them() -> None:
    chart = trend_chart(_trend(150, {"waits": 52, "plans": 41}), "Demo forum")
    assert chart is not None
    svg = _svg(chart)
    outside_defs = [path for path in svg.find_all("path") if path.find_parent("defs") is None]
    points: list[tuple[float, float]] = []
    for y in range(len(chart.bars)):
        marks = {}
        for name in ("previous", "current"):
            group = svg.find("g", id=f"c4-{name}-{y}")
            assert isinstance(group, Tag)
            uses = group.find_all("use")
            assert len(uses) == 1
            marks[name] = uses[0]
        assert marks["previous"]["fill"] == "#ffffff" and marks["current"]["fill"] == TEXT
        before = (float(attribute(marks["previous"], "x")), float(attribute(marks["previous"], "y")))
        now = (float(attribute(marks["current"], "x")), float(attribute(marks["current"], "y")))
        assert before[1] < now[1]  # previous above current, in the same row
        points += [before, now]
        for path in outside_defs:
            coordinates = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", str(path["d"]))]
            ys = set(coordinates[1::2])
            assert not (any(abs(v - before[1]) < 0.5 for v in ys) and any(abs(v - now[1]) < 0.5 for v in ys))
    texts = [tag.get_text() for tag in svg.find_all("text")]
    assert {"before 33%", "now 60%", "before 27%", "now 30%"} <= set(texts)


@pytest.mark.parametrize("make", [_c3, lambda: trend_chart(_trend(150, {"waits": 52, "plans": 41}), "")])
def test_new_charts_are_deterministic_and_accessible(make: Any) -> None:
    chart = make()
    svg = chart_svg(chart)
    assert chart_svg(chart) == svg
    tag = _svg(chart)
    assert tag["role"] == "img" and tag["aria-label"] == chart.alt
    title = tag.find("title")
    assert isinstance(title, Tag) and title.get_text() == chart.alt
    assert "http" not in svg and "<style" not in svg
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert all(name.startswith(f"{chart.id.lower()}-") for name in ids)


# ------------------------------------------------------------------------------ JSON and pack


def test_a_pack_with_the_new_charts_round_trips_through_json_and_the_schema() -> None:
    c4 = trend_chart(_trend(150, {"waits": 52, "plans": 41}), "")
    assert c4 is not None
    pack = replace(sample_pack(), charts=(*sample_pack().charts, _c3(), c4))
    data = render_json(pack)
    assert load_json(data) == pack
    validator = jsonschema.Draft202012Validator(SCHEMA)
    document = json.loads(data)
    validator.validate(document)
    document["charts"][2]["bars"][0]["segments"][0]["level"] = "very"
    assert not validator.is_valid(document)
    assert set(SCHEMA["$defs"]["segment"]["properties"]) == {"label", "percent", "level"}


def test_a_built_pack_has_its_charts_before_their_tables(app: Flask, db_session: Session) -> None:
    with app.app_context():
        seed_demo(db_session, responses=300, seed=7, until=date(2026, 6, 30))
    forum = db_session.scalars(select(Forum)).one()
    lead = db_session.scalars(select(User)).one()
    bulk_accept(db_session, forum.id, lead.id, 0.5, Filters())
    first = build_pack(
        db_session,
        PackRequest("demo", "send-experience", date(2025, 7, 1), date(2026, 6, 30)),
        built_on=date(2026, 7, 1),
    )
    later = build_pack(
        db_session,
        PackRequest("demo", "send-experience", date(2026, 1, 1), date(2026, 6, 30)),
        built_on=date(2026, 7, 1),
    )
    assert "C4" not in {chart.id for chart in first.charts}  # no earlier period
    c4 = next(chart for chart in later.charts if chart.id == "C4")
    shown = [row for row in later.table("T6").rows if isinstance(row["previous_percent"], float)]
    assert [bar.previous for bar in c4.bars] == [row["previous_percent"] for row in shown[: len(c4.bars)]]
    scale_rows = [row for row in first.table("T4").rows if isinstance(row["scale"], int)]
    assert {row["question_id"] for row in scale_rows} == {"rating_communication", "rating_support"}
    assert all(row["answered"] != 0 for row in scale_rows)
    for pack in (first, later):
        soup = BeautifulSoup(render_html(pack), "html.parser")
        for chart in pack.charts:
            figure = soup.find("figure", id=chart.id)
            assert isinstance(figure, Tag)
            following = figure.find_next("table")
            assert isinstance(following, Tag) and following["id"] == chart.table_id
