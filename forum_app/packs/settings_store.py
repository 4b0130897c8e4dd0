"""A forum's pack settings, each kept in ``Forum.settings`` under a key of its own, and saved only if no
other lead saved the same key since the form was shown (the form carries ``settings_version``)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum

Errors = dict[str, list[str]]  # field name (or "form") -> messages, in form order


def settings_version(forum: Forum, key: str) -> str:
    """A short fingerprint of what is stored under ``key``, to notice another lead's save."""
    settings = forum.settings if isinstance(forum.settings, dict) else {}
    stored = json.dumps(settings.get(key), sort_keys=True, default=str)
    return hashlib.sha256(stored.encode("utf-8")).hexdigest()[:16]


def save_setting(
    session: Session, forum: Forum, key: str, stored: Any, version: str | None, changed_meanwhile: str
) -> Errors:
    """Store ``stored`` under ``key``, keeping the other settings, and commit; or, when ``version`` is
    given and another lead has saved since, save nothing and return ``changed_meanwhile`` under "form"."""
    if version and version != settings_version(forum, key):
        return {"form": [changed_meanwhile]}
    current = forum.settings if isinstance(forum.settings, dict) else {}
    forum.settings = {**current, key: stored}  # a new dict, so the JSON column is written
    session.commit()
    return {}
