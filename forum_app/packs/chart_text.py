"""How much room a chart's text takes: widths from the font's own metrics, line boxes, wrapping.

The charts name DejaVu Sans first, and matplotlib always has it (it ships the font), so the widths
come from that font file's advance widths, read with fontTools: the same numbers on every machine.
A reader without DejaVu Sans sees Liberation Sans or Arial, which are narrower for almost every
character; for the few that are wider (some capitals, "?", "@", "_", the dash, the arrows) the wider
width is used, so a measured width is never less than what any of the three fonts draws.

A line of text at size ``s`` takes the box from ``ascent * s`` above its baseline to ``descent * s``
below it (the font's hhea ascent and descent): ``text_box``. The tests read every text's box back
from a chart's SVG this way and check that no two overlap and none leaves the drawing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fontTools.ttLib import TTFont
from matplotlib import font_manager

FONT = "DejaVu Sans"
ELLIPSIS = "…"
# Advance widths (em) of characters that Liberation Sans (metrically Arial) draws wider than DejaVu Sans.
WIDER_IN_ARIAL = {
    "?": 0.556,
    "@": 1.015,
    "C": 0.722,
    "E": 0.667,
    "F": 0.611,
    "G": 0.778,
    "J": 0.5,
    "K": 0.667,
    "P": 0.667,
    "R": 0.722,
    "S": 0.667,
    "Y": 0.667,
    "_": 0.556,
    "–": 0.556,
    "←": 1.0,
    "→": 1.0,
}


@dataclass(frozen=True)
class Metrics:
    units_per_em: int
    ascent: float  # em
    descent: float  # em, positive
    widths: dict[int, float]  # code point -> advance width in em


@cache
def metrics() -> Metrics:
    font = TTFont(font_manager.findfont(FONT, fallback_to_default=False))
    units = int(font["head"].unitsPerEm)
    advances = font["hmtx"].metrics
    widths = {code: advances[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    return Metrics(units, font["hhea"].ascent / units, -font["hhea"].descent / units, widths)


def text_width(text: str, size: float) -> float:
    """The width of one line of text at ``size`` points, in points (a missing glyph counts 1 em)."""
    widths = metrics().widths
    return size * sum(max(widths.get(ord(char), 1.0), WIDER_IN_ARIAL.get(char, 0.0)) for char in text)


def line_height(size: float) -> float:
    """The height of a line's box (ascent plus descent), in points."""
    return size * (metrics().ascent + metrics().descent)


def baseline_for_middle(middle: float, size: float) -> float:
    """The baseline (y growing downwards) that puts a line's box centred on ``middle``."""
    return middle + size * (metrics().ascent - metrics().descent) / 2


@dataclass(frozen=True)
class Box:
    """A text's box in the drawing's coordinates (points, y growing downwards)."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        """True if the boxes share any area (or come closer than ``gap``)."""
        return (
            self.left < other.right + gap
            and other.left < self.right + gap
            and self.top < other.bottom + gap
            and other.top < self.bottom + gap
        )

    def inside(self, width: float, height: float) -> bool:
        return self.left >= 0 and self.top >= 0 and self.right <= width and self.bottom <= height


def text_box(x: float, baseline: float, text: str, size: float, anchor: str = "start") -> Box:
    """The box of one line drawn at ``x`` (its start, middle or end, as SVG's ``text-anchor``)."""
    width = text_width(text, size)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return Box(left, baseline - size * metrics().ascent, left + width, baseline + size * metrics().descent)


def wrap(text: str, width: float, size: float, max_lines: int) -> tuple[list[str], bool]:
    """The text in lines no wider than ``width`` points, at most ``max_lines`` of them, and whether
    it had to be cut short (the last line then ends with "…"). A word wider than a line is cut."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(candidate, size) <= width:
            lines[-1] = candidate
            continue
        while text_width(word, size) > width:  # a word longer than a line: cut it where it fills one
            cut = max((n for n in range(1, len(word)) if text_width(word[:n], size) <= width), default=1)
            lines.append(word[:cut])
            word = word[cut:]
        if word:
            lines.append(word)
    if len(lines) <= max_lines:
        return lines, False
    last = lines[max_lines - 1]
    while last and text_width(last + ELLIPSIS, size) > width:
        last = last[:-1].rstrip()
    return [*lines[: max_lines - 1], last + ELLIPSIS], True
