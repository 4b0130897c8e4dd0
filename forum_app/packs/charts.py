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

Laid out from the text, not left to matplotlib: every label's width is measured with the font's own
metrics (``chart_text``), each category label wrapped into at most ``MAX_LABEL_LINES`` lines (cut
short with "…", its whole text as the line's SVG ``<title>``), the label column as wide as its widest
line, each row as tall as its label, and the scale as wide as the room left once every label right of
the marks fits (the drawing grows wider only when it must). Every text is one line placed at a known
baseline, so no two overlap and none leaves the drawing; the tests measure them back from the SVG.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from forum_app.packs.chart_text import FONT, baseline_for_middle, line_height, metrics, text_width, wrap
from forum_app.packs.model import SUPPRESSED, Bar, Chart, Segment

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

TEXT = "#0b0c0c"
BAR_FILL = "#6f777b"  # 4.6:1 against white and against the black interval drawn over it
GRID = "#b1b4b6"
FONT_SIZE = 11  # category labels and the scale; points, as everything below
N_SIZE = FONT_SIZE - 1  # the n labels
SMALL_SIZE = FONT_SIZE - 2  # the comparator's and the periods' labels, segment labels, the key
LINE_SPACING = 1.2  # a wrapped label's lines, in font sizes
WIDTH = 316.8  # 4.4 inches; wider only when the labels need more room
MARGIN = 3.0  # clear space round the drawing
PAD = 6.0  # between a category label and the plot, and between a mark and its label
LABEL_SHARE = 0.45  # of the width, at most, for the category labels
MAX_LABEL_LINES = 4  # a longer label ends in "…" and its whole text is the SVG <title> of that line
MIN_SCALE = 1.5  # points per percentage point at least (150 points for 0 to 100%)
ROW_GAP = 6.0  # between two rows' labels
ROW_MIN_BY_KIND = {"bars": 36.0, "dots": 36.0, "diverging": 57.6, "paired": 57.6}
BAR_HEIGHT = 21.6  # points
TICK = 3.5  # tick length
PAIR_OFFSET = 9.0  # previous dot this far above the row's middle, current below
MARKER_HALF = 5.7  # half the height of the comparator's diamond
KEY_SWATCH = (12.0, 9.0)  # width, height of a key's shade
# Shades for a scale's answers, strongest first, by how many answers each side has (white: the middle).
SHADES: dict[int, tuple[str, ...]] = {
    1: ("#6f777b",),
    2: ("#505a5f", "#c9cccf"),
    3: ("#505a5f", "#8e9599", "#d9dbdc"),
}
MIDDLE_FILL = "#ffffff"
LIGHT_TEXT_ON = frozenset({"#505a5f", "#6f777b"})  # fills dark enough for white text
LABEL_BOX = {"boxstyle": "square,pad=0.1", "facecolor": "#ffffff", "edgecolor": "none"}
NEGATIVE_WORDS, POSITIVE_WORDS = "← negative answers", "positive answers →"
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


@dataclass(frozen=True)
class Label:
    """A category's label as drawn: its lines, and its whole text when the lines cut it short."""

    lines: tuple[str, ...]
    whole: str | None


@dataclass(frozen=True)
class Note:
    """A direct label to the right of a row's marks: where the marks end (a percentage) and how far
    above (negative) or below the row's middle it sits, in points."""

    end: float
    text: str
    rise: float = 0.0


@dataclass(frozen=True)
class Layout:
    """Where everything goes, in points from the drawing's top left corner (the SVG's units)."""

    width: float
    height: float
    left: float  # x of the scale's lowest value
    low: float  # the scale's lowest value (0, or minus the diverging reach)
    high: float  # its highest labelled value (100, or the reach)
    scale: float  # points per percentage point
    tops: tuple[float, ...]  # each row's top; the plot's bottom after the last
    step: float  # between labelled ticks

    def x(self, value: float) -> float:
        return self.left + (value - self.low) * self.scale

    def middle(self, row: int) -> float:
        return (self.tops[row] + self.tops[row + 1]) / 2

    @property
    def bottom(self) -> float:
        return self.tops[-1]

    @property
    def right(self) -> float:
        return self.width - MARGIN


def chart_svg(chart: Chart) -> str:
    """The chart as an ``<svg>`` element ready to inline in an HTML document."""
    labels = tuple(_category_label(chart, bar) for bar in chart.bars)
    notes = tuple(_notes(chart.kind, bar) for bar in chart.bars)
    layout = _layout(chart, labels, notes)
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


def n_label(bar: Bar) -> str:
    """The bar's direct label: its published base ("n=1,200"), or the symbol in place of a figure."""
    if bar.percent is None:
        if isinstance(bar.count, int):
            return f"n={bar.count:,}; no % shown"
        return bar.count if isinstance(bar.count, str) and bar.count else SUPPRESSED
    flag = f" {bar.flag}" if bar.flag else ""
    if isinstance(bar.count, int):
        return f"n={bar.count:,}{flag}"
    return f"n={bar.count}{flag}" if bar.count else flag.strip()


# ------------------------------------------------------------------------------------ layout


def _category_label(chart: Chart, bar: Bar) -> Label:
    lines, cut = wrap(bar.label, LABEL_SHARE * WIDTH - PAD - MARGIN, FONT_SIZE, MAX_LABEL_LINES)
    if chart.kind == "diverging" and bar.segments and isinstance(bar.count, int):
        lines = [*lines, f"(n={bar.count:,})"]
    return Label(tuple(lines), bar.label if cut else None)


def _notes(kind: str, bar: Bar) -> tuple[Note, ...]:
    """The direct labels right of a row's marks (a diverging bar's are inside its parts)."""
    if kind == "paired":
        return tuple(
            Note(max(value, high if high is not None else value), f"{words} {value:.0f}%", rise)
            for words, value, high, rise in (
                ("before", bar.previous, bar.previous_high, -PAIR_OFFSET),
                ("now", bar.percent, bar.high, PAIR_OFFSET),
            )
            if value is not None
        )
    if kind == "diverging":
        return ()
    ends = [value for value in (bar.percent, bar.high, bar.marker) if value is not None]
    text = n_label(bar)
    return (Note(max(ends, default=0.0), text),) if text else ()


def _row_height(kind: str, label: Label, has_marker: bool) -> float:
    height = max(ROW_MIN_BY_KIND.get(kind, ROW_MIN_BY_KIND["bars"]), _block(len(label.lines)) + ROW_GAP)
    if has_marker:  # the comparator's label above the dot, clear of the n label at the middle
        height = max(height, 2 * (_marker_label_rise() + line_height(SMALL_SIZE) / 2 + 1))
    if kind == "paired":
        height = max(height, 2 * (PAIR_OFFSET + line_height(SMALL_SIZE) / 2 + 1))
    return height


def _block(lines: int) -> float:
    return (lines - 1) * LINE_SPACING * FONT_SIZE + line_height(FONT_SIZE)


def _marker_label_rise() -> float:
    """How far above the row's middle the comparator's label has its middle."""
    return max(line_height(N_SIZE) / 2, MARKER_HALF) + 1 + line_height(SMALL_SIZE) / 2


def _layout(chart: Chart, labels: tuple[Label, ...], notes: tuple[tuple[Note, ...], ...]) -> Layout:
    """Sizes from the text: the label column as wide as its widest line, each row as tall as its
    label, the scale as wide as the room left once every label right of the marks fits."""
    label_width = max((text_width(line, FONT_SIZE) for label in labels for line in label.lines), default=0.0)
    diverging = chart.kind == "diverging"
    low, high = (-_reach(chart.bars), _reach(chart.bars)) if diverging else (0.0, 100.0)
    end_half = text_width(_tick_text(high), FONT_SIZE) / 2
    left = MARGIN + max(label_width + PAD, text_width(_tick_text(low), FONT_SIZE) / 2)
    span = high - low
    # Each constraint: the scale (points per percentage point) must be at most (room) / (share of it).
    limits = [((WIDTH - MARGIN - end_half - left), span)]
    for row_notes in notes:
        for note in row_notes:
            room = (
                WIDTH - MARGIN - left - PAD - text_width(note.text, N_SIZE if note.rise == 0 else SMALL_SIZE)
            )
            limits.append((room, max(note.end, 0.0) - low))
    if diverging:  # each side's words fit between 0 and the end of the scale
        words = max(text_width(NEGATIVE_WORDS, SMALL_SIZE), text_width(POSITIVE_WORDS, SMALL_SIZE)) + PAD
        minimum = max(MIN_SCALE, 2 * words / span)
    else:
        minimum = MIN_SCALE
    scale = min([room / share for room, share in limits if share > 0] + [float("inf")])
    scale = max(scale, minimum)
    # Wider than WIDTH only when the scale had to be kept at its minimum.
    needed = [left + share * scale + (WIDTH - left - room) for room, share in limits]
    width = max(WIDTH, *needed)
    heights = [
        _row_height(chart.kind, label, bar.marker is not None)
        for label, bar in zip(labels, chart.bars, strict=True)
    ]
    tops = [MARGIN]
    for height in heights:
        tops.append(tops[-1] + height)
    if not heights:
        tops.append(MARGIN + ROW_MIN_BY_KIND["bars"])
    step = _tick_step(scale, high)
    below = TICK + 2 + line_height(FONT_SIZE)  # ticks and their labels
    if diverging:
        below += 2 + line_height(SMALL_SIZE) + 4 + _key_height(chart.bars, width)
    return Layout(width, tops[-1] + below + MARGIN, left, low, high, scale, tuple(tops), step)


def _reach(bars: tuple[Bar, ...]) -> float:
    """How far each side of 0 a diverging chart's scale goes: a multiple of 25, at least 50."""
    starts = [_start(bar.segments) for bar in bars if bar.segments]
    ends = [_start(bar.segments) + sum(s.percent for s in bar.segments) for bar in bars if bar.segments]
    return 25.0 * -(-max([50.0, *(-start for start in starts), *ends]) // 25)


def _tick_text(value: float) -> str:
    return f"{abs(value):.0f}%"


def _tick_step(scale: float, high: float) -> float:
    """The smallest of 20, 25 and 50 percentage points that divides the scale's end (so 0 has a tick)
    and whose labels do not touch; else only the ends and 0."""
    widest = text_width(_tick_text(high), FONT_SIZE)
    for step in (20.0, 25.0, 50.0):
        if high % step == 0 and step * scale >= widest + PAD:
            return step
    return high


def _key_height(bars: tuple[Bar, ...], width: float) -> float:
    return sum(_key_entry_height(lines) for lines in _key_lines(bars, width))


def _key_entry_height(lines: list[str]) -> float:
    return max(KEY_SWATCH[1], (len(lines) - 1) * LINE_SPACING * SMALL_SIZE + line_height(SMALL_SIZE)) + 3


def _key_lines(bars: tuple[Bar, ...], width: float) -> list[list[str]]:
    room = width - 2 * MARGIN - KEY_SWATCH[0] - 4
    entries = []
    for level in _levels(bars):
        words = dict.fromkeys(s.label for bar in bars for s in bar.segments if s.level == level)
        lines, _ = wrap(" / ".join(words), room, SMALL_SIZE, 10)
        entries.append(lines)
    return entries


# ----------------------------------------------------------------------------------- drawing


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
    first = layout.middle(row) - _block(len(label.lines)) / 2 + line_height(FONT_SIZE) / 2
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
        _put(figure, layout, layout.x(tick), baseline, _tick_text(tick), FONT_SIZE, "middle")
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
                baseline_for_middle(y - _marker_label_rise(), SMALL_SIZE),
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


def _levels(bars: tuple[Bar, ...]) -> list[int]:
    return sorted({segment.level for bar in bars for segment in bar.segments})


def _fill(level: int, strongest: int) -> str:
    shades = SHADES[min(max(strongest, 1), len(SHADES))]
    return MIDDLE_FILL if level == 0 else shades[min(strongest - abs(level), len(shades) - 1)]


def _part_name(level: int) -> str:
    return "middle" if level == 0 else f"{'negative' if level < 0 else 'positive'}{abs(level)}"


def _draw_diverging(figure: Figure, axes: Axes, layout: Layout, bars: tuple[Bar, ...]) -> None:
    """Each question's answers stacked from the most negative to the most positive, the middle
    answer centred on 0; a question without published percentages shows its symbol instead."""
    strongest = max((abs(level) for level in _levels(bars)), default=1)
    for row, bar in enumerate(bars):
        y = layout.middle(row)
        if not bar.segments:
            axes.text(0, y, n_label(bar), ha="center", va="center", fontsize=N_SIZE, bbox=LABEL_BOX)
            continue
        left = _start(bar.segments)
        for segment in bar.segments:
            _draw_segment(figure, axes, layout, segment, row, left, strongest)
            left += segment.percent
    axes.axvline(0, color=TEXT, linewidth=1.2, zorder=2.5).set_gid("zero")  # over the bars, under labels
    _key(figure, layout, bars, strongest)


def _start(segments: tuple[Segment, ...]) -> float:
    """Where a diverging bar starts: left of 0 by its negative answers and half its middle one."""
    negative = sum(s.percent for s in segments if s.level < 0)
    return -negative - sum(s.percent for s in segments if s.level == 0) / 2


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
    top = layout.height - MARGIN - _key_height(bars, layout.width)
    for level, lines in zip(_levels(bars), _key_lines(bars, layout.width), strict=True):
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
        top += _key_entry_height(lines)


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
