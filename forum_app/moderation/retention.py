"""Originals are deleted once approved, or after the forum's ``original_days`` even if nobody has
moderated them yet (``flask retention purge``). Only the redacted text stays in ``Answer.value``;
a moderator can still redact more, but can no longer restore what was redacted. An answer the
automatic check has not yet run on keeps its original, its only copy, until it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum
from forum_app.db import transaction
from forum_app.moderation.models import ModerationItem
from forum_app.moderation.settings import moderation_settings


@dataclass(frozen=True)
class OriginalsPurge:
    slug: str
    original_days: int
    originals: int  # answers whose original words were (or would be) deleted


def purge_originals(session: Session, today: date, dry_run: bool = False) -> list[OriginalsPurge]:
    """Delete the originals of answers received more than each forum's ``original_days`` before
    ``today``. Idempotent; with ``dry_run`` only counts. Commits (or rolls back) once at the end."""
    report = []
    with transaction(session, dry_run):
        for forum in session.scalars(select(Forum).order_by(Forum.slug)).all():
            days = moderation_settings(forum).original_days
            condition = (
                ModerationItem.forum_id == forum.id,
                ModerationItem.original.is_not(None),
                ModerationItem.checked.is_(True),  # until checked, the original is its only copy
                ModerationItem.received_on < today - timedelta(days=days),
            )
            count: int | None
            if dry_run:
                count = (
                    session.scalar(select(func.count()).select_from(ModerationItem).where(*condition)) or 0
                )
            else:
                result = session.execute(
                    update(ModerationItem)
                    .where(*condition)
                    .values(original=None, original_purged_on=today)
                    .execution_options(synchronize_session=False)
                )
                count = int(result.rowcount)  # type: ignore[attr-defined]
            report.append(OriginalsPurge(forum.slug, days, count or 0))
    return report
