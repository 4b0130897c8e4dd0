"""Absolute addresses (links people copy, print or are sent): ``absolute_url`` is the only way to build
one. It uses ``PUBLIC_BASE_URL`` when set, otherwise the request's host, which ``TRUSTED_HOSTS`` has
already checked (a request to any other host is refused before a view runs). Never ``_external=True``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, url_for
from werkzeug.routing import BaseConverter


def absolute_url(endpoint: str, **values: Any) -> str:
    """The full address of ``endpoint``, e.g. ``https://forum.example.org/p/TOKEN``."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


class PublicIdConverter(BaseConverter):
    """``<public:name>``: a random public id (16 lowercase hex characters) in a staff address. Anything
    else, such as an old row number, matches no route (404), and a word beside it (``/staff/packs/new``)
    is never taken for an id."""

    regex = "[0-9a-f]{16}"


def register_converters(app: Flask) -> None:
    app.url_map.converters["public"] = PublicIdConverter
