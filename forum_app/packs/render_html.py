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
from forum_app.packs.model import CI_WORDING, Cell, Chart, Column, Finding, Pack, Table
from forum_app.templating import format_date

TEMPLATE = "packs/pack.html"
NUMERIC_KINDS = frozenset({"count", "percent", "number"})
# Stable IDs a pack's text may cite: tables, charts and quotes.
CITED_ID = re.compile(r"\b(?:[TC]\d+|Q-\d+)\b")
_BREAK_AFTER = re.compile(r"(?<=[_/])(?=.)")


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
    """ "120 of 200 families: 60.0% (95% CI 53.1 to 66.5)"."""
    figure = f"{format_count(finding.count)} of {format_count(finding.base)} families"
    percent = format_percent(finding.percent)
    if percent:
        interval = format_interval(finding.low, finding.high)
        figure += f": {percent}" + (f" (95% CI {interval})" if interval else "")
    return figure


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
    )


def chart_views(pack: Pack) -> tuple[ChartView, ...]:
    captions = {table.id: table_caption(table) for table in pack.tables}
    return tuple(
        # The SVG is ours: matplotlib escapes the pack's text in it, and chart_svg the alt text.
        ChartView(chart, Markup(chart_svg(chart)), chart_note(chart), captions.get(chart.table_id, ""))  # noqa: S704
        for chart in pack.charts
    )


def chart_note(chart: Chart) -> str:
    note = "Bars show 95% CIs."
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
    identifier such as ``communication_coproduction`` can wrap in a narrow column."""
    return Markup("<wbr>").join(escape(part) for part in _BREAK_AFTER.split(text))


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
    known = frozenset(table_ids | {chart.id for chart in pack.charts} | {quote.id for quote in pack.quotes})
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            pack=pack,
            meta=pack.meta,
            summary=pack.summary,
            title=pack_title(pack),
            tables=tables,
            loose_charts=tuple(view for view in charts if view.chart.table_id not in table_ids),
            waits_table=next(
                (table for table in pack.tables if table.id == pack.summary.waits_table_id), None
            ),
            known_ids=known,
            link_ids=lambda text: link_ids(text, known),
            ci_wording=CI_WORDING,
            for_pdf=for_pdf,
        )
    )
