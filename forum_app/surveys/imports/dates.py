"""The day a response was sent, read from an export's date column (its time and time zone are dropped).

Exports write dates as ``2024/03/05 10:14:22 am GMT`` (year first), ``05/03/2024 10:14:22`` (day
first, UK) or ``03/05/2024 10:14:22 AM`` (month first, US), and an XLSX date cell as ISO
``2024-03-05 10:14:22``. Which of day and month comes first is decided once per file: a first number
over 12 means day first, a second number over 12 means month first, and a file with neither keeps
its tool's usual order.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from forum_app.surveys.imports.files import ImportFileError

# Three groups of digits at the start, separated by "/", "-" or "."; anything after is the time.
_DATE = re.compile(r"\s*(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:$|[\sT,])")


def _parts(value: str) -> tuple[int, int, int, bool] | None:
    """The three numbers of a date, and whether the first is the year; None if it is not a date."""
    found = _DATE.match(value)
    if not found:
        return None
    first, second, third = found.groups()
    if len(first) == 4:
        return int(first), int(second), int(third), True
    if len(third) not in (2, 4) or len(first) > 2:
        return None
    return int(first), int(second), int(third), False


def day_comes_first(values: Iterable[str], usual: bool, column: str) -> bool:
    """Whether the dates in ``values`` are written day first; ``usual`` when nothing settles it.
    Raises ``ImportFileError`` when some dates can only be day first and others only month first."""
    day_first = month_first = False
    for value in values:
        parts = _parts(value)
        if parts is None or parts[3]:
            continue
        day_first = day_first or parts[0] > 12
        month_first = month_first or parts[1] > 12
        if day_first and month_first:
            raise ImportFileError(
                f"The dates in the column “{column}” are written in two orders (day first and month "
                "first): export the responses again without editing the dates."
            )
    return day_first or (usual and not month_first)


def read_day(value: str, day_first: bool, column: str, row: int) -> datetime.date:
    """The day of one date cell; raises ``ImportFileError`` naming the row when it is not a date."""
    parts = _parts(value)
    try:
        if parts is None:
            raise ValueError(value)
        first, second, third, year_first = parts
        if year_first:
            return datetime.date(first, second, third)
        year = third + 2000 if third < 100 else third
        return datetime.date(year, second, first) if day_first else datetime.date(year, first, second)
    except ValueError as exc:
        shown = value.strip()[:40] or "(blank)"
        raise ImportFileError(
            f"Row {row}: the date “{shown}” in the column “{column}” cannot be read "
            "as a date like 05/03/2024."
        ) from exc
