"""A pack as one standalone HTML document: the primary format, and the source of the PDF.

Everything is inline (CSS, the charts' SVG); there is no script and no URL to fetch, so the file
can be emailed, opened offline or printed. The template (``templates/packs/pack.html``) only prints:
this module turns the pack's cells into display text (thousands separators, one decimal place and
"%" for percentages, "53.1 to 66.5" for intervals), draws the charts and pairs each with its table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from forum_app.config import PROJECT_ROOT
from forum_app.packs.charts import chart_svg
from forum_app.packs.contents import (
    CI_WORDING,
    NOT_AVAILABLE,
    Cell,
    Chart,
    Column,
    Finding,
    Pack,
    Quote,
    Table,
)
from forum_app.packs.disclosure import round_half_up
from forum_app.packs.waits import NOT_COMPARED
from forum_app.pictograms import inline_svg
from forum_app.templating import format_date

TEMPLATE = "packs/pack.html"
# Tables printed after the quotes and "What is working" (PACK.md's section order): the respondents' profile.
LATE_TABLES = frozenset({"T7"})
NUMERIC_KINDS = frozenset({"count", "percent", "number"})
# A table with this many columns or more is printed on landscape pages (A4 portrait has room for about 7).
WIDE_TABLE_COLUMNS = 8
# The most columns a landscape A4 page holds at the print size: a wider table is printed in parts,
# each repeating the first column (the row's name) and the table's ID.
MAX_PRINTED_COLUMNS = 16
# A part never starts with a column that belongs to the one before it (an interval's end, a flag).
_CONTINUING = re.compile(r"^(?:95% CI|Reliability)")
# Stable IDs a pack's text may cite: tables, charts and quotes.
CITED_ID = re.compile(r"\b(?:[TC]\d+|Q-\d+)\b")
_BREAK_AFTER = re.compile(r"(?<=[_/])(?=.)")
LONG_WORD = 30  # characters: a longer word (none in a pack's tables now) may break every
LONG_WORD_PIECE = 15  # characters
_SPACES = re.compile(r"(\s+)")
_WEEKS = re.compile(r"\d+ weeks\b")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def pack_title(pack: Pack) -> str:
    """The document's title (HTML ``<title>`` and ``<h1>``, PDF title metadata)."""
    return f"{pack.meta.survey}: evidence pack from {pack.meta.forum}"


def format_count(value: Cell) -> str:
    """A published count with thousands separators; a symbol as it is; nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError(f"not a count: {value!r}")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,}"
    return value


def format_percent(value: Cell) -> str:
    """A percentage to one decimal place with "%" ("60.0%"); a symbol as it is."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.1f}%"
    return format_count(value)


def format_number(value: Cell) -> str:
    """A number already rounded for display (a median, a kappa), with thousands separators."""
    if isinstance(value, float):
        return f"{value:,}"
    return format_count(value)


def format_interval(low: Cell, high: Cell) -> str:
    """A 95% interval as "53.1 to 66.5"; empty unless both ends are numbers."""
    if isinstance(low, int | float) and isinstance(high, int | float):
        return f"{low:,.1f} to {high:,.1f}"
    return ""


def format_iso_date(value: str) -> str:
    """``2026-04-01`` as ``1 April 2026``; anything that is not an ISO date as it is."""
    try:
        return format_date(date.fromisoformat(value))
    except ValueError:
        return value


def format_cell(value: Cell, kind: str) -> str:
    if kind == "percent":
        return format_percent(value)
    if kind == "number":
        return format_number(value)
    if kind == "count":
        return format_count(value)
    return "" if value is None else str(value)


def finding_figure(finding: Finding) -> str:
    """ "120 of 200 families: 60% (95% CI 53 to 67)", with [u] after the percentage on a base of 20 to
    49: page 1 prints whole numbers (counts are rounded to 5, so a decimal would be false precision)."""
    figure = f"{format_count(finding.count)} of {format_count(finding.base)} families"
    if isinstance(finding.percent, int | float) and not isinstance(finding.percent, bool):
        figure += f": {_whole(finding.percent)}%" + (f" {finding.flag}" if finding.flag else "")
        if isinstance(finding.low, int | float) and isinstance(finding.high, int | float):
            figure += f" (95% CI {_whole(finding.low)} to {_whole(finding.high)})"
    elif finding.percent is not None:
        figure += f": {format_count(finding.percent)}"
    return figure


def _whole(value: float) -> str:
    """A percentage as a whole number, halves up (62.5 -> "63", where Python's format gives "62")."""
    return f"{round_half_up(value, 0):,.0f}"


@dataclass(frozen=True)
class CellView:
    text: str
    numeric: bool


@dataclass(frozen=True)
class ChartView:
    chart: Chart
    svg: Markup
    note: str  # "Bars show 95% CIs.", and what the comparator's marker means where there is one
    table_caption: str  # "Table T2: Themes in families' own words", or "" when the pack lacks it


@dataclass(frozen=True)
class TableView:
    table: Table
    headers: tuple[CellView, ...]
    rows: tuple[tuple[CellView, ...], ...]
    charts: tuple[ChartView, ...]
    wide: bool  # printed on landscape pages, with its charts


def table_caption(table: Table) -> str:
    return f"Table {table.id}: {table.title}"


def table_view(table: Table, charts: tuple[ChartView, ...]) -> TableView:
    def numeric(column: Column) -> bool:
        return column.kind in NUMERIC_KINDS

    return TableView(
        table,
        tuple(CellView(column.label, numeric(column)) for column in table.columns),
        tuple(
            tuple(
                CellView(format_cell(row.get(column.key), column.kind), numeric(column))
                for column in table.columns
            )
            for row in table.rows
        ),
        charts,
        len(table.columns) >= WIDE_TABLE_COLUMNS,
    )


def printed_parts(view: TableView) -> tuple[TableView, ...]:
    """The table as printed: itself, or, when it has more than ``MAX_PRINTED_COLUMNS`` columns,
    parts of about equal width, each with the first column and then the next run of the others."""
    count = len(view.headers)
    if count <= MAX_PRINTED_COLUMNS:
        return (view,)
    others = count - 1
    parts = -(-others // (MAX_PRINTED_COLUMNS - 1))
    starts = [1]
    for number in range(1, parts):
        start = max(1 + round(number * others / parts), starts[-1] + 1)
        while start < count and _CONTINUING.match(view.headers[start].text):
            start += 1
        starts.append(start)
    ends = [*starts[1:], count]
    return tuple(
        _columns(view, [0, *range(start, end)])
        for start, end in zip(starts, ends, strict=True)
        if start < end
    )


def _columns(view: TableView, keep: list[int]) -> TableView:
    return TableView(
        view.table,
        tuple(view.headers[index] for index in keep),
        tuple(tuple(row[index] for index in keep) for row in view.rows),
        (),
        view.wide,
    )


def derived_view(table: Table, columns: tuple[Column, ...], rows: list[dict[str, Cell]]) -> TableView:
    """A smaller table drawn from one of the pack's tables (same cells, fewer columns or rows)."""
    return table_view(Table(table.id, table.title, table.subtitle, columns, tuple(rows)), ())


def summary_waits(t3: Table) -> TableView:
    """Page 1's waits: one row per service that families reported on, the figures an inspector quotes,
    completed waits and waits still going on apart (never added together; T3 has the counts over 52
    weeks of each), with the official figure beside the families'."""
    rows = [
        {
            **row,
            "limit": _short_limit(str(row["limit"])),
            "median_ci": _median_with_interval(row),
            "over_ci": _whole_percent(row["over_percent"], row["over_low"], row["over_high"])
            + _flagged(row.get("over_flag")),
            # .get: a stored pack from before these columns still renders
            "waiting_over": _whole_percent(row.get("waiting_over_percent", NOT_AVAILABLE))
            + _flagged(row.get("waiting_over_flag")),
            "official_percent": row.get("official_percent", NOT_AVAILABLE),
        }
        for row in t3.rows
        if row["reporting"] != 0
    ]
    columns = (
        Column("service", "Service"),
        Column("limit", "Limit"),
        Column("completed", "Completed waits", "count"),
        Column("median_ci", "Median weeks (95% CI)", "number"),
        Column("over_ci", "% over the limit (95% CI)", "number"),
        Column("official_percent", "Official % over", "percent"),
        Column("still_waiting", "Still waiting", "count"),
        Column("waiting_over", "% of them over the limit", "number"),
    )
    return derived_view(t3, columns, rows)


def _flagged(flag: Cell) -> str:
    return f" {flag}" if flag else ""


def working_rows(t2: Table, quotes: tuple[Quote, ...]) -> TableView:
    """Section 9: every theme some families wrote positively about, most first, with its quotes."""
    positive_quotes: dict[str, list[str]] = {}
    for quote in quotes:
        if quote.sentiment == "positive":
            positive_quotes.setdefault(quote.theme_id, []).append(quote.id)
    rows = sorted(
        (row for row in t2.rows if row["positive"] not in (0, None)),
        key=lambda row: -row["positive"] if isinstance(row["positive"], int) else 0,
    )
    columns = (
        Column("theme_label", "Theme"),
        Column("positive", "Families who wrote positively", "count"),
        Column("respondents", "Families mentioning the theme", "count"),
        Column("quotes", "Quotes"),
    )
    return derived_view(
        t2,
        columns,
        [{**row, "quotes": ", ".join(positive_quotes.get(str(row["theme_id"]), []))} for row in rows],
    )


def _short_limit(limit: str) -> str:
    """ "20 weeks from request to final plan (SEND Regulations 2014)" -> "20 weeks"; T3 has the rest."""
    weeks = _WEEKS.match(limit)
    if weeks:
        return weeks.group().replace(" ", "\u00a0")  # "20 weeks" on one line
    return "Not compared" if limit.startswith(NOT_COMPARED) else "None"


def _median_with_interval(row: dict[str, Cell]) -> str:
    median = format_number(row["median"])
    low, high = row["median_low"], row["median_high"]
    whole = isinstance(low, int) and isinstance(high, int)  # whole weeks, printed without a decimal
    interval = f"{low:,} to {high:,}" if whole else format_interval(low, high)
    return f"{median} ({interval})" if interval else median


def _whole_percent(percent: Cell, low: Cell = None, high: Cell = None) -> str:
    """Page 1's percentages as whole numbers ("88% (80 to 92)"): counts are rounded to 5, so a decimal
    place would claim a precision the figures do not have."""
    whole = [round_half_up(v, 0) if isinstance(v, float) else v for v in (percent, low, high)]
    shown = f"{whole[0]:.0f}%" if isinstance(whole[0], float) else format_count(whole[0])
    if isinstance(whole[1], float) and isinstance(whole[2], float):
        shown += f" ({whole[1]:.0f} to {whole[2]:.0f})"
    return shown


def _percent_with_interval(percent: Cell, low: Cell, high: Cell) -> str:
    interval = format_interval(low, high)
    return f"{format_percent(percent)} ({interval})" if interval else format_percent(percent)


def chart_views(pack: Pack) -> tuple[ChartView, ...]:
    captions = {table.id: table_caption(table) for table in pack.tables}
    return tuple(
        # The SVG is ours: matplotlib escapes the pack's text in it, and chart_svg the alt text.
        ChartView(chart, Markup(chart_svg(chart)), chart_note(chart), captions.get(chart.table_id, ""))  # noqa: S704
        for chart in pack.charts
    )


def chart_note(chart: Chart) -> str:
    if chart.kind == "diverging":
        return (
            "Each bar shows the share giving each answer, the middle answer centred on 0: less favourable "
            "answers to the left, more favourable to the right. Narrow parts are not labelled: see the table."
        )
    if chart.kind == "paired":
        return "Lines show 95% CIs. Open circle: the previous period; filled circle: this period."
    note = "Lines show 95% CIs." if chart.kind == "dots" else "Bars show 95% CIs."
    if any(bar.marker is not None for bar in chart.bars):
        note += " The open diamond marks the official figure."
    return note


def link_ids(text: str, known: frozenset[str]) -> Markup:
    """The text, escaped, with each cited table, chart or quote ID that the pack has as a link."""
    linked = Markup("")
    position = 0
    for match in CITED_ID.finditer(text):
        if match.group() in known:
            link = Markup('<a href="#{0}">{0}</a>').format(match.group())
            linked += escape(text[position : match.start()]) + link
            position = match.end()
    return linked + escape(text[position:])


def breakable(text: str) -> Markup:
    """The text, escaped, with a line-break opportunity (``<wbr>``) after each "_" and "/", so that an
    identifier such as ``communication_coproduction`` can wrap in a narrow column, and every
    ``LONG_WORD_PIECE`` characters of a word longer than ``LONG_WORD``, so that no word can push a
    table beyond the page (shorter words never break)."""
    pieces = [piece for part in _BREAK_AFTER.split(text) for piece in _long_words_cut(part)]
    return Markup("<wbr>").join(escape(piece) for piece in pieces)


def _long_words_cut(text: str) -> list[str]:
    """The text in pieces, cut only inside words longer than ``LONG_WORD``."""
    pieces = [""]
    for token in _SPACES.split(text):
        if len(token) > LONG_WORD:
            cuts = [token[start : start + LONG_WORD_PIECE] for start in range(0, len(token), LONG_WORD_PIECE)]
            pieces[-1] += cuts[0]
            pieces.extend(cuts[1:])
        else:
            pieces[-1] += token
    return pieces


def paragraphs(text: str) -> list[str]:
    """Text as its paragraphs (split at blank lines), each as written: the partnership's response is
    printed unedited, line breaks and all (the template keeps them with ``white-space: pre-line``)."""
    return [part.strip() for part in _BLANK_LINE.split(text.replace("\r\n", "\n")) if part.strip()]


@cache
def environment() -> Environment:
    """The packs' own Jinja environment, so packs render without an app (CLI, builder, tests)."""
    env = Environment(
        loader=FileSystemLoader(PROJECT_ROOT / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        count=format_count,
        percent=format_percent,
        interval=format_interval,
        iso_date=format_iso_date,
        breakable=breakable,
        finding_figure=finding_figure,
        paragraphs=paragraphs,
        pictogram=inline_svg,
    )
    return env


def render_html(pack: Pack, for_pdf: bool = False) -> str:
    """The pack as a standalone HTML document. ``for_pdf`` leaves out what only a screen needs (the
    scrolling table regions that a keyboard can focus, and the contents list, as the PDF has bookmarks)."""
    charts = chart_views(pack)
    table_ids = {table.id for table in pack.tables}
    tables = tuple(
        table_view(table, tuple(view for view in charts if view.chart.table_id == table.id))
        for table in pack.tables
    )
    by_id = {view.table.id: view for view in tables}
    known = frozenset(table_ids | {chart.id for chart in pack.charts} | {quote.id for quote in pack.quotes})
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            pack=pack,
            meta=pack.meta,
            summary=pack.summary,
            title=pack_title(pack),
            tables=tuple(view for view in tables if view.table.id not in LATE_TABLES),
            profile=by_id.get("T7"),
            summary_waits=summary_waits(pack.table("T3")) if "T3" in table_ids else None,
            working=working_rows(pack.table("T2"), pack.quotes) if "T2" in table_ids else None,
            loose_charts=tuple(view for view in charts if view.chart.table_id not in table_ids),
            known_ids=known,
            link_ids=lambda text: link_ids(text, known),
            ci_wording=CI_WORDING,
            for_pdf=for_pdf,
            printed_parts=printed_parts,
        )
    )
