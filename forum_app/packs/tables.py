"""The pack's tables, from exact figures to published ones (see ``build.py`` for the whole pack).

Every count passes ``disclosure`` (through ``Publisher``) before anything is computed from it;
percentages and intervals come from the published counts. T1 framework areas, T2 themes, T4 closed
questions, T5 pre-set groups, T6 change since the previous period; T3 is in ``waits.py`` and T7 in
``population.py``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from forum_app.packs import disclosure, stats
from forum_app.packs.blocks import (
    GROUPINGS,
    MIN_GROUP_BASE,
    OTHER_GROUP,
    Group,
    QuestionCells,
    ThemeCells,
    flat_answers,
    merged_groups,
    merged_scale,
    protect_area,
    protect_groupings,
    protect_question,
    protect_themes,
    set_apart,
)
from forum_app.packs.contents import (
    LOW_BASE,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    SUPPRESSED,
    Cell,
    Column,
    Quote,
    Table,
)
from forum_app.packs.data import Gathered
from forum_app.packs.differences import difference, period_change
from forum_app.surveys.fields import question_type

MIN_BASE_FOR_PERCENT = stats.MIN_BASE_FOR_PERCENT  # 20
LOW_BASE_BELOW = stats.LOW_BASE_BELOW  # 50
MIN_VALUES_FOR_MEDIAN = stats.MIN_VALUES_FOR_MEDIAN  # 20 (DESIGN.md)
GROUP_INDICATORS = 3


class Publisher:
    """The disclosure rules of one forum, applied."""

    def __init__(self, rules: disclosure.DisclosureRules) -> None:
        self.rules = rules

    def count(self, n: int) -> Cell:
        return disclosure.publish_count(n, self.rules.threshold, self.rules.base)

    def row(self, parts: Sequence[int]) -> tuple[list[Cell], Cell]:
        """A row of parts and the total to publish with them (secondary suppression applied)."""
        protected = disclosure.protect_row_and_total(list(parts), self.rules)
        return list(protected.cells), protected.total

    def percent(self, count: Cell, base: Cell) -> tuple[Cell, Cell, Cell, bool]:
        """Percentage with its 95% interval from published values, and whether the base is low."""
        shown = stats.percent_with_ci(count, base, self.rules)  # type: ignore[arg-type]
        return shown.percent, shown.low, shown.high, shown.low_base

    def median(self, values: Sequence[float]) -> Cell:
        """The median, only over 20 or more values: ``[z]`` for none, ``[c]`` for 1 to threshold
        values, ``[x]`` for the rest under 20 (DESIGN.md)."""
        if not values:
            return NOT_APPLICABLE
        if len(values) <= self.rules.threshold:
            return SUPPRESSED
        if len(values) < MIN_VALUES_FOR_MEDIAN:
            return NOT_AVAILABLE
        return disclosure.round_half_up(statistics.median(values))


def interval_columns(prefix: str, kind: str, label: str = "95% CI {}") -> tuple[Column, Column]:
    """The two ends of a 95% interval, ``{prefix}low`` and ``{prefix}high``, labelled ``label`` with
    "lower" or "upper" in place of ``{}``."""
    return (
        Column(f"{prefix}low", label.format("lower"), kind),
        Column(f"{prefix}high", label.format("upper"), kind),
    )


def percent_columns(label: str = "%", prefix: str = "") -> tuple[Column, ...]:
    """The columns of ``pct_cells``: the percentage, its 95% interval and the [u] flag."""
    return (
        Column(f"{prefix}percent", label, "percent"),
        *interval_columns(prefix, "percent"),
        Column(f"{prefix}flag", "Reliability"),
    )


def pct_cells(publisher: Publisher, count: Cell, base: Cell, prefix: str = "") -> dict[str, Cell]:
    """The cells of ``percent_columns`` with the same ``prefix``."""
    pct, low, high, low_base = publisher.percent(count, base)
    cells = {"percent": pct, "low": low, "high": high, "flag": LOW_BASE if low_base else ""}
    return {f"{prefix}{key}": cell for key, cell in cells.items()}


@dataclass(frozen=True)
class ThemeFigures:
    """Every theme's published counts for one period (T2, and T5 for the ``top`` themes)."""

    cells: dict[str, ThemeCells]
    groups: dict[str, list[Group]]
    group_bases: dict[str, dict[str, Cell]]  # grouping key -> shown group's label -> published base
    top: list[str]  # the themes T5 breaks down by group, most reported first
    base: Cell  # the coded families


def theme_figures(publisher: Publisher, gathered: Gathered, theme_ids: Iterable[str]) -> ThemeFigures:
    """Protect every theme's counts together with its group breakdown (``blocks.protect_themes``).
    T5 shows the themes most families mention, ranked on counts rounded one by one."""
    theme_ids = list(theme_ids)
    groups = merged_groups(gathered.groups)
    bases = {
        key: {group.label: publisher.count(len(group.members)) for group in found if group.shown}
        for key, found in groups.items()
    }
    base = publisher.count(gathered.text_base)
    rounded: dict[str, int] = {}
    for theme_id in theme_ids:
        count = publisher.count(len(gathered.themes.get(theme_id, {})))
        if isinstance(count, int) and count >= MIN_BASE_FOR_PERCENT:
            rounded[theme_id] = count
    top = sorted(rounded, key=lambda theme_id: -rounded[theme_id])[:GROUP_INDICATORS]
    cells = protect_themes(publisher.rules, gathered, theme_ids, top, groups, bases, base)
    return ThemeFigures(cells, groups, bases, top, base)


def theme_table(
    publisher: Publisher,
    now: Gathered,
    before: Gathered,
    themes: list[tuple[str, str, list[str]]],
    area_labels: dict[str, str],
    kappas: dict[str, float | None],
    quote_counts: Counter[str],
    figures: ThemeFigures | None = None,
    earlier: ThemeFigures | None = None,
) -> Table:
    ids = [theme_id for theme_id, _, _ in themes]
    figures = figures or theme_figures(publisher, now, ids)
    earlier = earlier or theme_figures(publisher, before, ids)
    base = figures.base
    rows = []
    for theme_id, label, areas in themes:
        cells = figures.cells[theme_id]
        count = cells.total
        change = period_change(count, base, earlier.cells[theme_id].total, earlier.base)
        kappa = kappas.get(theme_id)
        rows.append(
            {
                "theme_id": theme_id,
                "theme_label": label,
                "framework_area": "; ".join(area_labels.get(area, area) for area in areas),
                "respondents": count,
                "base": base,
                **pct_cells(publisher, count, base),
                "negative": cells.views["negative"],
                "neutral": cells.views["neutral"],
                "positive": cells.views["positive"],
                "kappa": round(kappa, 2) if kappa is not None else NOT_AVAILABLE,
                "change": change,
                "quotes_shown": quote_counts.get(theme_id, 0),
            }
        )
    rows.sort(key=lambda row: -(row["percent"] if isinstance(row["percent"], float) else -1.0))
    return Table(
        "T2",
        "Themes in families' own words",
        f"Families whose answers mention each theme, of the families whose free-text answers have been coded "
        f"(base {fmt(base)}), {period_words(now)}",
        (
            Column("theme_id", "Theme id"),
            Column("theme_label", "Theme"),
            Column("framework_area", "Framework areas"),
            Column("respondents", "Families mentioning", "count"),
            Column("base", "Base", "count"),
            *percent_columns(),
            Column("negative", "Negative", "count"),
            Column("neutral", "Neutral or mixed", "count"),
            Column("positive", "Positive", "count"),
            Column("kappa", "Kappa (second coder)", "number"),
            Column("change", "Change since the previous period"),
            Column("quotes_shown", "Quotes shown", "count"),
        ),
        tuple(rows),
        (
            "A family is counted once per theme however many answers mention it. Its view of the theme is "
            "negative if any of those answers is negative, positive if any is positive and none negative, "
            "otherwise neutral or mixed.",
            "Change compares with the period of the same length just before (Newcombe's 95% interval for "
            "the difference, from published counts).",
        ),
    )


def area_table(
    publisher: Publisher,
    now: Gathered,
    before: Gathered,
    themes: list[tuple[str, str, list[str]]],
    areas: list[tuple[str, str]],
    quotes: Sequence[Quote] = (),
    figures: ThemeFigures | None = None,
    earlier: ThemeFigures | None = None,
) -> Table:
    """T1: the families with any theme of each framework area, by their view over those themes,
    protected together with T2's counts of those themes (``blocks.protect_area``)."""
    ids = [theme_id for theme_id, _, _ in themes]
    figures = figures or theme_figures(publisher, now, ids)
    earlier = earlier or theme_figures(publisher, before, ids)
    base, base_before = figures.base, earlier.base
    rows = []
    for area_id, area_label in areas:
        included = [theme_id for theme_id, _, theme_areas in themes if area_id in theme_areas]
        cells = protect_area(publisher.rules, now, included, figures.cells, base)
        negative, positive, count = cells.views["negative"], cells.views["positive"], cells.total
        previous = protect_area(publisher.rules, before, included, earlier.cells, base_before).total
        _, change, change_low, change_high = difference(count, base, previous, base_before)
        # "% of them": over the families with any theme in the area, so [u] when there are 20 to 49.
        them_negative, _, _, negative_low = publisher.percent(negative, count)
        them_positive, _, _, positive_low = publisher.percent(positive, count)
        them_low = negative_low or positive_low
        rows.append(
            {
                "area": area_label,
                "themes": ", ".join(label for theme_id, label, _ in themes if theme_id in included),
                "respondents": count,
                "base": base,
                **pct_cells(publisher, count, base),
                "negative_percent": them_negative,
                "positive_percent": them_positive,
                "them_flag": LOW_BASE if them_low else "",
                "change": change,
                "change_low": change_low,
                "change_high": change_high,
                "table": "T2",
                "quotes": ", ".join(quote.id for quote in quotes if quote.theme_id in included),
            }
        )
    return Table(
        "T1",
        "Findings by framework area",
        f"Families with any theme in each area of the inspection framework, of the families whose free-text "
        f"answers have been coded (base {fmt(base)}), {period_words(now)}",
        (
            Column("area", "Framework area"),
            Column("themes", "Themes included"),
            Column("respondents", "Families with any theme in the area", "count"),
            Column("base", "Base", "count"),
            *percent_columns(),
            Column("negative_percent", "% of them negative", "percent"),
            Column("positive_percent", "% of them positive", "percent"),
            Column("them_flag", "Reliability (% of them)"),
            Column("change", "Change since the previous period (pp)", "number"),
            *interval_columns("change_", "number", "95% CI {} (pp)"),
            Column("table", "See table"),
            Column("quotes", "Quotes"),
        ),
        tuple(rows),
        (
            "A theme can belong to more than one area, so areas overlap and do not add up.",
            "Change is against the period of the same length just before (Newcombe's hybrid 95% interval, "
            "from published counts); [x] where either period has fewer than 20 families.",
        ),
    )


def question_figures(
    publisher: Publisher,
    now: Gathered,
    questions: dict[str, dict[str, Any]],
    themes: ThemeFigures | None = None,
) -> dict[str, QuestionCells]:
    """The published counts of every single-answer question; the grouping questions together with
    T7's categories and T5's groups (``blocks.protect_groupings``)."""
    themes = themes or theme_figures(publisher, now, [])

    def options(key: str) -> list[str]:
        listed = questions.get(key, {}).get("options") or [
            {"value": v} for v in GROUPINGS.get(key, ("", {}))[1]
        ]
        apart = set_apart(questions.get(key, {}))
        return [str(o["value"]) for o in listed if str(o["value"]) not in apart]

    found = protect_groupings(
        publisher.rules,
        now,
        {key: options(key) for key in GROUPINGS},
        publisher.count(now.respondents),
        themes.groups,
        themes.group_bases,
        themes.base,
    )
    for key in now.closed:
        question = questions.get(key, {})
        if key in found or is_multi(question):
            continue
        listed = options(key)
        if is_scale(question):
            merged = merged_scale(publisher.rules, now, key, listed, scale_levels(len(listed)))
        else:
            merged = [[option] for option in listed]
        found[key] = protect_question(publisher.rules, now, key, merged, set_apart(question))
    return found


def closed_table(
    publisher: Publisher,
    now: Gathered,
    questions: dict[str, dict[str, Any]],
    figures: dict[str, QuestionCells] | None = None,
) -> Table:
    figures = figures if figures is not None else question_figures(publisher, now, questions)
    rows = []
    for key, answers in now.closed.items():
        question = questions[key]
        options = [(str(o["value"]), o.get("label", o["value"])) for o in question.get("options", [])]
        apart = set_apart(question)
        counted = [(value, label) for value, label in options if value not in apart]
        levels: list[Cell] = (
            [*scale_levels(len(counted))] if is_scale(question) else [NOT_APPLICABLE] * len(counted)
        )
        multiple = is_multi(question)
        if multiple:  # each option is its own yes or no over the same base: no total to subtract from
            flat = flat_answers(answers)
            answered = sum(n for value, n in answers.items() if not set(_values(value)) <= apart)
            published = [publisher.count(flat[value]) for value, _ in counted]
            base, dont_know = publisher.count(answered), publisher.count(sum(flat[v] for v in apart))
        else:
            cells = figures[key]
            counted, levels = _merged_answers(counted, levels, cells.merged)
            published = [cells.options[value] for value, _ in counted]
            base, dont_know = cells.answered, cells.dont_know
        for (_, label), count, level in zip(counted, published, levels, strict=True):
            rows.append(
                {
                    "question_id": key,
                    "wording": question.get("title", key),
                    "answered": base,
                    "option": label,
                    "scale": level,
                    "count": count,
                    **pct_cells(publisher, count, base),
                    "dont_know": dont_know,
                    "note": "More than one answer allowed: percentages add up to more than 100."
                    if multiple
                    else "",
                }
            )
    return Table(
        "T4",
        "Closed questions",
        f"Answers to each question with set options, {period_words(now)}. 'Don't know' and 'not sure' are "
        "left out of the base and counted separately.",
        (
            Column("question_id", "Question id"),
            Column("wording", "Exact wording"),
            Column("answered", "Answered", "count"),
            Column("option", "Answer"),
            Column("scale", "Place on the scale (0 the middle)", "number"),
            Column("count", "Families", "count"),
            *percent_columns(),
            Column("dont_know", "Don't know or not sure", "count"),
            Column("note", "Note"),
        ),
        tuple(rows),
        (
            "Where one answer's count is suppressed, the next smallest is too (here and in T7, which counts "
            "the same answers), so it cannot be worked out from the others, the total or the other table.",
            "For ratings, the place on the scale runs from the most negative answer (below 0) through the "
            "middle (0) to the most positive (above 0); [z] marks questions that are not a scale.",
        ),
    )


def _merged_answers(
    counted: list[tuple[str, str]], levels: list[Cell], merged: dict[str, tuple[str, ...]]
) -> tuple[list[tuple[str, str]], list[Cell]]:
    """The answers as T4 shows them, merged ones as one row ("Very badly or badly") at the place on
    the scale furthest from the middle."""
    label_of = dict(counted)
    level_of = {value: level for (value, _), level in zip(counted, levels, strict=True)}
    inside = {value for values in merged.values() for value in values[1:]}
    rows = [(value, label) for value, label in counted if value not in inside]
    shown = [
        (value, " or ".join(label_of[v] for v in merged.get(value, (value,))).capitalize())
        if value in merged
        else (value, label)
        for value, label in rows
    ]
    places = [
        max(
            (level_of[v] for v in merged[value]),
            key=lambda level: abs(int(level)) if isinstance(level, int) else 0,
        )
        if value in merged
        else level_of[value]
        for value, _ in rows
    ]
    return shown, places


def _furthest(levels: list[Cell]) -> Cell:
    """The place on the scale furthest from the middle ([z] for a question that is not a scale)."""
    return max(levels, key=lambda level: abs(level) if isinstance(level, int) else 0)


def _values(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, tuple) else (str(value),)


def is_scale(question: dict[str, Any]) -> bool:
    """A rating, or a single-answer question its definition marks as an ordered scale
    (``"scale": true``); either way its options run from the most negative to the most positive."""
    kind = question_type(question.get("type"))
    if kind is None:
        return False
    return kind.is_rating or (kind.is_choice and not kind.is_multi and question.get("scale") is True)


def is_multi(question: dict[str, Any]) -> bool:
    """A question whose answer may be more than one of its options."""
    kind = question_type(question.get("type"))
    return kind is not None and kind.is_multi


def scale_levels(options: int) -> list[int]:
    """Each option's place on a scale of ``options`` answers: 5 gives -2, -1, 0, 1, 2; 4 gives
    -2, -1, 1, 2 (no middle answer)."""
    half = options // 2
    below = list(range(-half, 0))
    return [*below, *([0] if options % 2 else []), *(-level for level in reversed(below))]


def groups_table(
    publisher: Publisher, now: Gathered, t2: Table, figures: ThemeFigures | None = None
) -> Table:
    """The most reported themes by group, each against the rest of the families. Groups are merged
    before anything is published (``blocks.merged_groups``); the counts are protected with T2's
    (``blocks.protect_themes``); the rest is worked out from published counts only."""
    figures = figures or theme_figures(publisher, now, [str(row["theme_id"]) for row in t2.rows])
    labels = {str(row["theme_id"]): str(row["theme_label"]) for row in t2.rows}
    rows: list[dict[str, Cell]] = []
    for key, (name, _) in GROUPINGS.items():
        for theme_id in figures.top:
            cells = figures.cells[theme_id]
            for label, count in cells.by_group.get(key, {}).items():
                base = figures.group_bases[key][label]
                rest_count, rest_base = _rest(cells.total, count, figures.base, base)
                words, diff, low, high = difference(count, base, rest_count, rest_base)
                rows.append(
                    {
                        "indicator": f"Families mentioning {lower_first(labels[theme_id])}",
                        "variable": name,
                        "group": label,
                        "base": base,
                        "count": count,
                        **pct_cells(publisher, count, base),
                        "difference": diff,
                        "difference_low": low,
                        "difference_high": high,
                        "note": words,
                    }
                )
    return Table(
        "T5",
        "Differences between groups",
        f"The {GROUP_INDICATORS} most reported themes by pre-set group, each group against all other "
        f"families whose free-text answers were coded, {period_words(now)}",
        (
            Column("indicator", "Indicator"),
            Column("variable", "Grouped by"),
            Column("group", "Group"),
            Column("base", "Base", "count"),
            Column("count", "Families", "count"),
            *percent_columns(),
            Column("difference", "Difference from the rest (pp)", "number"),
            *interval_columns("difference_", "number", "95% CI {} (pp)"),
            Column("note", "Note"),
        ),
        tuple(rows),
        (
            f"Groups of fewer than {MIN_GROUP_BASE} families are merged into '{OTHER_GROUP}'; while that is "
            "still smaller, the smallest named group joins it (and is named), so no group is left out to be "
            "worked out by subtraction. Where a group's count is suppressed, another group's is too, so it "
            "cannot be worked out from T2's total. The rest of the families are the published total and base "
            "less the group's. A difference is called clear only when its 95% interval (Newcombe) "
            "excludes 0. With many comparisons, some will look clear by chance: treat one on its own "
            "with caution.",
        ),
    )


def _rest(total: Cell, count: Cell, base: Cell, group_base: Cell) -> tuple[Cell, Cell]:
    """The rest of the families, from published counts only: ``[c]`` when either part is suppressed."""
    if not (
        isinstance(total, int)
        and isinstance(count, int)
        and isinstance(base, int)
        and isinstance(group_base, int)
    ):
        return SUPPRESSED, SUPPRESSED
    rest_base = max(0, base - group_base)
    return min(rest_base, max(0, total - count)), rest_base


def trend_table(
    publisher: Publisher, now: Gathered, before: Gathered, t2: Table, earlier: ThemeFigures | None = None
) -> Table:
    """Each theme now against the period of the same length just before (same questions). The earlier
    period's counts are protected as a pack for that period would publish them."""
    earlier = earlier or theme_figures(publisher, before, [str(row["theme_id"]) for row in t2.rows])
    base_now, base_before = t2.rows[0]["base"] if t2.rows else publisher.count(now.text_base), earlier.base
    rows: list[dict[str, Cell]] = []
    for theme in t2.rows:
        count_before = earlier.cells[str(theme["theme_id"])].total
        previous = pct_cells(publisher, count_before, base_before)
        current = pct_cells(publisher, theme["respondents"], theme["base"])
        _, diff, low, high = difference(theme["respondents"], theme["base"], count_before, base_before)
        rows.append(
            {
                "indicator": f"Families mentioning {lower_first(str(theme['theme_label']))}",
                "question_same": "Y",
                "previous_period": period_words(before),
                "previous_base": base_before,
                "previous_percent": previous["percent"],
                "previous_low": previous["low"],
                "previous_high": previous["high"],
                "current_period": period_words(now),
                "current_base": base_now,
                "current_percent": current["percent"],
                "current_low": current["low"],
                "current_high": current["high"],
                "change": diff,
                "change_low": low,
                "change_high": high,
                "note": period_change(theme["respondents"], theme["base"], count_before, base_before),
            }
        )
    return Table(
        "T6",
        "Change since the previous period",
        "Each theme in this period against the period of the same length just before, same questions",
        (
            Column("indicator", "Indicator"),
            Column("question_same", "Same question (Y/N)"),
            Column("previous_period", "Previous period"),
            Column("previous_base", "Previous base", "count"),
            Column("previous_percent", "Previous %", "percent"),
            *interval_columns("previous_", "percent", "Previous 95% CI {}"),
            Column("current_period", "This period"),
            Column("current_base", "Base now", "count"),
            Column("current_percent", "% now", "percent"),
            *interval_columns("current_", "percent", "95% CI {} now"),
            Column("change", "Change (pp)", "number"),
            *interval_columns("change_", "number", "95% CI {} (pp)"),
            Column("note", "Note"),
        ),
        tuple(rows),
        (
            "Each percentage has Wilson's 95% interval and the change Newcombe's hybrid 95% interval for "
            "the difference of two percentages, all from published counts.",
        ),
    )


def lower_first(label: str) -> str:
    """'Quality of EHC plans' -> 'quality of EHC plans' (acronyms kept)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def fmt(value: Cell) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def period_words(gathered: Gathered) -> str:
    start, end = gathered.period_from, gathered.period_to
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
