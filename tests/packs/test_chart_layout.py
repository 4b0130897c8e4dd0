"""The charts' text: every label inside the drawing and no two labels overlapping, measured from the
SVG itself (each ``<text>``'s position, anchor and size, with the font's own metrics)."""

from __future__ import annotations

import itertools
import re

import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import given, settings
from hypothesis import strategies as st

from forum_app.packs.chart_layout import MAX_LABEL_LINES, WIDTH
from forum_app.packs.chart_text import Box, line_height, text_box, text_width, wrap
from forum_app.packs.charts import chart_svg
from forum_app.packs.contents import NOT_APPLICABLE, SUPPRESSED, Bar, Chart, Segment
from tests.packs.sample import sample_pack

THEME_LABELS = (  # the demo codebook's longest theme labels (C1 of a demo pack overlapped with these)
    "Impact on families and support for parent carers",
    "Waiting for health or therapy services and diagnostic assessments",
    "Early and accurate identification of needs",
    "Provision missing, not enough, or not delivered",
    "Quality of EHC plans",
    "Communication, information and co-production",
    "Getting into education: exclusions, school places, alternative provision",
    "Mental health, emotional wellbeing and CAMHS",
    "Annual reviews and amending plans",
    "EHC needs assessment: timeliness and access",
    "Joint working across education, health and social care",
    "Social care, short breaks and respite",
    "Disagreements, appeals and complaints",
    "Transitions and preparing for adulthood",
    "Outcomes and inclusion in the community",
    "Leadership, strategy and commissioning",
)
_NUMBER = re.compile(r"-?[\d.]+(?:e-?\d+)?")
_TRANSLATE = re.compile(r"translate\(\s*(-?[\d.e-]+)[\s,]+(-?[\d.e-]+)\s*\)")


def drawn_texts(svg: str) -> tuple[tuple[float, float], list[tuple[str, Box]]]:
    """The SVG's drawing size (viewBox) and each ``<text>`` with its box."""
    root = BeautifulSoup(svg, "html.parser").find("svg")
    assert isinstance(root, Tag)
    _, _, width, height = (float(part) for part in str(root["viewbox"]).split())
    found = []
    for element in root.find_all("text"):
        size = float(_NUMBER.findall(str(element["font-size"]))[0])
        moved = _TRANSLATE.search(str(element.get("transform", "")))
        x, y = (
            (float(moved.group(1)), float(moved.group(2)))
            if moved
            else (float(str(element["x"])), float(str(element["y"])))
        )
        content = element.get_text()
        found.append((content, text_box(x, y, content, size, str(element.get("text-anchor", "start")))))
    return (width, height), found


def layout_problems(chart: Chart) -> list[str]:
    """Every text outside the drawing and every pair of texts that overlap."""
    (width, height), texts = drawn_texts(chart_svg(chart))
    problems = [
        f"outside {width}x{height}: {text!r} {box}" for text, box in texts if not box.inside(width, height)
    ]
    problems += [
        f"overlap: {a!r} {box_a} and {b!r} {box_b}"
        for (a, box_a), (b, box_b) in itertools.combinations(texts, 2)
        if box_a.overlaps(box_b)
    ]
    return problems


def _bars_chart(bars: list[Bar], kind: str = "bars") -> Chart:
    return Chart("C1", "Title", "Subtitle", "Alt text.", "T2", kind, tuple(bars))


SCALE = (
    ("Very badly / Very poor", -2),
    ("Badly / Poor", -1),
    ("Neither well nor badly / Neither good nor poor", 0),
    ("Well / Good", 1),
    ("Very well / Very good", 2),
)


def _diverging(questions: list[tuple[str, list[float] | None]]) -> Chart:
    bars = [
        Bar(
            label,
            None,
            count=3000 if shares is not None else SUPPRESSED,
            segments=tuple(
                Segment(option, share, level) for (option, level), share in zip(SCALE, shares, strict=True)
            )
            if shares is not None
            else (),
        )
        for label, shares in questions
    ]
    return Chart("C3", "Title", "Subtitle", "Alt text.", "T4", "diverging", tuple(bars))


# ------------------------------------------------------------------------------- fixed cases


def test_the_demo_packs_sixteen_long_theme_labels_neither_overlap_nor_leave_the_drawing() -> None:
    """Before: labels of up to 4 lines in rows of 0.5 inch, each overlapping the next."""
    bars = [
        Bar(label, 46.1 - 2.7 * n, 44.2 - 2.7 * n, 48.0 - 2.7 * n, 1255 - 70 * n)
        for n, label in enumerate(THEME_LABELS)
    ]
    assert layout_problems(_bars_chart(bars)) == []


@pytest.mark.parametrize(
    ("percent", "low", "high", "count"),
    [
        (100.0, 98.5, 100.0, 1_234_567),
        (0.0, 0.0, 1.5, 1_200),
        (None, None, None, 1_200),
        (None, None, None, ""),
    ],
)
def test_labels_near_0_and_100_percent_stay_inside(
    percent: float | None, low: float | None, high: float | None, count: int | str
) -> None:
    """Before: an n label right of a 100% interval ran past the right edge."""
    bars = [Bar(label, percent, low, high, count) for label in ("Short", "A somewhat longer label here")]
    assert layout_problems(_bars_chart(bars)) == []


def test_the_comparators_label_clears_the_dot_its_n_label_and_the_edges() -> None:
    bars = [
        Bar("EHC needs assessment", 86.0, 83.0, 89.0, 750, marker=49.5),
        Bar("Autism assessment", 100.0, 99.0, 100.0, 495, marker=99.9),
        Bar("ADHD", 2.0, 0.0, 4.0, 290, marker=0.0),
        Bar("Speech and language therapy", None, count="no national limit"),
    ]
    assert layout_problems(_bars_chart(bars, "dots")) == []
    assert "Official figure 99.9%" in chart_svg(_bars_chart(bars, "dots"))


def test_the_two_periods_labels_stay_apart() -> None:
    bars = [
        Bar(label, 99.0, 97.0, 100.0, previous=100.0, previous_low=98.0, previous_high=100.0)
        for label in THEME_LABELS[:5]
    ]
    assert layout_problems(_bars_chart(bars, "paired")) == []


def test_c3s_questions_key_and_part_labels_stay_apart() -> None:
    """Before: four-line questions with their n in rows of 0.8 inch, and the scale's labels touching."""
    chart = _diverging(
        [
            (
                "How well do services keep you informed and listen to you when you raise a concern?",
                [27, 33, 26, 12, 2],
            ),
            ("How good is the help your child gets now?", [90, 4, 3, 2, 1]),
            ("A question whose figures are suppressed", None),
            ("How easy was it to find out about the local offer?", [1, 2, 3, 4, 90]),
        ]
    )
    assert layout_problems(chart) == []


def test_the_sample_packs_charts_are_laid_out_cleanly() -> None:
    for chart in sample_pack().charts:
        assert layout_problems(chart) == [], chart.id


def test_a_label_too_long_for_its_lines_ends_in_an_ellipsis_with_its_whole_text_as_a_title() -> None:
    label = " ".join(["Long words about a theme"] * 8)
    svg = chart_svg(_bars_chart([Bar(label, 50.0, 45.0, 55.0, 100)]))
    soup = BeautifulSoup(svg, "html.parser")
    group = soup.find("g", id="c1-label-0")
    assert isinstance(group, Tag)
    title = group.find("title")
    assert isinstance(title, Tag) and title.get_text() == label
    lines = [
        text.get_text()
        for text in soup.find_all("text")
        if text.get_text() in label or "…" in text.get_text()
    ]
    assert len(lines) == MAX_LABEL_LINES and lines[-1].endswith("…")


# ------------------------------------------------------------------------------ measuring


def test_text_width_adds_the_fonts_advance_widths() -> None:
    assert text_width("", 11) == 0
    assert text_width("ab", 11) == pytest.approx(text_width("a", 11) + text_width("b", 11))
    assert text_width("W", 22) == pytest.approx(2 * text_width("W", 11))
    assert text_width("i", 11) < text_width("m", 11)
    assert text_width("\u4e2d", 10) == 10  # no glyph in DejaVu Sans: a whole em
    assert line_height(10) == pytest.approx(11.64, abs=0.01)  # DejaVu Sans: ascent 0.928, descent 0.236


@given(st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), max_size=200))
@settings(max_examples=200, deadline=None)
def test_wrapped_lines_fit_their_width(text: str) -> None:
    lines, cut = wrap(text, 120.0, 11, 3)
    assert len(lines) <= 3
    assert all(text_width(line, 11) <= 120.0 for line in lines)
    if not cut:
        assert "".join("".join(lines).split()) == "".join(text.split())


# ---------------------------------------------------------------------------- any labels

WORDS = st.text(st.characters(codec="ascii", categories=("L", "N", "P")), min_size=1, max_size=30)
LABELS = st.lists(WORDS, min_size=1, max_size=14).map(" ".join)
PERCENT = st.floats(0, 100, allow_nan=False).map(lambda value: round(value, 1))
COUNT = st.one_of(
    st.integers(0, 10_000_000), st.sampled_from([SUPPRESSED, NOT_APPLICABLE, "no national limit", ""])
)


@st.composite
def bars(draw: st.DrawFn) -> Bar:
    percent = draw(st.one_of(st.none(), PERCENT))
    low = high = previous = previous_low = previous_high = None
    if percent is not None and draw(st.booleans()):
        low, high = max(0.0, percent - draw(PERCENT) / 5), min(100.0, percent + draw(PERCENT) / 5)
    if draw(st.booleans()):
        previous = draw(PERCENT)
        previous_low, previous_high = max(0.0, previous - 5), min(100.0, previous + 5)
    marker = draw(st.one_of(st.none(), PERCENT))
    return Bar(
        draw(LABELS), percent, low, high, draw(COUNT), marker, (), previous, previous_low, previous_high
    )


@given(st.sampled_from(["bars", "dots", "paired"]), st.lists(bars(), min_size=1, max_size=20))
@settings(max_examples=60, deadline=None)
def test_any_labels_and_figures_give_no_overlap_and_nothing_outside(kind: str, drawn: list[Bar]) -> None:
    assert layout_problems(_bars_chart(drawn, kind)) == []


@st.composite
def shares(draw: st.DrawFn) -> list[float]:
    weights = draw(st.lists(st.integers(0, 100), min_size=5, max_size=5).filter(lambda parts: sum(parts) > 0))
    return [round(100 * weight / sum(weights), 1) for weight in weights]


@given(st.lists(st.tuples(LABELS, st.one_of(st.none(), shares())), min_size=1, max_size=8))
@settings(max_examples=40, deadline=None)
def test_any_scale_questions_give_no_overlap_and_nothing_outside(
    questions: list[tuple[str, list[float] | None]],
) -> None:
    assert layout_problems(_diverging(questions)) == []


def test_the_usual_chart_keeps_its_usual_width() -> None:
    (width, _), _ = drawn_texts(chart_svg(sample_pack().charts[0]))
    assert width == pytest.approx(WIDTH)
