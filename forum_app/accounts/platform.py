"""The platform administrator's side of accounts: administrators, new forums, suspending a forum.

An administrator runs the platform (makes and suspends forums) but is not a member of any forum by
being one: without a membership they see no forum's answers, codings or packs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forum_app.accounts.models import Forum, Membership, User
from forum_app.accounts.passwords import hash_password, one_time_expiry, one_time_password
from forum_app.accounts.services import (
    EMAIL_PATTERN,
    SLUG_PATTERN,
    AccountError,
    NewUser,
    get_forum,
    normalise_email,
)
from forum_app.db import utcnow

MAX_NAME = 200


@dataclass(frozen=True)
class ForumRow:
    id: int
    slug: str
    name: str
    local_area: str
    suspended_at: datetime | None
    staff: int


def create_platform_admin(session: Session, email: str) -> NewUser:
    """Make ``email`` a platform administrator (a new account gets a one-time password; an existing
    one keeps its password and memberships)."""
    email = normalise_email(email)
    if not EMAIL_PATTERN.match(email):
        raise AccountError(f"{email!r} is not an email address.")
    user = session.scalar(select(User).where(User.email == email))
    generated = None
    if user is None:
        generated = one_time_password()
        user = User(
            email=email,
            password_hash=hash_password(generated),
            must_change_password=True,
            password_expires_at=one_time_expiry(),
        )
        session.add(user)
    user.is_platform_admin = True
    session.commit()
    return NewUser(user, generated)


def new_forum(session: Session, slug: str, name: str, local_area: str = "") -> Forum:
    """A new forum, added to the session and flushed but not committed: the caller adds its survey and
    codebook in the same transaction. Refuses a slug in use, so no forum is changed by mistake."""
    slug, name, local_area = slug.strip(), " ".join(name.split()), " ".join(local_area.split())
    if not SLUG_PATTERN.match(slug):
        raise AccountError("A forum slug uses lower-case letters, digits and hyphens only (up to 63).")
    if not name or len(name) > MAX_NAME:
        raise AccountError(f"Give the forum a name of up to {MAX_NAME} characters.")
    if len(local_area) > MAX_NAME:
        raise AccountError(f"The local area name can have up to {MAX_NAME} characters.")
    if get_forum(session, slug) is not None:
        raise AccountError(f"There is already a forum with the slug {slug!r}.")
    forum = Forum(slug=slug, name=name, local_area=local_area, settings={})
    session.add(forum)
    session.flush()
    return forum


def forum_by_id(session: Session, forum_id: int) -> Forum | None:
    return session.get(Forum, forum_id)


def forum_suspended(session: Session, forum_id: int) -> bool:
    forum = forum_by_id(session, forum_id)
    return forum is None or forum.suspended_at is not None


def list_forums(session: Session) -> list[ForumRow]:
    """Every forum, by name, with how many staff it has (never anything they wrote or coded)."""
    staff = (
        select(Membership.forum_id, func.count().label("staff"))
        .join(User, User.id == Membership.user_id)
        .where(User.active.is_(True))
        .group_by(Membership.forum_id)
        .subquery()
    )
    rows = session.execute(
        select(Forum.id, Forum.slug, Forum.name, Forum.local_area, Forum.suspended_at, staff.c.staff)
        .outerjoin(staff, staff.c.forum_id == Forum.id)
        .order_by(Forum.name, Forum.id)
    )
    return [
        ForumRow(forum_id, slug, name, area, suspended_at, staff_count or 0)
        for forum_id, slug, name, area, suspended_at, staff_count in rows
    ]


def set_suspended(session: Session, forum_id: int, suspended: bool, now: datetime | None = None) -> Forum:
    """Suspend a forum (its surveys, staff pages and share links stop) or lift the suspension. Nothing
    is deleted either way."""
    forum = forum_by_id(session, forum_id)
    if forum is None:
        raise AccountError("There is no such forum.")
    if suspended and forum.suspended_at is None:
        forum.suspended_at = now or utcnow()
    elif not suspended:
        forum.suspended_at = None
    session.commit()
    return forum
