"""Server-side staff sessions: a sign-in lasts only while its row says so.

The browser's (signed) session cookie carries a random token; the database keeps only its SHA-256.
A session is valid while it has not been ended, has been used in the last ``IDLE`` (30 minutes),
is younger than ``LIFETIME`` (12 hours) and its user is active. Ending the row ends every copy of
the cookie: sign-out ends one session; a password change, a reset or "sign out everywhere" ends all
of a person's sessions; deactivating a person makes every check fail at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String, delete, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from forum_app.accounts.models import User
from forum_app.db import Base, utcnow

IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
KEEP = timedelta(days=2)  # ended or expired rows older than this are deleted at sign-in

# Why a session is no longer valid, as the sign-in page explains it.
IDLE_TIMEOUT = "idle"
TOO_OLD = "too_old"
ENDED = "ended"


class StaffSession(Base):
    """One signed-in browser of one member of staff."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Check:
    """The outcome of checking a token: the session when valid, else why not."""

    session: StaffSession | None
    reason: str = ""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time here is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _delete_old(db_session: Session, now: datetime, idle: timedelta, lifetime: timedelta) -> None:
    cutoff = now - KEEP
    db_session.execute(
        delete(StaffSession).where(
            or_(
                StaffSession.ended_at < cutoff,
                StaffSession.last_seen_at < cutoff - idle,
                StaffSession.created_at < cutoff - lifetime,
            )
        )
    )


def add_session(
    db_session: Session,
    user_id: int,
    now: datetime | None = None,
    idle: timedelta = IDLE,
    lifetime: timedelta = LIFETIME,
) -> str:
    """A new session for ``user_id`` (not committed); deletes long-dead rows. Returns the raw token."""
    now = now or utcnow()
    _delete_old(db_session, now, idle, lifetime)
    token = secrets.token_urlsafe(32)
    db_session.add(StaffSession(token_hash=_hash(token), user_id=user_id, created_at=now, last_seen_at=now))
    return token


def start_session(db_session: Session, user_id: int, now: datetime | None = None) -> str:
    """Start a session for ``user_id`` and return its token, for the browser's cookie only."""
    token = add_session(db_session, user_id, now)
    db_session.commit()
    return token


def end(db_session: Session, token: str, now: datetime | None = None) -> StaffSession | None:
    """End the session with this token (not committed); the session, if it was still open."""
    found = db_session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
    if found is None or found.ended_at is not None:
        return None
    found.ended_at = now or utcnow()
    return found


def end_session(db_session: Session, token: str) -> None:
    """End the session with this token: every copy of the cookie stops working."""
    end(db_session, token)
    db_session.commit()


def end_all(db_session: Session, user_id: int, now: datetime | None = None) -> int:
    """End every session of ``user_id`` (not committed); how many were still open."""
    result = db_session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
        .values(ended_at=now or utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def end_all_sessions(db_session: Session, user_id: int) -> int:
    """End every session of ``user_id``, on every device; returns how many were ended."""
    ended = end_all(db_session, user_id)
    db_session.commit()
    return ended


def check(
    db_session: Session,
    token: str | None,
    now: datetime | None = None,
    idle: timedelta = IDLE,
    lifetime: timedelta = LIFETIME,
) -> Check:
    """Whether ``token`` is a valid session now, and why not. Writes ``last_seen_at`` at most once
    every ``TOUCH_EVERY``, so plain page views do not each write to the database."""
    if not token:
        return Check(None, ENDED)
    now = now or utcnow()
    row = db_session.execute(
        select(StaffSession, User.active)
        .join(User, User.id == StaffSession.user_id)
        .where(StaffSession.token_hash == _hash(token))
    ).one_or_none()
    if row is None or row[0].ended_at is not None or not row[1]:
        return Check(None, ENDED)
    found: StaffSession = row[0]
    if now - _aware(found.created_at) > lifetime:
        return Check(None, TOO_OLD)
    if now - _aware(found.last_seen_at) > idle:
        return Check(None, IDLE_TIMEOUT)
    if now - _aware(found.last_seen_at) >= TOUCH_EVERY:
        found.last_seen_at = now
        db_session.commit()
    return Check(found)


def current(db_session: Session, token: str | None, now: datetime | None = None) -> StaffSession | None:
    """The valid session with this token, or None (ended, idle too long, too old, user inactive)."""
    return check(db_session, token, now).session


def _open(user_id: int, now: datetime) -> list[Any]:
    return [
        StaffSession.user_id == user_id,
        StaffSession.ended_at.is_(None),
        StaffSession.last_seen_at >= now - IDLE,
        StaffSession.created_at >= now - LIFETIME,
    ]


def list_open(db_session: Session, user_id: int, now: datetime | None = None) -> list[StaffSession]:
    """``user_id``'s sessions still open, most recently used first. Nothing about the browser or
    where it is (no address, no user agent) is kept, so only the times can be shown."""
    now = now or utcnow()
    query = select(StaffSession).where(*_open(user_id, now))
    return list(db_session.scalars(query.order_by(StaffSession.last_seen_at.desc(), StaffSession.id.desc())))


def session_id_of(db_session: Session, token: str | None) -> int | None:
    """The row id of the session with this token (which browser is "this browser")."""
    if not token:
        return None
    return db_session.scalar(select(StaffSession.id).where(StaffSession.token_hash == _hash(token)))


def end_one(db_session: Session, user_id: int, session_id: int, now: datetime | None = None) -> bool:
    """End ``user_id``'s open session ``session_id`` (not committed). False when there is no such
    open session of theirs: someone else's session is never touched."""
    now = now or utcnow()
    found = db_session.scalar(select(StaffSession).where(StaffSession.id == session_id, *_open(user_id, now)))
    if found is None:
        return False
    found.ended_at = now
    return True


def end_everyone(db_session: Session, now: datetime | None = None) -> dict[int, int]:
    """End every open staff session (not committed): how many were ended, by user id."""
    now = now or utcnow()
    rows = db_session.execute(
        select(StaffSession.user_id, StaffSession.id).where(StaffSession.ended_at.is_(None))
    ).all()
    db_session.execute(update(StaffSession).where(StaffSession.ended_at.is_(None)).values(ended_at=now))
    ended: dict[int, int] = {}
    for user_id, _ in rows:
        ended[user_id] = ended.get(user_id, 0) + 1
    return ended
