"""The pack's charts, as specifications drawn from its published tables (``charts.py`` draws them).

Nothing is counted here: every bar is a row of a table that has already passed disclosure control,
and each chart names the table printed beside it.
"""

from __future__ import annotations

from collections.abc import Iterable

from forum_app.packs.model import Bar, Cell, Chart, Table


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
    title = f"{top['theme_label']} is the theme families raise most" if top else "Themes families raise"
    return Chart(
        "C1",
        " ".join(title.split()[:10]),
        t2.subtitle.split(",")[0] + ". Bars show 95% CIs.",
        "Horizontal bars of the percentage of families mentioning each theme, largest first"
        + (f": {top['theme_label']} {top['percent']}%." if top else "."),
        "T2",
        "bars",
        _bars(t2.rows, "theme_label", "percent", "respondents"),
        source,
    )


def waits_chart(t3: Table, source: str) -> Chart:
    bars = []
    for row in t3.rows:
        pct = row["over_percent"]
        bars.append(
            Bar(str(row["service"]), pct if isinstance(pct, float) else None, None, None, row["completed"])
        )
    return Chart(
        "C2",
        "Completed waits over the reference limit, by service",
        "% of completed waits longer than the service's limit",
        "Dots show, for each service with a limit, the percentage of completed waits longer than it.",
        "T3",
        "dots",
        tuple(bars),
        source,
    )


def pack_charts(tables: tuple[Table, ...], source: str) -> tuple[Chart, ...]:
    """Every chart of the pack, each beside the table it is drawn from."""
    by_id = {table.id: table for table in tables}
    return (theme_chart(by_id["T2"], source), waits_chart(by_id["T3"], source))
