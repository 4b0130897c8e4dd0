"""Where everything of a pack's chart goes, worked out from its text before anything is drawn (``charts``).

Laid out from the text, not left to matplotlib: every label's width is measured with the font's own
metrics (``chart_text``), each category label wrapped into at most ``MAX_LABEL_LINES`` lines (cut
short with "…", its whole text as the line's SVG ``<title>``), the label column as wide as its widest
line, each row as tall as its label, and the scale as wide as the room left once every label right of
the marks fits (the drawing grows wider only when it must). Every text is one line placed at a known
baseline, so no two overlap and none leaves the drawing; the tests measure them back from the SVG.
"""

from __future__ import annotations

from dataclasses import dataclass

from forum_app.packs.chart_text import line_height, text_width, wrap
from forum_app.packs.contents import SUPPRESSED, Bar, Chart, Segment

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
TICK = 3.5  # tick length
PAIR_OFFSET = 9.0  # previous dot this far above the row's middle, current below
MARKER_HALF = 5.7  # half the height of the comparator's diamond
KEY_SWATCH = (12.0, 9.0)  # width, height of a key's shade
NEGATIVE_WORDS, POSITIVE_WORDS = "← negative answers", "positive answers →"


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


def category_label(chart: Chart, bar: Bar) -> Label:
    """The bar's category wrapped to the label column (a diverging bar's base on a line of its own)."""
    lines, cut = wrap(bar.label, LABEL_SHARE * WIDTH - PAD - MARGIN, FONT_SIZE, MAX_LABEL_LINES)
    if chart.kind == "diverging" and bar.segments and isinstance(bar.count, int):
        lines = [*lines, f"(n={bar.count:,})"]
    return Label(tuple(lines), bar.label if cut else None)


def direct_labels(kind: str, bar: Bar) -> tuple[Note, ...]:
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
    height = max(ROW_MIN_BY_KIND.get(kind, ROW_MIN_BY_KIND["bars"]), label_height(len(label.lines)) + ROW_GAP)
    if has_marker:  # the comparator's label above the dot, clear of the n label at the middle
        height = max(height, 2 * (marker_label_rise() + line_height(SMALL_SIZE) / 2 + 1))
    if kind == "paired":
        height = max(height, 2 * (PAIR_OFFSET + line_height(SMALL_SIZE) / 2 + 1))
    return height


def label_height(lines: int) -> float:
    """The height of a label of this many lines."""
    return (lines - 1) * LINE_SPACING * FONT_SIZE + line_height(FONT_SIZE)


def marker_label_rise() -> float:
    """How far above the row's middle the comparator's label has its middle."""
    return max(line_height(N_SIZE) / 2, MARKER_HALF) + 1 + line_height(SMALL_SIZE) / 2


def lay_out(chart: Chart, labels: tuple[Label, ...], notes: tuple[tuple[Note, ...], ...]) -> Layout:
    """Sizes from the text: the label column as wide as its widest line, each row as tall as its
    label, the scale as wide as the room left once every label right of the marks fits."""
    label_width = max((text_width(line, FONT_SIZE) for label in labels for line in label.lines), default=0.0)
    diverging = chart.kind == "diverging"
    low, high = (-_reach(chart.bars), _reach(chart.bars)) if diverging else (0.0, 100.0)
    end_half = text_width(tick_text(high), FONT_SIZE) / 2
    left = MARGIN + max(label_width + PAD, text_width(tick_text(low), FONT_SIZE) / 2)
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
        below += 2 + line_height(SMALL_SIZE) + 4 + key_height(chart.bars, width)
    return Layout(width, tops[-1] + below + MARGIN, left, low, high, scale, tuple(tops), step)


def _reach(bars: tuple[Bar, ...]) -> float:
    """How far each side of 0 a diverging chart's scale goes: a multiple of 25, at least 50."""
    starts = [diverging_start(bar.segments) for bar in bars if bar.segments]
    ends = [
        diverging_start(bar.segments) + sum(s.percent for s in bar.segments) for bar in bars if bar.segments
    ]
    return 25.0 * -(-max([50.0, *(-start for start in starts), *ends]) // 25)


def tick_text(value: float) -> str:
    """A tick's label: a percentage, without its sign (either side of 0 counts up)."""
    return f"{abs(value):.0f}%"


def _tick_step(scale: float, high: float) -> float:
    """The smallest of 20, 25 and 50 percentage points that divides the scale's end (so 0 has a tick)
    and whose labels do not touch; else only the ends and 0."""
    widest = text_width(tick_text(high), FONT_SIZE)
    for step in (20.0, 25.0, 50.0):
        if high % step == 0 and step * scale >= widest + PAD:
            return step
    return high


def key_height(bars: tuple[Bar, ...], width: float) -> float:
    """The height of a diverging chart's key under the scale."""
    return sum(key_entry_height(lines) for lines in key_lines(bars, width))


def key_entry_height(lines: list[str]) -> float:
    """The height of one entry of the key: its shade or its lines of words, and a gap."""
    return max(KEY_SWATCH[1], (len(lines) - 1) * LINE_SPACING * SMALL_SIZE + line_height(SMALL_SIZE)) + 3


def key_lines(bars: tuple[Bar, ...], width: float) -> list[list[str]]:
    """Each entry of the key as lines: the wordings of the answers at one place on the scale."""
    room = width - 2 * MARGIN - KEY_SWATCH[0] - 4
    entries = []
    for level in levels(bars):
        words = dict.fromkeys(s.label for bar in bars for s in bar.segments if s.level == level)
        lines, _ = wrap(" / ".join(words), room, SMALL_SIZE, 10)
        entries.append(lines)
    return entries


def levels(bars: tuple[Bar, ...]) -> list[int]:
    """The places on the scale the bars' answers take, most negative first (0: the middle answer)."""
    return sorted({segment.level for bar in bars for segment in bar.segments})


def diverging_start(segments: tuple[Segment, ...]) -> float:
    """Where a diverging bar starts: left of 0 by its negative answers and half its middle one."""
    negative = sum(s.percent for s in segments if s.level < 0)
    return -negative - sum(s.percent for s in segments if s.level == 0) / 2
