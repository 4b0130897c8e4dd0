"""Jinja filters and globals, registered once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask

from forum_app.i18n import number
from forum_app.urls import absolute_url

UK_TIME = ZoneInfo("Europe/London")


def format_date(value: date | None) -> str:
    """``2026-11-23`` as ``23 November 2026``."""
    return f"{value.day} {value:%B %Y}" if value else ""


def format_moment(value: datetime | None) -> str:
    """A staff record's time as people in England read it: "3 March 2026 at 2:05pm". Stored times
    are UTC (SQLite drops the zone)."""
    if value is None:
        return ""
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UK_TIME)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def format_count(value: int) -> str:
    """A count as the page's language writes it ("5,000" on English and staff pages)."""
    return number(value)


def excerpt(value: Any, length: int) -> str:
    """``value`` on one line (runs of white space made one space), cut at the last whole word that
    fits in ``length`` characters with "…" (trailing ``,.;:`` dropped before it)."""
    text = " ".join(str(value or "").split())
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def register_filters(app: Flask) -> None:
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_count, "count")
    app.add_template_filter(format_moment, "moment")
    app.add_template_global(absolute_url, "absolute_url")
