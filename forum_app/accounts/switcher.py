"""Working in one forum at a time: the forums a person belongs to, and choosing one of them.

The forum chosen is kept in the staff session under ``FORUM_SESSION_KEY``; the guard
(``forum_app.security``) checks the membership again on every request.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Membership
from forum_app.accounts.services import membership, memberships_of

FORUM_SESSION_KEY = "forum_id"


@dataclass(frozen=True)
class ForumChoice:
    forum_id: int
    name: str
    role: str
    suspended: bool


def forum_choices(session: Session, user_id: int) -> list[ForumChoice]:
    """The forums this person is a member of, by name, with their role in each."""
    return [
        ForumChoice(found.forum_id, found.forum.name, found.role, found.forum.suspended_at is not None)
        for found in memberships_of(session, user_id)
    ]


def forum_count(session: Session, user_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.user_id == user_id, Membership.active.is_(True))
        )
        or 0
    )


def choose_forum(session: Session, user_id: int, forum_id: int) -> Membership | None:
    """The membership to work in, or None when this person is not a member of ``forum_id``."""
    return membership(session, user_id, forum_id)
