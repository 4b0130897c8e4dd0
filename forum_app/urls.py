"""Absolute addresses (links people copy, print or are sent): ``absolute_url`` is the only way to build
one. It uses ``PUBLIC_BASE_URL`` when set, otherwise the request's host, which ``TRUSTED_HOSTS`` has
already checked (a request to any other host is refused before a view runs). Never ``_external=True``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def absolute_url(endpoint: str, **values: Any) -> str:
    """The full address of ``endpoint``, e.g. ``https://forum.example.org/p/TOKEN``."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
