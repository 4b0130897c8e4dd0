"""Absolute addresses (links people copy, print or are sent): ``absolute_url`` is the only way to build
one. It uses ``PUBLIC_BASE_URL`` when set, otherwise the request's host, which ``TRUSTED_HOSTS`` has
already checked (a request to any other host is refused before a view runs). Never ``_external=True``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, url_for
from werkzeug.routing import BaseConverter, ValidationError

from forum_app.inputs import parse_id


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


class IdConverter(BaseConverter):
    """``<id:name>``: a row id or version number from 1 to 2**31 - 1 (``inputs.parse_id``); anything
    else, such as a number too large for the database, matches no route (404)."""

    regex = "[1-9][0-9]{0,9}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(value)


def register_converters(app: Flask) -> None:
    app.url_map.converters["public"] = PublicIdConverter
    app.url_map.converters["id"] = IdConverter
