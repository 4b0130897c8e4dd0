"""The pack's charts, as specifications drawn from its published tables (``charts.py`` draws them).

Nothing is counted here: every bar is a row of a table that has already passed disclosure control,
and each chart names the table printed beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from forum_app.packs.contents import (
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    SUPPRESSED,
    Bar,
    Cell,
    Chart,
    Segment,
    Table,
)
from forum_app.packs.tables import lower_first
from forum_app.packs.waits import NOT_COMPARED

TREND_INDICATORS = 5  # C4 shows the most reported themes with a figure in both periods
_PERIOD = re.compile(r"\d{1,2} \w+ \d{4} to \d{1,2} \w+ \d{4}")


def _bars(
    rows: Iterable[dict[str, Cell]], label_key: str, percent_key: str, count_key: str
) -> tuple[Bar, ...]:
    bars = []
    for row in rows:
        pct = row.get(percent_key)
        low, high = row.get("low"), row.get("high")
        bars.append(
            Bar(
                str(row[label_key]),
                pct if isinstance(pct, float) else None,
                low if isinstance(low, float) else None,
                high if isinstance(high, float) else None,
                row.get(count_key),
            )
        )
    return tuple(bars)


def theme_chart(t2: Table, source: str) -> Chart:
    shown = [row for row in t2.rows if isinstance(row["percent"], float)]
    top = shown[0] if shown else None
    return Chart(
        "C1",
        _message(
            f"{top['theme_label']} is the theme families raise most" if top else "",
            f"Most raised: {lower_first(str(top['theme_label']))}" if top else "",
            "The themes families raise, most first",
        ),
        t2.subtitle.split(",")[0] + ".",
        "Horizontal bars of the percentage of families mentioning each theme, largest first"
        + (f": {top['theme_label']} {top['percent']}%." if top else "."),
        "T2",
        "bars",
        _bars(t2.rows, "theme_label", "percent", "respondents"),
        source,
    )


def waits_chart(t3: Table, source: str) -> Chart:
    """C2: completed waits over each service's limit, from T3 (rows of an earlier question, which asked
    for another interval, are left out: they have no limit to be over)."""
    bars = []
    for row in t3.rows:
        pct = row["over_percent"]
        if str(row["limit"]).startswith(NOT_COMPARED):
            continue
        bars.append(
            Bar(
                str(row["service"]),
                pct if isinstance(pct, float) else None,
                _number(row.get("over_low")) if isinstance(pct, float) else None,
                _number(row.get("over_high")) if isinstance(pct, float) else None,
                "no national limit" if pct == NOT_APPLICABLE else row["completed"],
                marker=_number(row.get("official_percent")),  # the official figure beside it in T3
                flag=str(row.get("over_flag") or "") if isinstance(pct, float) else "",
            )
        )
    return Chart(
        "C2",
        "Completed waits over the reference limit, by service",
        "% of completed waits longer than the service's limit; n is the completed waits, [u] 20 to 49",
        "Dots show, for each service with a limit, the percentage of completed waits longer than it, "
        "with its 95% interval. Waits still going on are in table T3.",
        "T3",
        "dots",
        tuple(bars),
        source,
    )


def _period(table: Table) -> str:
    found = _PERIOD.search(table.subtitle)
    return found.group() if found else ""


def _scale_bar(rows: list[dict[str, Cell]]) -> Bar:
    """One question of a scale as a diverging bar, or, when any of its answers has no published
    percentage (suppressed, or a base too small), only the symbol as its label."""
    first = rows[0]
    segments = tuple(
        Segment(str(row["option"]), pct, level)
        for row in rows
        if isinstance(pct := row["percent"], float) and isinstance(level := row["scale"], int)
    )
    if len(segments) == len(rows):
        return Bar(str(first["wording"]), None, count=first["answered"], segments=segments)
    hidden = [row["count"] for row in rows] + [row["percent"] for row in rows]
    symbol = (
        SUPPRESSED
        if SUPPRESSED in hidden
        else next((str(p) for p in hidden if isinstance(p, str)), NOT_AVAILABLE)
    )
    return Bar(str(first["wording"]), None, count=symbol)


def scale_chart(t4: Table, source: str) -> Chart | None:
    """C3: answers to each rating (or other scale) question, negative left of 0, positive right,
    the middle answer centred on 0; ``None`` when no scale question has published percentages."""
    questions: dict[str, list[dict[str, Cell]]] = {}
    for row in t4.rows:
        if isinstance(row.get("scale"), int):
            questions.setdefault(str(row["question_id"]), []).append(row)
    bars = tuple(_scale_bar(rows) for rows in questions.values())
    drawn = [bar for bar in bars if bar.segments]
    if not drawn:
        return None
    hidden = len(drawn) < len(bars)

    def leaning(sign: int) -> int:
        return sum(
            sum(s.percent for s in bar.segments if s.level * sign > 0)
            > sum(s.percent for s in bar.segments if s.level * sign < 0)
            for bar in drawn
        )

    negative, positive = leaning(-1), leaning(1)
    more, fewer = ("Negative", "positive") if negative >= positive else ("Positive", "negative")
    message = f"{more.lower()} answers outnumber {fewer} on {max(negative, positive)} of {len(drawn)}"
    if not negative and not positive:
        message = f"negative and positive answers balance on all {len(drawn)}"
    return Chart(
        "C3",
        f"{message[:1].upper()}{message[1:]} questions",
        f"% of families giving each answer, of those answering the question (n), {_period(t4)}. "
        "Negative answers left of 0, positive right, the middle answer centred on 0.",
        f"Diverging bars, one per rating question, the middle answer centred on 0: {message} questions."
        + (
            " A question with a suppressed answer or too few families shows a symbol, not a bar."
            if hidden
            else ""
        ),
        "T4",
        "diverging",
        bars,
        source,
    )


def _theme(indicator: Cell) -> str:
    label = str(indicator).removeprefix("Families mentioning ")
    return label[:1].upper() + label[1:]


def trend_chart(t6: Table, source: str) -> Chart | None:
    """C4: the most reported themes in both periods, each a pair of dots with 95% intervals and no
    line between them; ``None`` when there is no earlier period (or no theme published in both)."""
    rows = [
        row
        for row in t6.rows
        if isinstance(row["previous_percent"], float) and isinstance(row["current_percent"], float)
    ][:TREND_INDICATORS]
    if not rows:
        return None
    bars = tuple(_trend_bar(row) for row in rows)
    clear = sum(
        isinstance(row["change_low"], float)
        and isinstance(row["change_high"], float)
        and (row["change_low"] > 0 or row["change_high"] < 0)
        for row in rows
    )
    first = rows[0]
    title = (
        f"{clear} of {len(rows)} top themes changed clearly since last period"
        if clear
        else "No clear change in top themes since last period"
    )
    return Chart(
        "C4",
        title,
        f"% of families mentioning each theme, with 95% CIs: {first['previous_period']} "
        f"(base {first['previous_base']}, open circles) and {first['current_period']} "
        f"(base {first['current_base']}, filled circles)",
        f"Paired dots for the {len(rows)} most reported themes with a figure in both periods: an open circle "
        "for the previous period and a filled circle for this one, each with its 95% interval. "
        f"{clear} of them changed clearly; the other themes are in table T6.",
        "T6",
        "paired",
        bars,
        source,
    )


def _trend_bar(row: dict[str, Cell]) -> Bar:
    def number(key: str) -> float | None:
        value = row[key]
        return value if isinstance(value, float) else None

    return Bar(
        _theme(row["indicator"]),
        number("current_percent"),
        number("current_low"),
        number("current_high"),
        row["current_base"],
        previous=number("previous_percent"),
        previous_low=number("previous_low"),
        previous_high=number("previous_high"),
    )


MAX_TITLE_WORDS = 10


def _message(*candidates: str) -> str:
    """A chart's title: the first candidate of at most 10 words (PACK.md: the message, in 10 words)."""
    return next(c for c in candidates if c and len(c.split()) <= MAX_TITLE_WORDS)


def _number(value: Cell) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def pack_charts(tables: tuple[Table, ...], source: str) -> tuple[Chart, ...]:
    """Every chart of the pack that has data, each beside the table it is drawn from."""
    by_id = {table.id: table for table in tables}
    charts: list[Chart | None] = [theme_chart(by_id["T2"], source), waits_chart(by_id["T3"], source)]
    if "T4" in by_id:
        charts.append(scale_chart(by_id["T4"], source))
    if "T6" in by_id:
        charts.append(trend_chart(by_id["T6"], source))
    return tuple(chart for chart in charts if chart is not None)
