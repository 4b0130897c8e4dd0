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

The layout (``chart_layout``) is worked out from the text first; this module only draws it.
"""

from __future__ import annotations

import io
import re
from html import escape
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from forum_app.packs.chart_layout import (
    FONT_SIZE,
    KEY_SWATCH,
    LINE_SPACING,
    MARGIN,
    N_SIZE,
    NEGATIVE_WORDS,
    PAD,
    PAIR_OFFSET,
    POSITIVE_WORDS,
    SMALL_SIZE,
    TICK,
    Label,
    Layout,
    category_label,
    direct_labels,
    diverging_start,
    key_entry_height,
    key_height,
    key_lines,
    label_height,
    lay_out,
    levels,
    marker_label_rise,
    n_label,
    tick_text,
)
from forum_app.packs.chart_text import FONT, baseline_for_middle, line_height, metrics, text_width
from forum_app.packs.contents import Bar, Chart, Segment

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

TEXT = "#0b0c0c"
BAR_FILL = "#6f777b"  # 4.6:1 against white and against the black interval drawn over it
GRID = "#b1b4b6"
BAR_HEIGHT = 21.6  # points
# Shades for a scale's answers, strongest first, by how many answers each side has (white: the middle).
SHADES: dict[int, tuple[str, ...]] = {
    1: ("#6f777b",),
    2: ("#505a5f", "#c9cccf"),
    3: ("#505a5f", "#8e9599", "#d9dbdc"),
}
MIDDLE_FILL = "#ffffff"
LIGHT_TEXT_ON = frozenset({"#505a5f", "#6f777b"})  # fills dark enough for white text
LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "#ffffff", "edgecolor": "none"}
_ANCHOR = {"start": "left", "middle": "center", "end": "right"}

# Settings for the drawing only (matplotlib.rc_context restores the caller's afterwards).
RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "forum-evidence-pack",
    "text.parse_math": False,  # a "$" in a label is a dollar sign, not TeX
    "font.family": "sans-serif",
    "font.sans-serif": [FONT, "Liberation Sans", "Arial"],
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
    labels = tuple(category_label(chart, bar) for bar in chart.bars)
    notes = tuple(direct_labels(chart.kind, bar) for bar in chart.bars)
    layout = lay_out(chart, labels, notes)
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(layout.width / 72, layout.height / 72))
        FigureCanvasAgg(figure)
        axes = figure.add_axes(
            (
                layout.left / layout.width,
                1 - layout.bottom / layout.height,
                (layout.right - layout.left) / layout.width,
                (layout.bottom - layout.tops[0]) / layout.height,
            )
        )
        _axes(axes, layout, chart.kind)
        for row, label in enumerate(labels):
            _category(figure, layout, row, label)
        if chart.kind == "diverging":
            _draw_diverging(figure, axes, layout, chart.bars)
        elif chart.kind == "dots":
            _draw_dots(figure, axes, layout, chart.bars)
        elif chart.kind == "paired":
            _draw_pairs(axes, chart.bars, layout)
        else:
            _draw_bars(axes, chart.bars, layout)
        for row, row_notes in enumerate(notes):
            for note in row_notes:
                x = layout.x(max(note.end, 0.0)) + PAD
                size = N_SIZE if note.rise == 0 else SMALL_SIZE
                _put(
                    figure,
                    layout,
                    x,
                    baseline_for_middle(layout.middle(row) + note.rise, size),
                    note.text,
                    size,
                )
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata=NO_METADATA)
    wholes = {f"label-{row}": label.whole for row, label in enumerate(labels) if label.whole}
    return _inline(buffer.getvalue(), chart, wholes)


def _put(
    figure: Figure,
    layout: Layout,
    x: float,
    baseline: float,
    text: str,
    size: float,
    anchor: str = "start",
    **style: Any,
) -> Text:
    """One line of text at a point given in the drawing's points (y growing downwards)."""
    return figure.text(
        x / layout.width,
        1 - baseline / layout.height,
        text,
        ha=_ANCHOR[anchor],
        va="baseline",
        fontsize=size,
        **style,
    )


def _category(figure: Figure, layout: Layout, row: int, label: Label) -> None:
    """A category's lines right-aligned against the plot, the block centred on the row."""
    pitch = LINE_SPACING * FONT_SIZE
    first = layout.middle(row) - label_height(len(label.lines)) / 2 + line_height(FONT_SIZE) / 2
    for number, line in enumerate(label.lines):
        drawn = _put(
            figure,
            layout,
            layout.left - PAD,
            baseline_for_middle(first + number * pitch, FONT_SIZE),
            line,
            FONT_SIZE,
            "end",
        )
        if label.whole and number == len(label.lines) - 1:
            drawn.set_gid(f"label-{row}")


def _axes(axes: Axes, layout: Layout, kind: str) -> None:
    """The scale's range, ticks every ``step`` (labelled by ``_scale_labels``), grid, no frame."""
    axes.set_xlim(layout.low, layout.low + (layout.right - layout.left) / layout.scale)
    axes.set_ylim(layout.bottom, layout.tops[0])  # y in points from the top, as the layout
    ticks = [layout.low + n * layout.step for n in range(int((layout.high - layout.low) // layout.step) + 1)]
    axes.set_xticks(ticks)
    axes.set_yticks([])
    axes.tick_params(axis="x", labelbottom=False, length=TICK)
    axes.grid(axis="x", color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    axes.patch.set_visible(False)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_bounds(layout.low, layout.high)
    figure = axes.get_figure()
    assert isinstance(figure, Figure)
    baseline = (
        layout.bottom
        + TICK
        + 2
        + line_height(FONT_SIZE) * metrics().ascent / (metrics().ascent + metrics().descent)
    )
    for tick in ticks:
        _put(figure, layout, layout.x(tick), baseline, tick_text(tick), FONT_SIZE, "middle")
    if kind == "diverging":
        words = baseline + metrics().descent * FONT_SIZE + 2 + metrics().ascent * SMALL_SIZE
        zero = layout.x(0)
        _put(figure, layout, zero - PAD / 2, words, NEGATIVE_WORDS, SMALL_SIZE, "end")
        _put(figure, layout, zero + PAD / 2, words, POSITIVE_WORDS, SMALL_SIZE, "start")


def _interval(bar: Bar) -> list[list[float]] | None:
    if bar.percent is None or bar.low is None or bar.high is None:
        return None
    return [[max(bar.percent - bar.low, 0.0)], [max(bar.high - bar.percent, 0.0)]]


def _draw_bars(axes: Axes, bars: tuple[Bar, ...], layout: Layout) -> None:
    for row, bar in enumerate(bars):
        if bar.percent is not None:
            y = layout.middle(row)
            axes.barh(y, bar.percent, height=BAR_HEIGHT, color=BAR_FILL, edgecolor=TEXT, linewidth=0.6)
            error = _interval(bar)
            if error is not None:
                axes.errorbar(bar.percent, y, xerr=error, fmt="none", ecolor=TEXT, elinewidth=1.4, capsize=4)


def _draw_dots(figure: Figure, axes: Axes, layout: Layout, bars: tuple[Bar, ...]) -> None:
    for row, bar in enumerate(bars):
        y = layout.middle(row)
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
            text = f"Official figure {bar.marker:.1f}%"
            width = text_width(text, SMALL_SIZE)
            # Centred over the diamond, but kept over the plot and inside the drawing.
            start = min(max(layout.x(bar.marker) - width / 2, layout.left), layout.right - width)
            _put(
                figure,
                layout,
                start,
                baseline_for_middle(y - marker_label_rise(), SMALL_SIZE),
                text,
                SMALL_SIZE,
            )


def _error(value: float, low: float | None, high: float | None) -> list[list[float]] | None:
    if low is None or high is None:
        return None
    return [[max(value - low, 0.0)], [max(high - value, 0.0)]]


def _draw_pairs(axes: Axes, bars: tuple[Bar, ...], layout: Layout) -> None:
    """Previous period (open circle) above current (filled), each with its interval (their labels
    are the row's notes); drawn as separate points, so no line joins them."""
    for row, bar in enumerate(bars):
        pairs = (
            ("previous", bar.previous, bar.previous_low, bar.previous_high, "white", -PAIR_OFFSET),
            ("current", bar.percent, bar.low, bar.high, TEXT, PAIR_OFFSET),
        )
        for name, value, low, high, face, offset in pairs:
            if value is None:
                continue
            drawn = axes.errorbar(
                value,
                layout.middle(row) + offset,
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
            drawn.lines[0].set_gid(f"{name}-{row}")


def _fill(level: int, strongest: int) -> str:
    shades = SHADES[min(max(strongest, 1), len(SHADES))]
    return MIDDLE_FILL if level == 0 else shades[min(strongest - abs(level), len(shades) - 1)]


def _part_name(level: int) -> str:
    return "middle" if level == 0 else f"{'negative' if level < 0 else 'positive'}{abs(level)}"


def _draw_diverging(figure: Figure, axes: Axes, layout: Layout, bars: tuple[Bar, ...]) -> None:
    """Each question's answers stacked from the most negative to the most positive, the middle
    answer centred on 0; a question without published percentages shows its symbol instead."""
    strongest = max((abs(level) for level in levels(bars)), default=1)
    for row, bar in enumerate(bars):
        y = layout.middle(row)
        if not bar.segments:
            axes.text(0, y, n_label(bar), ha="center", va="center", fontsize=N_SIZE, bbox=LABEL_BOX)
            continue
        left = diverging_start(bar.segments)
        for segment in bar.segments:
            _draw_segment(figure, axes, layout, segment, row, left, strongest)
            left += segment.percent
    axes.axvline(0, color=TEXT, linewidth=1.2, zorder=2.5).set_gid("zero")  # over the bars, under labels
    _key(figure, layout, bars, strongest)


def _draw_segment(
    figure: Figure, axes: Axes, layout: Layout, segment: Segment, row: int, left: float, strongest: int
) -> None:
    fill = _fill(segment.level, strongest)
    light = fill in LIGHT_TEXT_ON
    y = layout.middle(row)
    drawn = axes.barh(
        y,
        segment.percent,
        left=left,
        height=BAR_HEIGHT,
        color=fill,
        edgecolor=TEXT,
        linewidth=0.6,
        hatch="///" if segment.level > 0 else None,
        hatchcolor="#ffffff" if light else "#6f777b",
    )
    drawn.patches[0].set_gid(f"bar{row}-{_part_name(segment.level)}")
    text = f"{segment.percent:.0f}%"
    # Only a part wide enough for its label and the label's edge (0.1 of the size each side) is
    # labelled: the table beside the chart has every figure.
    if text_width(text, SMALL_SIZE) + 0.2 * SMALL_SIZE + 0.5 <= segment.percent * layout.scale:
        _put(
            figure,
            layout,
            layout.x(left + segment.percent / 2),
            baseline_for_middle(y, SMALL_SIZE),
            text,
            SMALL_SIZE,
            "middle",
            color="#ffffff" if light else TEXT,
            bbox={**LABEL_BOX, "facecolor": fill},
        )


def _key(figure: Figure, layout: Layout, bars: tuple[Bar, ...], strongest: int) -> None:
    """The answers in the bars' order (most negative first), each with its shade and the wording of
    the questions' answers at that place on the scale, below the scale's words."""
    top = layout.height - MARGIN - key_height(bars, layout.width)
    for level, lines in zip(levels(bars), key_lines(bars, layout.width), strict=True):
        fill = _fill(level, strongest)
        swatch_top = top + 1
        figure.add_artist(
            Rectangle(
                (MARGIN / layout.width, 1 - (swatch_top + KEY_SWATCH[1]) / layout.height),
                KEY_SWATCH[0] / layout.width,
                KEY_SWATCH[1] / layout.height,
                transform=figure.transFigure,
                facecolor=fill,
                edgecolor=TEXT,
                linewidth=0.6,
                hatch="///" if level > 0 else None,
                hatchcolor="#ffffff" if fill in LIGHT_TEXT_ON else "#6f777b",
            )
        )
        x = MARGIN + KEY_SWATCH[0] + 4
        first = swatch_top + line_height(SMALL_SIZE) / 2
        for number, line in enumerate(lines):
            middle = first + number * LINE_SPACING * SMALL_SIZE
            _put(figure, layout, x, baseline_for_middle(middle, SMALL_SIZE), line, SMALL_SIZE)
        top += key_entry_height(lines)


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


def _inline(svg: str, chart: Chart, wholes: dict[str, str]) -> str:
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
    for gid, whole in sorted(wholes.items()):  # a label cut short: its whole text, as a tooltip
        group = f'<g id="{prefix}{gid}">'
        body = body.replace(group, f"{group}<title>{escape(whole, quote=True)}</title>", 1)
    return head + body.strip() + "\n"
