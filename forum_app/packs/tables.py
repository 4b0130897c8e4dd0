"""The pack's tables, from exact figures to published ones (see ``build.py`` for the whole pack).

Every count passes ``disclosure`` (through ``Publisher``) before anything is computed from it;
percentages and intervals come from the published counts. T1 framework areas, T2 themes, T4 closed
questions, T5 pre-set groups, T6 change since the previous period; T3 is in ``waits.py`` and T7 in
``population.py``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from forum_app.packs import disclosure, stats
from forum_app.packs.data import Gathered
from forum_app.packs.model import (
    LOW_BASE,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    SUPPRESSED,
    Cell,
    Column,
    Quote,
    Table,
)

MIN_BASE_FOR_PERCENT = 20
LOW_BASE_BELOW = 50
MIN_VALUES_FOR_MEDIAN = stats.MIN_VALUES_FOR_MEDIAN  # 20 (DESIGN.md)
DONT_KNOW = frozenset({"dont_know", "not_sure"})


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


def percent_columns(label: str = "%") -> tuple[Column, ...]:
    """The columns of ``pct_cells``: the percentage, its 95% interval and the [u] flag."""
    return (
        Column("percent", label, "percent"),
        Column("low", "95% CI lower", "percent"),
        Column("high", "95% CI upper", "percent"),
        Column("flag", "Reliability"),
    )


def pct_cells(publisher: Publisher, count: Cell, base: Cell) -> dict[str, Cell]:
    pct, low, high, low_base = publisher.percent(count, base)
    return {"percent": pct, "low": low, "high": high, "flag": LOW_BASE if low_base else ""}


def theme_sentiment(sentiments: set[str]) -> str:
    """A respondent's view of a theme over their answers: negative if any answer is negative,
    positive if any is positive and none negative, otherwise neutral (mixed counts as neutral)."""
    if "negative" in sentiments:
        return "negative"
    if "positive" in sentiments:
        return "positive"
    return "neutral"


def theme_table(
    publisher: Publisher,
    now: Gathered,
    before: Gathered,
    themes: list[tuple[str, str, list[str]]],
    area_labels: dict[str, str],
    kappas: dict[str, float | None],
    quote_counts: Counter[str],
) -> Table:
    base = publisher.count(now.text_base)
    rows = []
    for theme_id, label, areas in themes:
        mentions = now.themes.get(theme_id, {})
        split = Counter(theme_sentiment(s) for s in mentions.values())
        (negative, neutral, positive), count = publisher.row(
            [split["negative"], split["neutral"], split["positive"]]
        )
        change = _period_change(publisher, count, base, len(before.themes.get(theme_id, {})), before)
        kappa = kappas.get(theme_id)
        rows.append(
            {
                "theme_id": theme_id,
                "theme_label": label,
                "framework_area": "; ".join(area_labels.get(area, area) for area in areas),
                "respondents": count,
                "base": base,
                **pct_cells(publisher, count, base),
                "negative": negative,
                "neutral": neutral,
                "positive": positive,
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


def _area_families(gathered: Gathered, included: list[str]) -> dict[str, set[str]]:
    """Families mentioning any of the area's themes -> the sentiments of those mentions."""
    families: dict[str, set[str]] = {}
    for theme_id in included:
        for response_id, sentiments in gathered.themes.get(theme_id, {}).items():
            families.setdefault(response_id, set()).update(sentiments)
    return families


def area_table(
    publisher: Publisher,
    now: Gathered,
    before: Gathered,
    themes: list[tuple[str, str, list[str]]],
    areas: list[tuple[str, str]],
    quotes: Sequence[Quote] = (),
) -> Table:
    base = publisher.count(now.text_base)
    base_before = publisher.count(before.text_base)
    rows = []
    for area_id, area_label in areas:
        included = [theme_id for theme_id, _, theme_areas in themes if area_id in theme_areas]
        families = _area_families(now, included)
        views = Counter(theme_sentiment(s) for s in families.values())
        (negative, _, positive), count = publisher.row(
            [views["negative"], views["neutral"], views["positive"]]
        )
        earlier = publisher.count(len(_area_families(before, included)))
        _, change, change_low, change_high = _difference(publisher, count, base, earlier, base_before)
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
            Column("change_low", "95% CI lower (pp)", "number"),
            Column("change_high", "95% CI upper (pp)", "number"),
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


def closed_table(publisher: Publisher, now: Gathered, questions: dict[str, dict[str, Any]]) -> Table:
    rows = []
    for key, answers in now.closed.items():
        question = questions[key]
        options = [(o["value"], o.get("label", o["value"])) for o in question.get("options", [])]
        flat: Counter[Any] = Counter()
        answered = 0
        for value, n in answers.items():  # a rating is stored as a number, its option values are text
            chosen = tuple(str(v) for v in value) if isinstance(value, tuple) else (str(value),)
            for option in chosen:
                flat[option] += n
            answered += 0 if set(chosen) <= DONT_KNOW else n
        counted = [(value, label) for value, label in options if value not in DONT_KNOW]
        dont_know = sum(flat[value] for value in DONT_KNOW)
        multiple = question.get("type") == "checkboxes"
        parts = [flat[value] for value, _ in counted]
        levels = scale_levels(len(counted)) if is_scale(question) else [NOT_APPLICABLE] * len(counted)
        if multiple:  # each option is its own yes or no over the same base: no total to subtract from
            published, base = [publisher.count(part) for part in parts], publisher.count(answered)
        else:
            published, base = publisher.row(parts)
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
                    "dont_know": publisher.count(dont_know),
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
            "Where one option's count is suppressed, another is suppressed too, so it cannot be worked out.",
            "For ratings, the place on the scale runs from the most negative answer (below 0) through the "
            "middle (0) to the most positive (above 0); [z] marks questions that are not a scale.",
        ),
    )


def is_scale(question: dict[str, Any]) -> bool:
    """A rating, or a single-answer question its definition marks as an ordered scale
    (``"scale": true``); either way its options run from the most negative to the most positive."""
    return question.get("type") == "rating" or (
        question.get("type") == "radio" and question.get("scale") is True
    )


def scale_levels(options: int) -> list[Cell]:
    """Each option's place on a scale of ``options`` answers: 5 gives -2, -1, 0, 1, 2; 4 gives
    -2, -1, 1, 2 (no middle answer)."""
    half = options // 2
    below = list(range(-half, 0))
    return [*below, *([0] if options % 2 else []), *(-level for level in reversed(below))]


# Pre-set groups for T5 (no free breakdowns): question key -> (name, {answer value: group label}).
GROUPINGS: dict[str, tuple[str, dict[str, str]]] = {
    "age_band": (
        "Age",
        {"0-4": "0 to 4", "5-10": "5 to 10", "11-15": "11 to 15", "16-18": "16 to 18", "19-25": "19 to 25"},
    ),
    "setting": (
        "School or setting",
        {
            "early_years": "Early years",
            "mainstream_primary": "Mainstream primary",
            "mainstream_secondary": "Mainstream secondary",
            "resourced": "Special school or resourced provision",
            "special": "Special school or resourced provision",
            "post16": "Post-16",
        },
    ),
    "ehcp": ("EHC plan", {"yes": "Has an EHC plan", "sen_support": "SEN support"}),
}
OTHER_GROUP = "Other or not known"
MIN_GROUP_BASE = 20
GROUP_INDICATORS = 3


def groups_table(publisher: Publisher, now: Gathered, t2: Table) -> Table:
    """The top themes by group, each against the rest of the families: small groups are merged into
    "Other or not known" before any cell could be suppressed, and a group still too small is left out."""
    top = [row for row in t2.rows if isinstance(row["percent"], float)][:GROUP_INDICATORS]
    rows: list[dict[str, Cell]] = []
    for key, (name, labels) in GROUPINGS.items():
        members: dict[str, set[str]] = {}
        for response_id, answers in now.groups.items():
            members.setdefault(labels.get(str(answers.get(key)), OTHER_GROUP), set()).add(response_id)
        small = [
            label for label, ids in members.items() if len(ids) < MIN_GROUP_BASE and label != OTHER_GROUP
        ]
        for label in small:
            members.setdefault(OTHER_GROUP, set()).update(members.pop(label))
        for theme in top:
            mentioning = set(now.themes.get(str(theme["theme_id"]), {}))
            for label in sorted(members, key=lambda g: (g == OTHER_GROUP, g)):
                ids = members[label]
                if len(ids) < MIN_GROUP_BASE:
                    continue
                in_group = len(ids & mentioning)
                count, base = publisher.count(in_group), publisher.count(len(ids))
                # Everyone mentioning a theme has coded free text, so is in ``now.groups``.
                rest_count = publisher.count(len(mentioning) - in_group)
                rest_base = publisher.count(len(now.groups) - len(ids))
                words, diff, low, high = _difference(publisher, count, base, rest_count, rest_base)
                rows.append(
                    {
                        "indicator": f"Families mentioning {lower_first(str(theme['theme_label']))}",
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
            Column("difference_low", "95% CI lower (pp)", "number"),
            Column("difference_high", "95% CI upper (pp)", "number"),
            Column("note", "Note"),
        ),
        tuple(rows),
        (
            f"Groups of fewer than {MIN_GROUP_BASE} families are merged into '{OTHER_GROUP}'; a group still "
            "smaller is left out. A difference is called clear only when its 95% interval (Newcombe) "
            "excludes 0. With many comparisons, some will look clear by chance: treat one on its own "
            "with caution.",
        ),
    )


def _difference(publisher: Publisher, c1: Cell, n1: Cell, c0: Cell, n0: Cell) -> tuple[str, Cell, Cell, Cell]:
    """Group against rest in percentage points, from published counts."""
    if not (isinstance(c1, int) and isinstance(n1, int) and isinstance(c0, int) and isinstance(n0, int)):
        return "too few families to compare", SUPPRESSED, SUPPRESSED, SUPPRESSED
    if min(n1, n0) < MIN_BASE_FOR_PERCENT:
        return "too few families to compare", NOT_AVAILABLE, NOT_AVAILABLE, NOT_AVAILABLE
    diff, low, high = stats.newcombe_difference(c1, n1, c0, n0)
    if low > 0:
        return f"clearly higher: {diff:.0f} pp ({low:.0f} to {high:.0f})", diff, low, high
    if high < 0:
        return f"clearly lower: {-diff:.0f} pp ({-high:.0f} to {-low:.0f})", diff, low, high
    return "no clear difference", diff, low, high


def _period_change(publisher: Publisher, count: Cell, base: Cell, exact_before: int, before: Gathered) -> str:
    """In words, for T2: "up 9 pp (2 to 16)", "no clear change", or why it cannot be said."""
    if before.text_base == 0:
        return "no earlier period"
    words = _difference(
        publisher, count, base, publisher.count(exact_before), publisher.count(before.text_base)
    )[0]
    return (
        words.replace("clearly higher:", "up")
        .replace("clearly lower:", "down")
        .replace("difference", "change")
    )


def trend_table(publisher: Publisher, now: Gathered, before: Gathered, t2: Table) -> Table:
    """Each theme now against the period of the same length just before (same questions)."""
    base_now, base_before = publisher.count(now.text_base), publisher.count(before.text_base)
    rows: list[dict[str, Cell]] = []
    for theme in t2.rows:
        exact_before = len(before.themes.get(str(theme["theme_id"]), {}))
        count_before = publisher.count(exact_before)
        previous = pct_cells(publisher, count_before, base_before)
        current = pct_cells(publisher, theme["respondents"], theme["base"])
        _, diff, low, high = _difference(
            publisher, theme["respondents"], theme["base"], count_before, base_before
        )
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
                "note": _period_change(publisher, theme["respondents"], theme["base"], exact_before, before),
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
            Column("previous_low", "Previous 95% CI lower", "percent"),
            Column("previous_high", "Previous 95% CI upper", "percent"),
            Column("current_period", "This period"),
            Column("current_base", "Base now", "count"),
            Column("current_percent", "% now", "percent"),
            Column("current_low", "95% CI lower now", "percent"),
            Column("current_high", "95% CI upper now", "percent"),
            Column("change", "Change (pp)", "number"),
            Column("change_low", "95% CI lower (pp)", "number"),
            Column("change_high", "95% CI upper (pp)", "number"),
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
