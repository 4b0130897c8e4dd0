"""Jinja filters and globals, registered once."""

from __future__ import annotations

from datetime import date

from flask import Flask


def format_date(value: date | None) -> str:
    """``2026-11-23`` as ``23 November 2026``."""
    return f"{value.day} {value:%B %Y}" if value else ""


def format_count(value: int) -> str:
    return f"{value:,}"


def register_filters(app: Flask) -> None:
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_count, "count")
