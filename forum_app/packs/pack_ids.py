"""Packs and share links as staff addresses name them: by their random public id, within one forum.

A pack's or link's row number stays inside the app: in an address it would tell a member of staff how
many packs every forum together has made, and make the next one easy to guess.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forum_app.packs.models import PackSnapshot, ShareLink
from forum_app.surveys.answer_ids import is_public_id


def named_snapshot(session: Session, forum_id: int, public_id: str) -> PackSnapshot | None:
    """This forum's pack with that public id, or None (malformed, unknown, or another forum's)."""
    if not is_public_id(public_id):
        return None
    return session.scalar(
        select(PackSnapshot).where(PackSnapshot.public_id == public_id, PackSnapshot.forum_id == forum_id)
    )


def link_number(session: Session, snapshot: PackSnapshot, public_id: str) -> int | None:
    """The row number of that pack's share link with that public id, or None."""
    if not is_public_id(public_id):
        return None
    return session.scalar(
        select(ShareLink.id).where(ShareLink.public_id == public_id, ShareLink.pack_id == snapshot.id)
    )
