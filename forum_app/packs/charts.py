"""A pack's charts as SVG to inline in HTML (and so in the PDF), drawn with matplotlib.

Each chart is drawn from its already published bars: nothing is computed here. The SVG keeps its text
as text (``svg.fonttype = "none"``), names no font file and no URL (not even the SVG namespaces: the
HTML parser supplies them), and is byte-identical for the same chart (fixed ``svg.hashsalt``, no date,
ids that depend only on the chart). The title is not drawn: the HTML gives it as the figure's caption.
The SVG carries ``role="img"``, an ``aria-label`` and a ``<title>``, both the chart's alt text (the
``<title>`` is what WeasyPrint puts in the PDF's Figure ``/Alt``).

Greyscale by design: grey bars, black intervals, shapes for meaning (a filled circle for the families'
figure, an open diamond for the official comparator, each labelled), no colour legend. A diverging bar's
answers are shades of grey, darker further from the middle answer (white), the positive side hatched,
each wide enough part labelled with its percentage and a key in the bars' order; a pair of dots for two
periods is an open circle (previous) and a filled one (current), each labelled, with no line between them.
"""

from __future__ import annotations

import io
import re
import textwrap
from html import escape
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MultipleLocator

from forum_app.packs.model import SUPPRESSED, Bar, Chart, Segment

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

TEXT = "#0b0c0c"
BAR_FILL = "#6f777b"  # 4.6:1 against white and against the black interval drawn over it
GRID = "#b1b4b6"
FONT_SIZE = 11
WIDTH_INCHES = 4.4
ROW_INCHES = 0.5
LABEL_WIDTH = 18  # characters of a category label before it wraps
ROW_INCHES_BY_KIND = {"diverging": 0.8, "paired": 0.8}  # two dots or a key need more room than a bar
# Shades for a scale's answers, strongest first, by how many answers each side has (white: the middle).
SHADES: dict[int, tuple[str, ...]] = {
    1: ("#6f777b",),
    2: ("#505a5f", "#c9cccf"),
    3: ("#505a5f", "#8e9599", "#d9dbdc"),
}
MIDDLE_FILL = "#ffffff"
LIGHT_TEXT_ON = frozenset({"#505a5f", "#6f777b"})  # fills dark enough for white text
LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "#ffffff", "edgecolor": "none"}
PAIR_OFFSET = 0.17  # previous dot above the row's centre, current below

# Settings for the drawing only (matplotlib.rc_context restores the caller's afterwards).
RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "forum-evidence-pack",
    "text.parse_math": False,  # a "$" in a label is a dollar sign, not TeX
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial"],
    "font.size": FONT_SIZE,
    "text.color": TEXT,
    "axes.edgecolor": TEXT,
    "axes.labelcolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "axes.linewidth": 0.8,
}
# Every metadata key None: no date, no creator, no RDF block with its namespace URLs.
NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def chart_svg(chart: Chart) -> str:
    """The chart as an ``<svg>`` element ready to inline in an HTML document."""
    with matplotlib.rc_context(RC):
        row = ROW_INCHES_BY_KIND.get(chart.kind, ROW_INCHES)
        extra = 0.25 * len(_levels(chart.bars)) if chart.kind == "diverging" else 0.0  # the key
        figure = Figure(
            figsize=(WIDTH_INCHES, row * max(len(chart.bars), 1) + 0.8 + extra), layout="constrained"
        )
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        if chart.kind == "diverging":
            _draw_diverging(figure, axes, chart.bars)
        else:
            _percent_axis(axes, chart.bars)
        if chart.kind == "dots":
            _draw_dots(axes, chart.bars)
        elif chart.kind == "paired":
            _draw_pairs(axes, chart.bars)
        elif chart.kind == "bars":
            _draw_bars(axes, chart.bars)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata=NO_METADATA)
    return _inline(buffer.getvalue(), chart)


def n_label(bar: Bar) -> str:
    """The bar's direct label: its published base ("n=1,200"), or the symbol in place of a figure."""
    if bar.percent is None:
        if isinstance(bar.count, int):
            return f"n={bar.count:,}; no % shown"
        return bar.count if isinstance(bar.count, str) and bar.count else SUPPRESSED
    if isinstance(bar.count, int):
        return f"n={bar.count:,}"
    return f"n={bar.count}" if bar.count else ""


def _percent_axis(axes: Axes, bars: tuple[Bar, ...]) -> None:
    """Categories top to bottom in the order given; a 0-100% scale with room for the labels."""
    positions = range(len(bars))
    axes.set_yticks(list(positions), [textwrap.fill(bar.label, LABEL_WIDTH) for bar in bars])
    axes.set_ylim(len(bars) - 0.5, -0.5)
    axes.set_xlim(0, 118)
    axes.set_xticks([0, 20, 40, 60, 80, 100])
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}%"))
    axes.xaxis.set_minor_locator(MultipleLocator(10))
    axes.tick_params(axis="y", length=0)
    axes.tick_params(axis="x", which="minor", length=0)
    axes.grid(axis="x", color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_bounds(0, 100)


def _label(axes: Axes, bar: Bar, y: float) -> None:
    """The n label just right of the bar or interval; a suppressed bar's symbol at the axis."""
    ends = [value for value in (bar.percent, bar.high) if value is not None]
    x = max(ends) + 2 if ends else 1
    axes.text(x, y, n_label(bar), va="center", ha="left", fontsize=FONT_SIZE - 1)


def _interval(bar: Bar) -> list[list[float]] | None:
    if bar.percent is None or bar.low is None or bar.high is None:
        return None
    return [[max(bar.percent - bar.low, 0.0)], [max(bar.high - bar.percent, 0.0)]]


def _draw_bars(axes: Axes, bars: tuple[Bar, ...]) -> None:
    for y, bar in enumerate(bars):
        if bar.percent is not None:
            axes.barh(y, bar.percent, height=0.6, color=BAR_FILL, edgecolor=TEXT, linewidth=0.6)
            error = _interval(bar)
            if error is not None:
                axes.errorbar(bar.percent, y, xerr=error, fmt="none", ecolor=TEXT, elinewidth=1.4, capsize=4)
        _label(axes, bar, y)


def _draw_dots(axes: Axes, bars: tuple[Bar, ...]) -> None:
    for y, bar in enumerate(bars):
        if bar.percent is not None:
            axes.errorbar(
                bar.percent,
                y,
                xerr=_interval(bar),
                fmt="o",
                color=TEXT,
                markersize=7,
                elinewidth=1.4,
                capsize=4,
                zorder=3,
            )
        if bar.marker is not None:
            axes.plot(
                [bar.marker],
                [y],
                marker="D",
                markersize=8,
                markerfacecolor="white",
                markeredgecolor=TEXT,
                markeredgewidth=1.4,
                linestyle="none",
                zorder=4,
            )
            axes.text(
                bar.marker,
                y - 0.22,
                f"Official figure {bar.marker:.1f}%",
                ha="center",
                va="bottom",
                fontsize=FONT_SIZE - 2,
            )
        _label(axes, bar, y)


def _error(value: float, low: float | None, high: float | None) -> list[list[float]] | None:
    if low is None or high is None:
        return None
    return [[max(value - low, 0.0)], [max(high - value, 0.0)]]


def _draw_pairs(axes: Axes, bars: tuple[Bar, ...]) -> None:
    """Previous period (open circle) above current (filled), each with its interval and a direct
    label; drawn as separate points, so no line joins them."""
    for y, bar in enumerate(bars):
        pairs = (
            ("previous", "before", bar.previous, bar.previous_low, bar.previous_high, "white", -PAIR_OFFSET),
            ("current", "now", bar.percent, bar.low, bar.high, TEXT, PAIR_OFFSET),
        )
        for name, words, value, low, high, face, offset in pairs:
            if value is None:
                continue
            drawn = axes.errorbar(
                value,
                y + offset,
                xerr=_error(value, low, high),
                fmt="o",
                color=TEXT,
                markerfacecolor=face,
                markeredgecolor=TEXT,
                markeredgewidth=1.4,
                markersize=7,
                elinewidth=1.4,
                capsize=3,
                zorder=3,
            )
            drawn.lines[0].set_gid(f"{name}-{y}")
            end = max(value, high if high is not None else value)
            axes.text(end + 2, y + offset, f"{words} {value:.0f}%", va="center", fontsize=FONT_SIZE - 2)


def _levels(bars: tuple[Bar, ...]) -> list[int]:
    return sorted({segment.level for bar in bars for segment in bar.segments})


def _fill(level: int, strongest: int) -> str:
    shades = SHADES[min(max(strongest, 1), len(SHADES))]
    return MIDDLE_FILL if level == 0 else shades[min(strongest - abs(level), len(shades) - 1)]


def _part_name(level: int) -> str:
    return "middle" if level == 0 else f"{'negative' if level < 0 else 'positive'}{abs(level)}"


def _draw_diverging(figure: Figure, axes: Axes, bars: tuple[Bar, ...]) -> None:
    """Each question's answers stacked from the most negative to the most positive, the middle
    answer centred on 0; a question without published percentages shows its symbol instead."""
    strongest = max((abs(level) for level in _levels(bars)), default=1)
    starts = {y: _start(bar.segments) for y, bar in enumerate(bars) if bar.segments}
    ends = [start + sum(s.percent for s in bars[y].segments) for y, start in starts.items()]
    reach = 25.0 * -(-max([50.0, *(-start for start in starts.values()), *ends]) // 25)
    for y, bar in enumerate(bars):
        if y not in starts:
            axes.text(0, y, n_label(bar), ha="center", va="center", fontsize=FONT_SIZE - 1, bbox=LABEL_BOX)
            continue
        left = starts[y]
        for segment in bar.segments:
            _draw_segment(axes, segment, y, left, strongest, labelled=segment.percent >= 0.16 * reach)
            left += segment.percent
    _diverging_axis(axes, bars, reach)
    _key(figure, bars, strongest)


def _start(segments: tuple[Segment, ...]) -> float:
    """Where a diverging bar starts: left of 0 by its negative answers and half its middle one."""
    negative = sum(s.percent for s in segments if s.level < 0)
    return -negative - sum(s.percent for s in segments if s.level == 0) / 2


def _draw_segment(axes: Axes, segment: Segment, y: int, left: float, strongest: int, labelled: bool) -> None:
    fill = _fill(segment.level, strongest)
    light = fill in LIGHT_TEXT_ON
    drawn = axes.barh(
        y,
        segment.percent,
        left=left,
        height=0.6,
        color=fill,
        edgecolor=TEXT,
        linewidth=0.6,
        hatch="///" if segment.level > 0 else None,
        hatchcolor="#ffffff" if light else "#6f777b",
    )
    drawn.patches[0].set_gid(f"bar{y}-{_part_name(segment.level)}")
    if labelled:  # narrower parts are not labelled: the table beside the chart has every figure
        axes.text(
            left + segment.percent / 2,
            y,
            f"{segment.percent:.0f}%",
            ha="center",
            va="center",
            fontsize=FONT_SIZE - 2,
            color="#ffffff" if light else TEXT,
            bbox={**LABEL_BOX, "facecolor": fill},
        )


def _diverging_axis(axes: Axes, bars: tuple[Bar, ...], reach: float) -> None:
    labels = [textwrap.fill(bar.label, LABEL_WIDTH) for bar in bars]
    labels = [
        f"{label}\n(n={bar.count:,})" if bar.segments and isinstance(bar.count, int) else label
        for label, bar in zip(labels, bars, strict=True)
    ]
    axes.set_yticks(list(range(len(bars))), labels)
    axes.set_ylim(len(bars) - 0.5, -0.5)
    axes.set_xlim(-reach, reach)
    axes.xaxis.set_major_locator(MultipleLocator(25))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{abs(value):.0f}%"))
    axes.axvline(0, color=TEXT, linewidth=1.2, zorder=2.5).set_gid("zero")  # over the bars, under labels
    axes.tick_params(axis="y", length=0)
    axes.grid(axis="x", color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.set_xlabel("← negative answers    positive answers →", fontsize=FONT_SIZE - 2)


def _key(figure: Figure, bars: tuple[Bar, ...], strongest: int) -> None:
    """The answers in the bars' order (most negative first), each with its shade and the wording of
    the questions' answers at that place on the scale."""
    handles, labels = [], []
    for level in _levels(bars):
        fill = _fill(level, strongest)
        handles.append(
            Patch(
                facecolor=fill,
                edgecolor=TEXT,
                linewidth=0.6,
                hatch="///" if level > 0 else None,
                hatchcolor="#ffffff" if fill in LIGHT_TEXT_ON else "#6f777b",
            )
        )
        words = dict.fromkeys(s.label for bar in bars for s in bar.segments if s.level == level)
        labels.append(" / ".join(words))
    figure.legend(handles, labels, loc="outside lower left", ncols=1, frameon=False, fontsize=FONT_SIZE - 2)


_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_SVG_TAG = re.compile(r"<svg\b[^>]*>")
_SIZE = re.compile(r'\b(width|height|viewBox)="([^"]*)"')
_STYLE = re.compile(r"<style\b[^>]*>.*?</style>\s*", re.DOTALL)
_EMPTY_DEFS = re.compile(r"<defs>\s*</defs>\s*")
_IDS = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')
_STYLE_ATTRIBUTE = re.compile(r'\bstyle="([^"]*)"')


def _presentation_attributes(match: re.Match[str]) -> str:
    """``style="fill: #fff; stroke-width: 0.8"`` as ``fill="#fff" stroke-width="0.8"``: the same to an
    SVG renderer, but not CSS that an HTML engine (WeasyPrint) reads, and warns about, as its own."""
    declarations = (part.partition(":") for part in match.group(1).split(";") if part.strip())
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, _, value in declarations)


def _inline(svg: str, chart: Chart) -> str:
    """matplotlib's standalone SVG made fit to inline: no XML prologue, no namespace URLs, plain
    ``href``, presentation attributes rather than inline CSS, ids prefixed with the chart's id (two
    charts' ``figure_1`` would clash), and the accessible name."""
    svg = _PROLOGUE.sub("", svg, count=1)
    opening = _SVG_TAG.search(svg)
    assert opening is not None, "matplotlib wrote no <svg> element"
    size = " ".join(f'{name}="{value}"' for name, value in _SIZE.findall(opening.group()))
    alt = escape(chart.alt, quote=True)
    prefix = f"{chart.id.lower()}-"
    head = (
        f'<svg {size} class="chart" role="img" aria-label="{alt}" focusable="false">'
        f'<title id="{prefix}title">{alt}</title>'
    )
    body = svg[opening.end() :].replace("xlink:href=", "href=")
    body = _EMPTY_DEFS.sub("", _STYLE.sub("", body))
    body = _STYLE_ATTRIBUTE.sub(_presentation_attributes, body)
    body = _IDS.sub(lambda match: f"{match.group(1)}{prefix}{match.group(2)}", body)
    return head + body.strip() + "\n"
