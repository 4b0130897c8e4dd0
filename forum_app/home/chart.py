"""A small chart of responses per week, drawn on the server as SVG (no JavaScript), with the same
colours as the evidence packs' charts. The page gives its numbers as text and as a table too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from forum_app.packs.charts import BAR_FILL, GRID, TEXT

WIDTH, HEIGHT = 640.0, 200.0
LEFT, RIGHT, TOP, BOTTOM = 40.0, 8.0, 12.0, 28.0  # room for the scale and the week labels
GAP = 0.25  # of each week's slot, between bars


@dataclass(frozen=True)
class Bar:
    week: date
    count: int
    x: float
    y: float
    width: float
    height: float
    label: str  # the week under the bar ("3 Nov"), every other week when there are many


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class WeeklyChart:
    bars: list[Bar]
    ticks: list[Tick]
    width: float = WIDTH
    height: float = HEIGHT
    left: float = LEFT
    baseline: float = HEIGHT - BOTTOM
    text: str = TEXT
    fill: str = BAR_FILL
    grid: str = GRID


def _step(high: int) -> int:
    """A round step giving at most five gridlines up to ``high``."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if high / step <= 5:
            return step
    return max(1, -(-high // 5))


def weekly_chart(weeks: list[tuple[date, int]]) -> WeeklyChart:
    high = max([count for _, count in weeks] + [1])
    step = _step(high)
    top = -(-high // step) * step
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(weeks))
    every = 1 if len(weeks) <= 8 else 2
    bars = []
    for index, (week, count) in enumerate(weeks):
        height = plot_height * count / top
        label = f"{week.day} {week:%b}" if (len(weeks) - 1 - index) % every == 0 else ""
        x = LEFT + slot * index + slot * GAP / 2
        bars.append(Bar(week, count, x, HEIGHT - BOTTOM - height, slot * (1 - GAP), height, label))
    ticks = [Tick(value, HEIGHT - BOTTOM - plot_height * value / top) for value in range(0, top + 1, step)]
    return WeeklyChart(bars, ticks)
